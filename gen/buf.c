/*
 * buf.c - struct gw_buf: a growable byte buffer, always NUL-terminated
 * after its bytes, its memory malloc'ed and owned by the buffer (freed by
 * gw_buf_release).  Out of memory ends the process (gw_oom, arena.c).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

static void reserve(struct gw_buf *buf, size_t more)
{
	size_t cap;

	if (buf->cap - buf->len > more)
		return;
	cap = buf->cap ? buf->cap : 256;
	while (cap - buf->len <= more) {
		if (cap > SIZE_MAX / 2)
			gw_oom();
		cap *= 2;
	}
	buf->data = realloc(buf->data, cap);
	if (!buf->data)
		gw_oom();
	buf->cap = cap;
}

void gw_buf_add(struct gw_buf *buf, const void *data, size_t len)
{
	reserve(buf, len);
	memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

void gw_buf_puts(struct gw_buf *buf, const char *s)
{
	gw_buf_add(buf, s, strlen(s));
}

void gw_buf_printf(struct gw_buf *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		gw_oom();
	reserve(buf, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t)n;
}

void gw_buf_release(struct gw_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
}
