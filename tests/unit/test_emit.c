/*
 * test_emit.c - gw_emit_plain_safe() (which strings may stay plain for
 * every YAML 1.1 and 1.2 reader), gw_diag_quote() (the escaper),
 * gw_emit_yaml() and gw_emit_json() (exact bytes, JSON as `jq .` prints).
 */
#include <ctype.h>

#include "unit.h"

static bool plain(const char *s)
{
	return gw_emit_plain_safe(s, strlen(s));
}

static void assert_quoted(const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (plain(list[i]))
			fail_msg("'%s' must be quoted", list[i]);
}

static void assert_plain(const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!plain(list[i]))
			fail_msg("'%s' may stay plain", list[i]);
}

#define QUOTED(...) do { \
	static const char *const list_[] = { __VA_ARGS__ }; \
	assert_quoted(list_, sizeof(list_) / sizeof(*list_)); \
} while (0)

#define PLAIN(...) do { \
	static const char *const list_[] = { __VA_ARGS__ }; \
	assert_plain(list_, sizeof(list_) / sizeof(*list_)); \
} while (0)

/* ---- gw_emit_plain_safe -------------------------------------------------- */

static void test_special_words_in_every_case(void **state)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null",
		"nan", "inf", "infinity",
	};
	size_t w;

	(void)state;
	for (w = 0; w < sizeof(words) / sizeof(*words); w++) {
		size_t len = strlen(words[w]);
		unsigned mask;

		/* every upper/lower combination: yes Yes yEs ... YES */
		for (mask = 0; mask < 1u << len; mask++) {
			char s[16];
			size_t i;

			for (i = 0; i < len; i++)
				s[i] = (char)(mask >> i & 1 ?
					      toupper((unsigned char)words[w][i]) :
					      words[w][i]);
			s[len] = '\0';
			if (plain(s))
				fail_msg("'%s' must be quoted", s);
		}
	}
	QUOTED("~", ".inf", "-.inf", "+.inf", ".Inf", ".NaN", ".nan", "<<",
	       "=", "-", "---", "...");
	/* words that merely contain or start like them stay plain */
	PLAIN("yesterday", "nonsense", "online", "offset", "nullable",
	      "truely", "falsey", "inform", "nano", "yy", "nn", "o", "t",
	      "f", "True1", "null_", "Y2K");
}

static void test_numbers_in_every_base(void **state)
{
	(void)state;
	QUOTED("0", "7", "12", "-1", "+1", "-0", "08", "0755", "0o755",
	       "0o7", "0x1F", "0xff", "0X1F", "0b101", "0B1", "1_000",
	       "1__0", "1e3", "1E3", "1e+3", "1e-3", "1.5", ".5", "1.", "0.",
	       "-1.5", "+.5", "6.8523015e+5", "685.230_15e+03",
	       "685_230.15", "190:20:30", "-190:20:30.15", "1_0.0", "1.0.0", "10.0.0.1");
}

static void test_dates_and_times(void **state)
{
	(void)state;
	QUOTED("2001-12-14", "2001-12-14t21:59:43.10-05:00",
	       "2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43.1Z",
	       "2002-1-1", "12:30", "1:00:00");
}

static void test_quantities_may_stay_plain(void **state)
{
	(void)state;
	PLAIN("100m", "128Mi", "2000m", "1024Mi", "1Gi", "1Ki", "2Ti",
	      "1Pi", "3Ei", "1k", "500M", "5G", "1T", "1P", "0m");
	/* an exponent, or a suffix no reader knows as a unit */
	QUOTED("1e3", "1E3", "2e-3", "100mm", "1.5x", "1_000m");
}

static void test_indicators_and_spaces(void **state)
{
	(void)state;
	QUOTED("", " ", " a", "a ", "a b", "a: b", "a #b", "a:b", "a#b",
	       "a\tb", "a\nb", "#a", "-a", "- a", ".a", "_a", "?a", "? a",
	       ":a", "*a", "&a", "!a", "%a", "@a", "`a", "|", ">", "'a'",
	       "\"a\"", "[a]", "{a}", "a,b", "a]", "a}", "a'b", "a\"b",
	       "a\\b", "{{ x }}");
	/* non-ASCII: quoted, to be safe with every reader */
	QUOTED("\xc3\xa9t\xc3\xa9", "a\xc2\xa0" "b");
	/* an embedded NUL is never plain */
	assert_false(gw_emit_plain_safe("a\0b", 3));
}

static void test_ordinary_strings_stay_plain(void **state)
{
	(void)state;
	PLAIN("istio-ingress", "ingress-gateway", "gwc.dev/v1alpha1",
	      "GatewaySpec", "ClusterIP", "/healthz/ready", "/",
	      "app.kubernetes.io/name", "sidecar.istio.io/inject", "a_b",
	      "x86_64", "auto", "TCP", "http2", "a", "Z", "a--b", "a..b",
	      "NET_BIND_SERVICE", "secret-reader", "v1", "apps/v1");
}

static void test_length_limit(void **state)
{
	char s[258];

	(void)state;
	memset(s, 'a', sizeof(s));
	assert_true(gw_emit_plain_safe(s, 256));
	assert_false(gw_emit_plain_safe(s, 257));
	/* only @len bytes count */
	assert_true(gw_emit_plain_safe("yes", 2));
	assert_false(gw_emit_plain_safe("ye", 0));
}

/* ---- gw_emit_quote ------------------------------------------------------- */

static void assert_quote(const char *s, size_t len, const char *want)
{
	struct gw_buf buf = { 0 };

	gw_buf_puts(&buf, "<");
	gw_diag_quote(&buf, s, len);
	gw_buf_puts(&buf, ">");
	assert_string_equal(buf.data, want);
	gw_buf_release(&buf);
}

#define ASSERT_QUOTE(lit, want) assert_quote(lit, sizeof(lit) - 1, want)

static void test_quote_escapes(void **state)
{
	(void)state;
	ASSERT_QUOTE("", "<\"\">");
	ASSERT_QUOTE("plain", "<\"plain\">");
	ASSERT_QUOTE("a\"b\\c", "<\"a\\\"b\\\\c\">");
	ASSERT_QUOTE("\n\t\r", "<\"\\n\\t\\r\">");
	ASSERT_QUOTE("a\0b", "<\"a\\x00b\">");
	ASSERT_QUOTE("\x01\x08\x0b\x0c\x1b\x1f\x7f",
		     "<\"\\x01\\x08\\x0B\\x0C\\x1B\\x1F\\x7F\">");
	/* C1 controls, U+2028, U+2029 and U+FEFF as \uNNNN */
	ASSERT_QUOTE("\xc2\x80\xc2\x85\xc2\x9f",
		     "<\"\\u0080\\u0085\\u009F\">");
	ASSERT_QUOTE("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\xef\xbb\xbf",
		     "<\"a\\u2028b\\u2029c\\uFEFF\">");
	/* the noncharacters U+FFFE and U+FFFF, which readers refuse raw */
	ASSERT_QUOTE("a\xef\xbf\xbe" "b\xef\xbf\xbf",
		     "<\"a\\uFFFEb\\uFFFF\">");
	/* a sequence cut by the end of the string is copied as it is */
	ASSERT_QUOTE("\xe2\x80", "<\"\xe2\x80\">");
	/* everything else raw, "/" included */
	ASSERT_QUOTE("/\xc2\xa0\xc3\xa9\xe2\x82\xac\xe2\x80\xa7\xf0\x9f\x98\x80",
		     "<\"/\xc2\xa0\xc3\xa9\xe2\x82\xac\xe2\x80\xa7"
		     "\xf0\x9f\x98\x80\">");
	ASSERT_QUOTE(" lead and trail ", "<\" lead and trail \">");
	ASSERT_QUOTE("a: b #c", "<\"a: b #c\">");
}

/* ---- gw_emit_yaml -------------------------------------------------------- */

static struct gw_node *str(struct gw_arena *a, const char *s)
{
	return gw_node_str(a, s);
}

static struct gw_node *sample(struct gw_arena *a)
{
	struct gw_node *root = gw_node_map(a), *meta, *list, *inner, *num;

	gw_map_put(a, root, "apiVersion", str(a, "apps/v1"));
	meta = gw_map_put(a, root, "metadata", gw_node_map(a));
	gw_map_put(a, meta, "name", str(a, "gw"));
	inner = gw_map_put(a, meta, "labels", gw_node_map(a));
	gw_map_put(a, inner, "app.kubernetes.io/name", str(a, "gw"));
	gw_map_put(a, inner, "sidecar.istio.io/inject", str(a, "true"));
	gw_map_put(a, inner, "on", str(a, "yes"));
	gw_map_put(a, inner, "odd key", str(a, ""));
	list = gw_map_put(a, root, "list", gw_node_seq(a));
	gw_seq_push(a, list, str(a, "0755"));
	gw_seq_push(a, list, str(a, "100m"));
	gw_seq_push(a, list, str(a, " lead"));
	gw_seq_push(a, list, str(a, "a: b"));
	gw_seq_push(a, list, str(a, "two\nlines"));
	gw_seq_push(a, list, gw_node_int(a, -3));
	gw_seq_push(a, list, gw_node_int(a, 65535));
	gw_seq_push(a, list, gw_node_bool(a, true));
	gw_seq_push(a, list, gw_node_bool(a, false));
	gw_seq_push(a, list, gw_node_new(a, GW_NULL));
	num = gw_node_new(a, GW_NUM);
	num->u.num = 1.5;
	gw_seq_push(a, list, num);
	gw_seq_push(a, list, gw_node_map(a));
	gw_seq_push(a, list, gw_node_seq(a));
	inner = gw_node_map(a);
	gw_map_put(a, inner, "name", str(a, "x"));
	gw_map_put(a, inner, "value", str(a, "{{ .Values.x }}"));
	gw_seq_push(a, list, inner);
	inner = gw_node_seq(a);
	gw_seq_push(a, inner, str(a, "nested"));
	gw_seq_push(a, list, inner);
	gw_map_put(a, root, "empty", gw_node_map(a));
	return root;
}

static void test_yaml_exact_output(void **state)
{
	struct gw_arena *a = gw_arena_new();
	struct gw_node *docs[1];
	struct gw_buf buf = { 0 };

	(void)state;
	docs[0] = sample(a);
	assert_int_equal(gw_emit_yaml(&buf, docs, 1), 0);
	assert_string_equal(buf.data,
			    "apiVersion: apps/v1\n"
			    "metadata:\n"
			    "  name: gw\n"
			    "  labels:\n"
			    "    app.kubernetes.io/name: gw\n"
			    "    sidecar.istio.io/inject: \"true\"\n"
			    "    \"on\": \"yes\"\n"
			    "    \"odd key\": \"\"\n"
			    "list:\n"
			    "- \"0755\"\n"
			    "- 100m\n"
			    "- \" lead\"\n"
			    "- \"a: b\"\n"
			    "- \"two\\nlines\"\n"
			    "- -3\n"
			    "- 65535\n"
			    "- true\n"
			    "- false\n"
			    "- null\n"
			    "- 1.5\n"
			    "- {}\n"
			    "- []\n"
			    "- name: x\n"
			    "  value: \"{{ .Values.x }}\"\n"
			    "- - nested\n"
			    "empty: {}\n");
	gw_buf_release(&buf);
	gw_arena_free(a);
}

static void test_yaml_stream_of_documents(void **state)
{
	struct gw_arena *a = gw_arena_new();
	struct gw_node *docs[3];
	struct gw_buf buf = { 0 };

	(void)state;
	docs[0] = gw_node_map(a);
	gw_map_put(a, docs[0], "kind", str(a, "Namespace"));
	docs[1] = gw_node_seq(a);
	gw_seq_push(a, docs[1], str(a, "b"));
	docs[2] = str(a, "null");
	gw_buf_puts(&buf, "# head\n");
	assert_int_equal(gw_emit_yaml(&buf, docs, 3), 0);
	/* libyaml puts a document that is a scalar on the "---" line */
	assert_string_equal(buf.data, "# head\nkind: Namespace\n---\n- b\n"
			    "--- \"null\"\n");
	gw_buf_release(&buf);
	assert_int_equal(gw_emit_yaml(&buf, docs, 0), 0);
	assert_null(buf.data);
	gw_arena_free(a);
}

/* Every string goes out and comes back through libyaml unchanged. */
static void test_yaml_round_trip_of_hard_strings(void **state)
{
	static const char *const strings[] = {
		"", " ", "yes", "No", "ON", "~", "null", "NULL", "true", "0755",
		"0x1F", "1e3", "1_000", ".inf", "2001-12-14", "12:30", "100m",
		"a: b", "a #b", "#a", "- a", "-", "---", "...", "? x", "*a",
		"&a", "!a", "%a", "@a", "`a", "|", ">", "'", "\"", "\\",
		"{{ x }}", "[a]", " lead", "trail ", "two\nlines", "tab\there",
		"cr\rhere", "\r\n", "\xc2\xa0", "\xe2\x80\xa7", "\xef\xbf\xbd",
		"\xc3\xa9\xf0\x9f\x98\x80", "a\\nb",
	};
	struct gw_arena *a = gw_arena_new();
	struct gw_node *map = gw_node_map(a), *seq = gw_node_seq(a);
	struct gw_node *docs[1] = { map }, **back;
	struct gw_diag diag;
	struct gw_buf buf = { 0 };
	size_t i, n;
	char *text;

	(void)state;
	for (i = 0; i < sizeof(strings) / sizeof(*strings); i++) {
		gw_map_put(a, map, strings[i], str(a, strings[i]));
		gw_seq_push(a, seq, str(a, strings[i]));
	}
	gw_map_put(a, map, "seq-of-all", seq);
	assert_int_equal(gw_emit_yaml(&buf, docs, 1), 0);

	gw_diag_init(&diag, a);
	assert_int_equal(gw_load_bytes(a, &diag, "emitted", buf.data, buf.len,
				       &back, &n), 0);
	text = unit_diag_text(&diag);
	assert_string_equal(text, "");
	free(text);
	assert_int_equal(n, 1);
	assert_int_equal(back[0]->u.map.n, map->u.map.n);
	for (i = 0; i < map->u.map.n; i++) {
		const struct gw_pair *p = &back[0]->u.map.pairs[i];

		assert_int_equal(p->key->kind, GW_STR);
		assert_string_equal(p->key->u.str.s,
				    map->u.map.pairs[i].key->u.str.s);
	}
	assert_true(gw_node_equal(back[0], map));
	gw_buf_release(&buf);
	gw_arena_free(a);
}

/*
 * What the loader refuses in a value (NUL, C0 but TAB/LF/CR, DEL, C1,
 * U+2028/9, U+FEFF, U+FFFE/F) is still emitted safely, as an escape on its
 * line; read back, it is refused with the exact reason.
 */
static void test_yaml_escapes_of_refused_characters(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		const char *yaml, *why;
	} cases[] = {
		{ "\x01\x1f\x7f", 3, "k: \"\\x01\\x1F\\x7F\"\n",
		  "control character U+0001 in a value (written as an escape)" },
		{ "a\0b", 3, "k: \"a\\0b\"\n",
		  "NUL character U+0000 in a value (written as an escape)" },
		{ "\xc2\x85", 2, "k: \"\\N\"\n",
		  "control character U+0085 in a value (written as an escape)" },
		{ "\xe2\x80\xa8", 3, "k: \"\\L\"\n",
		  "character U+2028 in a value (written as an escape; readers "
		  "disagree on it)" },
		{ "\xef\xbb\xbf", 3, "k: \"\\uFEFF\"\n",
		  "character U+FEFF in a value (written as an escape; readers "
		  "disagree on it)" },
		{ "\xef\xbf\xbe", 3, "k: \"\\uFFFE\"\n",
		  "noncharacter U+FFFE in a value (written as an escape)" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct gw_arena *a = gw_arena_new();
		struct gw_node *map = gw_node_map(a);
		struct gw_node *v = gw_node_new(a, GW_STR);
		struct gw_buf buf = { 0 };
		char *errors, *want;

		v->u.str.s = cases[i].s;
		v->u.str.len = cases[i].len;
		gw_map_put(a, map, "k", v);
		assert_int_equal(gw_emit_yaml(&buf, &map, 1), 0);
		assert_string_equal(buf.data, cases[i].yaml);
		errors = unit_load_errors(buf.data, buf.len);
		assert_true(asprintf(&want, "spec.yaml:1:4: error: %s\n",
				     cases[i].why) > 0);
		assert_string_equal(errors, want);
		free(errors);
		free(want);
		gw_buf_release(&buf);
		gw_arena_free(a);
	}
}

/* Numbers a tree holds as GW_NUM: the shortest form that reads back, and
 * a float for every YAML reader (1.0e-07, not 1e-07, for PyYAML). */
static void test_yaml_numbers(void **state)
{
	static const struct { double num; const char *yaml; } cases[] = {
		{ 0.1, "0.1" }, { 1.5, "1.5" }, { -0.25, "-0.25" },
		{ 1e-7, "1.0e-07" }, { 1.5e-7, "1.5e-07" },
		{ 1e17, "1.0e+17" }, { 1.5e300, "1.5e+300" },
		{ 30000, "30000" }, { 0.0001, "0.0001" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct gw_arena *a = gw_arena_new();
		struct gw_node *n = gw_node_new(a, GW_NUM);
		struct gw_buf buf = { 0 };
		char *want;

		n->u.num = cases[i].num;
		assert_int_equal(gw_emit_yaml(&buf, &n, 1), 0);
		assert_true(asprintf(&want, "%s\n", cases[i].yaml) > 0);
		assert_string_equal(buf.data, want);
		free(want);
		gw_buf_release(&buf);
		gw_arena_free(a);
	}
}

/* ---- gw_emit_json -------------------------------------------------------- */

static void test_json_exact_output(void **state)
{
	struct gw_arena *a = gw_arena_new();
	struct gw_buf buf = { 0 };

	(void)state;
	gw_emit_json(&buf, sample(a));
	/* checked with jq-1.6: `jq .` prints these bytes unchanged */
	assert_string_equal(buf.data,
			    "{\n"
			    "  \"apiVersion\": \"apps/v1\",\n"
			    "  \"metadata\": {\n"
			    "    \"name\": \"gw\",\n"
			    "    \"labels\": {\n"
			    "      \"app.kubernetes.io/name\": \"gw\",\n"
			    "      \"sidecar.istio.io/inject\": \"true\",\n"
			    "      \"on\": \"yes\",\n"
			    "      \"odd key\": \"\"\n"
			    "    }\n"
			    "  },\n"
			    "  \"list\": [\n"
			    "    \"0755\",\n"
			    "    \"100m\",\n"
			    "    \" lead\",\n"
			    "    \"a: b\",\n"
			    "    \"two\\nlines\",\n"
			    "    -3,\n"
			    "    65535,\n"
			    "    true,\n"
			    "    false,\n"
			    "    null,\n"
			    "    1.5,\n"
			    "    {},\n"
			    "    [],\n"
			    "    {\n"
			    "      \"name\": \"x\",\n"
			    "      \"value\": \"{{ .Values.x }}\"\n"
			    "    },\n"
			    "    [\n"
			    "      \"nested\"\n"
			    "    ]\n"
			    "  ],\n"
			    "  \"empty\": {}\n"
			    "}\n");
	gw_buf_release(&buf);
	gw_arena_free(a);
}

static void test_json_string_escapes_and_scalars(void **state)
{
	struct gw_arena *a = gw_arena_new();
	struct gw_buf buf = { 0 };
	struct gw_node *n = gw_node_new(a, GW_STR);
	static const char hard[] = "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f\0"
		"\xc2\x85\xe2\x80\xa8\xc3\xa9";

	(void)state;
	n->u.str.s = hard;
	n->u.str.len = sizeof(hard) - 1;
	gw_emit_json(&buf, n);
	/* jq-1.6 escapes C0 and DEL as \u00XX (lowercase hex), keeps "/",
	 * C1 and U+2028 raw */
	assert_string_equal(buf.data,
			    "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f"
			    "\\u0000\xc2\x85\xe2\x80\xa8\xc3\xa9\"\n");
	gw_buf_release(&buf);

	gw_emit_json(&buf, gw_node_int(a, -9223372036854775807LL - 1));
	gw_emit_json(&buf, gw_node_bool(a, false));
	gw_emit_json(&buf, gw_node_new(a, GW_NULL));
	gw_emit_json(&buf, gw_node_map(a));
	gw_emit_json(&buf, gw_node_seq(a));
	assert_string_equal(buf.data, "-9223372036854775808\nfalse\nnull\n{}\n"
			    "[]\n");
	gw_buf_release(&buf);

	n = gw_node_new(a, GW_NUM);
	n->u.num = 1e20;
	gw_emit_json(&buf, n);
	n->u.num = 0.5;
	gw_emit_json(&buf, n);
	assert_string_equal(buf.data, "1e+20\n0.5\n");
	gw_buf_release(&buf);
	gw_arena_free(a);
}

/* Writes @num with gw_emit_json() and gw_format_number(); both must give
 * @want (the JSON with a line end). */
static void assert_json_number(double num, const char *want)
{
	struct gw_arena *a = gw_arena_new();
	struct gw_node *n = gw_node_new(a, GW_NUM);
	struct gw_buf buf = { 0 };
	char json[64], fmt[32];

	n->u.num = num;
	gw_emit_json(&buf, n);
	snprintf(json, sizeof(json), "%s", buf.data);
	gw_buf_release(&buf);
	gw_arena_free(a);
	/* gw_format_number() is what every stage prints numbers with */
	gw_format_number(fmt, num);
	if (strcmp(fmt, want))
		fail_msg("%.17g: gw_format_number() gives %s, jq prints %s",
			 num, fmt, want);
	assert_int_equal(strlen(json), strlen(want) + 1);
	assert_memory_equal(json, want, strlen(want));
	assert_int_equal(json[strlen(want)], '\n');
}

/* Numbers exactly as `echo NUM | jq .` (jq-1.6) prints them: the shortest
 * digits that read back, in the layout of jq's jvp_dtoa_fmt. */
static void test_json_numbers_shortest(void **state)
{
	(void)state;
	assert_json_number(0.1, "0.1");
	assert_json_number(0.3, "0.3");
	assert_json_number(1e-7, "1e-07");
	assert_json_number(-1e-7, "-1e-07");
	assert_json_number(0.00001234, "1.234e-05");
	assert_json_number(0.0001, "0.0001");
	assert_json_number(0.0025, "0.0025");
	assert_json_number(3.0, "3");
	assert_json_number(-0.0, "-0");
	assert_json_number(30000, "30000");
	assert_json_number(100000, "100000");
	assert_json_number(1234567.5, "1234567.5");
	assert_json_number(1e16, "1e+16");
	assert_json_number(1e17, "1e+17");
	assert_json_number(1.2e17, "1.2e+17");
	assert_json_number(1e20, "1e+20");
	assert_json_number(12345678901234567890.0, "12345678901234567000");
	assert_json_number(5e-324, "5e-324");
	assert_json_number(1.7976931348623157e308, "1.7976931348623157e+308");
}

/*
 * jq prints an integral value with up to 15 more digits than it has
 * significant ones in full: 1000000, not 1e+06 (jvp_dtoa_fmt's
 * `decpt <= -4 || decpt > se - buf + 15`; David Gay's g_fmt, which
 * gw_format_number() follows, has + 5).
 */
static void test_json_numbers_in_jq_layout(void **state)
{
	(void)state;
	assert_json_number(1000000, "1000000");
	assert_json_number(2e6, "2000000");
	assert_json_number(1e10, "10000000000");
	assert_json_number(1.5e10, "15000000000");
	assert_json_number(1e15, "1000000000000000");
	assert_json_number(1.2e16, "12000000000000000");
	assert_json_number(123e15, "123000000000000000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_special_words_in_every_case),
		cmocka_unit_test(test_numbers_in_every_base),
		cmocka_unit_test(test_dates_and_times),
		cmocka_unit_test(test_quantities_may_stay_plain),
		cmocka_unit_test(test_indicators_and_spaces),
		cmocka_unit_test(test_ordinary_strings_stay_plain),
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_quote_escapes),
		cmocka_unit_test(test_yaml_exact_output),
		cmocka_unit_test(test_yaml_stream_of_documents),
		cmocka_unit_test(test_yaml_round_trip_of_hard_strings),
		cmocka_unit_test(test_yaml_escapes_of_refused_characters),
		cmocka_unit_test(test_yaml_numbers),
		cmocka_unit_test(test_json_exact_output),
		cmocka_unit_test(test_json_string_escapes_and_scalars),
		cmocka_unit_test(test_json_numbers_shortest),
		cmocka_unit_test(test_json_numbers_in_jq_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
