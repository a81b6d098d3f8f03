/*
 * test_load.c - gw_load_bytes(), gw_load_gate(), gw_load_file(): typing of
 * scalars, the constructs gwc refuses, the encoding gate, documents, and
 * the exact diagnostics with their line:col.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "unit.h"

/* Describes a node: "null", "bool true", "int 3", "num 3", "str \"x\"". */
static void describe(struct gw_buf *out, const struct gw_node *n)
{
	size_t i;

	switch (n->kind) {
	case GW_NULL:
		gw_buf_puts(out, "null");
		break;
	case GW_BOOL:
		gw_buf_puts(out, n->u.b ? "bool true" : "bool false");
		break;
	case GW_INT:
		gw_buf_printf(out, "int %lld", n->u.i);
		break;
	case GW_NUM:
		gw_buf_printf(out, "num %.17g", n->u.num);
		break;
	case GW_STR:
		gw_buf_puts(out, "str ");
		gw_diag_quote(out, n->u.str.s, n->u.str.len);
		break;
	case GW_SEQ:
		gw_buf_puts(out, "[");
		for (i = 0; i < n->u.seq.n; i++) {
			if (i)
				gw_buf_puts(out, ", ");
			describe(out, n->u.seq.items[i]);
		}
		gw_buf_puts(out, "]");
		break;
	case GW_MAP:
		gw_buf_puts(out, "{");
		for (i = 0; i < n->u.map.n; i++) {
			if (i)
				gw_buf_puts(out, ", ");
			describe(out, n->u.map.pairs[i].key);
			gw_buf_puts(out, ": ");
			describe(out, n->u.map.pairs[i].value);
		}
		gw_buf_puts(out, "}");
		break;
	}
}

/* Describes the tree with the line:col of every node, for comparisons. */
static void describe_marks(struct gw_buf *out, const struct gw_node *n)
{
	size_t i;

	gw_buf_printf(out, "%d:%d ", n->mark.line, n->mark.col);
	if (n->kind == GW_SEQ) {
		for (i = 0; i < n->u.seq.n; i++)
			describe_marks(out, n->u.seq.items[i]);
	} else if (n->kind == GW_MAP) {
		for (i = 0; i < n->u.map.n; i++) {
			describe_marks(out, n->u.map.pairs[i].key);
			describe_marks(out, n->u.map.pairs[i].value);
		}
	}
}

/* The tree of @yaml (one document) as describe() writes it. */
static char *tree_of(const char *data, size_t len, bool marks)
{
	struct unit_load u;
	struct gw_buf out = { 0 };

	unit_load_bytes(&u, data, len);
	assert_string_equal(u.text, "");
	assert_int_equal(u.status, 0);
	assert_int_equal(u.ndocs, 1);
	if (marks)
		describe_marks(&out, u.docs[0]);
	else
		describe(&out, u.docs[0]);
	unit_load_done(&u);
	return out.data;
}

static void assert_tree(const char *yaml, const char *want)
{
	char *got = tree_of(yaml, strlen(yaml), false);

	assert_string_equal(got, want);
	free(got);
}

static void assert_error(const char *data, size_t len, const char *want)
{
	char *got = unit_load_errors(data, len);

	assert_string_equal(got, want);
	free(got);
}

#define ASSERT_ERROR(lit, want) assert_error(lit, sizeof(lit) - 1, want)

/* ---- typing of scalars --------------------------------------------------- */

static void test_plain_scalars_typed_by_json_rules(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "true", "bool true" },
		{ "false", "bool false" },
		{ "null", "null" },
		{ "~", "null" },
		{ "", "null" },
		{ "3", "int 3" },
		{ "0", "int 0" },
		{ "-12", "int -12" },
		{ "-0", "int 0" },
		{ "9223372036854775807", "int 9223372036854775807" },
		{ "-9223372036854775808", "int -9223372036854775808" },
		{ "3.0", "num 3" },
		{ "9223372036854775808.0", "num 9.2233720368547758e+18" },
		{ "1e3", "num 1000" },
		{ "-1.5e-3", "num -0.0015" },
		{ "2E+2", "num 200" },
		/* YAML 1.1 or 1.2 numbers that JSON does not have: strings */
		{ "03", "str \"03\"" },
		{ "+3", "str \"+3\"" },
		{ "0x3", "str \"0x3\"" },
		{ "0o7", "str \"0o7\"" },
		{ "1_000", "str \"1_000\"" },
		{ ".5", "str \".5\"" },
		{ "1.", "str \"1.\"" },
		{ "1e", "str \"1e\"" },
		{ "01.5", "str \"01.5\"" },
		{ ".inf", "str \".inf\"" },
		/* (a JSON number beyond a double is refused, below) */
		{ "0e-999", "num 0" },
		{ "1e-320", "num 9.9998886718268301e-321" },
		{ ".nan", "str \".nan\"" },
		/* YAML 1.1 booleans and other spellings of null: strings */
		{ "yes", "str \"yes\"" },
		{ "no", "str \"no\"" },
		{ "on", "str \"on\"" },
		{ "y", "str \"y\"" },
		{ "True", "str \"True\"" },
		{ "FALSE", "str \"FALSE\"" },
		{ "NULL", "str \"NULL\"" },
		{ "Null", "str \"Null\"" },
		{ "2001-12-14", "str \"2001-12-14\"" },
		{ "100m", "str \"100m\"" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char yaml[64], want[128];

		snprintf(yaml, sizeof(yaml), "v: %s\n", cases[i].text);
		snprintf(want, sizeof(want), "{str \"v\": %s}", cases[i].want);
		assert_tree(yaml, want);
	}
}

/* A number a double cannot hold would be read as infinity (Go refuses
 * it) or, not being zero, as 0: refused where it is. */
static void test_number_beyond_a_double_refused(void **state)
{
	(void)state;
	ASSERT_ERROR("v: 1e999\n",
		     "spec.yaml:1:4: error: number 1e999 is out of range (a "
		     "64-bit float overflows)\n");
	ASSERT_ERROR("v: [-1e999]\n",
		     "spec.yaml:1:5: error: number -1e999 is out of range (a "
		     "64-bit float overflows)\n");
	ASSERT_ERROR("v: 1e-999\n",
		     "spec.yaml:1:4: error: number 1e-999 is out of range (a "
		     "64-bit float reads it as 0)\n");
	ASSERT_ERROR("v: -0.0001e-999\n",
		     "spec.yaml:1:4: error: number -0.0001e-999 is out of "
		     "range (a 64-bit float reads it as 0)\n");
}

static void test_integer_beyond_64_bits_refused(void **state)
{
	(void)state;
	ASSERT_ERROR("v: 9223372036854775808\n",
		     "spec.yaml:1:4: error: integer 9223372036854775808 is out "
		     "of range (64 bits)\n");
	ASSERT_ERROR("v: -9223372036854775809\n",
		     "spec.yaml:1:4: error: integer -9223372036854775809 is out "
		     "of range (64 bits)\n");
	ASSERT_ERROR("a: 1\nb: [1, 99999999999999999999]\n",
		     "spec.yaml:2:8: error: integer 99999999999999999999 is out "
		     "of range (64 bits)\n");
	ASSERT_ERROR("18446744073709551616: x\n",
		     "spec.yaml:1:1: error: integer 18446744073709551616 is out "
		     "of range (64 bits)\n");
	/* quoted, or written as a fraction, it is not an integer */
	assert_tree("a: \"9223372036854775808\"\n",
		    "{str \"a\": str \"9223372036854775808\"}");
}

static void test_quoted_and_block_scalars_are_strings(void **state)
{
	(void)state;
	assert_tree("a: \"3\"\nb: 'true'\nc: \"null\"\nd: '~'\ne: \"\"\n"
		    "f: ''\ng: \"-1.5\"\n",
		    "{str \"a\": str \"3\", str \"b\": str \"true\", "
		    "str \"c\": str \"null\", str \"d\": str \"~\", "
		    "str \"e\": str \"\", str \"f\": str \"\", "
		    "str \"g\": str \"-1.5\"}");
	assert_tree("a: |\n  3\nb: >-\n  true\nc: |-\n  x\n  y\n",
		    "{str \"a\": str \"3\\n\", str \"b\": str \"true\", "
		    "str \"c\": str \"x\\ny\"}");
	assert_tree("a: 'it''s'\nb: \"\\t\\u00e9\"\n",
		    "{str \"a\": str \"it's\", str \"b\": str \"\\té\"}");
}

static void test_keys_quoted_or_plain_are_strings(void **state)
{
	(void)state;
	assert_tree("\"1\": a\n'true': b\n\"null\": c\nyes: d\n",
		    "{str \"1\": str \"a\", str \"true\": str \"b\", "
		    "str \"null\": str \"c\", str \"yes\": str \"d\"}");
}

static void test_marks_are_one_based(void **state)
{
	char *got;
	static const char yaml[] =
		"a: 1\n"
		"b:\n"
		"  - x\n"
		"  - {c: [y, z]}\n"
		"d: |\n"
		"  text\n";

	(void)state;
	got = tree_of(yaml, sizeof(yaml) - 1, true);
	assert_string_equal(got, "1:1 1:1 1:4 2:1 3:3 3:5 4:5 4:6 4:9 4:10 "
			    "4:13 5:1 5:4 ");
	free(got);
}

static void test_flow_and_block_give_the_same_tree(void **state)
{
	(void)state;
	assert_tree("{a: [1, {b: c}], d: {}}",
		    "{str \"a\": [int 1, {str \"b\": str \"c\"}], "
		    "str \"d\": {}}");
	assert_tree("a:\n- 1\n- b: c\nd: {}\n",
		    "{str \"a\": [int 1, {str \"b\": str \"c\"}], "
		    "str \"d\": {}}");
	assert_tree("[]", "[]");
	assert_tree("x", "str \"x\"");
}

/* ---- refused constructs -------------------------------------------------- */

static void test_duplicate_key_reports_both_positions(void **state)
{
	(void)state;
	ASSERT_ERROR("a: 1\nb: 2\na: 3\n",
		     "spec.yaml:3:1: error: duplicate key 'a' (first at line 1, "
		     "column 1)\n");
	ASSERT_ERROR("top:\n  b: 1\n  c: 2\n  b: 3\n",
		     "spec.yaml:4:3: error: duplicate key 'b' (first at line 2, "
		     "column 3)\n");
	ASSERT_ERROR("- {x: 1, y: 2, x: 3}\n",
		     "spec.yaml:1:16: error: duplicate key 'x' (first at line 1, "
		     "column 4)\n");
	/* quoting does not make another key */
	ASSERT_ERROR("a: 1\n\"a\": 2\n",
		     "spec.yaml:2:1: error: duplicate key 'a' (first at line 1, "
		     "column 1)\n");
	ASSERT_ERROR("? a\n: 1\n? a\n: 2\n",
		     "spec.yaml:3:3: error: duplicate key 'a' (first at line 1, "
		     "column 3)\n");
}

static void test_duplicate_key_text_is_kept_on_one_line(void **state)
{
	(void)state;
	ASSERT_ERROR("\"a\\tb\": 1\n\"a\\tb\": 2\n",
		     "spec.yaml:2:1: error: duplicate key \"a\\tb\" (first at "
		     "line 1, column 1)\n");
	ASSERT_ERROR("\"a\\nb\": 1\n\"a\\nb\": 2\n",
		     "spec.yaml:2:1: error: duplicate key \"a\\nb\" (first at "
		     "line 1, column 1)\n");
	ASSERT_ERROR("plain: 1\nplain: 2\n",
		     "spec.yaml:2:1: error: duplicate key 'plain' (first at "
		     "line 1, column 1)\n");
	/* what could not be shown on one line is refused before */
	ASSERT_ERROR("\"a\\eb\": 1\n",
		     "spec.yaml:1:1: error: control character U+001B in a "
		     "value (written as an escape)\n");
	ASSERT_ERROR("\"a\\0b\": 1\n",
		     "spec.yaml:1:1: error: NUL character U+0000 in a value "
		     "(written as an escape)\n");
}

static void test_escaped_characters_refused_in_values(void **state)
{
	(void)state;
	ASSERT_ERROR("a: \"\\e[0m\"\n",
		     "spec.yaml:1:4: error: control character U+001B in a value "
		     "(written as an escape)\n");
	ASSERT_ERROR("a: \"x\\0\"\n",
		     "spec.yaml:1:4: error: NUL character U+0000 in a value "
		     "(written as an escape)\n");
	ASSERT_ERROR("a: \"\\x01\"\n",
		     "spec.yaml:1:4: error: control character U+0001 in a value "
		     "(written as an escape)\n");
	ASSERT_ERROR("a: \"\\v\"\n",
		     "spec.yaml:1:4: error: control character U+000B in a value "
		     "(written as an escape)\n");
	ASSERT_ERROR("a: \"\\x7f\"\n",
		     "spec.yaml:1:4: error: control character U+007F in a value "
		     "(written as an escape)\n");
	ASSERT_ERROR("a: \"\\N\"\n",
		     "spec.yaml:1:4: error: control character U+0085 in a value "
		     "(written as an escape)\n");
	ASSERT_ERROR("a: \"\\u009f\"\n",
		     "spec.yaml:1:4: error: control character U+009F in a value "
		     "(written as an escape)\n");
	ASSERT_ERROR("a: \"\\L\"\n",
		     "spec.yaml:1:4: error: character U+2028 in a value (written "
		     "as an escape; readers disagree on it)\n");
	ASSERT_ERROR("a: \"\\u2029\"\n",
		     "spec.yaml:1:4: error: character U+2029 in a value (written "
		     "as an escape; readers disagree on it)\n");
	ASSERT_ERROR("a: \"\\uFEFF\"\n",
		     "spec.yaml:1:4: error: character U+FEFF in a value (written "
		     "as an escape; readers disagree on it)\n");
	ASSERT_ERROR("a: \"\\uFFFE\"\n",
		     "spec.yaml:1:4: error: noncharacter U+FFFE in a value "
		     "(written as an escape)\n");
	ASSERT_ERROR("a: \"\\uffff\"\n",
		     "spec.yaml:1:4: error: noncharacter U+FFFF in a value "
		     "(written as an escape)\n");
	/* at the scalar that holds it, in a key as in a value */
	ASSERT_ERROR("a: 1\nb: [x, \"y\\ez\"]\n",
		     "spec.yaml:2:8: error: control character U+001B in a value "
		     "(written as an escape)\n");
	ASSERT_ERROR("a:\n  \"k\\x1f\": 1\n",
		     "spec.yaml:2:3: error: control character U+001F in a value "
		     "(written as an escape)\n");
	/* TAB, LF and CR are fine, and so is every other character */
	assert_tree("a: \"\\t\\n\\r\\u00a0\\u2027\\uFFFD\\U0001F600\"\n",
		    "{str \"a\": str \"\\t\\n\\r\xc2\xa0\xe2\x80\xa7"
		    "\xef\xbf\xbd\xf0\x9f\x98\x80\"}");
}

static void test_equal_keys_in_different_maps_are_fine(void **state)
{
	(void)state;
	assert_tree("a: {k: 1}\nb: {k: 2}\n",
		    "{str \"a\": {str \"k\": int 1}, "
		    "str \"b\": {str \"k\": int 2}}");
}

static void test_many_keys_no_false_duplicate(void **state)
{
	struct gw_buf yaml = { 0 };
	struct unit_load u;
	int i;

	(void)state;
	for (i = 0; i < 5000; i++)
		gw_buf_printf(&yaml, "k%d: %d\n", i, i);
	unit_load(&u, yaml.data);
	assert_string_equal(u.text, "");
	assert_int_equal(u.docs[0]->u.map.n, 5000);
	assert_string_equal(u.docs[0]->u.map.pairs[4999].key->u.str.s, "k4999");
	unit_load_done(&u);

	gw_buf_puts(&yaml, "k17: again\n");
	assert_error(yaml.data, yaml.len,
		     "spec.yaml:5001:1: error: duplicate key 'k17' (first at "
		     "line 18, column 1)\n");
	gw_buf_release(&yaml);
}

static void test_anchors_aliases_tags_refused(void **state)
{
	(void)state;
	ASSERT_ERROR("a: &x 1\n",
		     "spec.yaml:1:4: error: anchors are not supported (&x)\n");
	ASSERT_ERROR("a: [1, &y 2]\n",
		     "spec.yaml:1:8: error: anchors are not supported (&y)\n");
	ASSERT_ERROR("a: &m\n  b: 1\n",
		     "spec.yaml:1:4: error: anchors are not supported (&m)\n");
	ASSERT_ERROR("a: *x\n",
		     "spec.yaml:1:4: error: aliases are not supported (*x)\n");
	ASSERT_ERROR("*x : 1\n",
		     "spec.yaml:1:1: error: aliases are not supported (*x)\n");
	ASSERT_ERROR("a: !foo 1\n",
		     "spec.yaml:1:4: error: tags are not supported (!foo)\n");
	ASSERT_ERROR("a: !!str 1\n",
		     "spec.yaml:1:4: error: tags are not supported (!!str)\n");
	ASSERT_ERROR("- !!map {}\n",
		     "spec.yaml:1:3: error: tags are not supported (!!map)\n");
	ASSERT_ERROR("a: !<tag:example.com,2000:x> 1\n",
		     "spec.yaml:1:4: error: tags are not supported "
		     "(tag:example.com,2000:x)\n");
}

static void test_directives_refused(void **state)
{
	(void)state;
	ASSERT_ERROR("%YAML 1.1\n---\na: 1\n",
		     "spec.yaml:1:1: error: YAML directives are not supported\n");
	ASSERT_ERROR("%TAG ! tag:example.com,2000:\n---\na: 1\n",
		     "spec.yaml:1:1: error: YAML directives are not supported\n");
	ASSERT_ERROR("a: 1\n%b\n",
		     "spec.yaml:2:1: error: YAML directives are not supported\n");
	ASSERT_ERROR("a: 1\r\n%b\r\n",
		     "spec.yaml:2:1: error: YAML directives are not supported\n");
	/* the two bytes that hang libfyaml 0.7.12 never reach a parser */
	ASSERT_ERROR("%\xff",
		     "spec.yaml:1:1: error: YAML directives are not supported\n");
	/* `%` elsewhere is text */
	assert_tree("a: \"%x\"\nb: 50%\n",
		    "{str \"a\": str \"%x\", str \"b\": str \"50%\"}");
}

static void test_non_string_keys_refused(void **state)
{
	(void)state;
	ASSERT_ERROR("1: a\n",
		     "spec.yaml:1:1: error: mapping key '1' is an integer, not a "
		     "string (quote it)\n");
	ASSERT_ERROR("a: {b: 1, true: 2}\n",
		     "spec.yaml:1:11: error: mapping key 'true' is a boolean, not "
		     "a string (quote it)\n");
	ASSERT_ERROR("3.5: a\n",
		     "spec.yaml:1:1: error: mapping key '3.5' is a number, not a "
		     "string (quote it)\n");
	ASSERT_ERROR("~: a\n",
		     "spec.yaml:1:1: error: mapping key '~' is null, not a "
		     "string (quote it)\n");
}

static void test_complex_keys_refused(void **state)
{
	(void)state;
	ASSERT_ERROR("? [a]\n: b\n",
		     "spec.yaml:1:3: error: complex mapping keys are not "
		     "supported\n");
	ASSERT_ERROR("{[a]: b}\n",
		     "spec.yaml:1:2: error: complex mapping keys are not "
		     "supported\n");
	ASSERT_ERROR("x:\n  ? {a: 1}\n  : b\n",
		     "spec.yaml:2:5: error: complex mapping keys are not "
		     "supported\n");
}

/* @n nested flow sequences, with @inner inside the innermost. */
static char *nested(int n, const char *inner)
{
	struct gw_buf b = { 0 };
	int i;

	for (i = 0; i < n; i++)
		gw_buf_puts(&b, "[");
	gw_buf_puts(&b, inner);
	for (i = 0; i < n; i++)
		gw_buf_puts(&b, "]");
	return b.data;
}

static void test_depth_cap(void **state)
{
	struct unit_load u;
	char *yaml;

	(void)state;
	/* the root is at depth 0; a node may be GW_DEPTH_MAX levels below */
	yaml = nested(64, "1");
	unit_load(&u, yaml);
	assert_string_equal(u.text, "");
	assert_int_equal(u.status, 0);
	unit_load_done(&u);
	free(yaml);

	yaml = nested(65, "");
	unit_load(&u, yaml);
	assert_string_equal(u.text, "");
	unit_load_done(&u);
	free(yaml);

	yaml = nested(65, "1");
	assert_error(yaml, strlen(yaml), "spec.yaml:1:66: error: nesting deeper "
		     "than 64 levels\n");
	free(yaml);

	yaml = nested(66, "");
	assert_error(yaml, strlen(yaml), "spec.yaml:1:66: error: nesting deeper "
		     "than 64 levels\n");
	free(yaml);

	/* far deeper than any stack would like: one error, no crash */
	yaml = nested(100000, "");
	assert_error(yaml, strlen(yaml), "spec.yaml:1:66: error: nesting deeper "
		     "than 64 levels\n");
	free(yaml);
}

/* ---- the encoding gate --------------------------------------------------- */

static void test_gate_invalid_utf8(void **state)
{
	(void)state;
	ASSERT_ERROR("a: \xff\n",
		     "spec.yaml:1:4: error: invalid UTF-8 (byte 0xFF)\n");
	ASSERT_ERROR("a: b\nc: d\xc3\x28\n",
		     "spec.yaml:2:5: error: invalid UTF-8 (byte 0xC3)\n");
	/* overlong "/" */
	ASSERT_ERROR("a: \xc0\xaf\n",
		     "spec.yaml:1:4: error: invalid UTF-8 (byte 0xC0)\n");
	ASSERT_ERROR("a: \xe0\x80\xaf\n",
		     "spec.yaml:1:4: error: invalid UTF-8 (byte 0xE0)\n");
	/* a UTF-16 surrogate */
	ASSERT_ERROR("a: \xed\xa0\x80\n",
		     "spec.yaml:1:4: error: invalid UTF-8 (byte 0xED)\n");
	/* above U+10FFFF */
	ASSERT_ERROR("a: \xf4\x90\x80\x80\n",
		     "spec.yaml:1:4: error: invalid UTF-8 (byte 0xF4)\n");
	ASSERT_ERROR("a: \xf8\x88\x80\x80\x80\n",
		     "spec.yaml:1:4: error: invalid UTF-8 (byte 0xF8)\n");
	/* a lone continuation byte; a sequence cut by the end of input */
	ASSERT_ERROR("a: \x80\n",
		     "spec.yaml:1:4: error: invalid UTF-8 (byte 0x80)\n");
	ASSERT_ERROR("a: \xe2\x82",
		     "spec.yaml:1:4: error: invalid UTF-8 (byte 0xE2)\n");
	/* UTF-16 with a BOM is not UTF-8 */
	ASSERT_ERROR("\xff\xfe" "a\0:\0",
		     "spec.yaml:1:1: error: invalid UTF-8 (byte 0xFF)\n");
	/* columns count characters, not bytes */
	ASSERT_ERROR("\xc3\xa9\xe2\x82\xac: \xff\n",
		     "spec.yaml:1:5: error: invalid UTF-8 (byte 0xFF)\n");
}

static void test_gate_valid_utf8_passes(void **state)
{
	(void)state;
	assert_tree("a: \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbd\"\n",
		    "{str \"a\": str \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
		    "\xef\xbf\xbd\"}");
}

static void test_gate_control_characters(void **state)
{
	(void)state;
	ASSERT_ERROR("a: 1\0\n",
		     "spec.yaml:1:5: error: NUL character in input\n");
	ASSERT_ERROR("\0", "spec.yaml:1:1: error: NUL character in input\n");
	ASSERT_ERROR("a: x\x01\n",
		     "spec.yaml:1:5: error: control character U+0001 in input\n");
	ASSERT_ERROR("a: b\x1b[0m\n",
		     "spec.yaml:1:5: error: control character U+001B in input\n");
	ASSERT_ERROR("a: 1 \x0b\n",
		     "spec.yaml:1:6: error: control character U+000B in input\n");
	ASSERT_ERROR("a: 1\n\x0c\n",
		     "spec.yaml:2:1: error: control character U+000C in input\n");
	ASSERT_ERROR("a: \x7f\n",
		     "spec.yaml:1:4: error: control character U+007F in input\n");
	ASSERT_ERROR("a: \xc2\x80\n",
		     "spec.yaml:1:4: error: control character U+0080 in input\n");
	/* NEL, which YAML 1.1 readers take as a line break */
	ASSERT_ERROR("a: x\xc2\x85y\n",
		     "spec.yaml:1:5: error: control character U+0085 in input\n");
	ASSERT_ERROR("a: \xc2\x9f\n",
		     "spec.yaml:1:4: error: control character U+009F in input\n");
	/* only the first offence is reported */
	ASSERT_ERROR("\x01\x02\n\x03",
		     "spec.yaml:1:1: error: control character U+0001 in input\n");
}

static void test_gate_line_separators_and_stray_bom(void **state)
{
	(void)state;
	ASSERT_ERROR("a: x\xe2\x80\xa8y\n",
		     "spec.yaml:1:5: error: character U+2028 in input (readers "
		     "disagree on it)\n");
	ASSERT_ERROR("a: x\xe2\x80\xa9y\n",
		     "spec.yaml:1:5: error: character U+2029 in input (readers "
		     "disagree on it)\n");
	ASSERT_ERROR("a: 1\n\xef\xbb\xbf" "b: 2\n",
		     "spec.yaml:2:1: error: character U+FEFF in input (readers "
		     "disagree on it)\n");
	ASSERT_ERROR("a: \"x\xef\xbb\xbf\"\n",
		     "spec.yaml:1:6: error: character U+FEFF in input (readers "
		     "disagree on it)\n");
	/* the noncharacters that PyYAML and go-yaml refuse */
	ASSERT_ERROR("a: x\xef\xbf\xbe\n",
		     "spec.yaml:1:5: error: noncharacter U+FFFE in input\n");
	ASSERT_ERROR("a: 1\n# \xef\xbf\xbf\n",
		     "spec.yaml:2:3: error: noncharacter U+FFFF in input\n");
	/* a second BOM right after the leading one is stray */
	ASSERT_ERROR("\xef\xbb\xbf\xef\xbb\xbf" "a: 1\n",
		     "spec.yaml:1:1: error: character U+FEFF in input (readers "
		     "disagree on it)\n");
}

static void test_gate_allows_tab_cr_lf(void **state)
{
	(void)state;
	assert_tree("a:\tb\t# c\r\n", "{str \"a\": str \"b\"}");
}

static void test_leading_bom_allowed(void **state)
{
	(void)state;
	assert_tree("\xef\xbb\xbf" "a: 1\n", "{str \"a\": int 1}");
	assert_tree("\xef\xbb\xbf" "{a: 1, b: 2}\n",
		    "{str \"a\": int 1, str \"b\": int 2}");
	/* the BOM counts for nothing in the gate's line:col */
	ASSERT_ERROR("\xef\xbb\xbf" "a: \x01\n",
		     "spec.yaml:1:4: error: control character U+0001 in input\n");
	ASSERT_ERROR("\xef\xbb\xbf" "%YAML 1.2\n---\n",
		     "spec.yaml:1:1: error: YAML directives are not supported\n");
	/* libyaml never sees the BOM: more than one key, exact columns */
	assert_tree("\xef\xbb\xbf" "a: 1\nb: 2\n",
		    "{str \"a\": int 1, str \"b\": int 2}");
	ASSERT_ERROR("\xef\xbb\xbf" "{a: 1, a: 2}\n",
		     "spec.yaml:1:8: error: duplicate key 'a' (first at line "
		     "1, column 2)\n");
	ASSERT_ERROR("\xef\xbb\xbf" "a: b: c\n",
		     "spec.yaml:1:5: error: mapping values are not allowed in "
		     "this context\n");
	{
		static const char yaml[] = "\xef\xbb\xbf" "a: [x, y]\nb: 1\n";
		char *got = tree_of(yaml, sizeof(yaml) - 1, true);

		assert_string_equal(got, "1:1 1:1 1:4 1:5 1:8 2:1 2:4 ");
		free(got);
	}
}

static void test_empty_and_comment_only_files(void **state)
{
	static const char want[] = "spec.yaml:1:1: error: no YAML document (the "
		"file is empty or holds only comments)\n";

	(void)state;
	ASSERT_ERROR("", want);
	ASSERT_ERROR("\n\n\n", want);
	ASSERT_ERROR("# only\n# comments\n", want);
	ASSERT_ERROR("   # indented comment\r\n", want);
	ASSERT_ERROR("\xef\xbb\xbf", want);
	ASSERT_ERROR("\xef\xbb\xbf# c\n", want);
}

static void test_crlf_gives_the_same_tree_as_lf(void **state)
{
	static const char lf[] =
		"# comment\n"
		"a: 1\n"
		"b:\n"
		"  - x\n"
		"  - {c: \"q\"}\n"
		"d: |\n"
		"  line one\n"
		"  line two\n"
		"e: >-\n"
		"  folded\n"
		"  text\n"
		"f: \"multi\n"
		"  line\"\n"
		"g: plain\n"
		"  continued\n";
	struct gw_buf crlf = { 0 };
	char *want, *got;
	size_t i;

	(void)state;
	for (i = 0; lf[i]; i++)
		if (lf[i] == '\n')
			gw_buf_puts(&crlf, "\r\n");
		else
			gw_buf_add(&crlf, &lf[i], 1);
	want = tree_of(lf, sizeof(lf) - 1, false);
	got = tree_of(crlf.data, crlf.len, false);
	assert_string_equal(want,
			    "{str \"a\": int 1, str \"b\": [str \"x\", "
			    "{str \"c\": str \"q\"}], str \"d\": str \"line "
			    "one\\nline two\\n\", str \"e\": str \"folded "
			    "text\", str \"f\": str \"multi line\", "
			    "str \"g\": str \"plain continued\"}");
	assert_string_equal(got, want);
	free(want);
	free(got);
	want = tree_of(lf, sizeof(lf) - 1, true);
	got = tree_of(crlf.data, crlf.len, true);
	assert_string_equal(got, want);
	free(want);
	free(got);
	gw_buf_release(&crlf);
}

static void test_multi_document_files(void **state)
{
	struct unit_load u;
	struct gw_buf b = { 0 };

	(void)state;
	unit_load(&u, "---\na: 1\n---\nb: 2\n");
	assert_string_equal(u.text, "");
	assert_int_equal(u.ndocs, 2);
	describe(&b, u.docs[0]);
	gw_buf_puts(&b, " | ");
	describe(&b, u.docs[1]);
	gw_buf_printf(&b, " | %d:%d %d:%d", u.docs[0]->mark.line,
		      u.docs[0]->mark.col, u.docs[1]->mark.line,
		      u.docs[1]->mark.col);
	assert_string_equal(b.data, "{str \"a\": int 1} | {str \"b\": int 2} | "
			    "2:1 4:1");
	gw_buf_release(&b);
	unit_load_done(&u);

	/* an explicit end, then a flow document */
	unit_load(&u, "a: 1\n...\n---\n[1, 2]\n");
	assert_string_equal(u.text, "");
	assert_int_equal(u.ndocs, 2);
	describe(&b, u.docs[1]);
	assert_string_equal(b.data, "[int 1, int 2]");
	gw_buf_release(&b);
	unit_load_done(&u);

	/* empty documents are null trees, left to the caller */
	unit_load(&u, "---\n---\n");
	assert_string_equal(u.text, "");
	assert_int_equal(u.status, 0);
	assert_int_equal(u.ndocs, 2);
	assert_int_equal(u.docs[0]->kind, GW_NULL);
	assert_int_equal(u.docs[1]->kind, GW_NULL);
	unit_load_done(&u);

	/* ten documents: the document array grows */
	unit_load(&u, "a\n---\nb\n---\nc\n---\nd\n---\ne\n---\nf\n---\ng\n"
		  "---\nh\n---\ni\n---\nj\n");
	assert_int_equal(u.ndocs, 10);
	assert_string_equal(u.docs[9]->u.str.s, "j");
	assert_int_equal(u.docs[9]->mark.line, 19);
	unit_load_done(&u);

	/* an error in a later document fails the whole file */
	ASSERT_ERROR("a: 1\n---\nb: 1\nb: 2\n",
		     "spec.yaml:4:1: error: duplicate key 'b' (first at line 3, "
		     "column 1)\n");
}

static void test_syntax_errors_from_the_parser(void **state)
{
	(void)state;
	ASSERT_ERROR("a: \"x\n",
		     "spec.yaml:2:1: error: found unexpected end of stream while "
		     "scanning a quoted scalar that starts at line 1, column 4\n");
	ASSERT_ERROR("a:\n\tb: 1\n",
		     "spec.yaml:2:1: error: found a tab character that cannot "
		     "start any token (YAML indents with spaces, not tabs)\n");
	ASSERT_ERROR("a: 1\n@b: 2\n",
		     "spec.yaml:2:1: error: found character that cannot start any "
		     "token while scanning for the next token\n");
	ASSERT_ERROR("a:\n  b: 1\n c: 2\n",
		     "spec.yaml:3:2: error: did not find expected key while "
		     "parsing a block mapping that starts at line 1, column 1\n");
	ASSERT_ERROR("a: [1, 2\n",
		     "spec.yaml:2:1: error: did not find expected ',' or ']' "
		     "while parsing a flow sequence that starts at line 1, "
		     "column 4\n");
	ASSERT_ERROR("a: b: c\n",
		     "spec.yaml:1:5: error: mapping values are not allowed in "
		     "this context\n");
}

static void test_lone_cr_line_ends(void **state)
{
	(void)state;
	/* libyaml takes a lone CR as a line break */
	ASSERT_ERROR("a: 1\rb: 2\ra: 3\r",
		     "spec.yaml:3:1: error: duplicate key 'a' (first at line 1, "
		     "column 1)\n");
	/* and the gate numbers lines the same way: LF, CRLF or CR */
	ASSERT_ERROR("a: 1\rb: \x01\r",
		     "spec.yaml:2:4: error: control character U+0001 in input\n");
	ASSERT_ERROR("a: 1\r\n\x01",
		     "spec.yaml:2:1: error: control character U+0001 in input\n");
	ASSERT_ERROR("a\r\r\n\n\x01",
		     "spec.yaml:4:1: error: control character U+0001 in input\n");
	ASSERT_ERROR("a: 1\r%YAML 1.2\r",
		     "spec.yaml:2:1: error: YAML directives are not supported\n");
}

/* ---- gw_load_gate, gw_load_file ------------------------------------------ */

static void test_load_gate_alone(void **state)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	char *text;

	(void)state;
	gw_diag_init(&diag, arena);
	assert_int_equal(gw_load_gate(&diag, "t.txt", "{{ x }}\n%s\n", 11), -1);
	assert_int_equal(gw_load_gate(&diag, "u.txt", "ok\tline\r\n", 9), 0);
	assert_int_equal(gw_load_gate(&diag, "v.txt", "a\n\x7f", 3), -1);
	text = unit_diag_text(&diag);
	assert_string_equal(text,
			    "t.txt:2:1: error: YAML directives are not "
			    "supported\n"
			    "v.txt:2:1: error: control character U+007F in "
			    "input\n");
	free(text);
	gw_arena_free(arena);
}

static void test_load_file(void **state)
{
	char dir[] = "/tmp/gwc-test-load-XXXXXX";
	char path[128], missing[128];
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	struct gw_node **docs;
	size_t ndocs;
	char *text, *want;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.yaml", dir);
	snprintf(missing, sizeof(missing), "%s/missing.yaml", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("a: 1\nb: [x]\n", fp);
	fclose(fp);

	gw_diag_init(&diag, arena);
	assert_int_equal(gw_load_file(arena, &diag, path, &docs, &ndocs), 0);
	assert_int_equal(ndocs, 1);
	assert_int_equal(gw_map_get(docs[0], "a")->u.i, 1);
	assert_string_equal(docs[0]->mark.file, path);
	assert_int_equal(gw_load_file(arena, &diag, missing, &docs, &ndocs), -1);
	assert_int_equal(ndocs, 0);
	assert_int_equal(gw_load_file(arena, &diag, dir, &docs, &ndocs), -1);
	text = unit_diag_text(&diag);
	assert_int_equal(asprintf(&want, "%s: error: cannot open: No such file "
				  "or directory\n%s: error: is a directory, not "
				  "a file\n", missing, dir) > 0, 1);
	assert_string_equal(text, want);
	free(text);
	free(want);

	/* one byte over the limit (a sparse file) */
	assert_int_equal(truncate(path, (off_t)GW_INPUT_MAX + 1), 0);
	assert_int_equal(gw_load_file(arena, &diag, path, &docs, &ndocs), -1);
	text = unit_diag_text(&diag);
	assert_int_equal(asprintf(&want, "%s: error: is larger than the limit "
				  "of 1073741824 bytes\n", path) > 0, 1);
	assert_string_equal(text, want);
	free(text);
	free(want);

	unlink(path);
	rmdir(dir);
	gw_arena_free(arena);
}

static void test_load_read_for_a_spec_key(void **state)
{
	char dir[] = "/tmp/gwc-test-load-XXXXXX";
	char path[128], missing[128];
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	struct gw_mark at = { UNIT_FILE, 5, 3 };
	const char *what = "spec.controlPlane.injectionTemplate";
	char *data, *text, *want;
	size_t len;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.txt", dir);
	snprintf(missing, sizeof(missing), "%s/missing.txt", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite("x\0y", 1, 3, fp), 3);
	fclose(fp);

	gw_diag_init(&diag, arena);
	assert_int_equal(gw_load_read_for(arena, &diag, path, at, what, &data,
					  &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(data, "x\0y", 4);
	assert_int_equal(gw_load_read_for(arena, &diag, missing, at, what,
					  &data, &len), -1);
	assert_int_equal(gw_load_read_for(arena, &diag, dir, at, what, &data,
					  &len), -1);
	assert_int_equal(truncate(path, (off_t)GW_FILE_MAX + 1), 0);
	assert_int_equal(gw_load_read_for(arena, &diag, path, at, what, &data,
					  &len), -1);
	/* without a key: the file itself is named */
	assert_int_equal(gw_load_read(arena, &diag, "/dev/null", &data, &len),
			 -1);
	text = unit_diag_text(&diag);
	assert_int_equal(asprintf(&want,
				  "spec.yaml:5:3: error: %s: cannot open %s: No "
				  "such file or directory\n"
				  "spec.yaml:5:3: error: %s: %s is a directory, "
				  "not a file\n"
				  "spec.yaml:5:3: error: %s: %s is larger than "
				  "the limit of 4194304 bytes\n"
				  "/dev/null: error: is not a regular file\n",
				  what, missing, what, dir, what, path) > 0, 1);
	assert_string_equal(text, want);
	free(text);
	free(want);
	unlink(path);
	rmdir(dir);
	gw_arena_free(arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_scalars_typed_by_json_rules),
		cmocka_unit_test(test_number_beyond_a_double_refused),
		cmocka_unit_test(test_integer_beyond_64_bits_refused),
		cmocka_unit_test(test_quoted_and_block_scalars_are_strings),
		cmocka_unit_test(test_keys_quoted_or_plain_are_strings),
		cmocka_unit_test(test_marks_are_one_based),
		cmocka_unit_test(test_flow_and_block_give_the_same_tree),
		cmocka_unit_test(test_duplicate_key_reports_both_positions),
		cmocka_unit_test(test_duplicate_key_text_is_kept_on_one_line),
		cmocka_unit_test(test_escaped_characters_refused_in_values),
		cmocka_unit_test(test_equal_keys_in_different_maps_are_fine),
		cmocka_unit_test(test_many_keys_no_false_duplicate),
		cmocka_unit_test(test_anchors_aliases_tags_refused),
		cmocka_unit_test(test_directives_refused),
		cmocka_unit_test(test_non_string_keys_refused),
		cmocka_unit_test(test_complex_keys_refused),
		cmocka_unit_test(test_depth_cap),
		cmocka_unit_test(test_gate_invalid_utf8),
		cmocka_unit_test(test_gate_valid_utf8_passes),
		cmocka_unit_test(test_gate_control_characters),
		cmocka_unit_test(test_gate_line_separators_and_stray_bom),
		cmocka_unit_test(test_gate_allows_tab_cr_lf),
		cmocka_unit_test(test_leading_bom_allowed),
		cmocka_unit_test(test_empty_and_comment_only_files),
		cmocka_unit_test(test_crlf_gives_the_same_tree_as_lf),
		cmocka_unit_test(test_multi_document_files),
		cmocka_unit_test(test_syntax_errors_from_the_parser),
		cmocka_unit_test(test_lone_cr_line_ends),
		cmocka_unit_test(test_load_gate_alone),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_read_for_a_spec_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
