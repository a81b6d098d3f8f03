#!/usr/bin/env bash
# tests/suites/check.sh - `gwc build --check`: exit status and the unified
# diff it prints, with GNU diff -u as the oracle for every hunk.
set -u
export LC_ALL=C TZ=UTC
work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-check.XXXXXX") || exit 0
trap 'rm -rf "$work"' EXIT
ok() { echo "ok check/$1"; }
fail() { echo "FAIL check/$1: $2"; }

cd "$top" || exit 0
"$GWC" build -o "$work/out" examples/*.yaml 2>/dev/null
check() { "$GWC" build --check "$@" -o "$work/out" examples/*.yaml >"$work/diff" 2>/dev/null; echo $?; }

rc=$(check)
if [ "$rc" = 0 ] && [ ! -s "$work/diff" ]; then ok unchanged; else fail unchanged "exit $rc, $(wc -l <"$work/diff") lines"; fi

# The hunks must be those of diff -u, for edits at the start, middle and
# end of files, several edits in one file, and an added and a removed file.
dep=$work/out/istio-ingress/ingress-gateway/gateway-deployment.yaml
tmpl=$work/out/istio/default/injection-template-gwc-legacy-kernel.txt
[ -s "$dep" ] && [ -s "$tmpl" ] || fail edits-inputs "the examples no longer write $dep and $tmpl"
cp "$dep" "$work/dep.orig"
cp "$tmpl" "$work/tmpl.orig"
sed -i '1s/apps/APPS/; s/cpu: 100m/cpu: 200m/; $d' "$dep"
printf 'extra line\n' >>"$dep"
sed -i '1s/^/# edited\n/; 3d; $s/$/ tail/' "$tmpl"
rm "$work/out/ha-ingress/ha-gateway/gateway-pdb.yaml"
echo stray >"$work/out/istio-egress/egress-gateway/stray.txt"
rc=$(check)
want() {	# want FILE-IN-OUT EXPECTED: the hunks of diff -u, without headers
	diff -u "$work/out/$1" "$2" | tail -n +3
}
got() {		# got FILE-IN-OUT: the hunks gwc printed for that file
	awk -v f="$work/out/$1" '$0 == "--- " f || $0 == "--- /dev/null" && p == f { on = 1; getline; next }
		/^--- / { on = 0 } on' "$work/diff"
}
if [ "$rc" != 1 ]; then
	fail edits "exit $rc, expected 1"
else
	ok edits-exit-status
	for pair in "istio-ingress/ingress-gateway/gateway-deployment.yaml:$work/dep.orig" \
		    "istio/default/injection-template-gwc-legacy-kernel.txt:$work/tmpl.orig"; do
		f=${pair%%:*} orig=${pair#*:}
		if [ -z "$(got "$f")" ]; then
			fail "hunks-like-diff-u/$(basename "$f")" "gwc printed no hunk for it"
		elif [ "$(got "$f")" = "$(want "$f" "$orig")" ]; then
			ok "hunks-like-diff-u/$(basename "$f")"
		else
			fail "hunks-like-diff-u/$(basename "$f")" "$(diff <(got "$f") <(want "$f" "$orig") | head -n 10 | tr '\n' ' ')"
		fi
	done
	if grep -qx -- "+++ $work/out/ha-ingress/ha-gateway/gateway-pdb.yaml (gwc)" "$work/diff" &&
	   grep -qx -- "--- $work/out/istio-egress/egress-gateway/stray.txt" "$work/diff"; then
		ok missing-and-extra-files
	else
		fail missing-and-extra-files "$(grep -- '^[-+][-+][-+] ' "$work/diff" | tr '\n' ' ')"
	fi
	# applying the diff with patch gives gwc's tree back
	sed -e 's/ (gwc)$//' "$work/diff" | (cd / && patch -s -p0 --no-backup-if-mismatch) >/dev/null 2>&1
	rc=$(check)
	if [ "$rc" = 0 ]; then ok patch-applies; else fail patch-applies "after patch -p0, --check exits $rc"; fi
fi

# --prune: a folder gwc made that no spec produces is reported as extra.
"$GWC" build -o "$work/out" tests/golden/egress/spec.yaml 2>/dev/null
rc=$(check --prune)
if [ "$rc" = 1 ] && grep -q -- "^--- $work/out/mesh-egress/egress/gateway-deployment.yaml$" "$work/diff"; then
	ok prune-reports-extra-folders
else
	fail prune-reports-extra-folders "exit $rc"
fi
rc=$(check)
if [ "$rc" = 0 ]; then ok without-prune-other-folders-ignored; else fail without-prune-other-folders-ignored "exit $rc"; fi
# --check writes nothing
before=$(find "$work/out" -printf '%p %T@\n' | sort)
"$GWC" build --check -o "$work/out" tests/golden/routes-tls/spec.yaml >/dev/null 2>&1
if [ "$before" = "$(find "$work/out" -printf '%p %T@\n' | sort)" ]; then ok writes-nothing; else fail writes-nothing "the tree changed"; fi
# A missing output folder is an empty one: exit 1, and a diff that adds
# every file, the same (but for the folder's name) as for an empty folder.
mkdir "$work/empty"
"$GWC" build --check -o "$work/missing" examples/*.yaml >"$work/missing.diff" 2>"$work/missing.err"
rc=$?
"$GWC" build --check -o "$work/empty" examples/*.yaml >"$work/empty.diff" 2>/dev/null
"$GWC" build -o "$work/whole" examples/*.yaml 2>/dev/null
files=$(cd "$work/whole" && find . -path ./.gwc-cache -prune -o -type f -print | wc -l)
if [ "$rc" = 1 ] && ! grep -q "error" "$work/missing.err" &&
   [ "$(grep -c '^--- /dev/null$' "$work/missing.diff")" = "$files" ] &&
   [ "$(grep -c '^+++ ' "$work/missing.diff")" = "$files" ] &&
   cmp -s <(sed "s#^+++ $work/missing/#+++ #" "$work/missing.diff") \
	  <(sed "s#^+++ $work/empty/#+++ #" "$work/empty.diff"); then
	ok missing-folder-every-file-missing
else
	fail missing-folder-every-file-missing "exit $rc, $(grep -c '^+++ ' "$work/missing.diff") of $files files: $(head -n 2 "$work/missing.err" | tr '\n' ' ')"
fi
# -o -: every object as one stream, each folder's files in kustomization
# order, after the Istio resource that legacy-kernel.yaml names, patched
"$GWC" build -o - examples/*.yaml >"$work/stream" 2>"$work/stream.err"
rc=$?
"$GWC" build -o "$work/fresh" examples/*.yaml 2>/dev/null
: >"$work/expected"
for k in $(cd "$work/fresh" && find . -name kustomization.yaml | sort); do
	d=$(dirname "$k")
	for f in $(sed -n 's/^- //p' "$work/fresh/$k"); do
		echo --- >>"$work/expected"
		cat "$work/fresh/$d/$f" >>"$work/expected"
	done
done
# the stream after its first document (the Istio) is the objects
if [ "$rc" = 0 ] && cmp -s <(sed -n '/^---$/,$p' "$work/stream") "$work/expected"; then
	ok stream-in-apply-order
else
	fail stream-in-apply-order "exit $rc; $(diff "$work/expected" <(sed -n '/^---$/,$p' "$work/stream") | head -n 5 | tr '\n' ' ')"
fi
# the first document: examples/mesh/istio.yaml with istio-patch.json merged
# (RFC 7386, by python3-yaml and json, the independent readers)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if ! "$PY" -c 'import yaml' 2>/dev/null; then
	echo "skip check/stream-patches-istio-first: python3-yaml is not installed"
elif "$PY" - "$work/stream" examples/mesh/istio.yaml "$work/fresh/istio/default/istio-patch.json" <<'PY'
import json, sys, yaml
def merge(t, p):
    for k, v in p.items():
        if v is None:
            t.pop(k, None)
        elif isinstance(v, dict) and isinstance(t.get(k), dict):
            merge(t[k], v)
        else:
            t[k] = v
first = next(yaml.safe_load_all(open(sys.argv[1])))
want = yaml.safe_load(open(sys.argv[2]))
merge(want, json.load(open(sys.argv[3])))
sys.exit(0 if first == want else 1)
PY
then
	ok stream-patches-istio-first
else
	fail stream-patches-istio-first "the stream's first document is not the patched Istio"
fi
# without the Istio resource a legacy-kernel stream would start pods that
# never get their template: exit 1, nothing printed
sed '/istioResource/d; /controlPlane:/d' examples/legacy-kernel.yaml >"$work/legacy-alone.yaml"
"$GWC" build -o - "$work/legacy-alone.yaml" >"$work/alone.out" 2>"$work/alone.err"
rc=$?
if [ "$rc" = 1 ] && [ ! -s "$work/alone.out" ] &&
	grep -qx "gwc: error: -o -: Istio 'default' must get its gateways' injection templates before their pods start, and the stream has no Istio resource to patch: name its file in spec.controlPlane.istioResource, or write with -o DIR" "$work/alone.err"; then
	ok stream-refuses-unpatchable-control-plane
else
	fail stream-refuses-unpatchable-control-plane "exit $rc: $(tr '\n' ' ' <"$work/alone.err")"
fi
if command -v kubectl >/dev/null && n=$(kubectl label --local -f "$work/stream" gwc-check=1 -o name 2>&1 | wc -l) &&
   [ "$n" = "$(grep -c '^kind:' "$work/stream")" ]; then
	ok stream-read-by-kubectl
else
	fail stream-read-by-kubectl "kubectl read ${n:-?} objects"
fi
exit 0
