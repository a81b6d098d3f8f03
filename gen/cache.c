/*
 * cache.c - what produced each gateway folder of OUT, so that a rebuild
 * or a --check costs what changed.
 *
 * OUT/.gwc-cache/sources (beside a .gitignore of "*": the cache is this
 * machine's and is never committed) holds, for each spec file a build
 * compiled, the SHA-256 of its bytes and of each file it read (an Istio
 * resource, a revision tag), the summary of each of its gateways, the
 * messages it gave, and the stat of each of its folders and of every
 * entry in them as the build left them.  The file starts with gwc's build
 * id (a digest of its sources, schema and templates, made by the
 * Makefile): the cache of any other gwc is ignored whole.
 *
 * A spec whose bytes and reads have the recorded digests, and whose
 * folders are as recorded, is neither parsed nor rendered and its folders
 * are not read: they hold what this gwc makes of these bytes, untouched
 * since.  "Untouched" is decided as git decides it for its index: inode,
 * mode, size, mtime and ctime of the folder and of each entry (no one
 * sets a ctime back: writing, touch -r, chmod and rename all move it; an
 * added or removed entry moves the folder's).  A time not older than the
 * cache file itself is racy (the file may have changed within the clock
 * tick after it was recorded), and so is a cache file from the future:
 * such a spec is compiled and compared in full, as is every spec after
 * a fresh clone (new inodes) or with no cache at all.
 *
 * The cache is an optimisation only: a cache that cannot be read, or a
 * line that does not parse, is ignored (every spec is compiled), and a
 * cache that cannot be written is not an error of the build.  It is never
 * flushed to the disk, not even with --fsync: after a crash of the
 * machine it may be lost or old, which costs the next build time only
 * (a record whose folders are not as it says is not used).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gwc.h"

#define CACHE_DIR ".gwc-cache"
#define CACHE_FILE "sources"
#define CACHE_MAGIC "gwc-cache 1 "
/* A cache larger than this is not read (a build rewrites it smaller). */
#define CACHE_MAX ((size_t)1 << 30)

extern const char gw_build_id[];

/* One spec file's record in the file read: its lines, for a lookup
 * (parsed then) or to be copied into the next cache. */
struct record {
	const char *path;	/* unescaped, malloc'ed */
	unsigned char digest[32];
	uint64_t stat_key;	/* gw_cache_stat_key of the bytes hashed */
	const char *text;	/* from "source" to "end\n" inclusive */
	size_t len;
	bool used;		/* this run compiled that path */
};

struct gw_cache {
	int out;		/* OUT */
	char *map;		/* the file, mapped */
	size_t size;
	struct timespec mtime;	/* the file's: later times are racy */
	struct record *records;
	size_t n;
	size_t *slots;		/* open addressing by path: index + 1 */
	size_t nslots;
	bool racy;		/* a time as recent as the file's was seen:
				 * write the file again, even if the same */
};

/* ---- text ------------------------------------------------------------ */

static void put_str(struct gw_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	gw_buf_add(b, " ", 1);
	if (!s) {
		gw_buf_add(b, "-", 1);
		return;
	}
	gw_buf_add(b, "=", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c == '%' || c >= 0x7f) {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			gw_buf_add(b, e, 3);
		} else {
			gw_buf_add(b, s, 1);
		}
	}
}

static void put_digest(struct gw_buf *b, const unsigned char d[32])
{
	static const char hex[] = "0123456789abcdef";
	char text[65];

	for (int i = 0; i < 32; i++) {
		text[2 * i] = hex[d[i] >> 4];
		text[2 * i + 1] = hex[d[i] & 15];
	}
	text[64] = '\0';
	gw_buf_printf(b, " %s", text);
}

static void put_mark(struct gw_buf *b, struct gw_mark m)
{
	put_str(b, m.file);
	gw_buf_printf(b, " %d %d", m.line, m.col);
}

static void put_stat(struct gw_buf *b, const struct stat *st)
{
	gw_buf_printf(b, " %llu %o %lld %lld %ld %lld %ld",
		      (unsigned long long)st->st_ino, (unsigned)st->st_mode,
		      (long long)st->st_size, (long long)st->st_mtim.tv_sec,
		      st->st_mtim.tv_nsec, (long long)st->st_ctim.tv_sec,
		      st->st_ctim.tv_nsec);
}

/* A line's fields, split at single spaces (the line is not changed). */
struct fields {
	const char *f[40];
	size_t len[40];
	size_t n;
};

static void split(const char *line, size_t len, struct fields *out)
{
	size_t i = 0;

	out->n = 0;
	while (i <= len && out->n < 40) {
		size_t j = i;

		while (j < len && line[j] != ' ')
			j++;
		out->f[out->n] = line + i;
		out->len[out->n++] = j - i;
		i = j + 1;
	}
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	       c - 'a' + 10 : -1;
}

/* Field @k as a string in @arena (or malloc'ed with @arena NULL); -1
 * when malformed. */
static int get_str(const struct fields *fl, size_t k, struct gw_arena *arena,
		   const char **out)
{
	const char *s;
	size_t len, i, w = 0;
	char *d;

	if (k >= fl->n || !fl->len[k])
		return -1;
	s = fl->f[k];
	len = fl->len[k];
	if (len == 1 && s[0] == '-') {
		*out = NULL;
		return 0;
	}
	if (s[0] != '=')
		return -1;
	d = arena ? gw_arena_alloc(arena, len) : gw_malloc(len);
	for (i = 1; i < len; i++) {
		if (s[i] != '%') {
			d[w++] = s[i];
			continue;
		}
		if (i + 2 >= len || hexval(s[i + 1]) < 0 ||
		    hexval(s[i + 2]) < 0 ||
		    !(hexval(s[i + 1]) * 16 + hexval(s[i + 2]))) {
			if (!arena)
				free(d);
			return -1;
		}
		d[w++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
		i += 2;
	}
	d[w] = '\0';
	*out = d;
	return 0;
}

static int get_digest(const struct fields *fl, size_t k, unsigned char d[32])
{
	if (k >= fl->n || fl->len[k] != 64)
		return -1;
	for (int i = 0; i < 32; i++) {
		int hi = hexval(fl->f[k][2 * i]), lo = hexval(fl->f[k][2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		d[i] = (unsigned char)(hi * 16 + lo);
	}
	return 0;
}

static int get_ll(const struct fields *fl, size_t k, long long *v, int base)
{
	char tmp[32], *end;

	if (k >= fl->n || !fl->len[k] || fl->len[k] >= sizeof(tmp))
		return -1;
	memcpy(tmp, fl->f[k], fl->len[k]);
	tmp[fl->len[k]] = '\0';
	errno = 0;
	*v = strtoll(tmp, &end, base);
	return errno || *end ? -1 : 0;
}

static int get_int(const struct fields *fl, size_t k, int *v)
{
	long long x;

	if (get_ll(fl, k, &x, 10) || x < -1000000000LL || x > 1000000000LL)
		return -1;
	*v = (int)x;
	return 0;
}

static int get_mark(const struct fields *fl, size_t k, struct gw_arena *arena,
		    struct gw_mark *m)
{
	return get_str(fl, k, arena, &m->file) || get_int(fl, k + 1, &m->line) ||
	       get_int(fl, k + 2, &m->col) ? -1 : 0;
}

/* A summary's place, written as a mark (file line col): the file is the
 * gateway's own, or "-" for no place. */
static int get_spot(const struct fields *fl, size_t k, struct gw_spot *at)
{
	if (k >= fl->n || !fl->len[k] || get_int(fl, k + 1, &at->line) ||
	    get_int(fl, k + 2, &at->col))
		return -1;
	if (fl->len[k] == 1 && fl->f[k][0] == '-')
		at->line = 0;
	return 0;
}

static bool is(const struct fields *fl, const char *word)
{
	return fl->n && fl->len[0] == strlen(word) &&
	       !memcmp(fl->f[0], word, fl->len[0]);
}

/* ---- the index ------------------------------------------------------- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct record *find(const struct gw_cache *c, const char *path)
{
	size_t i;

	if (!c->nslots)
		return NULL;
	for (i = hash_str(path) & (c->nslots - 1); c->slots[i];
	     i = (i + 1) & (c->nslots - 1))
		if (!strcmp(c->records[c->slots[i] - 1].path, path))
			return &c->records[c->slots[i] - 1];
	return NULL;
}

/* Splits the mapped file into records; -1 when it is not a cache of
 * this gwc (then nothing is used). */
static int index_records(struct gw_cache *c)
{
	const char *p = c->map, *end = c->map + c->size, *start = NULL;
	size_t cap = 0, i;
	struct fields fl;
	const char *nl = memchr(p, '\n', c->size);

	if (!nl || (size_t)(nl - p) != strlen(CACHE_MAGIC) +
	    strlen(gw_build_id) || memcmp(p, CACHE_MAGIC, strlen(CACHE_MAGIC)) ||
	    memcmp(p + strlen(CACHE_MAGIC), gw_build_id, strlen(gw_build_id)))
		return -1;
	for (p = nl + 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return -1;	/* cut short */
		split(p, (size_t)(nl - p), &fl);
		if (is(&fl, "source")) {
			struct record r = { 0 };

			long long key;

			if (start || get_str(&fl, 1, NULL, &r.path) || !r.path ||
			    get_digest(&fl, 2, r.digest) ||
			    get_ll(&fl, 3, &key, 16)) {
				free((char *)r.path);
				return -1;
			}
			r.stat_key = (uint64_t)key;
			start = p;
			r.text = p;
			c->records = gw_grow(c->records, c->n + 1, &cap,
					     sizeof(*c->records));
			c->records[c->n++] = r;
		} else if (is(&fl, "end")) {
			if (!start)
				return -1;
			c->records[c->n - 1].len = (size_t)(nl + 1 - start);
			start = NULL;
		}
	}
	if (start)
		return -1;
	for (c->nslots = 16; c->nslots < 2 * c->n;)
		c->nslots *= 2;
	c->slots = calloc(c->nslots, sizeof(*c->slots));
	if (!c->slots)
		gw_oom();
	for (i = 0; i < c->n; i++) {
		size_t s;

		if (find(c, c->records[i].path))
			return -1;	/* a path twice */
		for (s = hash_str(c->records[i].path) & (c->nslots - 1);
		     c->slots[s]; s = (s + 1) & (c->nslots - 1))
			;
		c->slots[s] = i + 1;
	}
	return 0;
}

struct gw_cache *gw_cache_open(const char *outdir)
{
	struct gw_cache *c = gw_malloc(sizeof(*c));
	struct stat st;
	int dir, fd = -1;

	memset(c, 0, sizeof(*c));
	c->out = open(outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->out < 0)
		goto none;
	dir = openat(c->out, CACHE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		     O_CLOEXEC);
	if (dir >= 0) {
		fd = openat(dir, CACHE_FILE, O_RDONLY | O_NOFOLLOW |
			    O_NONBLOCK | O_CLOEXEC);
		close(dir);
	}
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    !st.st_size || (size_t)st.st_size > CACHE_MAX)
		goto none;
	c->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (c->map == MAP_FAILED) {
		c->map = NULL;
		goto none;
	}
	c->size = (size_t)st.st_size;
	c->mtime = st.st_mtim;
	close(fd);
	fd = -1;
	if (index_records(c))
		goto none;
	return c;
none:
	if (fd >= 0)
		close(fd);
	gw_cache_close(c);
	return NULL;
}

void gw_cache_close(struct gw_cache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		free((char *)c->records[i].path);
	free(c->records);
	free(c->slots);
	if (c->map)
		munmap(c->map, c->size);
	if (c->out >= 0)
		close(c->out);
	free(c);
}

/* ---- a lookup -------------------------------------------------------- */

/* @t is older than the cache file: its change would have been seen. */
static bool settled(const struct gw_cache *c, long long sec, long nsec)
{
	return sec < c->mtime.tv_sec ||
	       (sec == c->mtime.tv_sec && nsec < c->mtime.tv_nsec);
}

/* The stat fields of a "folder" or "file" line from field @k against
 * @st; false when they differ or are racy. */
static bool same_stat(struct gw_cache *c, const struct fields *fl,
		      size_t k, const struct stat *st)
{
	long long ino, mode, size, ms, mn, cs, cn;

	if (get_ll(fl, k, &ino, 10) || get_ll(fl, k + 1, &mode, 8) ||
	    get_ll(fl, k + 2, &size, 10) || get_ll(fl, k + 3, &ms, 10) ||
	    get_ll(fl, k + 4, &mn, 10) || get_ll(fl, k + 5, &cs, 10) ||
	    get_ll(fl, k + 6, &cn, 10))
		return false;
	if ((unsigned long long)ino != (unsigned long long)st->st_ino ||
	    (unsigned)mode != (unsigned)st->st_mode ||
	    size != (long long)st->st_size ||
	    ms != (long long)st->st_mtim.tv_sec || mn != st->st_mtim.tv_nsec ||
	    cs != (long long)st->st_ctim.tv_sec || cn != st->st_ctim.tv_nsec)
		return false;
	if (settled(c, ms, (long)mn) && settled(c, cs, (long)cn))
		return true;
	c->racy = true;
	return false;
}

/* A name of OUT's two levels, as gwc makes them (no "/", ".", ".."). */
static bool plain_name(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* Each "folder" of @r, and each "file" after it, as OUT holds them now;
 * a folder holds no entry more than those listed. */
static bool folders_as_recorded(struct gw_cache *c, const char *text,
				size_t len, struct gw_arena *arena)
{
	const char *p = text, *end = text + len, *nl;
	int dir = -1;
	long long files = 0, entries = 0;
	bool ok = true;
	struct fields fl;

	for (; ok && p < end; p = nl + 1) {
		struct stat st;
		const char *a, *b;

		nl = memchr(p, '\n', (size_t)(end - p));
		split(p, (size_t)(nl - p), &fl);
		if (is(&fl, "folder")) {
			if (dir >= 0 && files != entries)
				ok = false;
			if (dir >= 0)
				close(dir);
			dir = -1;
			files = 0;
			if (get_str(&fl, 1, arena, &a) || !plain_name(a) ||
			    get_str(&fl, 2, arena, &b) || !plain_name(b) ||
			    get_ll(&fl, 10, &entries, 10)) {
				ok = false;
				break;
			}
			dir = openat(c->out, gw_arena_printf(arena, "%s/%s", a,
				     b), O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				     O_CLOEXEC);
			ok = dir >= 0 && !fstat(dir, &st) &&
			     same_stat(c, &fl, 3, &st);
		} else if (is(&fl, "file")) {
			ok = dir >= 0 && !get_str(&fl, 1, arena, &a) &&
			     plain_name(a) &&
			     !fstatat(dir, a, &st, AT_SYMLINK_NOFOLLOW) &&
			     same_stat(c, &fl, 2, &st);
			files++;
		}
	}
	if (ok && dir >= 0 && files != entries)
		ok = false;
	if (dir >= 0)
		close(dir);
	return ok;
}

uint64_t gw_cache_stat_key(const struct stat *st)
{
	const uint64_t v[] = {
		(uint64_t)st->st_dev, (uint64_t)st->st_ino,
		(uint64_t)st->st_mode, (uint64_t)st->st_size,
		(uint64_t)st->st_mtim.tv_sec, (uint64_t)st->st_mtim.tv_nsec,
		(uint64_t)st->st_ctim.tv_sec, (uint64_t)st->st_ctim.tv_nsec,
	};
	uint64_t h = 1469598103934665603ull;	/* FNV-1a, byte by byte */
	size_t i, b;

	for (i = 0; i < sizeof(v) / sizeof(*v); i++)
		for (b = 0; b < 64; b += 8)
			h = (h ^ ((v[i] >> b) & 0xff)) * 1099511628211ull;
	h &= INT64_MAX;		/* read back as a long long */
	return h ? h : 1;	/* 0: no stat recorded */
}

int gw_cache_known(struct gw_cache *c, const char *path,
		   const struct stat *st, unsigned char digest[32])
{
	struct record *r = c ? find(c, path) : NULL;

	if (!r || r->stat_key != gw_cache_stat_key(st) ||
	    !settled(c, st->st_mtim.tv_sec, st->st_mtim.tv_nsec) ||
	    !settled(c, st->st_ctim.tv_sec, st->st_ctim.tv_nsec))
		return -1;
	memcpy(digest, r->digest, 32);
	return 0;
}

int gw_cache_lookup(struct gw_cache *c, struct gw_arena *arena,
		    const char *path, const unsigned char digest[32],
		    struct gw_cache_source *out)
{
	struct record *r = c ? find(c, path) : NULL;
	const char *p, *end, *nl;
	struct fields fl;
	size_t cap_r = 0, cap_g = 0, cap_n = 0;

	memset(out, 0, sizeof(*out));
	if (!r || memcmp(r->digest, digest, 32) ||
	    !folders_as_recorded(c, r->text, r->len, arena))
		return -1;
	for (p = r->text, end = r->text + r->len; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		split(p, (size_t)(nl - p), &fl);
		if (is(&fl, "read")) {
			struct gw_cache_read *rd;

			out->reads = gw_arena_grow(arena, out->reads, out->nreads,
						   &cap_r, sizeof(*out->reads));
			rd = &out->reads[out->nreads++];
			if (get_str(&fl, 1, arena, &rd->path) || !rd->path ||
			    get_digest(&fl, 2, rd->digest))
				return -1;
		} else if (is(&fl, "gateway")) {
			struct gw_summary *s;
			long long flags;
			int priv;

			out->gateways = gw_arena_grow(arena, out->gateways,
						      out->ngateways, &cap_g,
						      sizeof(*out->gateways));
			s = &out->gateways[out->ngateways++];
			memset(s, 0, sizeof(*s));
			if (get_str(&fl, 1, arena, &s->file) ||
			    get_str(&fl, 2, arena, &s->ns) ||
			    get_str(&fl, 3, arena, &s->name) ||
			    get_str(&fl, 4, arena, &s->istio) ||
			    get_str(&fl, 5, arena, &s->template_path) ||
			    get_str(&fl, 6, arena, &s->revision) ||
			    get_str(&fl, 7, arena, &s->istio_path) ||
			    get_spot(&fl, 8, &s->mark) ||
			    get_spot(&fl, 11, &s->name_mark) ||
			    get_spot(&fl, 14, &s->kernel_mark) ||
			    get_spot(&fl, 17, &s->template_mark) ||
			    get_spot(&fl, 20, &s->revision_mark) ||
			    get_spot(&fl, 23, &s->template_demand_mark) ||
			    get_ll(&fl, 26, &flags, 16) ||
			    get_int(&fl, 27, &priv) || !s->ns || !s->name)
				return -1;
			s->revision_given = flags & 1;
			s->scoped = flags & 2;
			s->kernel_version = flags & 4;
			s->legacy = flags & 8;
			s->pin = flags & 16;
			s->replaces = flags & 32;
			s->overlay = flags & 64;
			s->bind = flags & 128;
			s->gateway_api = flags & 256;
			s->privileged = (enum gw_privileged)priv;
		} else if (is(&fl, "note")) {
			struct gw_diag_entry *e;
			int sev;

			out->notes = gw_arena_grow(arena, out->notes, out->nnotes,
						   &cap_n, sizeof(*out->notes));
			e = &out->notes[out->nnotes++];
			memset(e, 0, sizeof(*e));
			if (get_int(&fl, 1, &sev) || sev < GW_SEV_ERROR ||
			    sev > GW_SEV_NOTE || get_mark(&fl, 2, arena, &e->mark) ||
			    get_str(&fl, 5, arena, &e->msg) || !e->msg)
				return -1;
			e->severity = (enum gw_severity)sev;
		}
	}
	r->used = true;
	return 0;
}

/* ---- writing --------------------------------------------------------- */

/*
 * The new cache file, written as it is made, in chunks: while its bytes
 * are the old file's, nothing is written at all; at the first difference
 * the temporary file is made and the same prefix copied from the old.  So
 * a build that changed nothing writes nothing, and the text is never in
 * memory whole (1.5 KB a gateway: 150 MB for 100,000).
 */
struct sink {
	int out, dir, fd;
	char tmp[64];
	struct gw_buf b;
	const struct gw_cache *old;
	size_t off;		/* bytes made before b */
	bool differs, failed;
};

static int open_tmp(struct sink *k)
{
	int fd;

	if (mkdirat(k->out, CACHE_DIR, 0755) && errno != EEXIST)
		return -1;
	k->dir = openat(k->out, CACHE_DIR, O_RDONLY | O_DIRECTORY |
			O_NOFOLLOW | O_CLOEXEC);
	if (k->dir < 0)
		return -1;
	fd = openat(k->dir, ".gitignore", O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0) {
		/* git ignores the folder, this file included */
		bool ok = write(fd, "*\n", 2) == 2;

		if (close(fd) || !ok)
			return -1;
	}
	snprintf(k->tmp, sizeof(k->tmp), "%s.%ld", CACHE_FILE,
		 (long)getpid());
	unlinkat(k->dir, k->tmp, 0);
	k->fd = openat(k->dir, k->tmp, O_WRONLY | O_CREAT | O_EXCL |
		       O_NOFOLLOW | O_CLOEXEC, 0644);
	return k->fd < 0 ? -1 : 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Passes the bytes made so far on: compared, or written. */
static void sink_flush(struct sink *k)
{
	const struct gw_cache *old = k->old;

	if (k->failed || !k->b.len)
		return;
	if (!k->differs && old && !old->racy && k->off + k->b.len <= old->size &&
	    !memcmp(old->map + k->off, k->b.data, k->b.len)) {
		k->off += k->b.len;
		k->b.len = 0;
		return;
	}
	if (!k->differs) {
		k->differs = true;
		if (open_tmp(k) || (k->off && write_all(k->fd, old->map,
							 k->off))) {
			k->failed = true;
			return;
		}
	}
	if (write_all(k->fd, k->b.data, k->b.len))
		k->failed = true;
	k->off += k->b.len;
	k->b.len = 0;
}

static void sink_add(struct sink *k, const char *p, size_t n)
{
	gw_buf_add(&k->b, p, n);
	if (k->b.len >= 65536)
		sink_flush(k);
}


/*
 * "folder" and "file" lines of OUT/@parent/@name, which @written wrote
 * (its files' stat as taken when each was written: a folder of 10,000
 * gateways' build is not listed and stat'ed again, which took a fifth of
 * the run); -1 when @written has no record of it.
 */
static int put_written(struct gw_buf *b, int out, struct gw_writer *written,
		       const char *parent, const char *name)
{
	struct gw_fileset files = { 0 };
	struct stat st;
	char *path;
	size_t i;
	int err;

	if (!written || gw_writer_written(written, parent, name, &files))
		return -1;
	if (asprintf(&path, "%s/%s", parent, name) < 0)
		gw_oom();
	err = fstatat(out, path, &st, AT_SYMLINK_NOFOLLOW) ||
	      !S_ISDIR(st.st_mode);
	free(path);
	if (!err) {
		gw_buf_puts(b, "folder");
		put_str(b, parent);
		put_str(b, name);
		put_stat(b, &st);
		gw_buf_printf(b, " %zu\n", files.n);
	}
	for (i = 0; !err && i < files.n; i++) {
		struct gw_written r;

		memcpy(&r, files.files[i].data, sizeof(r));
		memset(&st, 0, sizeof(st));
		st.st_ino = (ino_t)r.ino;
		st.st_mode = (mode_t)r.mode;
		st.st_size = (off_t)r.size;
		st.st_mtim.tv_sec = (time_t)r.mtime_sec;
		st.st_mtim.tv_nsec = (long)r.mtime_nsec;
		st.st_ctim.tv_sec = (time_t)r.ctime_sec;
		st.st_ctim.tv_nsec = (long)r.ctime_nsec;
		gw_buf_puts(b, "file");
		put_str(b, files.files[i].path);
		put_stat(b, &st);
		gw_buf_puts(b, "\n");
	}
	gw_fileset_release(&files);
	return err ? -1 : 0;
}

/* "folder" and "file" lines of OUT/@parent/@name as it is now; -1 when it
 * cannot be read. */
static int put_folder(struct gw_buf *b, int out, struct gw_writer *written,
		      const char *parent, const char *name)
{
	char *path;
	struct gw_buf files = { 0 };
	struct dirent *de;
	struct stat st;
	size_t n = 0;
	int fd;
	DIR *d;

	if (!put_written(b, out, written, parent, name))
		return 0;
	if (asprintf(&path, "%s/%s", parent, name) < 0)
		gw_oom();
	fd = openat(out, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	free(path);
	if (fd < 0 || fstat(fd, &st) || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	gw_buf_puts(b, "folder");
	put_str(b, parent);
	put_str(b, name);
	put_stat(b, &st);
	while ((de = readdir(d))) {
		struct stat fst;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &fst, AT_SYMLINK_NOFOLLOW)) {
			closedir(d);
			gw_buf_release(&files);
			return -1;
		}
		gw_buf_puts(&files, "file");
		put_str(&files, de->d_name);
		put_stat(&files, &fst);
		gw_buf_puts(&files, "\n");
		n++;
	}
	closedir(d);
	gw_buf_printf(b, " %zu\n", n);
	if (files.len)
		gw_buf_add(b, files.data, files.len);
	gw_buf_release(&files);
	return 0;
}

static void put_source(struct sink *k, int out, struct gw_writer *written,
		       const struct gw_cache_source *s)
{
	struct gw_buf b = { 0 };
	size_t i;

	gw_buf_puts(&b, "source");
	put_str(&b, s->path);
	put_digest(&b, s->digest);
	gw_buf_printf(&b, " %llx\n", (unsigned long long)s->stat_key);
	for (i = 0; i < s->nreads; i++) {
		gw_buf_puts(&b, "read");
		put_str(&b, s->reads[i].path);
		put_digest(&b, s->reads[i].digest);
		gw_buf_puts(&b, "\n");
	}
	/* line by line into the sink: one file of 100,000 specs is one
	 * record, and it is never held whole */
	for (i = 0; i < s->ngateways; i++, sink_add(k, b.data, b.len),
	     b.len = 0) {
		const struct gw_summary *g = &s->gateways[i];

		gw_buf_puts(&b, "gateway");
		put_str(&b, g->file);
		put_str(&b, g->ns);
		put_str(&b, g->name);
		put_str(&b, g->istio);
		put_str(&b, g->template_path);
		put_str(&b, g->revision);
		put_str(&b, g->istio_path);
		put_mark(&b, gw_summary_at(g, g->mark));
		put_mark(&b, gw_summary_at(g, g->name_mark));
		put_mark(&b, gw_summary_at(g, g->kernel_mark));
		put_mark(&b, gw_summary_at(g, g->template_mark));
		put_mark(&b, gw_summary_at(g, g->revision_mark));
		put_mark(&b, gw_summary_at(g, g->template_demand_mark));
		gw_buf_printf(&b, " %x %d\n", g->revision_given | g->scoped << 1 |
			      g->kernel_version << 2 | g->legacy << 3 |
			      g->pin << 4 | g->replaces << 5 | g->overlay << 6 |
			      g->bind << 7 | g->gateway_api << 8,
			      (int)g->privileged);
	}
	for (i = 0; i < s->nnotes; i++, sink_add(k, b.data, b.len), b.len = 0) {
		gw_buf_printf(&b, "note %d", (int)s->notes[i].severity);
		put_mark(&b, s->notes[i].mark);
		put_str(&b, s->notes[i].msg);
		gw_buf_puts(&b, "\n");
	}
	for (i = 0; i < s->ngateways; i++, sink_add(k, b.data, b.len),
	     b.len = 0)
		if (put_folder(&b, out, written, s->gateways[i].ns,
			       s->gateways[i].name)) {
			/* a line no lookup accepts: compiled next time */
			gw_buf_puts(&b, "folder - -\n");
			break;
		}
	sink_add(k, b.data, b.len);
	sink_add(k, "end\n", 4);
	gw_buf_release(&b);
}

/* The folders of an earlier run's record, still as recorded. */
static bool still_valid(struct gw_cache *c, const struct record *r)
{
	struct gw_arena *scratch = gw_arena_new();
	bool ok = folders_as_recorded(c, r->text, r->len, scratch);

	gw_arena_free(scratch);
	return ok;
}

int gw_cache_write(int out, struct gw_writer *written, struct gw_cache *old,
		   size_t n,
		   int (*source)(void *arg, size_t i,
				 struct gw_cache_source *s),
		   void *arg)
{
	struct sink k = { .out = out, .dir = -1, .fd = -1, .old = old };
	size_t i;
	int ret = 0;

	gw_buf_printf(&k.b, "%s%s\n", CACHE_MAGIC, gw_build_id);
	for (i = 0; i < n; i++) {
		struct gw_cache_source s = { 0 };
		struct record *r = NULL;
		int fresh = source(arg, i, &s);

		if (s.path && old && (r = find(old, s.path)))
			r->used = true;	/* this run's: recorded here or not */
		if (fresh <= 0)
			continue;
		if (s.cached && r && r->stat_key == s.stat_key)
			/* verified by the lookup, the spec as recorded */
			sink_add(&k, r->text, r->len);
		else
			put_source(&k, out, written, &s);
	}
	/* the records of other runs' specs sharing OUT, while they hold */
	for (i = 0; old && i < old->n; i++)
		if (!old->records[i].used && still_valid(old, &old->records[i]))
			sink_add(&k, old->records[i].text, old->records[i].len);
	sink_flush(&k);
	if (!k.differs && old && k.off == old->size) {
		gw_buf_release(&k.b);
		return 0;	/* unchanged: not written again */
	}
	if (!k.differs) {	/* shorter than the old file, or the first */
		k.differs = true;
		if (open_tmp(&k) || (k.off && write_all(k.fd, old->map, k.off)))
			k.failed = true;
	}
	if (k.fd >= 0 && close(k.fd))
		k.failed = true;
	if (k.failed || renameat(k.dir, k.tmp, k.dir, CACHE_FILE)) {
		if (k.dir >= 0 && k.tmp[0])
			unlinkat(k.dir, k.tmp, 0);
		ret = -1;
	}
	if (k.dir >= 0)
		close(k.dir);
	gw_buf_release(&k.b);
	return ret;
}
