/*
 * render.c - tmplrender TEMPLATE_FILE DATA_FILE: the template engine alone.
 *
 * Loads DATA_FILE (JSON or YAML, one document; an empty file is nil) with
 * gwc's loader, parses TEMPLATE_FILE as template "t" with gen/tmpl.h,
 * executes "t" with the data as dot and writes the text to stdout: exit 0.
 * On a template error it writes the error message alone and a newline to
 * stderr, and nothing to stdout (the output is kept until the end): exit 1.
 * Unreadable or invalid data: the loader's diagnostics, exit 2.  Go's
 * oracle (tests/oracle/) has exactly this interface.
 */
#include <stdio.h>
#include <stdlib.h>

#include "gwc.h"
#include "tmpl.h"

int main(int argc, char **argv)
{
	struct gw_arena *arena;
	struct gw_diag diag;
	struct gw_node **docs = NULL;
	struct gw_buf out = {0};
	struct gw_tmpl *set;
	const char *err = NULL;
	char *text;
	size_t len, ndocs = 0;
	int status = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: tmplrender TEMPLATE_FILE DATA_FILE\n");
		return 2;
	}
	arena = gw_arena_new();
	gw_diag_init(&diag, arena);
	if (gw_load_read(arena, &diag, argv[1], &text, &len) < 0 ||
	    gw_load_file(arena, &diag, argv[2], &docs, &ndocs) < 0) {
		gw_diag_print(&diag, stderr);
		gw_arena_free(arena);
		return 2;
	}
	gw_diag_release(&diag);	/* warnings of a valid document: not shown */
	set = gw_tmpl_new(arena);
	if (gw_tmpl_parse(set, "t", text, len, &err) < 0 ||
	    gw_tmpl_exec(set, "t", ndocs ? docs[0] : NULL, &out, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		status = 1;
	} else if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len) {
		perror("tmplrender: stdout");
		status = 2;
	}
	gw_buf_release(&out);
	gw_arena_free(arena);
	return status;
}
