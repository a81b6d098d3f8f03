/*
 * kernel.c - Linux kernel versions as `uname -r` prints them
 * ("3.10.0-1160.el7.x86_64", "4.11", "5.15.0-91-generic"), compared by
 * major, minor and patch level.
 */
#include "gwc.h"

static int parse_number(const char **s, int *out)
{
	long v = 0;
	const char *p = *s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (*p - '0')) > 100000)
			return -1;
	*out = (int)v;
	*s = p;
	return 0;
}

int gw_kernel_parse(const char *s, struct gw_kernel *k)
{
	k->major = k->minor = k->patch = 0;
	if (parse_number(&s, &k->major) || *s++ != '.' ||
	    parse_number(&s, &k->minor))
		return -1;
	if (*s == '.' && s[1] >= '0' && s[1] <= '9') {
		s++;
		parse_number(&s, &k->patch);
	}
	/* what may follow: -release, +local, or nothing */
	if (*s && *s != '-' && *s != '+' && *s != '_' && *s != '.')
		return -1;
	if (*s && !s[1] && *s != '+')
		return -1;	/* "4.19.66+" is real; "4.19-" is not */
	return k->major >= 1 ? 0 : -1;
}

int gw_kernel_cmp(const struct gw_kernel *a, const struct gw_kernel *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	return 0;
}

bool gw_kernel_is_legacy(const struct gw_kernel *k)
{
	static const struct gw_kernel first = { 4, 11, 0 };

	return gw_kernel_cmp(k, &first) < 0;
}
