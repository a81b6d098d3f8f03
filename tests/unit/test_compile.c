/*
 * test_compile.c - gw_compile()'s two passes give the same files whether
 * pass 1 keeps a spec's rendered output in memory, parks it in a spill
 * file (gen/spill.c) past the 4 MiB budget (here made tiny), or pass 2
 * parses and renders it again (no spill file can be made, or writing it
 * fails), in one thread or several, whichever way a spec of two gateways
 * (two YAML documents) goes, and whether a spec file's bytes are held or
 * read again (a budget too).
 */
#include <signal.h>
#include <sys/resource.h>

#include "unit.h"

#define SPECS 6

static char *spec_text(unsigned i)
{
	char *s;

	assert_true(asprintf(&s,
		"apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\n"
		"metadata:\n  name: gw-%u\n  namespace: team-%u\n"
		"spec:\n%s"
		"  direction: ingress\n"
		"  deployment:\n    resources:\n"
		"      requests: {cpu: 500m, memory: 256Mi}\n"
		"      limits: {cpu: 2000m, memory: 1Gi}\n"
		"  autoscaling: {minReplicas: 2, maxReplicas: %u}\n"
		"  servers:\n  - port: %u\n    protocol: HTTP\n"
		"    hosts: [\"*.example.com\"]\n"
		"%s",
		i, i, i % 2 ? "  nodes: {kernelVersion: 3.10.0}\n" : "",
		3 + i, i % 2 ? 80 : 443,
		i == 3 ? "---\napiVersion: gwc.dev/v1alpha1\n"
			 "kind: GatewaySpec\nmetadata: {name: second, "
			 "namespace: team-3}\nspec: {direction: egress}\n" :
			 "") > 0);
	return s;
}

/* Compiles the specs, written as files in a temporary folder, into @set,
 * pass 1 keeping at most @keep rendered bytes and @hold bytes of the spec
 * files (the rest read again, digest checked, in the later passes);
 * returns the exit status. */
static int compile_files(struct gw_fileset *set, unsigned jobs, size_t keep,
			 size_t hold)
{
	char dir[] = "/tmp/gwc-test-compile-XXXXXX";
	char *paths[SPECS];
	struct gw_options opt = { 0 };
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	unsigned i;
	int status;

	assert_non_null(mkdtemp(dir));
	for (i = 0; i < SPECS; i++) {
		char *text = spec_text(i);
		FILE *fp;

		assert_true(asprintf(&paths[i], "%s/spec-%u.yaml", dir, i) > 0);
		fp = fopen(paths[i], "w");
		assert_non_null(fp);
		assert_int_equal(fputs(text, fp) >= 0, 1);
		assert_int_equal(fclose(fp), 0);
		free(text);
	}
	opt.inputs = (const char *const *)paths;
	opt.ninputs = SPECS;
	opt.result = set;
	opt.jobs = jobs;
	opt.keep_rendered = keep;
	opt.keep_bytes = hold;
	gw_diag_init(&diag, arena);
	status = gw_compile(&opt, &diag, NULL);
	gw_diag_release(&diag);
	gw_arena_free(arena);
	for (i = 0; i < SPECS; i++) {
		unlink(paths[i]);
		free(paths[i]);
	}
	rmdir(dir);
	return status;
}

/* Compiles the specs into @set; returns the exit status. */
static int compile(struct gw_fileset *set, unsigned jobs, size_t keep)
{
	struct gw_input in[SPECS];
	char *names[SPECS], *texts[SPECS];
	struct gw_options opt = { 0 };
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	unsigned i;
	int status;

	for (i = 0; i < SPECS; i++) {
		texts[i] = spec_text(i);
		assert_true(asprintf(&names[i], "spec-%u.yaml", i) > 0);
		in[i].name = names[i];
		in[i].data = texts[i];
		in[i].len = strlen(texts[i]);
	}
	opt.buffers = in;
	opt.nbuffers = SPECS;
	opt.no_file_reads = true;
	opt.result = set;
	opt.jobs = jobs;
	opt.keep_rendered = keep;
	gw_diag_init(&diag, arena);
	status = gw_compile(&opt, &diag, NULL);
	gw_diag_release(&diag);
	gw_arena_free(arena);
	for (i = 0; i < SPECS; i++) {
		free(names[i]);
		free(texts[i]);
	}
	return status;
}

static void assert_same_files(const struct gw_fileset *a,
			      const struct gw_fileset *b)
{
	size_t i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		assert_string_equal(a->files[i].path, b->files[i].path);
		assert_int_equal(a->files[i].len, b->files[i].len);
		assert_memory_equal(a->files[i].data, b->files[i].data,
				    a->files[i].len);
		assert_int_equal(a->files[i].mode, b->files[i].mode);
	}
}

static void test_kept_or_rendered_again(void **state)
{
	static const struct {
		unsigned jobs;
		size_t keep;
	} runs[] = { { 1, 1 }, { 3, 1 }, { 3, 0 }, { 1, 5000 } };
	struct gw_fileset all = { 0 };
	size_t i, gateways = 0;

	(void)state;
	assert_int_equal(compile(&all, 1, 0), 0);	/* every spec kept */
	for (i = 0; i < all.n; i++)
		gateways += !!strstr(all.files[i].path, "/kustomization.yaml");
	assert_int_equal(gateways, SPECS + 1);
	assert_non_null(strstr(all.files[0].path, "istio/default/"));
	for (i = 0; i < sizeof(runs) / sizeof(*runs); i++) {
		struct gw_fileset other = { 0 };

		assert_int_equal(compile(&other, runs[i].jobs, runs[i].keep), 0);
		assert_same_files(&all, &other);
		gw_fileset_release(&other);
	}
	/* spec files: read by pass 1's workers, their bytes held, or
	 * dropped and read again by pass 2 (a hold of 1 byte) */
	for (i = 0; i < sizeof(runs) / sizeof(*runs); i++) {
		struct gw_fileset other = { 0 };

		assert_int_equal(compile_files(&other, runs[i].jobs,
					       runs[i].keep, i % 2 ? 0 : 1), 0);
		assert_same_files(&all, &other);
		gw_fileset_release(&other);
	}
	gw_fileset_release(&all);
}

/* The runs past the budget of test_kept_or_rendered_again, when no spill
 * file can be made ($TMPDIR a missing folder) and when writing it fails
 * (a file size limit of 3000 bytes: EFBIG), so that pass 2 renders the
 * folders again: the same files. */
static void test_spill_missing_or_full(void **state)
{
	struct gw_fileset all = { 0 };
	const char *old = getenv("TMPDIR");
	char *saved = old ? strdup(old) : NULL;
	struct rlimit lim, small;
	unsigned jobs;

	(void)state;
	assert_int_equal(compile(&all, 1, 0), 0);
	for (jobs = 1; jobs <= 3; jobs += 2) {
		struct gw_fileset none = { 0 }, full = { 0 };

		assert_int_equal(setenv("TMPDIR", "/nonexistent/gwc-test", 1), 0);
		assert_int_equal(compile(&none, jobs, 1), 0);
		assert_same_files(&all, &none);
		assert_int_equal(unsetenv("TMPDIR"), 0);
		assert_int_equal(getrlimit(RLIMIT_FSIZE, &lim), 0);
		small = lim;
		small.rlim_cur = 3000;
		signal(SIGXFSZ, SIG_IGN);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
		assert_int_equal(compile(&full, jobs, 1), 0);
		assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
		signal(SIGXFSZ, SIG_DFL);
		assert_same_files(&all, &full);
		gw_fileset_release(&none);
		gw_fileset_release(&full);
	}
	if (saved)
		setenv("TMPDIR", saved, 1);
	free(saved);
	gw_fileset_release(&all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept_or_rendered_again),
		cmocka_unit_test(test_spill_missing_or_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
