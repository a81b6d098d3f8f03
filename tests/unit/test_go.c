/*
 * test_go.c - gen/go/ on cases the go-layer suite cannot feed through
 * template data (gwc's loader refuses U+2028, U+0085, U+FEFF, NUL and C0
 * controls even escaped) and on go-yaml's key order, without Go: every
 * expected text was printed by Go 1.19 with gopkg.in/yaml.v2 2.4,
 * encoding/json and strconv.
 */
#include "unit.h"

#include "go.h"

static struct gw_node *str(struct gw_arena *arena, const char *s, size_t len)
{
	struct gw_node *n = gw_node_new(arena, GW_STR);

	n->u.str.s = gw_arena_strndup(arena, s, len);
	n->u.str.len = len;
	return n;
}

/* Puts key @k (@klen bytes) with value @v, for keys with NUL bytes. */
static void put(struct gw_arena *arena, struct gw_node *map, const char *k,
		size_t klen, struct gw_node *v)
{
	gw_map_put(arena, map, "", v);
	map->u.map.pairs[map->u.map.n - 1].key = str(arena, k, klen);
}

static void assert_yaml(const struct gw_node *n, const char *want)
{
	struct gw_buf buf = {0};

	gw_go_yaml_write(&buf, n);
	gw_buf_add(&buf, "", 1);
	assert_string_equal(buf.data, want);
	gw_buf_release(&buf);
}

#define S(lit) str(arena, lit, sizeof(lit) - 1)

/* Line breaks other than LF, the BOM, NUL and escapes, as yaml.v2 writes
 * them: U+2028 in a key makes it a "? " key; in single quotes a break
 * resets the column, so the next character is indented (Go's output,
 * which does not read back the same); a leading BOM escapes every
 * character of the string. */
static void test_yaml_breaks_and_escapes(void **state)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_node *m = gw_node_map(arena);

	(void)state;
	put(arena, m, "a\xE2\x80\xA8" "b", 5, S("x\xE2\x80\xA8y"));
	put(arena, m, "n", 1, S("a\xC2\x85" "b"));
	put(arena, m, "bom", 3, S("\xEF\xBB\xBF" "ab"));
	put(arena, m, "nul", 3, S("a\0b"));
	put(arena, m, "esc", 3, S("\x1B\x07"));
	put(arena, m, "k", 1, S("a b\xE2\x80\xA9"));
	assert_yaml(m,
		    "? 'a\xE2\x80\xA8  b'\n"
		    ": 'x\xE2\x80\xA8  y'\n"
		    "bom: \"\\uFEFF\\x61\\x62\"\n"
		    "esc: \"\\e\\a\"\n"
		    "k: 'a b\xE2\x80\xA9'\n"
		    "\"n\": \"a\\Nb\"\n"
		    "nul: \"a\\0b\"\n");
	gw_arena_free(arena);
}

/* sorter.go: non-letters (°, digits of any script) before letters (a,
 * é, ж), digit runs by value, "" first. */
static void test_yaml_key_order(void **state)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_node *m = gw_node_map(arena);
	static const char *const keys[] = {
		"\xC2\xB0", "a", "\xC3\xA9", "\xD0\xB6", "\xD9\xA3", "1", "01",
		"a10", "a9", "",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		gw_map_put(arena, m, keys[i], gw_node_int(arena, (long long)i + 1));
	assert_yaml(m,
		    "\"\": 10\n"
		    "\xC2\xB0: 1\n"
		    "\"1\": 6\n"
		    "\"01\": 7\n"
		    "\xD9\xA3: 5\n"
		    "a: 2\n"
		    "a9: 9\n"
		    "a10: 8\n"
		    "\xC3\xA9: 3\n"
		    "\xD0\xB6: 4\n");
	assert_true(gw_go_yaml_key_less("\xC2\xB0", 2, "a", 1));
	assert_false(gw_go_yaml_key_less("a", 1, "\xC2\xB0", 2));
	assert_true(gw_go_yaml_key_less("a9", 2, "a10", 3));
	gw_arena_free(arena);
}

/* encoding/json: HTML-safe escapes, U+2028, invalid UTF-8, numbers. */
static void test_json(void **state)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_node *m = gw_node_map(arena);
	struct gw_node *n = gw_node_new(arena, GW_NUM);
	struct gw_buf buf = {0};

	(void)state;
	n->u.num = 1e-7;
	gw_map_put(arena, m, "s", S("<&>\xE2\x80\xA8\xFF\t"));
	gw_map_put(arena, m, "a", n);
	gw_go_json_write(&buf, m, GW_GO_JSON_SORTED | GW_GO_JSON_HTML);
	gw_buf_add(&buf, "", 1);
	assert_string_equal(buf.data, "{\"a\":1e-7,\"s\":\"\\u003c\\u0026\\u003e"
			    "\\u2028\\ufffd\\t\"}");
	gw_buf_release(&buf);
	gw_arena_free(arena);
}

/* strconv.Quote and QuoteRune. */
static void test_quote(void **state)
{
	static const char s[] = "a\"\\\n\x01\xFF\xC2\xA0\xCD\xB8\xE2\x80\xA8"
				"\xF0\x9F\x98\x80";
	struct gw_buf buf = {0};

	(void)state;
	gw_go_quote(&buf, s, sizeof(s) - 1);
	gw_go_quote_rune(&buf, 0xD800);
	gw_buf_add(&buf, "", 1);
	assert_string_equal(buf.data, "\"a\\\"\\\\\\n\\x01\\xff\\u00a0\\u0378"
			    "\\u2028\xF0\x9F\x98\x80\"'\xEF\xBF\xBD'");
	gw_buf_release(&buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_breaks_and_escapes),
		cmocka_unit_test(test_yaml_key_order),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_quote),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
