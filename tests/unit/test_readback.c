/*
 * test_readback.c - gwc's YAML output read back by an independent reader.
 *
 * gwc writes YAML through libyaml's event emitter with its own quoting
 * rule (gen/emit.c) and reads specs with libyaml too; this test reads the
 * output back with the other library, libfyaml, directly through its event
 * parser and document builder (not through gw_load_bytes, which has its
 * own typing rules), and resolves every plain scalar as a YAML 1.1 reader
 * (PyYAML, go-yaml v2 in kubectl) and as a YAML 1.2 core-schema reader
 * would.  For trees built with the tree API and holding every kind of
 * hostile string, it asserts that each value reads back as the same data:
 * strings as exactly the same bytes (never as a bool, null, number, date,
 * merge key or anything else), integers as the same integers, booleans as
 * the same booleans, nulls as nulls; mappings with the same keys in the
 * same order; strings plain exactly where gw_emit_plain_safe() allows,
 * double-quoted everywhere else; no tag, anchor or alias anywhere.
 * Strings marked literal (struct gw_node.literal) read back the same, as
 * literal blocks where gwc writes blocks.
 *
 * It also parses every YAML file under out/ (the committed output of
 * examples/) with libfyaml and fails on any parse error (duplicate keys
 * included), on anchors, tags or aliases, on a document that is no
 * mapping, and on a plain scalar that YAML 1.1 and YAML 1.2 readers would
 * type differently.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <ftw.h>
#include <limits.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <libfyaml.h>

#include "gwc.h"

/* ---- YAML 1.1 and 1.2 plain-scalar resolution --------------------------- */

/* What a reader makes of a plain scalar. */
enum rtype { R_STR, R_NULL, R_BOOL, R_INT, R_FLOAT, R_TIMESTAMP, R_MERGE,
	     R_VALUE };

static const char *const rtype_names[] = {
	"string", "null", "bool", "int", "float", "timestamp", "merge key",
	"value key",
};

struct rule {
	enum rtype type;
	const char *re;
	regex_t compiled;
};

/* The implicit types of YAML 1.1 (yaml.org/type/), as PyYAML's resolver
 * and go-yaml v2 apply them, in POSIX extended syntax. */
static struct rule yaml11[] = {
	{ R_NULL, "^(~|null|Null|NULL|)$", { 0 } },
	{ R_BOOL, "^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|"
		  "FALSE|on|On|ON|off|Off|OFF)$", { 0 } },
	{ R_INT, "^[-+]?0b[01_]+$", { 0 } },
	{ R_INT, "^[-+]?0[0-7_]+$", { 0 } },
	{ R_INT, "^[-+]?(0|[1-9][0-9_]*)$", { 0 } },
	{ R_INT, "^[-+]?0x[0-9a-fA-F_]+$", { 0 } },
	{ R_INT, "^[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+$", { 0 } },
	{ R_FLOAT, "^[-+]?([0-9][0-9_]*)?\\.[0-9.]*([eE][-+][0-9]+)?$", { 0 } },
	{ R_FLOAT, "^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*$", { 0 } },
	{ R_FLOAT, "^[-+]?\\.(inf|Inf|INF)$", { 0 } },
	{ R_FLOAT, "^\\.(nan|NaN|NAN)$", { 0 } },
	{ R_TIMESTAMP, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", { 0 } },
	{ R_TIMESTAMP, "^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)"
		       "[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\\.[0-9]*)?"
		       "([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?$", { 0 } },
	{ R_MERGE, "^<<$", { 0 } },
	{ R_VALUE, "^=$", { 0 } },
};

/* The YAML 1.2 core schema (go-yaml v3 in kustomize, libfyaml). */
static struct rule yaml12[] = {
	{ R_NULL, "^(~|null|Null|NULL|)$", { 0 } },
	{ R_BOOL, "^(true|True|TRUE|false|False|FALSE)$", { 0 } },
	{ R_INT, "^[-+]?[0-9]+$", { 0 } },
	{ R_INT, "^0o[0-7]+$", { 0 } },
	{ R_INT, "^0x[0-9a-fA-F]+$", { 0 } },
	{ R_FLOAT, "^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$",
	  { 0 } },
	{ R_FLOAT, "^[-+]?\\.(inf|Inf|INF)$", { 0 } },
	{ R_FLOAT, "^\\.(nan|NaN|NAN)$", { 0 } },
};

#define NRULES(a) (sizeof(a) / sizeof(*(a)))

static int compile_rules(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NRULES(yaml11); i++)
		if (regcomp(&yaml11[i].compiled, yaml11[i].re,
			    REG_EXTENDED | REG_NOSUB))
			return -1;
	for (i = 0; i < NRULES(yaml12); i++)
		if (regcomp(&yaml12[i].compiled, yaml12[i].re,
			    REG_EXTENDED | REG_NOSUB))
			return -1;
	return 0;
}

static int free_rules(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NRULES(yaml11); i++)
		regfree(&yaml11[i].compiled);
	for (i = 0; i < NRULES(yaml12); i++)
		regfree(&yaml12[i].compiled);
	return 0;
}

static enum rtype resolve(struct rule *rules, size_t n, const char *s,
			  size_t len)
{
	size_t i;

	if (strlen(s) != len)
		return R_STR;	/* a NUL: no implicit type matches */
	for (i = 0; i < n; i++)
		if (!regexec(&rules[i].compiled, s, 0, NULL, 0))
			return rules[i].type;
	return R_STR;
}

static enum rtype resolve11(const char *s, size_t len)
{
	return resolve(yaml11, NRULES(yaml11), s, len);
}

static enum rtype resolve12(const char *s, size_t len)
{
	return resolve(yaml12, NRULES(yaml12), s, len);
}

/* The value of a YAML 1.1 int (any base, underscores, base 60). */
static bool int11_value(const char *s, long long *out)
{
	char digits[128];
	size_t n = 0;
	int sign = 1, base = 10;
	unsigned long long v = 0;
	const char *p = s;

	if (*p == '-' || *p == '+')
		sign = *p++ == '-' ? -1 : 1;
	if (strchr(p, ':')) {		/* base 60 */
		long long part = 0;

		for (; *p; p++) {
			if (*p == ':') {
				v = v * 60 + (unsigned long long)part;
				part = 0;
			} else if (*p != '_') {
				part = part * 10 + (*p - '0');
			}
		}
		v = v * 60 + (unsigned long long)part;
		*out = sign * (long long)v;
		return true;
	}
	if (p[0] == '0' && p[1] == 'b')
		base = 2, p += 2;
	else if (p[0] == '0' && p[1] == 'x')
		base = 16, p += 2;
	else if (p[0] == '0' && p[1])
		base = 8, p += 1;
	for (; *p && n + 1 < sizeof(digits); p++)
		if (*p != '_')
			digits[n++] = *p;
	digits[n] = '\0';
	errno = 0;
	v = strtoull(digits, NULL, base);
	if (errno)
		return false;
	if (sign < 0) {
		if (v > (unsigned long long)LLONG_MAX + 1)
			return false;
		*out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN :
			-(long long)v;
	} else {
		if (v > (unsigned long long)LLONG_MAX)
			return false;
		*out = (long long)v;
	}
	return true;
}

/* The value of a YAML 1.2 core-schema int (decimal, 0o octal, 0x hex):
 * "0755" is 493 for a YAML 1.1 reader and 755 for this one. */
static bool int12_value(const char *s, long long *out)
{
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'o' || s[1] == 'x'))
		base = s[1] == 'o' ? 8 : 16, s += 2;
	errno = 0;
	*out = strtoll(s, &end, base);
	return !errno && !*end;
}

static bool bool11_value(const char *s)
{
	return !strcasecmp(s, "y") || !strcasecmp(s, "yes") ||
	       !strcasecmp(s, "true") || !strcasecmp(s, "on");
}

/* ---- reading back ------------------------------------------------------ */

struct checker {
	unsigned errors;
	struct gw_buf path;
	struct gw_buf text;	/* the scalar at hand, NUL-terminated */
	bool blocks;	/* strings marked literal are blocks, else quoted */
};

static void mismatch(struct checker *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void mismatch(struct checker *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->errors++;
	if (c->errors <= 40)
		print_error("error: at %s: %s\n",
			    c->path.len ? c->path.data : "(document)", msg);
}

/* A printable, quoted, shortened form of a string, for messages. */
static const char *show(struct gw_buf *buf, const char *s, size_t len)
{
	buf->len = 0;
	gw_diag_quote(buf, s, len > 60 ? 60 : len);
	if (len > 60)
		gw_buf_puts(buf, "...");
	return buf->data;
}

/* Copies @len bytes of @s into @buf, NUL-terminated (for the resolvers,
 * strtod and messages; a NUL inside stays visible through the length). */
static const char *terminate(struct gw_buf *buf, const char *s, size_t len)
{
	buf->len = 0;
	gw_buf_add(buf, s ? s : "", s ? len : 0);
	return buf->data;
}

/*
 * A libfyaml parser over @len bytes of @data whose errors are collected in
 * *@diag (not printed); the caller destroys both (fy_diag_destroy: a
 * collecting diag leaks with fy_diag_unref, YAML-NOTES).
 */
static struct fy_parser *open_parser(const char *data, size_t len,
				     struct fy_diag **diag)
{
	struct fy_diag_cfg dcfg;
	struct fy_parse_cfg cfg = { 0 };
	struct fy_parser *fyp;

	fy_diag_cfg_default(&dcfg);
	*diag = fy_diag_create(&dcfg);
	assert_non_null(*diag);
	fy_diag_set_collect_errors(*diag, true);
	cfg.flags = FYPCF_QUIET;
	cfg.diag = *diag;
	fyp = fy_parser_create(&cfg);
	assert_non_null(fyp);
	assert_int_equal(fy_parser_set_string(fyp, data, len), 0);
	return fyp;
}

/* Prints libfyaml's collected errors (1-based lines and columns). */
static void print_parse_errors(const char *name, struct fy_diag *diag)
{
	struct fy_diag_error *err;
	void *iter = NULL;
	bool any = false;

	while ((err = fy_diag_errors_iterate(diag, &iter))) {
		print_error("error: %s:%d:%d: libfyaml: %s\n", name, err->line,
			    err->column, err->msg ? err->msg : "?");
		any = true;
	}
	if (!any)
		print_error("error: %s: libfyaml: the stream does not parse\n",
			    name);
}

static void compare(struct checker *c, const struct gw_node *want,
		    struct fy_node *got);

/* A string node must read back as exactly these bytes, as a string, plain
 * exactly when gw_emit_plain_safe() allows it and double-quoted otherwise;
 * one marked literal as the checker expects it. */
static void compare_string(struct checker *c, const struct gw_node *want,
			   struct fy_node *got)
{
	struct gw_buf a = { 0 }, b = { 0 };
	const char *s = want->u.str.s;
	size_t len = want->u.str.len;
	enum fy_node_style style = fy_node_get_style(got), expect;
	bool plain = gw_emit_plain_safe(s, len);
	const char *text;
	size_t glen = 0;

	if (want->literal)
		expect = c->blocks ? FYNS_LITERAL : FYNS_DOUBLE_QUOTED;
	else
		expect = plain ? FYNS_PLAIN : FYNS_DOUBLE_QUOTED;

	if (fy_node_get_type(got) != FYNT_SCALAR) {
		mismatch(c, "string %s read back as a collection",
			 show(&a, s, len));
		goto out;
	}
	text = fy_node_get_scalar(got, &glen);
	if (!text)
		glen = 0;	/* an empty node (NULL): an empty plain scalar */
	if (glen != len || (len && memcmp(text, s, len))) {
		mismatch(c, "string %s read back as %s", show(&a, s, len),
			 show(&b, text ? text : "", glen));
		goto out;
	}
	if (style != expect) {
		mismatch(c, "string %s written %s, not %s", show(&a, s, len),
			 style == FYNS_PLAIN ? "plain" :
			 style == FYNS_DOUBLE_QUOTED ? "double-quoted" :
			 style == FYNS_LITERAL ? "as a literal block" :
			 "in another style", expect == FYNS_PLAIN ? "plain" :
			 expect == FYNS_LITERAL ? "as a literal block" :
			 "double-quoted");
		goto out;
	}
	if (style == FYNS_PLAIN) {
		enum rtype t11, t12;

		text = terminate(&c->text, text, glen);
		t11 = resolve11(text, glen);
		t12 = resolve12(text, glen);
		if (t11 != R_STR)
			mismatch(c, "string %s written plain, a YAML 1.1 reader "
				 "reads a %s", show(&a, s, len),
				 rtype_names[t11]);
		else if (t12 != R_STR)
			mismatch(c, "string %s written plain, a YAML 1.2 reader "
				 "reads a %s", show(&a, s, len),
				 rtype_names[t12]);
	}
out:
	gw_buf_release(&a);
	gw_buf_release(&b);
}

/*
 * @got may be NULL: libfyaml's document builder leaves an empty value out,
 * which every reader takes as an empty plain scalar (a null); gwc writes
 * none, and it reads back here as that empty plain scalar.
 */
static void compare(struct checker *c, const struct gw_node *want,
		    struct fy_node *got)
{
	const char *text = NULL, *tag;
	enum rtype t11 = R_STR, t12 = R_STR;
	size_t i, old, len = 0, n;
	void *iter = NULL;

	if (got && (tag = fy_node_get_tag(got, &len)))
		mismatch(c, "unexpected tag %.*s", (int)len, tag);
	if (got && fy_node_get_anchor(got))
		mismatch(c, "unexpected anchor");
	if (fy_node_get_type(got) == FYNT_SCALAR && want->kind != GW_STR) {
		const char *s = got ? fy_node_get_scalar(got, &len) : NULL;

		text = terminate(&c->text, s, s ? len : 0);
		len = s ? len : 0;
		if (fy_node_get_style(got) == FYNS_PLAIN) {
			t11 = resolve11(text, len);
			t12 = resolve12(text, len);
		}
	}
	switch (want->kind) {
	case GW_STR:
		compare_string(c, want, got);
		break;
	case GW_NULL:
		if (!text || t11 != R_NULL || t12 != R_NULL)
			mismatch(c, "null read back as %s", text ? text : "?");
		break;
	case GW_BOOL:
		if (!text || t11 != R_BOOL || t12 != R_BOOL ||
		    bool11_value(text) != want->u.b)
			mismatch(c, "bool %s read back as %s",
				 want->u.b ? "true" : "false", text ? text : "?");
		break;
	case GW_INT: {
		long long v, v12;

		if (!text || t11 != R_INT || t12 != R_INT ||
		    !int11_value(text, &v) || v != want->u.i ||
		    !int12_value(text, &v12) || v12 != want->u.i)
			mismatch(c, "int %lld read back as %s (%s)", want->u.i,
				 text ? text : "?",
				 rtype_names[t11]);
		break;
	}
	case GW_NUM: {
		/* a number may come back as an int when it is one */
		double v = 0;
		long long iv;

		if (text && t11 == R_INT && t12 == R_INT)
			/* beyond 64 bits, readers keep big integers */
			v = int11_value(text, &iv) ? (double)iv :
				strtod(text, NULL);
		else if (text && t11 == R_FLOAT && t12 == R_FLOAT)
			v = strtod(text, NULL);
		else {
			mismatch(c, "number %.17g read back as %s %s (YAML 1.2: "
				 "%s)", want->u.num, rtype_names[t11],
				 text ? text : "?", rtype_names[t12]);
			break;
		}
		if (v != want->u.num)
			mismatch(c, "number %.17g read back as %.17g",
				 want->u.num, v);
		break;
	}
	case GW_SEQ:
		if (fy_node_get_type(got) != FYNT_SEQUENCE) {
			mismatch(c, "sequence read back as another kind");
			break;
		}
		n = (size_t)fy_node_sequence_item_count(got);
		if (n != want->u.seq.n) {
			mismatch(c, "sequence of %zu items read back with %zu",
				 want->u.seq.n, n);
			break;
		}
		for (i = 0; i < want->u.seq.n; i++) {
			struct fy_node *item = fy_node_sequence_iterate(got,
									&iter);

			old = c->path.len;
			gw_buf_printf(&c->path, "[%zu]", i);
			if (!item)
				mismatch(c, "missing item");
			else
				compare(c, want->u.seq.items[i], item);
			c->path.len = old;
			c->path.data[old] = '\0';
		}
		break;
	case GW_MAP:
		if (fy_node_get_type(got) != FYNT_MAPPING) {
			mismatch(c, "mapping read back as another kind");
			break;
		}
		n = (size_t)fy_node_mapping_item_count(got);
		if (n != want->u.map.n) {
			mismatch(c, "mapping of %zu pairs read back with %zu",
				 want->u.map.n, n);
			break;
		}
		for (i = 0; i < want->u.map.n; i++) {
			const struct gw_pair *p = &want->u.map.pairs[i];
			struct fy_node_pair *gp = fy_node_mapping_iterate(got,
									  &iter);

			old = c->path.len;
			gw_path_key(&c->path, p->key->u.str.s, p->key->u.str.len);
			if (!gp) {
				mismatch(c, "missing pair");
			} else {
				compare_string(c, p->key,
					       fy_node_pair_key(gp));
				compare(c, p->value, fy_node_pair_value(gp));
			}
			c->path.len = old;
			if (c->path.data)
				c->path.data[old] = '\0';
		}
		break;
	}
}

/*
 * The event pass: the stream must parse to its end, hold *@ndocs documents,
 * and have no anchor, alias or explicit tag (gwc writes none).  With
 * @plain_agree, every plain scalar (key or value) must be typed alike by
 * YAML 1.1 and 1.2 readers.  Returns the errors.
 */
static unsigned check_events(const char *name, const char *data, size_t len,
			     size_t *ndocs, bool plain_agree)
{
	struct fy_diag *diag;
	struct fy_parser *fyp = open_parser(data, len, &diag);
	struct fy_event *ev;
	struct gw_buf text = { 0 };
	unsigned errors = 0;
	bool done = false;

	*ndocs = 0;
	while (!done && (ev = fy_parser_parse(fyp))) {
		const struct fy_mark *mark = fy_event_start_mark(ev);
		struct fy_token *anchor = NULL, *tag = NULL;
		size_t line = mark ? (size_t)mark->line + 1 : 0;
		bool alias = false;

		switch (ev->type) {
		case FYET_DOCUMENT_START:
			++*ndocs;
			break;
		case FYET_ALIAS:
			alias = true;
			break;
		case FYET_SCALAR:
			anchor = ev->scalar.anchor;
			tag = ev->scalar.tag;
			if (plain_agree && fy_scalar_token_get_style(
				    ev->scalar.value) == FYSS_PLAIN) {
				size_t n = 0;
				const char *s = fy_token_get_text(
					ev->scalar.value, &n);
				enum rtype t11, t12;

				s = terminate(&text, s, s ? n : 0);
				n = text.len;
				t11 = resolve11(s, n);
				t12 = resolve12(s, n);
				if (t11 != t12) {
					print_error("error: %s:%zu: plain '%s' "
						    "is a %s in YAML 1.1, a %s "
						    "in YAML 1.2\n", name, line,
						    s, rtype_names[t11],
						    rtype_names[t12]);
					errors++;
				}
			}
			break;
		case FYET_SEQUENCE_START:
			anchor = ev->sequence_start.anchor;
			tag = ev->sequence_start.tag;
			break;
		case FYET_MAPPING_START:
			anchor = ev->mapping_start.anchor;
			tag = ev->mapping_start.tag;
			break;
		case FYET_STREAM_END:
			done = true;
			break;
		default:
			break;
		}
		if (alias || anchor || tag) {
			print_error("error: %s:%zu: anchor, alias or tag in "
				    "gwc's output\n", name, line);
			errors++;
		}
		fy_parser_event_free(fyp, ev);
	}
	if (!done || fy_parser_get_stream_error(fyp)) {
		print_parse_errors(name, diag);
		errors++;
	}
	gw_buf_release(&text);
	fy_parser_destroy(fyp);
	fy_diag_destroy(diag);
	return errors;
}

/* Emits @docs with gw_emit_yaml and asserts they read back identically,
 * through libfyaml's document builder, one document after another from
 * one parser (fy_document_build_from_string keeps only the first); the
 * strings marked literal as literal blocks when @blocks, else quoted. */
static void roundtrip_as(struct gw_node *const *docs, size_t n, bool blocks)
{
	struct gw_buf out = { 0 };
	struct checker c = { 0, { 0 }, { 0 }, blocks };
	struct fy_diag *diag;
	struct fy_parser *fyp;
	struct fy_document *fyd;
	size_t i, nevents_docs;

	assert_int_equal(gw_emit_yaml(&out, docs, n), 0);
	c.errors = check_events("emitted", out.data, out.len, &nevents_docs,
				false);
	if (!c.errors && nevents_docs != n) {
		print_error("error: %zu documents emitted, %zu read back\n", n,
			    nevents_docs);
		c.errors++;
	}
	if (!c.errors) {
		fyp = open_parser(out.data, out.len, &diag);
		for (i = 0; i < n; i++) {
			fyd = fy_parse_load_document(fyp);
			if (!fyd) {
				print_error("error: libfyaml cannot load "
					    "document %zu\n", i);
				print_parse_errors("emitted", diag);
				c.errors++;
				break;
			}
			c.path.len = 0;
			gw_buf_printf(&c.path, "doc%zu:", i);
			compare(&c, docs[i], fy_document_root(fyd));
			fy_parse_document_destroy(fyp, fyd);
		}
		if (!c.errors && (fyd = fy_parse_load_document(fyp))) {
			print_error("error: a document after the %zu emitted\n",
				    n);
			fy_parse_document_destroy(fyp, fyd);
			c.errors++;
		}
		fy_parser_destroy(fyp);
		fy_diag_destroy(diag);
	}
	if (c.errors) {
		print_error("error: %u value(s) read back differently; the "
			    "YAML (first 3000 bytes):\n%.3000s\n", c.errors,
			    out.data);
	}
	gw_buf_release(&c.path);
	gw_buf_release(&c.text);
	gw_buf_release(&out);
	assert_int_equal(c.errors, 0);
}

static void roundtrip(struct gw_node *const *docs, size_t n)
{
	roundtrip_as(docs, n, false);
}

/* ---- the trees --------------------------------------------------------- */

static struct gw_arena *arena;

static int new_arena(void **state)
{
	(void)state;
	arena = gw_arena_new();
	return 0;
}

static int free_arena(void **state)
{
	(void)state;
	gw_arena_free(arena);
	arena = NULL;
	return 0;
}

static struct gw_node *strn(const char *s, size_t len)
{
	struct gw_node *n = gw_node_new(arena, GW_STR);

	n->u.str.s = gw_arena_strndup(arena, s, len);
	n->u.str.len = len;
	return n;
}

/*
 * Puts each string of @strings, in every case variant when @cases, into
 * one tree in every position: as a mapping value, a sequence item, a
 * mapping key, nested two levels deep, and as a whole document.
 */
static void roundtrip_strings(const char *const *strings, size_t n, bool cases)
{
	struct gw_node *doc = gw_node_map(arena);
	struct gw_node *values = gw_map_put(arena, doc, "values",
					    gw_node_map(arena));
	struct gw_node *items = gw_map_put(arena, doc, "items",
					   gw_node_seq(arena));
	struct gw_node *keys = gw_map_put(arena, doc, "keys",
					  gw_node_map(arena));
	struct gw_node *nested = gw_map_put(arena, doc, "nested",
					    gw_node_seq(arena));
	struct gw_node **docs;
	size_t i, v, k = 0, nvariants = cases ? 3 : 1, ndocs = 1;

	docs = gw_arena_alloc(arena, (1 + 3 * n) * sizeof(*docs));
	docs[0] = doc;
	for (i = 0; i < n; i++)
		for (v = 0; v < nvariants; v++) {
			char *s = gw_arena_strdup(arena, strings[i]);
			struct gw_node *str, *inner;
			size_t j;
			bool same = true;

			for (j = 0; s[j]; j++) {
				char c = s[j];

				if (v == 1 && c >= 'a' && c <= 'z')
					s[j] = (char)(c - 32);
				if (v == 2 && (c >= 'a' && c <= 'z') &&
				    (j == 0 || !((s[j - 1] >= 'a' &&
						  s[j - 1] <= 'z') ||
						 (s[j - 1] >= 'A' &&
						  s[j - 1] <= 'Z'))))
					s[j] = (char)(c - 32);
				if (s[j] != strings[i][j])
					same = false;
			}
			if (v && same)
				continue;	/* no letters to change */
			str = gw_node_str(arena, s);
			gw_map_put(arena, values,
				   gw_arena_printf(arena, "v%zu", k), str);
			gw_seq_push(arena, items, gw_node_str(arena, s));
			if (!gw_map_pair(keys, s))
				gw_map_put(arena, keys, s,
					   gw_node_str(arena, s));
			/* nested: - s: [s, {s: s}] */
			inner = gw_node_seq(arena);
			gw_seq_push(arena, inner, gw_node_str(arena, s));
			gw_seq_push(arena, inner, gw_node_map(arena));
			gw_map_put(arena, inner->u.seq.items[1], s,
				   gw_node_str(arena, s));
			gw_seq_push(arena, nested, gw_node_map(arena));
			gw_map_put(arena, nested->u.seq.items[nested->u.seq.n - 1],
				   s, inner);
			if (ndocs < 1 + 3 * n)
				docs[ndocs++] = gw_node_str(arena, s);
			k++;
		}
	/* and each string once as a whole document of the same stream, so
	 * that top-level scalars and document markers are covered */
	roundtrip(docs, ndocs);
}

static void test_special_words(void **state)
{
	/* Every word that some YAML 1.1 or 1.2 reader, go-yaml v2/v3, PyYAML
	 * or libyaml resolves to a non-string, in lower, UPPER and Title
	 * case (the case loop adds yEs-like mixes where they matter). */
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null",
		"~", "nan", "inf", "infinity", ".inf", "-.inf", "+.inf",
		".nan", ".Inf", ".NaN", "<<", "=", "yEs", "nO", "tRUE",
		"nULL", "oN", "oFF", "fAlSe", "NuLl", "Null", "NULL", "null ",
		" null", "true\n", "yes please", "no.", "on-call", "y/n",
	};

	(void)state;
	roundtrip_strings(words, sizeof(words) / sizeof(*words), true);
}

static void test_numbers(void **state)
{
	/* Numbers in every base and notation any reader knows. */
	static const char *const numbers[] = {
		"0", "1", "-1", "+1", "-0", "+0", "00", "012", "0755", "08",
		"09", "0o12", "0O12", "0x1F", "0X1F", "0x_1F", "0b101", "0B101",
		"0b_1", "1e3", "1E3", "1e+3", "1e-3", "1.5e3", "6.8523015e+5",
		"685.230_15e+03", "685_230.15", "1_000", "1__0", "_1", "1_",
		"1:20", "190:20:30", "190:20:30.15", "-1:20", "1:60", "12:30",
		"12:30:45", ".5", "-.5", "+.5", "1.", "1.0", "-1.0", "0.", ".",
		"..", "1.2.3", "1e", "e3", "0x", "0o", "0b", "1e3e3", "123456789012345678901234567890",
		"9223372036854775807", "9223372036854775808",
		"-9223372036854775809", "100m", "128Mi", "2000m", "1Gi", "1k",
		"1M", "1e3m", "1.5", "2e3", "3.14159", "NaN", "Infinity",
		"-Infinity", "0.0.0.0", "10.0.0.1", "::1", "1:2:3:4:5:6:7:8",
		"80", "443", "65535", "0755m", "1_0m", "0x1Fm",
	};

	(void)state;
	roundtrip_strings(numbers, sizeof(numbers) / sizeof(*numbers), true);
}

static void test_dates(void **state)
{
	static const char *const dates[] = {
		"2001-12-14", "2001-12-14t21:59:43.10-05:00",
		"2001-12-14T21:59:43.10Z", "2001-12-14 21:59:43.10 -5",
		"2001-12-15 2:59:43.10", "2002-12-14", "2001-1-1",
		"2001-01-01T00:00:00Z", "2001-12-14 21:59:43.10 +05:30",
		"1999-12-31", "20:03:20", "12:00", "1:2", "2001-12-14Z",
		"2001-12", "2001", "14/12/2001", "2001-12-14t", "P1D",
		"2001-12-14T21:59:43", "2001-12-14 21:59:43",
	};

	(void)state;
	roundtrip_strings(dates, sizeof(dates) / sizeof(*dates), true);
}

static void test_spaces_and_empty(void **state)
{
	static const char *const strings[] = {
		"", " ", "  ", " a", "a ", " a ", "a  b", "\t", "a\t", "\ta",
		" \t ", "a b", " leading", "trailing ", "  two  ",
	};

	(void)state;
	roundtrip_strings(strings, sizeof(strings) / sizeof(*strings), false);
}

static void test_colon_and_hash(void **state)
{
	static const char *const strings[] = {
		"a: b", "a:b", "a:", "a :b", ":a", "a: ", "key: value",
		"a #b", "a#b", "a #", "# a", "#a", "a # b: c", "a: #b",
		"http://example.com:8080/a#frag", "a:\tb", "a\t#b",
		"{a: b}", "[a, b]", "a, b", "a,b", "a]b", "a}b", "a{b",
		"a[b", "a - b", "a -b", "a ? b", "- a: b", "a: - b",
		"k: v # c", "::", ":", "a::b", "'a': b", "\"a\": b",
	};

	(void)state;
	roundtrip_strings(strings, sizeof(strings) / sizeof(*strings), false);
}

static void test_indicators_at_start(void **state)
{
	static const char *const strings[] = {
		"-", "- ", "- a", "-a", "--", "---", "--- a", "----", "...",
		"... a", "?", "? a", "?a", ":", ": a", ":a", ",", ",a", "[",
		"[]", "[a]", "]", "{", "{}", "{a}", "}", "#", "#a", "&", "&a",
		"&a b", "*", "*a", "!", "!a", "!!str", "!!int 1", "|", "|-",
		"| a", ">", ">-", "> a", "'", "'a'", "''", "\"", "\"a\"",
		"\"\"", "%", "%YAML 1.2", "%TAG", "@", "@a", "`", "`a`",
		"<<", "=", "~", "~a", "\\", "\\a", "/", "/a", ".", ".a",
		"_", "_a", "+", "+a", "0a", "-1a", "a-", "a.",
	};

	(void)state;
	roundtrip_strings(strings, sizeof(strings) / sizeof(*strings), false);
}

static void test_quotes_backslashes_controls(void **state)
{
	static const char *const strings[] = {
		"'", "''", "it's", "'quoted'", "\"", "say \"hi\"",
		"\"double\"", "'\"", "\\", "\\\\", "C:\\path\\to", "\\n",
		"\\t", "\\x41", "\\u0041", "\\/", "a\nb", "a\n", "\n",
		"\na", "a\n\nb", "\n\n", "a\r\nb", "\r", "a\rb", "a\tb",
		"tab\t", "\t\t", "\x01", "\x08", "\x0b\x0c", "\x1b[0m",
		"\x7f", "a\x7f" "b", "bell\a", "\x1f",
	};

	(void)state;
	roundtrip_strings(strings, sizeof(strings) / sizeof(*strings), false);
}

static void test_unicode(void **state)
{
	static const char *const strings[] = {
		"h\xc3\xa9llo", "\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		"\xf0\x9f\x98\x80", "a \xf0\x9f\x98\x80 b",
		"\xc2\xa0", "nbsp\xc2\xa0", "\xc2\xa0lead",	/* U+00A0 */
		"\xc2\x85", "a\xc2\x85" "b",			/* U+0085 NEL */
		"\xc2\x80", "\xc2\x9f",				/* C1 */
		"\xe2\x80\xa8", "a\xe2\x80\xa9" "b",		/* LS, PS */
		"\xef\xbb\xbf", "\xef\xbb\xbf" "bom",		/* U+FEFF */
		"\xe2\x80\x8b", "zw\xe2\x80\x8bsp",		/* U+200B */
		"\xef\xbf\xbd",					/* U+FFFD */
		"\xef\xb7\x90",					/* U+FDD0 */
		"\xf4\x8f\xbf\xbf",				/* U+10FFFF */
		"\xe2\x80\x94 dash", "\xe2\x80\x9cquoted\xe2\x80\x9d",
		"\xef\xbc\x9a fullwidth colon", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d",
		"\xe1\xba\x9e", "y\xcc\x88" "es", "\xc5\xb8" "ES",
		"\xd0\xb4\xd0\xb0", "\xe3\x81\x82: \xe3\x81\x84",
	};

	(void)state;
	roundtrip_strings(strings, sizeof(strings) / sizeof(*strings), false);
}

/*
 * U+FFFE and U+FFFF are valid UTF-8 but not YAML printable characters:
 * written raw, they make libyaml, PyYAML and kubectl refuse the whole
 * file, so the emitter must escape them ("\uFFFE") as it escapes U+FEFF.
 * (load.c now refuses them in specs, even escaped, so only trees built
 * otherwise reach the emitter with one.)
 */
static void test_noncharacters(void **state)
{
	static const char *const strings[] = {
		"\xef\xbf\xbe", "a\xef\xbf\xbe" "b",			/* U+FFFE */
		"\xef\xbf\xbf", "\xef\xbf\xbf" "z",			/* U+FFFF */
	};

	(void)state;
	roundtrip_strings(strings, sizeof(strings) / sizeof(*strings), false);
}

static void test_long_strings(void **state)
{
	const size_t lens[] = { 80, 81, 120, 255, 256, 257, 1023, 1024, 1025,
				1100, 5000, 70000 };
	struct gw_node *doc = gw_node_map(arena);
	struct gw_node *seq = gw_map_put(arena, doc, "seq", gw_node_seq(arena));
	struct gw_node *keyed = gw_map_put(arena, doc, "keyed",
					   gw_node_map(arena));
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(*lens); i++) {
		char *plain = gw_arena_alloc(arena, lens[i] + 1);
		char *spaced = gw_arena_alloc(arena, lens[i] + 1);
		char *lines = gw_arena_alloc(arena, lens[i] + 1);

		for (j = 0; j < lens[i]; j++) {
			plain[j] = (char)('a' + j % 26);
			spaced[j] = j % 7 == 6 ? ' ' : (char)('a' + j % 26);
			lines[j] = j % 50 == 49 ? '\n' :
				   j % 9 == 8 ? ' ' : (char)('A' + j % 26);
		}
		gw_seq_push(arena, seq, strn(plain, lens[i]));
		gw_seq_push(arena, seq, strn(spaced, lens[i]));
		gw_seq_push(arena, seq, strn(lines, lens[i]));
		if (lens[i] <= 1000) {
			gw_map_put(arena, keyed, plain, gw_node_int(arena, 1));
			gw_map_put(arena, keyed, spaced, strn(spaced, lens[i]));
		}
	}
	roundtrip(&doc, 1);
}

/*
 * Keys up to 1000 bytes read back.  libyaml writes a key longer than 128
 * characters as an explicit key ("? key" then ": value"), which must read
 * back as the same key; the emitter refuses longer ones than 1000 (YAML
 * caps implicit keys at 1024 characters, and the schema keeps spec keys
 * far shorter: Kubernetes names, at most 317 characters).
 */
static void test_long_keys(void **state)
{
	const size_t lens[] = { 2, 128, 129, 500, 999, 1000 },
		     too_long[] = { 1001, 1024, 5000 };
	struct gw_node *doc = gw_node_map(arena), *one;
	struct gw_buf text = { 0 };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(*lens); i++) {
		char *plain = gw_arena_alloc(arena, lens[i] + 1);
		char *spaced = gw_arena_alloc(arena, lens[i] + 1);

		for (j = 0; j < lens[i]; j++) {
			plain[j] = (char)('a' + j % 26);
			spaced[j] = j % 7 == 6 ? ' ' : (char)('a' + j % 26);
		}
		if (lens[i] > 1)
			spaced[0] = ' ';
		gw_map_put(arena, doc, plain, gw_node_int(arena, 1));
		gw_map_put(arena, doc, spaced, strn(spaced, lens[i]));
		/* the explicit-key form is the one being read back */
		one = gw_node_map(arena);
		gw_map_put(arena, one, plain, gw_node_int(arena, 1));
		text.len = 0;
		assert_int_equal(gw_emit_yaml(&text, &one, 1), 0);
		assert_int_equal(!strncmp(text.data, "? ", 2), lens[i] > 128);
	}
	gw_buf_release(&text);
	roundtrip(&doc, 1);
	for (i = 0; i < sizeof(too_long) / sizeof(*too_long); i++) {
		struct gw_node *bad = gw_node_map(arena);
		char *key = gw_arena_alloc(arena, too_long[i] + 1);
		struct gw_buf buf = { 0 };

		memset(key, 'k', too_long[i]);
		gw_map_put(arena, bad, key, gw_node_int(arena, 1));
		assert_int_equal(gw_emit_yaml(&buf, &bad, 1), -1);
		gw_buf_release(&buf);
	}
}

static void test_nul_in_string(void **state)
{
	struct gw_node *doc = gw_node_map(arena);

	(void)state;
	gw_map_put(arena, doc, "nul", strn("a\0b", 3));
	gw_map_put(arena, doc, "nul-end", strn("a\0", 2));
	gw_map_put(arena, doc, "only-nul", strn("\0", 1));
	roundtrip(&doc, 1);
}

static void test_typed_scalars(void **state)
{
	static const long long ints[] = {
		0, 1, -1, 7, 8, 10, 12, 60, 80, 443, 755, 1000, 15021, 65535,
		1LL << 31, -(1LL << 31), 1LL << 53, (1LL << 53) + 1,
		LLONG_MAX, LLONG_MIN, -LLONG_MAX,
	};
	static const double nums[] = { 0.5, -2.25, 1.5e-7, 3.0, 100.0,
				       123456.789, -0.0 };
	struct gw_node *doc = gw_node_map(arena), *seq, *m, *n;
	size_t i;

	(void)state;
	seq = gw_map_put(arena, doc, "ints", gw_node_seq(arena));
	for (i = 0; i < sizeof(ints) / sizeof(*ints); i++)
		gw_seq_push(arena, seq, gw_node_int(arena, ints[i]));
	seq = gw_map_put(arena, doc, "nums", gw_node_seq(arena));
	for (i = 0; i < sizeof(nums) / sizeof(*nums); i++) {
		n = gw_node_new(arena, GW_NUM);
		n->u.num = nums[i];
		gw_seq_push(arena, seq, n);
	}
	gw_map_put(arena, doc, "yes", gw_node_bool(arena, true));
	gw_map_put(arena, doc, "no", gw_node_bool(arena, false));
	gw_map_put(arena, doc, "on", gw_node_new(arena, GW_NULL));
	gw_map_put(arena, doc, "null", gw_node_str(arena, "null"));
	gw_map_put(arena, doc, "true", gw_node_str(arena, "true"));
	gw_map_put(arena, doc, "1", gw_node_str(arena, "1"));
	gw_map_put(arena, doc, "0x1F", gw_node_int(arena, 31));
	gw_map_put(arena, doc, "empty-map", gw_node_map(arena));
	gw_map_put(arena, doc, "empty-seq", gw_node_seq(arena));
	m = gw_map_put(arena, doc, "mixed", gw_node_map(arena));
	seq = gw_map_put(arena, m, "list", gw_node_seq(arena));
	gw_seq_push(arena, seq, gw_node_str(arena, "12"));
	gw_seq_push(arena, seq, gw_node_int(arena, 12));
	gw_seq_push(arena, seq, gw_node_str(arena, "true"));
	gw_seq_push(arena, seq, gw_node_bool(arena, true));
	gw_seq_push(arena, seq, gw_node_str(arena, ""));
	gw_seq_push(arena, seq, gw_node_new(arena, GW_NULL));
	gw_seq_push(arena, seq, gw_node_seq(arena));
	gw_seq_push(arena, seq, gw_node_map(arena));
	n = gw_node_seq(arena);
	gw_seq_push(arena, n, gw_node_seq(arena));
	gw_seq_push(arena, n, gw_node_str(arena, "- a"));
	gw_seq_push(arena, seq, n);
	roundtrip(&doc, 1);
}

/*
 * Numbers that a tree holds after gw_load_bytes typed them by the JSON
 * rules (1e20 and 1e-7 are JSON numbers) and that a spec passes through to
 * the output (env valueFrom, affinity, tls, http routes): they must come
 * back as the same numbers, not as strings.  YAML 1.1 (PyYAML) reads a
 * float only with a "." and a signed exponent: "1e+20" and "1e-07" are
 * strings there, "1.0e+20" is a float for every reader.
 */
static void test_json_numbers(void **state)
{
	static const double nums[] = { 1e20, 1e21, 1e-7, 1e300, 2.5e-300,
				       12345678901234567890.0 };
	struct gw_node *doc = gw_node_seq(arena), *n;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(nums) / sizeof(*nums); i++) {
		n = gw_node_new(arena, GW_NUM);
		n->u.num = nums[i];
		gw_seq_push(arena, doc, n);
	}
	roundtrip(&doc, 1);
}

/* Each of @strings marked literal as a mapping value, a sequence item and
 * a value two levels deep, in one document. */
static void roundtrip_literals(const char *const *strings, size_t n,
			       bool blocks)
{
	struct gw_node *doc = gw_node_map(arena), *str;
	struct gw_node *values = gw_map_put(arena, doc, "values",
					    gw_node_map(arena));
	struct gw_node *items = gw_map_put(arena, doc, "items",
					   gw_node_seq(arena));
	struct gw_node *nested = gw_map_put(arena, doc, "nested",
					    gw_node_seq(arena));
	size_t i, at;

	for (i = 0; i < n; i++) {
		str = gw_node_str(arena, strings[i]);
		str->literal = true;
		gw_map_put(arena, values, gw_arena_printf(arena, "v%zu", i),
			   str);
		gw_seq_push(arena, items, str);
		gw_seq_push(arena, nested, gw_node_map(arena));
		at = nested->u.seq.n - 1;
		gw_seq_push(arena, gw_map_put(arena, nested->u.seq.items[at],
					      "k", gw_node_seq(arena)), str);
	}
	roundtrip_as(&doc, 1, blocks);
}

/* Text as a script holds it comes back byte for byte from a literal block:
 * comments, indicators, quotes and backslashes as they are, indentation,
 * empty lines, no or several final line breaks; text no block can hold
 * (tabs, CR, a space before a break or at the end, U+2028) comes back
 * from double quotes. */
static void test_literal_blocks(void **state)
{
	static const char *const blocks[] = {
		"local hs = {}\nif obj.status == nil then\n  return hs\nend\n",
		"-- a comment\n# not one\n--- not a marker\n...\n",
		"key: value\n- item\n? complex\n: value\n&anchor *alias !tag\n",
		"'single' \"double\" \\ back\\slash %percent @at `tick`\n",
		"  two spaces first\nthen none\n    then four\n",
		"\nafter an empty first line\n",
		"two breaks at the end\n\n",
		"three\n\n\n",
		"\n",
		"no break at the end",
		"one\n\n\nempty lines between\n",
		"true\nnull\n0755\n",
		"caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xef\xbf\xbd\n",
	};
	static const char *const quoted[] = {
		"", "\tindented by a tab\n", "a space before \nthe break\n",
		"a space at the end ", "crlf\r\n", "line\xe2\x80\xa8separator\n",
		"bom\xef\xbb\xbf\n", "nel\xc2\x85\n",
	};

	(void)state;
	roundtrip_literals(blocks, sizeof(blocks) / sizeof(*blocks), true);
	roundtrip_literals(quoted, sizeof(quoted) / sizeof(*quoted), false);
}

static void test_documents(void **state)
{
	struct gw_node *docs[6];
	size_t i;

	(void)state;
	docs[0] = gw_node_str(arena, "---");
	docs[1] = gw_node_str(arena, "...");
	docs[2] = gw_node_map(arena);
	gw_map_put(arena, docs[2], "---", gw_node_str(arena, "..."));
	docs[3] = gw_node_seq(arena);
	gw_seq_push(arena, docs[3], gw_node_str(arena, "--- a"));
	gw_seq_push(arena, docs[3], gw_node_str(arena, "... b"));
	docs[4] = gw_node_str(arena, "");
	docs[5] = gw_node_str(arena, "a\n---\nb");
	for (i = 0; i < 6; i++)
		roundtrip(&docs[i], 1);
	roundtrip(docs, 6);
}

/* ---- out/: the committed output ---------------------------------------- */

static char repo_top[PATH_MAX];

/* The repository: $top (set by tests/run.sh), else a parent of the working
 * directory that holds gen/gwc.h. */
static bool find_top(void)
{
	const char *env = getenv("top");
	char dir[PATH_MAX], probe[PATH_MAX + 16];
	int up;

	if (env && *env) {
		snprintf(repo_top, sizeof(repo_top), "%s", env);
		return true;
	}
	if (!getcwd(dir, sizeof(dir)))
		return false;
	for (up = 0; up < 6; up++) {
		char *slash;

		snprintf(probe, sizeof(probe), "%s/gen/gwc.h", dir);
		if (!access(probe, R_OK)) {
			snprintf(repo_top, sizeof(repo_top), "%s", dir);
			return true;
		}
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return false;
		*slash = '\0';
	}
	return false;
}

static unsigned out_files, out_errors;

static int check_out_file(const char *path, const struct stat *st, int flag,
			  struct FTW *ftw)
{
	size_t len = strlen(path), ndocs, loaded = 0;
	struct gw_arena *a;
	struct gw_diag diag;
	struct fy_diag *fydiag;
	struct fy_parser *fyp;
	struct fy_document *fyd;
	char *data;
	size_t size;

	(void)st;
	(void)ftw;
	if (flag != FTW_F || len < 5 || strcmp(path + len - 5, ".yaml"))
		return 0;
	out_files++;
	a = gw_arena_new();
	gw_diag_init(&diag, a);
	if (gw_load_read(a, &diag, path, &data, &size)) {
		gw_diag_print(&diag, stderr);
		out_errors++;
		gw_arena_free(a);
		return 0;
	}
	/* every plain scalar typed alike by YAML 1.1 and 1.2 readers */
	if (check_events(path, data, size, &ndocs, true)) {
		out_errors++;
		gw_arena_free(a);
		return 0;
	}
	fyp = open_parser(data, size, &fydiag);
	while ((fyd = fy_parse_load_document(fyp))) {
		loaded++;
		if (!fy_document_root(fyd) ||
		    fy_node_get_type(fy_document_root(fyd)) != FYNT_MAPPING) {
			print_error("error: %s: document %zu is no mapping\n",
				    path, loaded);
			out_errors++;
		}
		fy_parse_document_destroy(fyp, fyd);
	}
	if (fy_parser_get_stream_error(fyp)) {
		print_parse_errors(path, fydiag);
		out_errors++;
	}
	fy_parser_destroy(fyp);
	fy_diag_destroy(fydiag);
	if (loaded != ndocs) {
		print_error("error: %s: %zu documents, %zu loaded\n", path,
			    ndocs, loaded);
		out_errors++;
	}
	gw_arena_free(a);
	return 0;
}

static void test_out_folder(void **state)
{
	char out[PATH_MAX + 8];
	struct stat st;

	(void)state;
	if (!find_top()) {
		print_message("skip: the repository (gen/gwc.h) is not found "
			      "from here; set top=\n");
		skip();
	}
	snprintf(out, sizeof(out), "%s/out", repo_top);
	if (stat(out, &st) || !S_ISDIR(st.st_mode)) {
		print_message("skip: %s is absent\n", out);
		skip();
	}
	out_files = out_errors = 0;
	assert_int_equal(nftw(out, check_out_file, 16, FTW_PHYS), 0);
	print_message("%u YAML files under %s parsed\n", out_files, out);
	assert_true(out_files > 0);
	assert_int_equal(out_errors, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_special_words, new_arena,
						free_arena),
		cmocka_unit_test_setup_teardown(test_numbers, new_arena,
						free_arena),
		cmocka_unit_test_setup_teardown(test_dates, new_arena,
						free_arena),
		cmocka_unit_test_setup_teardown(test_spaces_and_empty,
						new_arena, free_arena),
		cmocka_unit_test_setup_teardown(test_colon_and_hash, new_arena,
						free_arena),
		cmocka_unit_test_setup_teardown(test_indicators_at_start,
						new_arena, free_arena),
		cmocka_unit_test_setup_teardown(test_quotes_backslashes_controls,
						new_arena, free_arena),
		cmocka_unit_test_setup_teardown(test_unicode, new_arena,
						free_arena),
		cmocka_unit_test_setup_teardown(test_noncharacters, new_arena,
						free_arena),
		cmocka_unit_test_setup_teardown(test_long_strings, new_arena,
						free_arena),
		cmocka_unit_test_setup_teardown(test_long_keys, new_arena,
						free_arena),
		cmocka_unit_test_setup_teardown(test_nul_in_string, new_arena,
						free_arena),
		cmocka_unit_test_setup_teardown(test_typed_scalars, new_arena,
						free_arena),
		cmocka_unit_test_setup_teardown(test_json_numbers, new_arena,
						free_arena),
		cmocka_unit_test_setup_teardown(test_documents, new_arena,
						free_arena),
		cmocka_unit_test_setup_teardown(test_literal_blocks, new_arena,
						free_arena),
		cmocka_unit_test(test_out_folder),
	};

	return cmocka_run_group_tests_name("readback", tests, compile_rules,
					   free_rules);
}
