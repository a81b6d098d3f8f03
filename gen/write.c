/*
 * write.c - the last stage: a rendered file set -> the output folder,
 * atomically.
 *
 * Consumes a struct gw_fileset whose paths are "<a>/<b>/<file>"; each
 * "<a>/<b>" is one folder (a gateway, or istio/<name> for a control plane).
 * Produces, under OUT, every such folder complete and nothing half-written:
 *
 *   1. lock OUT (flock on the folder itself) against concurrent runs;
 *   2. look at every folder first, creating nothing: refuse a folder that
 *      gwc did not make (no GW_MARKER in it) or a non-folder, and note the
 *      folders that are already exactly right;
 *   3. stage every changed folder as OUT/<a>/.<b>.gwc-<run>-<n> (<run>
 *      random, this run's own: see is_stale_stage_name), written
 *      with O_EXCL|O_NOFOLLOW and explicit modes (0644 files, 0755
 *      scripts and folders, whatever the umask: the writer sets the umask
 *      to 0 for its life, rather than an fchmod per file);
 *   4. only when every folder is staged, swap each in with
 *      renameat2(RENAME_EXCHANGE) (or RENAME_NOREPLACE for a new one) and
 *      remove the old tree without following links.
 *
 * Nothing is flushed to the disk unless the caller asks (GW_WRITE_FSYNC,
 * `--fsync`; README "Durability"): a reader sees each folder old or new,
 * whether the run ends, fails or is killed, because the kernel's page
 * cache serves every reader; only a crash of the machine itself can lose
 * what was not yet on the disk, and the output is made again by running
 * the build again.  With the flag, the files and folders this run made
 * are flushed, and nothing else: syncfs() would wait for every other
 * process's unwritten data on the file system too (issue 16: 1.3 s for
 * one gateway behind 1.5 GB of a dd).  Writeback of each file starts as
 * it is written (sync_file_range), so that the fsync() of every staged
 * file and folder before the swaps finds its data on its way, as one
 * batch; after the swaps, each parent folder is flushed once.
 *
 * A failure before step 4 removes every staging folder and every folder
 * (OUT included) that the run created, so OUT is exactly as it was.
 * A folder whose files are already exactly right is left untouched, so
 * Make sees no new mtime.  A symlink in place of OUT or of a folder, or
 * OUT being a file, are refused too.  The caller holds off SIGINT,
 * SIGTERM and SIGHUP (a process's signal mask is its main's business, see
 * main.c): one pending at step 4 makes the run back out, so OUT is the
 * old tree, and one that arrives after it acts when the caller lets it,
 * on the new one.  A crash mid-swap leaves each folder old or new; its
 * staging leftovers are removed by the next run that holds the lock (and
 * reported by --check, which takes the lock shared).  Out of memory
 * (gw_oom, which ends the process) backs out as a failure does, through
 * the hook on_oom and the list of what the run made (struct made).  Every message goes to
 * a struct gw_diag; the writer prints nothing.
 */
#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gwc.h"

/* The marker says what the folder holds: a gateway's folder never
 * replaces a control plane's, nor the reverse (see plan_folder).  Older
 * versions wrote the first line alone (or nothing): a folder of unknown
 * kind, judged by its files. */
#define MARKER_HEAD "This folder is made by gwc; `gwc build` replaces it whole.\n"
#define MARKER_MAX 4096	/* bytes of a marker read */

enum kind { KIND_UNKNOWN, KIND_GATEWAY, KIND_CONTROL_PLANE };

static const char *const kind_names[] = {
	[KIND_UNKNOWN] = "unknown",
	[KIND_GATEWAY] = "gateway",
	[KIND_CONTROL_PLANE] = "control-plane",
};

static const char *const marker_texts[] = {
	[KIND_UNKNOWN] = MARKER_HEAD,
	[KIND_GATEWAY] = MARKER_HEAD "kind: gateway\n",
	[KIND_CONTROL_PLANE] = MARKER_HEAD "kind: control-plane\n",
};
#define STAGE_TAG ".gwc-"
/*
 * OUT/.gwc-staging exists while a run has staging folders: made (under
 * the lock) before the first one, removed once the run has published or
 * backed out.  So a run that finds it knows a run died mid-staging and
 * looks in every folder of OUT for its leftovers; one that does not find
 * it looks nowhere (a walk over every folder of OUT was a third of a
 * rebuild's system calls).  Leftovers of a gwc from before this file
 * are looked for while OUT has no cache (gen/cache.c) either.
 */
#define STAGING_MARK ".gwc-staging"
#define CACHE_PATH ".gwc-cache/sources"

struct folder {
	char *parent;		/* "<a>", malloc'ed with the name after it */
	char *name;		/* "<b>" */
	const struct gw_file *files;	/* a run of the sorted set */
	size_t n;
	char *stage;		/* staging folder name in parent, or NULL
				 * (in the made list) */
	bool exists, unchanged;
	bool published;		/* swapped in by this run */
	bool kept;		/* right already, as OUT's cache shows */
	bool parent_created;	/* this run made OUT/<parent> */
	enum kind kind;		/* what the set puts there */
	uint64_t written_from, written_to;	/* its files' stats in the
				 * writer's record (gw_writer_written) */
};

/*
 * What the run has made on disk, for the out-of-memory hook (on_oom):
 * one entry per staged folder, pushed onto a list before the folder is
 * made and never freed before the writer, so that gw_oom, which ends
 * the process from any thread with any lock held, can undo the run
 * without allocating.  The entry is the block of the folder's names
 * (split_path), so a folder costs one allocation.  Fields are read and
 * set with atomics.
 */
struct made {
	struct made *next;
	bool parent_created, staged;
	char *stage;		/* in names, after the name's NUL */
	char names[];		/* "<parent>\0<name>\0<stage>\0", sized */
};

/* The block a folder's names are in (split_path): one allocation per
 * folder, linked into the made list when it is staged, freed with the
 * folders (free_folders). */
static struct made *made_of(const char *parent)
{
	return (struct made *)(void *)(parent - offsetof(struct made, names));
}

struct writer {
	const char *outdir;	/* OUT as given, for messages */
	char *path;		/* OUT without trailing slashes, to open */
	int out;		/* OUT, locked */
	bool out_created;	/* this run made OUT */
	size_t ancestors;	/* ...and the last this many folders above
				 * it (-o a/b without a: a) */
	struct folder *folders;
	size_t nfolders, cap;
	unsigned counter;
	char token[17];		/* this run's, in its staging folder names */
	mode_t old_umask;	/* the process's, back when the writer ends */
	bool fsync;		/* GW_WRITE_FSYNC */
	pthread_mutex_t lock;	/* folders, counter: stage() runs in threads */
	struct gw_diag *diag;	/* where messages go; the writer's own
				 * (own, in own_arena) once it is open */
	struct gw_diag own;
	struct gw_arena *own_arena;
	pthread_mutex_t diag_lock;	/* stage() reports from threads */
	bool failed;
	struct made *made;	/* the list, newest first */
	/* gw_writer_on_commit */
	void (*on_commit)(void *arg, int out, struct gw_writer *w);
	void *on_commit_arg;
	/* gw_writer_record: each staged file's stat as written, a group per
	 * folder, in an unnamed file (gen/spill.c), for OUT's cache */
	bool record;
	struct gw_spill *written;
	pthread_mutex_t written_lock;
	bool dead_run;		/* a run died staging: STAGING_MARK found */
	bool walk_stages;	/* ...or OUT has no cache: look for leftovers */
	int journal;		/* STAGING_MARK made by this run (atomic) */
	int oom_slot;		/* on_oom's, or -1 */
	/* held shared around each mkdirat/O_CREAT of staging; on_oom takes
	 * it exclusive, so nothing is made once it has begun to undo */
	pthread_rwlock_t making;
};

/* Reports @fmt as a message of the run (no file: "gwc: error: ..."). */
static void say(struct writer *w, enum gw_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct writer *w, enum gw_severity sev, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&w->diag_lock);
	va_start(ap, fmt);
	gw_diag_vadd(w->diag, sev, (struct gw_mark){ 0 }, fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&w->diag_lock);
}

/* Reports "WHAT 'PATH': strerror(err)"; returns -1. */
static int fail(struct writer *w, const char *what, int err,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(struct writer *w, const char *what, int err,
		const char *fmt, ...)
{
	va_list ap;
	char *path;

	va_start(ap, fmt);
	if (vasprintf(&path, fmt, ap) < 0)
		gw_oom();
	va_end(ap);
	say(w, GW_SEV_ERROR, "%s '%s': %s", what, path, strerror(err));
	free(path);
	return -1;
}

/* ---- reading what OUT holds -------------------------------------------- */

/* What a non-regular entry is, for a message: "a FIFO", ... */
static const char *type_name(mode_t mode)
{
	return S_ISFIFO(mode) ? "a FIFO" : S_ISSOCK(mode) ? "a socket" :
	       S_ISCHR(mode) ? "a character device" :
	       S_ISBLK(mode) ? "a block device" : S_ISDIR(mode) ? "a folder" :
	       S_ISLNK(mode) ? "a symbolic link" : "not a regular file";
}

/*
 * Opens @name in @dirfd for reading if it is a regular file; fills @st.
 * Nothing else in OUT is ever opened: not a FIFO (open would block for a
 * writer), a device or a link.  The open is O_NONBLOCK anyway, and the
 * type checked again on the descriptor, for an entry replaced between
 * the two.  Returns the descriptor, or -1: with *@what NULL and errno set
 * when there is no such entry or it cannot be opened, with *@what naming
 * the type ("a FIFO") when it is not a regular file.
 */
static int open_regular(int dirfd, const char *name, struct stat *st,
			const char **what)
{
	int fd;

	*what = NULL;
	if (fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW))
		return -1;
	if (!S_ISREG(st->st_mode)) {
		*what = type_name(st->st_mode);
		return -1;
	}
	fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0 && (errno == ELOOP || errno == ENXIO))
		*what = errno == ELOOP ? "a symbolic link" : "a socket";
	if (fd < 0)
		return -1;
	if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
		*what = type_name(st->st_mode);
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads at most @max bytes of @fd into @buf; the number read, or -1. */
static ssize_t read_upto(int fd, char *buf, size_t max)
{
	size_t got = 0;

	while (got < max) {
		ssize_t n = read(fd, buf + got, max - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* ---- removing trees ---------------------------------------------------- */

static int remove_tree_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);
	DIR *dir;
	struct dirent *e;
	int err = 0;

	if (fd < 0)
		return unlinkat(dirfd, name, 0);
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -1;
	}
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(fd, e->d_name, 0) && (errno == EISDIR ||
						   errno == EPERM))
			err |= remove_tree_at(fd, e->d_name);
	}
	closedir(dir);
	return unlinkat(dirfd, name, AT_REMOVEDIR) || err ? -1 : 0;
}

/*
 * True for the name of a staging folder that no live run is writing:
 * ".<name>.gwc-<run>-<n>" (<run> 16 hex digits, or a PID as older gwc
 * versions wrote) whose <run> is not @token (NULL: any).  PIDs are not
 * trusted: in a PID namespace every run has the same one.  What makes
 * the name stale is the lock: a run stages only while it holds OUT's
 * lock, so when this run holds it, every staging folder but its own
 * belongs to a run that died (SIGKILL, a crash, a power cut).
 */
static bool is_stale_stage_name(const char *s, const char *token)
{
	const char *tag = strstr(s, STAGE_TAG);
	size_t run = 0, n = 0;
	bool hex = false;

	if (s[0] != '.' || !tag || tag == s)
		return false;
	tag += strlen(STAGE_TAG);
	if (token && !strncmp(tag, token, strlen(token)) &&
	    tag[strlen(token)] == '-')
		return false;
	for (; *tag && *tag != '-'; tag++, run++)
		if (*tag >= 'a' && *tag <= 'f')
			hex = true;
		else if (*tag < '0' || *tag > '9')
			return false;
	if (*tag != '-' || !run || (hex && run != 16))
		return false;
	for (tag++; *tag >= '0' && *tag <= '9'; tag++)
		n++;
	return !*tag && n;
}

/* Calls @fn(@arg, name) for each stale staging folder in @dirfd. */
static void each_stale_stage(int dirfd, const char *token,
			     void (*fn)(void *, int, const char *), void *arg)
{
	DIR *dir;
	struct dirent *e;
	int fd = dup(dirfd);

	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	rewinddir(dir);		/* the offset is shared with @dirfd's */
	while ((e = readdir(dir)))
		if (is_stale_stage_name(e->d_name, token))
			fn(arg, dirfd, e->d_name);
	closedir(dir);
}

static void remove_stage(void *arg, int dirfd, const char *name)
{
	(void)arg;
	remove_tree_at(dirfd, name);
}

/* Removes staging folders that a run which died left in @dirfd. */
static void remove_stale_stages(int dirfd, const char *token)
{
	each_stale_stage(dirfd, token, remove_stage, NULL);
}

/* A name no other run has, for this run's staging folders. */
static void make_token(char token[17])
{
	unsigned long long r;
	struct timespec ts;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		r = (unsigned long long)ts.tv_sec * 1000000007ull ^
		    (unsigned long long)ts.tv_nsec ^
		    (unsigned long long)getpid() << 40;
	}
	snprintf(token, 17, "%016llx", r);
}

/* ---- out of memory ------------------------------------------------------ */

/* Removes @name in @dirfd and what it holds (folders @depth deep at
 * most), allocating nothing: getdents64 into a buffer on the stack. */
static void remove_raw(int dirfd, const char *name, int depth)
{
	char buf[4096];
	ssize_t n;
	int fd, pass, removed;

	if (!unlinkat(dirfd, name, 0) || errno == ENOENT)
		return;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0)
		return;
	/* removing entries while reading may skip some: read again */
	for (pass = 0, removed = 1; removed && pass < 4; pass++) {
		removed = 0;
		lseek(fd, 0, SEEK_SET);
		while ((n = getdents64(fd, buf, sizeof(buf))) > 0) {
			ssize_t at = 0;

			while (at < n) {
				struct dirent64 *e = (struct dirent64 *)
						     (void *)(buf + at);

				at += e->d_reclen;
				if (!strcmp(e->d_name, ".") ||
				    !strcmp(e->d_name, ".."))
					continue;
				if (!unlinkat(fd, e->d_name, 0))
					removed = 1;
				else if (errno == EISDIR && depth > 0) {
					remove_raw(fd, e->d_name, depth - 1);
					removed = 1;
				}
			}
		}
	}
	close(fd);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

static void remove_made_out(struct writer *w);

/*
 * gw_oom's hook: backs the run out as a failure does, from what the
 * made-list says (stages, then the folders the run made, then OUT),
 * with no allocation.  Taking the making lock exclusive first waits for
 * the mkdirat or O_CREAT in flight in other threads and blocks any
 * after it (they wait until the process ends).  Safe because the lock
 * is held shared around those calls alone, never while allocating.
 */
static void on_oom(void *arg)
{
	struct writer *w = arg;
	struct made *m;

	pthread_rwlock_wrlock(&w->making);
	for (m = __atomic_load_n(&w->made, __ATOMIC_ACQUIRE); m && w->out >= 0;
	     m = m->next) {
		int parent;

		if (!__atomic_load_n(&m->staged, __ATOMIC_ACQUIRE))
			continue;
		parent = openat(w->out, m->names, O_RDONLY | O_DIRECTORY |
				O_NOFOLLOW | O_CLOEXEC);
		if (parent >= 0) {
			remove_raw(parent, m->stage, 8);
			close(parent);
		}
	}
	for (m = __atomic_load_n(&w->made, __ATOMIC_ACQUIRE); m && w->out >= 0;
	     m = m->next)
		if (__atomic_load_n(&m->parent_created, __ATOMIC_ACQUIRE))
			unlinkat(w->out, m->names, AT_REMOVEDIR);
	/* the stages are gone: no dead run to look for */
	if (w->out >= 0 && __atomic_load_n(&w->journal, __ATOMIC_ACQUIRE) &&
	    !w->dead_run)
		unlinkat(w->out, STAGING_MARK, 0);
	remove_made_out(w);	/* allocates nothing */
}

/* ---- comparing --------------------------------------------------------- */

static bool file_equals(int dirfd, const char *name, const char *data,
			size_t len, unsigned mode)
{
	struct stat st;
	const char *what;
	int fd = open_regular(dirfd, name, &st, &what);
	char buf[65536];
	size_t off = 0;
	bool same = false;

	if (fd < 0)
		return false;
	if ((size_t)st.st_size != len || (st.st_mode & 07777) != mode)
		goto out;
	/* the size is right: read just that (no read for the end of file) */
	while (off < len) {
		size_t want = len - off < sizeof(buf) ? len - off : sizeof(buf);
		ssize_t n = read(fd, buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || memcmp(buf, data + off, (size_t)n))
			goto out;
		off += (size_t)n;
	}
	same = true;
out:
	close(fd);
	return same;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* True when folder @fd holds exactly the files of @f and the marker. */
static bool folder_equals(int fd, const struct folder *f)
{
	DIR *dir;
	struct dirent *e;
	size_t entries = 0, i;
	int dfd = dup(fd);

	if (dfd < 0)
		return false;
	dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return false;
	}
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			entries++;
	closedir(dir);
	if (entries != f->n + 1 ||
	    !file_equals(fd, GW_MARKER, marker_texts[f->kind],
			 strlen(marker_texts[f->kind]), 0644))
		return false;
	for (i = 0; i < f->n; i++)
		if (!file_equals(fd, base_name(f->files[i].path),
				 f->files[i].data, f->files[i].len,
				 f->files[i].mode))
			return false;
	return true;
}

/* ---- staging ----------------------------------------------------------- */

/* @name's stat as written, appended to @set (a zero st_ino: none). */
static void add_written(struct gw_fileset *set, const char *name,
			const struct stat *st)
{
	struct gw_written *r = gw_malloc(sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->ino = (uint64_t)st->st_ino;
	r->mode = (uint32_t)st->st_mode;
	r->size = (int64_t)st->st_size;
	r->mtime_sec = (int64_t)st->st_mtim.tv_sec;
	r->mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
	r->ctime_sec = (int64_t)st->st_ctim.tv_sec;
	r->ctime_nsec = (uint32_t)st->st_ctim.tv_nsec;
	gw_fileset_add(set, name, (char *)r, sizeof(*r));
}

/* Writes @name in @dirfd; with @record, appends the file's stat as
 * written to it (add_written). */
static int write_file(struct writer *w, int dirfd, const struct folder *f,
		      const char *name, const char *data, size_t len,
		      unsigned mode, struct gw_fileset *record)
{
	struct stat st;

	size_t off = 0;
	int fd;

	pthread_rwlock_rdlock(&w->making);
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, mode);
	pthread_rwlock_unlock(&w->making);
	if (fd < 0)
		return fail(w, "cannot create", errno, "%s/%s/%s/%s", w->outdir,
			    f->parent, f->name, name);
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			close(fd);
			return fail(w, "cannot write", err, "%s/%s/%s/%s",
				    w->outdir, f->parent, f->name, name);
		}
		off += (size_t)n;
	}
	/* --fsync: the data starts for the disk now; flush_stage waits */
	if (w->fsync && len)
		sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	if (record) {
		if (fstat(fd, &st))
			st.st_ino = 0;
		add_written(record, name, &st);
	}
	if (close(fd))
		return fail(w, "cannot write", errno, "%s/%s/%s/%s", w->outdir,
			    f->parent, f->name, name);
	return 0;
}

/* Opens OUT/@parent; with @created, makes it (mode 0755) when missing,
 * noting that in @m too. */
static int open_parent(struct writer *w, const char *parent, bool *created,
		       struct made *m)
{
	int fd, made = -1, err = 0;

	if (created) {
		pthread_rwlock_rdlock(&w->making);
		made = mkdirat(w->out, parent, 0755);
		err = errno;
		if (!made)
			__atomic_store_n(&m->parent_created, true,
					 __ATOMIC_RELEASE);
		pthread_rwlock_unlock(&w->making);
	}
	if (created && !made) {
		*created = true;
	} else if (created && err != EEXIST) {
		return fail(w, "cannot create", err, "%s/%s", w->outdir, parent);
	}
	fd = openat(w->out, parent, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0 && (errno == ENOTDIR || errno == ELOOP)) {
		struct stat st;
		bool link = !fstatat(w->out, parent, &st, AT_SYMLINK_NOFOLLOW) &&
			    S_ISLNK(st.st_mode);

		say(w, GW_SEV_ERROR, "refusing to write into '%s/%s': "
			"it is %s", w->outdir, parent, link ?
			"a symbolic link" : "not a folder");
		errno = EPERM;
	} else if (fd < 0 && (created || errno != ENOENT)) {
		fail(w, "cannot open", errno, "%s/%s", w->outdir, parent);
	}
	return fd;
}

/*
 * Refuses a folder where one of the names gwc writes (the marker
 * included) is not a regular file: a FIFO there would have blocked a
 * rebuild in open(), and the user must have put it there.
 */
static int refuse_irregular(struct writer *w, int fd, const struct folder *f)
{
	struct stat st;
	size_t i;

	for (i = 0; i <= f->n; i++) {
		const char *name = i < f->n ? base_name(f->files[i].path) :
				   GW_MARKER;

		if (!fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) &&
		    !S_ISREG(st.st_mode)) {
			say(w, GW_SEV_ERROR, "refusing to replace '%s/%s/%s': "
				"'%s/%s/%s/%s' is %s, not a regular file",
				w->outdir, f->parent, f->name, w->outdir,
				f->parent, f->name, name,
				type_name(st.st_mode));
			return -1;
		}
	}
	return 0;
}

/* What the gwc folder @fd holds, by its marker, else by its files. */
static enum kind folder_kind(int fd)
{
	struct stat st;
	const char *what;
	char text[MARKER_MAX + 1];
	ssize_t n = -1;
	int marker = open_regular(fd, GW_MARKER, &st, &what);
	enum kind k;

	if (marker >= 0) {
		n = read_upto(marker, text, MARKER_MAX);
		close(marker);
	}
	text[n > 0 ? n : 0] = '\0';
	for (k = KIND_GATEWAY; k <= KIND_CONTROL_PLANE; k++) {
		const char *line = strstr(text, "\nkind: ");

		for (; line; line = strstr(line + 1, "\nkind: "))
			if (!strncmp(line + 7, kind_names[k],
				     strlen(kind_names[k])) &&
			    (line[7 + strlen(kind_names[k])] == '\n' ||
			     !line[7 + strlen(kind_names[k])]))
				return k;
	}
	/* an older marker: a control plane's folder has its patch of the
	 * Istio resource, a gateway's its kustomization */
	if (!fstatat(fd, "istio-patch.json", &st, AT_SYMLINK_NOFOLLOW))
		return KIND_CONTROL_PLANE;
	if (!fstatat(fd, "kustomization.yaml", &st, AT_SYMLINK_NOFOLLOW))
		return KIND_GATEWAY;
	return KIND_UNKNOWN;
}

/*
 * Refuses to replace a gateway's folder with a control plane's or the
 * reverse: a gateway in namespace "istio" named like an Istio resource
 * would otherwise silently replace the control plane an earlier run
 * wrote (one run refuses the clash itself, before writing).
 */
static int refuse_other_kind(struct writer *w, int fd, const struct folder *f)
{
	enum kind held = folder_kind(fd);

	if (held == KIND_UNKNOWN || held == f->kind)
		return 0;
	say(w, GW_SEV_ERROR, "refusing to replace '%s/%s/%s': it is a %s's "
		"folder, and this run would write a %s's there", w->outdir,
		f->parent, f->name, held == KIND_GATEWAY ? "gateway" :
		"control plane", f->kind == KIND_GATEWAY ? "gateway" :
		"control plane");
	return -1;
}

/*
 * Looks at what OUT holds for @f, creating nothing: refuses what gwc must
 * not replace, notes whether the folder exists and is already exactly
 * right.  Runs for every folder before any is staged.
 */
static int plan_folder(struct writer *w, struct folder *f)
{
	int parent, old, ret = -1;
	struct stat st;

	if (f->kept) {
		f->exists = f->unchanged = true;
		return 0;
	}
	parent = open_parent(w, f->parent, NULL, NULL);
	if (parent < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstatat(parent, f->name, &st, AT_SYMLINK_NOFOLLOW)) {
		ret = 0;
		goto out;
	}
	f->exists = true;
	if (!S_ISDIR(st.st_mode)) {
		say(w, GW_SEV_ERROR, "refusing to replace '%s/%s/%s': "
			"not a folder", w->outdir, f->parent, f->name);
		goto out;
	}
	old = openat(parent, f->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		     O_CLOEXEC);
	if (old < 0) {
		fail(w, "cannot open", errno, "%s/%s/%s", w->outdir, f->parent,
		     f->name);
		goto out;
	}
	if (faccessat(old, GW_MARKER, F_OK, AT_SYMLINK_NOFOLLOW)) {
		say(w, GW_SEV_ERROR, "refusing to replace '%s/%s/%s': "
			"gwc did not make it (no %s file in it)", w->outdir,
			f->parent, f->name, GW_MARKER);
		close(old);
		goto out;
	}
	if (refuse_irregular(w, old, f) || refuse_other_kind(w, old, f)) {
		close(old);
		goto out;
	}
	f->unchanged = folder_equals(old, f);
	close(old);
	ret = 0;
out:
	close(parent);
	return ret;
}

/* The bytes a staging folder's name takes at most, its NUL included,
 * for a folder name of @name_len bytes. */
static size_t stage_name_size(size_t name_len, const char *token)
{
	return name_len + strlen(STAGE_TAG) + strlen(token) + 16;
}

/* ".<name>.gwc-<token>-<n>" into @s (stage_name_size() bytes). */
static void stage_name(char *s, const char *name, const char *token,
		       unsigned n)
{
	snprintf(s, stage_name_size(strlen(name), token), ".%s%s%s-%u", name,
		 STAGE_TAG, token, n);
}

/* Makes STAGING_MARK before the run's first staging folder. */
static int begin_staging(struct writer *w)
{
	int fd, ret = 0;

	if (__atomic_load_n(&w->journal, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&w->lock);
	if (!w->journal) {
		pthread_rwlock_rdlock(&w->making);
		fd = openat(w->out, STAGING_MARK, O_WRONLY | O_CREAT |
			    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
		if (fd >= 0)
			__atomic_store_n(&w->journal, 1, __ATOMIC_RELEASE);
		pthread_rwlock_unlock(&w->making);
		if (fd < 0 || close(fd))
			ret = fail(w, "cannot create", errno, "%s/%s",
				   w->outdir, STAGING_MARK);
	}
	pthread_mutex_unlock(&w->lock);
	return ret;
}

/* Removes STAGING_MARK: the run's staging folders are gone (@walked:
 * and any dead run's too). */
static void end_staging(struct writer *w, bool walked)
{
	if (w->out >= 0 && (w->journal || (walked && w->dead_run)))
		unlinkat(w->out, STAGING_MARK, 0);
	w->journal = 0;
}

/* Writes the new version of @f beside the old one. */
/* @set, the stats of @f's files as written, into the writer's record;
 * none when a stat is missing or the record cannot be written (OUT's
 * cache then reads the folder). */
static void record_written(struct writer *w, struct folder *f,
			   const struct gw_fileset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!((const struct gw_written *)(const void *)
		      set->files[i].data)->ino)
			return;
	pthread_mutex_lock(&w->written_lock);
	if (!w->written)
		w->written = gw_spill_open();
	if (w->written) {
		f->written_from = gw_spill_size(w->written);
		if (gw_spill_put(w->written, set))
			f->written_from = 0;
		else
			f->written_to = gw_spill_size(w->written);
	}
	pthread_mutex_unlock(&w->written_lock);
}

static int stage_folder(struct writer *w, struct folder *f)
{
	struct made *m = made_of(f->parent);	/* sized by split_path */
	struct gw_fileset written = { 0 };
	struct gw_fileset *record = w->record ? &written : NULL;
	int parent, fd = -1, ret = -1;
	size_t i;

	if (f->unchanged)
		return 0;
	if (begin_staging(w))
		return -1;
	m->stage[0] = '\0';
	m->next = __atomic_load_n(&w->made, __ATOMIC_ACQUIRE);
	while (!__atomic_compare_exchange_n(&w->made, &m->next, m, true,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		;
	parent = open_parent(w, f->parent, &f->parent_created, m);
	if (parent < 0)
		return -1;
	for (;;) {
		unsigned n = __atomic_fetch_add(&w->counter, 1,
						__ATOMIC_RELAXED);
		int made, err;

		pthread_rwlock_rdlock(&w->making);
		stage_name(m->stage, f->name, w->token, n);	/* sized */
		made = mkdirat(parent, m->stage, 0755);
		err = errno;
		if (!made)
			__atomic_store_n(&m->staged, true, __ATOMIC_RELEASE);
		pthread_rwlock_unlock(&w->making);
		if (!made)
			break;
		if (err != EEXIST) {
			fail(w, "cannot create a folder in", err, "%s/%s",
			     w->outdir, f->parent);
			goto out;
		}
	}
	f->stage = m->stage;	/* the made list's, freed with the writer */
	fd = openat(parent, f->stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0) {
		fail(w, "cannot open", errno, "%s/%s/%s", w->outdir, f->parent,
		     f->stage);
		goto out;
	}
	if (write_file(w, fd, f, GW_MARKER, marker_texts[f->kind],
		       strlen(marker_texts[f->kind]), 0644, record))
		goto out;
	for (i = 0; i < f->n; i++)
		if (write_file(w, fd, f, base_name(f->files[i].path),
			       f->files[i].data, f->files[i].len,
			       f->files[i].mode, record))
			goto out;
	if (record)
		record_written(w, f, record);
	ret = 0;
out:
	gw_fileset_release(&written);
	if (fd >= 0)
		close(fd);
	close(parent);
	return ret;
}

/* Undoes the staging of @f, and the parent folder if this run made it. */
static void unstage(struct writer *w, struct folder *f)
{
	int parent;

	if (f->stage) {
		parent = open_parent(w, f->parent, NULL, NULL);
		if (parent >= 0) {
			remove_tree_at(parent, f->stage);
			close(parent);
		}
		f->stage = NULL;
	}
	if (f->parent_created)
		unlinkat(w->out, f->parent, AT_REMOVEDIR);
}

static int publish(struct writer *w, struct folder *f)
{
	int parent = open_parent(w, f->parent, NULL, NULL), ret = -1;

	if (parent < 0)
		return -1;
	if (renameat2(parent, f->stage, parent, f->name,
		      f->exists ? RENAME_EXCHANGE : RENAME_NOREPLACE)) {
		fail(w, "cannot replace", errno, "%s/%s/%s", w->outdir,
		     f->parent, f->name);
		goto out;
	}
	if (f->exists && remove_tree_at(parent, f->stage))
		say(w, GW_SEV_WARNING, "could not remove the old "
			"'%s/%s/%s' (left as %s)", w->outdir, f->parent,
			f->name, f->stage);
	f->stage = NULL;
	f->published = true;
	ret = 0;
out:
	close(parent);
	return ret;
}

/* ---- --fsync ----------------------------------------------------------- */

/* fsync() of @name in @dirfd (a file or folder this run made). */
static int flush_at(struct writer *w, int dirfd, const char *name,
		    const char *what)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
			O_NONBLOCK);

	if (fd < 0 || (fsync(fd) && errno != EINVAL)) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		return fail(w, "cannot flush", err, "%s", what);
	}
	close(fd);
	return 0;
}

/* Every file of the staged @f, then the staging folder itself. */
static int flush_stage(struct writer *w, const struct folder *f)
{
	int parent = open_parent(w, f->parent, NULL, NULL), fd, ret = 0;
	struct dirent *de;
	DIR *d;

	if (parent < 0)
		return -1;
	fd = openat(parent, f->stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		ret = fail(w, "cannot open", errno, "%s/%s/%s", w->outdir,
			   f->parent, f->stage);
		if (fd >= 0)
			close(fd);
		close(parent);
		return ret;
	}
	while (!ret && (de = readdir(d)))
		if (de->d_type == DT_REG)
			ret = flush_at(w, dirfd(d), de->d_name, de->d_name);
	if (!ret && fsync(dirfd(d)) && errno != EINVAL)
		ret = fail(w, "cannot flush", errno, "%s/%s/%s", w->outdir,
			   f->parent, f->stage);
	closedir(d);
	close(parent);
	return ret;
}

/*
 * After the swaps: each parent folder whose entries changed, once (the
 * folders are sorted by parent); OUT when a parent is new in it; and
 * when the run made OUT (and folders above it), each folder that gained
 * an entry, up to the first that existed.
 */
static int flush_parents(struct writer *w)
{
	bool new_parent = false;
	size_t i, k;
	int ret = 0;

	for (i = 0; !ret && i < w->nfolders; i++) {
		if (!w->folders[i].published)
			continue;
		new_parent |= w->folders[i].parent_created;
		if (i + 1 < w->nfolders && w->folders[i + 1].published &&
		    !strcmp(w->folders[i + 1].parent, w->folders[i].parent))
			continue;	/* the next is in the same parent */
		ret = flush_at(w, w->out, w->folders[i].parent,
			       w->folders[i].parent);
	}
	if (!ret && new_parent && fsync(w->out) && errno != EINVAL)
		ret = fail(w, "cannot flush", errno, "%s", w->outdir);
	if (!ret && w->out_created) {
		char *p = gw_malloc(strlen(w->path) + 3);

		strcpy(p, w->path);
		for (k = 0; !ret && k <= w->ancestors; k++) {
			char *slash = strrchr(p, '/');

			if (!slash)
				strcpy(p, ".");
			else if (slash == p)
				p[1] = '\0';
			else
				*slash = '\0';
			ret = flush_at(w, AT_FDCWD, p, p);
			if (!slash || slash == p)
				break;
		}
		free(p);
	}
	return ret;
}

/* ---- pruning ----------------------------------------------------------- */

static bool in_set(const struct writer *w, const char *parent,
		   const char *name)
{
	size_t i;

	for (i = 0; i < w->nfolders; i++)
		if (!strcmp(w->folders[i].parent, parent) &&
		    !strcmp(w->folders[i].name, name))
			return true;
	return false;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int prune(struct writer *w)
{
	DIR *top;
	struct dirent *a;
	int fd = dup(w->out), err = 0;
	char **gone = NULL;	/* the folders removed, named in order */
	size_t ngone = 0, gone_cap = 0, i;

	if (fd < 0 || !(top = fdopendir(fd)))
		return fail(w, "cannot read", errno, "%s", w->outdir);
	rewinddir(top);
	while ((a = readdir(top))) {
		int pfd;
		DIR *sub;
		struct dirent *b;
		bool removed;

		if (a->d_name[0] == '.')
			continue;
		pfd = openat(w->out, a->d_name, O_RDONLY | O_DIRECTORY |
			     O_NOFOLLOW | O_CLOEXEC);
		if (pfd < 0)
			continue;
		sub = fdopendir(dup(pfd));
		removed = false;
		while (sub && (b = readdir(sub))) {
			int bfd;
			bool ours;

			if (b->d_name[0] == '.' || in_set(w, a->d_name, b->d_name))
				continue;
			bfd = openat(pfd, b->d_name, O_RDONLY | O_DIRECTORY |
				     O_NOFOLLOW | O_CLOEXEC);
			if (bfd < 0)
				continue;
			ours = !faccessat(bfd, GW_MARKER, F_OK,
					  AT_SYMLINK_NOFOLLOW);
			close(bfd);
			if (ours && remove_tree_at(pfd, b->d_name)) {
				err = fail(w, "cannot remove", errno, "%s/%s/%s",
					   w->outdir, a->d_name, b->d_name);
			} else if (ours) {
				removed = true;
				gone = gw_grow(gone, ngone + 1, &gone_cap,
					       sizeof(*gone));
				if (asprintf(&gone[ngone], "%s/%s", a->d_name,
					     b->d_name) < 0)
					gw_oom();
				ngone++;
			}
		}
		if (sub)
			closedir(sub);
		if (removed)	/* and the namespace folder, if now empty */
			unlinkat(w->out, a->d_name, AT_REMOVEDIR);
		close(pfd);
	}
	closedir(top);
	if (ngone > 1)
		qsort(gone, ngone, sizeof(*gone), compare_names);
	for (i = 0; i < ngone; i++) {
		say(w, GW_SEV_NOTE, "--prune: removed %s/%s, which gwc made "
		    "and no spec of this run writes", w->outdir, gone[i]);
		free(gone[i]);
	}
	free(gone);
	return err;
}

/* ---- the staging folders of dead runs ----------------------------------- */

/* Removes them from every folder of OUT (OUT's lock held: see
 * is_stale_stage_name), once the run has published. */
static void remove_dead_stages(struct writer *w)
{
	DIR *top;
	struct dirent *a;
	int fd;

	if (!w->walk_stages)
		return;
	fd = dup(w->out);
	if (fd < 0 || !(top = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	rewinddir(top);
	while ((a = readdir(top))) {
		int pfd;

		if (a->d_name[0] == '.')
			continue;
		pfd = openat(w->out, a->d_name, O_RDONLY | O_DIRECTORY |
			     O_NOFOLLOW | O_CLOEXEC);
		if (pfd < 0)
			continue;
		remove_stale_stages(pfd, w->token);
		close(pfd);
	}
	closedir(top);
}

/* ---- the whole write --------------------------------------------------- */

/* Splits "<a>/<b>/<file>" into its folder; -1 for any other shape. */
static int split_path(struct writer *w, const char *path, char **parent,
		      char **name, size_t *prefix)
{
	const char *s1 = strchr(path, '/');
	const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
	struct made *m;

	if (!s1 || !s2 || strchr(s2 + 1, '/')) {
		say(w, GW_SEV_INTERNAL, "bad output path '%s'",
			path);
		return -1;
	}
	*prefix = (size_t)(s2 - path) + 1;
	/* one block: the made list's entry, "<a>\0<b>\0" and room for the
	 * staging folder's name (100,000 folders hold 100,000) */
	m = gw_malloc(sizeof(*m) + (size_t)(s2 - path) + 1 +
		      stage_name_size((size_t)(s2 - s1 - 1), w->token));
	memset(m, 0, sizeof(*m));
	*parent = m->names;
	memcpy(*parent, path, (size_t)(s2 - path));
	(*parent)[s1 - path] = '\0';
	(*parent)[s2 - path] = '\0';
	*name = *parent + (s1 - path) + 1;
	m->stage = *parent + (s2 - path) + 1;
	return 0;
}

/* Groups the sorted @set into @w's folders, after those it has: slots
 * *@slot onwards, copied to *@first (*@n of them). */
static int group_folders(struct writer *w, const struct gw_fileset *set,
			 struct folder **first, size_t *n, size_t *slot)
{
	size_t i = 0, start;
	int ret = 0;

	pthread_mutex_lock(&w->lock);
	*slot = start = w->nfolders;
	while (i < set->n) {
		const char *path = set->files[i].path;
		struct folder *f;
		size_t prefix;

		w->folders = gw_grow(w->folders, w->nfolders + 1, &w->cap,
				     sizeof(*w->folders));
		f = &w->folders[w->nfolders];
		memset(f, 0, sizeof(*f));
		if (split_path(w, path, &f->parent, &f->name, &prefix)) {
			ret = -1;
			break;
		}
		w->nfolders++;
		f->files = &set->files[i];
		f->kind = set->files[i].control_plane ? KIND_CONTROL_PLANE :
			  KIND_GATEWAY;
		while (i < set->n && !strncmp(set->files[i].path, path, prefix)) {
			f->kept |= set->files[i].kept;
			f->n++;
			i++;
		}
	}
	*n = w->nfolders - start;
	/* a private copy: other threads may grow w->folders meanwhile */
	*first = malloc((*n ? *n : 1) * sizeof(**first));
	if (!*first)
		gw_oom();
	if (*n)
		memcpy(*first, w->folders + start, *n * sizeof(**first));
	pthread_mutex_unlock(&w->lock);
	return ret;
}

/* A copy of @path without its trailing slashes ("/" stays "/"). */
static char *strip_slashes(const char *path)
{
	size_t len = strlen(path);
	char *copy;

	while (len > 1 && path[len - 1] == '/')
		len--;
	copy = strndup(path, len);
	if (!copy)
		gw_oom();
	return copy;
}

/* True when @fd is the folder @path names now (not one since removed). */
static bool still_there(int fd, const char *path)
{
	struct stat held, named;

	return !fstat(fd, &held) && !lstat(path, &named) &&
	       held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

/*
 * Makes the missing folders above OUT (as mkdir -p, mode 0755 less the
 * umask), counting them in w->ancestors, so that a run that fails removes
 * them with OUT; 0, or -1 with errno.
 */
static int make_ancestors(struct writer *w)
{
	size_t len = strlen(w->path), i;
	char *p = gw_malloc(len + 1);
	int ret = 0;

	memcpy(p, w->path, len + 1);
	for (i = 1; i < len && !ret; i++) {
		if (p[i] != '/')
			continue;
		p[i] = '\0';
		if (!mkdir(p, 0755))
			w->ancestors++;
		else if (errno != EEXIST)
			ret = -1;
		p[i] = '/';
	}
	free(p);
	return ret;
}

/* Removes OUT when this run made it, and the folders above it it made. */
static void remove_made_out(struct writer *w)
{
	char p[PATH_MAX];	/* on the stack: on_oom calls it too */
	size_t len = strlen(w->path), k;

	if (!w->out_created || rmdir(w->path) || len >= sizeof(p))
		return;
	memcpy(p, w->path, len + 1);
	for (k = 0; k < w->ancestors; k++) {
		char *slash = strrchr(p, '/');

		if (!slash || slash == p)
			break;
		*slash = '\0';
		if (rmdir(p))
			break;
	}
}

/*
 * Creates (if missing), opens and locks OUT.  The lock is taken on the
 * folder opened: should another run have made OUT, failed and removed it
 * while this one waited for the lock, the folder locked is no longer
 * OUT, so the run starts over and makes OUT itself.
 */
static int open_outdir(struct writer *w)
{
	struct stat st;
	int tries;

	for (tries = 0; tries < 1000; tries++) {
		/* w->path, not w->outdir: "lnk/" would name the folder the
		 * link points to, and lstat and O_NOFOLLOW would follow it */
		if (!lstat(w->path, &st) && S_ISLNK(st.st_mode)) {
			say(w, GW_SEV_ERROR, "refusing to write into '%s': it "
				"is a symbolic link", w->outdir);
			return -1;
		}
		if (!mkdir(w->path, 0755) ||
		    (errno == ENOENT && !make_ancestors(w) &&
		     !mkdir(w->path, 0755))) {
			w->out_created = true;
		} else if (errno != EEXIST) {
			return fail(w, "cannot create", errno, "%s",
				    w->outdir);
		}
		w->out = open(w->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			      O_CLOEXEC);
		if (w->out < 0 && errno == ENOENT && !w->out_created)
			continue;	/* removed since: make it */
		if (w->out < 0) {
			if (errno == ENOTDIR)
				say(w, GW_SEV_ERROR, "refusing to write into "
					"'%s': it is not a folder", w->outdir);
			else
				fail(w, "cannot open", errno, "%s", w->outdir);
			return -1;
		}
		while (flock(w->out, LOCK_EX))
			if (errno != EINTR)
				return fail(w, "cannot lock", errno, "%s",
					    w->outdir);
		if (still_there(w->out, w->path)) {
			w->dead_run = !faccessat(w->out, STAGING_MARK, F_OK,
						 AT_SYMLINK_NOFOLLOW);
			/* no marker to tell: an OUT an older gwc wrote
			 * (it has no cache); not one this run made (a
			 * run that staged in it since left its marker) */
			w->walk_stages = w->dead_run ||
				(!w->out_created &&
				 faccessat(w->out, CACHE_PATH, F_OK,
					   AT_SYMLINK_NOFOLLOW));
			return 0;
		}
		close(w->out);	/* and the lock on a removed folder */
		w->out = -1;
		w->out_created = false;
	}
	say(w, GW_SEV_ERROR, "cannot lock '%s': it was removed and made "
		"again %d times while this run waited", w->outdir, tries);
	return -1;
}

/* The folders and their names (split_path). */
static void free_folders(struct writer *w)
{
	size_t i;

	for (i = 0; i < w->nfolders; i++)
		free(made_of(w->folders[i].parent));
	free(w->folders);
}

static void free_writer(struct writer *w)
{
	gw_oom_hook_remove(w->oom_slot);
	pthread_rwlock_destroy(&w->making);
	free_folders(w);	/* the made list's entries with them */
	free(w->path);
	if (w->out >= 0)
		close(w->out);	/* releases the lock */
	umask(w->old_umask);
	gw_spill_close(w->written);
	pthread_mutex_destroy(&w->written_lock);
	pthread_mutex_destroy(&w->lock);
	pthread_mutex_destroy(&w->diag_lock);
	if (w->own_arena) {
		gw_diag_release(&w->own);
		gw_arena_free(w->own_arena);
	}
	free(w);
}

/* The writer's messages, to the caller's @diag, as it ends. */
static void hand_over(struct writer *w, struct gw_diag *diag)
{
	if (w->own_arena)
		gw_diag_merge(diag, &w->own);
}

struct gw_writer *gw_writer_open(const char *outdir, unsigned flags,
				  struct gw_diag *diag)
{
	struct writer *w = calloc(1, sizeof(*w));
	pthread_rwlockattr_t attr;

	if (!w)
		gw_oom();
	w->outdir = outdir;
	w->fsync = flags & GW_WRITE_FSYNC;
	w->path = strip_slashes(outdir);
	w->out = -1;
	make_token(w->token);
	w->old_umask = umask(0);	/* modes as written: 0644, 0755 */
	w->diag = diag;
	pthread_mutex_init(&w->lock, NULL);
	pthread_mutex_init(&w->diag_lock, NULL);
	pthread_mutex_init(&w->written_lock, NULL);
	pthread_rwlockattr_init(&attr);
	/* on_oom must not wait behind a stream of stagers */
	pthread_rwlockattr_setkind_np(&attr,
		PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&w->making, &attr);
	pthread_rwlockattr_destroy(&attr);
	signal(SIGXFSZ, SIG_IGN);	/* a file size limit becomes EFBIG */
	/* from here out of memory backs out what the run made, OUT too */
	w->oom_slot = gw_oom_hook_add(on_oom, w);
	if (open_outdir(w)) {
		remove_made_out(w);
		free_writer(w);
		return NULL;
	}
	/* from here on stage() may run in threads: messages to the
	 * writer's own list, handed over by commit or abort */
	w->own_arena = gw_arena_new();
	gw_diag_init(&w->own, w->own_arena);
	w->diag = &w->own;
	return (struct gw_writer *)w;
}

int gw_writer_stage(struct gw_writer *writer, const struct gw_fileset *set)
{
	struct writer *w = (struct writer *)writer;
	struct folder *mine;
	size_t i, n, slot;
	int ret;

	ret = group_folders(w, set, &mine, &n, &slot);
	for (i = 0; !ret && i < n; i++)
		ret = plan_folder(w, &mine[i]) || stage_folder(w, &mine[i]) ?
			-1 : 0;
	/* what the commit or the abort needs: the names and the staging */
	pthread_mutex_lock(&w->lock);
	for (i = 0; i < n; i++) {	/* its slots: other threads append */
		w->folders[slot + i] = mine[i];
		w->folders[slot + i].files = NULL;
		w->folders[slot + i].n = 0;
	}
	if (ret)
		w->failed = true;
	pthread_mutex_unlock(&w->lock);
	free(mine);
	return ret;
}

void gw_writer_expect(struct gw_writer *writer, size_t n)
{
	struct writer *w = (struct writer *)writer;
	struct folder *bigger;

	pthread_mutex_lock(&w->lock);
	if (w->cap - w->nfolders < n) {
		bigger = realloc(w->folders, (w->nfolders + n) * sizeof(*bigger));
		if (!bigger)
			gw_oom();
		w->folders = bigger;
		w->cap = w->nfolders + n;
	}
	pthread_mutex_unlock(&w->lock);
}

void gw_writer_on_commit(struct gw_writer *writer,
			 void (*fn)(void *arg, int out, struct gw_writer *w),
			 void *arg)
{
	struct writer *w = (struct writer *)writer;

	w->on_commit = fn;
	w->on_commit_arg = arg;
}

static int compare_folders(const void *a, const void *b)
{
	const struct folder *x = a, *y = b;
	int c = strcmp(x->parent, y->parent);

	return c ? c : strcmp(x->name, y->name);
}

void gw_writer_record(struct gw_writer *writer)
{
	((struct writer *)writer)->record = true;
}

int gw_writer_written(struct gw_writer *writer, const char *parent,
		      const char *name, struct gw_fileset *files)
{
	struct writer *w = (struct writer *)writer;
	struct folder key = { .parent = (char *)parent, .name = (char *)name };
	const struct folder *f;
	struct gw_spill_reader r;
	int got;

	if (!w->written)
		return -1;
	/* the commit sorted the folders */
	f = bsearch(&key, w->folders, w->nfolders, sizeof(*w->folders),
		    compare_folders);
	if (!f || !f->published || !f->written_to)
		return -1;
	gw_spill_reader_init(&r, w->written, f->written_from, f->written_to);
	got = gw_spill_read(&r, files);
	gw_spill_reader_release(&r);
	if (got <= 0) {
		gw_fileset_release(files);
		return -1;
	}
	return 0;
}

void gw_writer_abort(struct gw_writer *writer, struct gw_diag *diag)
{
	struct writer *w = (struct writer *)writer;
	size_t i;

	for (i = w->nfolders; i-- > 0;)
		unstage(w, &w->folders[i]);
	/* a parent this run made, once every folder staged in it is gone */
	for (i = 0; i < w->nfolders; i++)
		if (w->folders[i].parent_created)
			unlinkat(w->out, w->folders[i].parent, AT_REMOVEDIR);
	end_staging(w, false);
	remove_made_out(w);
	hand_over(w, diag);
	free_writer(w);
}

int gw_writer_commit(struct gw_writer *writer, bool prune_others,
		     struct gw_diag *diag)
{
	struct writer *w = (struct writer *)writer;
	sigset_t pending;
	size_t i;
	bool published = false;
	int ret, sync_err = 0;

	if (w->failed)
		goto abort;
	/* --fsync: every staged file on the disk before any swap */
	for (i = 0; w->fsync && i < w->nfolders; i++)
		if (w->folders[i].stage && flush_stage(w, &w->folders[i]))
			goto abort;
	sigpending(&pending);
	if (sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM) ||
	    sigismember(&pending, SIGHUP)) {
		say(w, GW_SEV_ERROR, "interrupted; '%s' is unchanged",
			w->outdir);
		goto abort;
	}
	/* in path order, whatever order threads staged them in */
	if (w->nfolders > 1)
		qsort(w->folders, w->nfolders, sizeof(*w->folders),
		      compare_folders);
	for (i = 0; i < w->nfolders; i++) {
		if (!w->folders[i].stage)
			continue;
		if (publish(w, &w->folders[i]))
			goto abort;
		published = true;
	}
	/* --fsync: the swaps too */
	if (w->fsync && published)
		sync_err = flush_parents(w);
	remove_dead_stages(w);
	end_staging(w, true);
	ret = prune_others ? prune(w) : 0;
	ret = ret ? ret : sync_err;
	if (w->written && gw_spill_flush(w->written)) {
		gw_spill_close(w->written);	/* the cache reads OUT */
		w->written = NULL;
	}
	if (!ret && w->on_commit)
		w->on_commit(w->on_commit_arg, w->out, writer);
	hand_over(w, diag);
	free_writer(w);
	return ret;
abort:
	gw_writer_abort(writer, diag);
	return -1;
}

int gw_write_tree(const char *outdir, const struct gw_fileset *set,
		  bool prune_others, unsigned flags, struct gw_diag *diag)
{
	struct gw_writer *w = gw_writer_open(outdir, flags, diag);

	if (!w)
		return -1;
	if (gw_writer_stage(w, set)) {
		gw_writer_abort(w, diag);
		return -1;
	}
	return gw_writer_commit(w, prune_others, diag);
}

/* ---- --check ----------------------------------------------------------- */

/* Bytes of a file that differs in size from gwc's (or that gwc does not
 * write at all) read for its diff: the diff shows at most this head, or
 * as many bytes as gwc's own version has, and says so when it is cut. */
#define CHECK_HEAD (64u * 1024)

/*
 * Reads what OUT/@path holds for a file of @want_len bytes, bounded by
 * what gwc would write: @want_len + 1 bytes at most when the sizes agree
 * (the + 1 sees a file that grew meanwhile), else a head of at most
 * max(@want_len, CHECK_HEAD) bytes; *@size is the file's whole size.
 * *@data NULL when there is no file.  -1 when it cannot be read, with
 * *@what naming its type when it is not a regular file (never opened).
 */
static int read_existing(int dirfd, const char *path, size_t want_len,
			 char **data, size_t *len, off_t *size,
			 const char **what)
{
	struct stat st;
	size_t max;
	ssize_t got;
	int fd;

	*data = NULL;
	*len = 0;
	*size = 0;
	*what = NULL;
	if (dirfd < 0)		/* OUT itself is missing: so is every file */
		return 0;
	fd = open_regular(dirfd, path, &st, what);
	if (fd < 0)
		return !*what && (errno == ENOENT || errno == ENOTDIR) ? 0 : -1;
	*size = st.st_size;
	max = (size_t)st.st_size == want_len ? want_len + 1 :
	      want_len > CHECK_HEAD ? want_len : CHECK_HEAD;
	*data = malloc(max + 1);
	if (!*data)
		gw_oom();
	got = read_upto(fd, *data, max);
	close(fd);
	if (got < 0) {
		free(*data);
		*data = NULL;
		return -1;
	}
	*len = (size_t)got;
	if ((off_t)*len > *size)
		*size = (off_t)*len;	/* it grew */
	return 0;
}

/* Diffs one file; returns 1 when it differs, 0 when not, -1 on error. */
static int check_file(struct writer *w, const char *path,
		      const char *want, size_t want_len, bool wanted,
		      struct gw_buf *report)
{
	char *have, *old_name, *new_name;
	const char *what;
	size_t have_len;
	off_t size;

	if (read_existing(w->out, path, wanted ? want_len : 0, &have,
			  &have_len, &size, &what)) {
		const char *slash = strrchr(path, '/');

		if (!what)
			return fail(w, "cannot read", errno, "%s/%s",
				    w->outdir, path);
		if (wanted) {	/* gwc build refuses it too */
			say(w, GW_SEV_ERROR, "refusing to read '%s/%s': it is "
				"%s, not a regular file", w->outdir, path, what);
			return -1;
		}
		/* an extra entry gwc build would remove with the folder */
		gw_buf_printf(report, "Only in %s/%.*s: %s (%s, not a regular "
			      "file)\n", w->outdir, (int)(slash - path), path,
			      slash + 1, what);
		return 1;
	}
	if (have && wanted && have_len == want_len &&
	    !memcmp(have, want, want_len)) {
		free(have);
		return 0;
	}
	if (!have && !wanted)
		return 0;
	if (asprintf(&old_name, "%s/%s", w->outdir, path) < 0 ||
	    asprintf(&new_name, "%s/%s (gwc)", w->outdir, path) < 0)
		gw_oom();
	if (have && (off_t)have_len < size)
		gw_buf_printf(report, "Only the first %zu of the %lld bytes of "
			      "%s were read: the diff below stops there\n",
			      have_len, (long long)size, old_name);
	gw_diff_unified(report, have ? old_name : "/dev/null",
			wanted ? new_name : "/dev/null", have ? have : "",
			have_len, wanted ? want : "", wanted ? want_len : 0);
	free(old_name);
	free(new_name);
	free(have);
	return 1;
}

/* The names in folder @fd but "." and "..", sorted; NULL-terminated. */
static char **sorted_names(int fd)
{
	DIR *d = fdopendir(dup(fd));
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (d)
		rewinddir(d);	/* the offset is shared with @fd's */
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		names = gw_grow(names, n + 2, &cap, sizeof(*names));
		names[n] = strdup(e->d_name);
		if (!names[n++])
			gw_oom();
	}
	if (d)
		closedir(d);
	if (!names && !(names = calloc(1, sizeof(*names))))
		gw_oom();
	names[n] = NULL;
	qsort(names, n, sizeof(*names), compare_names);
	return names;
}

static void free_names(char **names)
{
	size_t i;

	for (i = 0; names[i]; i++)
		free(names[i]);
	free(names);
}

/* Reports every entry of folder OUT/@dir that @keep does not hold. */
static int check_extra_files(struct writer *w, const char *dir,
			     const struct folder *keep, struct gw_buf *report)
{
	int fd = openat(w->out, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC), differ = 0;
	char **names;
	size_t k;

	if (fd < 0)
		return 0;
	names = sorted_names(fd);
	close(fd);
	for (k = 0; names[k]; k++) {
		size_t i;
		bool listed = !strcmp(names[k], GW_MARKER) && keep;
		char *path;

		for (i = 0; keep && !listed && i < keep->n; i++)
			listed = !strcmp(base_name(keep->files[i].path),
					 names[k]);
		if (listed)
			continue;
		if (asprintf(&path, "%s/%s", dir, names[k]) < 0)
			gw_oom();
		differ |= check_file(w, path, NULL, 0, false, report);
		free(path);
	}
	free_names(names);
	return differ;
}

struct stale_report {
	struct writer *w;
	const char *parent;
	int found;
};

static void say_stale(void *arg, int dirfd, const char *name)
{
	struct stale_report *r = arg;

	(void)dirfd;
	say(r->w, GW_SEV_ERROR, "'%s/%s/%s' is the staging folder of a gwc "
		"run that did not finish; `gwc build` removes it",
		r->w->outdir, r->parent, name);
	r->found = 1;
}

/*
 * Reports the staging folders of runs that died, in every folder of OUT
 * (a build removes them all); 1 when there is one.  The caller holds
 * OUT's lock (shared), so no build is staging.
 */
static int report_stale_stages(struct writer *w)
{
	struct stale_report r = { .w = w };
	char **parents;
	size_t i;

	if (w->out < 0 ||
	    (faccessat(w->out, STAGING_MARK, F_OK, AT_SYMLINK_NOFOLLOW) &&
	     !faccessat(w->out, CACHE_PATH, F_OK, AT_SYMLINK_NOFOLLOW)))
		return 0;
	parents = sorted_names(w->out);
	for (i = 0; parents[i]; i++) {
		int fd;

		if (parents[i][0] == '.')
			continue;
		fd = openat(w->out, parents[i], O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		r.parent = parents[i];
		each_stale_stage(fd, NULL, say_stale, &r);
		close(fd);
	}
	free_names(parents);
	return r.found;
}

int gw_write_check(const char *outdir, const struct gw_fileset *set,
		   bool prune_others, struct gw_buf *report,
		   struct gw_diag *diag)
{
	struct writer w = { .outdir = outdir, .out = -1, .diag = diag };
	struct folder *copy;
	int differ = 0, r;
	size_t i, j, n, slot;

	pthread_mutex_init(&w.lock, NULL);
	pthread_mutex_init(&w.diag_lock, NULL);
	r = group_folders(&w, set, &copy, &n, &slot);
	free(copy);
	if (r)
		goto out;
	/* a missing OUT is an empty one: every file is reported missing */
	w.out = open(outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w.out < 0 && errno != ENOENT) {
		r = fail(&w, "cannot open", errno, "%s", outdir);
		goto out;
	}
	/* shared with other checks, after any build: a build's tree is
	 * compared whole, and a staging folder seen is a dead run's */
	while (w.out >= 0 && flock(w.out, LOCK_SH))
		if (errno != EINTR) {
			r = fail(&w, "cannot lock", errno, "%s", outdir);
			goto out;
		}
	differ = report_stale_stages(&w);
	for (i = 0; i < w.nfolders; i++) {
		struct folder *f = &w.folders[i];
		char *path;

		if (f->kept)
			continue;	/* right, as OUT's cache shows */
		if (asprintf(&path, "%s/%s/%s", f->parent, f->name,
			     GW_MARKER) < 0)
			gw_oom();
		r = check_file(&w, path, marker_texts[f->kind],
			       strlen(marker_texts[f->kind]), true, report);
		free(path);
		for (j = 0; r >= 0 && j < f->n; j++) {
			int one = check_file(&w, f->files[j].path,
					     f->files[j].data, f->files[j].len,
					     true, report);

			r = one < 0 ? -1 : r | one;
		}
		if (r >= 0 && asprintf(&path, "%s/%s", f->parent, f->name) >= 0) {
			r |= check_extra_files(&w, path, f, report);
			free(path);
		}
		if (r < 0) {
			differ = -1;
			break;
		}
		differ |= r;
	}
	if (differ >= 0 && prune_others && w.out >= 0) {
		/* gwc-made folders that no spec of the run produces */
		char **parents = sorted_names(w.out);
		size_t p, q;

		for (p = 0; parents[p]; p++) {
			int pfd = openat(w.out, parents[p], O_RDONLY |
					 O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			char **names;

			if (parents[p][0] == '.' || pfd < 0) {
				if (pfd >= 0)
					close(pfd);
				continue;
			}
			names = sorted_names(pfd);
			for (q = 0; names[q]; q++) {
				char *path;

				if (names[q][0] == '.' ||
				    in_set(&w, parents[p], names[q]) ||
				    asprintf(&path, "%s/%s/%s", parents[p],
					     names[q], GW_MARKER) < 0)
					continue;
				if (!faccessat(w.out, path, F_OK,
					       AT_SYMLINK_NOFOLLOW)) {
					path[strlen(path) - strlen(GW_MARKER) -
					     1] = '\0';
					differ |= check_extra_files(&w, path,
								    NULL, report);
				}
				free(path);
			}
			free_names(names);
			close(pfd);
		}
		free_names(parents);
	}
out:
	free_folders(&w);
	if (w.out >= 0)
		close(w.out);
	pthread_mutex_destroy(&w.lock);
	pthread_mutex_destroy(&w.diag_lock);
	return r < 0 ? -1 : differ;
}
