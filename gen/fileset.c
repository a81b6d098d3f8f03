/*
 * fileset.c - struct gw_fileset: the files of a run, each a path below OUT
 * and its bytes, as render.c and preview.c make them and write.c, diff and
 * the depfile consume them.  The set owns its paths and data (malloc'ed).
 */
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

void gw_fileset_add(struct gw_fileset *set, const char *path, char *data,
		    size_t len)
{
	set->files = gw_grow(set->files, set->n + 1, &set->cap,
			     sizeof(*set->files));
	set->files[set->n].path = strdup(path);
	if (!set->files[set->n].path)
		gw_oom();
	set->files[set->n].data = data;
	set->files[set->n].len = len;
	set->files[set->n].mode = 0644;
	set->files[set->n].control_plane = false;
	set->files[set->n].kept = false;
	set->n++;
}

void gw_fileset_release(struct gw_fileset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		free(set->files[i].path);
		free(set->files[i].data);
	}
	free(set->files);
	memset(set, 0, sizeof(*set));
}

static int compare_files(const void *a, const void *b)
{
	return strcmp(((const struct gw_file *)a)->path,
		      ((const struct gw_file *)b)->path);
}

void gw_fileset_sort(struct gw_fileset *set)
{
	if (set->n > 1)
		qsort(set->files, set->n, sizeof(*set->files), compare_files);
}
