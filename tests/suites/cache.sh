#!/usr/bin/env bash
# tests/suites/cache.sh - OUT/.gwc-cache: a rebuild or --check costs what
# changed, and stays exact.  What gwc opens is seen with strace (the real
# record of what a process read), not inferred from the output.
#
#   cache/written            a build records OUT/.gwc-cache/sources (headed
#                            by gwc's build id) beside a .gitignore "*" that
#                            git honours (git check-ignore)
#   cache/unchanged-no-work  a rebuild and --check open no file of any
#                            gateway folder (strace), write nothing, and
#                            print the very messages of a build without
#                            the cache (--no-cache)
#   cache/fresh-recorded     a build of 100 specs into a new OUT records its
#                            folders from the stat of each file as it wrote
#                            it: it lists no gateway folder (no getdents64
#                            on one), and the next build, the cache file's
#                            time past those files', opens no file of any
#                            folder
#   cache/one-changed        one spec changed: only its folder's files are
#                            opened, and the build writes the new output
#   cache/spec-not-reread    an unchanged spec file is not even opened (its
#                            stat is the one recorded with its digest);
#                            touched, it is read and nothing else
#   cache/spec-same-size-mtime   a spec edited with its size and mtime kept
#                            (touch -r): its ctime moved, its output follows
#   cache/hand-edit          a byte changed in an output file, size and
#                            mtime kept (touch -r): --check finds it (exit
#                            1, the diff), a build repairs it
#   cache/extra-file, cache/removed-file   found by --check, undone by a
#                            build
#   cache/read-changed       the Istio resource a spec reads changed: that
#                            spec is compiled again (its output follows)
#   cache/other-gwc, cache/corrupt   a cache of another build id or with a
#                            broken line is ignored: full work, same output
#   cache/racy               a recorded time not older than the cache file
#                            is not trusted (the folder is read)
#   cache/shared-out         two runs of different specs into one OUT keep
#                            each other's records
#   cache/no-cache           --no-cache neither reads nor writes it
# Prints only "ok", "FAIL" and "skip" lines; always exits 0.
set -u
export LC_ALL=C TZ=UTC
umask 022
ok() { echo "ok cache/$1"; }
fail() { echo "FAIL cache/$1: $(printf '%s' "$2" | tr '\n' '|' | cut -c1-500)"; }
skip() { echo "skip cache/$1: $2"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-cache.XXXXXX") || { fail setup mktemp; exit 0; }
trap 'rm -rf "$work"' EXIT
cd "${top:?}" || exit 0

if ! command -v strace >/dev/null 2>&1 || ! strace -o /dev/null true 2>/dev/null; then
	for t in written unchanged-no-work fresh-recorded one-changed spec-not-reread spec-same-size-mtime \
		hand-edit extra-file removed-file \
		read-changed other-gwc corrupt racy shared-out no-cache; do
		skip "$t" "strace is not installed or cannot trace here"
	done
	exit 0
fi

# Specs: the examples (one with an Istio resource) plus a few of the bench's.
mkdir -p "$work/specs"
cp examples/*.yaml "$work/specs/"
cp -r examples/mesh "$work/"
sed -i 's|\.\./examples/mesh/|../mesh/|; s|istioResource: mesh/|istioResource: ../mesh/|' "$work/specs/"*.yaml
tests/bench/gen-specs.sh "$work/specs" 5 legacy
specs=("$work"/specs/*.yaml)
out=$work/out


# paths TRACE: every path a traced run opened, as strace -y shows the
# descriptor it got ("= 4</a/b/c>"), the staging folders named as the
# folders they become.
paths() {
	sed -n 's/.*) = [0-9]*<\(.*\)>$/\1/p' "$1" |
		sed 's|/\.\([^/]*\)\.gwc-[0-9a-f]*-[0-9]*|/\1|'
}
# in_folders TRACE: how many of them are files in OUT's gateway folders
in_folders() {
	paths "$1" | grep "^$out/[^/.][^/]*/[^/]*/" | grep -vc "^$out/istio/"
}
# (LeakSanitizer cannot run under ptrace: a `make debug test` gwc traced
# would end with its "fatal error", status 1)
trace() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -y -qq -e trace=openat -o "$@"
}

(cd "$work" && "$GWC" build -o out specs/*.yaml) >/dev/null 2>"$work/first.err"
rc=$?
head=$(head -n 1 "$out/.gwc-cache/sources" 2>/dev/null)
if [ $rc -ne 0 ]; then
	fail written "the first build failed: $(cat "$work/first.err")"
elif ! [[ $head =~ ^gwc-cache\ 1\ [0-9a-f]{64}$ ]]; then
	fail written "header '$head'"
elif [ "$(cat "$out/.gwc-cache/.gitignore")" != "*" ]; then
	fail written ".gitignore: $(cat "$out/.gwc-cache/.gitignore")"
elif command -v git >/dev/null 2>&1 &&
	! (cd "$work" && git init -q repo && cp -r out repo/ &&
		cd repo && git check-ignore -q out/.gwc-cache/sources &&
		[ -z "$(git status --porcelain --ignored=no out/.gwc-cache)" ]); then
	fail written "git does not ignore .gwc-cache"
else
	ok written
fi

# ---- nothing changed: no work ---------------------------------------------
(cd "$work" && "$GWC" build --no-cache -o out-nocache specs/*.yaml) >/dev/null 2>"$work/nocache.err"
(cd "$work" && "$GWC" build -o out specs/*.yaml) >/dev/null 2>"$work/second.err"	# settles racy times
sleep 0.05
(cd "$work" && trace "$work/trace" "$GWC" build -o out specs/*.yaml) >/dev/null 2>"$work/third.err"
in_folders=$(in_folders "$work/trace")
writes=$(grep 'O_WRONLY' "$work/trace" | grep -vc '\.gwc-cache')
(cd "$work" && trace "$work/trace2" "$GWC" build --check -o out specs/*.yaml) \
	>"$work/check.out" 2>"$work/check.err"
crc=$?
in_folders2=$(in_folders "$work/trace2")
if [ "$in_folders" != 0 ] || [ "$writes" != 0 ]; then
	fail unchanged-no-work "build: $in_folders files in gateway folders opened, $writes opened for writing: $(paths "$work/trace" | grep "^$out/" | head -n 3)"
elif [ "$crc" != 0 ] || [ -s "$work/check.out" ] || [ "$in_folders2" != 0 ]; then
	fail unchanged-no-work "--check: exit $crc, $in_folders2 files opened"
elif ! cmp -s "$work/third.err" "$work/nocache.err" || ! cmp -s "$work/check.err" "$work/nocache.err"; then
	fail unchanged-no-work "messages differ from --no-cache: $(diff "$work/nocache.err" "$work/third.err" | head -c 300)"
elif ! diff -r -x .gwc-cache "$out" "$work/out-nocache" >/dev/null; then
	fail unchanged-no-work "the output differs from a build without the cache"
else
	ok unchanged-no-work
fi

# ---- a new OUT: recorded as written -----------------------------------------
# (a run of fewer specs lists its folders: see RECORD_MIN in compile.c)
fresh=$work/fresh
tests/bench/gen-specs.sh "$work/many" 100 legacy
(cd "$work" && "$GWC" build -q --no-cache -o fresh-nocache many/*.yaml) >/dev/null 2>&1
(cd "$work" && ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -y -qq -e trace=getdents64 -o "$work/trace-fresh" \
	"$GWC" build -q -o fresh many/*.yaml) >/dev/null 2>&1
rc=$?
listed=$(grep -c "getdents64([0-9]*<$fresh/[^/.][^/]*/" "$work/trace-fresh")
sleep 0.05
touch "$fresh/.gwc-cache/sources"	# no recorded time is racy now
sleep 0.05
(cd "$work" && trace "$work/trace" "$GWC" build -q -o fresh many/*.yaml) >/dev/null 2>&1
rc2=$?
opened=$(paths "$work/trace" | grep "^$fresh/[^/.][^/]*/[^/]*/" | grep -vc "^$fresh/istio/")
if [ $rc -ne 0 ] || [ $rc2 -ne 0 ]; then
	fail fresh-recorded "exit $rc, then $rc2"
elif [ "$listed" != 0 ]; then
	fail fresh-recorded "the build listed $listed gateway folders: $(grep -m1 "getdents64" "$work/trace-fresh")"
elif [ "$opened" != 0 ]; then
	fail fresh-recorded "the next build opened $opened files in gateway folders: $(paths "$work/trace" | grep "^$fresh/[^/.]" | head -n 2)"
elif ! diff -r -x .gwc-cache "$fresh" "$work/fresh-nocache" >/dev/null; then
	fail fresh-recorded "the output differs from a build without the cache"
else
	ok fresh-recorded
fi

# ---- one spec changed ---------------------------------------------------
sed -i 's/maxReplicas: 10/maxReplicas: 12/' "$work/specs/gw-0003.yaml"
(cd "$work" && trace "$work/trace" "$GWC" build -q -o out specs/*.yaml) >/dev/null 2>&1
rc=$?
folders=$(paths "$work/trace" | sed -n "s|^$out/\([^/.][^/]*/[^/]*\)/.*|\1|p" |
	grep -v '^istio/' | sort -u | tr '\n' ' ')
if [ $rc -ne 0 ]; then
	fail one-changed "exit $rc"
elif [ "$folders" != "team-0003/gw-0003 " ]; then
	fail one-changed "gateway folders read or written: '$folders'"
elif ! grep -q 'maxReplicas: 12' "$out/team-0003/gw-0003/gateway-hpa.yaml"; then
	fail one-changed "the new output was not written"
else
	ok one-changed
fi

# ---- an unchanged spec is not even read ---------------------------------
# (its stat is the one recorded with its digest, and older than the cache)
sleep 0.05
(cd "$work" && "$GWC" build -q -o out specs/*.yaml)	# settles the edit above
sleep 0.05
(cd "$work" && trace "$work/trace" "$GWC" build -q -o out specs/*.yaml) >/dev/null 2>&1
rc=$?
read_specs=$(paths "$work/trace" | grep -c "^$work/specs/")
touch "$work/specs/gw-0005.yaml"	# same bytes, a new mtime
(cd "$work" && trace "$work/trace2" "$GWC" build -q -o out specs/*.yaml) >/dev/null 2>&1
rc2=$?
read2=$(paths "$work/trace2" | grep "^$work/specs/" | tr '\n' ' ')
folders2=$(paths "$work/trace2" | sed -n "s|^$out/\([^/.][^/]*/[^/]*\)/.*|\1|p" | grep -v '^istio/' | sort -u | tr '\n' ' ')
if [ $rc != 0 ] || [ "$read_specs" != 0 ]; then
	fail spec-not-reread "exit $rc; $read_specs spec files opened: $(paths "$work/trace" | grep "^$work/specs/" | head -n 3)"
elif [ $rc2 != 0 ] || [ "$read2" != "$work/specs/gw-0005.yaml " ] || [ -n "$folders2" ]; then
	fail spec-not-reread "after touch: exit $rc2; specs read '$read2', gateway folders read or written '$folders2'"
else
	ok spec-not-reread
fi
# the same size and mtime, other bytes: the ctime tells
sleep 0.05
(cd "$work" && "$GWC" build -q -o out specs/*.yaml)
cp -p "$work/specs/gw-0005.yaml" "$work/spec.orig"
sed -i 's/maxReplicas: 10/maxReplicas: 11/' "$work/specs/gw-0005.yaml"
touch -r "$work/spec.orig" "$work/specs/gw-0005.yaml"
(cd "$work" && "$GWC" build -q -o out specs/*.yaml) >/dev/null 2>&1
rc=$?
if [ "$(stat -c '%s %Y' "$work/specs/gw-0005.yaml")" != "$(stat -c '%s %Y' "$work/spec.orig")" ]; then
	fail spec-same-size-mtime "the edit did not keep the size and mtime"
elif [ $rc != 0 ] || ! grep -q 'maxReplicas: 11' "$out/team-0005/gw-0005/gateway-hpa.yaml"; then
	fail spec-same-size-mtime "exit $rc; the output does not follow the edit"
else
	ok spec-same-size-mtime
fi

# ---- hand edits are found -----------------------------------------------
sleep 0.05
(cd "$work" && "$GWC" build -q -o out specs/*.yaml)
svc=$out/team-0002/gw-0002/gateway-service.yaml
cp "$svc" "$work/svc.orig"
sed -i 's/Local/Lokal/' "$svc"
touch -r "$work/svc.orig" "$svc"
(cd "$work" && "$GWC" build --check -q -o out specs/*.yaml) >"$work/check.out" 2>&1
crc=$?
(cd "$work" && "$GWC" build -q -o out specs/*.yaml)
if [ "$(stat -c '%s %Y' "$svc")" != "$(stat -c '%s %Y' "$work/svc.orig")" ] && cmp -s "$svc" "$work/svc.orig"; then
	: # repaired (a new file)
fi
if [ $crc != 1 ] || ! grep -q '^-  externalTrafficPolicy: Lokal' "$work/check.out"; then
	fail hand-edit "--check: exit $crc: $(head -c 300 "$work/check.out")"
elif ! cmp -s "$svc" "$work/svc.orig"; then
	fail hand-edit "the build did not repair it"
else
	ok hand-edit
fi

sleep 0.05
echo stray >"$out/team-0001/gw-0001/stray.yaml"
(cd "$work" && "$GWC" build --check -q -o out specs/*.yaml) >"$work/check.out" 2>&1
crc=$?
(cd "$work" && "$GWC" build -q -o out specs/*.yaml)
if [ $crc != 1 ] || ! grep -q "^--- out/team-0001/gw-0001/stray.yaml" "$work/check.out"; then
	fail extra-file "--check: exit $crc: $(head -c 300 "$work/check.out")"
elif [ -e "$out/team-0001/gw-0001/stray.yaml" ]; then
	fail extra-file "the build left it"
else
	ok extra-file
fi

sleep 0.05
rm "$out/team-0004/gw-0004/gateway-pdb.yaml"
(cd "$work" && "$GWC" build --check -q -o out specs/*.yaml) >"$work/check.out" 2>&1
crc=$?
(cd "$work" && "$GWC" build -q -o out specs/*.yaml)
if [ $crc != 1 ] || ! grep -q "^+++ out/team-0004/gw-0004/gateway-pdb.yaml (gwc)" "$work/check.out"; then
	fail removed-file "--check: exit $crc: $(head -c 300 "$work/check.out")"
elif [ ! -f "$out/team-0004/gw-0004/gateway-pdb.yaml" ]; then
	fail removed-file "the build did not write it again"
else
	ok removed-file
fi

# ---- a file a spec reads -------------------------------------------------
sleep 0.05
rev=$(grep -l istioResource "$work"/specs/*.yaml | head -n 1)
istio=$work/mesh/$(sed -n 's|.*istioResource: \.\./mesh/\([^ ]*\).*|\1|p' "$rev" | head -n 1)
if [ -z "$rev" ] || [ ! -f "$istio" ]; then
	fail read-changed "no example spec with an istioResource ($rev, $istio)"
else
	(cd "$work" && "$GWC" build -q -o out specs/*.yaml)
	cp "$istio" "$work/istio.orig"
	sed -i 's/^  version: .*/  version: v1.99.0/' "$istio"
	(cd "$work" && "$GWC" build -o out specs/*.yaml) >"$work/read.out" 2>&1
	rc=$?
	(cd "$work" && "$GWC" build --no-cache -o out-nocache2 specs/*.yaml) >"$work/read2.out" 2>&1
	rc2=$?
	cp "$work/istio.orig" "$istio"
	if [ $rc != $rc2 ] || ! cmp -s "$work/read.out" "$work/read2.out"; then
		fail read-changed "exit $rc (without the cache $rc2): $(diff "$work/read2.out" "$work/read.out" | head -c 300)"
	elif [ $rc = 0 ] && ! diff -r -x .gwc-cache "$out" "$work/out-nocache2" >/dev/null; then
		fail read-changed "the output differs from a build without the cache"
	else
		ok read-changed
	fi
	(cd "$work" && "$GWC" build -q -o out specs/*.yaml)
fi

# ---- caches not trusted -------------------------------------------------
n_opened() {	# files opened in gateway folders by a --check
	(cd "$work" && trace "$work/trace" "$GWC" build --check -q -o out specs/*.yaml) >/dev/null 2>&1
	in_folders "$work/trace"
}
sleep 0.05
(cd "$work" && "$GWC" build -q -o out specs/*.yaml)
cp "$out/.gwc-cache/sources" "$work/sources.orig"
base=$(n_opened)
sed -i '1s/ [0-9a-f]*$/ 0000000000000000000000000000000000000000000000000000000000000000/' "$out/.gwc-cache/sources"
other=$(n_opened)
if [ "$base" != 0 ] || [ "$other" -lt 40 ]; then
	fail other-gwc "files opened: $base with the cache, $other with another build id's"
else
	ok other-gwc
fi
cp "$work/sources.orig" "$out/.gwc-cache/sources"
sed -i '3s/^gateway /gatewax /; 5s/ [0-9]* / x /' "$out/.gwc-cache/sources"
printf 'source =unterminated 00\n' >>"$out/.gwc-cache/sources"
corrupt=$(n_opened)
(cd "$work" && "$GWC" build -q -o out specs/*.yaml)
rc=$?
(cd "$work" && "$GWC" build -q --no-cache -o out-nocache3 specs/*.yaml)
if [ "$corrupt" -lt 40 ] || [ $rc != 0 ] || ! diff -r -x .gwc-cache "$out" "$work/out-nocache3" >/dev/null; then
	fail corrupt "files opened: $corrupt, build exit $rc"
elif [ "$(n_opened)" != 0 ]; then
	fail corrupt "the next build did not write a good cache"
else
	ok corrupt
fi

# every time recorded now lies in the future of the cache file
touch -d '1 hour ago' "$out/.gwc-cache/sources"
racy=$(n_opened)
if [ "$racy" -lt 40 ]; then
	fail racy "only $racy files read"
else
	ok racy
fi
(cd "$work" && "$GWC" build -q -o out specs/*.yaml)

# ---- one OUT, two runs ----------------------------------------------------
mkdir -p "$work/other"
tests/bench/gen-specs.sh "$work/other" 2 >/dev/null
sed -i 's/team-/other-/; s/gw-0/ogw-0/' "$work/other"/*.yaml
(cd "$work" && "$GWC" build -q -o out other/*.yaml)
sleep 0.05
(cd "$work" && "$GWC" build -q -o out other/*.yaml)	# its racy records settle
(cd "$work" && "$GWC" build -q -o out specs/*.yaml)
mine=$(grep -c '^source =specs/' "$out/.gwc-cache/sources")
theirs=$(grep -c '^source =other/' "$out/.gwc-cache/sources")
if [ "$mine" != "${#specs[@]}" ] || [ "$theirs" != 2 ]; then
	fail shared-out "records: $mine of this run's ${#specs[@]}, $theirs of the other's 2"
else
	ok shared-out
fi

# ---- --no-cache -------------------------------------------------------------
rm -rf "$work/nc"
(cd "$work" && "$GWC" build -q --no-cache -o nc specs/*.yaml)
mkdir -p "$work/nc/.gwc-cache" && cp "$out/.gwc-cache/sources" "$work/nc/.gwc-cache/"
(cd "$work" && trace "$work/trace" "$GWC" build -q --no-cache -o nc specs/*.yaml) >/dev/null 2>&1
if [ -e "$work/nc/.gwc-cache/.gitignore" ] || grep -q '"\.gwc-cache' "$work/trace"; then
	fail no-cache "it touched .gwc-cache: $(grep '\.gwc-cache' "$work/trace" | head -n 2)"
else
	ok no-cache
fi
exit 0
