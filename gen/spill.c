/*
 * spill.c - rendered folders parked between the passes.
 *
 * Pass 1 renders every gateway whose template is istiod's own (compile.c),
 * but keeps at most KEEP_RENDERED bytes of output in memory for pass 2.
 * The folders past that used to be parsed and rendered a second time in
 * pass 2: a third of the CPU time of a 10,000-gateway build.  They are
 * parked here instead, in an unnamed temporary file, as sort(1) parks the
 * runs that do not fit in its memory: the kernel's page cache holds the
 * bytes, and may write them out and drop them under memory pressure,
 * which it cannot do with the process's own memory.
 *
 * The file is made with O_TMPFILE in $TMPDIR (an absolute path), else
 * /tmp, so it has no name: nothing is left behind, whatever ends the
 * process, and nothing in OUT is touched before the writer's turn.  A
 * file system without O_TMPFILE gets a mkstemp() file unlinked at once.
 * It is never flushed.  Each worker thread of pass 1 writes a file of its
 * own (gw_spill_put is not thread-safe), so the folders of one spec file
 * are one range of one file; pass 2 reads ranges from any thread
 * (pread).
 *
 * A spill is an optimisation only: when the file cannot be made, or a
 * write fails (a full /tmp), gw_spill_failed() says so and the caller
 * renders those folders again, as without it.
 *
 * Format, the process's own (native byte order, never read by another
 * program): groups, each a u32 count of files and that many files, each
 * a header (struct record) then the path and the bytes.  A group holds
 * whole folders: pass 2 hands a group to the writer as one piece.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gwc.h"

#define SPILL_BUF ((size_t)64 << 10)	/* bytes written per write() */

struct gw_spill {
	int fd;
	uint64_t size;		/* bytes put: the file's and the buffer's */
	uint64_t written;	/* the file's */
	char *buf;		/* SPILL_BUF bytes, not yet written */
	size_t len;
	bool failed;		/* a write failed: its ranges are not whole */
};

struct record {
	uint32_t path_len;
	uint32_t mode;
	uint32_t control_plane;
	uint32_t kept;
	uint64_t len;
};

/* An unnamed file in @dir, or -1. */
static int open_unnamed(const char *dir)
{
	char *path;
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR &&
			errno != EINVAL))
		return fd;
	if (asprintf(&path, "%s/.gwc-spill-XXXXXX", dir) < 0)
		gw_oom();
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	free(path);
	return fd;
}

struct gw_spill *gw_spill_open(void)
{
	const char *dir = getenv("TMPDIR");
	struct gw_spill *s;
	int fd;

	if (!dir || dir[0] != '/')
		dir = "/tmp";
	fd = open_unnamed(dir);
	if (fd < 0)
		return NULL;
	s = gw_malloc(sizeof(*s));
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->buf = gw_malloc(SPILL_BUF);
	return s;
}

void gw_spill_close(struct gw_spill *s)
{
	if (!s)
		return;
	close(s->fd);
	free(s->buf);
	free(s);
}

uint64_t gw_spill_size(const struct gw_spill *s)
{
	return s->size;
}

bool gw_spill_failed(const struct gw_spill *s)
{
	return s->failed;
}

/* Writes @n bytes at the file's end, unbuffered. */
static void write_out(struct gw_spill *s, const char *p, size_t n)
{
	while (n && !s->failed) {
		ssize_t w = pwrite(s->fd, p, n, (off_t)s->written);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->failed = true;
			return;
		}
		s->written += (uint64_t)w;
		p += w;
		n -= (size_t)w;
	}
}

int gw_spill_flush(struct gw_spill *s)
{
	write_out(s, s->buf, s->len);
	s->len = 0;
	return s->failed ? -1 : 0;
}

static void put(struct gw_spill *s, const void *p, size_t n)
{
	s->size += n;
	if (s->failed || !n)	/* an empty file's data may be NULL */
		return;
	if (s->len + n > SPILL_BUF) {
		gw_spill_flush(s);
		if (n >= SPILL_BUF) {	/* a big file: straight out */
			write_out(s, p, n);
			return;
		}
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

int gw_spill_put(struct gw_spill *s, const struct gw_fileset *set)
{
	uint32_t n = (uint32_t)set->n;
	size_t i;

	put(s, &n, sizeof(n));
	for (i = 0; i < set->n; i++) {
		const struct gw_file *f = &set->files[i];
		struct record r = {
			.path_len = (uint32_t)strlen(f->path),
			.mode = f->mode,
			.control_plane = f->control_plane,
			.kept = f->kept,
			.len = f->len,
		};

		put(s, &r, sizeof(r));
		put(s, f->path, r.path_len);
		put(s, f->data, f->len);
	}
	return s->failed ? -1 : 0;
}

/* ---- reading --------------------------------------------------------- */

/* Makes @n bytes from r->pos on available in r->buf; -1 when the range
 * ends first or the file cannot be read. */
static int need(struct gw_spill_reader *r, size_t n)
{
	size_t have = r->len - r->pos;

	if (have >= n)
		return 0;
	if ((uint64_t)(n - have) > r->end - r->off) {
		errno = EIO;	/* a truncated range: not ours */
		return -1;
	}
	if (have)
		memmove(r->buf, r->buf + r->pos, have);
	r->len = have;
	r->pos = 0;
	if (n > r->cap || SPILL_BUF > r->cap) {
		r->cap = n > SPILL_BUF ? n : SPILL_BUF;
		r->buf = realloc(r->buf, r->cap);
		if (!r->buf)
			gw_oom();
	}
	while (r->len < n) {
		size_t want = r->cap - r->len;
		ssize_t got;

		if (want > r->end - r->off)
			want = (size_t)(r->end - r->off);
		got = pread(r->s->fd, r->buf + r->len, want, (off_t)r->off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (!got)
				errno = EIO;
			return -1;
		}
		r->len += (size_t)got;
		r->off += (uint64_t)got;
	}
	return 0;
}

void gw_spill_reader_init(struct gw_spill_reader *r, const struct gw_spill *s,
			  uint64_t from, uint64_t to)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->off = from;
	r->end = to;
}

int gw_spill_read(struct gw_spill_reader *r, struct gw_fileset *set)
{
	uint32_t n, k;

	if (r->pos == r->len && r->off == r->end)
		return 0;
	if (need(r, sizeof(n)))
		return -1;
	memcpy(&n, r->buf + r->pos, sizeof(n));
	r->pos += sizeof(n);
	for (k = 0; k < n; k++) {
		struct record rec;
		struct gw_file *f;
		char *path, *data;

		if (need(r, sizeof(rec)))
			return -1;
		memcpy(&rec, r->buf + r->pos, sizeof(rec));
		r->pos += sizeof(rec);
		if (need(r, rec.path_len + (size_t)rec.len))
			return -1;
		path = gw_malloc(rec.path_len + 1);
		memcpy(path, r->buf + r->pos, rec.path_len);
		path[rec.path_len] = '\0';
		data = gw_malloc((size_t)rec.len + 1);
		memcpy(data, r->buf + r->pos + rec.path_len, (size_t)rec.len);
		data[rec.len] = '\0';
		r->pos += rec.path_len + (size_t)rec.len;
		set->files = gw_grow(set->files, set->n + 1, &set->cap,
				     sizeof(*set->files));
		f = &set->files[set->n++];
		f->path = path;
		f->data = data;
		f->len = (size_t)rec.len;
		f->mode = rec.mode;
		f->control_plane = rec.control_plane;
		f->kept = rec.kept;
	}
	return 1;
}

void gw_spill_reader_release(struct gw_spill_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}
