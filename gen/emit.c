/*
 * emit.c - trees to bytes: YAML through libyaml's event emitter, JSON as
 * jq prints it.
 *
 * The quoting decision is ours, not the emitter's (see YAML-NOTES): a
 * string is written plain only when no YAML 1.1 or 1.2 reader (go-yaml v2
 * and v3 in kubectl and kustomize, PyYAML, libyaml) can take it for
 * anything but that string; otherwise it is written double-quoted.
 * Output is block style with infinite width, so it does not depend on the
 * emitter's folding.  gw_emit_quote() is the same escaping for messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <yaml.h>

#include "gwc.h"

/* Words some YAML reader resolves to a bool, null or float, in any case. */
static const char *const special_words[] = {
	"y", "n", "yes", "no", "on", "off", "true", "false", "null",
	"nan", "inf", "infinity",
};

/* Quantity-like suffixes after leading digits that no reader takes as a
 * number: "100m", "128Mi", "2000m". */
static const char *const unit_suffixes[] = {
	"m", "k", "M", "G", "T", "P", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
};

bool gw_emit_plain_safe(const char *s, size_t len)
{
	size_t i, digits;

	if (!len || len > 256)
		return false;
	for (i = 0; i < sizeof(special_words) / sizeof(*special_words); i++)
		if (strlen(special_words[i]) == len &&
		    !strncasecmp(s, special_words[i], len))
			return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '/' || c == '-'))
			return false;
	}
	if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	    s[0] == '/')
		return true;
	if (s[0] < '0' || s[0] > '9')
		return false;
	for (digits = 0; digits < len && s[digits] >= '0' && s[digits] <= '9';)
		digits++;
	for (i = 0; i < sizeof(unit_suffixes) / sizeof(*unit_suffixes); i++)
		if (strlen(unit_suffixes[i]) == len - digits &&
		    !memcmp(s + digits, unit_suffixes[i], len - digits))
			return true;
	return false;
}

void gw_emit_quote(struct gw_buf *buf, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	gw_buf_add(buf, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned c = p[i];

		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };

			gw_buf_add(buf, esc, 2);
		} else if (c == '\n') {
			gw_buf_add(buf, "\\n", 2);
		} else if (c == '\t') {
			gw_buf_add(buf, "\\t", 2);
		} else if (c == '\r') {
			gw_buf_add(buf, "\\r", 2);
		} else if (c < 0x20 || c == 0x7f) {
			gw_buf_printf(buf, "\\x%02X", c);
		} else if (c == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 &&
			   p[i + 1] <= 0x9f) {
			gw_buf_printf(buf, "\\u%04X", p[++i]);	/* C1 */
		} else if (c == 0xe2 && i + 2 < len && p[i + 1] == 0x80 &&
			   (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
			gw_buf_printf(buf, "\\u%04X", 0x2000 | (p[i + 2] - 0x80));
			i += 2;
		} else if (c == 0xef && i + 2 < len && p[i + 1] == 0xbb &&
			   p[i + 2] == 0xbf) {
			gw_buf_add(buf, "\\uFEFF", 6);
			i += 2;
		} else if (c == 0xef && i + 2 < len && p[i + 1] == 0xbf &&
			   (p[i + 2] == 0xbe || p[i + 2] == 0xbf)) {
			gw_buf_printf(buf, "\\uFFF%c", p[i + 2] == 0xbe ? 'E' : 'F');
			i += 2;	/* noncharacters: readers refuse them raw */
		} else {
			gw_buf_add(buf, p + i, 1);
		}
	}
	gw_buf_add(buf, "\"", 1);
}

/* ---- YAML -------------------------------------------------------------- */

/*
 * libyaml's event emitter does the layout: block style, two-space indent,
 * infinite width, sequences in mappings not indented (as kubectl writes
 * them).  It keeps the style we ask for: plain where gw_emit_plain_safe()
 * allows, double-quoted otherwise, and it escapes a double-quoted scalar
 * itself ("\t", "\n", "\0", "\x7F"; every other character the loader lets
 * through stays as it is).  It streams: no document tree is built.
 */
static int write_out(void *data, unsigned char *buffer, size_t size)
{
	gw_buf_add(data, buffer, size);
	return 1;
}

static int emit(yaml_emitter_t *em, yaml_event_t *ev)
{
	return yaml_emitter_emit(em, ev) ? 0 : -1;
}

static int emit_scalar(yaml_emitter_t *em, const char *s, size_t len,
		       bool plain)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
					  (yaml_char_t *)s, (int)len, 1, 1,
					  plain ? YAML_PLAIN_SCALAR_STYLE :
					  YAML_DOUBLE_QUOTED_SCALAR_STYLE))
		gw_oom();
	return emit(em, &ev);
}

static int emit_number(yaml_emitter_t *em, const struct gw_node *n)
{
	char num[40];

	if (n->kind == GW_INT) {
		snprintf(num, sizeof(num), "%lld", n->u.i);
	} else {
		char *e;

		gw_format_number(num, n->u.num);
		/* YAML 1.1 (PyYAML) reads 1e-07 as a string: write 1.0e-07 */
		e = strchr(num, 'e');
		if (e && !strchr(num, '.') && strlen(num) + 2 < sizeof(num)) {
			memmove(e + 2, e, strlen(e) + 1);
			memcpy(e, ".0", 2);
		}
	}
	return emit_scalar(em, num, strlen(num), true);
}

static int emit_node(yaml_emitter_t *em, const struct gw_node *n)
{
	yaml_event_t ev;
	size_t i;

	switch (n->kind) {
	case GW_NULL:
		return emit_scalar(em, "null", 4, true);
	case GW_BOOL:
		return n->u.b ? emit_scalar(em, "true", 4, true) :
				emit_scalar(em, "false", 5, true);
	case GW_INT:
	case GW_NUM:
		return emit_number(em, n);
	case GW_STR:
		if (n->u.str.len > INT_MAX)
			return -1;
		return emit_scalar(em, n->u.str.s, n->u.str.len,
				   gw_emit_plain_safe(n->u.str.s,
						      n->u.str.len));
	case GW_SEQ:
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
						YAML_BLOCK_SEQUENCE_STYLE))
			gw_oom();
		if (emit(em, &ev))
			return -1;
		for (i = 0; i < n->u.seq.n; i++)
			if (emit_node(em, n->u.seq.items[i]))
				return -1;
		yaml_sequence_end_event_initialize(&ev);
		return emit(em, &ev);
	case GW_MAP:
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
						YAML_BLOCK_MAPPING_STYLE))
			gw_oom();
		if (emit(em, &ev))
			return -1;
		for (i = 0; i < n->u.map.n; i++) {
			const struct gw_pair *p = &n->u.map.pairs[i];

			/* refused: keys no reader need accept (YAML caps
			 * implicit keys at 1024 characters; libyaml writes
			 * keys over 128 as explicit "? key" entries) */
			if (p->key->u.str.len > 1000 ||
			    emit_node(em, p->key) || emit_node(em, p->value))
				return -1;
		}
		yaml_mapping_end_event_initialize(&ev);
		return emit(em, &ev);
	}
	return -1;
}

int gw_emit_yaml(struct gw_buf *buf, struct gw_node *const *docs, size_t n)
{
	yaml_emitter_t em;
	yaml_event_t ev;
	size_t i;
	int err = -1;

	if (!n)
		return 0;
	if (!yaml_emitter_initialize(&em))
		gw_oom();
	yaml_emitter_set_output(&em, write_out, buf);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_indent(&em, 2);
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_break(&em, YAML_LN_BREAK);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (emit(&em, &ev))
		goto out;
	for (i = 0; i < n; i++) {
		yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
		if (emit(&em, &ev) || emit_node(&em, docs[i]))
			goto out;
		yaml_document_end_event_initialize(&ev, 1);
		if (emit(&em, &ev))
			goto out;
	}
	yaml_stream_end_event_initialize(&ev);
	if (emit(&em, &ev) || !yaml_emitter_flush(&em))
		goto out;
	err = 0;
out:
	yaml_emitter_delete(&em);
	return err;
}

/* ---- JSON -------------------------------------------------------------- */

static void json_string(struct gw_buf *buf, const char *s, size_t len)
{
	size_t i;

	gw_buf_add(buf, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': gw_buf_add(buf, "\\\"", 2); break;
		case '\\': gw_buf_add(buf, "\\\\", 2); break;
		case '\b': gw_buf_add(buf, "\\b", 2); break;
		case '\f': gw_buf_add(buf, "\\f", 2); break;
		case '\n': gw_buf_add(buf, "\\n", 2); break;
		case '\r': gw_buf_add(buf, "\\r", 2); break;
		case '\t': gw_buf_add(buf, "\\t", 2); break;
		default:
			if (c < 0x20 || c == 0x7f)
				gw_buf_printf(buf, "\\u%04x", c);
			else
				gw_buf_add(buf, &s[i], 1);
		}
	}
	gw_buf_add(buf, "\"", 1);
}

static void indent(struct gw_buf *buf, int level)
{
	int i;

	for (i = 0; i < level; i++)
		gw_buf_add(buf, "  ", 2);
}

static void json_node(struct gw_buf *buf, const struct gw_node *n, int level)
{
	size_t i;

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
	case GW_NUM: {
		char num[32];

		gw_format_number(num, n->u.num);
		gw_buf_puts(buf, num);
		break;
	}
	case GW_STR:
		json_string(buf, n->u.str.s, n->u.str.len);
		break;
	case GW_SEQ:
		if (!n->u.seq.n) {
			gw_buf_puts(buf, "[]");
			break;
		}
		gw_buf_puts(buf, "[\n");
		for (i = 0; i < n->u.seq.n; i++) {
			indent(buf, level + 1);
			json_node(buf, n->u.seq.items[i], level + 1);
			gw_buf_puts(buf, i + 1 < n->u.seq.n ? ",\n" : "\n");
		}
		indent(buf, level);
		gw_buf_puts(buf, "]");
		break;
	case GW_MAP:
		if (!n->u.map.n) {
			gw_buf_puts(buf, "{}");
			break;
		}
		gw_buf_puts(buf, "{\n");
		for (i = 0; i < n->u.map.n; i++) {
			const struct gw_pair *p = &n->u.map.pairs[i];

			indent(buf, level + 1);
			json_string(buf, p->key->u.str.s, p->key->u.str.len);
			gw_buf_puts(buf, ": ");
			json_node(buf, p->value, level + 1);
			gw_buf_puts(buf, i + 1 < n->u.map.n ? ",\n" : "\n");
		}
		indent(buf, level);
		gw_buf_puts(buf, "}");
		break;
	}
}

void gw_emit_json(struct gw_buf *buf, const struct gw_node *node)
{
	json_node(buf, node, 0);
	gw_buf_puts(buf, "\n");
}
