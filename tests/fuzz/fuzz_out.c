/*
 * fuzz_out.c - libFuzzer target: an output folder with things planted in
 * it.  Each byte of the input plants one entry at one of the paths a
 * build of a fixed spec writes or reads (the gateway folder, its files,
 * its marker, the namespace folder, a control plane's folder, a staging
 * name): nothing, a small regular file, a FIFO, a symbolic link (to a
 * file, to a folder, dangling), a folder, or a sparse file of 1 GiB.
 * Then gw_compile builds into it, and checks it (--check, --prune).
 *
 * Invariants, each a trap when violated:
 *   - every run returns (a FIFO never blocks an open: libFuzzer's -timeout
 *     holds that to account) with status 0, 1 (--check: differs) or 2
 *     (refused), never 1 for the build itself (the spec is good);
 *   - a build that fails leaves every planted entry as it was (its type
 *     and size);
 *   - a build that succeeds leaves the gateway's files as regular files,
 *     and a --check right after it says 0;
 *   - everything is released (LeakSanitizer).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gwc.h"

#define FUZZ_TARGET "fuzz_out"
#include "invariant.h"

static const char spec[] =
	"apiVersion: gwc.dev/v1alpha1\n"
	"kind: GatewaySpec\n"
	"metadata: {name: gw, namespace: ns}\n";

/* Where entries are planted, below OUT; parents first. */
static const char *const spots[] = {
	"ns", "ns/gw", "ns/gw/.gwc-output", "ns/gw/gateway-service.yaml",
	"ns/gw/kustomization.yaml", "ns/gw/extra", "ns/.gw.gwc-1-0",
	"istio", "istio/default", "ns/other", "ns/other/.gwc-output",
};
#define NSPOTS (sizeof(spots) / sizeof(*spots))

static char root[256];

static void rm_rf(const char *path)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd))
		abort();
}

static void cleanup(void)
{
	if (root[0])
		rm_rf(root);
}

/* True when a folder above @spot (below @out) is not a real folder (a
 * link planted there, say): what lies below it is outside OUT, and the
 * harness neither plants nor looks there. */
static bool beyond_out(const char *out, const char *spot)
{
	char path[512];
	const char *slash;
	struct stat st;

	for (slash = strchr(spot, '/'); slash; slash = strchr(slash + 1, '/')) {
		snprintf(path, sizeof(path), "%s/%.*s", out,
			 (int)(slash - spot), spot);
		if (lstat(path, &st) || !S_ISDIR(st.st_mode))
			return true;
	}
	return false;
}

static void plant(const char *out, const char *spot, unsigned kind)
{
	char path[512];
	int fd;

	if (beyond_out(out, spot))
		return;
	snprintf(path, sizeof(path), "%s/%s", out, spot);
	switch (kind % 8) {
	case 0:
		break;
	case 1:
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			if (write(fd, "planted\n", 8) < 0)
				abort();
			close(fd);
		}
		break;
	case 2:
		mkfifo(path, 0644);
		break;
	case 3:
		if (symlink("/etc/hostname", path))
			break;
		break;
	case 4:
		if (symlink("/tmp", path))
			break;
		break;
	case 5:
		if (symlink("no-such-target", path))
			break;
		break;
	case 6:
		mkdir(path, 0755);
		break;
	default:
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			if (ftruncate(fd, (off_t)1 << 30))
				abort();
			close(fd);
		}
		break;
	}
}

/* Each spot's type and size, as lstat says ("-" when absent). */
static void survey(const char *out, char *buf, size_t cap)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < NSPOTS; i++) {
		char path[512];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", out, spots[i]);
		if (beyond_out(out, spots[i]))
			len += (size_t)snprintf(buf + len, cap - len, "x;");
		else if (lstat(path, &st))
			len += (size_t)snprintf(buf + len, cap - len, "-;");
		else
			len += (size_t)snprintf(buf + len, cap - len, "%o:%lld;",
						(unsigned)(st.st_mode & S_IFMT),
						S_ISDIR(st.st_mode) ? 0LL :
						(long long)st.st_size);
	}
}

static int build(const char *out, bool check, bool prune)
{
	struct gw_input in = { "fuzz.yaml", spec, sizeof(spec) - 1 };
	struct gw_options opt = {
		.outdir = out, .buffers = &in, .nbuffers = 1,
		.no_file_reads = true, .check = check, .prune = prune,
	};
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	struct gw_buf stdout_bytes = { 0 };
	int status;

	gw_diag_init(&diag, arena);
	status = gw_compile(&opt, &diag, &stdout_bytes);
	gw_diag_release(&diag);
	gw_buf_release(&stdout_bytes);
	gw_arena_free(arena);
	return status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[300], before[1024], after[1024], path[512];
	struct stat st;
	size_t i;
	int status;
	bool prune = size && (data[0] & 0x80);

	if (!root[0]) {
		const char *tmp = getenv("TMPDIR");

		if (!tmp || !*tmp || strlen(tmp) > 200)
			tmp = "/tmp";
		snprintf(root, sizeof(root), "%s/gwc-fuzz-out.XXXXXX", tmp);
		if (!mkdtemp(root))
			abort();
		atexit(cleanup);
	}
	snprintf(out, sizeof(out), "%s/out", root);
	rm_rf(out);
	if (mkdir(out, 0755))
		abort();
	/* an OUT that an earlier build made: its marker at the top */
	snprintf(path, sizeof(path), "%s/" GW_MARKER, out);
	close(open(path, O_WRONLY | O_CREAT, 0644));
	for (i = 0; i < NSPOTS && i < size; i++)
		plant(out, spots[i], data[i]);
	survey(out, before, sizeof(before));

	status = build(out, true, prune);		/* --check first */
	CHECK(status == 0 || status == 1 || status == 2);
	survey(out, after, sizeof(after));
	CHECK(!strcmp(before, after));			/* it wrote nothing */

	status = build(out, false, prune);
	CHECK(status == 0 || status == 2);
	survey(out, after, sizeof(after));
	if (status != 0) {
		CHECK(!strcmp(before, after));
		return 0;
	}
	snprintf(path, sizeof(path), "%s/ns/gw/gateway-service.yaml", out);
	CHECK(!lstat(path, &st) && S_ISREG(st.st_mode));
	snprintf(path, sizeof(path), "%s/ns/gw/" GW_MARKER, out);
	CHECK(!lstat(path, &st) && S_ISREG(st.st_mode));
	CHECK(build(out, true, false) == 0);
	return 0;
}
