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

/*
 * k8s.io/utils/net's ParseCIDRSloppy and ParseIPSloppy (Go 1.16's net
 * parsers, which Kubernetes validates Service CIDRs and IPs with): each
 * row is Go's answer, printed by a copy of the fork run under Go 1.19:
 * the input, ParseCIDR's address length (-1: an error), prefix length and
 * address (net.IP.To16, in hex), and ParseIP's family (0: nil).
 */
static const struct {
	const char *s;
	int iplen, bits;
	const char *hex;
	int ip_family;
} go_cidrs[] = {
	{ "10.0.0.0/8", 4, 8, "00000000000000000000ffff0a000000", 0 },
	{ "10.0.0.0/33", -1, 0, "", 0 },
	{ "10.0.0.0/32", 4, 32, "00000000000000000000ffff0a000000", 0 },
	{ "10.0.0.0/0", 4, 0, "00000000000000000000ffff0a000000", 0 },
	{ "1.2/8", -1, 0, "", 0 },
	{ "1.2.3/24", -1, 0, "", 0 },
	{ "1.2.3.4.5/24", -1, 0, "", 0 },
	{ "010.001.002.003/24", 4, 24, "00000000000000000000ffff0a010203", 0 },
	{ "0010.0.0.0/8", 4, 8, "00000000000000000000ffff0a000000", 0 },
	{ "256.0.0.0/8", -1, 0, "", 0 },
	{ "1.2.3.255/32", 4, 32, "00000000000000000000ffff010203ff", 0 },
	{ "1.2.3.4/008", 4, 8, "00000000000000000000ffff01020304", 0 },
	{ "1.2.3.4/", -1, 0, "", 0 },
	{ "1.2.3.4/+8", -1, 0, "", 0 },
	{ "1.2.3.4/-1", -1, 0, "", 0 },
	{ "1.2.3.4/8 ", -1, 0, "", 0 },
	{ " 1.2.3.4/8", -1, 0, "", 0 },
	{ "1.2.3.4/ 8", -1, 0, "", 0 },
	{ "1.2.3.4 /8", -1, 0, "", 0 },
	{ "1.2.3.4/99999999", -1, 0, "", 0 },
	{ "1.2.3.4/0000000000000000000032", 4, 32, "00000000000000000000ffff01020304", 0 },
	{ "1..2.3/8", -1, 0, "", 0 },
	{ "1.2.3.4a/8", -1, 0, "", 0 },
	{ "1.2.3.99999999/8", -1, 0, "", 0 },
	{ "10.0.0.0", -1, 0, "", 4 },
	{ "/8", -1, 0, "", 0 },
	{ "", -1, 0, "", 0 },
	{ "::/0", 16, 0, "00000000000000000000000000000000", 0 },
	{ "::/128", 16, 128, "00000000000000000000000000000000", 0 },
	{ "::/129", -1, 0, "", 0 },
	{ "::1/128", 16, 128, "00000000000000000000000000000001", 0 },
	{ "2001:db8::/32", 16, 32, "20010db8000000000000000000000000", 0 },
	{ "2001:DB8::/32", 16, 32, "20010db8000000000000000000000000", 0 },
	{ "2001:db8:0:0:0:0:0:1/128", 16, 128, "20010db8000000000000000000000001", 0 },
	{ "2001:db8:0:0:0:0:0:0:1/128", -1, 0, "", 0 },
	{ "2001:db8::0:0:0:0:0:1/128", -1, 0, "", 0 },
	{ "2001:db8:::1/64", -1, 0, "", 0 },
	{ "2001:db8::1::2/64", -1, 0, "", 0 },
	{ "::ffff:10.0.0.1/128", 16, 128, "00000000000000000000ffff0a000001", 0 },
	{ "::ffff:10.0.0.1/32", 16, 32, "00000000000000000000ffff0a000001", 0 },
	{ "::ffff:010.0.0.1/104", 16, 104, "00000000000000000000ffff0a000001", 0 },
	{ "::10.0.0.1/96", 16, 96, "0000000000000000000000000a000001", 0 },
	{ "1:2:3:4:5:6:1.2.3.4/96", 16, 96, "00010002000300040005000601020304", 0 },
	{ "1:2:3:4:5:6:7:1.2.3.4/96", -1, 0, "", 0 },
	{ "1:2:3:4:5:1.2.3.4/96", -1, 0, "", 0 },
	{ "1::1.2.3.4/120", 16, 120, "00010000000000000000000001020304", 0 },
	{ "1.2.3.4::/8", -1, 0, "", 0 },
	{ "::1.2.3/96", -1, 0, "", 0 },
	{ "00000001::/16", 16, 16, "00010000000000000000000000000000", 0 },
	{ "12345::/16", -1, 0, "", 0 },
	{ "fffff::/16", -1, 0, "", 0 },
	{ "g::/16", -1, 0, "", 0 },
	{ "1:2:3:4:5:6:7:8/64", 16, 64, "00010002000300040005000600070008", 0 },
	{ "1:2:3:4:5:6:7/64", -1, 0, "", 0 },
	{ "1:2:3:4:5:6:7:/64", -1, 0, "", 0 },
	{ ":1::/64", -1, 0, "", 0 },
	{ "1:/64", -1, 0, "", 0 },
	{ ":::/64", -1, 0, "", 0 },
	{ "fe80::1%eth0/64", -1, 0, "", 0 },
	{ "[::1]/128", -1, 0, "", 0 },
	{ "::/00128", 16, 128, "00000000000000000000000000000000", 0 },
	{ "2001:db8::/64/1", -1, 0, "", 0 },
	{ "1.2.3.4/8/8", -1, 0, "", 0 },
	{ "10.0.0.1", -1, 0, "", 4 },
	{ "010.0.0.1", -1, 0, "", 4 },
	{ "::ffff:1.2.3.4", -1, 0, "", 16 },
	{ "::1", -1, 0, "", 16 },
	{ "1.2.3", -1, 0, "", 0 },
	{ "a.b.c.d", -1, 0, "", 0 },
	{ "1.2.3.4:80", -1, 0, "", 0 },
	{ "1:2", -1, 0, "", 0 },
};

static void test_parse_cidr_sloppy(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(go_cidrs) / sizeof(*go_cidrs); i++) {
		unsigned char ip[16];
		char hex[33];
		struct gw_buf why = { 0 };
		int bits = -7, k;
		int iplen = gw_go_parse_cidr_sloppy(go_cidrs[i].s,
			strlen(go_cidrs[i].s), ip, &bits, &why);

		if (iplen != go_cidrs[i].iplen)
			fail_msg("ParseCIDRSloppy(\"%s\"): %d, Go says %d",
				 go_cidrs[i].s, iplen, go_cidrs[i].iplen);
		/* a refusal always says why; an acceptance never does */
		assert_true((iplen < 0) == (why.len > 0));
		if (iplen > 0) {
			for (k = 0; k < 16; k++)
				snprintf(hex + 2 * k, 3, "%02x", ip[k]);
			assert_string_equal(hex, go_cidrs[i].hex);
			assert_int_equal(bits, go_cidrs[i].bits);
		}
		if (gw_go_parse_ip_sloppy(go_cidrs[i].s, strlen(go_cidrs[i].s),
					  ip, NULL) != go_cidrs[i].ip_family)
			fail_msg("ParseIPSloppy(\"%s\"): Go says %d",
				 go_cidrs[i].s, go_cidrs[i].ip_family);
		gw_buf_release(&why);
	}
}

/* The explanations gwc prints for a CIDR Kubernetes refuses. */
static void test_parse_cidr_why(void **state)
{
	static const struct { const char *s, *why; } cases[] = {
		{ "10.0.0.0/33", "the prefix length of an IPv4 address is at "
		  "most 32" },
		{ "::/129", "the prefix length of an IPv6 address is at most "
		  "128" },
		{ "::ffff:10.0.0.1/129", "the prefix length of an IPv6 address "
		  "is at most 128" },
		{ "1.2.3.4/99999999", "the prefix length of an IPv4 address is "
		  "at most 32" },
		{ "1.2/8", "'1.2' is not an IP address: an IPv4 address has 4 "
		  "parts, not 2" },
		{ "1.2.3.4.5/8", "'1.2.3.4.5' is not an IP address: an IPv4 "
		  "address has 4 parts, not 5" },
		{ "256.0.0.0/8", "'256.0.0.0' is not an IP address: its first "
		  "part, 256, is above 255" },
		{ "1.2.3.99999999/8", "'1.2.3.99999999' is not an IP address: "
		  "its fourth part, 99999999, is above 255" },
		{ "1..2.3/8", "'1..2.3' is not an IP address: its second part "
		  "is empty" },
		{ "1.2.3.4a/8", "'1.2.3.4a' is not an IP address: its fourth "
		  "part, '4a', is not a decimal number" },
		{ "1.2.3.4/", "the prefix length '' is not a decimal number" },
		{ "1.2.3.4/+8", "the prefix length '+8' is not a decimal "
		  "number" },
		{ "10.0.0.0", "no '/' and prefix length; for this one address "
		  "write 10.0.0.0/32" },
		{ "::1", "no '/' and prefix length; for this one address write "
		  "::1/128" },
		{ "", "no '/' and prefix length, as in 10.0.0.0/8" },
		{ "/8", "'' is not an IP address: it has neither '.' (IPv4) "
		  "nor ':' (IPv6)" },
		{ "12345::/16", "'12345::' is not an IP address: its group "
		  "12345 is above ffff" },
		{ "g::/16", "'g::' is not an IP address: its group 'g' is not a "
		  "hex number" },
		{ "2001:db8::1::2/64", "'2001:db8::1::2' is not an IP address: "
		  "it has '::' twice" },
		{ ":::/64", "':::' is not an IP address: it has an empty "
		  "group" },
		{ "1:/64", "'1:' is not an IP address: it ends in a single "
		  "':'" },
		{ "1:2:3:4:5:6:7/64", "'1:2:3:4:5:6:7' is not an IP address: it "
		  "has 7 groups and no '::' to stand for the missing ones" },
		{ "2001:db8:0:0:0:0:0:0:1/128", "'2001:db8:0:0:0:0:0:0:1' is "
		  "not an IP address: it has more than 8 groups" },
		{ "2001:db8::0:0:0:0:0:1/128", "'2001:db8::0:0:0:0:0:1' is not "
		  "an IP address: it has 8 groups and a '::', which must stand "
		  "for at least one" },
		{ "fe80::1%eth0/64", "'fe80::1%eth0' is not an IP address: it "
		  "has a character that is not a hex digit, ':' or '.'" },
		{ "1:2:3:4:5:1.2.3.4/96", "'1:2:3:4:5:1.2.3.4' is not an IP "
		  "address: an IPv4 address in an IPv6 one must take its last "
		  "32 bits" },
		{ "::1.2.3/96", "'::1.2.3' is not an IP address: its IPv4 part "
		  "'1.2.3' is not an IPv4 address: an IPv4 address has 4 "
		  "parts, not 3" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		unsigned char ip[16];
		struct gw_buf why = { 0 };
		int bits;

		assert_int_equal(gw_go_parse_cidr_sloppy(cases[i].s,
			strlen(cases[i].s), ip, &bits, &why), -1);
		assert_string_equal(why.data, cases[i].why);
		gw_buf_release(&why);
	}
}

/* strings.TrimSpace: Unicode white space, both ends, nothing inside. */
static void test_trim_space(void **state)
{
	const char *s = " \t\xc2\xa0" "10.0.0.0/8 \xe2\x80\x83\n";
	size_t n;

	(void)state;
	n = gw_go_trim_space(&s, strlen(s));
	assert_int_equal(n, 10);
	assert_memory_equal(s, "10.0.0.0/8", 10);
	s = "1 2";
	assert_int_equal(gw_go_trim_space(&s, 3), 3);
	s = "\xe2\x80\x8b" "1";	/* U+200B is not white space */
	assert_int_equal(gw_go_trim_space(&s, 4), 4);
	s = " ";
	assert_int_equal(gw_go_trim_space(&s, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_breaks_and_escapes),
		cmocka_unit_test(test_parse_cidr_sloppy),
		cmocka_unit_test(test_parse_cidr_why),
		cmocka_unit_test(test_trim_space),
		cmocka_unit_test(test_yaml_key_order),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_quote),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
