/*
 * quantity.c - Kubernetes resource quantities ("100m", "128Mi", "1.5",
 * "2e3"), parsed exactly as integers of nano-units so that requests and
 * limits compare without rounding.
 *
 * Grammar (k8s.io/apimachinery resource.Quantity):
 *   quantity ::= [+-] digits [ . digits ] [ suffix ]
 *   suffix   ::= Ki Mi Gi Ti Pi Ei | n u m "" k M G T P E | (e|E) [+-] digits
 */
#include <string.h>

#include "gwc.h"

__extension__ typedef __int128 i128;

#define NANO 1000000000LL
/* Large enough for 8Ei (9.2e18) in nano-units with room to spare. */
#define LIMIT ((i128)1 << 120)

static int scale(i128 *v, i128 factor, int divide)
{
	if (divide) {
		*v /= factor;
		return 0;
	}
	if (*v > LIMIT / factor)
		return -1;
	*v *= factor;
	return 0;
}

/* Parses @s into an exact count of nano-units; -1 when malformed. */
static int parse(const char *s, i128 *nanos)
{
	static const struct { const char *name; i128 num; int den; } sfx[] = {
		{ "Ki", (i128)1 << 10, 1 }, { "Mi", (i128)1 << 20, 1 },
		{ "Gi", (i128)1 << 30, 1 }, { "Ti", (i128)1 << 40, 1 },
		{ "Pi", (i128)1 << 50, 1 }, { "Ei", (i128)1 << 60, 1 },
		{ "n", 1, 1000000000 }, { "u", 1, 1000000 }, { "m", 1, 1000 },
		{ "k", 1000, 1 }, { "M", 1000000, 1 }, { "G", 1000000000, 1 },
		{ "T", (i128)1000000000000LL, 1 },
		{ "P", (i128)1000000000000000LL, 1 },
		{ "E", (i128)1000000000000000000LL, 1 },
	};
	i128 v = 0;
	int negative = 0, frac_digits = 0, digits = 0, exp = 0;
	size_t i;

	if (*s == '+' || *s == '-')
		negative = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if (scale(&v, 10, 0) || (v += *s - '0') > LIMIT)
			return -1;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, frac_digits++, digits++)
			if (scale(&v, 10, 0) || (v += *s - '0') > LIMIT)
				return -1;
	}
	if (!digits)
		return -1;
	/* v is now the value times 10^frac_digits; make it nano-units */
	if (scale(&v, NANO, 0))
		return -1;
	while (frac_digits--)
		scale(&v, 10, 1);
	/* an exponent, unless it is the suffix E (exa) or Ei */
	if ((*s == 'e' || *s == 'E') &&
	    ((s[1] >= '0' && s[1] <= '9') ||
	     ((s[1] == '+' || s[1] == '-') && s[2] >= '0' && s[2] <= '9'))) {
		int eneg = 0, edigits = 0;

		s++;
		if (*s == '+' || *s == '-')
			eneg = *s++ == '-';
		for (; *s >= '0' && *s <= '9'; s++, edigits++)
			if ((exp = exp * 10 + (*s - '0')) > 40)
				return -1;
		if (!edigits || *s)
			return -1;
		while (exp--)
			if (scale(&v, 10, eneg))
				return -1;
	} else if (*s) {
		for (i = 0; i < sizeof(sfx) / sizeof(*sfx); i++)
			if (!strcmp(s, sfx[i].name))
				break;
		if (i == sizeof(sfx) / sizeof(*sfx))
			return -1;
		if (scale(&v, sfx[i].num, 0))
			return -1;
		if (sfx[i].den > 1)
			scale(&v, sfx[i].den, 1);
	}
	*nanos = negative ? -v : v;
	return 0;
}

int gw_quantity_cmp(const char *a, const char *b)
{
	i128 x = 0, y = 0;

	parse(a, &x);
	parse(b, &y);
	return x < y ? -1 : x > y;
}

bool gw_quantity_valid(const char *s)
{
	i128 v;

	return parse(s, &v) == 0;
}

int gw_quantity_milli(const char *s, long long *milli)
{
	i128 v, m;

	if (parse(s, &v))
		return -1;
	m = v / 1000000;
	if (v % 1000000 > 0)
		m++;
	if (m > (i128)0x7fffffffffffffffLL || m < -(i128)0x7fffffffffffffffLL)
		return -1;
	*milli = (long long)m;
	return 0;
}

/* The format Kubernetes keeps for a quantity: from its suffix. */
enum qformat { Q_DECIMAL_SI, Q_BINARY_SI, Q_DECIMAL_EXPONENT };

static enum qformat format_of(const char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && s[n - 1] == 'i')
		return Q_BINARY_SI;
	for (; *s; s++)
		if ((*s == 'e' || *s == 'E') && (s[1] == '+' || s[1] == '-' ||
						 (s[1] >= '0' && s[1] <= '9')))
			return Q_DECIMAL_EXPONENT;
	return Q_DECIMAL_SI;
}

static void put_i128(char *out, i128 v)
{
	char tmp[48];
	int n = 0, neg = v < 0;

	if (neg)
		v = -v;
	do {
		tmp[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	if (neg)
		*out++ = '-';
	while (n)
		*out++ = tmp[--n];
	*out = 0;
}

/*
 * The canonical form of Kubernetes' Quantity.String(): "2000m" -> "2",
 * "1024Mi" -> "1Gi", "1.5" -> "1500m", "1000" -> "1k", "1e3" -> "1e3".
 */
char *gw_quantity_canonical(struct gw_arena *arena, const char *s)
{
	static const char *const si[] = { "n", "u", "m", "", "k", "M", "G",
					   "T", "P", "E" };
	static const char *const bin[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi",
					   "Ei" };
	enum qformat format = format_of(s);
	char num[64];
	i128 v, mant;
	int exp = -9;

	if (parse(s, &v))
		return NULL;
	if (v == 0)
		return gw_arena_strdup(arena, "0");
	if (format == Q_BINARY_SI) {
		if ((v > -1024 * (i128)NANO && v < 1024 * (i128)NANO) ||
		    v % NANO)
			format = Q_DECIMAL_SI;
	}
	if (format == Q_BINARY_SI) {
		int k = 0;

		mant = v / NANO;
		while (k < 6 && mant % 1024 == 0) {
			mant /= 1024;
			k++;
		}
		put_i128(num, mant);
		return gw_arena_printf(arena, "%s%s", num, bin[k]);
	}
	mant = v;
	while (mant % 10 == 0) {
		mant /= 10;
		exp++;
	}
	while (((exp % 3) + 3) % 3) {
		mant *= 10;
		exp--;
	}
	put_i128(num, mant);
	if (format == Q_DECIMAL_SI && exp >= -9 && exp <= 18)
		return gw_arena_printf(arena, "%s%s", num, si[(exp + 9) / 3]);
	if (exp == 0)
		return gw_arena_strdup(arena, num);
	return gw_arena_printf(arena, "%se%d", num, exp);
}
