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

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotate_right(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	unsigned i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = rotate_right(w[i - 15], 7) ^
			      rotate_right(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = rotate_right(w[i - 2], 17) ^
			      rotate_right(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3];
	e = h[4], f = h[5], g = h[6], k = h[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (rotate_right(e, 6) ^ rotate_right(e, 11) ^
			  rotate_right(e, 25)) + ((e & f) ^ (~e & g)) +
		     sha256_k[i] + w[i];
		t2 = (rotate_right(a, 2) ^ rotate_right(a, 13) ^
		      rotate_right(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

void gw_sha256(const void *data, size_t len, unsigned char digest[32])
{
	uint32_t h[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	const unsigned char *p = data;
	unsigned char tail[128] = { 0 };
	uint64_t bits = (uint64_t)len * 8;
	size_t rest = len % 64, tail_len = rest < 56 ? 64 : 128, i;

	for (i = 0; i + 64 <= len; i += 64)
		sha256_block(h, p + i);
	if (rest)
		memcpy(tail, p + len - rest, rest);
	tail[rest] = 0x80;
	for (i = 0; i < 8; i++)
		tail[tail_len - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (i = 0; i < tail_len; i += 64)
		sha256_block(h, tail + i);
	for (i = 0; i < 32; i++)
		digest[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

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
		case '\t': {
			/* as gcc: the backslashes before a blank are doubled */
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
			const char *data, size_t len)
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
	if (fsync(fd) && errno != EINVAL)
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

int gw_depfile_write(const char *stamp, const char *depfile,
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
			err = replace_file(diag, depfile, text.data, text.len);
		}
		text.len = 0;
	}
	if (!err && stamp) {
		gw_depfile_stamp_text(&text, set);
		err = replace_file(diag, stamp, text.data ? text.data : "",
				   text.len);
	}
	gw_buf_release(&text);
	return err;
}
