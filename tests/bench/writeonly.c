/*
 * writeonly.c - the cost floor of gwc's output: a process that writes
 * exactly the files of a given output tree and does nothing else (issue 16;
 * tests/bench/run.sh compares gwc with it).
 *
 *   writeonly pack TREE PACK    (once, outside the timing) reads every
 *                               regular file under TREE, in path order, and
 *                               writes PACK: records of mode, length, path
 *                               and bytes; prints "FILES BYTES"
 *   writeonly write PACK DEST   (timed) reads PACK and writes every file
 *                               into DEST, a new folder: each folder once
 *                               (mkdir -p), then open O_CREAT|O_EXCL, write,
 *                               close per file; no fsync
 *
 * PACK is a line "gwc-writeonly-pack 1", then per file a line
 * "MODE LENGTH PATH" (MODE in octal, PATH relative to TREE, no newline in
 * it) and LENGTH bytes.  The write mode reads it through one buffer, so its
 * own reading costs about what reading gwc's specs does, not a syscall per
 * file.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "gwc-writeonly-pack 1\n"

static void die(const char *what, const char *path)
{
	fprintf(stderr, "writeonly: %s %s: %s\n", what, path, strerror(errno));
	exit(2);
}

static void fail(const char *msg, const char *path)
{
	fprintf(stderr, "writeonly: %s: %s\n", path, msg);
	exit(2);
}

/* ---- pack ------------------------------------------------------------ */

static unsigned long long nfiles, nbytes;

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") && strcmp(d->d_name, "..");
}

/* packs the folder @root/@rel (@rel "" for the root itself) */
static void pack_dir(FILE *out, const char *root, const char *rel)
{
	struct dirent **ents;
	char path[PATH_MAX], sub[PATH_MAX];
	int n, i;

	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	n = scandir(path, &ents, not_dots, by_name);
	if (n < 0)
		die("cannot list", path);
	for (i = 0; i < n; i++) {
		struct stat st;
		char full[PATH_MAX];

		if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel,
				     *rel ? "/" : "", ents[i]->d_name) >=
		    sizeof(sub))
			fail("path too long", path);
		if ((size_t)snprintf(full, sizeof(full), "%s/%s", root, sub) >=
		    sizeof(full))
			fail("path too long", path);
		if (lstat(full, &st))
			die("cannot stat", full);
		if (S_ISDIR(st.st_mode)) {
			pack_dir(out, root, sub);
		} else if (S_ISREG(st.st_mode)) {
			char *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
			size_t got = 0;
			int fd = open(full, O_RDONLY | O_CLOEXEC);

			if (!buf || fd < 0)
				die("cannot read", full);
			while (got < (size_t)st.st_size) {
				ssize_t r = read(fd, buf + got,
						 (size_t)st.st_size - got);

				if (r <= 0)
					die("cannot read", full);
				got += (size_t)r;
			}
			close(fd);
			if (strchr(sub, '\n'))
				fail("a newline in the path", full);
			fprintf(out, "%o %zu %s\n", (unsigned)(st.st_mode & 07777),
				got, sub);
			if (fwrite(buf, 1, got, out) != got)
				die("cannot write", "the pack");
			free(buf);
			nfiles++;
			nbytes += got;
		} else {
			fail("neither a file nor a folder", full);
		}
		free(ents[i]);
	}
	free(ents);
}

static int pack(const char *tree, const char *packfile)
{
	FILE *out = fopen(packfile, "w");

	if (!out)
		die("cannot create", packfile);
	fputs(MAGIC, out);
	pack_dir(out, tree, "");
	if (fclose(out))
		die("cannot write", packfile);
	printf("%llu %llu\n", nfiles, nbytes);
	return 0;
}

/* ---- write ----------------------------------------------------------- */

static struct {
	int fd;
	char *buf;
	size_t cap, pos, len;
	int eof;
} in;

/* reads more of the pack, keeping buf[pos..len); grows buf when full */
static void fill(const char *packfile)
{
	ssize_t r;

	if (in.pos) {
		memmove(in.buf, in.buf + in.pos, in.len - in.pos);
		in.len -= in.pos;
		in.pos = 0;
	}
	if (in.len == in.cap) {
		in.cap *= 2;
		in.buf = realloc(in.buf, in.cap);
		if (!in.buf)
			die("out of memory for", packfile);
	}
	do
		r = read(in.fd, in.buf + in.len, in.cap - in.len);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		die("cannot read", packfile);
	if (!r)
		in.eof = 1;
	in.len += (size_t)r;
}

/* the next line without its newline, NUL-terminated in place; NULL at end */
static char *get_line(const char *packfile)
{
	char *nl;

	while (!(nl = memchr(in.buf + in.pos, '\n', in.len - in.pos))) {
		if (in.eof) {
			if (in.pos == in.len)
				return NULL;
			fail("truncated record", packfile);
		}
		fill(packfile);
	}
	{
		char *line = in.buf + in.pos;

		*nl = '\0';
		in.pos += (size_t)(nl - line) + 1;
		return line;
	}
}

static const char *get_bytes(size_t n, const char *packfile)
{
	const char *p;

	while (in.len - in.pos < n) {
		if (in.eof)
			fail("truncated file in", packfile);
		fill(packfile);
	}
	p = in.buf + in.pos;
	in.pos += n;
	return p;
}

static int write_tree(const char *packfile, const char *dest)
{
	char made[PATH_MAX] = "";	/* the last folder made, relative */
	char path[PATH_MAX], dir[PATH_MAX];
	int out;

	in.fd = open(packfile, O_RDONLY | O_CLOEXEC);
	if (in.fd < 0)
		die("cannot open", packfile);
	in.cap = 1 << 20;
	in.buf = malloc(in.cap);
	if (!in.buf)
		die("out of memory for", packfile);
	{
		char *magic = get_line(packfile);

		if (!magic || strcmp(magic, "gwc-writeonly-pack 1"))
			fail("not a pack", packfile);
	}
	if (mkdir(dest, 0777))
		die("cannot make", dest);
	out = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (out < 0)
		die("cannot open", dest);
	for (;;) {
		char *line = get_line(packfile), *end, *slash;
		unsigned long mode;
		size_t len, dlen;
		const char *data;
		int fd;

		if (!line)
			break;
		mode = strtoul(line, &end, 8);
		if (*end != ' ')
			fail("bad record", packfile);
		len = strtoull(end + 1, &end, 10);
		if (*end != ' ' || !end[1] || strlen(end + 1) >= sizeof(path))
			fail("bad record", packfile);
		strcpy(path, end + 1);
		data = get_bytes(len, packfile);

		/* mkdir -p of its folder, each folder once */
		slash = strrchr(path, '/');
		dlen = slash ? (size_t)(slash - path) : 0;
		memcpy(dir, path, dlen);
		dir[dlen] = '\0';
		if (dlen && strcmp(dir, made)) {
			size_t i;

			for (i = 1; i <= dlen; i++) {
				if (i < dlen && dir[i] != '/')
					continue;
				/* made already: a prefix of the last folder */
				if (!strncmp(made, dir, i) &&
				    (made[i] == '/' || !made[i]))
					continue;
				dir[i] = '\0';
				if (mkdirat(out, dir, 0777) && errno != EEXIST)
					die("cannot make", dir);
				if (i < dlen)
					dir[i] = '/';
			}
			memcpy(made, path, dlen);
			made[dlen] = '\0';
		}

		fd = openat(out, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
			    O_NOFOLLOW, (mode_t)mode);
		if (fd < 0)
			die("cannot create", path);
		while (len) {
			ssize_t w = write(fd, data, len);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				die("cannot write", path);
			data += w;
			len -= (size_t)w;
		}
		if (close(fd))
			die("cannot write", path);
	}
	close(out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "pack"))
		return pack(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "write"))
		return write_tree(argv[2], argv[3]);
	fprintf(stderr, "usage: writeonly pack TREE PACK\n"
		"       writeonly write PACK DEST\n");
	return 2;
}
