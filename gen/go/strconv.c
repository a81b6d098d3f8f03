/*
 * strconv.c - Go's strconv: Quote, QuoteRune and FormatFloat.
 *
 * Consumes bytes (UTF-8 where Go decodes it; an invalid byte is one
 * U+FFFD or, in a quoted string, \xNN) and numbers; appends Go's text.
 * Printable runes are those of strconv.IsPrint (unicode.c, generated from
 * Go's own tables).  Floats: the shortest digits that read back exactly
 * are found by printing with growing precision and reading back with
 * strtod, then laid out as strconv does.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "go.h"

int gw_go_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint32_t gw_go_rune(const char *s, size_t left, size_t *width)
{
	uint32_t r;

	*width = gw_utf8_decode((const unsigned char *)s, left, &r);
	if (*width)
		return r;
	*width = 1;
	return 0xFFFD;
}

/* ---- quoting ------------------------------------------------------------- */

/* One rune inside a string quoted with @quote. */
static void quote_rune_into(struct gw_buf *b, uint32_t r, char quote)
{
	static const char hex[] = "0123456789abcdef";
	char e[12];

	if (r == (unsigned char)quote || r == '\\') {
		e[0] = '\\';
		e[1] = (char)r;
		gw_buf_add(b, e, 2);
		return;
	}
	if (gw_go_is_print(r)) {
		gw_utf8_put(b, r);
		return;
	}
	switch (r) {
	case '\a': gw_buf_puts(b, "\\a"); return;
	case '\b': gw_buf_puts(b, "\\b"); return;
	case '\f': gw_buf_puts(b, "\\f"); return;
	case '\n': gw_buf_puts(b, "\\n"); return;
	case '\r': gw_buf_puts(b, "\\r"); return;
	case '\t': gw_buf_puts(b, "\\t"); return;
	case '\v': gw_buf_puts(b, "\\v"); return;
	}
	if (r < ' ' || r == 0x7F)
		snprintf(e, sizeof(e), "\\x%c%c", hex[r >> 4], hex[r & 15]);
	else if (r < 0x10000)
		snprintf(e, sizeof(e), "\\u%04x", (unsigned)r);
	else
		snprintf(e, sizeof(e), "\\U%08x", (unsigned)r);
	gw_buf_puts(b, e);
}

void gw_go_quote(struct gw_buf *buf, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t w;

	gw_buf_add(buf, "\"", 1);
	for (size_t i = 0; i < len; i += w) {
		uint32_t r;

		w = gw_utf8_decode((const unsigned char *)s + i, len - i, &r);
		if (!w) {
			char e[4] = {'\\', 'x', hex[(unsigned char)s[i] >> 4],
				     hex[(unsigned char)s[i] & 15]};

			gw_buf_add(buf, e, 4);
			w = 1;
			continue;
		}
		quote_rune_into(buf, r, '"');
	}
	gw_buf_add(buf, "\"", 1);
}

void gw_go_quote_rune(struct gw_buf *buf, uint32_t r)
{
	if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		r = 0xFFFD;
	gw_buf_add(buf, "'", 1);
	quote_rune_into(buf, r, '\'');
	gw_buf_add(buf, "'", 1);
}

/* ---- floats -------------------------------------------------------------- */

/* The shortest digits that read back as @f (> 0): *dp is the decimal
 * point's position (value = 0.DIGITS * 10^dp). */
static int shortest_digits(double f, char *digits, int *dp)
{
	char buf[40];
	int p, n = 0, exp;
	char *e;

	for (p = 0; p < 17; p++) {
		snprintf(buf, sizeof(buf), "%.*e", p, f);
		if (strtod(buf, NULL) == f)
			break;
	}
	for (char *c = buf; *c && *c != 'e'; c++)
		if (*c >= '0' && *c <= '9')
			digits[n++] = *c;
	e = strchr(buf, 'e');
	exp = atoi(e + 1);
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	*dp = exp + 1;
	return n;
}

static void put_exp(struct gw_buf *out, char e, int exp)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%c%c%02d", e, exp < 0 ? '-' : '+',
		 exp < 0 ? -exp : exp);
	gw_buf_puts(out, buf);
}

static void put_e(struct gw_buf *out, const char *d, int nd, int dp, char e)
{
	gw_buf_add(out, d, 1);
	if (nd > 1) {
		gw_buf_add(out, ".", 1);
		gw_buf_add(out, d + 1, (size_t)nd - 1);
	}
	put_exp(out, e, dp - 1);
}

static void put_f(struct gw_buf *out, const char *d, int nd, int dp)
{
	if (dp <= 0) {
		gw_buf_add(out, "0", 1);
		if (nd > 0) {
			gw_buf_add(out, ".", 1);
			for (int i = 0; i < -dp; i++)
				gw_buf_add(out, "0", 1);
			gw_buf_add(out, d, (size_t)nd);
		}
		return;
	}
	for (int i = 0; i < dp; i++)
		gw_buf_add(out, i < nd ? d + i : "0", 1);
	if (nd > dp) {
		gw_buf_add(out, ".", 1);
		gw_buf_add(out, d + dp, (size_t)(nd - dp));
	}
}

void gw_go_format_float(struct gw_buf *out, double f, char fmt, int prec)
{
	char digits[40], buf[512];
	int nd, dp;

	if (isnan(f)) {
		gw_buf_puts(out, "NaN");
		return;
	}
	if (isinf(f)) {
		gw_buf_puts(out, f > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (fmt == 'b') {
		/* strconv's 'b': decimal mantissa, binary exponent */
		int e;
		double m = frexp(fabs(f), &e);
		unsigned long long mant = (unsigned long long)ldexp(m, 53);

		e -= 53;
		if (f == 0) {
			mant = 0;
			e = -1074;
		} else if (e < -1074) {	/* subnormal */
			mant >>= -1074 - e;
			e = -1074;
		}
		snprintf(buf, sizeof(buf), "%s%llup%+d", signbit(f) ? "-" : "",
			 mant, e);
		gw_buf_puts(out, buf);
		return;
	}
	if (fmt == 'x' || fmt == 'X') {
		/* strconv's hexadecimal float: at least two exponent digits */
		char *e;

		snprintf(buf, sizeof(buf), fmt == 'x' ? "%a" : "%A", f);
		e = strpbrk(buf, "pP");
		if (e && (e[1] == '+' || e[1] == '-') && e[2] && !e[3]) {
			memmove(e + 3, e + 2, 2);
			e[2] = '0';
		}
		gw_buf_puts(out, buf);
		return;
	}
	if (prec >= 0) {
		char cfmt[8];

		if (prec > 400)
			prec = 400;
		if (fmt == 'F')
			fmt = 'f';
		snprintf(cfmt, sizeof(cfmt), "%%.*%c", fmt);
		snprintf(buf, sizeof(buf), cfmt, prec, f);
		gw_buf_puts(out, buf);
		return;
	}
	if (signbit(f)) {
		gw_buf_add(out, "-", 1);
		f = -f;
	}
	if (f == 0) {
		digits[0] = '0';
		nd = 1;
		dp = 1;
		if (fmt == 'e' || fmt == 'E') {
			put_e(out, "0", 1, 1, fmt);
			return;
		}
		gw_buf_add(out, "0", 1);
		return;
	}
	nd = shortest_digits(f, digits, &dp);
	switch (fmt) {
	case 'e':
	case 'E':
		put_e(out, digits, nd, dp, fmt);
		return;
	case 'f':
	case 'F':
		put_f(out, digits, nd, dp);
		return;
	default: {
		int exp = dp - 1;

		if (exp < -4 || exp >= 6) {
			put_e(out, digits, nd, dp, fmt == 'G' ? 'E' : 'e');
			return;
		}
		put_f(out, digits, nd, dp);
	}
	}
}
