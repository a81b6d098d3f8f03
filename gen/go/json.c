/*
 * json.c - Go's encoding/json output (json.Marshal): what Istio's
 * toJson, structToJSON and the sidecar.istio.io/status annotation hold.
 *
 * Consumes a gw_node tree; appends compact JSON: no spaces, a map's keys in
 * byte order (GW_GO_JSON_SORTED, a Go map) or in tree order (a struct),
 * strings with Go's escapes (HTML-safe with GW_GO_JSON_HTML), invalid UTF-8
 * as \ufffd, float64 numbers in strconv's shortest form.  Keeps nothing
 * between calls.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "go.h"

void gw_go_json_string(struct gw_buf *buf, const char *s, size_t len,
		       unsigned flags)
{
	static const char hex[] = "0123456789abcdef";
	bool html = flags & GW_GO_JSON_HTML;

	gw_buf_add(buf, "\"", 1);
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t w;
		uint32_t r;

		if (c < 0x80) {
			if (c == '"' || c == '\\') {
				char e[2] = {'\\', (char)c};

				gw_buf_add(buf, e, 2);
			} else if (c == '\n') {
				gw_buf_add(buf, "\\n", 2);
			} else if (c == '\r') {
				gw_buf_add(buf, "\\r", 2);
			} else if (c == '\t') {
				gw_buf_add(buf, "\\t", 2);
			} else if (c < 0x20 || (html && (c == '<' || c == '>' ||
							  c == '&'))) {
				char e[6] = {'\\', 'u', '0', '0', hex[c >> 4],
					     hex[c & 15]};

				gw_buf_add(buf, e, 6);
			} else {
				gw_buf_add(buf, &s[i], 1);
			}
			i++;
			continue;
		}
		w = gw_utf8_decode((const unsigned char *)s + i, len - i, &r);
		if (!w) {
			gw_buf_puts(buf, "\\ufffd");
			i++;
		} else if (r == 0x2028 || r == 0x2029) {
			/* JavaScript line terminators, escaped always */
			gw_buf_puts(buf, r == 0x2028 ? "\\u2028" : "\\u2029");
			i += w;
		} else {
			gw_buf_add(buf, s + i, w);
			i += w;
		}
	}
	gw_buf_add(buf, "\"", 1);
}

void gw_go_json_number(struct gw_buf *buf, double f)
{
	double a = fabs(f);
	size_t start = buf->len;

	if (a != 0 && (a < 1e-6 || a >= 1e21)) {
		gw_go_format_float(buf, f, 'e', -1);
		/* encoding/json writes e-09 as e-9 */
		if (buf->len - start >= 4 && buf->data[buf->len - 4] == 'e' &&
		    buf->data[buf->len - 3] == '-' &&
		    buf->data[buf->len - 2] == '0') {
			buf->data[buf->len - 2] = buf->data[buf->len - 1];
			buf->len--;
		}
	} else {
		gw_go_format_float(buf, f, 'f', -1);
	}
}

static bool marshals(const struct gw_node *n, int depth)
{
	if (!n)
		return true;
	if (depth > GW_GO_DEPTH_MAX)
		return false;
	switch (n->kind) {
	case GW_NUM:
		return isfinite(n->u.num);
	case GW_SEQ:
		for (size_t i = 0; i < n->u.seq.n; i++)
			if (!marshals(n->u.seq.items[i], depth + 1))
				return false;
		return true;
	case GW_MAP:
		for (size_t i = 0; i < n->u.map.n; i++)
			if (!marshals(n->u.map.pairs[i].value, depth + 1))
				return false;
		return true;
	default:
		return true;
	}
}

bool gw_go_json_ok(const struct gw_node *n)
{
	return marshals(n, 0);
}

/* Go's sort of a map's keys: bytewise. */
static int compare_keys(const void *a, const void *b)
{
	const struct gw_pair *pa = *(const struct gw_pair *const *)a;
	const struct gw_pair *pb = *(const struct gw_pair *const *)b;
	size_t la = pa->key->u.str.len, lb = pb->key->u.str.len;
	int c = memcmp(pa->key->u.str.s, pb->key->u.str.s, la < lb ? la : lb);

	if (c)
		return c;
	return la < lb ? -1 : la > lb;
}

static void write_node(struct gw_buf *buf, const struct gw_node *n,
		       unsigned flags, int depth);

static void write_map(struct gw_buf *buf, const struct gw_node *n,
		      unsigned flags, int depth)
{
	const struct gw_pair **pairs = malloc((n->u.map.n + 1) *
					      sizeof(*pairs));

	if (!pairs)
		gw_oom();
	for (size_t i = 0; i < n->u.map.n; i++)
		pairs[i] = &n->u.map.pairs[i];
	if ((flags & GW_GO_JSON_SORTED) && n->u.map.n > 1)
		qsort(pairs, n->u.map.n, sizeof(*pairs), compare_keys);
	gw_buf_add(buf, "{", 1);
	for (size_t i = 0; i < n->u.map.n; i++) {
		if (i)
			gw_buf_add(buf, ",", 1);
		gw_go_json_string(buf, pairs[i]->key->u.str.s,
				  pairs[i]->key->u.str.len, flags);
		gw_buf_add(buf, ":", 1);
		write_node(buf, pairs[i]->value, flags, depth + 1);
	}
	gw_buf_add(buf, "}", 1);
	free(pairs);
}

static void write_node(struct gw_buf *buf, const struct gw_node *n,
		       unsigned flags, int depth)
{
	if (!n || depth > GW_GO_DEPTH_MAX) {
		gw_buf_puts(buf, "null");
		return;
	}
	switch (n->kind) {
	case GW_NULL:
		gw_buf_puts(buf, "null");
		break;
	case GW_BOOL:
		gw_buf_puts(buf, n->u.b ? "true" : "false");
		break;
	case GW_INT:
		gw_buf_printf(buf, "%lld", n->u.i);
		break;
	case GW_NUM:
		gw_go_json_number(buf, n->u.num);
		break;
	case GW_STR:
		gw_go_json_string(buf, n->u.str.s, n->u.str.len, flags);
		break;
	case GW_SEQ:
		gw_buf_add(buf, "[", 1);
		for (size_t i = 0; i < n->u.seq.n; i++) {
			if (i)
				gw_buf_add(buf, ",", 1);
			write_node(buf, n->u.seq.items[i], flags, depth + 1);
		}
		gw_buf_add(buf, "]", 1);
		break;
	case GW_MAP:
		write_map(buf, n, flags, depth);
		break;
	}
}

void gw_go_json_write(struct gw_buf *buf, const struct gw_node *n,
		      unsigned flags)
{
	write_node(buf, n, flags, 0);
}
