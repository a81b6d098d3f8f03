#!/usr/bin/env bash
# tests/run.sh - every test of gwc; the last line is "N passed, N failed, N skipped".
#
# Suites, in order:
#   unit     cmocka binaries in $UNIT_DIR (each test counts)
#   examples examples/ rebuilt in a temporary folder must equal out/ byte for byte
#   golden   tests/golden/<case>/: gwc build of the case's specs must give
#            expected/ exactly, with the diagnostics in `stderr` (if present)
#   bad      tests/bad/<case>/: gwc must exit with `status` and print exactly
#            `stderr`, and leave an existing output folder untouched
#   suites   tests/suites/*.sh: scripts printing "ok NAME", "FAIL NAME: why"
#            or "skip NAME: why" lines (independent readers, jq, kubectl, ...)
#
# Environment: GWC (the binary), UNIT_DIR (unit test binaries), SHARED
# (default ../shared), ONLY (a regular expression of suite/case names).
set -u
export LC_ALL=C TZ=UTC
umask 022
top=$(cd "$(dirname "$0")/.." && pwd)
GWC=$(cd "$top" && realpath "${GWC:-build/gwc}")
UNIT_DIR=$(cd "$top" && realpath "${UNIT_DIR:-build/tests}")
SHARED=${SHARED:-$top/../shared}
ONLY=${ONLY:-}
export GWC SHARED top UNIT_DIR
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0 skipped=0

ok() { passed=$((passed + 1)); echo "ok $1"; }
not_ok() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
skip() { skipped=$((skipped + 1)); echo "skip $1: $2"; }
wanted() { [ -z "$ONLY" ] || [[ $1 =~ $ONLY ]]; }

# A listing of a tree: path, mode, size, mtime and checksum of every entry.
snapshot() {
	(cd "$1" && find . -printf '%p %M %s %T@\n' | sort && find . -type f -print0 | sort -z | xargs -0r sha256sum)
}

# ---- unit ----------------------------------------------------------------
for bin in "$UNIT_DIR"/test_*; do
	[ -x "$bin" ] || continue
	name=unit/$(basename "$bin")
	wanted "$name" || continue
	out=$("$bin" 2>&1)
	status=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n1)
	p=${p:-0} f=${f:-0}
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p)) failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		printf '%s\n' "$out" | grep -E 'FAILED|ERROR|error|Assert|Leak' | head -n 20
		echo "FAIL $name: $f failed"
	else
		echo "ok $name ($p tests)"
	fi
done

# ---- examples -> out/ ----------------------------------------------------
# The GitOps workflow, dogfooded: out/ must be exactly what gwc writes.
if wanted examples; then
	if (cd "$top" && "$GWC" build --check --prune -o out examples/*.yaml) >"$tmp/examples.diff" 2>"$tmp/examples.err"; then
		ok "examples (out/ is up to date: gwc build --check)"
	else
		not_ok examples "out/ differs from what gwc writes (run make):
$(head -n 40 "$tmp/examples.diff") $(head -n 5 "$tmp/examples.err")"
	fi
fi

# ---- golden --------------------------------------------------------------
for dir in "$top"/tests/golden/*/; do
	[ -d "$dir" ] || continue
	case=golden/$(basename "$dir")
	wanted "$case" || continue
	out=$tmp/$(basename "$dir")
	if [ -f "$dir/args" ]; then read -r -a args <"$dir/args"; else
		args=(); for f in "$dir"/*.yaml; do args+=("$(basename "$f")"); done
	fi
	(cd "$dir" && "$GWC" build -o "$out" "${args[@]}") >"$tmp/stdout" 2>"$tmp/stderr"
	status=$?
	want_err=/dev/null
	[ -f "$dir/stderr" ] && want_err=$dir/stderr
	if [ $status -ne 0 ]; then
		not_ok "$case" "exit status $status: $(head -n 5 "$tmp/stderr")"
	elif ! diff -u "$want_err" "$tmp/stderr" >"$tmp/diff"; then
		not_ok "$case" "diagnostics differ:
$(cat "$tmp/diff")"
	elif ! diff -r -x .gwc-cache "$dir/expected" "$out" >"$tmp/diff"; then
		not_ok "$case" "output differs:
$(head -n 40 "$tmp/diff")"
	else
		ok "$case"
	fi
done

# ---- bad input -----------------------------------------------------------
"$GWC" build -o "$tmp/bad-base" "$top/examples/minimal.yaml" 2>/dev/null
for dir in "$top"/tests/bad/*/; do
	[ -d "$dir" ] || continue
	case=bad/$(basename "$dir")
	wanted "$case" || continue
	out=$tmp/bad-out
	rm -rf "$out"
	cp -a "$tmp/bad-base" "$out"
	before=$(snapshot "$out")
	if [ -f "$dir/args" ]; then read -r -a args <"$dir/args"; else args=(spec.yaml); fi
	(cd "$dir" && "$GWC" build -o "$out" "${args[@]}") >"$tmp/stdout" 2>"$tmp/stderr"
	status=$?
	want_status=$(cat "$dir/status" 2>/dev/null || echo 1)
	if [ "$status" != "$want_status" ]; then
		not_ok "$case" "exit status $status, expected $want_status: $(head -n 3 "$tmp/stderr")"
	elif ! diff -u "$dir/stderr" "$tmp/stderr" >"$tmp/diff"; then
		not_ok "$case" "diagnostics differ:
$(cat "$tmp/diff")"
	elif [ "$before" != "$(snapshot "$out")" ]; then
		not_ok "$case" "the existing output folder changed"
	else
		ok "$case"
	fi
done

# ---- suites --------------------------------------------------------------
# The suites run at once, JOBS at a time (default: the machine's cores),
# each into its own log; their lines are then counted and printed in the
# order of their names, as if they had run one after the other.
# A suite runs when ONLY matches its name, or when one of ONLY's
# alternatives names a case of it ("inject/usage", "readers/files/.*");
# then only the lines of the cases ONLY matches count.
suite_wanted() {
	local alt
	wanted "$1" && return 0
	IFS='|' read -r -a alts <<<"$ONLY"
	for alt in "${alts[@]}"; do
		alt=${alt#^}
		[[ $alt == */* ]] && [[ $1 =~ ^(${alt%%/*})$ ]] && return 0
	done
	return 1
}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
suites=()
for script in "$top"/tests/suites/*.sh; do
	[ -f "$script" ] || continue
	suite=$(basename "$script" .sh)
	suite_wanted "$suite" || continue
	suites+=("$suite")
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
	mkdir -p "$tmp/suite-$suite"
	(TMPDIR=$tmp/suite-$suite bash "$script" >"$tmp/suite-$suite.log" 2>&1
	 echo "exit $?" >>"$tmp/suite-$suite.log") &
done
wait
for suite in "${suites[@]}"; do
	whole=0
	wanted "$suite" && whole=1
	while IFS= read -r line; do
		case $line in
		"ok "* | "FAIL "* | "skip "*)
			name=${line#* }
			name=${name%%[: ]*}
			[ $whole = 1 ] || wanted "$name" || continue
			;;
		esac
		case $line in
		"ok "*) passed=$((passed + 1)); echo "$line" ;;
		"FAIL "*) failed=$((failed + 1)); echo "$line" ;;
		"skip "*) skipped=$((skipped + 1)); echo "$line" ;;
		"exit 0") ;;
		"exit "*) failed=$((failed + 1)); echo "FAIL $suite: the script ${line}ed" ;;
		*) [ $whole = 1 ] && echo "  $line" ;;
		esac
	done <"$tmp/suite-$suite.log"
done

if [ -n "$ONLY" ] && [ $((passed + failed + skipped)) -eq 0 ]; then
	echo "ONLY='$ONLY' matches no test"
	failed=1
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
