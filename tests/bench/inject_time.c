/*
 * inject_time.c - the time gw_inject_deployment() takes per Deployment,
 * without process start and without parsing the injector config (which
 * istiod, too, does once).
 *
 *   make build/tests/inject_time      (make bench builds and runs it)
 *   C=../shared/upstream/istio/injection-conformance/1.24.0
 *   build/tests/inject_time $C/default.template.gen.yaml \
 *       $C/default.values.gen.yaml $C/default.mesh.gen.yaml $C/gateway.yaml 1000
 *
 * Prints the CPU time (CLOCK_PROCESS_CPUTIME_ID) of parsing the config once
 * and of one injection, averaged over N, each in its own arena as gwc does.
 * glibc keeps freed memory, as gwc's main() tells it to; with TRIM set in
 * the environment it returns the arena's chunks to the kernel after every
 * injection instead (whose page faults then dominate on a virtual machine).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "inject.h"
#include "gwc.h"

static double cpu_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct gw_arena *arena;
	struct gw_inject_config *cfg;
	struct gw_diag diag;
	struct gw_node **docs;
	size_t ndocs;
	double t0, t1, t2;
	int n, i;

	if (argc != 6 || (n = atoi(argv[5])) < 1) {
		fprintf(stderr, "usage: inject_time CONFIG VALUES MESH "
			"DEPLOYMENT N\n");
		return 2;
	}
	if (!getenv("TRIM")) {	/* as gwc's main() sets it */
		mallopt(M_TRIM_THRESHOLD, 256 << 20);
		mallopt(M_MMAP_THRESHOLD, 256 << 20);
	}
	arena = gw_arena_new();
	gw_diag_init(&diag, arena);
	t0 = cpu_seconds();
	if (gw_inject_files(arena, &diag, argv[1], argv[2], argv[3], &cfg) ||
	    gw_load_file(arena, &diag, argv[4], &docs, &ndocs) || !ndocs) {
		gw_diag_print(&diag, stderr);
		return 1;
	}
	t1 = cpu_seconds();
	for (i = 0; i < n; i++) {
		struct gw_arena *job = gw_arena_new();
		struct gw_diag d;
		struct gw_buf out = { 0 };

		gw_diag_init(&d, job);
		if (gw_inject_deployment(job, &d, cfg, NULL, docs[0], &out)) {
			gw_diag_print(&d, stderr);
			return 1;
		}
		gw_buf_release(&out);
		gw_diag_release(&d);
		gw_arena_free(job);
	}
	t2 = cpu_seconds();
	printf("config parse %.3f ms, injection %.3f ms per Deployment "
	       "(%d runs)\n", (t1 - t0) * 1e3, (t2 - t1) * 1e3 / n, n);
	gw_diag_release(&diag);
	gw_arena_free(arena);
	return 0;
}
