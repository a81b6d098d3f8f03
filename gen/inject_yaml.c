/*
 * inject_yaml.c - a tree written as sigs.k8s.io/yaml writes it: go-yaml
 * v2's emitter after a JSON round trip, the layout `istioctl kube-inject`
 * prints.
 *
 * Consumes a JSON-shaped gw_node tree; produces YAML bytes with mapping keys
 * in go-yaml's "natural" order, sequences not indented under their key,
 * 2-space indentation, strings plain when go-yaml would resolve them back as
 * strings, else double-quoted; single-quoted when plain is not allowed;
 * literal blocks for multi-line strings; long plain and quoted scalars
 * folded at spaces past column 80, as go-yaml's best_width.
 */
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

#define BEST_WIDTH 80

enum style { S_PLAIN, S_SINGLE, S_DOUBLE, S_LITERAL };

static bool is_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* go-yaml v2's keyList.Less for two string keys. */
bool gw_k8s_yaml_key_less(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;

	for (i = 0; i < la && i < lb; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		long long an = 0, bn = 0;
		size_t ai, bi;
		bool al, bl;

		if (x == y)
			continue;
		al = is_letter(x);
		bl = is_letter(y);
		if (al && bl)
			return x < y;
		if (al || bl)
			return bl;
		if (x == '0' || y == '0') {
			size_t j;

			for (j = i; j-- > 0 && is_digit((unsigned char)a[j]);)
				if (a[j] != '0') {
					an = 1;
					bn = 1;
					break;
				}
		}
		for (ai = i; ai < la && is_digit((unsigned char)a[ai]); ai++)
			an = an * 10 + (a[ai] - '0');
		for (bi = i; bi < lb && is_digit((unsigned char)b[bi]); bi++)
			bn = bn * 10 + (b[bi] - '0');
		if (an != bn)
			return an < bn;
		if (ai != bi)
			return ai < bi;
		return x < y;
	}
	return la < lb;
}

static int compare_keys(const void *pa, const void *pb)
{
	const struct gw_pair *a = pa, *b = pb;

	if (gw_k8s_yaml_key_less(a->key->u.str.s, b->key->u.str.s))
		return -1;
	return gw_k8s_yaml_key_less(b->key->u.str.s, a->key->u.str.s);
}

/* Go's strconv.ParseInt(s, 0, 64) succeeds (or ParseUint). */
static bool parses_int(const char *s)
{
	int base = 10;

	if (*s == '+' || *s == '-')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
		base = 8;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		base = 8;
		s++;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		int d = is_digit((unsigned char)*s) ? *s - '0' :
			(*s >= 'a' && *s <= 'f') ? *s - 'a' + 10 :
			(*s >= 'A' && *s <= 'F') ? *s - 'A' + 10 : 99;

		if (d >= base)
			return false;
	}
	return true;	/* out of range still resolves as a float */
}

/* go-yaml's float pattern ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool matches_float(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (*s == '.') {
		if (!is_digit((unsigned char)*++s))
			return false;
		while (is_digit((unsigned char)*s))
			s++;
	} else {
		if (!is_digit((unsigned char)*s))
			return false;
		while (is_digit((unsigned char)*s))
			s++;
		if (*s == '.')
			for (s++; is_digit((unsigned char)*s); s++)
				;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!is_digit((unsigned char)*s))
			return false;
		while (is_digit((unsigned char)*s))
			s++;
	}
	return !*s;
}

/* ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool is_base60_float(const char *s)
{
	int groups = 0;

	if (*s == '+' || *s == '-')
		s++;
	if (!is_digit((unsigned char)*s))
		return false;
	while (is_digit((unsigned char)*s) || *s == '_')
		s++;
	while (*s == ':') {
		s++;
		if (is_digit((unsigned char)s[0]) && is_digit((unsigned char)s[1])) {
			if (s[0] > '5')
				return false;
			s += 2;
		} else if (is_digit((unsigned char)s[0])) {
			s++;
		} else {
			return false;
		}
		groups++;
	}
	if (!groups)
		return false;
	if (*s == '.')
		for (s++; is_digit((unsigned char)*s) || *s == '_'; s++)
			;
	return !*s;
}

/* True when go-yaml v2 would read @s, written plain, as a non-string. */
static bool resolves_other(struct gw_arena *arena, const char *s, size_t len)
{
	static const char *const words[] = {
		"~", "null", "Null", "NULL", "true", "True", "TRUE", "false",
		"False", "FALSE", "y", "Y", "yes", "Yes", "YES", "n", "N", "no",
		"No", "NO", "on", "On", "ON", "off", "Off", "OFF", ".nan",
		".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf",
		"+.INF", "-.inf", "-.Inf", "-.INF", "<<",
	};
	char *plain, *w;
	size_t i;

	if (!len)
		return true;
	for (i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == len && !memcmp(words[i], s, len))
			return true;
	if (is_base60_float(s))
		return true;
	if (!strchr("+-.0123456789", s[0]))
		return false;
	plain = w = gw_arena_strndup(arena, s, len);
	for (i = 0; i < len; i++)
		if (s[i] != '_')
			*w++ = s[i];
	*w = 0;
	return parses_int(plain) || matches_float(plain);
}

struct analysis {
	bool line_breaks, flow_plain, block_plain, single, block;
};

static bool blankz(const char *s, size_t len, size_t i)
{
	return i >= len || s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	       s[i] == '\r';
}

/* go-yaml's yaml_emitter_analyze_scalar, for UTF-8 text. */
static struct analysis analyze(const char *s, size_t len)
{
	struct analysis a = { false, true, true, true, true };
	bool flow_ind = false, block_ind = false, special = false;
	bool leading_space = false, leading_break = false;
	bool trailing_space = false, trailing_break = false;
	bool break_space = false, space_break = false;
	bool prev_space = false, prev_break = false;
	bool preceded = true, followed;
	size_t i;

	if (len >= 3 && (!memcmp(s, "---", 3) || !memcmp(s, "...", 3)))
		flow_ind = block_ind = true;
	followed = blankz(s, len, 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == 0) {
			if (strchr("#,[]{}&*!|>'\"%@`", c) && c) {
				flow_ind = block_ind = true;
			} else if (c == '?' || c == ':') {
				flow_ind = true;
				if (followed)
					block_ind = true;
			} else if (c == '-' && followed) {
				flow_ind = block_ind = true;
			}
		} else {
			if (c && strchr(",?[]{}", c)) {
				flow_ind = true;
			} else if (c == ':') {
				flow_ind = true;
				if (followed)
					block_ind = true;
			} else if (c == '#' && preceded) {
				flow_ind = block_ind = true;
			}
		}
		if (!(c == '\n' || (c >= 0x20 && c <= 0x7e) || c >= 0x80))
			special = true;
		if (c == 0xef && i + 2 < len &&
		    (unsigned char)s[i + 1] == 0xbb &&
		    (unsigned char)s[i + 2] == 0xbf)
			special = true;
		if (c == '\n')
			a.line_breaks = true;
		if (c == ' ') {
			if (i == 0)
				leading_space = true;
			if (i == len - 1)
				trailing_space = true;
			if (prev_break)
				break_space = true;
			prev_space = true;
			prev_break = false;
		} else if (c == '\n') {
			if (i == 0)
				leading_break = true;
			if (i == len - 1)
				trailing_break = true;
			if (prev_space)
				space_break = true;
			prev_break = true;
			prev_space = false;
		} else {
			prev_space = prev_break = false;
		}
		preceded = blankz(s, len, i);
		followed = blankz(s, len, i + 2);
	}
	if (leading_space || leading_break || trailing_space || trailing_break)
		a.flow_plain = a.block_plain = false;
	if (trailing_space)
		a.block = false;
	if (break_space)
		a.flow_plain = a.block_plain = a.single = false;
	if (space_break || special)
		a.flow_plain = a.block_plain = a.single = a.block = false;
	if (a.line_breaks)
		a.flow_plain = a.block_plain = false;
	if (flow_ind)
		a.flow_plain = false;
	if (block_ind)
		a.block_plain = false;
	return a;
}

static enum style choose(struct gw_arena *arena, const char *s, size_t len,
			 bool key)
{
	struct analysis a = analyze(s, len);
	enum style st;

	if (memchr(s, '\n', len))
		st = S_LITERAL;
	else if (!resolves_other(arena, s, len))
		st = S_PLAIN;
	else
		st = S_DOUBLE;
	if (st == S_LITERAL)
		return !a.block || key ? S_DOUBLE : S_LITERAL;
	if (st == S_PLAIN) {
		if (!a.block_plain || (!len && key))
			st = S_SINGLE;
		if (key && a.line_breaks)
			return S_DOUBLE;
	}
	if (st == S_SINGLE && !a.single)
		st = S_DOUBLE;
	return st;
}

static size_t column(const struct gw_buf *buf)
{
	size_t i = buf->len;

	while (i > 0 && buf->data[i - 1] != '\n')
		i--;
	return buf->len - i;
}

static void put_indent(struct gw_buf *buf, int indent)
{
	gw_buf_add(buf, "\n", 1);
	while (indent-- > 0)
		gw_buf_add(buf, " ", 1);
}

static void write_plain(struct gw_buf *buf, const char *s, size_t len,
			int indent, bool breaks)
{
	bool spaces = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ') {
			if (breaks && !spaces && column(buf) > BEST_WIDTH &&
			    i + 1 < len && s[i + 1] != ' ')
				put_indent(buf, indent);
			else
				gw_buf_add(buf, " ", 1);
			spaces = true;
		} else {
			gw_buf_add(buf, &s[i], 1);
			spaces = false;
		}
	}
}

static void write_single(struct gw_buf *buf, const char *s, size_t len,
			 int indent, bool breaks)
{
	bool spaces = false;
	size_t i;

	gw_buf_add(buf, "'", 1);
	for (i = 0; i < len; i++) {
		if (s[i] == ' ') {
			if (breaks && !spaces && column(buf) > BEST_WIDTH &&
			    i != 0 && i != len - 1 && s[i + 1] != ' ')
				put_indent(buf, indent);
			else
				gw_buf_add(buf, " ", 1);
			spaces = true;
		} else {
			if (s[i] == '\'')
				gw_buf_add(buf, "'", 1);
			gw_buf_add(buf, &s[i], 1);
			spaces = false;
		}
	}
	gw_buf_add(buf, "'", 1);
}

static void write_double(struct gw_buf *buf, const char *s, size_t len,
			 int indent, bool breaks)
{
	bool spaces = false;
	size_t i;

	gw_buf_add(buf, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f ||
		    (c == 0xef && i + 2 < len &&
		     (unsigned char)s[i + 1] == 0xbb &&
		     (unsigned char)s[i + 2] == 0xbf)) {
			static const char esc[] = "0\0\0\0\0\0\0abtnvfre";

			gw_buf_add(buf, "\\", 1);
			if (c == '"' || c == '\\')
				gw_buf_add(buf, &s[i], 1);
			else if (c == 0)
				gw_buf_add(buf, "0", 1);
			else if (c >= 7 && c <= 13)
				gw_buf_add(buf, &esc[c], 1);
			else if (c == 0x1b)
				gw_buf_add(buf, "e", 1);
			else if (c == 0xef) {
				gw_buf_puts(buf, "uFEFF");
				i += 2;
			} else
				gw_buf_printf(buf, "x%02X", c);
			spaces = false;
		} else if (c == ' ') {
			if (breaks && !spaces && column(buf) > BEST_WIDTH &&
			    i != 0 && i != len - 1) {
				put_indent(buf, indent);
				if (s[i + 1] == ' ')
					gw_buf_add(buf, "\\", 1);
			} else {
				gw_buf_add(buf, " ", 1);
			}
			spaces = true;
		} else {
			gw_buf_add(buf, &s[i], 1);
			spaces = false;
		}
	}
	gw_buf_add(buf, "\"", 1);
}

static void write_literal(struct gw_buf *buf, const char *s, size_t len,
			  int indent)
{
	bool breaks = true;
	size_t i;

	gw_buf_add(buf, "|", 1);
	if (len && (s[0] == ' ' || s[0] == '\n'))
		gw_buf_add(buf, "2", 1);
	if (!len || s[len - 1] != '\n')
		gw_buf_add(buf, "-", 1);
	else if (len == 1 || s[len - 2] == '\n')
		gw_buf_add(buf, "+", 1);
	gw_buf_add(buf, "\n", 1);
	for (i = 0; i < len; i++) {
		if (s[i] == '\n') {
			gw_buf_add(buf, "\n", 1);
			breaks = true;
		} else {
			if (breaks) {
				int k;

				for (k = 0; k < indent; k++)
					gw_buf_add(buf, " ", 1);
			}
			gw_buf_add(buf, &s[i], 1);
			breaks = false;
		}
	}
	if (!len || s[len - 1] != '\n')
		gw_buf_add(buf, "\n", 1);
}

/* Writes a scalar; ends with a newline unless @key. */
static void write_scalar(struct gw_arena *arena, struct gw_buf *buf,
			 const struct gw_node *n, int indent, bool key)
{
	char num[32];

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
	case GW_NUM:
		gw_format_number(num, n->u.num);
		gw_buf_puts(buf, num);
		break;
	case GW_STR:
		switch (choose(arena, n->u.str.s, n->u.str.len, key)) {
		case S_PLAIN:
			write_plain(buf, n->u.str.s, n->u.str.len, indent,
				    !key);
			break;
		case S_SINGLE:
			write_single(buf, n->u.str.s, n->u.str.len, indent,
				     !key);
			break;
		case S_DOUBLE:
			write_double(buf, n->u.str.s, n->u.str.len, indent,
				     !key);
			break;
		case S_LITERAL:
			write_literal(buf, n->u.str.s, n->u.str.len, indent);
			return;
		}
		break;
	case GW_SEQ:
		gw_buf_puts(buf, "[]");
		break;
	case GW_MAP:
		gw_buf_puts(buf, "{}");
		break;
	}
	if (!key)
		gw_buf_add(buf, "\n", 1);
}

static void write_node(struct gw_arena *arena, struct gw_buf *buf,
		       const struct gw_node *n, int indent, bool inline_first);

static void spaces(struct gw_buf *buf, int n)
{
	while (n-- > 0)
		gw_buf_add(buf, " ", 1);
}

static void write_map(struct gw_arena *arena, struct gw_buf *buf,
		      const struct gw_node *n, int indent, bool inline_first)
{
	struct gw_pair *pairs = gw_arena_alloc(arena, n->u.map.n *
					       sizeof(*pairs) + 1);
	size_t i;

	memcpy(pairs, n->u.map.pairs, n->u.map.n * sizeof(*pairs));
	qsort(pairs, n->u.map.n, sizeof(*pairs), compare_keys);
	for (i = 0; i < n->u.map.n; i++) {
		const struct gw_node *v = pairs[i].value;

		if (i || !inline_first)
			spaces(buf, indent);
		write_scalar(arena, buf, pairs[i].key, indent + 2, true);
		gw_buf_add(buf, ":", 1);
		if (v->kind == GW_MAP && v->u.map.n) {
			gw_buf_add(buf, "\n", 1);
			write_node(arena, buf, v, indent + 2, false);
		} else if (v->kind == GW_SEQ && v->u.seq.n) {
			gw_buf_add(buf, "\n", 1);
			write_node(arena, buf, v, indent, false);
		} else {
			gw_buf_add(buf, " ", 1);
			write_scalar(arena, buf, v, indent + 2, false);
		}
	}
}

static void write_seq(struct gw_arena *arena, struct gw_buf *buf,
		      const struct gw_node *n, int indent, bool inline_first)
{
	size_t i;

	for (i = 0; i < n->u.seq.n; i++) {
		const struct gw_node *v = n->u.seq.items[i];

		if (i || !inline_first)
			spaces(buf, indent);
		gw_buf_add(buf, "- ", 2);
		if ((v->kind == GW_MAP && v->u.map.n) ||
		    (v->kind == GW_SEQ && v->u.seq.n))
			write_node(arena, buf, v, indent + 2, true);
		else
			write_scalar(arena, buf, v, indent + 2, false);
	}
}

static void write_node(struct gw_arena *arena, struct gw_buf *buf,
		       const struct gw_node *n, int indent, bool inline_first)
{
	if (n->kind == GW_MAP && n->u.map.n)
		write_map(arena, buf, n, indent, inline_first);
	else if (n->kind == GW_SEQ && n->u.seq.n)
		write_seq(arena, buf, n, indent, inline_first);
	else
		write_scalar(arena, buf, n, indent, false);
}

void gw_k8s_yaml(struct gw_arena *arena, struct gw_buf *buf,
		 const struct gw_node *doc)
{
	write_node(arena, buf, doc, 0, false);
}
