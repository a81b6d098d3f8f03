#!/usr/bin/env bash
# tests/suites/tmpl-oracle.sh - gwc's Go text/template engine against Go's
# own text/template (with sprig and Istio's injection functions), byte for
# byte, errors included.
#
#   tmpl-oracle/regression/<case>  tests/oracle/cases/<case>/: the C driver
#       ($UNIT_DIR/tmplrender TEMPLATE DATA) must print Go's answer, kept in
#       expected (stdout, or stderr when expected-status is 1); needs no Go.
#       A case with a file `open` is a finding not fixed yet (the file names
#       it in tests/oracle/FINDINGS.md): it skips while it still differs
#   tmpl-oracle/<category>  generated cases (tests/oracle/tmpldiff.py,
#       TMPL_ORACLE_CASES of them, default 3000, seed TMPL_ORACLE_SEED) and
#       the gateway templates of $SHARED with varied pods, rendered by the C
#       driver and by tests/oracle/tmploracle.go, built here offline from
#       Debian's golang-go and golang-github-masterminds-sprig-dev; a
#       differing error text fails unless tests/oracle/error-text-differences
#       allows it.  A driver built with AddressSanitizer starts ~50 times
#       slower, so against one the default is 300 cases, shown unminimised
set -u
cd "$top" || exit 1
export PYTHONDONTWRITEBYTECODE=1
render=$UNIT_DIR/tmplrender
if [ ! -x "$render" ]; then
	echo "skip tmpl-oracle: no C driver $render (the engine is not built)"
	exit 0
fi

# ---- kept regressions: Go's answers, replayed without Go ------------------
for dir in tests/oracle/cases/*/; do
	[ -f "$dir/template" ] || continue
	name=tmpl-oracle/regression/$(basename "$dir")
	want_status=$(cat "$dir/expected-status")
	"$render" "$dir/template" "$dir/data.json" >"$TMPDIR/out" 2>"$TMPDIR/err"
	status=$?
	got=$TMPDIR/out
	[ "$want_status" = 0 ] || got=$TMPDIR/err
	if [ "$status" = "$want_status" ] && cmp -s "$dir/expected" "$got"; then
		if [ -f "$dir/open" ]; then
			echo "ok $name (finding $(cat "$dir/open") is fixed: remove ${dir%/}/open)"
		else
			echo "ok $name"
		fi
	elif [ -f "$dir/open" ]; then
		echo "skip $name: open finding $(cat "$dir/open") in tests/oracle/FINDINGS.md"
	elif [ "$status" != "$want_status" ]; then
		echo "FAIL $name: exit status $status, Go's is $want_status: $(head -c 300 "$TMPDIR/err")"
	else
		echo "FAIL $name: differs from Go's answer:"
		diff "$dir/expected" "$got" | head -n 10
	fi
done

# ---- the differential -----------------------------------------------------
if ! command -v go >/dev/null; then
	echo "skip tmpl-oracle/differential: go is missing (Debian's golang-go)"
	exit 0
fi
if [ ! -d /usr/share/gocode/src/github.com/Masterminds/sprig ]; then
	echo "skip tmpl-oracle/differential: sprig is missing (golang-github-masterminds-sprig-dev)"
	exit 0
fi
if ! python3 -c '' 2>/dev/null; then
	echo "skip tmpl-oracle/differential: python3 is missing"
	exit 0
fi
build=$(dirname "$UNIT_DIR")
oracle=$build/tmploracle
if ! GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS='' GOCACHE=$build/gocache \
	go build -o "$oracle" tests/oracle/tmploracle.go 2>"$TMPDIR/go-build.err"; then
	echo "FAIL tmpl-oracle/build: go build of tests/oracle/tmploracle.go: $(head -n 5 "$TMPDIR/go-build.err")"
	exit 0
fi
cases=$TMPDIR/tmpl-cases
count=3000 minimise=(--oracle "$oracle")
if grep -qa __asan_init "$render"; then
	count=300 minimise=()
fi
python3 tests/oracle/tmpldiff.py generate "$cases" --count "${TMPL_ORACLE_CASES:-$count}" \
	--seed "${TMPL_ORACLE_SEED:-4}" --shared "$SHARED" || exit 1
[ -d "$SHARED/upstream/istio/injection-templates" ] ||
	echo "skip tmpl-oracle/gateway: $SHARED/upstream/istio/injection-templates is absent"
"$oracle" -batch "$cases" || exit 1
python3 tests/oracle/tmpldiff.py compare "$cases" --render "$render" "${minimise[@]}" \
	--allow tests/oracle/error-text-differences
