/*
 * test_schema_suite.c - gwc's JSON Schema validator against the official
 * JSON Schema Test Suite (Debian package json-schema-test-suite), draft 7.
 *
 * For every keyword that gen/validate.c implements, the suite's file
 * tests/draft7/<keyword>.json is loaded with gw_load_bytes (JSON is YAML),
 * and each test's data is validated with gw_validate_quiet against its
 * group's schema; the result must equal the test's "valid".  One cmocka
 * test per keyword file; every failing case is printed before the test
 * fails.
 *
 * The only cases skipped are the deliberate deviations listed in
 * `deviations` below, each with the reason.  A listed deviation that no
 * longer matches any case of the suite fails the test (the list must not
 * rot); one that now passes is only noted.
 *
 * JSON escapes characters beyond the BMP as UTF-16 surrogate pairs, which
 * YAML has not: such pairs are rewritten as YAML's "\UXXXXXXXX" before
 * loading (rewrite_surrogates); nothing else of the suite's text changes.
 *
 * Then cases the Debian package's suite (2.0.0, 2019) does not have: some
 * from newer versions of the upstream suite (multipleOf with fractions,
 * counting keywords written as 2.0, equality of numbers and booleans), and
 * gwc's own for strings and keys holding NUL, built with the tree API.
 * None of these is a deviation: each failure is a validator bug.
 *
 * The suite's folder is /usr/share/json-schema-test-suite/tests/draft7, or
 * $JSON_SCHEMA_TEST_SUITE (the draft7 folder) when set; when it is absent,
 * the suite's tests are skipped with a message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "gwc.h"

#define SUITE_DIR "/usr/share/json-schema-test-suite/tests/draft7"

/*
 * Deliberate deviations: keyword file, group description, test description
 * (NULL: every test of the group).  Keep each with its reason.
 */
struct deviation {
	const char *file, *group, *test, *why;
	unsigned seen;		/* cases matched, for the stale-entry check */
};

static struct deviation deviations[] = {
	/* gwc's "integer" accepts only integers as written (3, not 3.0):
	 * specs promise canonical integers (gen/validate.c, header). */
	{ "optional/zeroTerminatedFloats.json",
	  "some languages do not distinguish between different types of "
	  "numeric value", "a float without fractional part is an integer",
	  "integer means written as an integer", 0 },

	/* patternProperties is not implemented (gwc's schema does not use
	 * it); these cases depend on it. */
	{ "properties.json", "properties, patternProperties, additionalProperties "
	  "interaction", "patternProperty invalidates property",
	  "patternProperties not implemented", 0 },
	{ "properties.json", "properties, patternProperties, additionalProperties "
	  "interaction", "patternProperty validates nonproperty",
	  "patternProperties not implemented", 0 },
	{ "additionalProperties.json", "additionalProperties being false does not "
	  "allow other properties", "patternProperties are not additional "
	  "properties", "patternProperties not implemented", 0 },
	{ "additionalProperties.json", "non-ASCII pattern with additionalProperties",
	  "matching the pattern is valid",
	  "patternProperties not implemented", 0 },

	/* items: only the single-schema form; the array (tuple) form is
	 * not implemented (draft 2020-12 spells it prefixItems). */
	{ "items.json", "an array of schemas for items", "wrong types",
	  "array form of items not implemented", 0 },
	{ "items.json", "items with boolean schemas", "array with two items is "
	  "invalid", "array form of items not implemented", 0 },

	/* $ref: only local "#", "#/definitions/<name>" and "#/$defs/<name>"
	 * are resolved.  JSON pointers into other places, escaped pointer
	 * tokens, $id-based and remote refs are not implemented. */
	{ "ref.json", "relative pointer ref to object", "mismatch",
	  "ref to #/properties/... not implemented", 0 },
	{ "ref.json", "relative pointer ref to array", "mismatch array",
	  "ref to #/items/<n> not implemented", 0 },
	{ "ref.json", "escaped pointer ref", "slash invalid",
	  "ref to #/<name> and JSON pointer escapes not implemented", 0 },
	{ "ref.json", "escaped pointer ref", "tilda invalid",
	  "ref to #/<name> and JSON pointer escapes not implemented", 0 },
	{ "ref.json", "escaped pointer ref", "percent invalid",
	  "ref to #/<name> and JSON pointer escapes not implemented", 0 },
	{ "ref.json", "remote ref, containing refs itself", "remote ref invalid",
	  "remote refs (the draft-07 metaschema) not implemented", 0 },
	{ "ref.json", "Recursive references between schemas", "invalid tree",
	  "$id-based refs (\"tree\", \"node\") not implemented", 0 },

	/* draft-07 ignores every keyword beside $ref; gwc follows draft
	 * 2020-12, where the siblings of $ref apply too (gen/validate.c). */
	{ "ref.json", "ref overrides any sibling keywords",
	  "ref valid, maxItems ignored",
	  "2020-12 semantics: keywords beside $ref apply", 0 },
};

#define NDEVIATIONS (sizeof(deviations) / sizeof(*deviations))

/* The keyword files: every keyword gen/validate.c implements. */
static const char *const keyword_files[] = {
	"type", "enum", "const", "properties", "required",
	"additionalProperties", "propertyNames", "minProperties",
	"maxProperties", "items", "minItems", "maxItems", "uniqueItems",
	"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
	"multipleOf", "minLength", "maxLength", "pattern", "allOf", "anyOf",
	"oneOf", "not", "boolean_schema", "ref",
	/* optional files about the same keywords (optional/bignum.json is
	 * not run: gwc refuses integers beyond 64 bits when it loads a
	 * file, on purpose, so that file cannot be loaded) */
	"optional/zeroTerminatedFloats",
};

#define NFILES (sizeof(keyword_files) / sizeof(*keyword_files))

static const char *suite_dir(void)
{
	const char *env = getenv("JSON_SCHEMA_TEST_SUITE");

	return env && *env ? env : SUITE_DIR;
}

static struct deviation *find_deviation(const char *file, const char *group,
					const char *test)
{
	size_t i;

	for (i = 0; i < NDEVIATIONS; i++) {
		struct deviation *d = &deviations[i];

		if (!strcmp(d->file, file) && !strcmp(d->group, group) &&
		    (!d->test || !strcmp(d->test, test)))
			return d;
	}
	return NULL;
}

static int hex4(const char *s, size_t left)
{
	unsigned v = 0;
	size_t i;

	if (left < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return (int)v;
}

/*
 * JSON escapes a character beyond the BMP as a UTF-16 surrogate pair
 * ("\uD83D\uDCA9"); YAML has no surrogates and libyaml (rightly) refuses
 * them, so such a pair is rewritten as YAML's "\U0001F4A9" before loading.
 * This is the only difference between the suite's JSON and the YAML that
 * gw_load_bytes reads.  Returns the new text, in @arena.
 */
static char *rewrite_surrogates(struct gw_arena *arena, const char *s,
				size_t len, size_t *out_len)
{
	char *out = gw_arena_alloc(arena, len + 1), *o = out;
	size_t i = 0;

	while (i < len) {
		int hi, lo;

		if (s[i] != '\\' || i + 1 >= len) {
			*o++ = s[i++];
			continue;
		}
		if (s[i + 1] == 'u' &&
		    (hi = hex4(s + i + 2, len - i - 2)) >= 0xd800 &&
		    hi <= 0xdbff && i + 11 < len && s[i + 6] == '\\' &&
		    s[i + 7] == 'u' &&
		    (lo = hex4(s + i + 8, len - i - 8)) >= 0xdc00 &&
		    lo <= 0xdfff) {
			unsigned cp = 0x10000 + (((unsigned)hi - 0xd800) << 10) +
				      ((unsigned)lo - 0xdc00);

			/* 12 bytes in, 10 out */
			o += sprintf(o, "\\U%08X", cp);
			i += 12;
			continue;
		}
		*o++ = s[i++];		/* the backslash and what it escapes */
		*o++ = s[i++];
	}
	*o = '\0';
	*out_len = (size_t)(o - out);
	return out;
}

static const char *str_of(const struct gw_node *n)
{
	return n && n->kind == GW_STR ? n->u.str.s : "?";
}

/*
 * Runs the suite-format text @data (an array of groups) named @file;
 * prints every failing case; fails if any.
 */
static void run_text(struct gw_arena *arena, const char *file,
		     const char *path, const char *data, size_t len)
{
	struct gw_diag diag;
	struct gw_node **docs;
	size_t ndocs, g, t, i;
	unsigned passed = 0, failed = 0, skipped = 0, now_pass = 0;

	gw_diag_init(&diag, arena);
	data = rewrite_surrogates(arena, data, len, &len);
	if (gw_load_bytes(arena, &diag, path, data, len, &docs, &ndocs)) {
		gw_diag_print(&diag, stderr);
		gw_arena_free(arena);
		fail_msg("%s: cannot load", path);
	}
	assert_int_equal(ndocs, 1);
	assert_int_equal(docs[0]->kind, GW_SEQ);
	for (g = 0; g < docs[0]->u.seq.n; g++) {
		const struct gw_node *group = docs[0]->u.seq.items[g];
		const struct gw_node *schema = gw_map_get(group, "schema");
		const struct gw_node *tests = gw_map_get(group, "tests");
		const char *gdesc = str_of(gw_map_get(group, "description"));

		assert_non_null(schema);
		assert_non_null(tests);
		assert_int_equal(tests->kind, GW_SEQ);
		for (t = 0; t < tests->u.seq.n; t++) {
			const struct gw_node *test = tests->u.seq.items[t];
			const struct gw_node *want = gw_map_get(test, "valid");
			const struct gw_node *value = gw_map_get(test, "data");
			const char *tdesc = str_of(gw_map_get(test, "description"));
			struct deviation *dev = find_deviation(file, gdesc, tdesc);
			bool got;

			assert_non_null(value);
			assert_true(want && want->kind == GW_BOOL);
			got = gw_validate_quiet(schema, value);
			if (dev) {
				dev->seen++;
				skipped++;
				if (got == want->u.b) {
					now_pass++;
					print_message("note: deviation now "
						      "passes: %s: \"%s\" "
						      "/ \"%s\"\n", file,
						      gdesc, tdesc);
				}
				continue;
			}
			if (got == want->u.b) {
				passed++;
				continue;
			}
			failed++;
			print_error("error: FAIL %s: \"%s\" / \"%s\": gwc says "
				    "%s, expected %s\n", file, gdesc,
				    tdesc, got ? "valid" : "invalid",
				    want->u.b ? "valid" : "invalid");
		}
	}
	for (i = 0; i < NDEVIATIONS; i++)
		if (!strcmp(deviations[i].file, file) && !deviations[i].seen) {
			print_error("stale deviation %s: \"%s\" / \"%s\" "
				    "matches no case\n", file,
				    deviations[i].group,
				    deviations[i].test ? deviations[i].test : "*");
			failed++;
		}
	print_message("%s: %u passed, %u failed, %u skipped as "
		      "deviations%s\n", file, passed, failed, skipped,
		      now_pass ? " (some deviations now pass)" : "");
	gw_arena_free(arena);
	assert_int_equal(failed, 0);
	assert_true(passed + skipped > 0);
}

/* Runs the suite's file tests/draft7/@file.json. */
static void run_file(const char *file)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	struct stat st;
	char *path, *data;
	size_t len;

	if (stat(suite_dir(), &st) || !S_ISDIR(st.st_mode)) {
		gw_arena_free(arena);
		print_message("skip: %s is absent (apt-get install "
			      "json-schema-test-suite)\n", suite_dir());
		skip();
	}
	gw_diag_init(&diag, arena);
	path = gw_arena_printf(arena, "%s/%s.json", suite_dir(), file);
	file = gw_arena_printf(arena, "%s.json", file);
	if (gw_load_read(arena, &diag, path, &data, &len)) {
		gw_diag_print(&diag, stderr);
		gw_arena_free(arena);
		fail_msg("%s: cannot read", path);
	}
	run_text(arena, file, path, data, len);
}

/*
 * Cases beyond the Debian package's suite (2.0.0, 2019), in the suite's
 * format: copied from newer versions of the upstream suite's draft7 files
 * (multipleOf.json, enum.json, const.json, minLength.json, maxLength.json,
 * minItems.json, maxItems.json, minProperties.json, maxProperties.json).
 * None is a deviation: each failure is a validator bug.
 */
/* multipleOf with fractions: the quotient must be an integer in decimal, not
 * only in binary floating point (3.3 / 1.1 is 2.9999999999999996). */
static const char *const extra_multipleof[] = {
	"[\n",
	"  {\"description\": \"by fractional number above 1\",\n",
	"   \"schema\": {\"multipleOf\": 1.1},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"1.1 is multiple of itself\", \"data\": 1.1, \"valid\": true},\n",
	"    {\"description\": \"3.3 is multiple of 1.1\", \"data\": 3.3, \"valid\": true},\n",
	"    {\"description\": \"6.6 is multiple of 1.1\", \"data\": 6.6, \"valid\": true},\n",
	"    {\"description\": \"7.7 is multiple of 1.1\", \"data\": 7.7, \"valid\": true},\n",
	"    {\"description\": \"1.2 is not multiple of 1.1\", \"data\": 1.2, \"valid\": false}]},\n",
	"  {\"description\": \"by number below 1\",\n",
	"   \"schema\": {\"multipleOf\": 0.1},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"0.3 is multiple of 0.1\", \"data\": 0.3, \"valid\": true},\n",
	"    {\"description\": \"0.6 is multiple of 0.1\", \"data\": 0.6, \"valid\": true},\n",
	"    {\"description\": \"0.7 is multiple of 0.1\", \"data\": 0.7, \"valid\": true},\n",
	"    {\"description\": \"0.35 is not multiple of 0.1\", \"data\": 0.35, \"valid\": false}]},\n",
	"  {\"description\": \"by another number below 1\",\n",
	"   \"schema\": {\"multipleOf\": 0.01},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"0.07 is multiple of 0.01\", \"data\": 0.07, \"valid\": true},\n",
	"    {\"description\": \"0.035 is not multiple of 0.01\", \"data\": 0.035, \"valid\": false}]},\n",
	"  {\"description\": \"by small number\",\n",
	"   \"schema\": {\"multipleOf\": 0.0001},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"0.0075 is multiple of 0.0001\", \"data\": 0.0075, \"valid\": true},\n",
	"    {\"description\": \"0.00751 is not multiple of 0.0001\", \"data\": 0.00751, \"valid\": false}]},\n",
	"  {\"description\": \"small multiple of large integer\",\n",
	"   \"schema\": {\"type\": \"integer\", \"multipleOf\": 1e-8},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"any integer is a multiple of 1e-8\", \"data\": 12391239123, \"valid\": true}]},\n",
	"  {\"description\": \"float division = inf\",\n",
	"   \"schema\": {\"type\": \"integer\", \"multipleOf\": 0.123456789},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"always invalid\", \"data\": 1e308, \"valid\": false}]}\n",
	"]\n",
};

/* Counting keywords whose value is written with a fraction (2.0): still
 * a count, never silently ignored. */
static const char *const extra_decimal_counts[] = {
	"[\n",
	"  {\"description\": \"minLength validation with a decimal\",\n",
	"   \"schema\": {\"minLength\": 2.0},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"longer is valid\", \"data\": \"foo\", \"valid\": true},\n",
	"    {\"description\": \"too short is invalid\", \"data\": \"f\", \"valid\": false}]},\n",
	"  {\"description\": \"maxLength validation with a decimal\",\n",
	"   \"schema\": {\"maxLength\": 2.0},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"shorter is valid\", \"data\": \"f\", \"valid\": true},\n",
	"    {\"description\": \"too long is invalid\", \"data\": \"foo\", \"valid\": false}]},\n",
	"  {\"description\": \"minItems validation with a decimal\",\n",
	"   \"schema\": {\"minItems\": 1.0},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"longer is valid\", \"data\": [1, 2], \"valid\": true},\n",
	"    {\"description\": \"too short is invalid\", \"data\": [], \"valid\": false}]},\n",
	"  {\"description\": \"maxItems validation with a decimal\",\n",
	"   \"schema\": {\"maxItems\": 2.0},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"shorter is valid\", \"data\": [1], \"valid\": true},\n",
	"    {\"description\": \"too long is invalid\", \"data\": [1, 2, 3], \"valid\": false}]},\n",
	"  {\"description\": \"minProperties validation with a decimal\",\n",
	"   \"schema\": {\"minProperties\": 1.0},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"longer is valid\", \"data\": {\"foo\": 1, \"bar\": 2}, \"valid\": true},\n",
	"    {\"description\": \"too short is invalid\", \"data\": {}, \"valid\": false}]},\n",
	"  {\"description\": \"maxProperties validation with a decimal\",\n",
	"   \"schema\": {\"maxProperties\": 2.0},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"shorter is valid\", \"data\": {\"foo\": 1}, \"valid\": true},\n",
	"    {\"description\": \"too long is invalid\", \"data\": {\"foo\": 1, \"bar\": 2, \"baz\": 3}, \"valid\": false}]}\n",
	"]\n",
};

/* Equality of numbers, booleans and strings with NUL in enum and const. */
static const char *const extra_equality[] = {
	"[\n",
	"  {\"description\": \"enum with false does not match 0\",\n",
	"   \"schema\": {\"enum\": [false]},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"false is valid\", \"data\": false, \"valid\": true},\n",
	"    {\"description\": \"integer zero is invalid\", \"data\": 0, \"valid\": false},\n",
	"    {\"description\": \"float zero is invalid\", \"data\": 0.0, \"valid\": false}]},\n",
	"  {\"description\": \"enum with [1] does not match [true]\",\n",
	"   \"schema\": {\"enum\": [[1]]},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"[true] is invalid\", \"data\": [true], \"valid\": false},\n",
	"    {\"description\": \"[1] is valid\", \"data\": [1], \"valid\": true},\n",
	"    {\"description\": \"[1.0] is valid\", \"data\": [1.0], \"valid\": true}]},\n",
	"  {\"description\": \"float and integers are equal up to 64-bit representation limits\",\n",
	"   \"schema\": {\"const\": 9007199254740992},\n",
	"   \"tests\": [\n",
	"    {\"description\": \"integer is valid\", \"data\": 9007199254740992, \"valid\": true},\n",
	"    {\"description\": \"integer minus one is invalid\", \"data\": 9007199254740991, \"valid\": false},\n",
	"    {\"description\": \"float is valid\", \"data\": 9007199254740992.0, \"valid\": true},\n",
	"    {\"description\": \"float minus one is invalid\", \"data\": 9007199254740991.0, \"valid\": false}]}\n",
	"]\n",
};


static void run_lines(const char *name, const char *const *lines,
		      size_t n)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_buf text = { 0 };
	char *copy;
	size_t i, len;

	for (i = 0; i < n; i++)
		gw_buf_puts(&text, lines[i]);
	copy = gw_arena_strndup(arena, text.data, text.len);
	len = text.len;
	gw_buf_release(&text);
	run_text(arena, name, name, copy, len);
}

#define EXTRA_TEST(name) \
	static void test_##name(void **state) \
	{ \
		(void)state; \
		run_lines(#name, name, sizeof(name) / sizeof(*name)); \
	}

EXTRA_TEST(extra_multipleof)
EXTRA_TEST(extra_decimal_counts)
EXTRA_TEST(extra_equality)

/* ---- strings holding NUL ------------------------------------------------ */

/*
 * gw_validate takes any tree, and a string node carries its length: a
 * string may hold NUL (the tree API makes one; YAML's "\0" escapes made
 * one in specs until load.c refused them).  Every keyword must see the
 * whole string, not the C string before the first NUL.  These cases are
 * built with the tree API, as gw_load_bytes now refuses NUL.
 */
static struct gw_node *nstr(struct gw_arena *a, const char *s, size_t len)
{
	struct gw_node *n = gw_node_new(a, GW_STR);

	n->u.str.s = gw_arena_strndup(a, s, len);
	n->u.str.len = len;
	return n;
}

/* A one-pair mapping whose key may hold NUL. */
static struct gw_node *nmap(struct gw_arena *a, const char *key, size_t len,
			    struct gw_node *value)
{
	struct gw_node *m = gw_node_map(a);

	gw_map_put(a, m, "", value);
	m->u.map.pairs[0].key = nstr(a, key, len);
	return m;
}

static struct gw_node *json(struct gw_arena *a, const char *text)
{
	struct gw_diag diag;
	struct gw_node **docs;
	size_t n;

	gw_diag_init(&diag, a);
	if (gw_load_bytes(a, &diag, "schema", text, strlen(text), &docs, &n)) {
		gw_diag_print(&diag, stderr);
		fail_msg("cannot load %s", text);
	}
	return docs[0];
}

struct nul_case {
	const char *what;
	const struct gw_node *schema, *data;
	bool valid;
};

static void test_extra_nul(void **state)
{
	struct gw_arena *a = gw_arena_new();
	struct gw_node *with_nul = nstr(a, "hello\0there", 11);
	struct gw_node *enum_schema = gw_node_map(a), *const_schema;
	struct nul_case cases[16];
	size_t n = 0, i;
	unsigned failed = 0;

	(void)state;
	gw_seq_push(a, gw_map_put(a, enum_schema, "enum", gw_node_seq(a)),
		    with_nul);
	const_schema = nmap(a, "const", 5, with_nul);

#define CASE(w, sc, d, v) (cases[n++] = (struct nul_case){ w, sc, d, v })
	CASE("pattern: letters", json(a, "{\"pattern\": \"^[a-z]+$\"}"),
	     nstr(a, "abcd", 4), true);
	CASE("pattern: NUL between letters",
	     json(a, "{\"pattern\": \"^[a-z]+$\"}"), nstr(a, "ab\0cd", 5),
	     false);
	CASE("pattern: a path after NUL",
	     json(a, "{\"pattern\": \"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$\"}"),
	     nstr(a, "ab\0/../../x", 11), false);
	CASE("enum: the same string with NUL", enum_schema,
	     nstr(a, "hello\0there", 11), true);
	CASE("enum: the string without NUL", enum_schema,
	     nstr(a, "hellothere", 10), false);
	CASE("enum: the string before NUL", enum_schema, nstr(a, "hello", 5),
	     false);
	CASE("const: the same string with NUL", const_schema,
	     nstr(a, "hello\0there", 11), true);
	CASE("const: the string before NUL", const_schema,
	     nstr(a, "hello", 5), false);
	CASE("maxLength: NUL counts", json(a, "{\"maxLength\": 2}"),
	     nstr(a, "a\0b", 3), false);
	CASE("properties: a key with NUL is another key",
	     json(a, "{\"properties\": {\"a\": {}}, "
		     "\"additionalProperties\": false}"),
	     nmap(a, "a\0b", 3, gw_node_int(a, 1)), false);
	CASE("required: a key with NUL is another key",
	     json(a, "{\"required\": [\"a\"]}"),
	     nmap(a, "a\0b", 3, gw_node_int(a, 1)), false);
	CASE("propertyNames: NUL in a key",
	     json(a, "{\"propertyNames\": {\"pattern\": \"^[a-z]+$\"}}"),
	     nmap(a, "a\0b", 3, gw_node_int(a, 1)), false);
#undef CASE
	for (i = 0; i < n; i++) {
		bool got = gw_validate_quiet(cases[i].schema, cases[i].data);

		if (got != cases[i].valid) {
			failed++;
			print_error("error: FAIL NUL in strings: %s: gwc says %s, "
				    "expected %s\n", cases[i].what,
				    got ? "valid" : "invalid",
				    cases[i].valid ? "valid" : "invalid");
		}
	}
	print_message("extra_nul: %zu passed, %u failed\n", n - failed, failed);
	gw_arena_free(a);
	assert_int_equal(failed, 0);
}

static void test_keyword(void **state)
{
	run_file((const char *)*state);
}

int main(void)
{
	struct CMUnitTest tests[NFILES + 4];
	size_t i;

	tests[NFILES] = (struct CMUnitTest){
		.name = "extra_multipleof", .test_func = test_extra_multipleof };
	tests[NFILES + 1] = (struct CMUnitTest){
		.name = "extra_decimal_counts",
		.test_func = test_extra_decimal_counts };
	tests[NFILES + 2] = (struct CMUnitTest){
		.name = "extra_equality", .test_func = test_extra_equality };
	tests[NFILES + 3] = (struct CMUnitTest){
		.name = "extra_nul", .test_func = test_extra_nul };
	for (i = 0; i < NFILES; i++) {
		tests[i] = (struct CMUnitTest){
			.name = keyword_files[i],
			.test_func = test_keyword,
			.initial_state = (void *)(uintptr_t)keyword_files[i],
		};
	}
	return cmocka_run_group_tests_name("schema_suite_draft7", tests, NULL,
					   NULL);
}
