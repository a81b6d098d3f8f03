/*
 * parse.c - items -> node trees, as Go's text/template/parse/parse.go.
 *
 * Consumes the items of one template text; produces one tree per template
 * the text defines (the text itself, {{define}} and {{block}}), and adds
 * them to a set by Go's rules (a redefinition replaces, an empty
 * redefinition does not).  A syntax error unwinds with longjmp() and leaves
 * the set as it was; its message is Go's, with the line Go reports (that of
 * the last item the parser fetched).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* What one parse call shares between the trees it makes. */
struct parser {
	struct gw_arena *arena;
	const char *name;	/* the ParseName */
	const char *text;
	size_t text_len;
	struct item *items;
	size_t nitems, next;
	struct tmpl_entry *trees;	/* the tree set of this call */
	size_t ntrees, captrees;
	jmp_buf jmp;
	const char *err;
	int nesting;
};

/* The parse of one tree (Go's *Tree while parsing). */
struct tparse {
	struct parser *p;
	struct tree *tree;
	struct item token[3];
	int peek_count;
	const char **vars;
	size_t nvars, capvars;
	int action_line;
	int range_depth;
	int *nesting;		/* of the parse call: pipelines, controls */
};

/* Nested parentheses and control structures, at most (Go has no limit;
 * the C stack has one). */
#define NESTING_MAX 1000

/* ---- nodes --------------------------------------------------------------- */

static struct node *new_node(struct tparse *t, enum node_type type, int pos)
{
	struct node *n = gw_arena_alloc(t->p->arena, sizeof(*n));

	n->type = type;
	n->pos = pos;
	n->tree = t->tree;
	return n;
}

static void node_append(struct gw_arena *arena, struct node *list,
			struct node *kid)
{
	if (list->nkids == list->capkids) {
		size_t cap = list->capkids ? list->capkids * 2 : 4;
		struct node **kids = gw_arena_alloc(arena, cap * sizeof(*kids));

		if (list->nkids)
			memcpy(kids, list->kids, list->nkids * sizeof(*kids));
		list->kids = kids;
		list->capkids = cap;
	}
	list->kids[list->nkids++] = kid;
}

/* Splits @s at '.' into n->ident (Go's strings.Split). */
static void split_ident(struct gw_arena *arena, struct node *n, const char *s,
			size_t len)
{
	size_t count = 1, k = 0, start = 0;

	for (size_t i = 0; i < len; i++)
		count += s[i] == '.';
	n->ident = gw_arena_alloc(arena, count * sizeof(*n->ident));
	for (size_t i = 0; i <= len; i++)
		if (i == len || s[i] == '.') {
			n->ident[k++] = gw_arena_strndup(arena, s + start,
							 i - start);
			start = i + 1;
		}
	n->nident = count;
}

static void write_node(struct gw_buf *b, const struct node *n);

static void write_pipe(struct gw_buf *b, const struct node *p)
{
	for (size_t i = 0; i < p->ndecl; i++) {
		if (i)
			gw_buf_puts(b, ", ");
		write_node(b, p->decl[i]);
	}
	if (p->ndecl)
		gw_buf_puts(b, " := ");
	for (size_t i = 0; i < p->nkids; i++) {
		if (i)
			gw_buf_puts(b, " | ");
		write_node(b, p->kids[i]);
	}
}

static void write_node(struct gw_buf *b, const struct node *n)
{
	static const char *const branch[] = {
		[NODE_IF] = "if", [NODE_RANGE] = "range", [NODE_WITH] = "with",
	};

	switch (n->type) {
	case NODE_TEXT:
	case NODE_IDENTIFIER:
	case NODE_NUMBER:
		gw_buf_add(b, n->text, n->len);
		break;
	case NODE_STRING:
		gw_buf_puts(b, n->quoted);
		break;
	case NODE_COMMENT:
		gw_buf_puts(b, "{{");
		gw_buf_add(b, n->text, n->len);
		gw_buf_puts(b, "}}");
		break;
	case NODE_ACTION:
		gw_buf_puts(b, "{{");
		write_pipe(b, n->pipe);
		gw_buf_puts(b, "}}");
		break;
	case NODE_BOOL:
		gw_buf_puts(b, n->truth ? "true" : "false");
		break;
	case NODE_CHAIN:
		if (n->pipe->type == NODE_PIPE) {
			gw_buf_puts(b, "(");
			write_node(b, n->pipe);
			gw_buf_puts(b, ")");
		} else {
			write_node(b, n->pipe);
		}
		for (size_t i = 0; i < n->nident; i++) {
			gw_buf_puts(b, ".");
			gw_buf_puts(b, n->ident[i]);
		}
		break;
	case NODE_COMMAND:
		for (size_t i = 0; i < n->nkids; i++) {
			if (i)
				gw_buf_puts(b, " ");
			if (n->kids[i]->type == NODE_PIPE) {
				gw_buf_puts(b, "(");
				write_pipe(b, n->kids[i]);
				gw_buf_puts(b, ")");
				continue;
			}
			write_node(b, n->kids[i]);
		}
		break;
	case NODE_DOT:
		gw_buf_puts(b, ".");
		break;
	case NODE_ELSE:
		gw_buf_puts(b, "{{else}}");
		break;
	case NODE_END:
		gw_buf_puts(b, "{{end}}");
		break;
	case NODE_FIELD:
		for (size_t i = 0; i < n->nident; i++) {
			gw_buf_puts(b, ".");
			gw_buf_puts(b, n->ident[i]);
		}
		break;
	case NODE_VARIABLE:
		for (size_t i = 0; i < n->nident; i++) {
			if (i)
				gw_buf_puts(b, ".");
			gw_buf_puts(b, n->ident[i]);
		}
		break;
	case NODE_IF:
	case NODE_RANGE:
	case NODE_WITH:
		gw_buf_puts(b, "{{");
		gw_buf_puts(b, branch[n->type]);
		gw_buf_puts(b, " ");
		write_pipe(b, n->pipe);
		gw_buf_puts(b, "}}");
		write_node(b, n->list);
		if (n->else_list) {
			gw_buf_puts(b, "{{else}}");
			write_node(b, n->else_list);
		}
		gw_buf_puts(b, "{{end}}");
		break;
	case NODE_LIST:
		for (size_t i = 0; i < n->nkids; i++)
			write_node(b, n->kids[i]);
		break;
	case NODE_NIL:
		gw_buf_puts(b, "nil");
		break;
	case NODE_PIPE:
		write_pipe(b, n);
		break;
	case NODE_TEMPLATE:
		gw_buf_puts(b, "{{template ");
		gw_go_quote(b, n->text, n->len);
		if (n->pipe) {
			gw_buf_puts(b, " ");
			write_pipe(b, n->pipe);
		}
		gw_buf_puts(b, "}}");
		break;
	case NODE_BREAK:
		gw_buf_puts(b, "{{break}}");
		break;
	case NODE_CONTINUE:
		gw_buf_puts(b, "{{continue}}");
		break;
	}
}

const char *tmpl_node_string(struct gw_arena *arena, const struct node *n)
{
	struct gw_buf b = {0};
	const char *s;

	write_node(&b, n);
	s = gw_arena_strndup(arena, b.data ? b.data : "", b.len);
	gw_buf_release(&b);
	return s;
}

const char *tmpl_node_location(struct gw_arena *arena, const struct node *n)
{
	const struct tree *tree = n->tree;
	int line = 1, col, last_nl = -1;

	for (int i = 0; i < n->pos && (size_t)i < tree->text_len; i++)
		if (tree->text[i] == '\n') {
			line++;
			last_nl = i;
		}
	col = last_nl < 0 ? n->pos : n->pos - (last_nl + 1);
	return gw_arena_printf(arena, "%s:%d:%d", tree->parse_name, line, col);
}

/* ---- errors -------------------------------------------------------------- */

static _Noreturn void errorf(struct tparse *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static _Noreturn void errorf(struct tparse *t, const char *fmt, ...)
{
	struct gw_buf b = {0};
	va_list ap;

	gw_buf_printf(&b, "template: %s:%d: ", t->p->name, t->token[0].line);
	va_start(ap, fmt);
	{
		char *msg = NULL;

		if (vasprintf(&msg, fmt, ap) < 0)
			gw_oom();
		gw_buf_puts(&b, msg);
		free(msg);
	}
	va_end(ap);
	t->p->err = gw_arena_strndup(t->p->arena, b.data, b.len);
	gw_buf_release(&b);
	longjmp(t->p->jmp, 1);
}

static const char *quote(struct gw_arena *arena, const char *s, size_t len)
{
	struct gw_buf b = {0};
	const char *q;

	gw_go_quote(&b, s, len);
	q = gw_arena_strndup(arena, b.data, b.len);
	gw_buf_release(&b);
	return q;
}

/* ---- tokens -------------------------------------------------------------- */

static struct item lex_next(struct tparse *t)
{
	struct parser *p = t->p;
	struct item zero = {0};

	if (p->next < p->nitems)
		return p->items[p->next++];
	return zero;		/* a closed channel gives the zero item */
}

static struct item next(struct tparse *t)
{
	if (t->peek_count > 0)
		t->peek_count--;
	else
		t->token[0] = lex_next(t);
	return t->token[t->peek_count];
}

static void backup(struct tparse *t)
{
	t->peek_count++;
}

static void backup2(struct tparse *t, struct item t1)
{
	t->token[1] = t1;
	t->peek_count = 2;
}

static void backup3(struct tparse *t, struct item t2, struct item t1)
{
	t->token[1] = t1;
	t->token[2] = t2;
	t->peek_count = 3;
}

static struct item peek(struct tparse *t)
{
	if (t->peek_count > 0)
		return t->token[t->peek_count - 1];
	t->peek_count = 1;
	t->token[0] = lex_next(t);
	return t->token[0];
}

static struct item next_non_space(struct tparse *t)
{
	struct item token;

	do
		token = next(t);
	while (token.typ == ITEM_SPACE);
	return token;
}

static struct item peek_non_space(struct tparse *t)
{
	struct item token = next_non_space(t);

	backup(t);
	return token;
}

static _Noreturn void unexpected(struct tparse *t, struct item token,
				 const char *context)
{
	struct gw_arena *arena = t->p->arena;

	if (token.typ == ITEM_ERROR) {
		const char *extra = "";

		if (t->action_line != 0 && t->action_line != token.line) {
			bool action = token.len >= 7 &&
				!memcmp(token.val + token.len - 7, " action", 7);

			extra = gw_arena_printf(arena, "%s started at %s:%d",
						action ? "" : " in action",
						t->p->name, t->action_line);
		}
		errorf(t, "%s%s", tmpl_item_string(arena, &token), extra);
	}
	errorf(t, "unexpected %s in %s", tmpl_item_string(arena, &token),
	       context);
}

static struct item expect(struct tparse *t, enum item_type expected,
			  const char *context)
{
	struct item token = next_non_space(t);

	if (token.typ != expected)
		unexpected(t, token, context);
	return token;
}

static struct item expect_one_of(struct tparse *t, enum item_type e1,
				 enum item_type e2, const char *context)
{
	struct item token = next_non_space(t);

	if (token.typ != e1 && token.typ != e2)
		unexpected(t, token, context);
	return token;
}

/* ---- strconv ------------------------------------------------------------- */

/*
 * strconv.UnquoteChar: decodes one character of @s (@n bytes) inside
 * @quote; *@r the value, *@multibyte whether it is a rune to encode (else a
 * byte); returns the bytes used, or 0 on a syntax error.
 */
static size_t unquote_char(const char *s, size_t n, char quote, unsigned *r,
			   bool *multibyte)
{
	unsigned char c = (unsigned char)s[0];
	size_t w, digits;
	unsigned v = 0;

	*multibyte = false;
	if (c == (unsigned char)quote)
		return 0;
	if (c >= 0x80) {
		*r = gw_go_rune(s, n, &w);
		*multibyte = true;
		return w;
	}
	if (c != '\\') {
		*r = c;
		return 1;
	}
	if (n <= 1)
		return 0;
	c = (unsigned char)s[1];
	switch (c) {
	case 'a': *r = '\a'; return 2;
	case 'b': *r = '\b'; return 2;
	case 'f': *r = '\f'; return 2;
	case 'n': *r = '\n'; return 2;
	case 'r': *r = '\r'; return 2;
	case 't': *r = '\t'; return 2;
	case 'v': *r = '\v'; return 2;
	case 'x': case 'u': case 'U':
		digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
		if (n - 2 < digits)
			return 0;
		for (size_t i = 0; i < digits; i++) {
			int h = gw_go_hex_value((unsigned char)s[2 + i]);

			if (h < 0)
				return 0;
			v = v << 4 | (unsigned)h;
		}
		if (c != 'x') {
			if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
				return 0;
			*multibyte = true;
		}
		*r = v;
		return 2 + digits;
	case '0': case '1': case '2': case '3': case '4': case '5': case '6':
	case '7':
		v = c - '0';
		if (n - 2 < 2)
			return 0;
		for (size_t i = 0; i < 2; i++) {
			unsigned x = (unsigned char)s[2 + i] - '0';

			if (x > 7)
				return 0;
			v = v << 3 | x;
		}
		if (v > 255)
			return 0;
		*r = v;
		return 4;
	case '\\':
		*r = '\\';
		return 2;
	case '\'': case '"':
		if (c != (unsigned char)quote)
			return 0;
		*r = c;
		return 2;
	}
	return 0;
}

/* strconv.Unquote of a "..." or `...` literal; -1 on a syntax error. */
static int unquote(struct gw_arena *arena, const char *s, size_t n,
		   const char **out, size_t *out_len)
{
	struct gw_buf b = {0};

	if (n < 2 || s[n - 1] != s[0])
		return -1;
	if (s[0] == '`') {
		for (size_t i = 1; i + 1 < n; i++)
			if (s[i] != '\r')
				gw_buf_add(&b, s + i, 1);
	} else {
		size_t i = 1;

		while (i < n - 1) {
			unsigned r;
			bool mb;
			size_t w;

			if (s[i] == '\n')
				goto bad;
			w = unquote_char(s + i, n - 1 - i, '"', &r, &mb);
			if (!w)
				goto bad;
			if (r < 0x80 || !mb) {
				char c = (char)r;

				gw_buf_add(&b, &c, 1);
			} else {
				gw_utf8_put(&b, r);
			}
			i += w;
		}
	}
	*out = gw_arena_strndup(arena, b.data ? b.data : "", b.len);
	*out_len = b.len;
	gw_buf_release(&b);
	return 0;
bad:
	gw_buf_release(&b);
	return -1;
}

static int lower(int c)
{
	return c | 0x20;
}

/* strconv's underscoreOK. */
static bool underscore_ok(const char *s, size_t n)
{
	char saw = '^';
	size_t i = 0;
	bool hex = false;

	if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		n--;
	}
	if (n >= 2 && s[0] == '0' && (lower(s[1]) == 'b' ||
				      lower(s[1]) == 'o' ||
				      lower(s[1]) == 'x')) {
		i = 2;
		saw = '0';
		hex = lower(s[1]) == 'x';
	}
	for (; i < n; i++) {
		if ((s[i] >= '0' && s[i] <= '9') ||
		    (hex && lower(s[i]) >= 'a' && lower(s[i]) <= 'f')) {
			saw = '0';
			continue;
		}
		if (s[i] == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

enum { NUM_OK, NUM_SYNTAX, NUM_RANGE };

/* strconv.ParseUint(s, 0, 64). */
static int parse_uint(const char *s0, size_t n0, unsigned long long *out)
{
	const char *s = s0;
	size_t n = n0;
	unsigned base = 10;
	unsigned long long v = 0;
	bool underscores = false, range = false;

	if (!n)
		return NUM_SYNTAX;
	if (s[0] == '0') {
		if (n >= 3 && lower(s[1]) == 'b') {
			base = 2;
			s += 2;
			n -= 2;
		} else if (n >= 3 && lower(s[1]) == 'o') {
			base = 8;
			s += 2;
			n -= 2;
		} else if (n >= 3 && lower(s[1]) == 'x') {
			base = 16;
			s += 2;
			n -= 2;
		} else {
			base = 8;
			s += 1;
			n -= 1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		int d;

		if (s[i] == '_') {
			underscores = true;
			continue;
		}
		d = gw_go_hex_value((unsigned char)s[i]);
		if (d < 0 || (unsigned)d >= base)
			return NUM_SYNTAX;
		if (v > (~0ULL - (unsigned)d) / base)
			range = true;
		else
			v = v * base + (unsigned)d;
	}
	if (underscores && !underscore_ok(s0, n0))
		return NUM_SYNTAX;
	if (range)
		return NUM_RANGE;
	*out = v;
	return NUM_OK;
}

/* strconv.ParseInt(s, 0, 64). */
static int parse_int(const char *s, size_t n, long long *out)
{
	bool neg = false;
	unsigned long long u;
	int st;

	if (!n)
		return NUM_SYNTAX;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		s++;
		n--;
	}
	st = parse_uint(s, n, &u);
	if (st != NUM_OK)
		return st;
	if (!neg && u > (unsigned long long)INT64_MAX)
		return NUM_RANGE;
	if (neg && u > (unsigned long long)INT64_MAX + 1)
		return NUM_RANGE;
	*out = neg ? (long long)(0 - u) : (long long)u;
	return NUM_OK;
}

/* strconv.ParseFloat(s, 64) for what the lexer can give (no inf/nan). */
static int parse_float(const char *s, size_t n, double *out)
{
	char buf[512];
	size_t i = 0, k = 0, digits = 0;
	bool hex = false, underscores = false, exp = false;
	char *end;

	if (n >= sizeof(buf) - 1)
		return NUM_SYNTAX;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		buf[k++] = s[i++];
	if (i + 2 < n + 1 && n - i >= 2 && s[i] == '0' && lower(s[i + 1]) == 'x') {
		hex = true;
		buf[k++] = s[i++];
		buf[k++] = s[i++];
	}
	{
		bool dot = false;

		for (; i < n; i++) {
			char c = s[i];

			if (c == '_') {
				underscores = true;
				continue;
			}
			if (c == '.' && !dot) {
				dot = true;
				buf[k++] = c;
				continue;
			}
			if ((c >= '0' && c <= '9') ||
			    (hex && gw_go_hex_value((unsigned char)c) >= 0)) {
				digits++;
				buf[k++] = c;
				continue;
			}
			break;
		}
	}
	if (!digits)
		return NUM_SYNTAX;
	if (i < n && lower(s[i]) == (hex ? 'p' : 'e')) {
		size_t edigits = 0;

		exp = true;
		buf[k++] = s[i++];
		if (i < n && (s[i] == '+' || s[i] == '-'))
			buf[k++] = s[i++];
		for (; i < n; i++) {
			if (s[i] == '_') {
				underscores = true;
				continue;
			}
			if (s[i] < '0' || s[i] > '9')
				break;
			buf[k++] = s[i];
			edigits++;
		}
		if (!edigits)
			return NUM_SYNTAX;
	}
	if (i != n || (hex && !exp))
		return NUM_SYNTAX;
	if (underscores && !underscore_ok(s, n))
		return NUM_SYNTAX;
	buf[k] = '\0';
	errno = 0;
	*out = strtod(buf, &end);
	if (isinf(*out))
		return NUM_RANGE;
	return NUM_OK;
}

static bool contains_any(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (strchr(set, s[i]))
			return true;
	return false;
}

static void simplify_complex(struct node *n)
{
	n->is_float = n->imag == 0;
	if (n->is_float) {
		double f = n->f64;

		n->is_int = f >= -9223372036854775808.0 &&
			    f < 9223372036854775808.0 && (double)(long long)f == f;
		if (n->is_int)
			n->i64 = (long long)f;
		n->is_uint = f >= 0 && f < 18446744073709551616.0 &&
			     (double)(unsigned long long)f == f;
		if (n->is_uint)
			n->u64 = (unsigned long long)f;
	}
}

/* Go's newNumber; an error message on failure, NULL on success. */
static const char *new_number(struct tparse *t, struct node *n,
			      const struct item *it)
{
	struct gw_arena *arena = t->p->arena;
	const char *text = it->val;
	size_t len = it->len;
	unsigned long long u = 0;
	long long i;
	double f;

	n->text = gw_arena_strndup(arena, text, len);
	n->len = len;
	if (it->typ == ITEM_CHAR_CONSTANT) {
		unsigned r;
		bool mb;
		size_t w = len > 1 ? unquote_char(text + 1, len - 1, '\'', &r,
						  &mb) : 0;

		if (!w)
			return "invalid syntax";
		if (!(len - 1 - w == 1 && text[len - 1] == '\''))
			return gw_arena_printf(arena,
				"malformed character constant: %.*s",
				(int)len, text);
		n->i64 = r;
		n->u64 = r;
		n->f64 = r;
		n->is_int = n->is_uint = n->is_float = true;
		return NULL;
	}
	if (it->typ == ITEM_COMPLEX) {
		/* "re+imi": split at the sign before the imaginary part */
		size_t k = len - 1;
		double re, im;

		while (k > 0 && !((text[k] == '+' || text[k] == '-') &&
				  lower(text[k - 1]) != 'e' &&
				  lower(text[k - 1]) != 'p'))
			k--;
		if (k == 0 || parse_float(text, k, &re) != NUM_OK ||
		    parse_float(text + k, len - k - 1, &im) != NUM_OK)
			return "expected integer";
		n->is_complex = true;
		n->f64 = re;
		n->imag = im;
		simplify_complex(n);
		return NULL;
	}
	if (len > 0 && text[len - 1] == 'i') {
		if (parse_float(text, len - 1, &f) == NUM_OK) {
			n->is_complex = true;
			n->f64 = 0;
			n->imag = f;
			simplify_complex(n);
			return NULL;
		}
	}
	if (parse_uint(text, len, &u) == NUM_OK) {
		n->is_uint = true;
		n->u64 = u;
	}
	if (parse_int(text, len, &i) == NUM_OK) {
		n->is_int = true;
		n->i64 = i;
		if (i == 0) {
			n->is_uint = true;
			n->u64 = u;
		}
	}
	if (n->is_int) {
		n->is_float = true;
		n->f64 = (double)n->i64;
	} else if (n->is_uint) {
		n->is_float = true;
		n->f64 = (double)n->u64;
	} else if (parse_float(text, len, &f) == NUM_OK) {
		if (!contains_any(text, len, ".eEpP"))
			return gw_arena_printf(arena, "integer overflow: %s",
					       quote(arena, text, len));
		n->is_float = true;
		n->f64 = f;
		if (f >= -9223372036854775808.0 && f < 9223372036854775808.0 &&
		    (double)(long long)f == f) {
			n->is_int = true;
			n->i64 = (long long)f;
		}
		if (f >= 0 && f < 18446744073709551616.0 &&
		    (double)(unsigned long long)f == f) {
			n->is_uint = true;
			n->u64 = (unsigned long long)f;
		}
	}
	if (!n->is_int && !n->is_uint && !n->is_float)
		return gw_arena_printf(arena, "illegal number syntax: %s",
				       quote(arena, text, len));
	return NULL;
}

/* ---- the grammar --------------------------------------------------------- */

static struct node *pipeline(struct tparse *t, const char *context,
			     enum item_type end);
static struct node *text_or_action(struct tparse *t);
static struct node *if_control(struct tparse *t);

static void push_var(struct tparse *t, const char *name)
{
	if (t->nvars == t->capvars) {
		size_t cap = t->capvars ? t->capvars * 2 : 8;
		const char **vars = gw_arena_alloc(t->p->arena,
						   cap * sizeof(*vars));

		if (t->nvars)
			memcpy(vars, t->vars, t->nvars * sizeof(*vars));
		t->vars = vars;
		t->capvars = cap;
	}
	t->vars[t->nvars++] = name;
}

static void start_parse(struct tparse *t, struct parser *p, struct tree *tree)
{
	memset(t, 0, sizeof(*t));
	t->p = p;
	t->nesting = &p->nesting;
	t->tree = tree;
	push_var(t, "$");
}

static struct tree *new_tree(struct parser *p, const char *name)
{
	struct tree *tree = gw_arena_alloc(p->arena, sizeof(*tree));

	tree->name = name;
	tree->parse_name = p->name;
	tree->text = p->text;
	tree->text_len = p->text_len;
	return tree;
}

static bool is_space_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	       c == '\f' || c == '\r';
}

bool tmpl_is_empty_tree(const struct node *n);

bool tmpl_is_empty_tree(const struct node *n)
{
	if (!n)
		return true;
	switch (n->type) {
	case NODE_COMMENT:
		return true;
	case NODE_LIST:
		for (size_t i = 0; i < n->nkids; i++)
			if (!tmpl_is_empty_tree(n->kids[i]))
				return false;
		return true;
	case NODE_TEXT:
		for (size_t i = 0; i < n->len; i++) {
			unsigned char c = (unsigned char)n->text[i];

			if (is_space_byte(c))
				continue;
			/* U+0085 and U+00A0 are spaces too */
			if (c == 0xC2 && i + 1 < n->len &&
			    ((unsigned char)n->text[i + 1] == 0x85 ||
			     (unsigned char)n->text[i + 1] == 0xA0)) {
				i++;
				continue;
			}
			return false;
		}
		return true;
	default:
		return false;
	}
}

/* Go's Tree.add: into the tree set of this parse call. */
static void add_tree(struct tparse *t)
{
	struct parser *p = t->p;

	for (size_t i = 0; i < p->ntrees; i++) {
		if (strcmp(p->trees[i].name, t->tree->name))
			continue;
		if (tmpl_is_empty_tree(p->trees[i].tree->root)) {
			p->trees[i].tree = t->tree;
			return;
		}
		if (!tmpl_is_empty_tree(t->tree->root))
			errorf(t, "template: multiple definition of "
			       "template %s",
			       quote(p->arena, t->tree->name,
				     strlen(t->tree->name)));
		return;
	}
	if (p->ntrees == p->captrees) {
		size_t cap = p->captrees ? p->captrees * 2 : 4;
		struct tmpl_entry *trees = gw_arena_alloc(p->arena,
							  cap * sizeof(*trees));

		if (p->ntrees)
			memcpy(trees, p->trees, p->ntrees * sizeof(*trees));
		p->trees = trees;
		p->captrees = cap;
	}
	p->trees[p->ntrees].name = t->tree->name;
	p->trees[p->ntrees].tree = t->tree;
	p->ntrees++;
}

static struct node *item_list(struct tparse *t, struct node **next_node)
{
	struct node *list = new_node(t, NODE_LIST, peek_non_space(t).pos);

	while (peek_non_space(t).typ != ITEM_EOF) {
		struct node *n = text_or_action(t);

		if (n->type == NODE_END || n->type == NODE_ELSE) {
			*next_node = n;
			return list;
		}
		node_append(t->p->arena, list, n);
	}
	errorf(t, "unexpected EOF");
}

static void parse_definition(struct tparse *t)
{
	const char *context = "define clause";
	struct item name = expect_one_of(t, ITEM_STRING, ITEM_RAW_STRING,
					 context);
	struct node *end = NULL;
	const char *s;
	size_t len;

	if (unquote(t->p->arena, name.val, name.len, &s, &len) < 0)
		errorf(t, "invalid syntax");
	t->tree->name = s;
	expect(t, ITEM_RIGHT_DELIM, context);
	t->tree->root = item_list(t, &end);
	if (end->type != NODE_END)
		errorf(t, "unexpected %s in %s",
		       tmpl_node_string(t->p->arena, end), context);
	add_tree(t);
}

static struct node *new_pipe(struct tparse *t, int pos)
{
	return new_node(t, NODE_PIPE, pos);
}

static void add_decl(struct tparse *t, struct node *pipe, struct item v)
{
	struct gw_arena *arena = t->p->arena;
	struct node *var = new_node(t, NODE_VARIABLE, v.pos);
	struct node **decl = gw_arena_alloc(arena, (pipe->ndecl + 1) *
						   sizeof(*decl));

	split_ident(arena, var, v.val, v.len);
	if (pipe->ndecl)
		memcpy(decl, pipe->decl, pipe->ndecl * sizeof(*decl));
	decl[pipe->ndecl++] = var;
	pipe->decl = decl;
	push_var(t, gw_arena_strndup(arena, v.val, v.len));
}

static void check_pipeline(struct tparse *t, struct node *pipe,
			   const char *context)
{
	if (pipe->nkids == 0)
		errorf(t, "missing value for %s", context);
	for (size_t i = 1; i < pipe->nkids; i++) {
		switch (pipe->kids[i]->kids[0]->type) {
		case NODE_BOOL: case NODE_DOT: case NODE_NIL: case NODE_NUMBER:
		case NODE_STRING:
			errorf(t, "non executable command in pipeline stage %zu",
			       i + 1);
		default:
			break;
		}
	}
}

static struct node *command(struct tparse *t);

static struct node *pipeline(struct tparse *t, const char *context,
			     enum item_type end)
{
	struct item token;
	struct node *pipe;
	struct item v;

	if (++*t->nesting > NESTING_MAX)
		errorf(t, "gwc: nesting deeper than %d", NESTING_MAX);
	token = peek_non_space(t);
	pipe = new_pipe(t, token.pos);

decls:
	v = peek_non_space(t);
	if (v.typ == ITEM_VARIABLE) {
		struct item after, nxt;

		next(t);
		after = peek(t);
		nxt = peek_non_space(t);
		if (nxt.typ == ITEM_ASSIGN || nxt.typ == ITEM_DECLARE) {
			pipe->is_assign = nxt.typ == ITEM_ASSIGN;
			next_non_space(t);
			add_decl(t, pipe, v);
		} else if (nxt.typ == ITEM_CHAR && nxt.len == 1 &&
			   nxt.val[0] == ',') {
			next_non_space(t);
			add_decl(t, pipe, v);
			if (!strcmp(context, "range") && pipe->ndecl < 2) {
				switch (peek_non_space(t).typ) {
				case ITEM_VARIABLE: case ITEM_RIGHT_DELIM:
				case ITEM_RIGHT_PAREN:
					goto decls;
				default:
					errorf(t, "range can only initialize "
					       "variables");
				}
			}
			errorf(t, "too many declarations in %s", context);
		} else if (after.typ == ITEM_SPACE) {
			backup3(t, v, after);
		} else {
			backup2(t, v);
		}
	}
	for (;;) {
		token = next_non_space(t);
		if (token.typ == end) {
			check_pipeline(t, pipe, context);
			--*t->nesting;
			return pipe;
		}
		switch (token.typ) {
		case ITEM_BOOL: case ITEM_CHAR_CONSTANT: case ITEM_COMPLEX:
		case ITEM_DOT: case ITEM_FIELD: case ITEM_IDENTIFIER:
		case ITEM_NUMBER: case ITEM_NIL: case ITEM_RAW_STRING:
		case ITEM_STRING: case ITEM_VARIABLE: case ITEM_LEFT_PAREN:
			backup(t);
			node_append(t->p->arena, pipe, command(t));
			break;
		default:
			unexpected(t, token, context);
		}
	}
}

static struct node *use_var(struct tparse *t, int pos, const char *name,
			    size_t len)
{
	struct node *v = new_node(t, NODE_VARIABLE, pos);

	split_ident(t->p->arena, v, name, len);
	for (size_t i = 0; i < t->nvars; i++)
		if (!strcmp(t->vars[i], v->ident[0]))
			return v;
	errorf(t, "undefined variable %s",
	       quote(t->p->arena, v->ident[0], strlen(v->ident[0])));
}

static struct node *term(struct tparse *t)
{
	struct gw_arena *arena = t->p->arena;
	struct item token = next_non_space(t);
	struct node *n;
	const char *msg;

	switch (token.typ) {
	case ITEM_IDENTIFIER: {
		char *name = gw_arena_strndup(arena, token.val, token.len);
		const struct tfunc *f = tmpl_func_find(name);

		if (!f)
			errorf(t, "function %s not defined",
			       quote(arena, token.val, token.len));
		n = new_node(t, NODE_IDENTIFIER, token.pos);
		n->func = f;
		n->text = name;
		n->len = token.len;
		return n;
	}
	case ITEM_DOT:
		return new_node(t, NODE_DOT, token.pos);
	case ITEM_NIL:
		return new_node(t, NODE_NIL, token.pos);
	case ITEM_VARIABLE:
		return use_var(t, token.pos, token.val, token.len);
	case ITEM_FIELD:
		n = new_node(t, NODE_FIELD, token.pos);
		split_ident(arena, n, token.val + 1, token.len - 1);
		return n;
	case ITEM_BOOL:
		n = new_node(t, NODE_BOOL, token.pos);
		n->truth = token.len == 4;
		return n;
	case ITEM_CHAR_CONSTANT: case ITEM_COMPLEX: case ITEM_NUMBER:
		n = new_node(t, NODE_NUMBER, token.pos);
		msg = new_number(t, n, &token);
		if (msg)
			errorf(t, "%s", msg);
		return n;
	case ITEM_LEFT_PAREN:
		return pipeline(t, "parenthesized pipeline", ITEM_RIGHT_PAREN);
	case ITEM_STRING: case ITEM_RAW_STRING:
		n = new_node(t, NODE_STRING, token.pos);
		if (unquote(arena, token.val, token.len, &n->text, &n->len) < 0)
			errorf(t, "invalid syntax");
		n->quoted = gw_arena_strndup(arena, token.val, token.len);
		return n;
	default:
		break;
	}
	backup(t);
	return NULL;
}

static struct node *operand(struct tparse *t)
{
	struct gw_arena *arena = t->p->arena;
	struct node *n = term(t), *chain;

	if (!n)
		return NULL;
	if (peek(t).typ != ITEM_FIELD)
		return n;
	chain = new_node(t, NODE_CHAIN, peek(t).pos);
	chain->pipe = n;
	while (peek(t).typ == ITEM_FIELD) {
		struct item f = next(t);
		const char **ident = gw_arena_alloc(arena, (chain->nident + 1) *
							   sizeof(*ident));

		if (chain->nident)
			memcpy(ident, chain->ident,
			       chain->nident * sizeof(*ident));
		ident[chain->nident++] = gw_arena_strndup(arena, f.val + 1,
							  f.len - 1);
		chain->ident = ident;
	}
	switch (n->type) {
	case NODE_FIELD:
	case NODE_VARIABLE: {
		const char *s = tmpl_node_string(arena, chain);
		struct node *m = new_node(t, n->type, chain->pos);

		if (n->type == NODE_FIELD)
			split_ident(arena, m, s + 1, strlen(s) - 1);
		else
			split_ident(arena, m, s, strlen(s));
		return m;
	}
	case NODE_BOOL: case NODE_STRING: case NODE_NUMBER: case NODE_NIL:
	case NODE_DOT: {
		const char *s = tmpl_node_string(arena, n);

		errorf(t, "unexpected . after term %s",
		       quote(arena, s, strlen(s)));
	}
	default:
		return chain;
	}
}

static struct node *command(struct tparse *t)
{
	struct node *cmd = new_node(t, NODE_COMMAND, peek_non_space(t).pos);

	for (;;) {
		struct node *op;
		struct item token;

		peek_non_space(t);
		op = operand(t);
		if (op)
			node_append(t->p->arena, cmd, op);
		token = next(t);
		switch (token.typ) {
		case ITEM_SPACE:
			continue;
		case ITEM_RIGHT_DELIM: case ITEM_RIGHT_PAREN:
			backup(t);
			break;
		case ITEM_PIPE:
			break;
		default:
			unexpected(t, token, "operand");
		}
		break;
	}
	if (cmd->nkids == 0)
		errorf(t, "empty command");
	return cmd;
}

static struct node *parse_control(struct tparse *t, bool allow_else_if,
				  const char *context, enum node_type type)
{
	size_t nvars = t->nvars;
	struct node *n = new_node(t, type, 0), *nxt = NULL;

	n->pipe = pipeline(t, context, ITEM_RIGHT_DELIM);
	n->pos = n->pipe->pos;
	if (++*t->nesting > NESTING_MAX)
		errorf(t, "gwc: nesting deeper than %d", NESTING_MAX);
	if (type == NODE_RANGE)
		t->range_depth++;
	n->list = item_list(t, &nxt);
	if (type == NODE_RANGE)
		t->range_depth--;
	if (nxt->type == NODE_ELSE) {
		if (allow_else_if && peek(t).typ == ITEM_IF) {
			next(t);
			n->else_list = new_node(t, NODE_LIST, nxt->pos);
			node_append(t->p->arena, n->else_list, if_control(t));
		} else {
			n->else_list = item_list(t, &nxt);
			if (nxt->type != NODE_END)
				errorf(t, "expected end; found %s",
				       tmpl_node_string(t->p->arena, nxt));
		}
	}
	t->nvars = nvars;
	--*t->nesting;
	return n;
}

static struct node *if_control(struct tparse *t)
{
	return parse_control(t, true, "if", NODE_IF);
}

static const char *template_name(struct tparse *t, struct item token,
				 const char *context, size_t *len)
{
	const char *s;

	if (token.typ != ITEM_STRING && token.typ != ITEM_RAW_STRING)
		unexpected(t, token, context);
	if (unquote(t->p->arena, token.val, token.len, &s, len) < 0)
		errorf(t, "invalid syntax");
	return s;
}

static struct node *block_control(struct tparse *t)
{
	const char *context = "block clause";
	struct item token = next_non_space(t);
	size_t len;
	const char *name = template_name(t, token, context, &len);
	struct node *pipe = pipeline(t, context, ITEM_RIGHT_DELIM);
	struct tparse block;
	struct node *end = NULL, *n;

	if (++*t->nesting > NESTING_MAX)
		errorf(t, "gwc: nesting deeper than %d", NESTING_MAX);
	start_parse(&block, t->p, new_tree(t->p, name));
	block.tree->root = item_list(&block, &end);
	--*t->nesting;
	if (end->type != NODE_END)
		errorf(t, "unexpected %s in %s",
		       tmpl_node_string(t->p->arena, end), context);
	add_tree(&block);
	n = new_node(t, NODE_TEMPLATE, token.pos);
	n->text = name;
	n->len = len;
	n->pipe = pipe;
	return n;
}

static struct node *template_control(struct tparse *t)
{
	const char *context = "template clause";
	struct item token = next_non_space(t);
	size_t len;
	const char *name = template_name(t, token, context, &len);
	struct node *n, *pipe = NULL;

	if (next_non_space(t).typ != ITEM_RIGHT_DELIM) {
		backup(t);
		pipe = pipeline(t, context, ITEM_RIGHT_DELIM);
	}
	n = new_node(t, NODE_TEMPLATE, token.pos);
	n->text = name;
	n->len = len;
	n->pipe = pipe;
	return n;
}

static struct node *action(struct tparse *t)
{
	struct item token = next_non_space(t);
	struct node *n;

	switch (token.typ) {
	case ITEM_BLOCK:
		return block_control(t);
	case ITEM_BREAK:
	case ITEM_CONTINUE: {
		bool brk = token.typ == ITEM_BREAK;
		struct item tk = next_non_space(t);

		if (tk.typ != ITEM_RIGHT_DELIM)
			unexpected(t, tk, brk ? "{{break}}" : "{{continue}}");
		if (t->range_depth == 0)
			errorf(t, "%s outside {{range}}",
			       brk ? "{{break}}" : "{{continue}}");
		return new_node(t, brk ? NODE_BREAK : NODE_CONTINUE, token.pos);
	}
	case ITEM_ELSE: {
		struct item pk = peek_non_space(t);

		if (pk.typ == ITEM_IF)
			return new_node(t, NODE_ELSE, pk.pos);
		return new_node(t, NODE_ELSE,
				expect(t, ITEM_RIGHT_DELIM, "else").pos);
	}
	case ITEM_END:
		return new_node(t, NODE_END,
				expect(t, ITEM_RIGHT_DELIM, "end").pos);
	case ITEM_IF:
		return if_control(t);
	case ITEM_RANGE:
		return parse_control(t, false, "range", NODE_RANGE);
	case ITEM_TEMPLATE:
		return template_control(t);
	case ITEM_WITH:
		return parse_control(t, false, "with", NODE_WITH);
	default:
		break;
	}
	backup(t);
	token = peek(t);
	n = new_node(t, NODE_ACTION, token.pos);
	n->pipe = pipeline(t, "command", ITEM_RIGHT_DELIM);
	return n;
}

static struct node *text_or_action(struct tparse *t)
{
	struct item token = next_non_space(t);
	struct node *n;

	switch (token.typ) {
	case ITEM_TEXT:
		n = new_node(t, NODE_TEXT, token.pos);
		n->text = token.val;
		n->len = token.len;
		return n;
	case ITEM_LEFT_DELIM:
		t->action_line = token.line;
		n = action(t);
		t->action_line = 0;
		return n;
	case ITEM_COMMENT:
		n = new_node(t, NODE_COMMENT, token.pos);
		n->text = token.val;
		n->len = token.len;
		return n;
	default:
		unexpected(t, token, "input");
	}
}

static void parse_top(struct tparse *t)
{
	t->tree->root = new_node(t, NODE_LIST, peek(t).pos);
	while (peek(t).typ != ITEM_EOF) {
		struct node *n;

		if (peek(t).typ == ITEM_LEFT_DELIM) {
			struct item delim = next(t);

			if (next_non_space(t).typ == ITEM_DEFINE) {
				struct tparse def;

				start_parse(&def, t->p,
					    new_tree(t->p, "definition"));
				parse_definition(&def);
				continue;
			}
			backup2(t, delim);
		}
		n = text_or_action(t);
		if (n->type == NODE_END || n->type == NODE_ELSE)
			errorf(t, "unexpected %s",
			       tmpl_node_string(t->p->arena, n));
		node_append(t->p->arena, t->tree->root, n);
	}
}

/* ---- the set ------------------------------------------------------------- */

struct gw_tmpl *gw_tmpl_new(struct gw_arena *arena)
{
	struct gw_tmpl *set = gw_arena_alloc(arena, sizeof(*set));

	set->arena = arena;
	return set;
}

void gw_tmpl_set_missingkey(struct gw_tmpl *set, enum gw_tmpl_missingkey mode)
{
	set->missingkey = mode;
}

struct tree *tmpl_lookup(const struct gw_tmpl *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->entries[i].name, name))
			return set->entries[i].tree;
	return NULL;
}

bool gw_tmpl_defined(const struct gw_tmpl *set, const char *name)
{
	return tmpl_lookup(set, name) != NULL;
}

/* Go's AddParseTree + associate: an empty tree does not replace one. */
static void set_add(struct gw_tmpl *set, const char *name, struct tree *tree)
{
	for (size_t i = 0; i < set->n; i++) {
		if (strcmp(set->entries[i].name, name))
			continue;
		if (!tmpl_is_empty_tree(tree->root))
			set->entries[i].tree = tree;
		return;
	}
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 8;
		struct tmpl_entry *e = gw_arena_alloc(set->arena,
						      cap * sizeof(*e));

		if (set->n)
			memcpy(e, set->entries, set->n * sizeof(*e));
		set->entries = e;
		set->cap = cap;
	}
	set->entries[set->n].name = name;
	set->entries[set->n].tree = tree;
	set->n++;
}

int gw_tmpl_parse(struct gw_tmpl *set, const char *name, const char *text,
		  size_t len, const char **err)
{
	struct parser *p = gw_arena_alloc(set->arena, sizeof(*p));
	struct tparse *t = gw_arena_alloc(set->arena, sizeof(*t));

	p->arena = set->arena;
	p->name = gw_arena_strdup(set->arena, name);
	p->text = gw_arena_strndup(set->arena, text, len);
	p->text_len = len;
	if (len > INT32_MAX / 2) {
		*err = gw_arena_printf(set->arena, "template: %s: "
				       "template too large", name);
		return -1;
	}
	tmpl_lex(set->arena, p->text, len, &p->items, &p->nitems);
	if (setjmp(p->jmp)) {
		*err = p->err;
		return -1;
	}
	start_parse(t, p, new_tree(p, p->name));
	parse_top(t);
	add_tree(t);
	if (!set->name)
		set->name = p->name;
	for (size_t i = 0; i < p->ntrees; i++)
		set_add(set, p->trees[i].name, p->trees[i].tree);
	*err = NULL;
	return 0;
}
