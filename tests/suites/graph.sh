#!/usr/bin/env bash
# tests/suites/graph.sh - gwc graph:
#   - usage errors and a bad spec: exact text and status, nothing on stdout;
#   - the exact DOT of the golden case gitops-waves-apply (tests/graph/) and
#     of the README's picture (docs/graph.dot, from the Makefile's
#     GRAPH_EXAMPLES), the same whatever the order of the specs;
#   - one node per object that `gwc build` writes;
#   - the injection edge follows the revision (istio.io/rev = the Istio's
#     name or "<name>-..."), and is absent without the Istio patch;
#   - Graphviz's dot accepts the graph of every example and golden case, and
#     docs/graph.svg is what `dot -Tsvg docs/graph.dot` draws (skipped
#     without dot).
# Prints only "ok", "FAIL" and "skip" lines; always exits 0.
set -u
export LC_ALL=C TZ=UTC
ok() { echo "ok graph/$1"; }
fail() { echo "FAIL graph/$1: $(printf '%s' "$2" | tr '\n' '|' | cut -c1-600)"; }
skip() { echo "skip graph/$1: $2"; }
expect() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', want '$3'"; fi; }

work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-graph.XXXXXX") || { fail setup mktemp; exit 0; }
trap 'rm -rf "$work"' EXIT
cd "${top:?}" || exit 0
run() { "$GWC" "$@" >"$work/stdout" 2>"$work/stderr"; echo "$? $(cat "$work/stdout" "$work/stderr")"; }

# ---- usage ------------------------------------------------------------------
expect usage/no-spec "$(run graph)" "2 gwc: error: graph: no spec file given
Try 'gwc --help'."
expect usage/unknown-option "$(run graph -o out examples/minimal.yaml)" "2 gwc: error: unknown option '-o'
Try 'gwc --help'."
printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: x, namespace: y}\nspec: {servise: {}}\n' >"$work/bad.yaml"
"$GWC" validate "$work/bad.yaml" 2>"$work/validate.err"
expect bad-spec "$(run graph "$work/bad.yaml")" "1 $(cat "$work/validate.err")"
expect double-dash "$(run graph -- examples/minimal.yaml | head -c 15)" "0 digraph gwc {"

# ---- exact output ---------------------------------------------------------------
(cd tests/golden/gitops-waves-apply && "$GWC" graph spec.yaml) >"$work/waves.dot" 2>/dev/null
if diff -u tests/graph/gitops-waves-apply.dot "$work/waves.dot" >"$work/diff"; then ok golden/gitops-waves-apply
else fail golden/gitops-waves-apply "$(head -n 20 "$work/diff")"; fi
read -r -a examples <<<"$(sed -n 's/^GRAPH_EXAMPLES := //p' Makefile)"
if [ ${#examples[@]} -eq 0 ]; then
	fail docs-dot "no GRAPH_EXAMPLES in the Makefile"
else
	"$GWC" graph "${examples[@]}" >"$work/docs.dot" 2>/dev/null
	if diff -u docs/graph.dot "$work/docs.dot" >"$work/diff"; then ok "docs-dot (make docs is up to date)"
	else fail docs-dot "docs/graph.dot is not what gwc graph prints (run make docs): $(head -n 20 "$work/diff")"; fi
	reversed=()
	for ((i = ${#examples[@]} - 1; i >= 0; i--)); do reversed+=("${examples[i]}"); done
	"$GWC" graph "${reversed[@]}" >"$work/reversed.dot" 2>/dev/null
	if cmp -s "$work/docs.dot" "$work/reversed.dot"; then ok order-independent
	else fail order-independent "the specs in reverse order give another graph"; fi
fi

# ---- agrees with build ---------------------------------------------------------------
(cd tests/golden/gitops-waves-apply && "$GWC" build -o "$work/out" spec.yaml) 2>/dev/null
objects=$(find "$work/out" -name '*.yaml' ! -name kustomization.yaml -exec grep -h '^kind: ' {} + | sort | uniq -c | sed 's/^ *//')
nodes=$(grep -oE '\[label="[A-Za-z]+\\n' tests/graph/gitops-waves-apply.dot | sed 's/\[label="//; s/\\n$//' | sed 's/^/kind: /' | sort | uniq -c | sed 's/^ *//')
expect one-node-per-object "$nodes" "$objects"

# ---- a NetworkPolicy selects the gateway's pods (its podSelector) ----------------
expect network-policy-selects "$(cd tests/golden/chart-parity-pod && "$GWC" graph spec.yaml 2>/dev/null | grep -- '-> "edge-ingress/Deployment/edge"' | grep NetworkPolicy)" \
	'	"edge-ingress/NetworkPolicy/edge" -> "edge-ingress/Deployment/edge" [label="selects pods"];'

# ---- the injection edge ----------------------------------------------------------------
spec() {	# spec FILE ISTIO REVISION: a gateway that installs the template
	printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: gw, namespace: ns}\nspec:\n  controlPlane: {istio: %s, revision: %s, pinTemplate: true, version: v1.26.3}\n' "$2" "$3" >"$1"
}
spec "$work/rev.yaml" prod prod-v1-24-3
expect injects/revision-of-istio "$("$GWC" graph "$work/rev.yaml" 2>/dev/null | grep -- '->' | grep Istio)" \
	'	"Istio/prod" -> "ns/Deployment/gw" [label="injects (gateway template)"];'
spec "$work/other.yaml" prod production
expect injects/other-revision "$("$GWC" graph "$work/other.yaml" 2>/dev/null | grep -c 'injects')" 0
expect injects/no-patch-no-istio "$("$GWC" graph examples/minimal.yaml 2>/dev/null | grep -c 'Istio')" 0

# ---- Graphviz ---------------------------------------------------------------------------
if ! command -v dot >/dev/null; then
	skip dot "graphviz is not installed (apt-get install graphviz)"
	exit 0
fi
for f in examples/*.yaml; do
	"$GWC" graph "$f" 2>/dev/null >"$work/g.dot"
	if [ ! -s "$work/g.dot" ]; then fail "dot/$f" "gwc graph printed nothing"
	elif msg=$(dot -Tsvg "$work/g.dot" 2>&1 >/dev/null) && [ -z "$msg" ]; then ok "dot/$f"
	else fail "dot/$f" "$msg"; fi
done
for d in tests/golden/*/; do
	if [ -f "$d/args" ]; then read -r -a args <"$d/args"; else
		args=(); for f in "$d"/*.yaml; do args+=("$(basename "$f")"); done
	fi
	(cd "$d" && "$GWC" graph "${args[@]}") 2>/dev/null >"$work/g.dot"
	if [ ! -s "$work/g.dot" ]; then fail "dot/$d" "gwc graph printed nothing"
	elif msg=$(dot -Tsvg "$work/g.dot" 2>&1 >/dev/null) && [ -z "$msg" ]; then ok "dot/$d"
	else fail "dot/$d" "$msg"; fi
done
if dot -Tsvg docs/graph.dot | cmp -s - docs/graph.svg; then ok "docs-svg (dot -Tsvg docs/graph.dot)"
else fail docs-svg "docs/graph.svg is not what dot -Tsvg docs/graph.dot draws (run make docs)"; fi
exit 0
