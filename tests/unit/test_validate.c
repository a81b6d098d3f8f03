/*
 * test_validate.c - gw_validate() and gw_validate_quiet(): every keyword
 * with a small inline schema, then the embedded spec schema, each with the
 * exact diagnostic (position, JSON path and message).
 */
#include "unit.h"

/*
 * Validates @doc (YAML, loaded as "doc.yaml") against @schema (JSON);
 * returns the diagnostics and checks that the returned count equals the
 * number of errors reported and that gw_validate_quiet() agrees.
 */
static char *run(const char *schema, const char *doc)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	struct gw_node **s, **d;
	size_t ns, nd;
	unsigned errors;
	char *text;

	gw_diag_init(&diag, arena);
	assert_int_equal(gw_load_bytes(arena, &diag, "schema.json", schema,
				       strlen(schema), &s, &ns), 0);
	assert_int_equal(gw_load_bytes(arena, &diag, "doc.yaml", doc,
				       strlen(doc), &d, &nd), 0);
	assert_int_equal(diag.n, 0);
	errors = gw_validate(&diag, s[0], d[0]);
	assert_int_equal(errors, diag.errors);
	assert_int_equal(errors, diag.n);
	assert_int_equal(gw_validate_quiet(s[0], d[0]), errors == 0);
	text = unit_diag_text(&diag);
	gw_arena_free(arena);
	return text;
}

static void check(const char *schema, const char *doc, const char *want)
{
	char *got = run(schema, doc);

	assert_string_equal(got, want);
	free(got);
}

/* The same against the embedded spec schema. */
static void check_spec(const char *doc, const char *want)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	const struct gw_node *schema = gw_schema_tree(arena);
	struct gw_node **d;
	size_t nd;
	unsigned errors;
	char *got;

	assert_non_null(schema);
	gw_diag_init(&diag, arena);
	assert_int_equal(gw_load_bytes(arena, &diag, UNIT_FILE, doc,
				       strlen(doc), &d, &nd), 0);
	assert_int_equal(nd, 1);
	errors = gw_validate(&diag, schema, d[0]);
	assert_int_equal(errors, diag.errors);
	assert_int_equal(gw_validate_quiet(schema, d[0]), errors == 0);
	got = unit_diag_text(&diag);
	assert_string_equal(got, want);
	free(got);
	gw_arena_free(arena);
}

/* ---- type ---------------------------------------------------------------- */

static void test_type_each_kind(void **state)
{
	(void)state;
	check("{\"type\": \"string\"}", "x", "");
	check("{\"type\": \"string\"}", "3",
	      "doc.yaml:1:1: error: (document): expected string, found integer "
	      "3 (quote it: \"3\")\n");
	check("{\"type\": \"string\"}", "1.50",
	      "doc.yaml:1:1: error: (document): expected string, found number "
	      "1.50 (quote it: \"1.50\")\n");
	check("{\"type\": \"string\"}", "true",
	      "doc.yaml:1:1: error: (document): expected string, found boolean "
	      "true (quote it: \"true\")\n");
	/* an empty value is null, not the empty string */
	check("{\"type\": \"string\"}", "a:",
	      "doc.yaml:1:1: error: (document): expected string, found "
	      "object\n");
	check("{\"properties\": {\"a\": {\"type\": \"string\"}}}", "a:",
	      "doc.yaml:1:3: error: a: expected string, found null\n");
	check("{\"type\": \"number\"}", "3", "");
	check("{\"type\": \"number\"}", "3.5", "");
	check("{\"type\": \"number\"}", "\"3.5\"",
	      "doc.yaml:1:1: error: (document): expected number, found string "
	      "\"3.5\"\n");
	check("{\"type\": \"null\"}", "~", "");
	check("{\"type\": \"null\"}", "false",
	      "doc.yaml:1:1: error: (document): expected null, found boolean "
	      "false\n");
	check("{\"type\": \"array\"}", "{}",
	      "doc.yaml:1:1: error: (document): expected array, found object\n");
	check("{\"type\": \"object\"}", "[]",
	      "doc.yaml:1:1: error: (document): expected object, found array\n");
	check("{\"type\": [\"integer\", \"string\"]}", "x", "");
	check("{\"type\": [\"integer\", \"string\"]}", "true",
	      "doc.yaml:1:1: error: (document): expected integer or string, "
	      "found boolean true\n");
}

static void test_type_hints(void **state)
{
	static const char schema[] = "{\"properties\": {"
		"\"i\": {\"type\": \"integer\"}, \"b\": {\"type\": \"boolean\"}, "
		"\"o\": {\"type\": \"object\"}}}";

	(void)state;
	check(schema, "i: \"80\"\n",
	      "doc.yaml:1:4: error: i: expected integer, found string \"80\" "
	      "(write it in decimal without quotes, sign, leading zeros or "
	      "fraction)\n");
	check(schema, "i: 0x50\n",
	      "doc.yaml:1:4: error: i: expected integer, found string \"0x50\" "
	      "(write it in decimal without quotes, sign, leading zeros or "
	      "fraction)\n");
	check(schema, "i: 080\n",
	      "doc.yaml:1:4: error: i: expected integer, found string \"080\" "
	      "(write it in decimal without quotes, sign, leading zeros or "
	      "fraction)\n");
	check(schema, "i: +80\n",
	      "doc.yaml:1:4: error: i: expected integer, found string \"+80\" "
	      "(write it in decimal without quotes, sign, leading zeros or "
	      "fraction)\n");
	check(schema, "i: 80.5\n",
	      "doc.yaml:1:4: error: i: expected integer, found number 80.5 "
	      "(write it in decimal without quotes, sign, leading zeros or "
	      "fraction)\n");
	/* "integer" takes integers as written: 3.0 is not one */
	check(schema, "i: 1e3\n",
	      "doc.yaml:1:4: error: i: expected integer, found number 1e3 "
	      "(write it in decimal without quotes, sign, leading zeros or "
	      "fraction)\n");
	check(schema, "i: true\n",
	      "doc.yaml:1:4: error: i: expected integer, found boolean true\n");
	check(schema, "b: yes\n",
	      "doc.yaml:1:4: error: b: expected boolean, found string \"yes\" "
	      "(write true or false)\n");
	check(schema, "b: \"true\"\n",
	      "doc.yaml:1:4: error: b: expected boolean, found string \"true\" "
	      "(write true or false)\n");
	check(schema, "b: 1\n",
	      "doc.yaml:1:4: error: b: expected boolean, found integer 1\n");
	check(schema, "o:\n",
	      "doc.yaml:1:3: error: o: expected object, found null (write {} "
	      "for an empty one)\n");
	/* numbers are shown as written */
	check(schema, "i: 3.0\n",
	      "doc.yaml:1:4: error: i: expected integer, found number 3.0 "
	      "(write it in decimal without quotes, sign, leading zeros or "
	      "fraction)\n");
	check(schema, "i: 1.0e3\n",
	      "doc.yaml:1:4: error: i: expected integer, found number 1.0e3 "
	      "(write it in decimal without quotes, sign, leading zeros or "
	      "fraction)\n");
	/* (a JSON number beyond a double is refused by the loader) */
}

static void test_quote_it_hints(void **state)
{
	static const char schema[] = "{\"properties\": {"
		"\"s\": {\"type\": \"string\"}, \"n\": {\"type\": "
		"[\"string\", \"null\"]}}}";

	(void)state;
	/* a scalar written plain where a string is wanted: quote it as
	 * written */
	check(schema, "s: 1\n",
	      "doc.yaml:1:4: error: s: expected string, found integer 1 "
	      "(quote it: \"1\")\n");
	check(schema, "s: -0\n",
	      "doc.yaml:1:4: error: s: expected string, found integer 0 "
	      "(quote it: \"-0\")\n");
	check(schema, "s: 1.50\n",
	      "doc.yaml:1:4: error: s: expected string, found number 1.50 "
	      "(quote it: \"1.50\")\n");
	check(schema, "s: 2E+2\n",
	      "doc.yaml:1:4: error: s: expected string, found number 2E+2 "
	      "(quote it: \"2E+2\")\n");
	check(schema, "s: false\n",
	      "doc.yaml:1:4: error: s: expected string, found boolean false "
	      "(quote it: \"false\")\n");
	/* null, and values that were never plain scalars, get no hint */
	check(schema, "s: null\n",
	      "doc.yaml:1:4: error: s: expected string, found null\n");
	check(schema, "s: []\n",
	      "doc.yaml:1:4: error: s: expected string, found array\n");
	check(schema, "s: {a: 1}\n",
	      "doc.yaml:1:4: error: s: expected string, found object\n");
	/* "string or null" is not "string" */
	check(schema, "n: 1\n",
	      "doc.yaml:1:4: error: n: expected string or null, found "
	      "integer 1\n");
	check(schema, "s: \"1\"\nn: ~\n", "");
}

static void test_type_error_hides_other_keywords(void **state)
{
	(void)state;
	check("{\"type\": \"string\", \"minLength\": 5, \"enum\": [\"abcdef\"]}",
	      "3",
	      "doc.yaml:1:1: error: (document): expected string, found integer "
	      "3 (quote it: \"3\")\n");
}

static void test_long_string_is_shortened_in_messages(void **state)
{
	(void)state;
	check("{\"type\": \"integer\"}",
	      "\"0123456789012345678901234567890123456789-and-more\"",
	      "doc.yaml:1:1: error: (document): expected integer, found string "
	      "\"0123456789012345678901234567890123456789\"... (write it in "
	      "decimal without quotes, sign, leading zeros or fraction)\n");
	/* 40 bytes exactly: nothing cut */
	check("{\"type\": \"integer\"}",
	      "\"0123456789012345678901234567890123456789\"",
	      "doc.yaml:1:1: error: (document): expected integer, found string "
	      "\"0123456789012345678901234567890123456789\" (write it in "
	      "decimal without quotes, sign, leading zeros or fraction)\n");
	/* "x" and 20 two-byte characters (41 bytes): the cut falls between
	 * characters, never inside one */
	check("{\"type\": \"integer\"}",
	      "\"x\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"",
	      "doc.yaml:1:1: error: (document): expected integer, found string "
	      "\"x\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	      "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	      "\xc3\xa9\xc3\xa9\xc3\xa9\"... (write it in decimal without "
	      "quotes, sign, leading zeros or fraction)\n");
	/* a four-byte character across byte 40 */
	check("{\"type\": \"integer\"}",
	      "\"012345678901234567890123456789012345678\xf0\x9f\x98\x80\"",
	      "doc.yaml:1:1: error: (document): expected integer, found string "
	      "\"012345678901234567890123456789012345678\"... (write it in "
	      "decimal without quotes, sign, leading zeros or fraction)\n");
}

/* ---- objects ------------------------------------------------------------- */

static const char object_schema[] =
	"{\"type\": \"object\", \"additionalProperties\": false,"
	" \"required\": [\"name\", \"port\"],"
	" \"properties\": {\"name\": {\"type\": \"string\"},"
	"                  \"port\": {\"type\": \"integer\"},"
	"                  \"service\": {\"type\": \"object\"},"
	"                  \"protocol\": {\"type\": \"string\"}}}";

static void test_unknown_key_with_did_you_mean(void **state)
{
	(void)state;
	check(object_schema, "name: a\nport: 1\nservise: {}\n",
	      "doc.yaml:3:1: error: servise: unknown key (did you mean "
	      "'service'?)\n");
	check(object_schema, "name: a\nport: 1\nprot: TCP\n",
	      "doc.yaml:3:1: error: prot: unknown key (did you mean "
	      "'port'?)\n");
	check(object_schema, "name: a\nport: 1\nsidecars: 2\n",
	      "doc.yaml:3:1: error: sidecars: unknown key\n");
	/* a short key gets a suggestion only one edit away */
	check(object_schema, "name: a\nport: 1\nnm: 2\n",
	      "doc.yaml:3:1: error: nm: unknown key\n");
	check(object_schema, "name: a\nport: 1\n\"odd key\": 2\n",
	      "doc.yaml:3:1: error: [\"odd key\"]: unknown key\n");
	check("{\"additionalProperties\": false}", "a: 1\n",
	      "doc.yaml:1:1: error: a: unknown key\n");
}

static void test_missing_required(void **state)
{
	(void)state;
	check(object_schema, "name: a\n",
	      "doc.yaml:1:1: error: (document): missing required key 'port'\n");
	check(object_schema, "{}",
	      "doc.yaml:1:1: error: (document): missing required key 'name'\n"
	      "doc.yaml:1:1: error: (document): missing required key 'port'\n");
	check("{\"properties\": {\"m\": {\"required\": [\"x\"]}}}",
	      "a: 1\nm:\n  y: 2\n",
	      "doc.yaml:3:3: error: m: missing required key 'x'\n");
	/* required applies to objects only */
	check("{\"required\": [\"x\"]}", "[1]", "");
}

static void test_every_violation_reported_in_input_order(void **state)
{
	(void)state;
	check(object_schema, "port: \"1\"\nname: 3\nextra: 1\n",
	      "doc.yaml:1:7: error: port: expected integer, found string \"1\" "
	      "(write it in decimal without quotes, sign, leading zeros or "
	      "fraction)\n"
	      "doc.yaml:2:7: error: name: expected string, found integer 3 "
	      "(quote it: \"3\")\n"
	      "doc.yaml:3:1: error: extra: unknown key\n");
}

static void test_additional_properties_schema(void **state)
{
	static const char schema[] = "{\"properties\": {\"a\": {}},"
		" \"additionalProperties\": {\"type\": \"string\"}}";

	(void)state;
	check(schema, "a: 1\nb: x\n", "");
	check(schema, "a: 1\nb: 2\n",
	      "doc.yaml:2:4: error: b: expected string, found integer 2 (quote "
	      "it: \"2\")\n");
}

static void test_property_names_and_counts(void **state)
{
	static const char schema[] = "{\"propertyNames\": {\"pattern\": "
		"\"^[a-z]+$\"}, \"minProperties\": 1, \"maxProperties\": 2}";

	(void)state;
	check(schema, "ab: 1\n", "");
	check(schema, "{}",
	      "doc.yaml:1:1: error: (document): has 0 keys, fewer than the "
	      "minimum 1\n");
	check(schema, "a: 1\nb: 2\nc: 3\n",
	      "doc.yaml:1:1: error: (document): has 3 keys, more than the "
	      "maximum 2\n");
	check(schema, "aB: 1\n",
	      "doc.yaml:1:1: error: aB: string \"aB\" does not match the "
	      "pattern ^[a-z]+$\n");
	check("{\"minProperties\": 2}", "a: 1\n",
	      "doc.yaml:1:1: error: (document): has 1 key, fewer than the "
	      "minimum 2\n");
}

/* ---- enum, const --------------------------------------------------------- */

static void test_enum_with_did_you_mean(void **state)
{
	static const char schema[] =
		"{\"enum\": [\"ClusterIP\", \"LoadBalancer\", \"NodePort\"]}";

	(void)state;
	check(schema, "NodePort", "");
	check(schema, "Loadbalancer",
	      "doc.yaml:1:1: error: (document): string \"Loadbalancer\" is not "
	      "one of ClusterIP, LoadBalancer, NodePort (did you mean "
	      "'LoadBalancer'?)\n");
	check(schema, "clusterip",
	      "doc.yaml:1:1: error: (document): string \"clusterip\" is not one "
	      "of ClusterIP, LoadBalancer, NodePort (did you mean "
	      "'ClusterIP'?)\n");
	check(schema, "NodPort",
	      "doc.yaml:1:1: error: (document): string \"NodPort\" is not one "
	      "of ClusterIP, LoadBalancer, NodePort (did you mean "
	      "'NodePort'?)\n");
	check(schema, "ExternalName",
	      "doc.yaml:1:1: error: (document): string \"ExternalName\" is not "
	      "one of ClusterIP, LoadBalancer, NodePort\n");
	check(schema, "3",
	      "doc.yaml:1:1: error: (document): integer 3 is not one of "
	      "ClusterIP, LoadBalancer, NodePort\n");
	check("{\"enum\": [1, true, null, \"x\"]}", "2",
	      "doc.yaml:1:1: error: (document): integer 2 is not one of "
	      "integer 1, boolean true, null, x\n");
	/* enum compares numbers by value */
	check("{\"enum\": [1, 2.5]}", "1.0", "");
}

static void test_const(void **state)
{
	(void)state;
	check("{\"const\": \"gwc.dev/v1alpha1\"}", "gwc.dev/v1alpha1", "");
	check("{\"const\": \"gwc.dev/v1alpha1\"}", "v1",
	      "doc.yaml:1:1: error: (document): expected string "
	      "\"gwc.dev/v1alpha1\", found string \"v1\"\n");
	check("{\"const\": {\"a\": [1]}}", "{a: [1]}", "");
	check("{\"const\": 3}", "\"3\"",
	      "doc.yaml:1:1: error: (document): expected integer 3, found "
	      "string \"3\"\n");
}

/* ---- numbers ------------------------------------------------------------- */

static void test_minimum_maximum(void **state)
{
	static const char schema[] = "{\"minimum\": 1, \"maximum\": 65535}";

	(void)state;
	check(schema, "1", "");
	check(schema, "65535", "");
	check(schema, "0",
	      "doc.yaml:1:1: error: (document): 0 is below the minimum 1\n");
	check(schema, "70000",
	      "doc.yaml:1:1: error: (document): 70000 is above the maximum "
	      "65535\n");
	check(schema, "-3",
	      "doc.yaml:1:1: error: (document): -3 is below the minimum 1\n");
	check(schema, "0.5",
	      "doc.yaml:1:1: error: (document): 0.5 is below the minimum 1\n");
	/* bounds apply to numbers only */
	check(schema, "\"0\"", "");
	/* the value as written, the limit in its shortest form */
	check("{\"minimum\": 0.1}", "0.05",
	      "doc.yaml:1:1: error: (document): 0.05 is below the minimum "
	      "0.1\n");
	check("{\"maximum\": 1}", "1.50",
	      "doc.yaml:1:1: error: (document): 1.50 is above the maximum 1\n");
	check("{\"maximum\": 1.0}", "2",
	      "doc.yaml:1:1: error: (document): 2 is above the maximum 1\n");
	check("{\"maximum\": 1e4}", "3e4",
	      "doc.yaml:1:1: error: (document): 3e4 is above the maximum "
	      "10000\n");
	check("{\"minimum\": 1e-7}", "0",
	      "doc.yaml:1:1: error: (document): 0 is below the minimum "
	      "1e-07\n");
	check("{\"maximum\": 1e17}", "2E+17",
	      "doc.yaml:1:1: error: (document): 2E+17 is above the maximum "
	      "1e+17\n");
}

static void test_exclusive_bounds_and_multiple_of(void **state)
{
	static const char schema[] = "{\"exclusiveMinimum\": 0, "
		"\"exclusiveMaximum\": 10, \"multipleOf\": 2}";

	(void)state;
	check(schema, "4", "");
	check(schema, "0",
	      "doc.yaml:1:1: error: (document): 0 is not above 0\n");
	check(schema, "10",
	      "doc.yaml:1:1: error: (document): 10 is not below 10\n");
	check(schema, "3",
	      "doc.yaml:1:1: error: (document): 3 is not a multiple of 2\n");
	check(schema, "12",
	      "doc.yaml:1:1: error: (document): 12 is not below 10\n");
	/* 0.3 / 0.1 is not exactly 3 in binary, yet it is a multiple */
	check("{\"multipleOf\": 0.1}", "0.3", "");
	check("{\"multipleOf\": 0.1}", "0.35",
	      "doc.yaml:1:1: error: (document): 0.35 is not a multiple of "
	      "0.1\n");
	check("{\"exclusiveMaximum\": 2.5}", "2.50",
	      "doc.yaml:1:1: error: (document): 2.50 is not below 2.5\n");
}

/* ---- strings ------------------------------------------------------------- */

static void test_min_max_length_in_code_points(void **state)
{
	static const char schema[] = "{\"minLength\": 2, \"maxLength\": 3}";

	(void)state;
	check(schema, "ab", "");
	check(schema, "abc", "");
	/* three characters, six bytes */
	check(schema, "\xc3\xa9\xc3\xa9\xc3\xa9", "");
	/* one character, four bytes */
	check(schema, "\xf0\x9f\x98\x80",
	      "doc.yaml:1:1: error: (document): string \"\xf0\x9f\x98\x80\" is "
	      "shorter than 2 characters\n");
	check(schema, "abcd",
	      "doc.yaml:1:1: error: (document): string \"abcd\" is longer than "
	      "3 characters\n");
	check(schema, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	      "doc.yaml:1:1: error: (document): string \"\xc3\xa9\xc3\xa9\xc3\xa9"
	      "\xc3\xa9\" is longer than 3 characters\n");
	check("{\"minLength\": 1}", "\"\"",
	      "doc.yaml:1:1: error: (document): string \"\" is shorter than 1 "
	      "character\n");
	check("{\"maxLength\": 1}", "ab",
	      "doc.yaml:1:1: error: (document): string \"ab\" is longer "
	      "than 1 character\n");
	check("{\"maxLength\": 0}", "a",
	      "doc.yaml:1:1: error: (document): string \"a\" is longer "
	      "than 0 characters\n");
}

static void test_pattern_with_and_without_title(void **state)
{
	static const char plain[] = "{\"pattern\": \"^[a-z0-9]([-a-z0-9]*"
		"[a-z0-9])?$\"}";
	static const char titled[] = "{\"pattern\": \"^[a-z0-9]([-a-z0-9]*"
		"[a-z0-9])?$\", \"title\": \"DNS-1123 label\"}";

	(void)state;
	check(plain, "ingress-gw", "");
	check(plain, "Ingress",
	      "doc.yaml:1:1: error: (document): string \"Ingress\" does not "
	      "match the pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$\n");
	check(titled, "gw-", "doc.yaml:1:1: error: (document): string \"gw-\" "
	      "is not a valid DNS-1123 label\n");
	/* patterns are not anchored unless they say so */
	check("{\"pattern\": \"b+\"}", "abbc", "");
	check("{\"pattern\": \"^[0-9]+%$\"}", "50%", "");
	/* patterns apply to strings only */
	check(plain, "3", "");
	/* a failed pattern is reported alone; lengths only for a match */
	check("{\"pattern\": \"^[a-z]+$\", \"minLength\": 2, "
	      "\"maxLength\": 3}", "ABCDE",
	      "doc.yaml:1:1: error: (document): string \"ABCDE\" does not "
	      "match the pattern ^[a-z]+$\n");
	check("{\"pattern\": \"^[a-z]+$\", \"minLength\": 2, "
	      "\"maxLength\": 3}", "A",
	      "doc.yaml:1:1: error: (document): string \"A\" does not "
	      "match the pattern ^[a-z]+$\n");
	check("{\"pattern\": \"^[a-z]+$\", \"minLength\": 2, "
	      "\"maxLength\": 3}", "abcde",
	      "doc.yaml:1:1: error: (document): string \"abcde\" is longer "
	      "than 3 characters\n");
}

/* ---- arrays -------------------------------------------------------------- */

static void test_items_and_counts(void **state)
{
	static const char schema[] = "{\"type\": \"array\", \"minItems\": 1, "
		"\"maxItems\": 3, \"items\": {\"type\": \"integer\"}}";

	(void)state;
	check(schema, "[1, 2, 3]", "");
	check(schema, "[]",
	      "doc.yaml:1:1: error: (document): has 0 items, fewer than the "
	      "minimum 1\n");
	check(schema, "[1, 2, 3, 4]",
	      "doc.yaml:1:1: error: (document): has 4 items, more than the "
	      "maximum 3\n");
	check(schema, "- 1\n- x\n- 3\n",
	      "doc.yaml:2:3: error: [1]: expected integer, found string "
	      "\"x\" (write it in decimal without quotes, sign, leading zeros "
	      "or fraction)\n");
	check("{\"minItems\": 2}", "[1]",
	      "doc.yaml:1:1: error: (document): has 1 item, fewer than the "
	      "minimum 2\n");
	check("{\"maxItems\": 0}", "[1]",
	      "doc.yaml:1:1: error: (document): has 1 item, more than the "
	      "maximum 0\n");
	check("{\"maxProperties\": 0}", "{a: 1}",
	      "doc.yaml:1:1: error: (document): has 1 key, more than the "
	      "maximum 0\n");
	check("{\"minProperties\": 3}", "{a: 1, b: 2}",
	      "doc.yaml:1:1: error: (document): has 2 keys, fewer than the "
	      "minimum 3\n");
	/* a count written 2.0 counts as 2 */
	check("{\"minItems\": 2.0}", "[1]",
	      "doc.yaml:1:1: error: (document): has 1 item, fewer than the "
	      "minimum 2\n");
}

static void test_unique_items(void **state)
{
	static const char schema[] = "{\"uniqueItems\": true}";

	(void)state;
	check(schema, "[1, 2, \"1\", [1], {a: 1}]", "");
	check(schema, "[a, b, a, a]",
	      "doc.yaml:1:8: error: [2]: string \"a\" repeats item 0\n"
	      "doc.yaml:1:11: error: [3]: string \"a\" repeats item 0\n");
	check(schema, "[{a: 1, b: 2}, {b: 2, a: 1}]",
	      "doc.yaml:1:16: error: [1]: object repeats item 0\n");
	check(schema, "[1, 1.0]",
	      "doc.yaml:1:5: error: [1]: number 1.0 repeats item 0\n");
	check("{\"uniqueItems\": false}", "[a, a]", "");
}

/* ---- $ref, combinators, boolean schemas ---------------------------------- */

static void test_ref(void **state)
{
	static const char schema[] = "{\"$defs\": {\"port\": {\"type\": "
		"\"integer\", \"maximum\": 65535}}, \"definitions\": {\"name\": "
		"{\"type\": \"string\"}}, \"properties\": {"
		"\"p\": {\"$ref\": \"#/$defs/port\"}, "
		"\"n\": {\"$ref\": \"#/definitions/name\"}, "
		"\"self\": {\"$ref\": \"#\"}}}";

	(void)state;
	check(schema, "p: 80\nn: x\nself: {p: 1}\n", "");
	check(schema, "p: 70000\nn: 1\nself: {self: {p: x}}\n",
	      "doc.yaml:1:4: error: p: 70000 is above the maximum 65535\n"
	      "doc.yaml:2:4: error: n: expected string, found integer 1 (quote "
	      "it: \"1\")\n"
	      "doc.yaml:3:18: error: self.self.p: expected integer, found "
	      "string \"x\" (write it in decimal without quotes, sign, "
	      "leading zeros or fraction)\n");
}

static void test_all_any_one_not(void **state)
{
	static const char all[] = "{\"allOf\": [{\"minimum\": 1}, "
		"{\"maximum\": 3}]}";
	static const char any[] = "{\"anyOf\": [{\"type\": \"integer\"}, "
		"{\"type\": \"string\", \"pattern\": \"^[0-9]+%$\"}]}";
	static const char one[] = "{\"oneOf\": [{\"minimum\": 2}, "
		"{\"maximum\": 5}]}";
	static const char not[] = "{\"not\": {\"type\": \"null\"}}";

	(void)state;
	check(all, "2", "");
	check(all, "0",
	      "doc.yaml:1:1: error: (document): 0 is below the minimum 1\n");
	check(all, "4",
	      "doc.yaml:1:1: error: (document): 4 is above the maximum 3\n");
	check(any, "50%", "");
	check(any, "7", "");
	check(any, "half",
	      "doc.yaml:1:1: error: (document): matches none of the allowed "
	      "forms\n");
	check(one, "1", "");
	check(one, "6", "");
	check(one, "3",
	      "doc.yaml:1:1: error: (document): matches more than one of the "
	      "allowed forms\n");
	check("{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"null\"}]}", "1",
	      "doc.yaml:1:1: error: (document): matches none of the allowed "
	      "forms\n");
	check(not, "1", "");
	check(not, "~",
	      "doc.yaml:1:1: error: (document): matches a form that is not "
	      "allowed\n");
}

static void test_boolean_schemas(void **state)
{
	(void)state;
	check("true", "{a: [1, x]}", "");
	check("false", "1",
	      "doc.yaml:1:1: error: (document): no value is allowed here\n");
	check("{\"properties\": {\"x\": false, \"y\": true}}", "x: 1\ny: 2\n",
	      "doc.yaml:1:4: error: x: no value is allowed here\n");
	check("{\"items\": false}", "[]", "");
	check("{\"items\": false}", "[1]",
	      "doc.yaml:1:2: error: [0]: no value is allowed here\n");
}

/* ---- JSON paths ---------------------------------------------------------- */

static void test_json_paths(void **state)
{
	static const char schema[] = "{\"properties\": {\"spec\": {"
		"\"properties\": {\"service\": {\"properties\": {\"ports\": {"
		"\"items\": {\"properties\": {\"port\": {\"type\": \"integer\"}}}"
		"}}}}}, \"metadata\": {\"properties\": {\"labels\": {"
		"\"additionalProperties\": {\"type\": \"string\"}}}}}}";

	(void)state;
	check(schema,
	      "spec:\n"
	      "  service:\n"
	      "    ports:\n"
	      "    - port: 1\n"
	      "    - port: 2\n"
	      "    - port: x\n"
	      "metadata:\n"
	      "  labels:\n"
	      "    app.kubernetes.io/name: 1\n"
	      "    plain_key-1: 2\n"
	      "    \"with \\\"quote\\\"\": 3\n"
	      "    \"1st\": 4\n",
	      "doc.yaml:6:13: error: spec.service.ports[2].port: expected "
	      "integer, found string \"x\" (write it in decimal without "
	      "quotes, sign, leading zeros or fraction)\n"
	      "doc.yaml:9:29: error: metadata.labels[\"app.kubernetes.io/name\"]: "
	      "expected string, found integer 1 (quote it: \"1\")\n"
	      "doc.yaml:10:18: error: metadata.labels.plain_key-1: expected "
	      "string, found integer 2 (quote it: \"2\")\n"
	      "doc.yaml:11:23: error: metadata.labels[\"with \\\"quote\\\"\"]: "
	      "expected string, found integer 3 (quote it: \"3\")\n"
	      "doc.yaml:12:12: error: metadata.labels[\"1st\"]: expected string, "
	      "found integer 4 (quote it: \"4\")\n");
	check("{\"items\": {\"items\": {\"type\": \"string\"}}}", "[[a], [b, 1]]",
	      "doc.yaml:1:11: error: [1][1]: expected string, found integer "
	      "1 (quote it: \"1\")\n");
}

/* ---- the embedded spec schema -------------------------------------------- */

static void test_spec_minimal_is_valid(void **state)
{
	(void)state;
	check_spec(UNIT_HEAD, "");
	check_spec(UNIT_HEAD
		   "spec:\n"
		   "  service:\n"
		   "    type: LoadBalancer\n"
		   "    ports:\n"
		   "    - {name: http2, port: 80, targetPort: 8080}\n"
		   "  deployment:\n"
		   "    resources:\n"
		   "      requests: {cpu: 100m, memory: 128Mi}\n"
		   "      limits: {cpu: \"2\", memory: \"1e9\"}\n"
		   "  podDisruptionBudget: {minAvailable: 50%}\n", "");
}

static void test_spec_errors(void **state)
{
	(void)state;
	check_spec("apiVersion: v1\nkind: Gateway\nmetadata: {name: gw}\n",
		   "spec.yaml:1:13: error: apiVersion: expected string "
		   "\"gwc.dev/v1alpha1\", found string \"v1\"\n"
		   "spec.yaml:2:7: error: kind: expected string \"GatewaySpec\", "
		   "found string \"Gateway\"\n"
		   "spec.yaml:3:11: error: metadata: missing required key "
		   "'namespace'\n");
	check_spec("metadata: {name: gw, namespace: ns}\n",
		   "spec.yaml:1:1: error: (document): missing required key "
		   "'apiVersion'\n"
		   "spec.yaml:1:1: error: (document): missing required key "
		   "'kind'\n");
	check_spec(UNIT_HEAD "spec:\n  servise: {}\n",
		   "spec.yaml:5:3: error: spec.servise: unknown key (did you "
		   "mean 'service'?)\n");
	check_spec(UNIT_HEAD
		   "spec:\n"
		   "  service:\n"
		   "    type: Loadbalancer\n"
		   "    ports:\n"
		   "    - {name: status-port, port: 15021}\n"
		   "    - {name: http2, port: 80}\n"
		   "    - {name: https, port: 70000}\n"
		   "    - {name: Web, port: \"8080\"}\n",
		   "spec.yaml:6:11: error: spec.service.type: string "
		   "\"Loadbalancer\" is not one of ClusterIP, LoadBalancer, "
		   "NodePort (did you mean 'LoadBalancer'?)\n"
		   "spec.yaml:10:27: error: spec.service.ports[2].port: 70000 is "
		   "above the maximum 65535\n"
		   "spec.yaml:11:14: error: spec.service.ports[3].name: string "
		   "\"Web\" is not a valid DNS-1123 label (at most 63 lowercase "
		   "letters, digits and '-', starting and ending with a letter "
		   "or digit)\n"
		   "spec.yaml:11:25: error: spec.service.ports[3].port: expected "
		   "integer, found string \"8080\" (write it in decimal without "
		   "quotes, sign, leading zeros or fraction)\n");
}

static void test_spec_labels_paths(void **state)
{
	(void)state;
	check_spec("apiVersion: gwc.dev/v1alpha1\n"
		   "kind: GatewaySpec\n"
		   "metadata:\n"
		   "  name: gw\n"
		   "  namespace: ns\n"
		   "  labels:\n"
		   "    app.kubernetes.io/name: -bad-\n"
		   "    \"Bad Key\": x\n"
		   "    ok: 3\n",
		   "spec.yaml:7:29: error: metadata.labels[\"app.kubernetes.io/"
		   "name\"]: string \"-bad-\" is not a valid label value (at most "
		   "63 letters, digits, '-', '_' and '.', starting and ending "
		   "with a letter or digit)\n"
		   "spec.yaml:8:5: error: metadata.labels[\"Bad Key\"]: string "
		   "\"Bad Key\" is not a valid label or annotation key ([prefix/]"
		   "name: a DNS subdomain prefix and a name of at most 63 "
		   "letters, digits, '-', '_' and '.')\n"
		   "spec.yaml:9:9: error: metadata.labels.ok: expected string, "
		   "found integer 3 (quote it: \"3\")\n");
}

static void test_spec_quantities_and_percent(void **state)
{
	(void)state;
	check_spec(UNIT_HEAD
		   "spec:\n"
		   "  deployment:\n"
		   "    resources:\n"
		   "      requests: {cpu: 100 m, memory: 1GB}\n"
		   "  podDisruptionBudget: {minAvailable: half, maxUnavailable: "
		   "-1}\n",
		   "spec.yaml:7:23: error: spec.deployment.resources.requests."
		   "cpu: string \"100 m\" is not a valid Kubernetes quantity "
		   "(e.g. 100m, 128Mi, 1.5, 2e3)\n"
		   "spec.yaml:7:38: error: spec.deployment.resources.requests."
		   "memory: string \"1GB\" is not a valid Kubernetes quantity "
		   "(e.g. 100m, 128Mi, 1.5, 2e3)\n"
		   "spec.yaml:8:39: error: spec.podDisruptionBudget.minAvailable: "
		   "string \"half\" is not a valid percentage (e.g. 50%)\n"
		   "spec.yaml:8:61: error: spec.podDisruptionBudget."
		   "maxUnavailable: -1 is below the minimum 0\n");
}

static void test_spec_servers_and_unique_hosts(void **state)
{
	(void)state;
	check_spec(UNIT_HEAD
		   "spec:\n"
		   "  servers:\n"
		   "  - port: 443\n"
		   "    protocol: HTTPS\n"
		   "    hosts: [a.example.com, a.example.com]\n"
		   "    tls: {mode: simple}\n"
		   "  - {port: 80, hosts: []}\n",
		   "spec.yaml:8:28: error: spec.servers[0].hosts[1]: string "
		   "\"a.example.com\" repeats item 0\n"
		   "spec.yaml:9:17: error: spec.servers[0].tls.mode: string "
		   "\"simple\" is not one of PASSTHROUGH, SIMPLE, MUTUAL, "
		   "AUTO_PASSTHROUGH, ISTIO_MUTUAL, OPTIONAL_MUTUAL\n"
		   "spec.yaml:10:5: error: spec.servers[1]: missing required key "
		   "'protocol'\n"
		   "spec.yaml:10:23: error: spec.servers[1].hosts: has 0 items, "
		   "fewer than the minimum 1\n");
}

static void test_spec_document_not_a_mapping(void **state)
{
	(void)state;
	check_spec("- apiVersion: gwc.dev/v1alpha1\n",
		   "spec.yaml:1:1: error: (document): expected object, found "
		   "array\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_each_kind),
		cmocka_unit_test(test_type_hints),
		cmocka_unit_test(test_quote_it_hints),
		cmocka_unit_test(test_type_error_hides_other_keywords),
		cmocka_unit_test(test_long_string_is_shortened_in_messages),
		cmocka_unit_test(test_unknown_key_with_did_you_mean),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_every_violation_reported_in_input_order),
		cmocka_unit_test(test_additional_properties_schema),
		cmocka_unit_test(test_property_names_and_counts),
		cmocka_unit_test(test_enum_with_did_you_mean),
		cmocka_unit_test(test_const),
		cmocka_unit_test(test_minimum_maximum),
		cmocka_unit_test(test_exclusive_bounds_and_multiple_of),
		cmocka_unit_test(test_min_max_length_in_code_points),
		cmocka_unit_test(test_pattern_with_and_without_title),
		cmocka_unit_test(test_items_and_counts),
		cmocka_unit_test(test_unique_items),
		cmocka_unit_test(test_ref),
		cmocka_unit_test(test_all_any_one_not),
		cmocka_unit_test(test_boolean_schemas),
		cmocka_unit_test(test_json_paths),
		cmocka_unit_test(test_spec_minimal_is_valid),
		cmocka_unit_test(test_spec_errors),
		cmocka_unit_test(test_spec_labels_paths),
		cmocka_unit_test(test_spec_quantities_and_percent),
		cmocka_unit_test(test_spec_servers_and_unique_hosts),
		cmocka_unit_test(test_spec_document_not_a_mapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
