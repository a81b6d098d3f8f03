/*
 * walltime.c - `walltime [-m] [-x STATUS] [-e FILE] CMD [ARG]...`: runs CMD
 * (its output to /dev/null) and prints the wall time from fork to its exit,
 * in microseconds; exit status 1 when CMD fails.  tests/bench/run.sh times
 * every run with it, so that the shell's own fork and exec costs are not in
 * the numbers.
 *
 *   -m         also print the child's peak memory (ru_maxrss, KiB, from
 *              wait4): "MICROSECONDS KIB"
 *   -x STATUS  the exit status CMD is expected to end with (default 0;
 *              `gwc build --check` ends with 1 when OUT differs)
 *   -e FILE    CMD's standard error to FILE instead of /dev/null
 *
 * When CMD ends otherwise than expected, walltime says how on its standard
 * error, still prints the time, and exits 1.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: walltime [-m] [-x STATUS] [-e FILE] CMD "
		"[ARG]...\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	const char *errfile = "/dev/null";
	int rss = 0, expect = 0, i = 1, status, null, err;
	pid_t pid;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-m"))
			rss = 1;
		else if (!strcmp(argv[i], "-x") && i + 1 < argc)
			expect = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-e") && i + 1 < argc)
			errfile = argv[++i];
		else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else
			return usage();
	}
	if (i >= argc)
		return usage();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		null = open("/dev/null", O_WRONLY);
		err = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (null >= 0)
			dup2(null, 1);
		if (err >= 0)
			dup2(err, 2);
		execvp(argv[i], argv + i);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rss)
		printf("%lld %ld\n", (long long)(t1.tv_sec - t0.tv_sec) *
		       1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000,
		       ru.ru_maxrss);
	else
		printf("%lld\n", (long long)(t1.tv_sec - t0.tv_sec) * 1000000 +
		       (t1.tv_nsec - t0.tv_nsec) / 1000);
	if (WIFEXITED(status) && WEXITSTATUS(status) == expect)
		return 0;
	if (WIFEXITED(status))
		fprintf(stderr, "walltime: %s: exit status %d\n", argv[i],
			WEXITSTATUS(status));
	else
		fprintf(stderr, "walltime: %s: killed by signal %d\n", argv[i],
			WTERMSIG(status));
	return 1;
}
