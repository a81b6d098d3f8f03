/*
 * fuzz_tmpl.c - libFuzzer target: the Go text/template engine (gen/tmpl.h)
 * on a template and a small data document.
 *
 * The input is the template text, then optionally a NUL byte and a YAML or
 * JSON document used as dot (loaded with gwc's loader; a document it
 * refuses, or none, is nil).  The template is parsed as "t" and executed,
 * in two fresh arenas one after the other, with the missingkey modes
 * default and error.  Invariants, each a trap when violated:
 *   - parse and exec return 0 or -1; on -1 the error is a non-empty
 *     "template: " message, on 0 there is none;
 *   - both runs give the same status, output bytes and error text;
 *   - missingkey=error fails whenever the default mode does, with the same
 *     parse error when parsing failed;
 *   - nothing leaks (LeakSanitizer), nothing is read out of bounds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwc.h"
#include "tmpl.h"

#define FUZZ_TARGET "fuzz_tmpl"
#include "invariant.h"

struct run {
	int parsed;		/* 0 or -1 */
	int status;		/* 0 or -1 */
	char *err;		/* malloc'ed copy, or NULL */
	struct gw_buf out;
};

static void check_err(int rc, const char *err)
{
	CHECK(rc == 0 || rc == -1);
	if (rc == 0) {
		CHECK(err == NULL);
	} else {
		CHECK(err != NULL);
		CHECK(strncmp(err, "template: ", 10) == 0);
		CHECK(strlen(err) > 10);
	}
}

static void run_once(const char *text, size_t len, const char *data,
		     size_t dlen, enum gw_tmpl_missingkey mode, struct run *r)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	struct gw_node **docs = NULL;
	size_t ndocs = 0;
	struct gw_tmpl *set = gw_tmpl_new(arena);
	const struct gw_node *dot = NULL;
	const char *err = NULL;

	memset(r, 0, sizeof(*r));
	gw_diag_init(&diag, arena);
	if (data && gw_load_bytes(arena, &diag, "data.yaml", data, dlen, &docs,
				  &ndocs) == 0 && ndocs > 0)
		dot = docs[0];
	/* the loader's diagnostics are not this target's concern */
	gw_diag_release(&diag);
	gw_tmpl_set_missingkey(set, mode);
	r->parsed = gw_tmpl_parse(set, "t", text, len, &err);
	check_err(r->parsed, err);
	r->status = r->parsed;
	if (r->parsed == 0) {
		CHECK(gw_tmpl_defined(set, "t"));
		r->status = gw_tmpl_exec(set, "t", dot, &r->out, &err);
		check_err(r->status, err);
	}
	if (err) {
		r->err = strdup(err);
		CHECK(r->err != NULL);
	}
	gw_arena_free(arena);
}

static void done(struct run *r)
{
	free(r->err);
	gw_buf_release(&r->out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *doc = NULL;
	const char *nul = memchr(data, '\0', size);
	size_t len = size, dlen = 0;
	struct run a, b, c;

	if (nul) {
		len = (size_t)(nul - text);
		doc = nul + 1;
		dlen = size - len - 1;
	}
	run_once(text, len, doc, dlen, GW_TMPL_MISSINGKEY_DEFAULT, &a);
	run_once(text, len, doc, dlen, GW_TMPL_MISSINGKEY_DEFAULT, &b);
	CHECK(a.parsed == b.parsed && a.status == b.status);
	CHECK((a.err == NULL) == (b.err == NULL));
	CHECK(!a.err || strcmp(a.err, b.err) == 0);
	CHECK(a.out.len == b.out.len);
	CHECK(a.out.len == 0 || memcmp(a.out.data, b.out.data, a.out.len) == 0);
	run_once(text, len, doc, dlen, GW_TMPL_MISSINGKEY_ERROR, &c);
	CHECK(c.parsed == a.parsed);
	CHECK(a.parsed == 0 || strcmp(a.err, c.err) == 0);
	CHECK(a.status == 0 || c.status == -1);
	done(&a);
	done(&b);
	done(&c);
	return 0;
}
