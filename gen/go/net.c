/*
 * net.c - k8s.io/utils/net's ParseIPSloppy and ParseCIDRSloppy, and
 * strings.TrimSpace: what the Kubernetes API server accepts as an IP
 * address or a CIDR (validation.IsValidIP, IsValidCIDR).
 *
 * Kubernetes parses with a copy of Go 1.16's net.ParseIP and ParseCIDR
 * (k8s.io/utils/internal/third_party/forked/golang/net/ip.go), kept
 * because Go 1.17 began to refuse IPv4 parts with leading zeros: so
 * "010.0.0.1" is 10.0.0.1, a prefix length may have leading zeros
 * ("/008"), an IPv6 group any number of hex digits up to the value ffff,
 * and an IPv6 address may end in an IPv4 one ("::ffff:10.0.0.1", itself
 * parsed sloppily).  No zone ("%eth0"), no spaces, no brackets.
 *
 * Consumes a byte string; produces the 16-byte address (an IPv4 one
 * mapped, as Go's net.IP holds it), the address length Go judges it by (4
 * or 16, which bounds the prefix length) and, when it is refused, an
 * explanation appended to a caller's buffer.  Keeps nothing.
 */
#include <string.h>

#include "go.h"

/* Go's net.dtoi and xtoi give up at this value (net/parse.go's big). */
#define GO_BIG 0xFFFFFF

/* net.dtoi: a decimal number at the start of @s; its length in *@used. */
static bool dtoi(const char *s, size_t len, long *n, size_t *used)
{
	size_t i;

	*n = 0;
	for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		*n = *n * 10 + (s[i] - '0');
		if (*n >= GO_BIG) {
			*used = i;
			return false;
		}
	}
	*used = i;
	return i > 0;
}

/* net.xtoi: a hex number at the start of @s; its length in *@used. */
static bool xtoi(const char *s, size_t len, long *n, size_t *used)
{
	size_t i;

	*n = 0;
	for (i = 0; i < len && gw_go_hex_value((unsigned char)s[i]) >= 0; i++) {
		*n = *n * 16 + gw_go_hex_value((unsigned char)s[i]);
		if (*n >= GO_BIG) {
			*used = i;
			return false;
		}
	}
	*used = i;
	return i > 0;
}

/* Whether @s (@len bytes, at least one) is all decimal, or all hex, digits. */
static bool all_digits(const char *s, size_t len, bool hex)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (hex ? gw_go_hex_value((unsigned char)s[i]) < 0 :
		    s[i] < '0' || s[i] > '9')
			return false;
	return len > 0;
}

/*
 * parseIPv4 of the fork (no leading-zero check).  On failure explains in
 * @why (when not NULL) which part is wrong.
 */
static bool parse_ipv4(const char *s, size_t len, unsigned char ip[16],
		       struct gw_buf *why)
{
	static const char *const ordinal[] = {
		"first", "second", "third", "fourth"
	};
	size_t i, used, parts = 1, k;
	long n;

	for (k = 0; k < len; k++)
		parts += s[k] == '.';
	for (i = 0; i < 4; i++) {
		const char *part = s;
		size_t plen;

		if (i > 0) {
			if (len == 0 || s[0] != '.') {
				if (why)
					gw_buf_printf(why, "an IPv4 address "
						      "has 4 parts, not %zu",
						      parts);
				return false;
			}
			s++, len--;
			part = s;
		}
		for (plen = 0; plen < len && s[plen] != '.'; plen++)
			;
		if (!dtoi(s, len, &n, &used) || n > 0xFF || used != plen) {
			if (!why)
				return false;
			if (parts != 4)
				gw_buf_printf(why, "an IPv4 address has 4 "
					      "parts, not %zu", parts);
			else if (plen == 0)
				gw_buf_printf(why, "its %s part is empty",
					      ordinal[i]);
			else if (all_digits(part, plen, false))
				gw_buf_printf(why, "its %s part, %.*s, is "
					      "above 255", ordinal[i],
					      (int)plen, part);
			else
				gw_buf_printf(why, "its %s part, '%.*s', is "
					      "not a decimal number",
					      ordinal[i], (int)plen, part);
			return false;
		}
		s += used, len -= used;
		ip[12 + i] = (unsigned char)n;
	}
	if (len != 0) {
		if (why)
			gw_buf_printf(why, "an IPv4 address has 4 parts, not "
				      "%zu", parts);
		return false;
	}
	memset(ip, 0, 10);
	ip[10] = ip[11] = 0xFF;
	return true;
}

/* The first group of @s, for an explanation: up to ':' or the end. */
static int group_len(const char *s, size_t len)
{
	size_t n;

	for (n = 0; n < len && s[n] != ':'; n++)
		;
	return (int)n;
}

/* parseIPv6 of the fork; on failure explains in @why (when not NULL). */
static bool parse_ipv6(const char *s, size_t len, unsigned char ip[16],
		       struct gw_buf *why)
{
	int ellipsis = -1, i = 0, j, n16;
	unsigned char ip4[16];
	size_t used;
	long n;

	memset(ip, 0, 16);
	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		ellipsis = 0;
		s += 2, len -= 2;
		if (len == 0)
			return true;
	}
	while (i < 16) {
		if (!xtoi(s, len, &n, &used) || n > 0xFFFF) {
			if (!why)
				return false;
			if (len == 0 || s[0] == ':')
				gw_buf_puts(why, "it has an empty group");
			else if (all_digits(s, (size_t)group_len(s, len), true))
				gw_buf_printf(why, "its group %.*s is above "
					      "ffff", group_len(s, len), s);
			else
				gw_buf_printf(why, "its group '%.*s' is not a "
					      "hex number", group_len(s, len),
					      s);
			return false;
		}
		if (used < len && s[used] == '.') {
			if ((ellipsis < 0 && i != 12) || i + 4 > 16) {
				if (why)
					gw_buf_puts(why, "an IPv4 address in "
						    "an IPv6 one must take its "
						    "last 32 bits");
				return false;
			}
			if (!parse_ipv4(s, len, ip4, NULL)) {
				if (why) {
					gw_buf_printf(why, "its IPv4 part "
						      "'%.*s' is not an IPv4 "
						      "address: ", (int)len, s);
					parse_ipv4(s, len, ip4, why);
				}
				return false;
			}
			memcpy(ip + i, ip4 + 12, 4);
			len = 0;
			i += 4;
			break;
		}
		ip[i] = (unsigned char)(n >> 8);
		ip[i + 1] = (unsigned char)n;
		i += 2;
		s += used, len -= used;
		if (len == 0)
			break;
		if (s[0] != ':' || len == 1) {
			if (why)
				gw_buf_puts(why, s[0] != ':' ? "it has a "
					    "character that is not a hex digit, "
					    "':' or '.'" : "it ends in a single "
					    "':'");
			return false;
		}
		s++, len--;
		if (s[0] == ':') {
			if (ellipsis >= 0) {
				if (why)
					gw_buf_puts(why, "it has '::' twice");
				return false;
			}
			ellipsis = i;
			s++, len--;
			if (len == 0)
				break;
		}
	}
	if (len != 0) {
		if (why)
			gw_buf_puts(why, "it has more than 8 groups");
		return false;
	}
	if (i < 16) {
		if (ellipsis < 0) {
			if (why)
				gw_buf_printf(why, "it has %d groups and no "
					      "'::' to stand for the missing "
					      "ones", i / 2);
			return false;
		}
		n16 = 16 - i;
		for (j = i - 1; j >= ellipsis; j--)
			ip[j + n16] = ip[j];
		for (j = ellipsis + n16 - 1; j >= ellipsis; j--)
			ip[j] = 0;
	} else if (ellipsis >= 0) {
		if (why)
			gw_buf_puts(why, "it has 8 groups and a '::', which "
				    "must stand for at least one");
		return false;
	}
	return true;
}

int gw_go_parse_ip_sloppy(const char *s, size_t len, unsigned char ip[16],
			  struct gw_buf *why)
{
	size_t i;

	/* net.ParseIP: the first '.' or ':' decides the family */
	for (i = 0; i < len; i++) {
		if (s[i] == '.')
			return parse_ipv4(s, len, ip, why) ? 4 : 0;
		if (s[i] == ':')
			return parse_ipv6(s, len, ip, why) ? 16 : 0;
	}
	if (why)
		gw_buf_puts(why, "it has neither '.' (IPv4) nor ':' (IPv6)");
	return 0;
}

int gw_go_parse_cidr_sloppy(const char *s, size_t len, unsigned char ip[16],
			    int *bits, struct gw_buf *why)
{
	const char *slash = memchr(s, '/', len), *mask;
	size_t alen, mlen, used;
	int iplen;
	long n;

	if (!slash) {
		if (why && gw_go_parse_ip_sloppy(s, len, ip, NULL))
			gw_buf_printf(why, "no '/' and prefix length; for this "
				      "one address write %.*s/%d", (int)len, s,
				      memchr(s, ':', len) ? 128 : 32);
		else if (why)
			gw_buf_puts(why, "no '/' and prefix length, as in "
				    "10.0.0.0/8");
		return -1;
	}
	alen = (size_t)(slash - s);
	mask = slash + 1;
	mlen = len - alen - 1;
	/* ParseCIDR tries IPv4 first, then IPv6 */
	iplen = 4;
	if (!parse_ipv4(s, alen, ip, NULL)) {
		iplen = 16;
		if (!parse_ipv6(s, alen, ip, NULL)) {
			if (why) {
				gw_buf_printf(why, "'%.*s' is not an IP "
					      "address: ", (int)alen, s);
				gw_go_parse_ip_sloppy(s, alen, ip, why);
			}
			return -1;
		}
	}
	if (!all_digits(mask, mlen, false)) {
		if (why)
			gw_buf_printf(why, "the prefix length '%.*s' is not a "
				      "decimal number", (int)mlen, mask);
		return -1;
	}
	if (!dtoi(mask, mlen, &n, &used) || n > 8 * iplen) {
		if (why)
			gw_buf_printf(why, "the prefix length of an IPv%d "
				      "address is at most %d", iplen == 4 ? 4 :
				      6, 8 * iplen);
		return -1;
	}
	*bits = (int)n;
	return iplen;
}

/* unicode.IsSpace, which strings.TrimSpace trims. */
static bool is_space(uint32_t r)
{
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202F: case 0x205F: case 0x3000:
		return true;
	}
	return r >= 0x2000 && r <= 0x200A;
}

size_t gw_go_trim_space(const char **s, size_t len)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t w;
	uint32_t r;

	while (len && (w = gw_utf8_decode(p, len, &r)) && is_space(r))
		p += w, len -= w;
	/* from the end: step back over one UTF-8 sequence at a time */
	while (len) {
		size_t start = len - 1;

		while (start > 0 && len - start < 4 && (p[start] & 0xC0) == 0x80)
			start--;
		w = gw_utf8_decode(p + start, len - start, &r);
		if (w != len - start || !is_space(r))
			break;
		len = start;
	}
	*s = (const char *)p;
	return len;
}
