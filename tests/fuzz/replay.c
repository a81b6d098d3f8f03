/*
 * replay.c - runs a libFuzzer target's LLVMFuzzerTestOneInput on files, or
 * on every file of folders (sorted, names starting with '.' skipped),
 * without libFuzzer, so that the corpus and every kept reproducer replay
 * in `make test` and `make debug test` with any compiler.
 *
 *   replay_compile [-q] FILE|DIR...
 *
 * It names each input on stderr before running it (-q: only the count at
 * the end), so the last name before a crash is the input that crashed.
 * Exit status: 0, or 2 when an input cannot be read; a violated invariant
 * ends the process with the target's trap or the sanitizer's report.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int quiet;

static int replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL, *exact;
	size_t len = 0, cap = 0, n;
	int err;

	if (!fp) {
		perror(path);
		return -1;
	}
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n);
	err = ferror(fp);
	fclose(fp);
	if (err) {
		fprintf(stderr, "%s: read error\n", path);
		free(buf);
		return -1;
	}
	/* an exact-size copy, so that ASan sees any read past the input */
	exact = malloc(len ? len : 1);
	if (!exact)
		abort();
	memcpy(exact, buf, len);
	free(buf);
	if (!quiet) {
		fprintf(stderr, "replay: %s\n", path);
		fflush(stderr);
	}
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int skip_hidden(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

int main(int argc, char **argv)
{
	int i, runs = 0, err = 0;

	for (i = 1; i < argc; i++) {
		struct dirent **names;
		struct stat st;
		int n, k;

		if (!strcmp(argv[i], "-q")) {
			quiet = 1;
			continue;
		}
		if (stat(argv[i], &st) || !S_ISDIR(st.st_mode)) {
			err |= replay_file(argv[i]);
			runs++;
			continue;
		}
		n = scandir(argv[i], &names, skip_hidden, alphasort);
		if (n < 0) {
			perror(argv[i]);
			err = -1;
			continue;
		}
		for (k = 0; k < n; k++) {
			size_t len = strlen(argv[i]) + strlen(names[k]->d_name) + 2;
			char *path = malloc(len);

			if (!path)
				abort();
			snprintf(path, len, "%s/%s", argv[i], names[k]->d_name);
			if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
				free(path);	/* no recursion */
			} else {
				err |= replay_file(path);
				runs++;
				free(path);
			}
			free(names[k]);
		}
		free(names);
	}
	printf("%d inputs replayed\n", runs);
	return err ? 2 : 0;
}
