#!/usr/bin/env bash
# tests/suites/go-layer.sh - gen/go/ (what Go's libraries write) against Go
# itself, byte for byte.
#
#   go-layer/unicode-table  gen/go/unicode.c is what gen/tool/gounicode.go
#       writes from the installed Go's unicode and strconv tables
#   go-layer/yaml-json  GO_LAYER_CASES (default 300) maps and values made
#       from seed GO_LAYER_SEED by tests/oracle/golayer.go (keys go-yaml's
#       order is hard on: non-ASCII letters and non-letters, digits of
#       other scripts, digit runs, resolver words, keys past 128 bytes;
#       values of every kind), written with toYaml and toJson by gwc's
#       engine ($UNIT_DIR/tmplrender) and by the Go oracle (sigs.k8s.io/
#       yaml's JSON-then-yaml.v2, encoding/json); the first differing case
#       is shown
#
# Needs Debian's golang-go, golang-gopkg-yaml.v2-dev and, as the oracle is
# built whole, golang-github-masterminds-sprig-dev; skips without them.
set -u
cd "$top" || exit 1
render=$UNIT_DIR/tmplrender
if ! command -v go >/dev/null; then
	echo "skip go-layer: go is missing (Debian's golang-go)"
	exit 0
fi
build=$(dirname "$UNIT_DIR")
export GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS='' GOCACHE=$build/gocache

# ---- the Unicode tables -----------------------------------------------------
if go run gen/tool/gounicode.go >"$TMPDIR/unicode.c" 2>"$TMPDIR/gounicode.err"; then
	if cmp -s "$TMPDIR/unicode.c" gen/go/unicode.c; then
		echo "ok go-layer/unicode-table"
	else
		echo "FAIL go-layer/unicode-table: gen/go/unicode.c differs from Go's tables (go run gen/tool/gounicode.go >gen/go/unicode.c):"
		diff gen/go/unicode.c "$TMPDIR/unicode.c" | head -n 10
	fi
else
	echo "FAIL go-layer/unicode-table: go run gen/tool/gounicode.go: $(head -n 5 "$TMPDIR/gounicode.err")"
fi

# ---- toYaml and toJson against the oracle -----------------------------------
if [ ! -x "$render" ]; then
	echo "skip go-layer/yaml-json: no C driver $render (the engine is not built)"
	exit 0
fi
for dir in github.com/Masterminds/sprig gopkg.in/yaml.v2; do
	if [ ! -d "/usr/share/gocode/src/$dir" ]; then
		echo "skip go-layer/yaml-json: $dir is missing (Debian's golang-* package)"
		exit 0
	fi
done
oracle=$build/golayer-oracle
if ! go build -o "$oracle" tests/oracle/tmploracle.go tests/oracle/golayer.go \
	2>"$TMPDIR/go-build.err"; then
	echo "FAIL go-layer/build: go build of tests/oracle/tmploracle.go golayer.go: $(head -n 5 "$TMPDIR/go-build.err")"
	exit 0
fi
cases=$TMPDIR/go-layer
mkdir -p "$cases"
count=${GO_LAYER_CASES:-300} seed=${GO_LAYER_SEED:-13}
if ! dropped=$("$oracle" -golayer "$cases" "$count" "$seed" 2>"$TMPDIR/golayer.err"); then
	echo "FAIL go-layer/yaml-json: the oracle: $(head -n 5 "$TMPDIR/golayer.err")"
	exit 0
fi
"$render" "$cases/t" "$cases/data.json" >"$cases/c.out" 2>"$cases/c.err"
status=$?
if [ "$status" != 0 ]; then
	echo "FAIL go-layer/yaml-json: tmplrender exit status $status: $(head -c 300 "$cases/c.err")"
elif cmp -s "$cases/go.out" "$cases/c.out"; then
	echo "ok go-layer/yaml-json ($count maps and $count values, seed $seed; $dropped keys left out where go-yaml's order has no one answer)"
else
	# the first case (a "# map N" or "# value N" block) that differs
	first=$(diff "$cases/go.out" "$cases/c.out" | sed -n 's/^\([0-9]*\).*/\1/p' | head -n 1)
	header=$(head -n "$first" "$cases/go.out" | grep -n '^# \(map\|value\) [0-9]*$' | tail -n 1)
	name=${header#*:}
	echo "FAIL go-layer/yaml-json: gwc differs from Go from line $first, in case '$name' (Go's lines, then gwc's):"
	awk -v n="$name" '$0 == n {p = 1; print; next} /^# (map|value) [0-9]+$/ {p = 0} p' "$cases/go.out" | head -n 30
	echo "-- gwc:"
	awk -v n="$name" '$0 == n {p = 1; print; next} /^# (map|value) [0-9]+$/ {p = 0} p' "$cases/c.out" | head -n 30
fi
