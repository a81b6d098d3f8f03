/*
 * emit.c - trees to bytes: YAML exactly as libyaml's event emitter writes
 * it (but without libyaml), JSON as jq prints it.
 *
 * The quoting decision is ours (see YAML-NOTES): a string is written plain
 * only when no YAML 1.1 or 1.2 reader (go-yaml v2 and v3 in kubectl and
 * kustomize, PyYAML, libyaml) can take it for anything but that string;
 * otherwise it is written double-quoted.  Output is block style with
 * infinite width: no folding.  (gw_diag_quote() is a similar escaping
 * for messages.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

/* Words some YAML reader resolves to a bool, null or float, in any case
 * (lowercase here). */
static const struct { char word[9]; size_t len; } special_words[] = {
	{ "y", 1 }, { "n", 1 }, { "yes", 3 }, { "no", 2 }, { "on", 2 },
	{ "off", 3 }, { "true", 4 }, { "false", 5 }, { "null", 4 },
	{ "nan", 3 }, { "inf", 3 }, { "infinity", 8 },
};
#define SPECIAL_WORD_MAX 8

/* Quantity-like suffixes after leading digits that no reader takes as a
 * number: "100m", "128Mi", "2000m". */
static const struct { char suffix[3]; size_t len; } unit_suffixes[] = {
	{ "m", 1 }, { "k", 1 }, { "M", 1 }, { "G", 1 }, { "T", 1 },
	{ "P", 1 }, { "Ki", 2 }, { "Mi", 2 }, { "Gi", 2 }, { "Ti", 2 },
	{ "Pi", 2 }, { "Ei", 2 },
};

/* [a-zA-Z0-9._/-] as a bit per ASCII code: '-' '.' '/' '0'-'9' in the
 * first word, 'A'-'Z' '_' 'a'-'z' in the second. */
static const uint64_t plain_chars[2] = {
	0x1fffull << 45,
	0x3ffffffull << 33 | 1ull << 31 | 0x3ffffffull << 1,
};

static bool is_plain_char(unsigned char c)
{
	return c < 128 && (plain_chars[c >> 6] >> (c & 63) & 1);
}

/* True if @s (of plain characters only) is a special word in any case:
 * of those characters, only letters can fold to a lowercase letter. */
static bool is_special_word(const char *s, size_t len)
{
	size_t w, i;

	if (len > SPECIAL_WORD_MAX)
		return false;
	switch (s[0] | 0x20) {
	case 'y': case 'n': case 'o': case 't': case 'f': case 'i':
		break;
	default:
		return false;	/* no special word starts otherwise */
	}
	for (w = 0; w < sizeof(special_words) / sizeof(*special_words); w++) {
		if (special_words[w].len != len)
			continue;
		for (i = 0; i < len && (s[i] | 0x20) == special_words[w].word[i];)
			i++;
		if (i == len)
			return true;
	}
	return false;
}

bool gw_emit_plain_safe(const char *s, size_t len)
{
	size_t i, digits;

	if (!len || len > 256)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		/* lowercase letters are most, and cheapest to check */
		if ((unsigned char)(c - 'a') >= 26 && !is_plain_char(c))
			return false;
	}
	if (is_special_word(s, len))
		return false;
	if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	    s[0] == '/')
		return true;
	if (s[0] < '0' || s[0] > '9')
		return false;
	for (digits = 0; digits < len && s[digits] >= '0' && s[digits] <= '9';)
		digits++;
	for (i = 0; i < sizeof(unit_suffixes) / sizeof(*unit_suffixes); i++)
		if (unit_suffixes[i].len == len - digits &&
		    !memcmp(s + digits, unit_suffixes[i].suffix, len - digits))
			return true;
	return false;
}

/* ---- YAML -------------------------------------------------------------- */

/*
 * gwc writes YAML itself, straight into the buffer, and byte for byte as
 * libyaml 0.2.5's event emitter writes the same events (block style,
 * indent 2, infinite width, unicode, LF; tests/unit/test_emit_diff.c holds
 * the two side by side).  The layout follows four pieces of state, as
 * libyaml's does:
 *
 *   indent      the column of the current collection's entries, -1 before
 *               the root;
 *   column      bytes written since the last line break (only compared while
 *               the line holds nothing but indicators);
 *   whitespace  the last byte written separates: an indicator or scalar
 *               after it needs no space of its own;
 *   indention   the line holds only indentation and "-", "?" or ":"
 *               indicators, so a nested block collection may start on it
 *               ("- a: 1", "- - a", ": - a").
 *
 * The results: a sequence that is a simple key's value is not indented
 * ("key:\n- a"); an empty collection is "{}" or "[]" wherever it stands; a
 * key longer than 128 bytes or holding a line break is an explicit
 * "? key\n: value" entry; a scalar document after the first shares the
 * "---" line.  Scalars are plain where gw_emit_plain_safe() allows (or a
 * number, true, false, null) and double-quoted otherwise, with libyaml's
 * escapes (yaml_escape()); a string value marked literal is a literal
 * block where libyaml would write one (yaml_literal()).  A string that is
 * not UTF-8 (or holds a
 * surrogate or a code point beyond U+10FFFF) is refused, as is a key over
 * 1000 bytes: gw_emit_yaml() then returns -1 and leaves @buf as it was.
 * No document tree or event queue is built; bytes gather in a 4 KiB stage.
 */
struct yaml_out {
	struct gw_buf *buf;
	int indent;
	size_t column;
	bool whitespace, indention;
	bool open_ended;	/* the document's last block was "|+" */
	size_t staged;		/* bytes in stage, not yet in buf */
	char stage[4096];
};

enum yaml_place { YAML_ROOT, YAML_ITEM, YAML_VALUE };

#define KEY_SIMPLE_MAX 128	/* longer keys are written as "? key" */
#define KEY_MAX 1000		/* longer keys are refused */

static void yaml_flush(struct yaml_out *o)
{
	if (o->staged)
		gw_buf_add(o->buf, o->stage, o->staged);
	o->staged = 0;
}

static void yaml_put_long(struct yaml_out *o, const void *s, size_t len)
{
	yaml_flush(o);
	if (len > sizeof(o->stage)) {
		gw_buf_add(o->buf, s, len);
		return;
	}
	memcpy(o->stage, s, len);
	o->staged = len;
}

/* Appends bytes: small pieces gather in the stage, one gw_buf_add() per
 * 4 KiB. */
static inline void yaml_put(struct yaml_out *o, const void *s, size_t len)
{
	if (len > sizeof(o->stage) - o->staged) {
		yaml_put_long(o, s, len);
		return;
	}
	memcpy(o->stage + o->staged, s, len);
	o->staged += len;
}

/* A line break unless the line holds just the indentation already, then
 * spaces up to the indentation. */
static void yaml_indent(struct yaml_out *o)
{
	static const char spaces[] = "\n" "                                "
		"                                ";	/* 64 spaces */
	size_t want = o->indent > 0 ? (size_t)o->indent : 0;
	size_t pad;

	if (!o->indention || o->column > want ||
	    (o->column == want && !o->whitespace)) {
		/* the break and the indentation in one */
		pad = want < sizeof(spaces) - 2 ? want : sizeof(spaces) - 2;
		yaml_put(o, spaces, 1 + pad);
		o->column = pad;
	}
	for (pad = want - o->column; pad;) {
		size_t n = pad < sizeof(spaces) - 2 ? pad : sizeof(spaces) - 2;

		yaml_put(o, spaces + 1, n);
		pad -= n;
	}
	o->column = want;
	o->whitespace = o->indention = true;
}

/* "-", "?", ":" or "---"; after a space if @spaced and none is there.
 * "-", "?" and the ":" of an explicit key keep the line an indention. */
static void yaml_indicator(struct yaml_out *o, const char *s, size_t len,
			   bool spaced, bool keeps_indention)
{
	if (spaced && !o->whitespace) {
		yaml_put(o, " ", 1);
		o->column++;
	}
	yaml_put(o, s, len);
	o->column += len;
	o->whitespace = false;
	o->indention = o->indention && keeps_indention;
}

/* Any scalar or empty collection as it is, after a space unless one is
 * there. */
static void yaml_plain(struct yaml_out *o, const char *s, size_t len)
{
	if (!o->whitespace)
		yaml_put(o, " ", 1);
	yaml_put(o, s, len);
	o->column += len + 1;
	o->whitespace = o->indention = false;
}

/* libyaml's escape of @cp in a double-quoted scalar into @esc, or 0 when
 * @cp is written as it is: every C0 control and DEL, '"', '\\', C1 (NEL
 * as "\N"), U+2028/9 ("\L", "\P"), U+FEFF, U+FFFE/F and every character
 * beyond the BMP (libyaml prints only U+0020-U+D7FF and U+E000-U+FFFD). */
static size_t yaml_escape(uint32_t cp, char esc[10])
{
	static const char hex[] = "0123456789ABCDEF";
	static const char named[0x60] = {
		[0x00] = '0', [0x07] = 'a', [0x08] = 'b', [0x09] = 't',
		[0x0a] = 'n', [0x0b] = 'v', [0x0c] = 'f', [0x0d] = 'r',
		[0x1b] = 'e', [0x22] = '"', [0x5c] = '\\',
	};
	size_t digits, i;

	if (cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\')
		return 0;
	if (cp >= 0xa0 && cp <= 0xfffd && cp != 0x2028 && cp != 0x2029 &&
	    cp != 0xfeff && (cp < 0xd800 || cp > 0xdfff))
		return 0;
	esc[0] = '\\';
	if (cp < sizeof(named) && named[cp]) {
		esc[1] = named[cp];
		return 2;
	}
	if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
		esc[1] = cp == 0x85 ? 'N' : cp == 0x2028 ? 'L' : 'P';
		return 2;
	}
	if (cp <= 0xff)
		esc[1] = 'x', digits = 2;
	else if (cp <= 0xffff)
		esc[1] = 'u', digits = 4;
	else
		esc[1] = 'U', digits = 8;
	for (i = 0; i < digits; i++)
		esc[1 + digits - i] = hex[cp >> 4 * i & 0xf];
	return 2 + digits;
}

/* @s double-quoted, runs that need no escape copied at once; -1 if @s is
 * not UTF-8. */
static int yaml_quoted(struct yaml_out *o, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	if (o->whitespace)
		yaml_put(o, "\"", 1);
	else
		yaml_put(o, " \"", 2);
	while (i < len) {
		uint32_t cp = p[i];
		size_t width = 1, n;
		char esc[10];

		if (cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\') {
			i++;	/* the common case: printable ASCII */
			continue;
		}
		if (cp >= 0x80) {
			width = gw_utf8_decode(p + i, len - i, &cp);
			if (!width)
				return -1;
		}
		n = yaml_escape(cp, esc);
		if (n) {
			yaml_put(o, s + run, i - run);
			yaml_put(o, esc, n);
			run = i + width;
		}
		i += width;
	}
	yaml_put(o, s + run, len - run);
	yaml_put(o, "\"", 1);
	o->column += len + 3;
	o->whitespace = o->indention = false;
	return 0;
}

/* An integer as "%lld" writes it, without printf's cost. */
static void yaml_integer(struct yaml_out *o, long long i)
{
	unsigned long long u = i < 0 ? 0ull - (unsigned long long)i :
				       (unsigned long long)i;
	char num[24], *p = num + sizeof(num);

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (i < 0)
		*--p = '-';
	yaml_plain(o, p, (size_t)(num + sizeof(num) - p));
}

static void yaml_float(struct yaml_out *o, double d)
{
	char num[40], *e;

	gw_format_number(num, d);
	/* YAML 1.1 (PyYAML) reads 1e-07 as a string: write 1.0e-07 */
	e = strchr(num, 'e');
	if (e && !strchr(num, '.') && strlen(num) + 2 < sizeof(num)) {
		memmove(e + 2, e, strlen(e) + 1);
		memcpy(e, ".0", 2);
	}
	yaml_plain(o, num, strlen(num));
}

static int yaml_string(struct yaml_out *o, const char *s, size_t len,
		       bool plain)
{
	if (plain) {
		yaml_plain(o, s, len);
		return 0;
	}
	return yaml_quoted(o, s, len);
}

/* True if @s holds a line break (LF, CR, NEL, U+2028, U+2029). */
static bool has_break(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || c == '\r')
			return true;
		if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0x85)
			return true;
		if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xa8 ||
		     (unsigned char)s[i + 2] == 0xa9))
			return true;
	}
	return false;
}

/*
 * Literal blocks (struct gw_node.literal): a mapping value or a sequence
 * item is written as libyaml writes a scalar event of
 * YAML_LITERAL_SCALAR_STYLE where libyaml allows a block scalar: a string
 * that is not empty, ends in no space, has no space before a line break,
 * and whose every character is one libyaml prints as it is (LF,
 * U+0020-U+007E, U+00A0-U+D7FF, U+E000-U+FFFD but U+FEFF: no tab, no CR).
 * Also no U+2028/U+2029: libyaml breaks the block's lines there, where a
 * YAML 1.2 reader (go-yaml v3 in kustomize) sees text and would read the
 * next line's indentation into the string.  A whole document is no block
 * either: libyaml indents its lines by 2 where the YAML spec (and
 * libfyaml) reads a top-level "|2" as 1.  Any other string marked literal
 * is written as if it were not.
 */
static bool literal_allowed(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, width;
	uint32_t cp;

	if (!len || s[len - 1] == ' ')
		return false;
	while (i < len) {
		if (p[i] == '\n' || (p[i] >= 0x20 && p[i] < 0x7f)) {
			if (p[i] == ' ' && i + 1 < len && p[i + 1] == '\n')
				return false;
			i++;
			continue;
		}
		if (p[i] < 0x80)
			return false;	/* C0 controls, tab, CR, DEL */
		width = gw_utf8_decode(p + i, len - i, &cp);
		if (!width || cp < 0xa0 || cp == 0x2028 || cp == 0x2029 ||
		    cp == 0xfeff || cp > 0xfffd)
			return false;
		i += width;
	}
	return true;
}

/*
 * "|", an indentation indicator ("2") when the text starts with a space
 * or a line break, a chomping indicator ("-" without a final line break,
 * "+" with more than one), then each line at the collection's indentation
 * plus 2 (empty lines empty).  After a "|+" block libyaml ends the stream
 * with "..." unless another block follows in the document (open_ended).
 */
static void yaml_literal(struct yaml_out *o, const char *s, size_t len)
{
	static const char spaces[] = "                                "
		"                                ";	/* 64 */
	size_t want = (size_t)o->indent + 2;	/* in a collection: >= 0 */
	size_t i, end, pad, n;

	yaml_indicator(o, "|", 1, true, false);
	if (s[0] == ' ' || s[0] == '\n')
		yaml_put(o, "2", 1);
	o->open_ended = false;
	if (s[len - 1] != '\n') {
		yaml_put(o, "-", 1);
	} else if (len == 1 || s[len - 2] == '\n') {
		yaml_put(o, "+", 1);
		o->open_ended = true;
	}
	yaml_put(o, "\n", 1);
	for (i = 0; i < len; i = end + 1) {
		end = i;
		while (end < len && s[end] != '\n')
			end++;
		if (end > i) {
			for (pad = want; pad; pad -= n) {
				n = pad < sizeof(spaces) - 1 ? pad :
					sizeof(spaces) - 1;
				yaml_put(o, spaces, n);
			}
			yaml_put(o, s + i, end - i);
		}
		if (end < len)
			yaml_put(o, "\n", 1);
	}
	/* as libyaml leaves it: a line break ends the block where the text
	 * ends with one, else the next line must be started */
	o->column = s[len - 1] == '\n' ? 0 : want + 1;
	o->whitespace = true;
	o->indention = s[len - 1] == '\n';
}

static int yaml_node(struct yaml_out *o, const struct gw_node *n,
		     enum yaml_place place);

static int yaml_mapping(struct yaml_out *o, const struct gw_node *n)
{
	int outer = o->indent;
	bool plain;
	size_t i;

	if (!n->u.map.n) {
		yaml_plain(o, "{}", 2);
		return 0;
	}
	o->indent = outer < 0 ? 0 : outer + 2;
	for (i = 0; i < n->u.map.n; i++) {
		const struct gw_node *key = n->u.map.pairs[i].key;

		/* refused: keys no reader need accept (YAML caps implicit
		 * keys at 1024 characters) */
		if (key->u.str.len > KEY_MAX)
			return -1;
		plain = gw_emit_plain_safe(key->u.str.s, key->u.str.len);
		yaml_indent(o);
		/* "key: value" for a key of at most 128 bytes on one line */
		if (key->u.str.len <= KEY_SIMPLE_MAX &&
		    (plain || !has_break(key->u.str.s, key->u.str.len))) {
			if (yaml_string(o, key->u.str.s, key->u.str.len, plain))
				return -1;
			yaml_indicator(o, ":", 1, false, false);
		} else {
			yaml_indicator(o, "?", 1, true, true);
			if (yaml_string(o, key->u.str.s, key->u.str.len, plain))
				return -1;
			yaml_indent(o);
			yaml_indicator(o, ":", 1, true, true);
		}
		if (yaml_node(o, n->u.map.pairs[i].value, YAML_VALUE))
			return -1;
	}
	o->indent = outer;
	return 0;
}

static int yaml_sequence(struct yaml_out *o, const struct gw_node *n,
			 enum yaml_place place)
{
	int outer = o->indent;
	size_t i;

	if (!n->u.seq.n) {
		yaml_plain(o, "[]", 2);
		return 0;
	}
	/* "key:\n- a": not indented after a simple key's ":" */
	if (outer < 0)
		o->indent = 0;
	else if (place != YAML_VALUE || o->indention)
		o->indent = outer + 2;
	for (i = 0; i < n->u.seq.n; i++) {
		yaml_indent(o);
		yaml_indicator(o, "-", 1, true, true);
		if (yaml_node(o, n->u.seq.items[i], YAML_ITEM))
			return -1;
	}
	o->indent = outer;
	return 0;
}

static int yaml_node(struct yaml_out *o, const struct gw_node *n,
		     enum yaml_place place)
{
	switch (n->kind) {
	case GW_NULL:
		yaml_plain(o, "null", 4);
		return 0;
	case GW_BOOL:
		if (n->u.b)
			yaml_plain(o, "true", 4);
		else
			yaml_plain(o, "false", 5);
		return 0;
	case GW_INT:
		yaml_integer(o, n->u.i);
		return 0;
	case GW_NUM:
		yaml_float(o, n->u.num);
		return 0;
	case GW_STR:
		if (n->literal && place != YAML_ROOT &&
		    literal_allowed(n->u.str.s, n->u.str.len)) {
			yaml_literal(o, n->u.str.s, n->u.str.len);
			return 0;
		}
		return yaml_string(o, n->u.str.s, n->u.str.len,
				   gw_emit_plain_safe(n->u.str.s,
						      n->u.str.len));
	case GW_SEQ:
		return yaml_sequence(o, n, place);
	case GW_MAP:
		return yaml_mapping(o, n);
	}
	return -1;
}

int gw_emit_yaml(struct gw_buf *buf, struct gw_node *const *docs, size_t n)
{
	struct yaml_out o;
	size_t start = buf->len, i;

	o.buf = buf;
	o.indent = -1;
	o.column = o.staged = 0;
	o.whitespace = o.indention = true;
	o.open_ended = false;

	for (i = 0; i < n; i++) {
		if (i) {
			yaml_indent(&o);
			yaml_indicator(&o, "---", 3, true, false);
			o.open_ended = false;
		}
		if (yaml_node(&o, docs[i], YAML_ROOT))
			goto fail;
		o.indent = -1;
		yaml_indent(&o);
	}
	if (o.open_ended) {
		/* the last document's text may end in empty lines: mark
		 * its end */
		yaml_indicator(&o, "...", 3, true, false);
		yaml_indent(&o);
	}
	yaml_flush(&o);
	return 0;
fail:
	/* nothing of a stream that cannot be written */
	buf->len = start;
	if (buf->data)
		buf->data[start] = '\0';
	return -1;
}

/* ---- JSON -------------------------------------------------------------- */

/* @s as a JSON string; runs that need no escape are copied at once. */
static void json_string(struct gw_buf *buf, const char *s, size_t len)
{
	size_t i, run = 0;

	gw_buf_add(buf, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		gw_buf_add(buf, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': gw_buf_add(buf, "\\\"", 2); break;
		case '\\': gw_buf_add(buf, "\\\\", 2); break;
		case '\b': gw_buf_add(buf, "\\b", 2); break;
		case '\f': gw_buf_add(buf, "\\f", 2); break;
		case '\n': gw_buf_add(buf, "\\n", 2); break;
		case '\r': gw_buf_add(buf, "\\r", 2); break;
		case '\t': gw_buf_add(buf, "\\t", 2); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			gw_buf_add(buf, esc, 6);
		}
	}
	gw_buf_add(buf, s + run, len - run);
	gw_buf_add(buf, "\"", 1);
}

static void indent(struct gw_buf *buf, int level)
{
	int i;

	for (i = 0; i < level; i++)
		gw_buf_add(buf, "  ", 2);
}

static void json_node(struct gw_buf *buf, const struct gw_node *n, int level)
{
	size_t i;

	switch (n->kind) {
	case GW_NULL:
		gw_buf_puts(buf, "null");
		break;
	case GW_BOOL:
		gw_buf_puts(buf, n->u.b ? "true" : "false");
		break;
	case GW_INT:
		gw_buf_printf(buf, "%lld", n->u.i);
		break;
	case GW_NUM: {
		char num[GW_NUMBER_SIZE];

		gw_format_number(num, n->u.num);
		gw_buf_puts(buf, num);
		break;
	}
	case GW_STR:
		json_string(buf, n->u.str.s, n->u.str.len);
		break;
	case GW_SEQ:
		if (!n->u.seq.n) {
			gw_buf_puts(buf, "[]");
			break;
		}
		gw_buf_puts(buf, "[\n");
		for (i = 0; i < n->u.seq.n; i++) {
			indent(buf, level + 1);
			json_node(buf, n->u.seq.items[i], level + 1);
			gw_buf_puts(buf, i + 1 < n->u.seq.n ? ",\n" : "\n");
		}
		indent(buf, level);
		gw_buf_puts(buf, "]");
		break;
	case GW_MAP:
		if (!n->u.map.n) {
			gw_buf_puts(buf, "{}");
			break;
		}
		gw_buf_puts(buf, "{\n");
		for (i = 0; i < n->u.map.n; i++) {
			const struct gw_pair *p = &n->u.map.pairs[i];

			indent(buf, level + 1);
			json_string(buf, p->key->u.str.s, p->key->u.str.len);
			gw_buf_puts(buf, ": ");
			json_node(buf, p->value, level + 1);
			gw_buf_puts(buf, i + 1 < n->u.map.n ? ",\n" : "\n");
		}
		indent(buf, level);
		gw_buf_puts(buf, "}");
		break;
	}
}

void gw_emit_json(struct gw_buf *buf, const struct gw_node *node)
{
	json_node(buf, node, 0);
	gw_buf_puts(buf, "\n");
}
