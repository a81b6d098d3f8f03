/*
 * unit.h - helpers shared by the cmocka unit tests (tests/unit/test_*.c).
 *
 * Every helper is static inline so that a test file uses only what it
 * needs without unused-function warnings.  Strings returned by helpers are
 * malloc'ed and freed by the caller; every arena is freed before return.
 */
#ifndef UNIT_H
#define UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gwc.h"

/* The name under which inline specs are loaded. */
#define UNIT_FILE "spec.yaml"

/* The three lines every inline spec starts with (lines 1-3). */
#define UNIT_HEAD \
	"apiVersion: gwc.dev/v1alpha1\n" \
	"kind: GatewaySpec\n" \
	"metadata: {name: gw, namespace: ns}\n"

/* Prints the diagnostics of @diag into a string, then releases its list. */
static inline char *unit_diag_text(struct gw_diag *diag)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	assert_int_equal(gw_diag_print(diag, fp), 0);
	assert_int_equal(fclose(fp), 0);
	gw_diag_release(diag);
	return text;
}

/* A struct gw_diag for one call, in an arena of its own. */
struct unit_diag {
	struct gw_arena *arena;
	struct gw_diag diag;
};

static inline struct gw_diag *unit_diag_open(struct unit_diag *u)
{
	u->arena = gw_arena_new();
	gw_diag_init(&u->diag, u->arena);
	return &u->diag;
}

/* Its messages as gwc prints them (malloc'ed); the diag is gone. */
static inline char *unit_diag_close(struct unit_diag *u)
{
	char *text = unit_diag_text(&u->diag);

	gw_arena_free(u->arena);
	return text;
}

/* A loaded inline document and its arena. */
struct unit_load {
	struct gw_arena *arena;
	struct gw_diag diag;
	struct gw_node **docs;
	size_t ndocs;
	int status;		/* what gw_load_bytes() returned */
	char *text;		/* its diagnostics */
};

/*
 * Loads @len bytes of @data as UNIT_FILE.  The bytes are copied into a
 * buffer of exactly @len bytes, without a terminating NUL, so that the
 * sanitizers catch any read past the input.
 */
static inline void unit_load_bytes(struct unit_load *u, const char *data,
				   size_t len)
{
	char *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, data, len);
	u->arena = gw_arena_new();
	gw_diag_init(&u->diag, u->arena);
	u->status = gw_load_bytes(u->arena, &u->diag, UNIT_FILE, copy, len,
				  &u->docs, &u->ndocs);
	u->text = unit_diag_text(&u->diag);
	free(copy);
}

static inline void unit_load(struct unit_load *u, const char *yaml)
{
	unit_load_bytes(u, yaml, strlen(yaml));
}

/* Loads @yaml, which must be one valid document, and returns its tree. */
static inline struct gw_node *unit_load_one(struct unit_load *u,
					    const char *yaml)
{
	unit_load(u, yaml);
	assert_string_equal(u->text, "");
	assert_int_equal(u->status, 0);
	assert_int_equal(u->ndocs, 1);
	return u->docs[0];
}

static inline void unit_load_done(struct unit_load *u)
{
	free(u->text);
	gw_arena_free(u->arena);
	memset(u, 0, sizeof(*u));
}

/* The diagnostics gw_load_bytes() gives for @len bytes of @data. */
static inline char *unit_load_errors(const char *data, size_t len)
{
	struct unit_load u;
	char *text;

	unit_load_bytes(&u, data, len);
	assert_int_equal(u.status, -1);
	text = u.text;
	u.text = NULL;
	unit_load_done(&u);
	return text;
}

/*
 * Loads @yaml (one spec), validates it against the embedded schema (it must
 * be valid), builds its model and runs gw_check_gateway(); returns what the
 * checks reported and sets *@errors to the error count they returned.
 */
static inline char *unit_check(const char *yaml, unsigned *errors)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	struct gw_node **docs;
	size_t ndocs;
	const struct gw_node *schema;
	struct gw_gateway *gw;
	char *text;
	unsigned n;

	gw_diag_init(&diag, arena);
	schema = gw_schema_tree(arena);
	assert_non_null(schema);
	n = (unsigned)gw_load_bytes(arena, &diag, UNIT_FILE, yaml,
				    strlen(yaml), &docs, &ndocs);
	if (!n)
		n = gw_validate(&diag, schema, docs[0]);
	if (n) {
		text = unit_diag_text(&diag);
		print_error("the spec is not schema-valid:\n%s", text);
		free(text);
		gw_arena_free(arena);
		fail();
	}
	assert_int_equal(ndocs, 1);
	gw = gw_model_build(arena, UNIT_FILE, docs[0]);
	assert_non_null(gw);
	n = gw_check_gateway(&diag, gw);
	assert_int_equal(n, diag.errors);
	if (errors)
		*errors = n;
	text = unit_diag_text(&diag);
	gw_arena_free(arena);
	return text;
}

/* ---- stderr capture ------------------------------------------------------ */

struct unit_stderr {
	int saved;
	FILE *tmp;
};

/* Sends stderr to a temporary file until unit_stderr_end(). */
static inline void unit_stderr_begin(struct unit_stderr *c)
{
	fflush(stderr);
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->tmp), STDERR_FILENO) >= 0);
}

/* Restores stderr; returns what was written to it. */
static inline char *unit_stderr_end(struct unit_stderr *c)
{
	char *text;
	long len;

	fflush(stderr);
	assert_true(dup2(c->saved, STDERR_FILENO) >= 0);
	close(c->saved);
	len = ftell(c->tmp);
	assert_true(len >= 0);
	text = malloc((size_t)len + 1);
	assert_non_null(text);
	rewind(c->tmp);
	assert_int_equal(fread(text, 1, (size_t)len, c->tmp), (size_t)len);
	text[len] = '\0';
	fclose(c->tmp);
	return text;
}

/* ---- the shared upstream data ------------------------------------------- */

/* The folder of upstream data: $SHARED (as tests/run.sh sets it) or
 * ../shared relative to the current directory (the tests run from the
 * project's top folder). */
static inline const char *unit_shared_dir(void)
{
	const char *dir = getenv("SHARED");

	return dir && *dir ? dir : "../shared";
}

/* Reads a whole file into a malloc'ed, NUL-terminated buffer; NULL (and
 * *@len 0) if it cannot. */
static inline char *unit_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	long size;

	*len = 0;
	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) || (size = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET))
		goto out;
	data = malloc((size_t)size + 1);
	assert_non_null(data);
	if (fread(data, 1, (size_t)size, fp) != (size_t)size) {
		free(data);
		data = NULL;
		goto out;
	}
	data[size] = '\0';
	*len = (size_t)size;
out:
	fclose(fp);
	return data;
}

#endif
