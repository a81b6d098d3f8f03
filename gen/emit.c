/*
 * emit.c - trees to bytes: YAML through libfyaml's emitter, JSON as jq
 * prints it.
 *
 * The quoting decision is ours, not the emitter's (see YAML-NOTES): a
 * string is written plain only when no YAML 1.1 or 1.2 reader (go-yaml v2
 * and v3 in kubectl and kustomize, PyYAML, libyaml) can take it for
 * anything but that string; otherwise it becomes a double-quoted literal
 * that we escape ourselves and hand to libfyaml as a parsed node, which
 * keeps its style.  Output is block style with infinite width, so it does
 * not depend on the emitter's folding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libfyaml.h>

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

static struct fy_node *build_string(struct fy_document *fyd, const char *s,
				    size_t len)
{
	struct gw_buf lit = { 0 };
	struct fy_node *fyn;

	if (gw_emit_plain_safe(s, len))
		return fy_node_create_scalar_copy(fyd, s, len);
	gw_emit_quote(&lit, s, len);
	/* libfyaml owns the malloc'ed literal from here on, even on failure */
	fyn = fy_node_build_from_malloc_string(fyd, lit.data, lit.len);
	return fyn;
}

static struct fy_node *build_node(struct fy_document *fyd,
				  const struct gw_node *n)
{
	struct fy_node *fyn = NULL;
	char num[32];
	size_t i;

	switch (n->kind) {
	case GW_NULL:
		return fy_node_create_scalar(fyd, "null", 4);
	case GW_BOOL:
		return n->u.b ? fy_node_create_scalar(fyd, "true", 4) :
				fy_node_create_scalar(fyd, "false", 5);
	case GW_INT:
		snprintf(num, sizeof(num), "%lld", n->u.i);
		return fy_node_create_scalar_copy(fyd, num, strlen(num));
	case GW_NUM: {
		char *e;

		gw_format_number(num, n->u.num);
		/* YAML 1.1 (PyYAML) reads 1e-07 as a string: write 1.0e-07 */
		e = strchr(num, 'e');
		if (e && !strchr(num, '.') && strlen(num) + 2 < sizeof(num)) {
			memmove(e + 2, e, strlen(e) + 1);
			memcpy(e, ".0", 2);
		}
		return fy_node_create_scalar_copy(fyd, num, strlen(num));
	}
	case GW_STR:
		return build_string(fyd, n->u.str.s, n->u.str.len);
	case GW_SEQ:
		fyn = fy_node_create_sequence(fyd);
		for (i = 0; fyn && i < n->u.seq.n; i++) {
			struct fy_node *item = build_node(fyd, n->u.seq.items[i]);

			if (!item || fy_node_sequence_append(fyn, item)) {
				fy_node_free(item);
				fy_node_free(fyn);	/* and what it holds */
				return NULL;
			}
		}
		return fyn;
	case GW_MAP:
		fyn = fy_node_create_mapping(fyd);
		for (i = 0; fyn && i < n->u.map.n; i++) {
			const struct gw_pair *p = &n->u.map.pairs[i];
			struct fy_node *k, *v;

			/* YAML limits implicit keys to 1024 characters */
			k = p->key->u.str.len > 1000 ? NULL :
				build_string(fyd, p->key->u.str.s,
					     p->key->u.str.len);
			v = k ? build_node(fyd, p->value) : NULL;
			if (!k || !v || fy_node_mapping_append(fyn, k, v)) {
				fy_node_free(k);
				fy_node_free(v);
				fy_node_free(fyn);	/* and what it holds */
				return NULL;
			}
		}
		return fyn;
	}
	return NULL;
}

int gw_emit_yaml(struct gw_buf *buf, struct gw_node *const *docs, size_t n)
{
	const enum fy_emitter_cfg_flags flags = FYECF_DEFAULT |
		FYECF_MODE_BLOCK | FYECF_INDENT_2 | FYECF_WIDTH_INF |
		FYECF_DOC_START_MARK_OFF | FYECF_DOC_END_MARK_OFF;
	size_t i;

	for (i = 0; i < n; i++) {
		struct fy_document *fyd = fy_document_create(NULL);
		struct fy_node *root;
		char *text;

		if (!fyd)
			gw_oom();
		root = build_node(fyd, docs[i]);
		if (!root || fy_document_set_root(fyd, root)) {
			fy_node_free(root);
			fy_document_destroy(fyd);
			return -1;
		}
		text = fy_emit_document_to_string(fyd, flags);
		fy_document_destroy(fyd);
		if (!text)
			return -1;
		if (i)
			gw_buf_puts(buf, "---\n");
		gw_buf_puts(buf, text);
		free(text);
	}
	return 0;
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
