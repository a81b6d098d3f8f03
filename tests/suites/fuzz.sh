#!/usr/bin/env bash
# tests/suites/fuzz.sh - replays each fuzz target's committed corpus
# (tests/fuzz/corpus/<target>/) and every kept reproducer
# (tests/fuzz/regressions/<target>/) through the replay binaries, without
# libFuzzer: one line per target and folder, each replay time-bounded.
#
# The replay binaries are $UNIT_DIR/replay_<target> (or $UNIT_DIR/..),
# which `make test` and `make debug test` build (tests/fuzz/replay.c linked
# with the target, under ASan + UBSan in the debug build).
#
# A reproducer of a finding that gen/ has not fixed yet is named in
# tests/fuzz/regressions/<target>/.open (one file name a line): it is
# replayed on its own and reported as "skip" while it still fails, and as
# "ok ... (fixed: ...)" once it passes, so that it can leave the list.
#
# Environment: top, UNIT_DIR (tests/run.sh exports both), TMPDIR,
# FUZZ_REPLAY_TIMEOUT (seconds per replay, default 300).
set -u
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
unit=${UNIT_DIR:-$top/build/tests}
limit=${FUZZ_REPLAY_TIMEOUT:-300}
log=$(mktemp "${TMPDIR:-/tmp}/fuzz-replay.XXXXXX")
trap 'rm -f "$log"' EXIT

# Why a replay failed, in one line: status, the input, the first report.
why() {
	local status=$1 what last first
	case $status in
	124) what="timed out after ${limit}s" ;;
	1[2-9][0-9]) what="killed by signal $((status - 128))$(kill -l "$status" 2>/dev/null | sed 's/^/ (SIG/;s/$/)/')" ;;
	*) what="exit status $status" ;;
	esac
	last=$(grep '^replay: ' "$log" | tail -n 1 | sed 's/^replay: //')
	first=$(grep -m 3 -E 'invariant violated|ERROR: |runtime error|SUMMARY|Assertion|cannot|error' "$log" |
		cut -c 1-200 | tr '\n' ' ')
	echo "$what${last:+ on ${last#"$top"/}}${first:+: $first}"
}

# Replays files "$@" with $bin; 0 when every input passed.
replay() {
	# (a subshell, so that the shell's "Illegal instruction" goes too)
	(timeout -k 10 "$limit" "$bin" "$@" >"$log" 2>&1; exit $?) 2>/dev/null
}

for target in compile template tmpl preview out; do
	bin=
	for d in "$unit" "$unit/.."; do
		if [ -x "$d/replay_$target" ]; then
			bin=$d/replay_$target
			break
		fi
	done
	if [ -z "$bin" ]; then
		for set in corpus regressions; do
			echo "skip fuzz/$set/$target: no replay_$target in $unit (make test builds it)"
		done
		continue
	fi
	for set in corpus regressions; do
		dir=$top/tests/fuzz/$set/$target
		name=fuzz/$set/$target
		open=()
		closed=()
		while IFS= read -r -d '' f; do
			base=$(basename "$f")
			if [ -f "$dir/.open" ] && grep -qxF -- "$base" "$dir/.open"; then
				open+=("$f")
			else
				closed+=("$f")
			fi
		done < <(find "$dir" -maxdepth 1 -type f ! -name '.*' -print0 2>/dev/null | sort -z)
		if [ ${#closed[@]} -eq 0 ]; then
			echo "ok $name (no inputs${open[0]:+ but the ${#open[@]} open findings below})"
		elif replay "${closed[@]}"; then
			echo "ok $name (${#closed[@]} inputs replayed by $(basename "$bin"))"
		else
			status=$?
			echo "FAIL $name: $(why "$status")"
		fi
		for f in "${open[@]}"; do
			if replay "$f"; then
				echo "ok $name/$(basename "$f") (fixed: take it off $set/$target/.open)"
			else
				status=$?
				echo "skip $name/$(basename "$f"): open finding, still fails ($(why "$status"))"
			fi
		done
	done
done
exit 0
