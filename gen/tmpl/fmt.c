/*
 * fmt.c - Go's fmt formatting of template values (strconv: gen/go/).
 *
 * Consumes values; appends text to a gw_buf exactly as Go's fmt.Sprint,
 * Sprintln and Sprintf print them: %v of maps ("map[a:1 b:2]", keys
 * sorted), slices ("[a b]"), floats in the shortest form that reads back
 * ("1e+06", "0.1"); the verbs b c d e E f F g G o O q s t T U v x X with
 * flags, width and precision (also '*'); Go's "%!d(string=x)", MISSING,
 * EXTRA and NOVERB texts.  Explicit argument indexes ("%[1]d") are not
 * supported (they print as a bad verb).
 *
 * Bounded (tmpl.h): each call is one traversal of its values, entering
 * every map and slice through tmpl_walk_enter() (a cycle is an error where
 * Go's fmt recurses until its stack overflows), and appends at most
 * GW_TMPL_OUTPUT_MAX bytes; the first failure stops the printing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- runes --------------------------------------------------------------- */

static size_t rune_count(const char *s, size_t n)
{
	size_t c = 0, w;

	for (size_t i = 0; i < n; i += w, c++)
		gw_go_rune(s + i, n - i, &w);
	return c;
}

/* ---- the printer --------------------------------------------------------- */

struct spec {
	bool plus, minus, sharp, space, zero, sharp_v, plus_v;
	bool wid_present, prec_present;
	int wid, prec;
};

struct printer {
	struct exec_state *s;
	struct gw_buf *out;
	size_t start;		/* out->len before this call */
	struct spec f;
	bool erroring;
	const char *err;	/* the bound that stopped the printing */
};

static struct printer printer_new(struct exec_state *s, struct gw_buf *out)
{
	struct printer p = {.s = s, .out = out, .start = out->len};

	tmpl_walk_start(s);
	return p;
}

/* False (with p->err) when the printing must stop. */
static bool within(struct printer *p)
{
	if (p->err)
		return false;
	return tmpl_check_len(p->out->len - p->start, &p->err) == 0;
}

static void write_padding(struct printer *p, int n)
{
	char c = p->f.zero ? '0' : ' ';

	for (int i = 0; i < n; i++)
		gw_buf_add(p->out, &c, 1);
}

static void pad(struct printer *p, const char *s, size_t len)
{
	int width;

	if (!p->f.wid_present || p->f.wid == 0) {
		gw_buf_add(p->out, s, len);
		return;
	}
	width = p->f.wid - (int)rune_count(s, len);
	if (!p->f.minus) {
		write_padding(p, width);
		gw_buf_add(p->out, s, len);
	} else {
		gw_buf_add(p->out, s, len);
		write_padding(p, width);
	}
}

static void pad_str(struct printer *p, const char *s)
{
	pad(p, s, strlen(s));
}

/* The first @prec runes of a string (Go's truncate). */
static size_t truncate_len(const struct printer *p, const char *s, size_t n)
{
	size_t i = 0, w;
	int runes = 0;

	if (!p->f.prec_present)
		return n;
	while (i < n && runes < p->f.prec) {
		gw_go_rune(s + i, n - i, &w);
		i += w;
		runes++;
	}
	return i;
}

static void print_value(struct printer *p, const struct val *v, int verb,
			int depth);

static void bad_verb(struct printer *p, int verb, const struct val *v)
{
	char c[8];

	p->erroring = true;
	gw_buf_puts(p->out, "%!");
	{
		struct gw_buf tmp = {0};

		gw_utf8_put(&tmp, (unsigned)verb);
		gw_buf_add(p->out, tmp.data, tmp.len);
		gw_buf_release(&tmp);
	}
	gw_buf_puts(p->out, "(");
	if (v && v->kind != V_INVALID && v->kind != V_NIL) {
		/* printed as %v with the verb's flags, width and precision */
		gw_buf_puts(p->out, tmpl_type_name(v, true));
		gw_buf_puts(p->out, "=");
		print_value(p, v, 'v', 0);
	} else {
		gw_buf_puts(p->out, "<nil>");
	}
	gw_buf_puts(p->out, ")");
	(void)c;
	p->erroring = false;
}

static void fmt_bool(struct printer *p, bool b, int verb, const struct val *v)
{
	if (verb == 't' || verb == 'v')
		pad_str(p, b ? "true" : "false");
	else
		bad_verb(p, verb, v);
}

static void fmt_integer(struct printer *p, unsigned long long u, bool neg,
			int base, int verb, const char *digits)
{
	char buf[200];
	int i = (int)sizeof(buf);
	int prec = 0;
	bool zero_pad = false;

	if (p->f.wid_present || p->f.prec_present) {
		int width = 3 + p->f.wid + p->f.prec;

		if (width > (int)sizeof(buf) - 4)
			width = (int)sizeof(buf) - 4;
		(void)width;
	}
	if (p->f.prec_present) {
		prec = p->f.prec;
		if (prec == 0 && u == 0) {
			bool oldzero = p->f.zero;

			p->f.zero = false;
			write_padding(p, p->f.wid);
			p->f.zero = oldzero;
			return;
		}
	} else if (p->f.zero && p->f.wid_present) {
		prec = p->f.wid;
		if (neg || p->f.plus || p->f.space)
			prec--;
		zero_pad = true;
	}
	if (prec > 150)
		prec = 150;
	do {
		buf[--i] = digits[u % (unsigned)base];
		u /= (unsigned)base;
	} while (u);
	while (i > 0 && (int)sizeof(buf) - i < prec)
		buf[--i] = '0';
	if (p->f.sharp) {
		switch (base) {
		case 2: buf[--i] = 'b'; buf[--i] = '0'; break;
		case 8: if (buf[i] != '0') buf[--i] = '0'; break;
		case 16: buf[--i] = digits[16]; buf[--i] = '0'; break;
		}
	}
	if (verb == 'O') {
		buf[--i] = 'o';
		buf[--i] = '0';
	}
	if (neg)
		buf[--i] = '-';
	else if (p->f.plus)
		buf[--i] = '+';
	else if (p->f.space)
		buf[--i] = ' ';
	{
		bool oldzero = p->f.zero;

		if (zero_pad)
			p->f.zero = false;
		pad(p, buf + i, sizeof(buf) - (size_t)i);
		p->f.zero = oldzero;
	}
}

static void fmt_int(struct printer *p, const struct val *v, int verb)
{
	long long i = v->u.i;
	bool uns = v->type && v->type[0] == 'u';
	unsigned long long u = uns ? (unsigned long long)i :
		i < 0 ? 0 - (unsigned long long)i : (unsigned long long)i;
	bool neg = !uns && i < 0;

	switch (verb) {
	case 'v':
	case 'd':
		fmt_integer(p, u, neg, 10, verb, "0123456789abcdefx");
		return;
	case 'b':
		fmt_integer(p, u, neg, 2, verb, "0123456789abcdefx");
		return;
	case 'o':
	case 'O':
		fmt_integer(p, u, neg, 8, verb, "0123456789abcdefx");
		return;
	case 'x':
		fmt_integer(p, u, neg, 16, verb, "0123456789abcdefx");
		return;
	case 'X':
		fmt_integer(p, u, neg, 16, verb, "0123456789ABCDEFX");
		return;
	case 'c': {
		struct gw_buf b = {0};

		gw_utf8_put(&b, (neg || u > 0x10FFFF) ? 0xFFFD : (unsigned)u);
		pad(p, b.data, b.len);
		gw_buf_release(&b);
		return;
	}
	case 'q': {
		struct gw_buf b = {0};
		unsigned r = (neg || u > 0x10FFFF) ? 0xFFFD : (unsigned)u;

		gw_go_quote_rune(&b, r);
		pad(p, b.data, b.len);
		gw_buf_release(&b);
		return;
	}
	case 'U': {
		char buf[40];
		struct gw_buf b = {0};

		if (neg)	/* formatted as uint64 */
			u = (unsigned long long)i;

		snprintf(buf, sizeof(buf), "U+%04llX", u);
		gw_buf_puts(&b, buf);
		if (p->f.sharp && u <= 0x10FFFF && gw_go_is_print((unsigned)u)) {
			gw_buf_puts(&b, " '");
			gw_utf8_put(&b, (unsigned)u);
			gw_buf_puts(&b, "'");
		}
		pad(p, b.data, b.len);
		gw_buf_release(&b);
		return;
	}
	default:
		bad_verb(p, verb, v);
	}
}

static void fmt_float(struct printer *p, double f, int verb, int prec)
{
	struct gw_buf num = {0};
	const char *s;
	size_t len;

	if (p->f.prec_present)
		prec = p->f.prec;
	gw_buf_add(&num, "+", 1);
	gw_go_format_float(&num, f, (char)verb, prec);
	if (p->f.sharp && isfinite(f)) {
		/* '#': keep a decimal point and pad to the precision's
		 * significant digits (6 when unset) for %g and %x */
		int digits = (verb == 'g' || verb == 'G' || verb == 'x') ?
			(prec < 0 ? 6 : prec) : 0;
		bool point = false, nonzero = false;
		size_t cut = num.len;
		struct gw_buf tail = {0};

		for (size_t i = 1; i < num.len; i++) {
			char c = num.data[i];

			if (c == '.') {
				point = true;
			} else if (c == 'p' || c == 'P' ||
				   ((c == 'e' || c == 'E') && verb != 'x' &&
				    verb != 'X')) {
				cut = i;
				break;
			} else {
				if (c != '0')
					nonzero = true;
				if (nonzero)
					digits--;
			}
		}
		gw_buf_add(&tail, num.data + cut, num.len - cut);
		num.len = cut;
		if (!point) {
			if (num.len == 2 && num.data[1] == '0')
				digits--;
			gw_buf_add(&num, ".", 1);
		}
		for (; digits > 0; digits--)
			gw_buf_add(&num, "0", 1);
		if (tail.len)
			gw_buf_add(&num, tail.data, tail.len);
		gw_buf_release(&tail);
	}
	s = num.data;
	len = num.len;
	if (s[1] == '-' || s[1] == '+') {
		s++;
		len--;
	}
	if (p->f.space && s[0] == '+' && !p->f.plus)
		((char *)s)[0] = ' ';
	if (s[1] == 'I' || s[1] == 'N') {
		bool oldzero = p->f.zero;

		p->f.zero = false;
		if (s[1] == 'N' && !p->f.space && !p->f.plus) {
			s++;
			len--;
		}
		pad(p, s, len);
		p->f.zero = oldzero;
		gw_buf_release(&num);
		return;
	}
	if (p->f.plus || s[0] != '+') {
		if (p->f.zero && p->f.wid_present && p->f.wid > (int)len) {
			gw_buf_add(p->out, s, 1);
			write_padding(p, p->f.wid - (int)len);
			gw_buf_add(p->out, s + 1, len - 1);
		} else {
			pad(p, s, len);
		}
	} else {
		pad(p, s + 1, len - 1);
	}
	gw_buf_release(&num);
}

static void fmt_float_verb(struct printer *p, const struct val *v, int verb)
{
	switch (verb) {
	case 'v':
		fmt_float(p, v->u.f, 'g', -1);
		return;
	case 'g': case 'G':
		fmt_float(p, v->u.f, verb, -1);
		return;
	case 'f': case 'e': case 'E':
		fmt_float(p, v->u.f, verb, 6);
		return;
	case 'F':
		fmt_float(p, v->u.f, 'f', 6);
		return;
	case 'x':
	case 'X':
	case 'b':
		fmt_float(p, v->u.f, verb, -1);
		return;
	default:
		bad_verb(p, verb, v);
	}
}

static void fmt_complex(struct printer *p, const struct val *v, int verb)
{
	struct spec saved = p->f;

	switch (verb) {
	case 'v': case 'b': case 'g': case 'G': case 'x': case 'X': case 'f':
	case 'F': case 'e': case 'E':
		break;
	default:
		bad_verb(p, verb, v);
		return;
	}
	gw_buf_add(p->out, "(", 1);
	fmt_float_verb(p, &(struct val){.kind = V_FLOAT, .u.f = v->u.c.re},
		       verb);
	p->f.plus = true;
	fmt_float_verb(p, &(struct val){.kind = V_FLOAT, .u.f = v->u.c.im},
		       verb);
	gw_buf_puts(p->out, "i)");
	p->f = saved;
}

static void fmt_string(struct printer *p, const char *s, size_t len, int verb,
		       const struct val *v)
{
	static const char lo[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
	struct gw_buf b = {0};

	switch (verb) {
	case 'v':
		if (p->f.sharp_v) {
			gw_go_quote(&b, s, len);
			pad(p, b.data, b.len);
			break;
		}
		/* fall through */
	case 's':
		pad(p, s, truncate_len(p, s, len));
		break;
	case 'q':
		len = truncate_len(p, s, len);
		if (p->f.sharp && !memchr(s, '`', len)) {
			bool ok = true;

			for (size_t i = 0; i < len; i++)
				if ((unsigned char)s[i] < ' ' && s[i] != '\t')
					ok = false;
			if (ok) {
				gw_buf_add(&b, "`", 1);
				gw_buf_add(&b, s, len);
				gw_buf_add(&b, "`", 1);
				pad(p, b.data, b.len);
				break;
			}
		}
		if (p->f.plus) {
			/* strconv.QuoteToASCII */
			struct gw_buf q = {0};

			gw_go_quote(&q, s, len);
			for (size_t i = 0, w; i < q.len; i += w) {
				/* q is valid UTF-8: Quote escapes the rest */
				unsigned r = gw_go_rune(q.data + i, q.len - i,
							&w);
				char e[12];

				if (r < 0x80) {
					gw_buf_add(&b, q.data + i, 1);
					continue;
				}
				snprintf(e, sizeof(e), r < 0x10000 ? "\\u%04x" :
					 "\\U%08x", r);
				gw_buf_puts(&b, e);
			}
			gw_buf_release(&q);
			pad(p, b.data, b.len);
			break;
		}
		gw_go_quote(&b, s, len);
		pad(p, b.data, b.len);
		break;
	case 'x':
	case 'X': {
		const char *digits = verb == 'x' ? lo : up;
		size_t n = len;

		if (p->f.prec_present && (size_t)p->f.prec < n)
			n = (size_t)p->f.prec;
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];

			if (p->f.space && i > 0)
				gw_buf_add(&b, " ", 1);
			if (p->f.sharp && (p->f.space || i == 0)) {
				gw_buf_add(&b, "0", 1);
				gw_buf_add(&b, verb == 'x' ? "x" : "X", 1);
			}
			gw_buf_add(&b, &digits[c >> 4], 1);
			gw_buf_add(&b, &digits[c & 15], 1);
		}
		pad(p, b.data ? b.data : "", b.len);
		break;
	}
	default:
		bad_verb(p, verb, v);
	}
	gw_buf_release(&b);
}

static void print_value(struct printer *p, const struct val *v, int verb,
			int depth)
{
	if (!within(p))
		return;
	switch (v->kind) {
	case V_INVALID:
		if (depth == 0) {
			gw_buf_puts(p->out, "<invalid reflect.Value>");
			return;
		}
		/* fall through */
	case V_NIL:
		if (depth > 0)	/* an element: Go writes it unpadded */
			gw_buf_puts(p->out, p->f.sharp_v ? "interface {}(nil)" :
				    "<nil>");
		else
			pad_str(p, "<nil>");
		return;
	case V_BOOL:
		fmt_bool(p, v->u.b, verb, v);
		return;
	case V_INT:
		fmt_int(p, v, verb);
		return;
	case V_FLOAT:
		fmt_float_verb(p, v, verb);
		return;
	case V_COMPLEX:
		fmt_complex(p, v, verb);
		return;
	case V_STRING:
		fmt_string(p, v->u.s.s, v->u.s.len, verb, v);
		return;
	case V_MAP: {
		const struct gw_pair *few[8], **pairs = few;
		size_t n = v->u.n ? v->u.n->u.map.n : 0;
		bool elem_iface = !v->type;

		if (v->u.n && tmpl_walk_enter(p->s, v->u.n, &p->err) != 0)
			return;
		/* no allocation for a small map: printing a big value
		 * prints many of them */
		if (n > sizeof(few) / sizeof(few[0]) &&
		    !(pairs = malloc(n * sizeof(*pairs))))
			gw_oom();
		for (size_t i = 0; i < n; i++)
			pairs[i] = &v->u.n->u.map.pairs[i];
		tmpl_sort_pairs(pairs, n);

		if (p->f.sharp_v) {
			gw_buf_puts(p->out, tmpl_type_name(v, true));
			if (!v->u.n) {
				gw_buf_puts(p->out, "(nil)");
				return;
			}
			gw_buf_puts(p->out, "{");
		} else {
			gw_buf_puts(p->out, "map[");
		}
		for (size_t i = 0; i < n && within(p); i++) {
			struct val k = tmpl_str(pairs[i]->key->u.str.s,
						pairs[i]->key->u.str.len);
			struct val e = tmpl_node_val(pairs[i]->value,
						     elem_iface);

			if (i)
				gw_buf_puts(p->out, p->f.sharp_v ? ", " : " ");
			print_value(p, &k, verb, depth + 1);
			gw_buf_add(p->out, ":", 1);
			e.iface = false;
			print_value(p, &e, verb, depth + 1);
		}
		gw_buf_puts(p->out, p->f.sharp_v ? "}" : "]");
		if (pairs != few)
			free(pairs);
		if (v->u.n)
			tmpl_walk_leave(p->s);
		return;
	}
	case V_SLICE: {
		size_t n = v->u.n ? v->u.n->u.seq.n : 0;
		bool elem_iface = !v->type;

		if (v->u.n && tmpl_walk_enter(p->s, v->u.n, &p->err) != 0)
			return;
		if (p->f.sharp_v) {
			gw_buf_puts(p->out, tmpl_type_name(v, true));
			gw_buf_puts(p->out, v->u.n ? "{" : "(nil)");
			if (!v->u.n)
				return;
		} else {
			gw_buf_puts(p->out, "[");
		}
		for (size_t i = 0; i < n && within(p); i++) {
			struct val e = tmpl_node_val(v->u.n->u.seq.items[i],
						     elem_iface);

			if (i)
				gw_buf_puts(p->out, p->f.sharp_v ? ", " : " ");
			e.iface = false;
			print_value(p, &e, verb, depth + 1);
		}
		gw_buf_puts(p->out, p->f.sharp_v ? "}" : "]");
		if (v->u.n)
			tmpl_walk_leave(p->s);
		return;
	}
	}
}

/* Go's printArg: a top-level operand. */
static void print_arg(struct printer *p, const struct val *v, int verb)
{
	if (v->kind == V_INVALID || v->kind == V_NIL) {
		if (verb == 'T' || verb == 'v')
			pad_str(p, "<nil>");
		else
			bad_verb(p, verb, NULL);
		return;
	}
	if (verb == 'T') {
		pad_str(p, tmpl_type_name(v, true));
		return;
	}
	if (verb == 'p') {
		bad_verb(p, verb, v);
		return;
	}
	print_value(p, v, verb, 0);
}

/* The end of a call: 0, or -1 with *@err. */
static int finish(struct printer *p, const char **err)
{
	if (!within(p)) {
		*err = p->err;
		return -1;
	}
	return tmpl_spend(p->s, (p->out->len - p->start) / 64, 0, err);
}

int tmpl_print_value(struct exec_state *s, struct gw_buf *out,
		     const struct val *v, const char **err)
{
	struct printer p = printer_new(s, out);
	struct val e = *v;

	e.iface = false;
	print_arg(&p, &e, 'v');
	return finish(&p, err);
}

static bool is_string_arg(const struct val *v)
{
	return v->kind == V_STRING;
}

int tmpl_sprint(struct exec_state *s, struct gw_buf *out,
		const struct val *args, size_t n, const char **err)
{
	struct printer p = printer_new(s, out);
	bool prev_string = false;

	for (size_t i = 0; i < n && within(&p); i++) {
		bool is_string = is_string_arg(&args[i]);

		if (i > 0 && !is_string && !prev_string)
			gw_buf_add(out, " ", 1);
		print_arg(&p, &args[i], 'v');
		prev_string = is_string;
	}
	return finish(&p, err);
}

int tmpl_sprintln(struct exec_state *s, struct gw_buf *out,
		  const struct val *args, size_t n, const char **err)
{
	struct printer p = printer_new(s, out);

	for (size_t i = 0; i < n && within(&p); i++) {
		if (i > 0)
			gw_buf_add(out, " ", 1);
		print_arg(&p, &args[i], 'v');
	}
	gw_buf_add(out, "\n", 1);
	return finish(&p, err);
}

/* parsenum: digits at s[*i..end) into *num; false when none. */
static bool parse_num(const char *s, size_t end, size_t *i, int *num)
{
	bool any = false;

	*num = 0;
	while (*i < end && s[*i] >= '0' && s[*i] <= '9') {
		if (*num > 1000000) {
			*num = 0;	/* Go: tooLarge, the rest is eaten */
			*i = end;
			return false;
		}
		*num = *num * 10 + (s[*i] - '0');
		(*i)++;
		any = true;
	}
	return any;
}

/* intFromArg: an int argument for '*'. */
static bool int_from_arg(const struct val *args, size_t n, size_t *argnum,
			 int *num)
{
	bool ok = false;

	*num = 0;
	if (*argnum < n) {
		const struct val *a = &args[*argnum];

		if (a->kind == V_INT) {
			ok = a->u.i >= -1000000 && a->u.i <= 1000000;
			if (ok)
				*num = (int)a->u.i;
		}
		(*argnum)++;
	}
	return ok;
}

/* Go's argNumber: an explicit "[n]" at format[*i]; sets *reordered, and
 * *good false for a bad one; true when one was read. */
static bool arg_number(const char *format, size_t end, size_t *i,
		       size_t *argnum, size_t nargs, bool *reordered,
		       bool *good)
{
	size_t k;

	if (*i >= end || format[*i] != '[')
		return false;
	*reordered = true;
	if (end - *i < 3) {
		*good = false;
		*i += 1;
		return false;
	}
	for (k = *i + 1; k < end; k++) {
		if (format[k] == ']') {
			size_t j = *i + 1;
			int num;
			bool ok = parse_num(format, k, &j, &num) && j == k;

			*i = k + 1;
			if (ok && num >= 1 && (size_t)num <= nargs) {
				*argnum = (size_t)num - 1;
				return true;
			}
			*good = false;
			return ok;
		}
	}
	*good = false;
	*i += 1;
	return false;
}

int tmpl_sprintf(struct exec_state *s, struct gw_buf *out, const char *format,
		 size_t end, const struct val *args, size_t n, const char **err)
{
	struct printer p = printer_new(s, out);
	size_t i = 0, argnum = 0;
	bool reordered = false;

	while (i < end && within(&p)) {
		size_t lasti = i, w;
		unsigned verb;
		bool after_index, good = true;

		while (i < end && format[i] != '%')
			i++;
		if (i > lasti)
			gw_buf_add(out, format + lasti, i - lasti);
		if (i >= end)
			break;
		i++;
		memset(&p.f, 0, sizeof(p.f));
		for (; i < end; i++) {
			char c = format[i];

			if (c == '#')
				p.f.sharp = true;
			else if (c == '0')
				p.f.zero = !p.f.minus;
			else if (c == '+')
				p.f.plus = true;
			else if (c == '-') {
				p.f.minus = true;
				p.f.zero = false;
			} else if (c == ' ')
				p.f.space = true;
			else
				break;
		}
		after_index = arg_number(format, end, &i, &argnum, n,
					 &reordered, &good);
		if (i < end && format[i] == '*') {
			i++;
			p.f.wid_present = int_from_arg(args, n, &argnum,
						       &p.f.wid);
			if (!p.f.wid_present)
				gw_buf_puts(out, "%!(BADWIDTH)");
			if (p.f.wid < 0) {
				p.f.wid = -p.f.wid;
				p.f.minus = true;
				p.f.zero = false;
			}
			after_index = false;
		} else {
			p.f.wid_present = parse_num(format, end, &i, &p.f.wid);
			if (after_index && p.f.wid_present)
				good = false;
		}
		if (i + 1 < end && format[i] == '.') {
			i++;
			if (after_index)
				good = false;
			after_index = arg_number(format, end, &i, &argnum, n,
						 &reordered, &good);
			if (i < end && format[i] == '*') {
				i++;
				p.f.prec_present = int_from_arg(args, n,
							&argnum, &p.f.prec);
				if (p.f.prec < 0) {
					p.f.prec = 0;
					p.f.prec_present = false;
				}
				if (!p.f.prec_present)
					gw_buf_puts(out, "%!(BADPREC)");
				after_index = false;
			} else {
				parse_num(format, end, &i, &p.f.prec);
				p.f.prec_present = true;
			}
		}
		if (!after_index)
			arg_number(format, end, &i, &argnum, n, &reordered,
				   &good);
		if (i >= end) {
			gw_buf_puts(out, "%!(NOVERB)");
			break;
		}
		verb = gw_go_rune(format + i, end - i, &w);
		i += w;
		if (verb == '%') {
			gw_buf_add(out, "%", 1);
			continue;
		}
		if (!good) {
			gw_buf_puts(out, "%!");
			gw_utf8_put(out, verb);
			gw_buf_puts(out, "(BADINDEX)");
			continue;
		}
		if (argnum >= n) {
			gw_buf_puts(out, "%!");
			gw_utf8_put(out, verb);
			gw_buf_puts(out, "(MISSING)");
			continue;
		}
		if (verb == 'v') {
			if (p.f.sharp) {
				p.f.sharp = false;
				p.f.sharp_v = true;
			}
			if (p.f.plus) {
				p.f.plus = false;
				p.f.plus_v = true;
			}
		}
		print_arg(&p, &args[argnum], (int)verb);
		argnum++;
	}
	if (!reordered && argnum < n) {
		memset(&p.f, 0, sizeof(p.f));
		gw_buf_puts(out, "%!(EXTRA ");
		for (size_t k = argnum; k < n && within(&p); k++) {
			if (k > argnum)
				gw_buf_puts(out, ", ");
			if (args[k].kind == V_INVALID || args[k].kind == V_NIL) {
				gw_buf_puts(out, "<nil>");
			} else {
				gw_buf_puts(out, tmpl_type_name(&args[k], true));
				gw_buf_puts(out, "=");
				print_arg(&p, &args[k], 'v');
			}
		}
		gw_buf_puts(out, ")");
	}
	return finish(&p, err);
}
