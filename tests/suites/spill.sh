#!/usr/bin/env bash
# tests/suites/spill.sh - where the folders pass 1 renders go until the
# writer takes them.  Into an OUT that exists, the ones past its 4 MiB
# budget are parked in an unnamed file in $TMPDIR (gen/spill.c) and
# written from there; when no such file can be made or written, they are
# rendered again in pass 2.  Into a new OUT, each is fed to the writer as
# it is rendered (gen/feed.c), and a failed run removes that OUT.  Every
# way gives the same tree, and nothing is left in $TMPDIR.  1200
# legacy-kernel gateways (about 6 MB of output) cross the budget.
#
#   spill/parked          an OUT that exists (empty), TMPDIR an empty
#                         folder: strace sees the file made there with
#                         O_TMPFILE and written (and the writer's record of
#                         the files it wrote, for OUT's cache); the folder
#                         is empty after the run
#   spill/fed             a new OUT: only the writer's record of the files
#                         it wrote is made in TMPDIR (about 1 MB, not the
#                         6 MB of folders), and the first folder is staged
#                         before the last spec is read; the same tree
#   spill/one-file        the same specs as one file of 1200 documents,
#                         into a new OUT: one source fed gateway by
#                         gateway, the same tree
#   spill/fed-then-error  a new OUT, and a spec with an error after 1200
#                         good ones: exit 1, that error alone, no OUT
#   spill/fed-then-twice  a new OUT, and the first spec again under another
#                         name last (an error of the run, found after pass
#                         1): exit 1, no OUT
#   spill/fed-stage-fails a new OUT and a file size limit of 1 KiB: the
#                         first Deployment cannot be written, exit 2 with
#                         the writer's error, no OUT
#   spill/no-tmpdir       an OUT that exists, TMPDIR a missing folder:
#                         rendered again, the same tree
#   spill/full            an OUT that exists, and a file size limit of 64
#                         KiB (SIGXFSZ ignored, so writes past it fail with
#                         EFBIG, as on a full /tmp): the parked writes
#                         fail, rendered again, the same tree, exit 0
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
mkdir "$work/parked" "$work/none" "$work/full"
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
	status=$? made=2 written=1500000
fi
left=$(ls -A "$work/tmp")
if [ "$status" != 0 ]; then
	fail parked "exit $status: $(head -c 300 "$work/err")"
elif [ "$made" != 2 ] || [ "$written" -lt 1500000 ]; then
	fail parked "expected two O_TMPFILE files in TMPDIR (the spill, some 700 KB, and the writer's record of the files it wrote, some 1 MB) and over 1.5 MB written to them; made $made, $written bytes written"
elif [ -n "$left" ]; then
	fail parked "left in TMPDIR: $left"
else
	ok parked
fi
want=$(tree_sig "$work/parked")

# spill/fed
if command -v strace >/dev/null; then
	TMPDIR=$work/tmp ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -o "$work/trace-fed" -e trace=openat,mkdirat,pwrite64 \
		"$GWC" build -q -o "$work/fed" "${specs[@]}" 2>"$work/err"
	status=$?
	made=$(grep -c 'O_TMPFILE' "$work/trace-fed")
	written=$(awk '/pwrite64\(/ && $NF > 0 { n += $NF } END { print n + 0 }' "$work/trace-fed")
	# line numbers: the first staging folder made, the last spec opened
	first_stage=$(grep -n -m1 'mkdirat(.*"\.gw-[0-9]*\.gwc-' "$work/trace-fed" | cut -d: -f1)
	last_spec=$(grep -n "openat(AT_FDCWD, \"${specs[1199]}\"" "$work/trace-fed" | cut -d: -f1)
	if [ "$status" != 0 ]; then
		fail fed "exit $status: $(head -c 300 "$work/err")"
	elif [ "$made" != 1 ] || [ "$written" -gt 1500000 ]; then
		fail fed "expected one O_TMPFILE file (the writer's record, some 1 MB; the folders parked would be 6 MB more); made $made, $written bytes written"
	elif [ -z "$first_stage" ] || [ -z "$last_spec" ] ||
	     [ "$first_stage" -ge "$last_spec" ]; then
		fail fed "no folder staged before the last spec was read (first staging folder at trace line ${first_stage:-none}, last spec at ${last_spec:-none})"
	elif [ "$(tree_sig "$work/fed")" != "$want" ]; then
		fail fed "the tree differs from spill/parked's"
	else
		ok fed
	fi
else
	echo "skip spill/fed: no strace"
fi

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

# spill/fed-then-error: a spec whose kind is wrong, after the good ones
bad=$work/zz-bad.yaml
sed 's/^kind: .*/kind: Gateway/' "${specs[0]}" >"$bad"
"$GWC" build -q -o "$work/fed-bad" "${specs[@]}" "$bad" 2>"$work/err"
status=$?
if [ "$status" != 1 ]; then
	fail fed-then-error "exit $status, expected 1: $(head -c 300 "$work/err")"
elif [ "$(grep -c ': error: ' "$work/err")" != 1 ] ||
     ! grep -q "^$bad:2:7: error: " "$work/err"; then
	fail fed-then-error "expected one error at $bad:2:7, got: $(head -c 300 "$work/err")"
elif [ -e "$work/fed-bad" ]; then
	fail fed-then-error "the new OUT is left: $(ls -A "$work/fed-bad" | head -3)"
else
	ok fed-then-error
fi

# spill/fed-then-twice: the same gateway in two files
cp "${specs[0]}" "$work/zz-again.yaml"
"$GWC" build -q -o "$work/fed-twice" "${specs[@]}" "$work/zz-again.yaml" 2>"$work/err"
status=$?
if [ "$status" != 1 ]; then
	fail fed-then-twice "exit $status, expected 1: $(head -c 300 "$work/err")"
elif ! grep -q ': error: ' "$work/err"; then
	fail fed-then-twice "no error said: $(head -c 300 "$work/err")"
elif [ -e "$work/fed-twice" ]; then
	fail fed-then-twice "the new OUT is left: $(ls -A "$work/fed-twice" | head -3)"
else
	ok fed-then-twice
fi

# spill/fed-stage-fails: every Deployment is over 1 KiB
(trap '' XFSZ; ulimit -f 1 && exec "$GWC" build -q -o "$work/fed-full" "${specs[@]}") 2>"$work/err"
status=$?
if [ "$status" != 2 ]; then
	fail fed-stage-fails "exit $status, expected 2: $(head -c 300 "$work/err")"
elif [ "$(cat "$work/err")" != "gwc: error: cannot write '$work/fed-full/team-0001/gw-0001/gateway-deployment.yaml': File too large" ]; then
	fail fed-stage-fails "not the writer's error: $(head -c 300 "$work/err")"
elif [ -e "$work/fed-full" ]; then
	fail fed-stage-fails "the new OUT is left: $(ls -A "$work/fed-full" | head -3)"
else
	ok fed-stage-fails
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
