/*
 * test_emit_diff.c - gw_emit_yaml() against libyaml 0.2.5's event emitter:
 * thousands of generated trees (fixed seed) must come out byte for byte as
 * libyaml writes the same events, plus pinned layouts and the strings that
 * are not UTF-8.  Also gw_emit_plain_safe() against its definition
 * written plainly, and gw_emit_json()'s string escapes against the
 * per-byte escaper.  Strings marked literal are fed to libyaml as
 * YAML_LITERAL_SCALAR_STYLE events (but where gwc keeps from a literal
 * block, see ref_string()), random ones and pinned layouts.
 */
#include <ctype.h>
#include <math.h>
#include <strings.h>
#include <yaml.h>

#include "unit.h"

/* ---- the reference: libyaml fed the events gwc always fed it ------------ */

static int ref_write(void *data, unsigned char *buffer, size_t size)
{
	gw_buf_add(data, buffer, size);
	return 1;
}

/* Emits @ev; 0 or -1 (libyaml refused the event or the emitter failed). */
static int ref_emit(yaml_emitter_t *em, yaml_event_t *ev)
{
	return yaml_emitter_emit(em, ev) ? 0 : -1;
}

static int ref_scalar_styled(yaml_emitter_t *em, const char *s, size_t len,
			     yaml_scalar_style_t style)
{
	yaml_event_t ev;

	/* fails for what libyaml does not take as UTF-8 */
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
					  (yaml_char_t *)s, (int)len, 1, 1,
					  style))
		return -1;
	return ref_emit(em, &ev);
}

static int ref_scalar(yaml_emitter_t *em, const char *s, size_t len,
		      bool plain)
{
	return ref_scalar_styled(em, s, len, plain ? YAML_PLAIN_SCALAR_STYLE :
				 YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

/* True if @s holds U+2028 or U+2029, which a literal block of libyaml's
 * breaks lines at and YAML 1.2 does not (gen/emit.c). */
static bool has_line_separator(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 2 < len; i++)
		if (s[i] == '\xe2' && s[i + 1] == '\x80' &&
		    (s[i + 2] == '\xa8' || s[i + 2] == '\xa9'))
			return true;
	return false;
}

/* A string value: literal style asked for when it is marked so (libyaml
 * itself falls back to double quotes where no block is allowed), except
 * with a line separator, which gwc writes as if it were not marked. */
static int ref_string(yaml_emitter_t *em, const struct gw_node *n)
{
	const char *s = n->u.str.s;
	size_t len = n->u.str.len;

	if (n->literal && !has_line_separator(s, len))
		return ref_scalar_styled(em, s, len,
					 YAML_LITERAL_SCALAR_STYLE);
	return ref_scalar(em, s, len, gw_emit_plain_safe(s, len));
}

static int ref_node(yaml_emitter_t *em, const struct gw_node *n)
{
	yaml_event_t ev;
	char num[40];
	size_t i;

	switch (n->kind) {
	case GW_NULL:
		return ref_scalar(em, "null", 4, true);
	case GW_BOOL:
		return n->u.b ? ref_scalar(em, "true", 4, true) :
				ref_scalar(em, "false", 5, true);
	case GW_INT:
		snprintf(num, sizeof(num), "%lld", n->u.i);
		return ref_scalar(em, num, strlen(num), true);
	case GW_NUM: {
		char *e;

		gw_format_number(num, n->u.num);
		e = strchr(num, 'e');
		if (e && !strchr(num, '.')) {
			memmove(e + 2, e, strlen(e) + 1);
			memcpy(e, ".0", 2);
		}
		return ref_scalar(em, num, strlen(num), true);
	}
	case GW_STR:
		return ref_string(em, n);
	case GW_SEQ:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
						     YAML_BLOCK_SEQUENCE_STYLE);
		if (ref_emit(em, &ev))
			return -1;
		for (i = 0; i < n->u.seq.n; i++)
			if (ref_node(em, n->u.seq.items[i]))
				return -1;
		yaml_sequence_end_event_initialize(&ev);
		return ref_emit(em, &ev);
	case GW_MAP:
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
						    YAML_BLOCK_MAPPING_STYLE);
		if (ref_emit(em, &ev))
			return -1;
		for (i = 0; i < n->u.map.n; i++) {
			const struct gw_pair *p = &n->u.map.pairs[i];

			/* a key is never a block, marked or not */
			if (p->key->u.str.len > 1000 ||
			    ref_scalar(em, p->key->u.str.s, p->key->u.str.len,
				       gw_emit_plain_safe(p->key->u.str.s,
							  p->key->u.str.len)) ||
			    ref_node(em, p->value))
				return -1;
		}
		yaml_mapping_end_event_initialize(&ev);
		return ref_emit(em, &ev);
	}
	return -1;
}

/* libyaml's bytes for @docs appended to @buf: 0, or -1 when it refused. */
static int ref_yaml(struct gw_buf *buf, struct gw_node *const *docs, size_t n)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	size_t i;
	int err = -1;

	if (!n)
		return 0;
	assert_true(yaml_emitter_initialize(&em));
	yaml_emitter_set_output(&em, ref_write, buf);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_indent(&em, 2);
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_break(&em, YAML_LN_BREAK);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (ref_emit(&em, &ev))
		goto out;
	for (i = 0; i < n; i++) {
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
		if (ref_emit(&em, &ev))
			goto out;
		/* a whole document is never a block, marked or not */
		if (docs[i]->kind == GW_STR ?
		    ref_scalar(&em, docs[i]->u.str.s, docs[i]->u.str.len,
			       gw_emit_plain_safe(docs[i]->u.str.s,
						  docs[i]->u.str.len)) :
		    ref_node(&em, docs[i]))
			goto out;
		yaml_document_end_event_initialize(&ev, 1);
		if (ref_emit(&em, &ev))
			goto out;
	}
	yaml_stream_end_event_initialize(&ev);
	if (ref_emit(&em, &ev) || !yaml_emitter_flush(&em))
		goto out;
	err = 0;
out:
	yaml_emitter_delete(&em);
	return err;
}

/* ---- the generator --------------------------------------------------------- */

static uint64_t rng_state;

/* splitmix64: the same sequence on every machine and run */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t pick(size_t n)
{
	return (size_t)(rng() % n);
}

#define S(lit) { lit, sizeof(lit) - 1 }

/* Strings that stress quoting, escaping and layout. */
static const struct { const char *s; size_t len; } nasty[] = {
	S(""), S(" "), S("  "), S("a"), S("Z"), S("-"), S("--"), S("---"),
	S("----"), S("..."), S("...."), S("."), S("~"), S("="), S("<<"),
	S("y"), S("Y"), S("n"), S("N"), S("yes"), S("Yes"), S("YES"),
	S("no"), S("No"), S("on"), S("On"), S("ON"), S("off"), S("Off"),
	S("true"), S("True"), S("TRUE"), S("false"), S("False"), S("null"),
	S("Null"), S("NULL"), S("nan"), S("NaN"), S(".nan"), S(".NaN"),
	S("inf"), S("Inf"), S("infinity"), S(".inf"), S("-.inf"), S("+.inf"),
	S("0"), S("00"), S("07"), S("0755"), S("0o755"), S("0x1F"),
	S("0b101"), S("1_000"), S("1e3"), S("1E3"), S("1e+3"), S("1.5"),
	S(".5"), S("1."), S("-1"), S("+1"), S("-0"), S("1:20"),
	S("190:20:30"), S("2001-12-14"), S("2001-12-14t21:59:43.10-05:00"),
	S("12:30"), S("100m"), S("128Mi"), S("1Gi"), S("1.0e-07"),
	S("10.0.0.1"), S("1.0.0"), S("a b"), S(" a"), S("a "), S(" a "),
	S("a  b"), S("- a"), S("-a"), S("- "), S("a: b"), S("a:b"), S("a:"),
	S(": a"), S(":"), S("? a"), S("?"), S("?a"), S("a #b"), S("a#b"),
	S("#a"), S("#"), S(" #"), S("a,b"), S("[a]"), S("{a}"), S("a]"),
	S("a}"), S("[]"), S("{}"), S("*a"), S("&a"), S("!a"), S("!!str"),
	S("%a"), S("@a"), S("`a"), S("|"), S(">"), S("|-"), S(">+"),
	S("'"), S("''"), S("'a'"), S("\""), S("\"\""), S("\"a\""),
	S("a'b"), S("a\"b"), S("\\"), S("\\\\"), S("a\\b"), S("a\\nb"),
	S("\\x41"), S("{{ x }}"), S("{{ .Values.x }}"), S("/"), S("//"),
	S("/healthz/ready"), S("app.kubernetes.io/name"), S("gw-0001"),
	S("_a"), S("a_b"), S("x86_64"), S("a--b"), S("a..b"),
	S("\n"), S("\n\n"), S("a\nb"), S("a\n"), S("\na"), S("a \nb"),
	S("a\n b"), S("\r"), S("\r\n"), S("a\rb"), S("\t"), S("a\tb"),
	S("\ta"), S("a\t"), S("\0"), S("a\0b"), S("\0\0"),
	S("\x01"), S("\x02"), S("\x03"), S("\x04"), S("\x05"), S("\x06"),
	S("\x07"), S("\x08"), S("\x0b"), S("\x0c"), S("\x0e"), S("\x0f"),
	S("\x10"), S("\x11"), S("\x12"), S("\x13"), S("\x14"), S("\x15"),
	S("\x16"), S("\x17"), S("\x18"), S("\x19"), S("\x1a"), S("\x1b"),
	S("\x1c"), S("\x1d"), S("\x1e"), S("\x1f"), S("\x7f"), S("a\x7f"),
	S("\xc2\x80"), S("\xc2\x84"), S("\xc2\x85"), S("a\xc2\x85" "b"),
	S("\xc2\x86"), S("\xc2\x9f"), S("\xc2\xa0"), S("a\xc2\xa0"),
	S("\xc2\xa0" "a"), S("\xc2\xa1"), S("\xc2\xbf"), S("\xc3\x80"),
	S("\xc3\xa9t\xc3\xa9"), S("\xdf\xbf"), S("\xe0\xa0\x80"),
	S("\xe2\x80\xa7"), S("\xe2\x80\xa8"), S("a\xe2\x80\xa8" "b"),
	S("\xe2\x80\xa9"), S("\xe2\x80\xaa"), S("\xe2\x82\xac"),
	S("\xed\x9f\xbf"), S("\xee\x80\x80"), S("\xef\xbb\xbf"),
	S("\xef\xbb\xbf" "a"), S("a\xef\xbb\xbf"), S("\xef\xbf\xbd"),
	S("\xef\xbf\xbe"), S("\xef\xbf\xbf"), S("\xef\xbf\xbc"),
	S("\xf0\x90\x80\x80"), S("\xf0\x9f\x98\x80"), S("a\xf0\x9f\x98\x80"),
	S("\xf3\xa0\x80\x81"), S("\xf4\x8f\xbf\xbf"),
	S("\xe4\xb8\xad\xe6\x96\x87"), S("\xd0\xbf\xd1\x80\xd0\xb8"),
};

/* Code points drawn for random text: ASCII mostly, then every class
 * libyaml treats apart. */
static uint32_t random_cp(void)
{
	static const uint32_t ranges[][2] = {
		{ 0x20, 0x7e }, { 0x20, 0x7e }, { 0x20, 0x7e }, { 0x61, 0x7a },
		{ 0x00, 0x1f }, { 0x7f, 0x7f }, { 0x80, 0x9f }, { 0xa0, 0xff },
		{ 0x100, 0x7ff }, { 0x800, 0xd7ff }, { 0xe000, 0xfffd },
		{ 0xfeff, 0xfeff }, { 0xfffe, 0xffff }, { 0x2028, 0x2029 },
		{ 0x10000, 0x10ffff }, { 0x0a, 0x0d }, { 0x20, 0x20 },
		{ 0x22, 0x22 }, { 0x5c, 0x5c },
	};
	size_t r = pick(sizeof(ranges) / sizeof(*ranges));

	return ranges[r][0] + (uint32_t)pick(ranges[r][1] - ranges[r][0] + 1);
}

static void add_random_text(struct gw_buf *b, size_t chars)
{
	while (chars--)
		gw_utf8_put(b, random_cp());
}

static void add_identifier(struct gw_buf *b, size_t len)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-";

	while (len--) {
		char c = alphabet[pick(sizeof(alphabet) - 1)];

		gw_buf_add(b, &c, 1);
	}
}

static void add_nasty(struct gw_buf *b)
{
	size_t i = pick(sizeof(nasty) / sizeof(*nasty));

	gw_buf_add(b, nasty[i].s, nasty[i].len);
}

static struct gw_node *str_node(struct gw_arena *a, struct gw_buf *b)
{
	struct gw_node *n = gw_node_new(a, GW_STR);

	n->u.str.s = gw_arena_strndup(a, b->data ? b->data : "", b->len);
	n->u.str.len = b->len;
	b->len = 0;
	return n;
}

/* Percent of random strings marked literal, and made of lines; 0 keeps
 * the generator's sequence as it was before literal blocks. */
static size_t literal_share;

/* Lines as a script has them, and the cases around them: empty lines,
 * leading and trailing spaces, a space before a break, any text, and 0
 * to 3 final line breaks. */
static void add_lines(struct gw_buf *b)
{
	size_t lines = 1 + pick(6), i;

	for (i = 0; i < lines; i++) {
		size_t r = pick(10);

		if (i)
			gw_buf_add(b, "\n", 1);
		if (r < 2)
			continue;	/* an empty line */
		if (r < 4)
			gw_buf_add(b, "    ", 1 + pick(4));
		if (r < 7)
			add_identifier(b, 1 + pick(30));
		else if (r < 9)
			add_random_text(b, 1 + pick(12));
		else
			add_nasty(b);
		if (!pick(12))
			gw_buf_add(b, " ", 1);
	}
	gw_buf_add(b, "\n\n\n", pick(4));
}

static struct gw_node *random_string(struct gw_arena *a, struct gw_buf *b)
{
	size_t r = pick(100);
	struct gw_node *n;

	if (literal_share && pick(100) < literal_share) {
		if (pick(3))
			add_lines(b);
		else
			add_nasty(b);
		n = str_node(a, b);
		n->literal = true;
		return n;
	}
	if (r < 35) {
		add_nasty(b);
	} else if (r < 55) {
		add_identifier(b, 1 + pick(20));
	} else if (r < 75) {
		add_random_text(b, pick(40));
	} else if (r < 88) {
		add_nasty(b);
		add_nasty(b);
		if (pick(2))
			add_nasty(b);
	} else if (r < 96) {
		add_identifier(b, pick(3));
		add_random_text(b, 1 + pick(4));
		add_nasty(b);
	} else {
		/* long: over 1000 bytes */
		while (b->len <= 1000) {
			add_random_text(b, 10);
			add_nasty(b);
		}
	}
	return str_node(a, b);
}

static size_t long_keys;	/* keys generated over 128 bytes */

/* Keys of 0 to 200 bytes, some over 128 (explicit "? key"), rarely over
 * 1000 (refused by both). */
static struct gw_node *random_key(struct gw_arena *a, struct gw_buf *b)
{
	size_t r = pick(100), len;

	if (r < 30) {
		add_nasty(b);
	} else if (r < 60) {
		add_identifier(b, 1 + pick(24));
	} else if (r < 75) {
		add_random_text(b, pick(12));
	} else if (r < 99) {
		len = pick(201);
		long_keys += len > 128;
		if (pick(2)) {
			add_identifier(b, len);
		} else {
			while (b->len < len) {
				if (pick(3))
					add_identifier(b, 1 + pick(9));
				else
					add_nasty(b);
			}
		}
	} else {
		add_identifier(b, 1001 + pick(50));
	}
	return str_node(a, b);
}

static struct gw_node *random_scalar(struct gw_arena *a, struct gw_buf *b)
{
	size_t r = pick(100);
	struct gw_node *n;

	if (r < 64)
		return random_string(a, b);
	if (r < 74)
		return gw_node_int(a, (long long)(rng() >> pick(64)) *
				   (pick(2) ? 1 : -1));
	if (r < 84) {
		n = gw_node_new(a, GW_NUM);
		n->u.num = (double)(long long)(rng() >> pick(64)) *
			   pow(10, (double)pick(60) - 40) * (pick(2) ? 1 : -1);
		return n;
	}
	if (r < 92)
		return gw_node_bool(a, pick(2));
	return gw_node_new(a, GW_NULL);
}

/* A tree of depth at most @depth (the root counts as one level). */
static struct gw_node *random_tree(struct gw_arena *a, struct gw_buf *b,
				   int depth)
{
	size_t r = pick(100), i, n;
	struct gw_node *node;

	if (depth <= 1 || r < 40)
		return random_scalar(a, b);
	n = pick(4) ? 1 + pick(5) : 0;
	if (r < 75) {
		node = gw_node_map(a);
		for (i = 0; i < n; i++) {
			struct gw_node *key = random_key(a, b);

			gw_map_put(a, node, "", random_tree(a, b, depth - 1));
			node->u.map.pairs[i].key = key;
		}
	} else {
		node = gw_node_seq(a);
		for (i = 0; i < n; i++)
			gw_seq_push(a, node, random_tree(a, b, depth - 1));
	}
	return node;
}

/* ---- the comparison -------------------------------------------------------- */

static void print_bytes(const char *label, const struct gw_buf *out)
{
	fprintf(stderr, "--- %s (%zu bytes):\n%.*s\n--- end\n", label,
		out->len, (int)out->len, out->data ? out->data : "");
}

/*
 * Emits @docs with gw_emit_yaml() and with libyaml after @prefix; true if
 * both refuse, or both write the same bytes.  A mismatch prints the trees
 * (as JSON) and both outputs.
 */
static bool same_as_libyaml(struct gw_node *const *docs, size_t n,
			    const char *prefix)
{
	struct gw_buf ours = { 0 }, ref = { 0 };
	int ours_err, ref_err;
	bool same;
	size_t i;

	gw_buf_puts(&ours, prefix);
	gw_buf_puts(&ref, prefix);
	ours_err = gw_emit_yaml(&ours, docs, n);
	ref_err = ref_yaml(&ref, docs, n);
	if (ours_err || ref_err)
		same = ours_err == ref_err && ours.len == strlen(prefix) &&
		       !memcmp(ours.data, prefix, ours.len);
	else
		same = ours.len == ref.len &&
		       !memcmp(ours.data, ref.data, ours.len);
	if (!same) {
		struct gw_buf tree = { 0 };
		size_t at = 0;

		while (at < ours.len && at < ref.len &&
		       ours.data[at] == ref.data[at])
			at++;
		for (i = 0; i < n; i++)
			gw_emit_json(&tree, docs[i]);
		fprintf(stderr, "mismatch: %zu documents after \"%s\", "
			"gw_emit_yaml %d, libyaml %d, first difference at "
			"byte %zu\n", n, prefix, ours_err, ref_err, at);
		print_bytes("trees as JSON", &tree);
		print_bytes("libyaml", &ref);
		print_bytes("gw_emit_yaml", &ours);
		gw_buf_release(&tree);
	}
	gw_buf_release(&ours);
	gw_buf_release(&ref);
	return same;
}

#define STREAMS 4000

static void test_yaml_same_as_libyaml_for_random_trees(void **state)
{
	size_t s, mismatches = 0, refused = 0, docs_total = 0;
	struct gw_buf scratch = { 0 };

	(void)state;
	rng_state = 20261128;
	long_keys = 0;
	for (s = 0; s < STREAMS; s++) {
		struct gw_arena *a = gw_arena_new();
		struct gw_node *docs[4];
		size_t n = 1 + (pick(3) ? 0 : pick(4)), i;
		struct gw_buf probe = { 0 };

		for (i = 0; i < n; i++)
			docs[i] = random_tree(a, &scratch, 1 + (int)pick(6));
		docs_total += n;
		if (gw_emit_yaml(&probe, docs, n))
			refused++;
		gw_buf_release(&probe);
		if (!same_as_libyaml(docs, n, s % 7 ? "" : "# head\n") &&
		    ++mismatches >= 5) {
			gw_arena_free(a);
			break;
		}
		gw_arena_free(a);
	}
	gw_buf_release(&scratch);
	if (mismatches)
		fail_msg("%zu of %zu streams differ from libyaml", mismatches,
			 s);
	/* the generator reaches every side: several documents, explicit
	 * keys, written and refused streams */
	assert_int_equal(docs_total > STREAMS, true);
	assert_int_equal(long_keys > 100, true);
	assert_int_equal(refused > 10 && refused < STREAMS / 10, true);
}

/* Bytes of @out, the stream of a test, that start a literal block with
 * these hints. */
static size_t count_blocks(const struct gw_buf *out, const char *hints)
{
	const char *p = out->data;
	size_t n = 0, len = strlen(hints);

	while (p && (p = strchr(p, '|'))) {
		p++;
		n += !strncmp(p, hints, len) && p[len] == '\n';
	}
	return n;
}

/*
 * The same with a third of the string values marked literal, most of them
 * lines of text: as values and items at every depth (and whole documents,
 * written as if not marked), with every hint ("|", "|-", "|+", "|2",
 * "|2-", "|2+") and with the strings libyaml writes double-quoted instead.
 */
static void test_yaml_literal_blocks_same_as_libyaml(void **state)
{
	static const char *const hints[] = { "", "-", "+", "2", "2-", "2+" };
	size_t s, h, mismatches = 0, seen[6] = { 0 }, ended = 0;
	struct gw_buf scratch = { 0 };

	(void)state;
	rng_state = 20260715;
	literal_share = 35;
	for (s = 0; s < STREAMS; s++) {
		struct gw_arena *a = gw_arena_new();
		struct gw_node *docs[4];
		size_t n = 1 + (pick(3) ? 0 : pick(4)), i;
		struct gw_buf probe = { 0 };

		for (i = 0; i < n; i++)
			docs[i] = random_tree(a, &scratch, 1 + (int)pick(6));
		if (!gw_emit_yaml(&probe, docs, n)) {
			for (h = 0; h < 6; h++)
				seen[h] += count_blocks(&probe, hints[h]);
			ended += probe.len >= 4 &&
				 !memcmp(probe.data + probe.len - 4, "...\n", 4);
		}
		gw_buf_release(&probe);
		if (!same_as_libyaml(docs, n, s % 7 ? "" : "# head\n") &&
		    ++mismatches >= 5) {
			gw_arena_free(a);
			break;
		}
		gw_arena_free(a);
	}
	literal_share = 0;
	gw_buf_release(&scratch);
	if (mismatches)
		fail_msg("%zu of %zu streams differ from libyaml", mismatches,
			 s);
	for (h = 0; h < 6; h++)
		if (seen[h] < 20)
			fail_msg("only %zu blocks \"|%s\"", seen[h], hints[h]);
	assert_int_equal(ended > 20, true);
}

/* Every string of the pool as a value, a key, an item and a document;
 * then marked literal. */
static void test_yaml_same_as_libyaml_for_every_nasty_string(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 2 * sizeof(nasty) / sizeof(*nasty); i++) {
		size_t k = i % (sizeof(nasty) / sizeof(*nasty));
		struct gw_arena *a = gw_arena_new();
		struct gw_node *s = gw_node_new(a, GW_STR);
		struct gw_node *docs[4];

		s->u.str.s = nasty[k].s;
		s->u.str.len = nasty[k].len;
		s->literal = k != i;
		docs[0] = gw_node_map(a);
		gw_map_put(a, docs[0], "k", s);
		gw_map_put(a, docs[0], "", s);
		docs[0]->u.map.pairs[1].key = s;
		docs[1] = gw_node_seq(a);
		gw_seq_push(a, docs[1], s);
		gw_seq_push(a, docs[1], docs[0]);
		docs[2] = s;
		docs[3] = s;
		if (!same_as_libyaml(docs, 4, "") ||
		    !same_as_libyaml(docs + 2, 1, ""))
			fail_msg("nasty string %zu%s differs", k,
				 s->literal ? " (literal)" : "");
		gw_arena_free(a);
	}
}

/* ---- pinned layouts (each also checked against libyaml) ------------------- */

static struct gw_node *str(struct gw_arena *a, const char *s)
{
	return gw_node_str(a, s);
}

static void assert_yaml(struct gw_node *const *docs, size_t n,
			const char *want)
{
	struct gw_buf buf = { 0 };

	assert_true(same_as_libyaml(docs, n, ""));
	assert_int_equal(gw_emit_yaml(&buf, docs, n), 0);
	assert_string_equal(buf.data, want);
	gw_buf_release(&buf);
}

static void test_yaml_pinned_layouts(void **state)
{
	struct gw_arena *a = gw_arena_new();
	struct gw_node *m, *inner, *seq, *docs[4];
	char long_key[130];

	(void)state;
	/* nested sequences and mappings in both orders */
	m = gw_node_map(a);
	seq = gw_map_put(a, m, "s", gw_node_seq(a));
	inner = gw_node_seq(a);
	gw_seq_push(a, inner, str(a, "a"));
	gw_seq_push(a, inner, gw_node_seq(a));
	gw_seq_push(a, seq, inner);
	inner = gw_node_map(a);
	gw_map_put(a, inner, "k", gw_node_seq(a));
	gw_seq_push(a, inner->u.map.pairs[0].value, gw_node_int(a, 1));
	gw_map_put(a, inner, "e", gw_node_map(a));
	gw_seq_push(a, seq, inner);
	assert_yaml(&m, 1,
		    "s:\n"
		    "- - a\n"
		    "  - []\n"
		    "- k:\n"
		    "  - 1\n"
		    "  e: {}\n");

	/* a key over 128 bytes or with a line break: "? key" / ": value";
	 * a collection value then starts on the ":" line */
	memset(long_key, 'k', 129);
	long_key[129] = '\0';
	m = gw_node_map(a);
	gw_map_put(a, m, long_key, str(a, "v"));
	inner = gw_map_put(a, m, "two\nlines", gw_node_map(a));
	gw_map_put(a, inner, "a", gw_node_int(a, 1));
	gw_map_put(a, inner, "b", gw_node_int(a, 2));
	seq = gw_map_put(a, m, "\xe2\x80\xa8", gw_node_seq(a));
	gw_seq_push(a, seq, str(a, "x"));
	gw_seq_push(a, seq, str(a, "z"));
	gw_map_put(a, m, "\r", gw_node_seq(a));
	docs[0] = gw_node_seq(a);
	gw_seq_push(a, docs[0], m);
	assert_yaml(docs, 1,
		    "- ? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
		    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
		    "kkkkkkkkkkkkkkkkkkk\n"
		    "  : v\n"
		    "  ? \"two\\nlines\"\n"
		    "  : a: 1\n"
		    "    b: 2\n"
		    "  ? \"\\L\"\n"
		    "  : - x\n"
		    "    - z\n"
		    "  ? \"\\r\"\n"
		    "  : []\n");

	/* a key of exactly 128 bytes is still simple */
	long_key[128] = '\0';
	m = gw_node_map(a);
	gw_map_put(a, m, long_key, gw_node_bool(a, true));
	assert_yaml(&m, 1, "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
		    "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
		    "kkkkkkkkkkkkkkkkkkkk: true\n");

	/* documents: "---" alone before a collection, shared by a scalar or
	 * an empty collection */
	docs[0] = gw_node_map(a);
	docs[1] = gw_node_seq(a);
	docs[2] = str(a, "plain");
	docs[3] = gw_node_map(a);
	gw_map_put(a, docs[3], "k", gw_node_new(a, GW_NULL));
	assert_yaml(docs, 4, "{}\n--- []\n--- plain\n---\nk: null\n");
	assert_yaml(docs + 1, 1, "[]\n");
	docs[0] = gw_node_seq(a);
	gw_seq_push(a, docs[0], gw_node_seq(a));
	gw_seq_push(a, docs[0]->u.seq.items[0], gw_node_map(a));
	assert_yaml(docs, 2, "- - {}\n--- []\n");
	gw_arena_free(a);
}

static struct gw_node *literal(struct gw_arena *a, const char *s)
{
	struct gw_node *n = gw_node_str(a, s);

	n->literal = true;
	return n;
}

/* Literal blocks where they stand, with their hints, and the strings that
 * are written as if not marked. */
static void test_yaml_pinned_literal_blocks(void **state)
{
	struct gw_arena *a = gw_arena_new();
	struct gw_node *m, *inner, *seq, *docs[3];

	(void)state;
	/* a map value (lines at the map's indentation plus 2, an empty line
	 * empty), a nested one, an item, and the value after a block */
	m = gw_node_map(a);
	gw_map_put(a, m, "script", literal(a, "local hs = {}\n\n"
		   "if x then\n  return hs\nend\n"));
	inner = gw_map_put(a, m, "data", gw_node_map(a));
	gw_map_put(a, inner, "a.b_C", literal(a, "one\ntwo\n"));
	gw_map_put(a, inner, "after", str(a, "plain"));
	seq = gw_map_put(a, m, "items", gw_node_seq(a));
	gw_seq_push(a, seq, literal(a, "x\n"));
	gw_seq_push(a, seq, str(a, "z"));
	assert_yaml(&m, 1,
		    "script: |\n"
		    "  local hs = {}\n"
		    "\n"
		    "  if x then\n"
		    "    return hs\n"
		    "  end\n"
		    "data:\n"
		    "  a.b_C: |\n"
		    "    one\n"
		    "    two\n"
		    "  after: plain\n"
		    "items:\n"
		    "- |\n"
		    "  x\n"
		    "- z\n");

	/* hints: no final break "-", more than one "+", a leading space or
	 * break "2"; a text without a break is a block too */
	m = gw_node_map(a);
	gw_map_put(a, m, "strip", literal(a, "a\nb"));
	gw_map_put(a, m, "keep", literal(a, "a\n\n"));
	gw_map_put(a, m, "lead", literal(a, "  a\nb\n"));
	gw_map_put(a, m, "break", literal(a, "\na\n"));
	gw_map_put(a, m, "one", literal(a, "word"));
	assert_yaml(&m, 1,
		    "strip: |-\n"
		    "  a\n"
		    "  b\n"
		    "keep: |+\n"
		    "  a\n"
		    "\n"
		    "lead: |2\n"
		    "    a\n"
		    "  b\n"
		    "break: |2\n"
		    "\n"
		    "  a\n"
		    "one: |-\n"
		    "  word\n");

	/* a "|+" block last in the stream ends it with "...", but not when
	 * a later document has none; a whole document is written as if not
	 * marked */
	docs[0] = gw_node_seq(a);
	gw_seq_push(a, docs[0], literal(a, "first\n"));
	docs[1] = gw_node_seq(a);
	gw_seq_push(a, docs[1], literal(a, "kept\n\n"));
	docs[2] = literal(a, "word");
	assert_yaml(docs, 2, "- |\n  first\n---\n- |+\n  kept\n\n...\n");
	assert_yaml(docs + 1, 2, "- |+\n  kept\n\n--- word\n");
	docs[2] = literal(a, "|2 is one column at the top\n");
	assert_yaml(docs + 2, 1, "\"|2 is one column at the top\\n\"\n");

	/* written as if not marked: empty, a tab, a CR, a trailing space, a
	 * space before a break, NEL, U+FEFF, beyond the BMP, U+2028 */
	m = gw_node_map(a);
	gw_map_put(a, m, "a", literal(a, ""));
	gw_map_put(a, m, "b", literal(a, "\tx\n"));
	gw_map_put(a, m, "c", literal(a, "x\r\n"));
	gw_map_put(a, m, "d", literal(a, "x\ny "));
	gw_map_put(a, m, "e", literal(a, "x \ny\n"));
	gw_map_put(a, m, "f", literal(a, "x\xc2\x85y\n"));
	gw_map_put(a, m, "g", literal(a, "\xef\xbb\xbfx\n"));
	gw_map_put(a, m, "h", literal(a, "\xf0\x9f\x98\x80\n"));
	gw_map_put(a, m, "i", literal(a, "x\xe2\x80\xa8y\n"));
	gw_map_put(a, m, "j", literal(a, "plain"));
	m->u.map.pairs[9].value->literal = false;
	assert_yaml(&m, 1,
		    "a: \"\"\n"
		    "b: \"\\tx\\n\"\n"
		    "c: \"x\\r\\n\"\n"
		    "d: \"x\\ny \"\n"
		    "e: \"x \\ny\\n\"\n"
		    "f: \"x\\Ny\\n\"\n"
		    "g: \"\\uFEFFx\\n\"\n"
		    "h: \"\\U0001F600\\n\"\n"
		    "i: \"x\\Ly\\n\"\n"
		    "j: plain\n");

	/* the mark is a value's: a key stays as it is */
	m = gw_node_map(a);
	gw_map_put(a, m, "", str(a, "v"));
	m->u.map.pairs[0].key = literal(a, "key");
	assert_yaml(&m, 1, "key: v\n");
	gw_arena_free(a);
}

/* Indentation past 64 columns (the emitter pads in pieces of 64): 60
 * levels of mappings and sequences in turn, with a long key at each. */
static void test_yaml_deep_nesting_same_as_libyaml(void **state)
{
	struct gw_arena *a = gw_arena_new();
	struct gw_node *root = gw_node_map(a), *at = root;
	char long_key[200];
	int depth;

	(void)state;
	memset(long_key, 'q', sizeof(long_key) - 1);
	long_key[sizeof(long_key) - 1] = '\0';
	for (depth = 0; depth < 60; depth++) {
		struct gw_node *next = depth % 3 ? gw_node_map(a) :
						   gw_node_seq(a);

		if (at->kind == GW_MAP) {
			gw_map_put(a, at, "k", str(a, "v"));
			gw_map_put(a, at, depth % 2 ? long_key : "nest", next);
		} else {
			gw_seq_push(a, at, str(a, "item"));
			gw_seq_push(a, at, next);
		}
		at = next;
	}
	assert_true(same_as_libyaml(&root, 1, ""));
	gw_arena_free(a);
}

/* libyaml's double-quoted escapes with unicode on, one by one. */
static void test_yaml_escapes(void **state)
{
	static const struct { const char *s; size_t len; const char *yaml; }
	cases[] = {
		{ "\0\a\b\t\n\v\f\r\x1b\"\\", 11,
		  "\"\\0\\a\\b\\t\\n\\v\\f\\r\\e\\\"\\\\\"\n" },
		{ "\x01\x1f\x7f", 3, "\"\\x01\\x1F\\x7F\"\n" },
		/* C1: NEL named, the others \xXX; U+00A0 stays as it is */
		{ "\xc2\x80\xc2\x85\xc2\x9f\xc2\xa0", 8,
		  "\"\\x80\\N\\x9F\xc2\xa0\"\n" },
		{ "\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\\L\\P\"\n" },
		/* a BOM anywhere, the noncharacters U+FFFE/F */
		{ "\xef\xbb\xbf" "a\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd", 13,
		  "\"\\uFEFFa\\uFFFE\\uFFFF\xef\xbf\xbd\"\n" },
		/* everything beyond the BMP */
		{ "\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", 8,
		  "\"\\U0001F600\\U0010FFFF\"\n" },
		/* spaces, leading and trailing, as they are */
		{ "  a  ", 5, "\"  a  \"\n" },
		{ "\xed\x9f\xbf\xee\x80\x80", 6,
		  "\"\xed\x9f\xbf\xee\x80\x80\"\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct gw_arena *a = gw_arena_new();
		struct gw_node *n = gw_node_new(a, GW_STR);

		n->u.str.s = cases[i].s;
		n->u.str.len = cases[i].len;
		assert_yaml(&n, 1, cases[i].yaml);
		gw_arena_free(a);
	}
}

/*
 * Bytes that are not UTF-8 are refused (-1) as a value or a key, and the
 * buffer keeps what it held.  libyaml refuses the same malformed bytes,
 * but writes a surrogate or a code point beyond U+10FFFF as an escape no
 * reader accepts ("\uD800", "\U00110000"): gwc refuses those too.
 */
static void test_yaml_refuses_what_is_not_utf8(void **state)
{
	static const struct { const char *s; size_t len; const char *libyaml; }
	cases[] = {
		{ "\x80", 1, NULL }, { "a\xbf", 2, NULL }, { "\xe2\x80", 2, NULL },
		{ "\xc0\xaf", 2, NULL }, { "\xe0\x80\xaf", 3, NULL },
		{ "\xc3\x28", 2, NULL }, { "\xff", 1, NULL }, { "\xfe", 1, NULL },
		{ "\xf8\x88\x80\x80\x80", 5, NULL },
		{ "\xed\xa0\x80", 3, "\"\\uD800\"\n" },
		{ "\xed\xbf\xbf", 3, "\"\\uDFFF\"\n" },
		{ "\xf4\x90\x80\x80", 4, "\"\\U00110000\"\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct gw_arena *a = gw_arena_new();
		struct gw_node *n = gw_node_new(a, GW_STR);
		struct gw_node *m = gw_node_map(a), *docs[2];
		struct gw_buf buf = { 0 };

		n->u.str.s = cases[i].s;
		n->u.str.len = cases[i].len;
		gw_buf_puts(&buf, "kept\n");
		assert_int_equal(gw_emit_yaml(&buf, &n, 1), -1);
		assert_string_equal(buf.data, "kept\n");
		/* as a key, after a document already written */
		gw_map_put(a, m, "ok", n);
		m->u.map.pairs[0].key = n;
		docs[0] = str(a, "first");
		docs[1] = m;
		assert_int_equal(gw_emit_yaml(&buf, docs, 2), -1);
		assert_string_equal(buf.data, "kept\n");
		gw_buf_release(&buf);

		if (cases[i].libyaml) {
			assert_int_equal(ref_yaml(&buf, &n, 1), 0);
			assert_string_equal(buf.data, cases[i].libyaml);
		} else {
			assert_int_equal(ref_yaml(&buf, &n, 1), -1);
		}
		gw_buf_release(&buf);
		gw_arena_free(a);
	}
}

/* A key over 1000 bytes is refused; up to 1000 it is written ("? key"). */
static void test_yaml_key_length_limit(void **state)
{
	struct gw_arena *a = gw_arena_new();
	char *key = gw_arena_alloc(a, 1002);
	struct gw_node *m = gw_node_map(a);
	struct gw_buf buf = { 0 };

	(void)state;
	memset(key, 'k', 1001);
	gw_map_put(a, m, key + 1, gw_node_int(a, 1));
	assert_yaml(&m, 1, gw_arena_printf(a, "? \"%s\"\n: 1\n", key + 1));
	gw_map_put(a, m, key, gw_node_int(a, 2));
	assert_int_equal(gw_emit_yaml(&buf, &m, 1), -1);
	assert_int_equal(buf.len, 0);
	assert_int_equal(ref_yaml(&buf, &m, 1), -1);
	gw_buf_release(&buf);
	gw_arena_free(a);
}

/* ---- gw_emit_plain_safe against its definition, written plainly --------- */

static bool ref_plain_safe(const char *s, size_t len)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null",
		"nan", "inf", "infinity",
	};
	static const char *const units[] = {
		"m", "k", "M", "G", "T", "P", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
	};
	size_t i, digits;

	if (!len || len > 256)
		return false;
	for (i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == len && !strncasecmp(s, words[i], len))
			return false;
	for (i = 0; i < len; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._/-", s[i]) || !s[i])
			return false;
	if (isalpha((unsigned char)s[0]) || s[0] == '/')
		return true;
	if (!isdigit((unsigned char)s[0]))
		return false;
	for (digits = 0; digits < len && isdigit((unsigned char)s[digits]);)
		digits++;
	for (i = 0; i < sizeof(units) / sizeof(*units); i++)
		if (strlen(units[i]) == len - digits &&
		    !memcmp(s + digits, units[i], len - digits))
			return true;
	return false;
}

static void assert_plain_safe_as_defined(const char *s, size_t len)
{
	if (gw_emit_plain_safe(s, len) != ref_plain_safe(s, len))
		fail_msg("gw_emit_plain_safe(\"%.*s\", %zu) is %d", (int)len, s,
			 len, gw_emit_plain_safe(s, len));
}

/* Every string of up to 3 characters from an alphabet of each class, every
 * pool string, special words in random case, random strings. */
static void test_plain_safe_same_as_definition(void **state)
{
	static const char alphabet[] = "aAfFiInNoOtTyYzZ09._/-:# \x80\xff@";
	const size_t k = sizeof(alphabet) - 1;
	struct gw_buf scratch = { 0 };
	char s[3];
	size_t i, len;

	(void)state;
	for (len = 1; len <= 3; len++) {
		size_t total = len == 1 ? k : len == 2 ? k * k : k * k * k;

		for (i = 0; i < total; i++) {
			size_t r = i, j;

			for (j = 0; j < len; j++, r /= k)
				s[j] = alphabet[r % k];
			assert_plain_safe_as_defined(s, len);
		}
	}
	for (i = 0; i < sizeof(nasty) / sizeof(*nasty); i++)
		assert_plain_safe_as_defined(nasty[i].s, nasty[i].len);
	rng_state = 3;
	for (i = 0; i < 20000; i++) {
		struct gw_arena *a = gw_arena_new();
		struct gw_node *n;

		if (i % 2) {
			n = random_key(a, &scratch);
		} else {
			char word[16];
			size_t w = pick(sizeof(nasty) / sizeof(*nasty)), j;

			/* a pool string in random case */
			len = nasty[w].len < sizeof(word) ? nasty[w].len : 0;
			for (j = 0; j < len; j++)
				word[j] = (char)(pick(2) ?
					toupper((unsigned char)nasty[w].s[j]) :
					nasty[w].s[j]);
			gw_buf_add(&scratch, word, len);
			if (pick(2))
				add_identifier(&scratch, pick(3));
			n = str_node(a, &scratch);
		}
		assert_plain_safe_as_defined(n->u.str.s, n->u.str.len);
		gw_arena_free(a);
	}
	gw_buf_release(&scratch);
}

/* ---- gw_emit_json: string escapes against the byte-by-byte escaper ------- */

static void ref_json_string(struct gw_buf *buf, const char *s, size_t len)
{
	size_t i;

	gw_buf_add(buf, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"')
			gw_buf_add(buf, "\\\"", 2);
		else if (c == '\\')
			gw_buf_add(buf, "\\\\", 2);
		else if (c == '\b')
			gw_buf_add(buf, "\\b", 2);
		else if (c == '\f')
			gw_buf_add(buf, "\\f", 2);
		else if (c == '\n')
			gw_buf_add(buf, "\\n", 2);
		else if (c == '\r')
			gw_buf_add(buf, "\\r", 2);
		else if (c == '\t')
			gw_buf_add(buf, "\\t", 2);
		else if (c < 0x20 || c == 0x7f)
			gw_buf_printf(buf, "\\u%04x", c);
		else
			gw_buf_add(buf, &s[i], 1);
	}
	gw_buf_add(buf, "\"\n", 2);
}

static void test_json_strings_same_as_bytewise(void **state)
{
	struct gw_buf scratch = { 0 };
	size_t i;

	(void)state;
	rng_state = 7;
	for (i = 0; i < 3000; i++) {
		struct gw_arena *a = gw_arena_new();
		struct gw_node *n = random_string(a, &scratch);
		struct gw_buf ours = { 0 }, ref = { 0 };

		gw_emit_json(&ours, n);
		ref_json_string(&ref, n->u.str.s, n->u.str.len);
		if (ours.len != ref.len || memcmp(ours.data, ref.data, ref.len)) {
			print_bytes("byte by byte", &ref);
			print_bytes("gw_emit_json", &ours);
			fail_msg("string %zu differs", i);
		}
		gw_buf_release(&ours);
		gw_buf_release(&ref);
		gw_arena_free(a);
	}
	gw_buf_release(&scratch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_same_as_libyaml_for_random_trees),
		cmocka_unit_test(test_yaml_literal_blocks_same_as_libyaml),
		cmocka_unit_test(test_yaml_same_as_libyaml_for_every_nasty_string),
		cmocka_unit_test(test_yaml_pinned_layouts),
		cmocka_unit_test(test_yaml_pinned_literal_blocks),
		cmocka_unit_test(test_yaml_deep_nesting_same_as_libyaml),
		cmocka_unit_test(test_yaml_escapes),
		cmocka_unit_test(test_yaml_refuses_what_is_not_utf8),
		cmocka_unit_test(test_yaml_key_length_limit),
		cmocka_unit_test(test_plain_safe_same_as_definition),
		cmocka_unit_test(test_json_strings_same_as_bytewise),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
