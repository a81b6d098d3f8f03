/*
 * fuzz_preview.c - libFuzzer target: the template engine as a spec reaches
 * it.  The input is an injection template; a fixed spec names it in
 * spec.controlPlane.injectionTemplate and asks for spec.injectionPreview,
 * so gw_compile parses it, adapts nothing (a modern kernel), installs it
 * for the control plane and runs it on the gateway's Deployment, as
 * `gwc build` of such a spec does (the template is a real file: the
 * engine is reached through the file reads a user's spec causes).
 *
 * Invariants, each a trap when violated:
 *   - gw_compile returns 0, 1 or 2, and finishes (libFuzzer's -timeout
 *     and -rss_limit_mb hold the engine's bounds to account);
 *   - status 1 or 2 comes with an error diagnostic, status 0 without one;
 *   - status 0 renders gateway-deployment.injected.yaml;
 *   - a second run gives the same status, diagnostics and files;
 *   - everything is released (LeakSanitizer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gwc.h"

#define FUZZ_TARGET "fuzz_preview"
#include "invariant.h"

static const char spec[] =
	"apiVersion: gwc.dev/v1alpha1\n"
	"kind: GatewaySpec\n"
	"metadata: {name: fuzz, namespace: fuzz-ns}\n"
	"spec:\n"
	"  controlPlane: {injectionTemplate: template.txt}\n"
	"  injectionPreview: {}\n";

static char dir[256];

static void remove_folder(void)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/template.txt", dir);
	unlink(path);
	rmdir(dir);
}

/* The folder of the template file, made once per process, removed at
 * its exit. */
static const char *folder(void)
{
	const char *tmp = getenv("TMPDIR");

	if (!dir[0]) {
		if (!tmp || !*tmp || strlen(tmp) > 200)
			tmp = "/tmp";
		snprintf(dir, sizeof(dir), "%s/gwc-fuzz-preview.XXXXXX", tmp);
		if (!mkdtemp(dir))
			abort();
		atexit(remove_folder);
	}
	return dir;
}

static void write_template(const uint8_t *data, size_t size)
{
	char path[300];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/template.txt", folder());
	fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp))
		abort();
}

static int compile(struct gw_fileset *set, char **diag, size_t *diag_len)
{
	char name[300];
	struct gw_input in = { name, spec, sizeof(spec) - 1 };
	FILE *stream = open_memstream(diag, diag_len);
	struct gw_options opt = {
		.buffers = &in, .nbuffers = 1, .result = set,
	};
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag messages;
	int status;

	snprintf(name, sizeof(name), "%s/fuzz.yaml", folder());
	if (!stream)
		abort();
	gw_diag_init(&messages, arena);
	status = gw_compile(&opt, &messages, NULL);
	if (gw_diag_print(&messages, stream))
		abort();
	gw_diag_release(&messages);
	gw_arena_free(arena);
	if (fclose(stream))
		abort();
	return status;
}

static bool has_error(const char *s)
{
	return strstr(s, ": error: ") || strstr(s, ": internal error: ");
}

static bool same_files(const struct gw_fileset *a, const struct gw_fileset *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->files[i].path, b->files[i].path) ||
		    a->files[i].len != b->files[i].len ||
		    memcmp(a->files[i].data, b->files[i].data, a->files[i].len))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gw_fileset a = { 0 }, b = { 0 };
	char *diag_a = NULL, *diag_b = NULL;
	size_t diag_a_len = 0, diag_b_len = 0, i;
	int status, again;
	bool injected = false;

	write_template(data, size);
	status = compile(&a, &diag_a, &diag_a_len);
	CHECK(status == 0 || status == 1 || status == 2);
	CHECK((status != 0) == has_error(diag_a));
	for (i = 0; i < a.n; i++)
		injected |= strstr(a.files[i].path,
				   "/gateway-deployment.injected.yaml") != NULL;
	CHECK(status != 0 || injected);
	again = compile(&b, &diag_b, &diag_b_len);
	CHECK(again == status);
	CHECK(diag_a_len == diag_b_len && !memcmp(diag_a, diag_b, diag_a_len));
	CHECK(same_files(&a, &b));
	gw_fileset_release(&a);
	gw_fileset_release(&b);
	free(diag_a);
	free(diag_b);
	return 0;
}
