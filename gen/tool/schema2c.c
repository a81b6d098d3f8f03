/*
 * schema2c.c - build-time tool: parses the spec schema with gwc's own
 * loader and writes it as a C source that defines the tree as static data
 * (gw_schema_root), so that gwc does not parse 40 KB of JSON on every run:
 * that parse was three quarters of the instructions of a one-gateway build.
 *
 * It also writes OUT.h, the spec keys' defaults: an enum with one
 * GW_DEFAULT_<PATH> per key whose schema declares a `default`
 * ("spec.service.type" -> GW_DEFAULT_SPEC_SERVICE_TYPE,
 * "spec.service.ports[].protocol" -> GW_DEFAULT_SPEC_SERVICE_PORTS_PROTOCOL)
 * and gw_schema_defaults[], that default's node in the static tree.  So the
 * schema is the one place a default is written: gen/model.c takes its
 * defaults from there, and a default the schema drops is a compile error.
 * Defaults are read where a key is declared (a subschema under
 * "properties", through "items"), not through "$ref".
 *
 * usage: schema2c OUT.c OUT.h SCHEMA.json
 *
 * Links arena, diag, tree, load and emit; the tree it writes is the one
 * gw_load_bytes builds, node for node (marks included, named "<schema>").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

static unsigned count;

/* The keys with a `default`: JSON path, enum name, node number. */
struct key_default {
	char *path, *name;
	const struct gw_node *value;
	unsigned id;
};

static struct key_default *defaults;
static size_t ndefaults;

static void c_string(FILE *out, const char *s, size_t len)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f || c == '?')
			fprintf(out, "\\%03o", c);	/* '?': no trigraphs */
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* Writes the definitions of @n and everything under it; returns its number. */
static unsigned write_node(FILE *out, const struct gw_node *n)
{
	unsigned id = count++, *kids = NULL;
	size_t i, nkids = 0;

	if (n->kind == GW_SEQ || n->kind == GW_MAP) {
		nkids = n->kind == GW_SEQ ? n->u.seq.n : 2 * n->u.map.n;
		kids = calloc(nkids ? nkids : 1, sizeof(*kids));
		if (!kids)
			gw_oom();
		for (i = 0; i < nkids; i++)
			kids[i] = write_node(out, n->kind == GW_SEQ ?
					     n->u.seq.items[i] :
					     i % 2 ? n->u.map.pairs[i / 2].value :
					     n->u.map.pairs[i / 2].key);
	}
	if (n->kind == GW_SEQ && nkids) {
		fprintf(out, "static struct gw_node *items%u[] = {", id);
		for (i = 0; i < nkids; i++)
			fprintf(out, "%s&n%u,", i % 8 ? " " : "\n\t", kids[i]);
		fprintf(out, "\n};\n");
	} else if (n->kind == GW_MAP && nkids) {
		fprintf(out, "static struct gw_pair pairs%u[] = {", id);
		for (i = 0; i < nkids; i += 2)
			fprintf(out, "\n\t{ &n%u, &n%u },", kids[i], kids[i + 1]);
		fprintf(out, "\n};\n");
	}
	fprintf(out, "static struct gw_node n%u = { %d, 0, { SCHEMA, %d, %d }, ",
		id, (int)n->kind, n->mark.line, n->mark.col);
	if (n->src)
		c_string(out, n->src, strlen(n->src));
	else
		fputs("NULL", out);
	fputs(", { ", out);
	switch (n->kind) {
	case GW_NULL:
		fputs(".b = 0", out);
		break;
	case GW_BOOL:
		fprintf(out, ".b = %d", n->u.b);
		break;
	case GW_INT:
		fprintf(out, ".i = %lldLL", n->u.i);
		break;
	case GW_NUM:
		fprintf(out, ".num = %a", n->u.num);
		break;
	case GW_STR:
		fputs(".str = { ", out);
		c_string(out, n->u.str.s, n->u.str.len);
		fprintf(out, ", %zu }", n->u.str.len);
		break;
	case GW_SEQ:
		if (nkids)
			fprintf(out, ".seq = { items%u, %zu, %zu }", id, nkids,
				nkids);
		else
			fputs(".seq = { NULL, 0, 0 }", out);
		break;
	case GW_MAP:
		if (nkids)
			fprintf(out, ".map = { pairs%u, %zu, %zu }", id,
				nkids / 2, nkids / 2);
		else
			fputs(".map = { NULL, 0, 0 }", out);
		break;
	}
	fputs(" } };\n", out);
	free(kids);
	for (i = 0; i < ndefaults; i++)
		if (defaults[i].value == n)
			defaults[i].id = id;
	return id;
}

/* "spec.autoscaling.targetCPUUtilizationPercentage" ->
 * "GW_DEFAULT_SPEC_AUTOSCALING_TARGET_CPU_UTILIZATION_PERCENTAGE". */
static char *enum_name(const char *path)
{
	struct gw_buf name = { 0 };
	const char *p;

	gw_buf_puts(&name, "GW_DEFAULT_");
	for (p = path; *p; p++) {
		bool upper = *p >= 'A' && *p <= 'Z';

		if (*p == '[' || *p == ']')
			continue;
		if (*p == '.' || *p == '-') {
			gw_buf_puts(&name, "_");
			continue;
		}
		if (upper && p > path &&
		    ((p[-1] >= 'a' && p[-1] <= 'z') ||
		     (p[-1] >= '0' && p[-1] <= '9') ||
		     (p[-1] >= 'A' && p[-1] <= 'Z' && p[1] >= 'a' &&
		      p[1] <= 'z')))
			gw_buf_puts(&name, "_");
		gw_buf_printf(&name, "%c", *p >= 'a' && *p <= 'z' ?
			      *p - 'a' + 'A' : *p);
	}
	return name.data;
}

/* Records the `default` of every key declared under @schema, whose own
 * JSON path is @path ("" for the document). */
static void find_defaults(const struct gw_node *schema, const char *path)
{
	const struct gw_node *props, *items;
	size_t i;

	if (!schema || schema->kind != GW_MAP)
		return;
	props = gw_map_get(schema, "properties");
	for (i = 0; props && props->kind == GW_MAP && i < props->u.map.n; i++) {
		const struct gw_pair *p = &props->u.map.pairs[i];
		const struct gw_node *def = p->value->kind == GW_MAP ?
			gw_map_get(p->value, "default") : NULL;
		struct gw_buf key = { 0 };

		gw_buf_printf(&key, "%s%s%s", path, *path ? "." : "",
			      p->key->u.str.s);
		if (def) {
			defaults = realloc(defaults, (ndefaults + 1) *
					   sizeof(*defaults));
			if (!defaults)
				gw_oom();
			defaults[ndefaults].path = key.data;
			defaults[ndefaults].name = enum_name(key.data);
			defaults[ndefaults].value = def;
			ndefaults++;
		}
		find_defaults(p->value, key.data);
		if (!def)
			gw_buf_release(&key);
	}
	items = gw_map_get(schema, "items");
	if (items) {
		struct gw_buf key = { 0 };

		gw_buf_printf(&key, "%s[]", path);
		find_defaults(items, key.data);
		gw_buf_release(&key);
	}
}

/* Writes the header of the defaults; -1 (reported) when two keys would
 * have one enum name. */
static int write_defaults_header(FILE *out, const char *schema_path)
{
	size_t i, j;

	for (i = 0; i < ndefaults; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(defaults[i].name, defaults[j].name)) {
				fprintf(stderr, "schema2c: %s and %s are both "
					"%s\n", defaults[j].path,
					defaults[i].path, defaults[i].name);
				return -1;
			}
	fprintf(out, "/* Generated by gen/tool/schema2c.c from %s. */\n"
		"#ifndef GW_SCHEMA_DEFAULTS_H\n#define GW_SCHEMA_DEFAULTS_H\n\n"
		"/* The `default` of each spec key whose schema declares one, "
		"by JSON path:\n * gw_schema_defaults[GW_DEFAULT_<PATH>] is "
		"that node of the static schema\n * tree (gw_schema_root). */\n"
		"enum gw_default {\n", schema_path);
	for (i = 0; i < ndefaults; i++) {
		struct gw_buf json = { 0 };

		gw_emit_json(&json, defaults[i].value);
		while (json.len && json.data[json.len - 1] == '\n')
			json.data[--json.len] = '\0';
		fprintf(out, "\t%s,\t/* %s: %s */\n", defaults[i].name,
			defaults[i].path, strchr(json.data, '\n') ||
			strstr(json.data, "*/") ? "(see the schema)" :
			json.data);
		gw_buf_release(&json);
	}
	fprintf(out, "\tGW_DEFAULT_N\n};\n\n"
		"extern const struct gw_node *const "
		"gw_schema_defaults[GW_DEFAULT_N];\n\n#endif\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct gw_arena *arena;
	struct gw_diag diag;
	struct gw_node **docs;
	size_t ndocs;
	unsigned root;
	const char *header_name;
	FILE *out, *header;
	size_t i;

	if (argc != 4) {
		fprintf(stderr, "usage: schema2c OUT.c OUT.h SCHEMA.json\n");
		return 2;
	}
	arena = gw_arena_new();
	gw_diag_init(&diag, arena);
	if (gw_load_file(arena, &diag, argv[3], &docs, &ndocs) || ndocs != 1) {
		gw_diag_print(&diag, stderr);
		fprintf(stderr, "schema2c: %s: not one JSON document\n", argv[3]);
		return 1;
	}
	gw_diag_print(&diag, stderr);
	find_defaults(docs[0], "");
	header = fopen(argv[2], "w");
	if (!header) {
		perror(argv[2]);
		return 1;
	}
	if (write_defaults_header(header, argv[3]))
		return 1;
	if (fclose(header)) {
		perror(argv[2]);
		return 1;
	}
	out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	header_name = strrchr(argv[2], '/') ? strrchr(argv[2], '/') + 1 :
		argv[2];
	fprintf(out, "/* Generated by gen/tool/schema2c.c from %s. */\n"
		"#include \"gwc.h\"\n#include \"%s\"\n\n"
		"#define SCHEMA \"<schema>\"\n\n", argv[3], header_name);
	root = write_node(out, docs[0]);
	fprintf(out, "\nconst struct gw_node *const gw_schema_root = &n%u;\n",
		root);
	fprintf(out, "\nconst struct gw_node *const "
		"gw_schema_defaults[GW_DEFAULT_N] = {\n");
	for (i = 0; i < ndefaults; i++)
		fprintf(out, "\t[%s] = &n%u,\n", defaults[i].name,
			defaults[i].id);
	fprintf(out, "};\n");
	for (i = 0; i < ndefaults; i++) {
		free(defaults[i].path);
		free(defaults[i].name);
	}
	free(defaults);
	gw_arena_free(arena);
	if (fclose(out)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
