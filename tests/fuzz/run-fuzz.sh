#!/usr/bin/env bash
# tests/fuzz/run-fuzz.sh - the run half of `make fuzz`: fuzzes each target
# with its libFuzzer binary build/fuzz/fuzz_<target> for SECONDS seconds
# with JOBS workers (-jobs=JOBS -workers=JOBS), on a copy of its committed
# corpus and reproducers in build/fuzz/corpus/<target>/ (which keeps what
# the fuzzer adds), and says what it found.
#
#   tests/fuzz/run-fuzz.sh SECONDS JOBS TARGET...
#
# Reproducers (crash-*, leak-*, timeout-*, oom-*) go to
# build/fuzz/crashes/<target>/; worker logs to build/fuzz/logs/<target>/.
# Exit status 1 when this run wrote a reproducer.  Extra libFuzzer flags:
# FUZZ_ARGS (e.g. FUZZ_ARGS=-max_len=16384).
set -u
[ $# -ge 3 ] || { echo "usage: $0 SECONDS JOBS TARGET..." >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=$1 jobs=$2
shift 2
fuzz=$top/build/fuzz
found=0

for t in "$@"; do
	bin=$fuzz/fuzz_$t
	corpus=$fuzz/corpus/$t
	crashes=$fuzz/crashes/$t
	logs=$fuzz/logs/$t
	[ -x "$bin" ] || { echo "fuzz: $bin is missing" >&2; exit 2; }
	mkdir -p "$corpus" "$crashes" "$logs"
	# the copy: committed inputs join what earlier runs found; not the
	# reproducers of open findings (regressions/<target>/.open), which
	# would stop every worker at its first input
	for dir in "$top/tests/fuzz/corpus/$t" "$top/tests/fuzz/regressions/$t"; do
		[ -d "$dir" ] || continue
		for f in "$dir"/*; do
			[ -f "$f" ] || continue
			[ -f "$dir/.open" ] && grep -qxF -- "$(basename "$f")" "$dir/.open" &&
				continue
			cp -p "$f" "$corpus/"
		done
	done
	flags=()
	[ -f "$top/tests/fuzz/$t.dict" ] && flags=(-dict="$top/tests/fuzz/$t.dict")
	case $t in
	compile) flags+=(-max_len=8192 -timeout=10) ;;	# specs: a few KB
	template) flags+=(-max_len=16384 -timeout=10) ;;	# istiod's template: 9 KB
	# the engine's bounds (gen/tmpl.h: 10^7 steps) take seconds under the
	# sanitizers: an input that reaches them is not a hang
	preview) flags+=(-max_len=16384 -timeout=60) ;;
	tmpl) flags+=(-timeout=60) ;;
	out) flags+=(-timeout=10 -max_len=64) ;;	# a byte per planted entry
	esac
	before=$(ls "$crashes" | sort)
	rm -f "$logs"/fuzz-*.log
	echo "fuzz: $t: ${seconds}s x $jobs workers on $(ls "$corpus" | wc -l) inputs" \
		"(build/fuzz/corpus/$t)"
	# -jobs writes fuzz-<job>.log into the current folder
	(cd "$logs" && "$bin" -max_total_time="$seconds" -jobs="$jobs" \
		-workers="$jobs" -rss_limit_mb=2048 \
		-print_final_stats=1 "${flags[@]}" ${FUZZ_ARGS:-} \
		-artifact_prefix="$crashes/" "$corpus" >/dev/null 2>&1)
	# what the workers say at the end
	execs=0
	for log in "$logs"/fuzz-*.log; do
		[ -f "$log" ] || continue
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		execs=$((execs + ${n:-0}))
		last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
		echo "fuzz: $t: $(basename "$log"): ${last:-no progress line}"
		grep -h -E '^Done [0-9]+ runs|^SUMMARY|^==[0-9]+==ERROR|deadly signal|invariant violated' "$log" |
			head -n 4 | sed "s/^/fuzz: $t:   /"
	done
	echo "fuzz: $t: $execs executions; corpus now $(ls "$corpus" | wc -l) inputs"
	new=$(comm -13 <(printf '%s\n' "$before") <(ls "$crashes" | sort) | grep . || true)
	for f in $new; do
		found=1
		# an input of the working corpus that fails now: out of it
		rm -f "$corpus/${f#*-}"
		echo "fuzz: $t: REPRODUCER build/fuzz/crashes/$t/$f"
		echo "fuzz: $t:   replay:   build/fuzz/fuzz_$t build/fuzz/crashes/$t/$f"
		echo "fuzz: $t:   minimise: build/fuzz/fuzz_$t -minimize_crash=1 -runs=10000 build/fuzz/crashes/$t/$f"
	done
done
if [ "$found" = 1 ]; then
	echo "fuzz: reproducers written (above); keep each, minimised, in tests/fuzz/regressions/<target>/"
	exit 1
fi
echo "fuzz: no crash, leak or timeout; new inputs are in build/fuzz/corpus/"
