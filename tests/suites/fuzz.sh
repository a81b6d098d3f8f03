#!/usr/bin/env bash
# tests/suites/fuzz.sh - replays each fuzz target's committed corpus and
# every kept reproducer (tests/fuzz/regressions/) without libFuzzer.
set -u
for target in compile template; do
	bin=$UNIT_DIR/replay_$target
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz/$target: $bin is missing (make test builds it)"
		continue
	fi
	for set in corpus regressions; do
		dir=$top/tests/fuzz/$set/$target
		n=$(find "$dir" -type f ! -name '.*' 2>/dev/null | wc -l)
		if [ "$n" -eq 0 ]; then
			echo "ok fuzz/$set/$target (no inputs yet)"
			continue
		fi
		if out=$(timeout 300 "$bin" "$dir" 2>&1); then
			echo "ok fuzz/$set/$target ($n inputs)"
		else
			echo "FAIL fuzz/$set/$target: $(printf '%s\n' "$out" | grep -m3 -E 'ERROR|runtime error|Assert|trap|Illegal' | tr '\n' ' ')"
		fi
	done
done
exit 0
