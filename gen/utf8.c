/*
 * utf8.c - the one UTF-8 decoder and encoder, for the input gate, the
 * emitters and the template engine.  Strict: overlong forms, surrogates
 * and code points beyond U+10FFFF are invalid.
 */
#include <stdint.h>

#include "gwc.h"

size_t gw_utf8_decode(const unsigned char *s, size_t left, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (left < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

void gw_utf8_put(struct gw_buf *buf, uint32_t cp)
{
	char c[4];
	size_t n;

	if (cp < 0x80) {
		c[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		c[0] = (char)(0xC0 | cp >> 6), n = 2;
	} else if (cp < 0x10000) {
		c[0] = (char)(0xE0 | cp >> 12), n = 3;
	} else {
		c[0] = (char)(0xF0 | cp >> 18), n = 4;
	}
	if (n > 3)
		c[n - 3] = (char)(0x80 | ((cp >> 12) & 0x3F));
	if (n > 2)
		c[n - 2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	if (n > 1)
		c[n - 1] = (char)(0x80 | (cp & 0x3F));
	gw_buf_add(buf, c, n);
}
