/*
 * yaml.c - sigs.k8s.io/yaml.Marshal's output: json.Marshal, the JSON read
 * back by go-yaml v2 and written by go-yaml v2's emitter (gopkg.in/yaml.v2
 * 2.4: encode.go, resolve.go, sorter.go, emitterc.go).  It is the text of
 * Helm's and Istio's toYaml and of `istioctl kube-inject`.
 *
 * Consumes a gw_node tree; appends YAML.  The JSON round trip is done on
 * the fly: strings and keys have invalid UTF-8 replaced by U+FFFD, numbers
 * become what go-yaml reads back from encoding/json's text (an integral
 * float64 an int).  Then, as go-yaml's encoder: keys in sorter.go's order,
 * a string plain when go-yaml's resolver would read it back as a string
 * (and it is not a YAML 1.1 base-60 float), a literal block when it holds
 * a newline, else double-quoted.  The emitter's state (column, indent,
 * whitespace, indention) is kept as emitterc.go keeps it, so that its
 * choices (single quotes when plain is not allowed, "? " for a key longer
 * than 128 bytes or with a line break, folding past column 80, "- " items
 * not indented under their key) fall out the same way.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "go.h"

#define BEST_INDENT 2
#define BEST_WIDTH 80
#define SIMPLE_KEY_MAX 128

/* ---- strings as encoding/json leaves them --------------------------------- */

/* @s with each invalid UTF-8 byte replaced by U+FFFD, in @tmp if needed. */
static const char *json_text(const char *s, size_t len, size_t *outlen,
			     struct gw_buf *tmp)
{
	size_t i, w;
	uint32_t r;

	for (i = 0; i < len; i += w)
		if (!(w = gw_utf8_decode((const unsigned char *)s + i,
					 len - i, &r)))
			break;
	if (i == len) {
		*outlen = len;
		return s;
	}
	tmp->len = 0;
	gw_buf_add(tmp, s, i);
	for (; i < len; i += w) {
		w = gw_utf8_decode((const unsigned char *)s + i, len - i, &r);
		if (!w) {
			gw_buf_add(tmp, "\xEF\xBF\xBD", 3);
			w = 1;
		} else {
			gw_buf_add(tmp, s + i, w);
		}
	}
	*outlen = tmp->len;
	return tmp->data;
}

/* ---- sorter.go: the key order --------------------------------------------- */

/* A key as go-yaml sees it: []rune of its (valid UTF-8) text. */
struct runes {
	uint32_t *r;
	size_t n;
};

static struct runes to_runes(const char *s, size_t len)
{
	struct runes k = {malloc((len + 1) * sizeof(uint32_t)), 0};
	size_t w;

	if (!k.r)
		gw_oom();
	for (size_t i = 0; i < len; i += w)
		k.r[k.n++] = gw_go_rune(s + i, len - i, &w);
	return k;
}

/* keyList.Less for two strings.  Digit runs are summed as Go does it:
 * int64 arithmetic that wraps, a digit's value being rune - '0' (so not
 * 0..9 for the digits of other scripts). */
static bool runes_less(const struct runes *a, const struct runes *b)
{
	for (size_t i = 0; i < a->n && i < b->n; i++) {
		uint32_t x = a->r[i], y = b->r[i];
		bool xl, yl;
		uint64_t an = 0, bn = 0;
		size_t ai, bi;

		if (x == y)
			continue;
		xl = gw_go_is_letter(x);
		yl = gw_go_is_letter(y);
		if (xl && yl)
			return x < y;
		if (xl || yl)
			return yl;
		if (x == '0' || y == '0') {
			/* a non-zero digit before in the run: not leading
			 * zeros, so neither number is 0 */
			for (size_t j = i; j-- > 0 && gw_go_is_digit(a->r[j]);)
				if (a->r[j] != '0') {
					an = bn = 1;
					break;
				}
		}
		for (ai = i; ai < a->n && gw_go_is_digit(a->r[ai]); ai++)
			an = an * 10 + (uint64_t)((int64_t)a->r[ai] - '0');
		for (bi = i; bi < b->n && gw_go_is_digit(b->r[bi]); bi++)
			bn = bn * 10 + (uint64_t)((int64_t)b->r[bi] - '0');
		if (an != bn)
			return (int64_t)an < (int64_t)bn;
		if (ai != bi)
			return ai < bi;
		return x < y;
	}
	return a->n < b->n;
}

bool gw_go_yaml_key_less(const char *a, size_t alen, const char *b,
			 size_t blen)
{
	struct runes ra = to_runes(a, alen), rb = to_runes(b, blen);
	bool less = runes_less(&ra, &rb);

	free(ra.r);
	free(rb.r);
	return less;
}

/* ---- resolve.go: what a plain scalar would read back as -------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * strconv.ParseInt(@s, @base, 64) (or with @is_unsigned ParseUint)
 * succeeds: @base 0 takes Go's prefixes (0x, 0o, 0b, a leading 0 for
 * octal); a sign only for ParseInt; the value in range.
 */
static bool parses_int(const char *s, size_t n, int base, bool is_unsigned)
{
	bool neg = false;
	unsigned long long v = 0, max;
	size_t i = 0;

	if (n && (s[0] == '+' || s[0] == '-')) {
		if (is_unsigned)
			return false;
		neg = s[0] == '-';
		i++;
	}
	if (base == 0) {
		base = 10;
		if (n - i >= 2 && s[i] == '0') {
			char p = (char)(s[i + 1] | 0x20);

			if (p == 'x' || p == 'o' || p == 'b') {
				base = p == 'x' ? 16 : p == 'o' ? 8 : 2;
				i += 2;
			} else {
				base = 8;
				i++;
			}
		}
	}
	if (i == n)
		return false;
	max = is_unsigned ? ~0ULL : neg ? 1ULL << 63 : (1ULL << 63) - 1;
	for (; i < n; i++) {
		int d = gw_go_hex_value((unsigned char)s[i]);

		if (d < 0 || d >= base)
			return false;
		if (v > (max - (unsigned)d) / (unsigned)base)
			return false;
		v = v * (unsigned)base + (unsigned)d;
	}
	return true;
}

/* strconv.ParseInt("-" + @s, 2, 64) succeeds. */
static bool parses_negative_binary(const char *s, size_t n)
{
	unsigned long long v = 0;

	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '0' && s[i] != '1')
			return false;
		if (v > ((1ULL << 63) - (unsigned)(s[i] - '0')) / 2)
			return false;
		v = v * 2 + (unsigned)(s[i] - '0');
	}
	return true;
}

/* strconv.ParseFloat succeeds on text already known to be a decimal float:
 * it fails only beyond the float64 range. */
static bool float_in_range(const char *s, size_t n)
{
	char *copy = malloc(n + 1);
	size_t k = 0;
	double f;

	if (!copy)
		gw_oom();
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			copy[k++] = s[i];
	copy[k] = 0;
	f = strtod(copy, NULL);
	free(copy);
	return !isinf(f);
}

/* Skips [0-9]+ (with @underscores also '_'); returns how many digits. */
static size_t skip_digits(const char *s, size_t n, size_t *i, bool underscores)
{
	size_t d = 0;

	for (; *i < n && (is_digit(s[*i]) || (underscores && s[*i] == '_'));
	     (*i)++)
		d += s[*i] != '_';
	return d;
}

/* go-yaml's yamlStyleFloat,
 * ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$, or with
 * @underscores strconv.ParseFloat's syntax for text starting with '.'
 * (a '_' only between two digits). */
static bool float_syntax(const char *s, size_t n, bool underscores)
{
	size_t i = 0;

	if (!underscores && n && (s[0] == '+' || s[0] == '-'))
		i++;
	if (i < n && s[i] == '.') {
		i++;
		if (!skip_digits(s, n, &i, underscores))
			return false;
	} else {
		if (underscores || !skip_digits(s, n, &i, false))
			return false;
		if (i < n && s[i] == '.') {
			i++;
			skip_digits(s, n, &i, false);
		}
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!skip_digits(s, n, &i, underscores))
			return false;
	}
	if (i != n)
		return false;
	for (i = 0; underscores && i < n; i++)
		if (s[i] == '_' && (i == 0 || i + 1 == n ||
				    !is_digit(s[i - 1]) || !is_digit(s[i + 1])))
			return false;
	return true;
}

/* time.Parse's getnum: one or two digits. */
static bool get_num(const char *s, size_t n, size_t *i, int *v)
{
	if (*i >= n || !is_digit(s[*i]))
		return false;
	*v = s[(*i)++] - '0';
	if (*i < n && is_digit(s[*i]))
		*v = *v * 10 + s[(*i)++] - '0';
	return true;
}

/* time.Parse's atoi of a two-byte zone field: [+-]?digits. */
static bool zone_field(const char *s)
{
	return (is_digit(s[0]) && is_digit(s[1])) ||
	       ((s[0] == '+' || s[0] == '-') && is_digit(s[1]));
}

static int days_in(int month, int year)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				   30, 31};

	if (month == 2 && year % 4 == 0 && (year % 100 || year % 400 == 0))
		return 29;
	return days[month - 1];
}

/*
 * go-yaml's parseTimestamp: time.Parse (Go 1.19) with one of the layouts
 * "2006-1-2T15:4:5.999999999Z07:00" (also 't'), "2006-1-2 15:4:5.999999999"
 * and "2006-1-2".
 */
static bool is_timestamp(const char *s, size_t n)
{
	size_t i = 0;
	int year = 0, month, day, hour, min, sec;
	bool zone;

	for (; i < n && is_digit(s[i]); i++)
		if (i < 4)	/* more digits: not a timestamp */
			year = year * 10 + s[i] - '0';
	if (i != 4 || i == n || s[i] != '-')
		return false;
	i++;
	if (!get_num(s, n, &i, &month) || month < 1 || month > 12 ||
	    i >= n || s[i] != '-')
		return false;
	i++;
	if (!get_num(s, n, &i, &day))
		return false;
	if (i < n) {
		if (s[i] == 'T' || s[i] == 't') {
			zone = true;
			i++;
		} else if (s[i] == ' ') {
			zone = false;
			while (i < n && s[i] == ' ')
				i++;
		} else {
			return false;
		}
		if (!get_num(s, n, &i, &hour) || hour > 23 || i >= n ||
		    s[i++] != ':' || !get_num(s, n, &i, &min) || min > 59 ||
		    i >= n || s[i++] != ':' || !get_num(s, n, &i, &sec) ||
		    sec > 59)
			return false;
		if (n - i >= 2 && (s[i] == '.' || s[i] == ',') &&
		    is_digit(s[i + 1])) {
			size_t d = 0;

			for (i++; i < n && d < 9 && is_digit(s[i]); i++)
				d++;
		}
		if (zone) {
			if (i < n && s[i] == 'Z') {
				i++;
			} else {
				if (n - i < 6 || s[i + 3] != ':' ||
				    (s[i] != '+' && s[i] != '-') ||
				    !zone_field(s + i + 1) ||
				    !zone_field(s + i + 4))
					return false;
				i += 6;
			}
		}
		if (i != n)
			return false;
	}
	return day >= 1 && day <= days_in(month, year);
}

/* go-yaml's isBase60Float:
 * ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool is_base60_float(const char *s, size_t n)
{
	size_t i = 0;
	int groups = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i >= n || !is_digit(s[i]))
		return false;
	while (i < n && (is_digit(s[i]) || s[i] == '_'))
		i++;
	while (i < n && s[i] == ':') {
		i++;
		if (i + 1 < n && is_digit(s[i]) && is_digit(s[i + 1])) {
			if (s[i] > '5')
				return false;
			i += 2;
		} else if (i < n && is_digit(s[i])) {
			i++;
		} else {
			return false;
		}
		groups++;
	}
	if (!groups)
		return false;
	if (i < n && s[i] == '.')
		for (i++; i < n && (is_digit(s[i]) || s[i] == '_'); i++)
			;
	return i == n;
}

/* go-yaml's resolve("", s) gives something other than a string. */
static bool resolves_other(const char *s, size_t n)
{
	static const char *const words[] = {
		"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on",
		"On", "ON", "n", "N", "no", "No", "NO", "false", "False",
		"FALSE", "off", "Off", "OFF", "~", "null", "Null", "NULL",
		".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf",
		"+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
		/* "<<" is in go-yaml's table too, but never looked up: its
		 * first byte is not one resolve() tries */
	};
	char *plain;
	size_t k = 0;
	bool other;

	if (!n)
		return true;	/* null */
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == n && !memcmp(words[i], s, n))
			return true;
	if (s[0] == '.')
		return float_syntax(s, n, true) && float_in_range(s, n);
	if (!is_digit(s[0]) && s[0] != '+' && s[0] != '-')
		return false;
	if (is_timestamp(s, n))
		return true;
	plain = malloc(n);
	if (!plain)
		gw_oom();
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			plain[k++] = s[i];
	other = parses_int(plain, k, 0, false) ||
		parses_int(plain, k, 0, true) ||
		(float_syntax(plain, k, false) && float_in_range(plain, k)) ||
		(k > 2 && !memcmp(plain, "0b", 2) &&
		 (parses_int(plain + 2, k - 2, 2, false) ||
		  parses_int(plain + 2, k - 2, 2, true))) ||
		(k > 3 && !memcmp(plain, "-0b", 3) &&
		 parses_negative_binary(plain + 3, k - 3));
	free(plain);
	return other;
}

/* ---- emitterc.go: the emitter ---------------------------------------------- */

struct emitter {
	struct gw_buf *out;
	int column;		/* characters on the current line */
	int indent;		/* -1 outside every node */
	bool whitespace;	/* the last character written is a blank */
	bool indention;		/* only indentation on this line so far */
	size_t end;		/* out may grow to this length, then: */
	bool over;		/* stop (gw_go_yaml_write_max) */
	/* a string go-yaml writes plain stays plain only if this says so
	 * (gw_go_yaml_write_quoting); else it is double-quoted */
	bool (*plain_ok)(const char *s, size_t n);
};

/* Byte classes of emitterc.go (yamlprivateh.go), for valid UTF-8. */
static size_t width(unsigned char c)
{
	return (c & 0x80) == 0 ? 1 : (c & 0xE0) == 0xC0 ? 2 :
	       (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
}

static unsigned char at(const char *s, size_t n, size_t i)
{
	return i < n ? (unsigned char)s[i] : 0;
}

static bool is_break(const char *s, size_t n, size_t i)
{
	unsigned char c = at(s, n, i), c1 = at(s, n, i + 1),
		      c2 = at(s, n, i + 2);

	return c == '\r' || c == '\n' || (c == 0xC2 && c1 == 0x85) ||
	       (c == 0xE2 && c1 == 0x80 && (c2 == 0xA8 || c2 == 0xA9));
}

static bool is_blank(const char *s, size_t n, size_t i)
{
	return at(s, n, i) == ' ' || at(s, n, i) == '\t';
}

/* is_blankz: a blank, a break or NUL */
static bool is_blankz(const char *s, size_t n, size_t i)
{
	return is_blank(s, n, i) || is_break(s, n, i) || at(s, n, i) == 0;
}

static bool is_printable(const char *s, size_t n, size_t i)
{
	unsigned char c = at(s, n, i), c1 = at(s, n, i + 1),
		      c2 = at(s, n, i + 2);

	return c == 0x0A || (c >= 0x20 && c <= 0x7E) ||
	       (c == 0xC2 && c1 >= 0xA0) || (c > 0xC2 && c < 0xED) ||
	       (c == 0xED && c1 < 0xA0) || c == 0xEE ||
	       (c == 0xEF && !(c1 == 0xBB && c2 == 0xBF) &&
		!(c1 == 0xBF && (c2 == 0xBE || c2 == 0xBF)));
}

/* is_bom looks at the start of the value, wherever @i is (as Go's does). */
static bool starts_with_bom(const char *s, size_t n)
{
	return n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3);
}

static void put(struct emitter *e, char c)
{
	gw_buf_add(e->out, &c, 1);
	e->column++;
}

static void put_break(struct emitter *e)
{
	gw_buf_add(e->out, "\n", 1);
	e->column = 0;
}

/* write(): one character, one column. */
static void write_char(struct emitter *e, const char *s, size_t n, size_t *i)
{
	size_t w = width((unsigned char)s[*i]);

	if (w > n - *i)
		w = n - *i;
	gw_buf_add(e->out, s + *i, w);
	e->column++;
	*i += w;
}

static void write_break(struct emitter *e, const char *s, size_t n,
			size_t *i)
{
	if (s[*i] == '\n') {
		put_break(e);
		(*i)++;
	} else {
		write_char(e, s, n, i);
		e->column = 0;
	}
}

static void write_indent(struct emitter *e)
{
	int indent = e->indent < 0 ? 0 : e->indent;

	/* every line starts here: the place to stop a text too long */
	if (e->out->len > e->end)
		e->over = true;
	if (e->over)
		return;
	if (!e->indention || e->column > indent ||
	    (e->column == indent && !e->whitespace))
		put_break(e);
	while (e->column < indent)
		put(e, ' ');
	e->whitespace = true;
	e->indention = true;
}

static void write_indicator(struct emitter *e, const char *indicator,
			    bool need_whitespace, bool is_whitespace,
			    bool is_indention)
{
	if (need_whitespace && !e->whitespace)
		put(e, ' ');
	while (*indicator)
		put(e, *indicator++);
	e->whitespace = is_whitespace;
	e->indention = e->indention && is_indention;
}

/* What yaml_emitter_analyze_scalar finds that block context uses. */
struct analysis {
	bool multiline, block_plain, single_quoted, block;
};

static struct analysis analyze(const char *s, size_t n)
{
	struct analysis a = {false, true, true, true};
	bool block_ind = false, special = false;
	bool leading_space = false, leading_break = false;
	bool trailing_space = false, trailing_break = false;
	bool break_space = false, space_break = false;
	bool prev_space = false, prev_break = false;
	bool preceded = true, followed;

	if (!n) {
		a.block = false;
		return a;
	}
	if (n >= 3 && (!memcmp(s, "---", 3) || !memcmp(s, "...", 3)))
		block_ind = true;
	for (size_t i = 0, w; i < n; i += w) {
		unsigned char c = (unsigned char)s[i];

		w = width(c);
		followed = i + w >= n || is_blank(s, n, i + w);
		if (i == 0) {
			if (strchr("#,[]{}&*!|>'\"%@`", c) && c)
				block_ind = true;
			else if ((c == '?' || c == ':' || c == '-') && followed)
				block_ind = true;
		} else if ((c == ':' && followed) || (c == '#' && preceded)) {
			block_ind = true;
		}
		if (!is_printable(s, n, i))
			special = true;
		if (c == ' ') {
			leading_space |= i == 0;
			trailing_space |= i + w == n;
			break_space |= prev_break;
			prev_space = true;
			prev_break = false;
		} else if (is_break(s, n, i)) {
			a.multiline = true;
			leading_break |= i == 0;
			trailing_break |= i + w == n;
			space_break |= prev_space;
			prev_space = false;
			prev_break = true;
		} else {
			prev_space = prev_break = false;
		}
		preceded = is_blankz(s, n, i);
	}
	if (leading_space || leading_break || trailing_space || trailing_break)
		a.block_plain = false;
	if (trailing_space)
		a.block = false;
	if (break_space)
		a.block_plain = a.single_quoted = false;
	if (space_break || special)
		a.block_plain = a.single_quoted = a.block = false;
	if (a.multiline || block_ind)
		a.block_plain = false;
	return a;
}

enum style { PLAIN, SINGLE, DOUBLE, LITERAL };

static void write_plain(struct emitter *e, const char *s, size_t n,
			bool allow_breaks)
{
	bool spaces = false, breaks = false;

	if (!e->whitespace)
		put(e, ' ');
	for (size_t i = 0; i < n;) {
		if (s[i] == ' ') {
			if (allow_breaks && !spaces && e->column > BEST_WIDTH &&
			    at(s, n, i + 1) != ' ') {
				write_indent(e);
				i++;
			} else {
				write_char(e, s, n, &i);
			}
			spaces = true;
		} else if (is_break(s, n, i)) {
			if (!breaks && s[i] == '\n')
				put_break(e);
			write_break(e, s, n, &i);
			e->indention = true;
			breaks = true;
		} else {
			if (breaks)
				write_indent(e);
			write_char(e, s, n, &i);
			e->indention = false;
			spaces = breaks = false;
		}
	}
	e->whitespace = false;
	e->indention = false;
}

static void write_single(struct emitter *e, const char *s, size_t n,
			 bool allow_breaks)
{
	bool spaces = false, breaks = false;

	write_indicator(e, "'", true, false, false);
	for (size_t i = 0; i < n;) {
		if (s[i] == ' ') {
			if (allow_breaks && !spaces && e->column > BEST_WIDTH &&
			    i > 0 && i < n - 1 && at(s, n, i + 1) != ' ') {
				write_indent(e);
				i++;
			} else {
				write_char(e, s, n, &i);
			}
			spaces = true;
		} else if (is_break(s, n, i)) {
			if (!breaks && s[i] == '\n')
				put_break(e);
			write_break(e, s, n, &i);
			e->indention = true;
			breaks = true;
		} else {
			if (breaks)
				write_indent(e);
			if (s[i] == '\'')
				put(e, '\'');
			write_char(e, s, n, &i);
			e->indention = false;
			spaces = breaks = false;
		}
	}
	write_indicator(e, "'", false, false, false);
	e->whitespace = false;
	e->indention = false;
}

static void write_escape(struct emitter *e, uint32_t r)
{
	static const char hex[] = "0123456789ABCDEF";
	static const struct { uint32_t r; char c; } named[] = {
		{0x00, '0'}, {0x07, 'a'}, {0x08, 'b'}, {0x09, 't'},
		{0x0A, 'n'}, {0x0B, 'v'}, {0x0C, 'f'}, {0x0D, 'r'},
		{0x1B, 'e'}, {0x22, '"'}, {0x5C, '\\'}, {0x85, 'N'},
		{0xA0, '_'}, {0x2028, 'L'}, {0x2029, 'P'},
	};
	int digits;

	put(e, '\\');
	for (size_t k = 0; k < sizeof(named) / sizeof(*named); k++)
		if (named[k].r == r) {
			put(e, named[k].c);
			return;
		}
	digits = r <= 0xFF ? 2 : r <= 0xFFFF ? 4 : 8;
	put(e, digits == 2 ? 'x' : digits == 4 ? 'u' : 'U');
	for (int k = (digits - 1) * 4; k >= 0; k -= 4)
		put(e, hex[(r >> k) & 15]);
}

static void write_double(struct emitter *e, const char *s, size_t n,
			 bool allow_breaks)
{
	bool spaces = false, bom = starts_with_bom(s, n);

	write_indicator(e, "\"", true, false, false);
	for (size_t i = 0; i < n;) {
		if (!is_printable(s, n, i) || bom || is_break(s, n, i) ||
		    s[i] == '"' || s[i] == '\\') {
			size_t w;

			write_escape(e, gw_go_rune(s + i, n - i, &w));
			i += w;
			spaces = false;
		} else if (s[i] == ' ') {
			if (allow_breaks && !spaces && e->column > BEST_WIDTH &&
			    i > 0 && i < n - 1) {
				write_indent(e);
				if (at(s, n, i + 1) == ' ')
					put(e, '\\');
				i++;
			} else {
				write_char(e, s, n, &i);
			}
			spaces = true;
		} else {
			write_char(e, s, n, &i);
			spaces = false;
		}
	}
	write_indicator(e, "\"", false, false, false);
	e->whitespace = false;
	e->indention = false;
}

/* The start of the character that ends at @end (exclusive). */
static size_t char_before(const char *s, size_t end)
{
	size_t i = end - 1;

	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return i;
}

static void write_literal(struct emitter *e, const char *s, size_t n)
{
	bool breaks = true;
	size_t last;

	write_indicator(e, "|", true, false, false);
	if (s[0] == ' ' || is_break(s, n, 0))
		write_indicator(e, "2", false, false, false);
	last = char_before(s, n);
	if (!is_break(s, n, last))
		write_indicator(e, "-", false, false, false);
	else if (last == 0 || is_break(s, n, char_before(s, last)))
		write_indicator(e, "+", false, false, false);
	put_break(e);
	e->indention = true;
	e->whitespace = true;
	for (size_t i = 0; i < n;) {
		if (is_break(s, n, i)) {
			write_break(e, s, n, &i);
			e->indention = true;
			breaks = true;
		} else {
			if (breaks)
				write_indent(e);
			write_char(e, s, n, &i);
			e->indention = false;
			breaks = false;
		}
	}
}

/* yaml_emitter_emit_scalar: the style from the encoder's choice, then the
 * emitter's checks; the scalar indented one step deeper. */
static void emit_scalar(struct emitter *e, const char *s, size_t n,
			enum style style, bool simple_key)
{
	struct analysis a = analyze(s, n);
	int saved = e->indent;

	if (simple_key && a.multiline)
		style = DOUBLE;
	if (style == PLAIN && (!a.block_plain || (!n && simple_key)))
		style = SINGLE;
	if (style == SINGLE && !a.single_quoted)
		style = DOUBLE;
	if (style == LITERAL && (!a.block || simple_key))
		style = DOUBLE;
	e->indent = e->indent < 0 ? BEST_INDENT : e->indent + BEST_INDENT;
	switch (style) {
	case PLAIN:
		write_plain(e, s, n, !simple_key);
		break;
	case SINGLE:
		write_single(e, s, n, !simple_key);
		break;
	case DOUBLE:
		write_double(e, s, n, !simple_key);
		break;
	case LITERAL:
		write_literal(e, s, n);
		break;
	}
	e->indent = saved;
}

/* encode.go's stringv, for a string that is valid UTF-8. */
static void emit_string(struct emitter *e, const char *s, size_t n,
			bool simple_key)
{
	enum style style;

	if (memchr(s, '\n', n))
		style = LITERAL;
	else if (!resolves_other(s, n) && !is_base60_float(s, n))
		style = PLAIN;
	else
		style = DOUBLE;
	if (style == PLAIN && e->plain_ok && !e->plain_ok(s, n))
		style = DOUBLE;
	emit_scalar(e, s, n, style, simple_key);
}

/* ---- encode.go: the tree --------------------------------------------------- */

/* A mapping entry: its key as encoding/json leaves it, and that key's
 * runes for the sort. */
struct entry {
	const char *key;
	size_t len;
	struct runes runes;
	const struct gw_node *value;
	const struct gw_pair *pair;
};

/* By the key as JSON leaves it, then by the key as it is: equal JSON keys
 * next to each other, the one json.Marshal writes last at the end. */
static int compare_json_keys(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	size_t la = a->pair->key->u.str.len, lb = b->pair->key->u.str.len;
	int c = memcmp(a->key, b->key, a->len < b->len ? a->len : b->len);

	if (c || a->len != b->len)
		return c ? c : a->len < b->len ? -1 : 1;
	c = memcmp(a->pair->key->u.str.s, b->pair->key->u.str.s,
		   la < lb ? la : lb);
	return c ? c : la < lb ? -1 : la > lb;
}

/* A merge sort by go-yaml's order: stable, and safe with an order that is
 * not transitive (qsort() need not be). */
static void sort_entries(struct entry *v, struct entry *tmp, size_t n)
{
	size_t h = n / 2, i = 0, j = h, k = 0;

	if (n < 2)
		return;
	sort_entries(v, tmp, h);
	sort_entries(v + h, tmp, n - h);
	while (i < h && j < n)
		if (runes_less(&v[j].runes, &v[i].runes))
			tmp[k++] = v[j++];
		else
			tmp[k++] = v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

static void emit_node(struct emitter *e, const struct gw_node *n,
		      bool mapping_context, int depth);

static void emit_key(struct emitter *e, const struct entry *k)
{
	struct analysis a = analyze(k->key, k->len);

	if (!a.multiline && k->len <= SIMPLE_KEY_MAX) {
		emit_string(e, k->key, k->len, true);
		write_indicator(e, ":", false, false, false);
		return;
	}
	/* a complex key: "? KEY" then ": VALUE" on the next line */
	write_indicator(e, "?", true, false, true);
	emit_string(e, k->key, k->len, false);
	write_indent(e);
	write_indicator(e, ":", true, false, true);
}

static void emit_map(struct emitter *e, const struct gw_node *n, int depth)
{
	size_t count = n->u.map.n, kept = 0;
	struct entry *v = calloc(count + 1, sizeof(*v));
	struct entry *tmp = calloc(count + 1, sizeof(*tmp));
	struct gw_buf *keys = calloc(count + 1, sizeof(*keys));
	int saved = e->indent;

	if (!v || !tmp || !keys)
		gw_oom();
	for (size_t i = 0; i < count; i++) {
		const struct gw_pair *p = &n->u.map.pairs[i];

		v[i].pair = p;
		v[i].value = p->value;
		v[i].key = json_text(p->key->u.str.s, p->key->u.str.len,
				     &v[i].len, &keys[i]);
	}
	/* go-yaml reads the JSON into a map: of equal keys the last stays */
	qsort(v, count, sizeof(*v), compare_json_keys);
	for (size_t i = 0; i < count; i++)
		if (i + 1 == count || v[i].len != v[i + 1].len ||
		    memcmp(v[i].key, v[i + 1].key, v[i].len))
			v[kept++] = v[i];
	for (size_t i = 0; i < kept; i++)
		v[i].runes = to_runes(v[i].key, v[i].len);
	sort_entries(v, tmp, kept);

	e->indent = e->indent < 0 ? 0 : e->indent + BEST_INDENT;
	for (size_t i = 0; i < kept && !e->over; i++) {
		write_indent(e);
		emit_key(e, &v[i]);
		emit_node(e, v[i].value, true, depth + 1);
	}
	e->indent = saved;

	for (size_t i = 0; i < kept; i++)
		free(v[i].runes.r);
	for (size_t i = 0; i < count; i++)
		gw_buf_release(&keys[i]);
	free(keys);
	free(tmp);
	free(v);
}

static void emit_seq(struct emitter *e, const struct gw_node *n,
		     bool mapping_context, int depth)
{
	int saved = e->indent;

	/* after "key:" a sequence is not indented */
	if (e->indent < 0)
		e->indent = 0;
	else if (!(mapping_context && !e->indention))
		e->indent += BEST_INDENT;
	for (size_t i = 0; i < n->u.seq.n && !e->over; i++) {
		write_indent(e);
		write_indicator(e, "-", true, false, true);
		emit_node(e, n->u.seq.items[i], false, depth + 1);
	}
	e->indent = saved;
}

/* A float64 after JSON and back: an integral one is read back as an int
 * (int64, or uint64 above), anything else as a float64 ('g'). */
static void emit_number(struct emitter *e, double f)
{
	struct gw_buf text = {0};

	if (f == floor(f) && f >= -9223372036854775808.0 &&
	    f < 9223372036854775808.0)
		gw_buf_printf(&text, "%lld", (long long)f);
	else if (f == floor(f) && f > 0 && f < 18446744073709551616.0)
		gw_buf_printf(&text, "%llu", (unsigned long long)f);
	else
		gw_go_format_float(&text, f, 'g', -1);
	emit_scalar(e, text.data, text.len, PLAIN, false);
	gw_buf_release(&text);
}

static void emit_node(struct emitter *e, const struct gw_node *n,
		      bool mapping_context, int depth)
{
	char num[32];

	if (!n || depth > GW_GO_DEPTH_MAX) {
		emit_scalar(e, "null", 4, PLAIN, false);
		return;
	}
	switch (n->kind) {
	case GW_NULL:
		emit_scalar(e, "null", 4, PLAIN, false);
		break;
	case GW_BOOL:
		emit_scalar(e, n->u.b ? "true" : "false", n->u.b ? 4 : 5,
			    PLAIN, false);
		break;
	case GW_INT:
		snprintf(num, sizeof(num), "%lld", n->u.i);
		emit_scalar(e, num, strlen(num), PLAIN, false);
		break;
	case GW_NUM:
		emit_number(e, n->u.num);
		break;
	case GW_STR: {
		struct gw_buf tmp = {0};
		size_t len;
		const char *s = json_text(n->u.str.s, n->u.str.len, &len,
					  &tmp);

		emit_string(e, s, len, false);
		gw_buf_release(&tmp);
		break;
	}
	case GW_MAP:
		if (!n->u.map.n) {
			write_indicator(e, "{", true, true, false);
			write_indicator(e, "}", false, false, false);
		} else {
			emit_map(e, n, depth);
		}
		break;
	case GW_SEQ:
		if (!n->u.seq.n) {
			write_indicator(e, "[", true, true, false);
			write_indicator(e, "]", false, false, false);
		} else {
			emit_seq(e, n, mapping_context, depth);
		}
		break;
	}
}

static int write_doc(struct gw_buf *buf, const struct gw_node *doc,
		     size_t max, bool (*plain_ok)(const char *, size_t))
{
	struct emitter e = {buf, 0, -1, true, true, SIZE_MAX, false, plain_ok};

	if (max < SIZE_MAX - buf->len)
		e.end = buf->len + max;
	emit_node(&e, doc, false, 0);
	write_indent(&e);	/* the document's end */
	return e.over ? -1 : 0;
}

int gw_go_yaml_write_max(struct gw_buf *buf, const struct gw_node *doc,
			 size_t max)
{
	return write_doc(buf, doc, max, NULL);
}

void gw_go_yaml_write(struct gw_buf *buf, const struct gw_node *doc)
{
	write_doc(buf, doc, SIZE_MAX, NULL);
}

void gw_go_yaml_write_quoting(struct gw_buf *buf, const struct gw_node *doc,
			      bool (*plain_ok)(const char *s, size_t n))
{
	write_doc(buf, doc, SIZE_MAX, plain_ok);
}
