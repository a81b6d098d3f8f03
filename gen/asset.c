/*
 * asset.c - the files embedded at build time (schema/ and templates/, see
 * gen/tool/embed.c), looked up by name, and the spec schema as a tree.
 */
#include <stdio.h>
#include <string.h>

#include "gwc.h"

extern const struct gw_asset gw_assets[];

const struct gw_asset *gw_asset_get(const char *name)
{
	const struct gw_asset *a;

	for (a = gw_assets; a->name; a++)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}

const struct gw_node *gw_schema_tree(struct gw_arena *arena)
{
	const struct gw_asset *a = gw_asset_get("gatewayspec.schema.json");
	struct gw_diag diag;
	struct gw_node **docs;
	size_t n;

	gw_diag_init(&diag, arena);
	if (!a || gw_load_bytes(arena, &diag, "<schema>", a->data, a->len,
				&docs, &n) || n != 1) {
		gw_diag_print(&diag, stderr);
		return NULL;
	}
	gw_diag_print(&diag, stderr);
	return docs[0];
}
