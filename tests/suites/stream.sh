#!/usr/bin/env bash
# tests/suites/stream.sh - a spec file over 16 MiB (GW_STREAM_MIN) is read
# as it is parsed, never whole (gen/load.c, "a spec file read as it is
# parsed"): scanned in 64 KiB pieces for its digest and the gate, then
# streamed to libyaml with only the current document's bytes held.  A
# stream must say exactly what reading the file whole says.  The test hook
# GWC_TEST_STREAM_MIN=0 streams every spec file, so that small inputs
# cross the pieces' boundaries where it matters.
#
#   stream/golden, stream/bad   every golden and bad case streamed: the
#                               same output, messages and exit status
#   stream/pieces/NAME          files of several pieces with a fault far
#                               into them (the gate, a parse error, a
#                               schema error, CRLF and CR line ends, a
#                               literal block's position, a BOM): the same
#                               stdout, stderr and status streamed and whole
#   stream/changed, stream/changed-past-the-gate
#                               a file that changes between the scan and
#                               the stream (strace holds the second open),
#                               its digest or a byte the gate refuses:
#                               exit 2, the message, OUT as it was
#   stream/big-file-24mib       a 20 MB file of 180 specs validates under
#                               24 MiB of address space (read whole, it
#                               runs out of memory)
set -u
export LC_ALL=C TZ=UTC
top=$(cd "$(dirname "$0")/../.." && pwd)
GWC=${GWC:-$top/build/gwc}
work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-stream.XXXXXX") || {
	echo "FAIL stream: cannot make a temporary folder"
	exit 0
}
trap 'rm -rf "$work"' EXIT
ok() { echo "ok stream/$1"; }
fail() { echo "FAIL stream/$1: $2"; }
oneline() { head -c "${2:-300}" "$1" 2>/dev/null | tr '\n' ' '; }

# ---- every golden and bad case, streamed -----------------------------------
bad='' n=0
for dir in "$top"/tests/golden/*/; do
	name=$(basename "$dir")
	if [ -f "$dir/args" ]; then read -r -a args <"$dir/args"; else
		args=(); for f in "$dir"/*.yaml; do args+=("$(basename "$f")"); done
	fi
	rm -rf "$work/out"
	(cd "$dir" && GWC_TEST_STREAM_MIN=0 "$GWC" build -o "$work/out" "${args[@]}") \
		>/dev/null 2>"$work/stderr"
	status=$?
	want_err=/dev/null
	[ -f "$dir/stderr" ] && want_err=$dir/stderr
	n=$((n + 1))
	if [ "$status" -ne 0 ]; then
		bad+="$name: exit $status: $(oneline "$work/stderr" 120); "
	elif ! cmp -s "$want_err" "$work/stderr"; then
		bad+="$name: messages differ: $(diff "$want_err" "$work/stderr" | head -c 200); "
	elif ! diff -r -x .gwc-cache "$dir/expected" "$work/out" >/dev/null; then
		bad+="$name: output differs; "
	fi
done
if [ -n "$bad" ]; then fail golden "${bad:0:1200}"; else ok "golden ($n cases)"; fi

"$GWC" build -o "$work/base" "$top/examples/minimal.yaml" 2>/dev/null
bad='' n=0
for dir in "$top"/tests/bad/*/; do
	name=$(basename "$dir")
	if [ -f "$dir/args" ]; then read -r -a args <"$dir/args"; else args=(spec.yaml); fi
	rm -rf "$work/out"
	cp -a "$work/base" "$work/out"
	(cd "$dir" && GWC_TEST_STREAM_MIN=0 "$GWC" build -o "$work/out" "${args[@]}") \
		>/dev/null 2>"$work/stderr"
	status=$?
	want_status=$(cat "$dir/status" 2>/dev/null || echo 1)
	n=$((n + 1))
	if [ "$status" != "$want_status" ]; then
		bad+="$name: exit $status, expected $want_status; "
	elif ! cmp -s "$dir/stderr" "$work/stderr"; then
		bad+="$name: $(diff "$dir/stderr" "$work/stderr" | head -c 200); "
	elif ! diff -r "$work/base" "$work/out" >/dev/null; then
		bad+="$name: the output folder changed; "
	fi
done
if [ -n "$bad" ]; then fail bad "${bad:0:1200}"; else ok "bad ($n cases)"; fi

# ---- pieces ---------------------------------------------------------------
# same_both NAME FILE: `gwc build -o -` of FILE streamed and read whole give
# the same stdout, stderr and exit status (and STATUS is that status)
same_both() {
	local name=$1 file=$2 want=$3 s1 s2
	(cd "$work" && "$GWC" build -o - "$file") >"$work/whole.out" 2>"$work/whole.err"
	s1=$?
	(cd "$work" && GWC_TEST_STREAM_MIN=0 "$GWC" build -o - "$file") \
		>"$work/stream.out" 2>"$work/stream.err"
	s2=$?
	if [ "$s1" != "$want" ]; then
		fail "pieces/$name" "read whole: exit $s1, expected $want: $(oneline "$work/whole.err")"
	elif [ "$s2" != "$s1" ]; then
		fail "pieces/$name" "streamed: exit $s2, read whole: $s1: $(oneline "$work/stream.err")"
	elif ! cmp -s "$work/whole.err" "$work/stream.err"; then
		fail "pieces/$name" "messages differ: $(diff "$work/whole.err" "$work/stream.err" | head -c 300)"
	elif ! cmp -s "$work/whole.out" "$work/stream.out"; then
		fail "pieces/$name" "output differs"
	else
		ok "pieces/$name"
	fi
}
# N good specs (about 130 bytes each; 3000 are six pieces), then what
# the case appends
specs() {
	seq 1 "$1" | awk '{ printf "---\napiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: g%d, namespace: n%d}\nspec: {deployment: {replicas: 2}}\n", $1, $1 }'
}
tail_spec() {	# tail_spec NAME: a spec's first lines, its spec: to follow
	printf -- '---\napiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: %s, namespace: last}\nspec:\n' "$1"
}

{ specs 3000; printf -- '---\n# a NUL far in: \000\n'; } >"$work/nul.yaml"
same_both gate-nul nul.yaml 1
{ specs 3000; tail_spec t; printf '  direction: ingress\t# a tab\n\tdirection: ingress\n'; } >"$work/tab.yaml"
same_both parse-tab tab.yaml 1
{ specs 3000; tail_spec t; printf '  direction: sideways\n'; } >"$work/schema.yaml"
same_both schema-error schema.yaml 1
{ specs 3000; tail_spec t; printf '  direction: ingress\n  direction: egress\n'; } >"$work/dup.yaml"
same_both duplicate-key dup.yaml 1
specs 3000 | sed 's/$/\r/' >"$work/crlf.yaml"
{ cat "$work/crlf.yaml"; tail_spec t | sed 's/$/\r/'; printf '  bogus: 1\r\n'; } >"$work/crlf-bad.yaml"
same_both crlf crlf.yaml 0
same_both crlf-schema-error crlf-bad.yaml 1
{ specs 3000; tail_spec t; printf '  direction: ingress\n'; } | tr '\n' '\r' >"$work/cr.yaml"
same_both cr-line-ends cr.yaml 0
{ printf '\357\273\277'; specs 3000; tail_spec t; printf '  bogus: 1\n'; } >"$work/bom.yaml"
same_both bom bom.yaml 1
# a patch given as a string: an error inside it points into the file,
# from the column its literal block starts at
{ specs 3000; tail_spec t
  printf '  patches:\n  - target: {kind: Deployment}\n    patch: |\n      - op: nope\n        path: /spec/replicas\n'
} >"$work/block.yaml"
same_both literal-block-position block.yaml 1
# a document of many lines over the bound of one
{ specs 3000; tail_spec t; printf '  deployment:\n    podAnnotations:\n'
  seq 0 59999 | awk '{ printf "      a%06d.example.com/k: \"%040d\"\n", $1, $1 }'
} >"$work/big-doc.yaml"
same_both document-over-limit big-doc.yaml 1

# ---- a file that changes between the scan and the stream -------------------
# changed NAME BYTES: BYTES appended to a file of 20,000 specs while its
# stream waits (strace holds the third open: the first tells the file's
# size, too big to read whole, the second scans it;
# no cache: it would vouch for the folders by the scan alone): exit 2, the
# message, OUT as it was.  A comment changes the digest; a NUL fails the
# stream's own gate, which the scan passed: a change too, not a NUL in
# the spec.
changed() {
	local name=$1 bytes=$2 d=$work/changed-$1 run got before after
	mkdir -p "$d"
	specs 20000 >"$d/specs.yaml"
	(cd "$d" && "$GWC" build -q -o out specs.yaml) 2>/dev/null
	before=$(cd "$d/out" && find . -printf '%p %s %T@\n' | sort)
	(cd "$d" && GWC_TEST_STREAM_MIN=0 \
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -P specs.yaml -e trace=openat \
		-e inject=openat:delay_enter=3000000:when=3 -o "$d/trace" \
		"$GWC" build -q --no-cache -o out specs.yaml >/dev/null 2>"$d/stderr"
	 echo $? >"$d/status") &
	run=$!
	for _ in $(seq 100); do
		[ -s "$d/trace" ] && break
		sleep 0.05
	done
	sleep 0.5
	printf '%b' "$bytes" >>"$d/specs.yaml"
	wait "$run"
	got="$(cat "$d/status") $(grep -v "^strace: " "$d/stderr")"
	after=$(cd "$d/out" && find . -printf '%p %s %T@\n' | sort)
	if [ "$got" != "2 specs.yaml: error: changed while gwc was reading it; run the build again" ]; then
		fail "$name" "got '$got'"
	elif [ "$before" != "$after" ]; then
		fail "$name" "OUT changed"
	else
		ok "$name"
	fi
}
if ! command -v strace >/dev/null 2>&1 ||
   ! strace -e trace=openat -e inject=openat:delay_enter=1:when=1 -o /dev/null true 2>/dev/null; then
	echo "skip stream/changed: strace cannot inject delays here"
	echo "skip stream/changed-past-the-gate: strace cannot inject delays here"
else
	changed changed '# edited\n'
	changed changed-past-the-gate '# a NUL: \0\n'
fi

# ---- a big file in little memory -------------------------------------------
# 180 specs of 1000 annotations (110 KB each): 20 MB, read as a stream
# under 24 MiB of address space; read whole (the hook set past its size)
# it runs out of memory.  No address limit for a sanitizer build (its
# shadow memory), which is then checked for its exit status only.
for i in $(seq 0 179); do
	printf -- '---\napiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata:\n  name: g%d\n  namespace: n%d\n  annotations:\n' "$i" "$i"
	seq 0 999 | awk '{ printf "    k%04d: \"%0100d\"\n", $1, $1 }'
done >"$work/big.yaml"
limit=(prlimit --as=$((24 << 20)))
if ldd "$GWC" 2>/dev/null | grep -q 'lib[at]san'; then limit=(); fi
"${limit[@]}" "$GWC" validate "$work/big.yaml" >"$work/out.txt" 2>&1
s1=$?
if [ ${#limit[@]} -gt 0 ]; then
	GWC_TEST_STREAM_MIN=$((1 << 30)) "${limit[@]}" "$GWC" validate "$work/big.yaml" >/dev/null 2>"$work/whole.err"
	s2=$?
else
	s2=2; echo "gwc: error: out of memory" >"$work/whole.err"
fi
if [ "$s1" != 0 ] || [ "$(cat "$work/out.txt")" != "gwc: 1 spec file valid" ]; then
	fail big-file-24mib "exit $s1: $(oneline "$work/out.txt")"
elif [ "$s2" != 2 ] || [ "$(cat "$work/whole.err")" != "gwc: error: out of memory" ]; then
	fail big-file-24mib "read whole it did not run out of memory (exit $s2): the limit proves nothing"
else
	ok big-file-24mib
fi
exit 0
