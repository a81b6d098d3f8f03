/*
 * depfile.c - build-system integration, after a successful build: the
 * stamp (a manifest of every file the run wrote) and the Make/Ninja
 * depfile whose target is that stamp.
 *
 * Consumes the rendered file set (paths relative to OUT, sorted) and the
 * list of input files the run read (spec files, custom injection
 * templates); produces two small text files, each written to a temporary
 * name next to it and renamed over it, so a reader sees the old file or
 * the new one, never half of one.
 *
 * The stamp is rewritten on every successful run, even with the same
 * content: Make compares its mtime with the inputs'.  Its content is a
 * function of the output alone: one "SHA256  PATH" line per file, sorted
 * by path, as `sha256sum` prints them, so `cd OUT && sha256sum -c STAMP`
 * verifies OUT.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gwc.h"

/* ---- SHA-256 (FIPS 180-4) ---------------------------------------------- */

/* ---- the stamp --------------------------------------------------------- */

void gw_depfile_stamp_text(struct gw_buf *out, const struct gw_fileset *set)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char digest[32];
	char line[65];
	size_t i, j;

	for (i = 0; i < set->n; i++) {
		gw_sha256(set->files[i].data, set->files[i].len, digest);
		for (j = 0; j < 32; j++) {
			line[2 * j] = hex[digest[j] >> 4];
			line[2 * j + 1] = hex[digest[j] & 15];
		}
		line[64] = '\0';
		gw_buf_printf(out, "%s  %s\n", line, set->files[i].path);
	}
}

/* ---- the depfile ------------------------------------------------------- */

int gw_depfile_escape(struct gw_buf *out, const char *path)
{
	const char *p;

	for (p = path; *p; p++) {
		switch (*p) {
		case '\n':
		case '\r':
			return -1;
		case ' ':
		case '\t':
		case ':': {
			/* as gcc: the backslashes before a blank are doubled;
			 * a colon too (GNU make reads "a\:b.yaml" as a name
			 * in a prerequisite list and as the target of the
			 * empty rule; raw, "a:b.yaml" made a rule of it) */
			const char *q = p;

			while (q > path && q[-1] == '\\') {
				gw_buf_puts(out, "\\");
				q--;
			}
			gw_buf_printf(out, "\\%c", *p);
			break;
		}
		case '#':
			gw_buf_puts(out, "\\#");
			break;
		case '$':
			gw_buf_puts(out, "$$");
			break;
		default:
			gw_buf_add(out, p, 1);
		}
	}
	return 0;
}

static bool listed_before(const struct gw_fileset *reads, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (!strcmp(reads->files[j].path, reads->files[i].path))
			return true;
	return false;
}

int gw_depfile_text(struct gw_buf *out, const char *target,
		    const struct gw_fileset *reads, const char **bad)
{
	size_t i;

	*bad = target;
	if (gw_depfile_escape(out, target))
		return -1;
	gw_buf_puts(out, ":");
	for (i = 0; i < reads->n; i++) {
		if (listed_before(reads, i))
			continue;
		gw_buf_puts(out, " \\\n ");
		*bad = reads->files[i].path;
		if (gw_depfile_escape(out, reads->files[i].path))
			return -1;
	}
	gw_buf_puts(out, "\n");
	/* as gcc -MP: a rule per input, so that removing one is no error */
	for (i = 0; i < reads->n; i++) {
		if (listed_before(reads, i))
			continue;
		gw_buf_puts(out, "\n");
		gw_depfile_escape(out, reads->files[i].path);
		gw_buf_puts(out, ":\n");
	}
	*bad = NULL;
	return 0;
}

/* ---- writing ----------------------------------------------------------- */

static int fail(struct gw_diag *diag, const char *what, const char *path,
		int err)
{
	gw_diag_add(diag, GW_SEV_ERROR, (struct gw_mark){ 0 }, "%s '%s': %s",
		    what, path, strerror(err));
	return -1;
}

/* Writes @data to @path through a temporary file in the same folder. */
static int replace_file(struct gw_diag *diag, const char *path,
			const char *data, size_t len, bool flush)
{
	char *tmp;
	size_t off = 0;
	int fd, err;

	if (asprintf(&tmp, "%s.gwc-%ld", path, (long)getpid()) < 0)
		gw_oom();
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0) {
		err = errno;
		free(tmp);
		return fail(diag, "cannot create", path, err);
	}
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out_fail;
		off += (size_t)n;
	}
	if (flush && fsync(fd) && errno != EINVAL)
		goto out_fail;
	if (close(fd)) {
		fd = -1;
		goto out_fail;
	}
	fd = -1;
	if (rename(tmp, path))
		goto out_fail;
	free(tmp);
	return 0;
out_fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return fail(diag, "cannot write", path, err);
}

int gw_depfile_write(const char *stamp, const char *depfile, bool fsync,
		     const struct gw_fileset *set,
		     const struct gw_fileset *reads, struct gw_diag *diag)
{
	struct gw_buf text = { 0 };
	const char *bad;
	int err = 0;

	if (depfile) {
		if (gw_depfile_text(&text, stamp, reads, &bad)) {
			gw_diag_add(diag, GW_SEV_ERROR, (struct gw_mark){ 0 },
				    "'%s' cannot be named in a depfile (a line "
				    "break in the name)", bad);
			err = -1;
		} else {
			err = replace_file(diag, depfile, text.data, text.len,
					   fsync);
		}
		text.len = 0;
	}
	if (!err && stamp) {
		gw_depfile_stamp_text(&text, set);
		err = replace_file(diag, stamp, text.data ? text.data : "",
				   text.len, fsync);
	}
	gw_buf_release(&text);
	return err;
}
