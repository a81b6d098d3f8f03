/*
 * lex.c - template text -> items, as Go's text/template/parse/lex.go.
 *
 * Consumes the bytes of one template (any bytes: invalid UTF-8 reads as
 * U+FFFD, one byte at a time); produces every item at once, ending with
 * ITEM_EOF or with one ITEM_ERROR whose value is Go's message.  Line
 * numbers are counted as Go counts them (the line where an item starts).
 * Delimiters are Go's defaults, "{{" and "}}".
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define EOF_RUNE (-1)

struct lexer {
	struct gw_arena *arena;
	const char *input;
	int len;
	int pos, start;
	bool at_eof;
	int paren_depth;
	int line, start_line;
	struct item *items;
	size_t n, cap;
	bool done;
};

/* Decodes one UTF-8 rune at @s (@n bytes left) as Go does: an invalid
 * sequence is U+FFFD of width 1. */
static int decode_rune(const unsigned char *s, int n, int *width)
{
	uint32_t r;

	if (n <= 0) {
		*width = 0;
		return EOF_RUNE;
	}
	*width = (int)gw_utf8_decode(s, (size_t)n, &r);
	if (!*width) {
		*width = 1;
		return 0xFFFD;
	}
	return (int)r;
}

/* The width of the rune that ends at @s + @n (Go's DecodeLastRune). */
static int last_rune_width(const unsigned char *s, int n)
{
	int start, w;

	if (n <= 0)
		return 0;
	for (start = n - 1; start > 0 && start > n - 4 &&
	     (s[start] & 0xC0) == 0x80; start--)
		;
	decode_rune(s + start, n - start, &w);
	if (start + w != n)
		return 1;
	return w;
}

static bool is_space(int r)
{
	return r == ' ' || r == '\t' || r == '\r' || r == '\n';
}

static bool is_alnum(int r)
{
	return r == '_' || (r >= 0 && (gw_go_is_letter((uint32_t)r) ||
					 gw_go_is_digit((uint32_t)r)));
}

static int next(struct lexer *l)
{
	int r, w;

	if (l->pos >= l->len) {
		l->at_eof = true;
		return EOF_RUNE;
	}
	r = decode_rune((const unsigned char *)l->input + l->pos,
			l->len - l->pos, &w);
	l->pos += w;
	if (r == '\n')
		l->line++;
	return r;
}

static void backup(struct lexer *l)
{
	int w;

	if (!l->at_eof && l->pos > 0) {
		w = last_rune_width((const unsigned char *)l->input, l->pos);
		l->pos -= w;
		if (w == 1 && l->input[l->pos] == '\n')
			l->line--;
	}
}

static int peek(struct lexer *l)
{
	int r = next(l);

	backup(l);
	return r;
}

static int count_newlines(const char *s, int n)
{
	int c = 0;

	for (int i = 0; i < n; i++)
		c += s[i] == '\n';
	return c;
}

static void push(struct lexer *l, struct item it)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct item *items = gw_arena_alloc(l->arena,
						    cap * sizeof(*items));

		if (l->n)
			memcpy(items, l->items, l->n * sizeof(*items));
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n++] = it;
}

static void emit(struct lexer *l, enum item_type t)
{
	struct item it = {
		.typ = t, .pos = l->start, .val = l->input + l->start,
		.len = (size_t)(l->pos - l->start), .line = l->start_line,
	};

	push(l, it);
	l->start = l->pos;
	l->start_line = l->line;
}

static void ignore(struct lexer *l)
{
	l->line += count_newlines(l->input + l->start, l->pos - l->start);
	l->start = l->pos;
	l->start_line = l->line;
}

static bool accept(struct lexer *l, const char *valid)
{
	int r = next(l);

	if (r != EOF_RUNE && r != 0 && r < 0x80 && strchr(valid, r))
		return true;
	backup(l);
	return false;
}

static void accept_run(struct lexer *l, const char *valid)
{
	int r;

	while ((r = next(l)) != EOF_RUNE && r != 0 && r < 0x80 &&
	       strchr(valid, r))
		;
	backup(l);
}

/* Go's %#U: "U+0041 'A'", or "U+0001" when not printable. */
static const char *rune_u(struct gw_arena *arena, int r)
{
	char buf[8];
	int n;

	if (r < 0 || !gw_go_is_print((uint32_t)r))
		return gw_arena_printf(arena, "U+%04X", r < 0 ? 0xFFFD : r);
	if (r < 0x80) {
		buf[0] = (char)r;
		n = 1;
	} else if (r < 0x800) {
		buf[0] = (char)(0xC0 | r >> 6);
		buf[1] = (char)(0x80 | (r & 0x3F));
		n = 2;
	} else if (r < 0x10000) {
		buf[0] = (char)(0xE0 | r >> 12);
		buf[1] = (char)(0x80 | ((r >> 6) & 0x3F));
		buf[2] = (char)(0x80 | (r & 0x3F));
		n = 3;
	} else {
		buf[0] = (char)(0xF0 | r >> 18);
		buf[1] = (char)(0x80 | ((r >> 12) & 0x3F));
		buf[2] = (char)(0x80 | ((r >> 6) & 0x3F));
		buf[3] = (char)(0x80 | (r & 0x3F));
		n = 4;
	}
	return gw_arena_printf(arena, "U+%04X '%.*s'", r, n, buf);
}

static void errorf(struct lexer *l, const char *msg)
{
	struct item it = {
		.typ = ITEM_ERROR, .pos = l->start, .val = msg,
		.len = strlen(msg), .line = l->start_line,
	};

	push(l, it);
	l->done = true;
}

static bool has_prefix(struct lexer *l, int at, const char *p)
{
	size_t n = strlen(p);

	return at <= l->len && (size_t)(l->len - at) >= n &&
	       !memcmp(l->input + at, p, n);
}

static bool has_left_trim(struct lexer *l, int at)
{
	return l->len - at >= 2 && l->input[at] == '-' &&
	       is_space((unsigned char)l->input[at + 1]);
}

static bool has_right_trim(struct lexer *l, int at)
{
	return l->len - at >= 2 && is_space((unsigned char)l->input[at]) &&
	       l->input[at + 1] == '-';
}

static int right_trim_length(const char *s, int n)
{
	int i = n;

	while (i > 0 && is_space((unsigned char)s[i - 1]))
		i--;
	return n - i;
}

static int left_trim_length(const char *s, int n)
{
	int i = 0;

	while (i < n && is_space((unsigned char)s[i]))
		i++;
	return i;
}

/* The right delimiter at pos: 1 plain, 2 with a trim marker, 0 none. */
static int at_right_delim(struct lexer *l)
{
	if (has_right_trim(l, l->pos) && has_prefix(l, l->pos + 2, "}}"))
		return 2;
	if (has_prefix(l, l->pos, "}}"))
		return 1;
	return 0;
}

static bool at_terminator(struct lexer *l)
{
	int r = peek(l);

	if (is_space(r))
		return true;
	switch (r) {
	case EOF_RUNE: case '.': case ',': case '|': case ':': case ')':
	case '(':
		return true;
	}
	return has_prefix(l, l->pos, "}}");
}

enum state {
	S_TEXT, S_LEFT_DELIM, S_COMMENT, S_RIGHT_DELIM, S_INSIDE, S_SPACE,
	S_IDENTIFIER, S_FIELD, S_VARIABLE, S_CHAR, S_NUMBER, S_QUOTE,
	S_RAW_QUOTE, S_STOP,
};

static enum state lex_text(struct lexer *l)
{
	const char *p = NULL;
	int trim = 0;

	for (int i = l->pos; i + 1 < l->len; i++)
		if (l->input[i] == '{' && l->input[i + 1] == '{') {
			p = l->input + i;
			break;
		}
	if (p) {
		l->pos = (int)(p - l->input);
		if (has_left_trim(l, l->pos + 2))
			trim = right_trim_length(l->input + l->start,
						 l->pos - l->start);
		l->pos -= trim;
		if (l->pos > l->start) {
			l->line += count_newlines(l->input + l->start,
						  l->pos - l->start);
			emit(l, ITEM_TEXT);
		}
		l->pos += trim;
		ignore(l);
		return S_LEFT_DELIM;
	}
	l->pos = l->len;
	if (l->pos > l->start) {
		l->line += count_newlines(l->input + l->start,
					  l->pos - l->start);
		emit(l, ITEM_TEXT);
	}
	emit(l, ITEM_EOF);
	return S_STOP;
}

static enum state lex_left_delim(struct lexer *l)
{
	int after = 0;

	l->pos += 2;
	if (has_left_trim(l, l->pos))
		after = 2;
	if (has_prefix(l, l->pos + after, "/*")) {
		l->pos += after;
		ignore(l);
		return S_COMMENT;
	}
	emit(l, ITEM_LEFT_DELIM);
	l->pos += after;
	ignore(l);
	l->paren_depth = 0;
	return S_INSIDE;
}

static enum state lex_comment(struct lexer *l)
{
	const char *end = NULL;
	int delim;

	l->pos += 2;
	for (int i = l->pos; i + 1 < l->len; i++)
		if (l->input[i] == '*' && l->input[i + 1] == '/') {
			end = l->input + i;
			break;
		}
	if (!end) {
		errorf(l, "unclosed comment");
		return S_STOP;
	}
	l->pos = (int)(end - l->input) + 2;
	delim = at_right_delim(l);
	if (!delim) {
		errorf(l, "comment ends before closing delimiter");
		return S_STOP;
	}
	if (delim == 2)
		l->pos += 2;
	l->pos += 2;
	if (delim == 2)
		l->pos += left_trim_length(l->input + l->pos,
					   l->len - l->pos);
	ignore(l);
	return S_TEXT;
}

static enum state lex_right_delim(struct lexer *l)
{
	bool trim = has_right_trim(l, l->pos);

	if (trim) {
		l->pos += 2;
		ignore(l);
	}
	l->pos += 2;
	emit(l, ITEM_RIGHT_DELIM);
	if (trim) {
		l->pos += left_trim_length(l->input + l->pos,
					   l->len - l->pos);
		ignore(l);
	}
	return S_TEXT;
}

static enum state lex_inside(struct lexer *l)
{
	int r;

	if (at_right_delim(l)) {
		if (l->paren_depth == 0)
			return S_RIGHT_DELIM;
		errorf(l, "unclosed left paren");
		return S_STOP;
	}
	r = next(l);
	if (r == EOF_RUNE) {
		errorf(l, "unclosed action");
		return S_STOP;
	}
	if (is_space(r)) {
		backup(l);
		return S_SPACE;
	}
	switch (r) {
	case '=':
		emit(l, ITEM_ASSIGN);
		return S_INSIDE;
	case ':':
		if (next(l) != '=') {
			errorf(l, "expected :=");
			return S_STOP;
		}
		emit(l, ITEM_DECLARE);
		return S_INSIDE;
	case '|':
		emit(l, ITEM_PIPE);
		return S_INSIDE;
	case '"':
		return S_QUOTE;
	case '`':
		return S_RAW_QUOTE;
	case '$':
		return S_VARIABLE;
	case '\'':
		return S_CHAR;
	case '.':
		if (l->pos < l->len) {
			char c = l->input[l->pos];

			if (c < '0' || c > '9')
				return S_FIELD;
		}
		backup(l);
		return S_NUMBER;
	case '(':
		emit(l, ITEM_LEFT_PAREN);
		l->paren_depth++;
		return S_INSIDE;
	case ')':
		emit(l, ITEM_RIGHT_PAREN);
		l->paren_depth--;
		if (l->paren_depth < 0) {
			errorf(l, gw_arena_printf(l->arena,
				"unexpected right paren %s",
				rune_u(l->arena, r)));
			return S_STOP;
		}
		return S_INSIDE;
	}
	if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
		backup(l);
		return S_NUMBER;
	}
	if (is_alnum(r)) {
		backup(l);
		return S_IDENTIFIER;
	}
	if (r < 0x80 && gw_go_is_print((uint32_t)r)) {
		emit(l, ITEM_CHAR);
		return S_INSIDE;
	}
	errorf(l, gw_arena_printf(l->arena,
				  "unrecognized character in action: %s",
				  rune_u(l->arena, r)));
	return S_STOP;
}

static enum state lex_space(struct lexer *l)
{
	int spaces = 0;

	while (is_space(peek(l))) {
		next(l);
		spaces++;
	}
	if (has_right_trim(l, l->pos - 1) &&
	    has_prefix(l, l->pos - 1 + 2, "}}")) {
		backup(l);
		if (spaces == 1)
			return S_RIGHT_DELIM;
	}
	emit(l, ITEM_SPACE);
	return S_INSIDE;
}

static const struct { const char *word; enum item_type typ; } keywords[] = {
	{".", ITEM_DOT}, {"block", ITEM_BLOCK}, {"break", ITEM_BREAK},
	{"continue", ITEM_CONTINUE}, {"define", ITEM_DEFINE},
	{"else", ITEM_ELSE}, {"end", ITEM_END}, {"if", ITEM_IF},
	{"range", ITEM_RANGE}, {"nil", ITEM_NIL},
	{"template", ITEM_TEMPLATE}, {"with", ITEM_WITH},
};

static enum state lex_identifier(struct lexer *l)
{
	int r;
	const char *word;
	size_t len;

	while (is_alnum(r = next(l)))
		;
	backup(l);
	word = l->input + l->start;
	len = (size_t)(l->pos - l->start);
	if (!at_terminator(l)) {
		errorf(l, gw_arena_printf(l->arena, "bad character %s",
					  rune_u(l->arena, r)));
		return S_STOP;
	}
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strlen(keywords[i].word) == len &&
		    !memcmp(keywords[i].word, word, len)) {
			emit(l, keywords[i].typ);
			return S_INSIDE;
		}
	if (word[0] == '.')
		emit(l, ITEM_FIELD);
	else if ((len == 4 && !memcmp(word, "true", 4)) ||
		 (len == 5 && !memcmp(word, "false", 5)))
		emit(l, ITEM_BOOL);
	else
		emit(l, ITEM_IDENTIFIER);
	return S_INSIDE;
}

static enum state lex_field_or_variable(struct lexer *l, enum item_type typ)
{
	int r;

	if (at_terminator(l)) {
		emit(l, typ == ITEM_VARIABLE ? ITEM_VARIABLE : ITEM_DOT);
		return S_INSIDE;
	}
	for (;;) {
		r = next(l);
		if (!is_alnum(r)) {
			backup(l);
			break;
		}
	}
	if (!at_terminator(l)) {
		errorf(l, gw_arena_printf(l->arena, "bad character %s",
					  rune_u(l->arena, r)));
		return S_STOP;
	}
	emit(l, typ);
	return S_INSIDE;
}

static enum state lex_variable(struct lexer *l)
{
	if (at_terminator(l)) {
		emit(l, ITEM_VARIABLE);
		return S_INSIDE;
	}
	return lex_field_or_variable(l, ITEM_VARIABLE);
}

/* A quoted constant ending at @quote: '"' or '\''. */
static enum state lex_quoted(struct lexer *l, int quote, enum item_type typ,
			     const char *unterminated)
{
	for (;;) {
		int r = next(l);

		if (r == '\\') {
			r = next(l);
			if (r != EOF_RUNE && r != '\n')
				continue;
		}
		if (r == EOF_RUNE || r == '\n') {
			errorf(l, unterminated);
			return S_STOP;
		}
		if (r == quote)
			break;
	}
	emit(l, typ);
	return S_INSIDE;
}

static bool scan_number(struct lexer *l)
{
	const char *digits = "0123456789_";
	int r;

	accept(l, "+-");
	if (accept(l, "0")) {
		if (accept(l, "xX"))
			digits = "0123456789abcdefABCDEF_";
		else if (accept(l, "oO"))
			digits = "01234567_";
		else if (accept(l, "bB"))
			digits = "01_";
	}
	accept_run(l, digits);
	if (accept(l, "."))
		accept_run(l, digits);
	if (strlen(digits) == 11 && accept(l, "eE")) {
		accept(l, "+-");
		accept_run(l, "0123456789_");
	}
	if (strlen(digits) == 23 && accept(l, "pP")) {
		accept(l, "+-");
		accept_run(l, "0123456789_");
	}
	accept(l, "i");
	r = peek(l);
	if (is_alnum(r)) {
		next(l);
		return false;
	}
	return true;
}

static enum state lex_number(struct lexer *l)
{
	int sign;

	if (!scan_number(l))
		goto bad;
	sign = peek(l);
	if (sign == '+' || sign == '-') {
		if (!scan_number(l) || l->input[l->pos - 1] != 'i')
			goto bad;
		emit(l, ITEM_COMPLEX);
	} else {
		emit(l, ITEM_NUMBER);
	}
	return S_INSIDE;
bad:
	{
		struct gw_buf q = {0};
		const char *msg;

		gw_go_quote(&q, l->input + l->start,
			   (size_t)(l->pos - l->start));
		msg = gw_arena_printf(l->arena, "bad number syntax: %.*s",
				      (int)q.len, q.data);
		gw_buf_release(&q);
		errorf(l, msg);
	}
	return S_STOP;
}

static enum state lex_raw_quote(struct lexer *l)
{
	for (;;) {
		int r = next(l);

		if (r == EOF_RUNE) {
			errorf(l, "unterminated raw quoted string");
			return S_STOP;
		}
		if (r == '`')
			break;
	}
	emit(l, ITEM_RAW_STRING);
	return S_INSIDE;
}

void tmpl_lex(struct gw_arena *arena, const char *text, size_t len,
	      struct item **items, size_t *n)
{
	struct lexer l = {
		.arena = arena, .input = text, .len = (int)len,
		.line = 1, .start_line = 1,
	};
	enum state st = S_TEXT;

	while (st != S_STOP) {
		switch (st) {
		case S_TEXT: st = lex_text(&l); break;
		case S_LEFT_DELIM: st = lex_left_delim(&l); break;
		case S_COMMENT: st = lex_comment(&l); break;
		case S_RIGHT_DELIM: st = lex_right_delim(&l); break;
		case S_INSIDE: st = lex_inside(&l); break;
		case S_SPACE: st = lex_space(&l); break;
		case S_IDENTIFIER: st = lex_identifier(&l); break;
		case S_FIELD:
			st = lex_field_or_variable(&l, ITEM_FIELD);
			break;
		case S_VARIABLE: st = lex_variable(&l); break;
		case S_CHAR:
			st = lex_quoted(&l, '\'', ITEM_CHAR_CONSTANT,
					"unterminated character constant");
			break;
		case S_NUMBER: st = lex_number(&l); break;
		case S_QUOTE:
			st = lex_quoted(&l, '"', ITEM_STRING,
					"unterminated quoted string");
			break;
		case S_RAW_QUOTE: st = lex_raw_quote(&l); break;
		case S_STOP: break;
		}
	}
	*items = l.items;
	*n = l.n;
}

const char *tmpl_item_string(struct gw_arena *arena, const struct item *it)
{
	struct gw_buf q = {0};
	const char *s;

	switch (it->typ) {
	case ITEM_EOF:
		return "EOF";
	case ITEM_ERROR:
		return gw_arena_strndup(arena, it->val, it->len);
	default:
		break;
	}
	if (it->typ > ITEM_KEYWORD)
		return gw_arena_printf(arena, "<%.*s>", (int)it->len, it->val);
	if (it->len > 10) {
		/* %.10q...: the first 10 runes, quoted, then "..." */
		size_t n = 0;
		int runes = 0, w;

		while (n < it->len && runes < 10) {
			decode_rune((const unsigned char *)it->val + n,
				    (int)(it->len - n), &w);
			n += (size_t)w;
			runes++;
		}
		gw_go_quote(&q, it->val, n);
		s = gw_arena_printf(arena, "%.*s...", (int)q.len, q.data);
		gw_buf_release(&q);
		return s;
	}
	gw_go_quote(&q, it->val, it->len);
	s = gw_arena_strndup(arena, q.data, q.len);
	gw_buf_release(&q);
	return s;
}
