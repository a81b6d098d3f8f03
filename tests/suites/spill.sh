#!/usr/bin/env bash
# tests/suites/spill.sh - the folders pass 1 renders past its 4 MiB budget
# are parked in an unnamed file in $TMPDIR (gen/spill.c) and written from
# there; when no such file can be made or written, they are rendered again
# in pass 2.  Every way gives the same tree, and nothing is left in
# $TMPDIR.  1200 legacy-kernel gateways (about 6 MB of output) cross the
# budget.
#
#   spill/parked          TMPDIR an empty folder: strace sees the file made
#                         there with O_TMPFILE and written; the folder is
#                         empty after the run
#   spill/one-file        the same specs as one file of 1200 documents: one
#                         source parked gateway by gateway, the same tree
#   spill/no-tmpdir       TMPDIR a missing folder: rendered again, the same
#                         tree
#   spill/full            a file size limit of 64 KiB (SIGXFSZ ignored, so
#                         writes past it fail with EFBIG, as on a full
#                         /tmp): the parked writes fail, rendered again,
#                         the same tree, exit 0
set -u
export LC_ALL=C TZ=UTC
top=$(cd "$(dirname "$0")/../.." && pwd)
GWC=${GWC:-$top/build/gwc}
work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-spill.XXXXXX") || {
	echo "FAIL spill: cannot make a temporary folder"
	exit 0
}
trap 'rm -rf "$work"' EXIT
ok() { echo "ok spill/$1"; }
fail() { echo "FAIL spill/$1: $2"; }

# every file's path, mode and bytes, OUT's cache left out (it records
# stat, not content)
tree_sig() {
	(cd "$1" && find . -path ./.gwc-cache -prune -o -type f -printf '%p %m\n' |
		sort && find . -path ./.gwc-cache -prune -o -type f -print0 |
		sort -z | xargs -0 cat | sha256sum)
}

"$top/tests/bench/gen-specs.sh" "$work/specs" 1200 legacy
"$top/tests/bench/gen-specs.sh" "$work/one" 1200 legacy one
mkdir "$work/tmp"
specs=("$work"/specs/*.yaml)

# spill/parked
if command -v strace >/dev/null; then
	# LeakSanitizer cannot stop the world under strace (make debug test)
	TMPDIR=$work/tmp ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -o "$work/trace" -e trace=openat,pwrite64 \
		"$GWC" build -q -o "$work/parked" "${specs[@]}" 2>"$work/err"
	status=$?
	made=$(grep -c "openat(AT_FDCWD, \"$work/tmp\", O_RDWR|O_CLOEXEC|O_TMPFILE" "$work/trace")
	# bytes written there: a few hundred KB past the budget
	written=$(awk '/pwrite64\(/ && $NF > 0 { n += $NF } END { print n + 0 }' "$work/trace")
else
	echo "skip spill/parked: no strace to see the file made"
	TMPDIR=$work/tmp "$GWC" build -q -o "$work/parked" "${specs[@]}" 2>"$work/err"
	status=$? made=1 written=300000
fi
left=$(ls -A "$work/tmp")
if [ "$status" != 0 ]; then
	fail parked "exit $status: $(head -c 300 "$work/err")"
elif [ "$made" != 1 ] || [ "$written" -lt 300000 ]; then
	fail parked "expected one O_TMPFILE file in TMPDIR and some 700 KB written to it; made $made, $written bytes written"
elif [ -n "$left" ]; then
	fail parked "left in TMPDIR: $left"
else
	ok parked
fi
want=$(tree_sig "$work/parked")

# spill/one-file
TMPDIR=$work/tmp "$GWC" build -q -o "$work/one-out" "$work/one/gateways.yaml" 2>"$work/err"
status=$?
if [ "$status" != 0 ]; then
	fail one-file "exit $status: $(head -c 300 "$work/err")"
elif [ "$(tree_sig "$work/one-out")" != "$want" ]; then
	fail one-file "the tree differs from spill/parked's"
elif [ -n "$(ls -A "$work/tmp")" ]; then
	fail one-file "left in TMPDIR: $(ls -A "$work/tmp")"
else
	ok one-file
fi

# spill/no-tmpdir
TMPDIR=$work/missing "$GWC" build -q -o "$work/none" "${specs[@]}" 2>"$work/err"
status=$?
if [ "$status" != 0 ]; then
	fail no-tmpdir "exit $status: $(head -c 300 "$work/err")"
elif [ "$(tree_sig "$work/none")" != "$want" ]; then
	fail no-tmpdir "the tree differs from spill/parked's"
else
	ok no-tmpdir
fi

# spill/full: every output file is far under 64 KiB (ulimit -f counts
# KiB); the parked file is about 6 MB, OUT's cache about 2 MB (it is not
# written: that costs the next run time only)
if ! command -v strace >/dev/null; then
	echo "skip spill/full: no strace"
	exit 0
fi
(trap '' XFSZ; ulimit -f 64 && export TMPDIR=$work/tmp \
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 &&
	exec strace -f -o "$work/trace-full" \
	-e trace=pwrite64 "$GWC" build -q -o "$work/full" "${specs[@]}") 2>"$work/err"
status=$?
if [ "$status" != 0 ]; then
	fail full "exit $status: $(head -c 300 "$work/err")"
elif ! grep -q 'EFBIG' "$work/trace-full"; then
	fail full "no parked write failed with EFBIG: the limit did not bite"
elif [ "$(tree_sig "$work/full")" != "$want" ]; then
	fail full "the tree differs from spill/parked's"
elif [ -n "$(ls -A "$work/tmp")" ]; then
	fail full "left in TMPDIR: $(ls -A "$work/tmp")"
else
	ok full
fi
