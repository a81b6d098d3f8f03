/*
 * walltime.c - `walltime CMD [ARG]...`: runs CMD (its output to /dev/null)
 * and prints the wall time from fork to its exit, in microseconds; exit
 * status 1 when CMD fails.  tests/bench/run.sh times every run with it, so
 * that the shell's own fork and exec costs are not in the numbers.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	pid_t pid;
	int status, null;

	if (argc < 2) {
		fprintf(stderr, "usage: walltime CMD [ARG]...\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%lld\n", (long long)(t1.tv_sec - t0.tv_sec) * 1000000 +
	       (t1.tv_nsec - t0.tv_nsec) / 1000);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
