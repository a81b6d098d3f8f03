/*
 * test_write.c - gw_write_tree() in a mkdtemp folder: the tree it makes
 * (markers, modes whatever the umask), leaving unchanged folders alone,
 * replacing changed ones whole, the folders it refuses to touch, --prune,
 * and no staging leftovers after success or failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "unit.h"

#define MARKER_TEXT \
	"This folder is made by gwc; `gwc build` replaces it whole.\n" \
	"kind: gateway\n"

static char base[64];		/* the mkdtemp folder of the current test */
static char out[128];		/* base/out */
static mode_t saved_umask;

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "/tmp/gwc-test-write-XXXXXX");
	if (!mkdtemp(base))
		return -1;
	snprintf(out, sizeof(out), "%s/out", base);
	saved_umask = umask(077);
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		chmod(path, 0700);
	return remove(path);
}

static int teardown(void **state)
{
	(void)state;
	umask(saved_umask);
	return nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- helpers ------------------------------------------------------------- */

/* A file set from "path", "content" pairs, sorted as the renderer sorts. */
static void set_of(struct gw_fileset *set, const char *const *pairs)
{
	memset(set, 0, sizeof(*set));
	for (; pairs[0]; pairs += 2) {
		char *data = strdup(pairs[1]);

		assert_non_null(data);
		gw_fileset_add(set, pairs[0], data, strlen(data));
	}
	gw_fileset_sort(set);
}

static char *path_in(const char *dir, const char *rel)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	return p;
}

/* The listing nftw() collects: one line per entry. */
static struct {
	char **lines;
	size_t n, cap;
	size_t root_len;
	bool times, inodes;
} walk;

static int collect(const char *path, const struct stat *st, int type,
		   struct FTW *ftw)
{
	struct gw_buf line = { 0 };
	const char *rel = path + walk.root_len;

	(void)ftw;
	gw_buf_printf(&line, "%s %04o", *rel ? rel + 1 : ".",
		      (unsigned)(st->st_mode & 07777));
	if (walk.times)
		gw_buf_printf(&line, " t=%lld.%09ld", (long long)st->st_mtim.tv_sec,
			      st->st_mtim.tv_nsec);
	if (walk.inodes)
		gw_buf_printf(&line, " i=%llu", (unsigned long long)st->st_ino);
	if (type == FTW_F) {
		size_t len;
		char *data = unit_read_file(path, &len);

		assert_non_null(data);
		gw_buf_puts(&line, " = ");
		if (!strcmp(data, MARKER_TEXT))
			gw_buf_puts(&line, "<marker>");
		else
			gw_diag_quote(&line, data, len);
		free(data);
	} else if (type == FTW_SL) {
		gw_buf_puts(&line, " -> link");
	} else {
		gw_buf_puts(&line, "/");
	}
	if (walk.n == walk.cap) {
		walk.cap = walk.cap ? walk.cap * 2 : 64;
		walk.lines = realloc(walk.lines, walk.cap * sizeof(*walk.lines));
		assert_non_null(walk.lines);
	}
	walk.lines[walk.n++] = line.data;
	return 0;
}

static int compare_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every entry under @dir, sorted: "rel mode [t=mtime] [i=inode] = data". */
static char *listing_of(const char *dir, bool times, bool inodes)
{
	struct gw_buf all = { 0 };
	size_t i;

	memset(&walk, 0, sizeof(walk));
	walk.root_len = strlen(dir);
	walk.times = times;
	walk.inodes = inodes;
	gw_buf_add(&all, "", 0);
	if (nftw(dir, collect, 16, FTW_PHYS)) {
		gw_buf_puts(&all, "(absent)\n");
		return all.data;
	}
	qsort(walk.lines, walk.n, sizeof(*walk.lines), compare_lines);
	for (i = 0; i < walk.n; i++) {
		gw_buf_puts(&all, walk.lines[i]);
		gw_buf_puts(&all, "\n");
		free(walk.lines[i]);
	}
	free(walk.lines);
	return all.data;
}

static char *listing(void)
{
	return listing_of(out, false, false);
}

/* Runs gw_write_tree(); returns its stderr; sets *@ret. */
static char *write_tree(const char *dir, const char *const *pairs, bool prune,
			int *ret)
{
	struct gw_fileset set;
	struct unit_stderr cap;

	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;

	set_of(&set, pairs);
	gw_diag_init(&diag, arena);
	unit_stderr_begin(&cap);
	*ret = gw_write_tree(dir, &set, prune, 0, &diag);
	gw_diag_print(&diag, stderr);
	gw_diag_release(&diag);
	gw_arena_free(arena);
	gw_fileset_release(&set);
	return unit_stderr_end(&cap);
}

/* Writes and expects success with nothing on stderr. */
static void write_ok(const char *const *pairs, bool prune)
{
	int ret;
	char *err = write_tree(out, pairs, prune, &ret);

	assert_string_equal(err, "");
	assert_int_equal(ret, 0);
	free(err);
}

/* Writes to @dir, expects failure with exactly @want on stderr. */
static void write_fails(const char *dir, const char *const *pairs,
			const char *want)
{
	int ret;
	char *err = write_tree(dir, pairs, false, &ret);

	assert_string_equal(err, want);
	assert_int_equal(ret, -1);
	free(err);
}

static void assert_listing(const char *want)
{
	char *got = listing();

	assert_string_equal(got, want);
	free(got);
}

/* No ".<name>.gwc-<pid>-<n>" staging folder anywhere under @dir. */
static void assert_no_stage_leftovers(const char *dir)
{
	char *all = listing_of(dir, false, false), *line, *save = NULL;

	for (line = strtok_r(all, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, ".gwc-") && !strstr(line, "/.gwc-output "))
			fail_msg("staging leftover: %s", line);
	free(all);
}

/* mkdir with mode 0755 whatever the umask. */
static void mkdir_755(const char *path)
{
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

static void make_dir(const char *rel)
{
	char *p = path_in(out, rel);

	mkdir_755(p);
	free(p);
}

static void make_file(const char *rel, const char *data)
{
	char *p = path_in(out, rel);
	FILE *fp = fopen(p, "w");

	assert_non_null(fp);
	fputs(data, fp);
	fclose(fp);
	assert_int_equal(chmod(p, 0644), 0);
	free(p);
}

static const char *const first[] = {
	"ns1/gw1/gateway-service.yaml", "kind: Service\n",
	"ns1/gw1/kustomization.yaml", "resources: []\n",
	"istio/default/gateway-injection-template.txt", "template\r\n",
	NULL,
};

static const char first_listing[] =
	". 0755/\n"
	"istio 0755/\n"
	"istio/default 0755/\n"
	"istio/default/.gwc-output 0644 = <marker>\n"
	"istio/default/gateway-injection-template.txt 0644 = \"template\\r\\n\"\n"
	"ns1 0755/\n"
	"ns1/gw1 0755/\n"
	"ns1/gw1/.gwc-output 0644 = <marker>\n"
	"ns1/gw1/gateway-service.yaml 0644 = \"kind: Service\\n\"\n"
	"ns1/gw1/kustomization.yaml 0644 = \"resources: []\\n\"\n";

/* ---- creating ------------------------------------------------------------ */

static void test_creates_tree_with_markers_and_modes(void **state)
{
	(void)state;
	/* the umask is 077 (setup): modes must not depend on it */
	write_ok(first, false);
	assert_listing(first_listing);
	assert_no_stage_leftovers(base);
}

static void test_existing_out_folder_is_used(void **state)
{
	(void)state;
	assert_int_equal(mkdir(out, 0700), 0);
	make_file("README", "mine\n");
	write_ok(first, false);
	/* OUT keeps its own mode: it is the user's */
	assert_listing(". 0700/\n"
		       "README 0644 = \"mine\\n\"\n"
		       "istio 0755/\n"
		       "istio/default 0755/\n"
		       "istio/default/.gwc-output 0644 = <marker>\n"
		       "istio/default/gateway-injection-template.txt 0644 = "
		       "\"template\\r\\n\"\n"
		       "ns1 0755/\n"
		       "ns1/gw1 0755/\n"
		       "ns1/gw1/.gwc-output 0644 = <marker>\n"
		       "ns1/gw1/gateway-service.yaml 0644 = \"kind: Service\\n\"\n"
		       "ns1/gw1/kustomization.yaml 0644 = \"resources: []\\n\"\n");
}

/* Sets the mtime of every entry under OUT to a fixed past time. */
static int age_entry(const char *path, const struct stat *st, int type,
		     struct FTW *ftw)
{
	const struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	(void)st;
	(void)type;
	(void)ftw;
	return utimensat(AT_FDCWD, path, old, AT_SYMLINK_NOFOLLOW);
}

static void test_identical_write_changes_nothing(void **state)
{
	char *before, *after;

	(void)state;
	write_ok(first, false);
	assert_int_equal(nftw(out, age_entry, 16, FTW_PHYS), 0);
	before = listing_of(out, true, true);
	assert_non_null(strstr(before, "t=1000000000.000000000"));
	write_ok(first, false);
	after = listing_of(out, true, true);
	assert_string_equal(after, before);
	free(before);
	free(after);
}

static void test_changed_write_replaces_the_folder(void **state)
{
	static const char *const changed[] = {
		"ns1/gw1/gateway-service.yaml", "kind: Service\nspec: {}\n",
		"ns1/gw1/gateway-hpa.yaml", "kind: HorizontalPodAutoscaler\n",
		NULL,
	};
	struct stat st_before, st_after, st_istio_before, st_istio_after;
	char *gw1 = path_in(out, "ns1/gw1");
	char *istio = path_in(out, "istio/default");

	(void)state;
	write_ok(first, false);
	assert_int_equal(stat(gw1, &st_before), 0);
	assert_int_equal(stat(istio, &st_istio_before), 0);
	write_ok(changed, false);
	assert_int_equal(stat(gw1, &st_after), 0);
	assert_int_equal(stat(istio, &st_istio_after), 0);
	/* a new folder in place of the old; other folders left alone */
	assert_true(st_before.st_ino != st_after.st_ino);
	assert_true(st_istio_before.st_ino == st_istio_after.st_ino);
	assert_listing(". 0755/\n"
		       "istio 0755/\n"
		       "istio/default 0755/\n"
		       "istio/default/.gwc-output 0644 = <marker>\n"
		       "istio/default/gateway-injection-template.txt 0644 = "
		       "\"template\\r\\n\"\n"
		       "ns1 0755/\n"
		       "ns1/gw1 0755/\n"
		       "ns1/gw1/.gwc-output 0644 = <marker>\n"
		       "ns1/gw1/gateway-hpa.yaml 0644 = \"kind: "
		       "HorizontalPodAutoscaler\\n\"\n"
		       "ns1/gw1/gateway-service.yaml 0644 = \"kind: Service\\n"
		       "spec: {}\\n\"\n");
	assert_no_stage_leftovers(base);
	free(gw1);
	free(istio);
}

static void test_tampered_folder_is_rewritten(void **state)
{
	char *svc = path_in(out, "ns1/gw1/gateway-service.yaml");

	(void)state;
	write_ok(first, false);
	/* a changed mode, a stray file, a changed byte: each is repaired */
	assert_int_equal(chmod(svc, 0600), 0);
	write_ok(first, false);
	assert_listing(first_listing);

	make_file("ns1/gw1/notes.txt", "x");
	write_ok(first, false);
	assert_listing(first_listing);

	make_file("ns1/gw1/gateway-service.yaml", "kind: Servicf\n");
	write_ok(first, false);
	assert_listing(first_listing);

	assert_int_equal(unlink(svc), 0);
	write_ok(first, false);
	assert_listing(first_listing);
	free(svc);
}

/* ---- refusals ------------------------------------------------------------ */

static void test_refuses_folder_without_marker(void **state)
{
	static const char *const set[] = {
		"a/new/x.yaml", "x\n",
		"ns1/gw1/y.yaml", "y\n",
		NULL,
	};
	char *want, *before;

	(void)state;
	mkdir_755(out);
	make_dir("ns1");
	make_dir("ns1/gw1");
	make_file("ns1/gw1/precious.txt", "do not delete\n");
	before = listing();
	assert_true(asprintf(&want, "gwc: error: refusing to replace "
			     "'%s/ns1/gw1': gwc did not make it (no "
			     ".gwc-output file in it)\n", out) > 0);
	write_fails(out, set, want);
	/* nothing made, not even the folder for a/new that sorts first */
	assert_listing(before);
	free(want);
	free(before);
}

static void test_refuses_symlink_out(void **state)
{
	char *link = path_in(base, "link"), *real = path_in(base, "real");
	char *want, *before;

	(void)state;
	mkdir_755(real);
	assert_int_equal(symlink("real", link), 0);
	before = listing_of(base, false, false);
	assert_true(asprintf(&want, "gwc: error: refusing to write into '%s': "
			     "it is a symbolic link\n", link) > 0);
	write_fails(link, first, want);
	free(want);
	/* a dangling one too */
	assert_int_equal(unlink(link), 0);
	assert_int_equal(symlink("nowhere", link), 0);
	free(before);
	before = listing_of(base, false, false);
	assert_true(asprintf(&want, "gwc: error: refusing to write into '%s': "
			     "it is a symbolic link\n", link) > 0);
	write_fails(link, first, want);
	{
		char *after = listing_of(base, false, false);

		assert_string_equal(after, before);
		free(after);
	}
	free(want);
	free(before);
	free(link);
	free(real);
}

static void test_refuses_out_being_a_file(void **state)
{
	char *want;
	FILE *fp = fopen(out, "w");

	(void)state;
	assert_non_null(fp);
	fputs("keep\n", fp);
	fclose(fp);
	assert_true(asprintf(&want, "gwc: error: refusing to write into '%s': "
			     "it is not a folder\n", out) > 0);
	write_fails(out, first, want);
	assert_listing(". 0600 = \"keep\\n\"\n");
	free(want);
}

static void test_refuses_links_and_files_inside_out(void **state)
{
	static const char *const set[] = { "ns1/gw1/x.yaml", "x\n", NULL };
	char *want, *target = path_in(base, "elsewhere");
	char *gw1, *ns1;

	(void)state;
	mkdir_755(out);
	mkdir_755(target);
	make_dir("ns1");
	gw1 = path_in(out, "ns1/gw1");
	ns1 = path_in(out, "ns1");

	/* OUT/<ns>/<name> a symlink to a folder */
	assert_int_equal(symlink(target, gw1), 0);
	assert_true(asprintf(&want, "gwc: error: refusing to replace "
			     "'%s/ns1/gw1': not a folder\n", out) > 0);
	write_fails(out, set, want);
	free(want);
	assert_int_equal(unlink(gw1), 0);

	/* OUT/<ns>/<name> a file */
	make_file("ns1/gw1", "file\n");
	assert_true(asprintf(&want, "gwc: error: refusing to replace "
			     "'%s/ns1/gw1': not a folder\n", out) > 0);
	write_fails(out, set, want);
	free(want);
	assert_int_equal(unlink(gw1), 0);
	assert_int_equal(rmdir(ns1), 0);

	/* OUT/<ns> a symlink to a folder, or a dangling one */
	assert_int_equal(symlink(target, ns1), 0);
	assert_true(asprintf(&want, "gwc: error: refusing to write into "
			     "'%s/ns1': it is a symbolic link\n", out) > 0);
	write_fails(out, set, want);
	assert_int_equal(unlink(ns1), 0);
	assert_int_equal(symlink("nowhere", ns1), 0);
	write_fails(out, set, want);
	free(want);
	assert_listing(". 0755/\nns1 0777 -> link\n");
	assert_int_equal(unlink(ns1), 0);

	/* OUT/<ns> a file */
	make_file("ns1", "file\n");
	assert_true(asprintf(&want, "gwc: error: refusing to write into "
			     "'%s/ns1': it is not a folder\n", out) > 0);
	write_fails(out, set, want);
	free(want);
	assert_listing(". 0755/\nns1 0644 = \"file\\n\"\n");
	{
		char *t = listing_of(target, false, false);

		assert_string_equal(t, ". 0755/\n");
		free(t);
	}
	free(gw1);
	free(ns1);
	free(target);
}

static void test_refuses_bad_output_paths(void **state)
{
	static const char *const shallow[] = { "a/b", "x", NULL };
	static const char *const deep[] = { "a/b/c/d", "x", NULL };

	(void)state;
	write_fails(out, shallow,
		    "gwc: internal error: bad output path 'a/b'\n");
	write_fails(out, deep,
		    "gwc: internal error: bad output path 'a/b/c/d'\n");
	assert_listing("(absent)\n");
}

/* ---- --prune ------------------------------------------------------------- */

static void test_prune_removes_only_marked_folders(void **state)
{
	static const char *const all[] = {
		"a/x/f.yaml", "x\n",
		"a/y/f.yaml", "y\n",
		"b/z/f.yaml", "z\n",
		NULL,
	};
	static const char *const only_x[] = { "a/x/f.yaml", "x\n", NULL };

	(void)state;
	write_ok(all, false);
	make_dir("a/mine");
	make_file("a/mine/keep.txt", "k\n");
	make_dir("empty");
	make_file("README", "r\n");

	/* without --prune, nothing goes */
	write_ok(only_x, false);
	assert_listing(". 0755/\n"
		       "README 0644 = \"r\\n\"\n"
		       "a 0755/\n"
		       "a/mine 0755/\n"
		       "a/mine/keep.txt 0644 = \"k\\n\"\n"
		       "a/x 0755/\n"
		       "a/x/.gwc-output 0644 = <marker>\n"
		       "a/x/f.yaml 0644 = \"x\\n\"\n"
		       "a/y 0755/\n"
		       "a/y/.gwc-output 0644 = <marker>\n"
		       "a/y/f.yaml 0644 = \"y\\n\"\n"
		       "b 0755/\n"
		       "b/z 0755/\n"
		       "b/z/.gwc-output 0644 = <marker>\n"
		       "b/z/f.yaml 0644 = \"z\\n\"\n"
		       "empty 0755/\n");

	{	/* --prune names each folder it removes, in order */
		int ret;
		char *err = write_tree(out, only_x, true, &ret), *want;

		assert_int_equal(ret, 0);
		assert_true(asprintf(&want, "gwc: note: --prune: removed %s/a/y, "
				     "which gwc made and no spec of this run "
				     "writes\ngwc: note: --prune: removed "
				     "%s/b/z, which gwc made and no spec of "
				     "this run writes\n", out, out) > 0);
		assert_string_equal(err, want);
		free(want);
		free(err);
	}
	assert_listing(". 0755/\n"
		       "README 0644 = \"r\\n\"\n"
		       "a 0755/\n"
		       "a/mine 0755/\n"
		       "a/mine/keep.txt 0644 = \"k\\n\"\n"
		       "a/x 0755/\n"
		       "a/x/.gwc-output 0644 = <marker>\n"
		       "a/x/f.yaml 0644 = \"x\\n\"\n"
		       "empty 0755/\n");
	assert_no_stage_leftovers(base);
}

/* ---- staging leftovers --------------------------------------------------- */

static void test_no_leftovers_after_a_failed_write(void **state)
{
	char long_name[300];
	char *path, *want, *before;
	const char *set[] = {
		"a/new/x.yaml", "x\n",
		"ns1/gw1/gateway-service.yaml", "changed\n",
		NULL, "z\n",
		NULL,
	};

	(void)state;
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_true(asprintf(&path, "zz/gw/%s", long_name) > 0);
	set[4] = path;

	/* into a missing OUT: it must stay missing */
	assert_true(asprintf(&want, "gwc: error: cannot create '%s/zz/gw/%s': "
			     "File name too long\n", out, long_name) > 0);
	write_fails(out, set, want);
	assert_listing("(absent)\n");
	assert_no_stage_leftovers(base);

	/* into an existing tree: it must stay as it was */
	write_ok(first, false);
	before = listing_of(out, false, true);
	write_fails(out, set, want);
	{
		char *after = listing_of(out, false, true);

		assert_string_equal(after, before);
		free(after);
	}
	assert_no_stage_leftovers(base);
	free(before);
	free(want);
	free(path);
}

static void test_stale_stages_are_removed(void **state)
{
	(void)state;
	write_ok(first, false);
	/* what a crashed run leaves, and names that only look alike */
	make_dir("ns1/.gw1.gwc-4242-0");
	make_file("ns1/.gw1.gwc-4242-0/x.yaml", "x\n");
	make_dir("ns1/.other.gwc-1-17");
	make_file("ns1/.gwc-notes", "mine\n");
	make_file("ns1/.a.gwc-x", "mine\n");
	write_ok(first, false);
	assert_listing(". 0755/\n"
		       "istio 0755/\n"
		       "istio/default 0755/\n"
		       "istio/default/.gwc-output 0644 = <marker>\n"
		       "istio/default/gateway-injection-template.txt 0644 = "
		       "\"template\\r\\n\"\n"
		       "ns1 0755/\n"
		       "ns1/.a.gwc-x 0644 = \"mine\\n\"\n"
		       "ns1/.gwc-notes 0644 = \"mine\\n\"\n"
		       "ns1/gw1 0755/\n"
		       "ns1/gw1/.gwc-output 0644 = <marker>\n"
		       "ns1/gw1/gateway-service.yaml 0644 = \"kind: Service\\n\"\n"
		       "ns1/gw1/kustomization.yaml 0644 = \"resources: []\\n\"\n");
}

static void test_empty_set(void **state)
{
	static const char *const none[] = { NULL };

	(void)state;
	write_ok(none, false);
	assert_listing(". 0755/\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_creates_tree_with_markers_and_modes),
		T(test_existing_out_folder_is_used),
		T(test_identical_write_changes_nothing),
		T(test_changed_write_replaces_the_folder),
		T(test_tampered_folder_is_rewritten),
		T(test_refuses_folder_without_marker),
		T(test_refuses_symlink_out),
		T(test_refuses_out_being_a_file),
		T(test_refuses_links_and_files_inside_out),
		T(test_refuses_bad_output_paths),
		T(test_prune_removes_only_marked_folders),
		T(test_no_leftovers_after_a_failed_write),
		T(test_stale_stages_are_removed),
		T(test_empty_set),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
