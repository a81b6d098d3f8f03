/*
 * invariant.h - CHECK(cond) for a fuzz target that defines FUZZ_TARGET (its
 * name): a violated invariant prints "FUZZ_TARGET: invariant violated at
 * line N: cond" and traps, which libFuzzer records as a crash and the
 * replay (tests/fuzz/replay.c, tests/suites/fuzz.sh) as a failure.
 */
#ifndef FUZZ_INVARIANT_H
#define FUZZ_INVARIANT_H

#include <stdio.h>

#define CHECK(cond) do { if (!(cond)) fail(#cond, __LINE__); } while (0)

static _Noreturn void fail(const char *what, int line)
{
	fprintf(stderr, "%s: invariant violated at line %d: %s\n", FUZZ_TARGET,
		line, what);
	fflush(stderr);
	__builtin_trap();
}

#endif
