/*
 * asset.c - the files embedded at build time (schema/ and templates/, see
 * gen/tool/embed.c), looked up by name, and the spec schema as a tree
 * (gen/tool/schema2c.c).
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

/* The schema as a tree: static data written at build time by
 * gen/tool/schema2c.c from the same file as the embedded text. */
extern const struct gw_node *const gw_schema_root;

const struct gw_node *gw_schema_tree(struct gw_arena *arena)
{
	(void)arena;
	return gw_schema_root;
}
