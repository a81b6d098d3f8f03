#!/usr/bin/env bash
# tests/suites/canary.sh - spec.canary as the cluster would see it: the
# folder of a canary gateway read by kubectl kustomize (the objects that
# kubectl apply -k sends), and its selectors judged against its pods.
#
#   canary/<case>/objects        exactly two Deployments, <name> and
#                                <name>-canary, one Service, and the
#                                replicas (or autoscalers) the weight gives
#   canary/<case>/selectors      (PyYAML evaluates each matchLabels against
#                                each pod template's labels) the Service,
#                                the PDB and the Istio Gateway select the
#                                pods of both Deployments; each Deployment
#                                selects its own pods; the canary's
#                                selector does not select the main pods
#                                (the main one's, immutable, selects both)
#   canary/<case>/kustomize-selects  the same verdicts from kubectl's own
#                                label selector code: each pod template
#                                becomes a Pod, and a kustomize patch whose
#                                target is the selector (labelSelector,
#                                parsed and matched by kubectl's kustomize)
#                                marks the Pods it selects
#
# Prints only "ok", "FAIL" and "skip" lines; always exits 0.
set -u
export LC_ALL=C TZ=UTC
ok() { echo "ok canary/$1"; }
fail() { echo "FAIL canary/$1: $(printf '%s' "$2" | tr '\n' '|' | cut -c1-600)"; }
skip() { echo "skip canary/$1: $2"; }

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if ! command -v kubectl >/dev/null; then
	skip all "kubectl is not installed"
	exit 0
fi
if ! "$PY" -c 'import yaml' 2>/dev/null; then
	skip all "python3-yaml is not installed"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-canary.XXXXXX") || { fail setup mktemp; exit 0; }
trap 'rm -rf "$work"' EXIT
cd "${top:?}" || exit 0

# check CASE FOLDER: the folder gwc wrote for the golden case CASE
check() {
	local case=$1 folder=$2 stream=$work/$1.yaml verdict
	if ! kubectl kustomize "$folder" >"$stream" 2>"$work/err"; then
		fail "$case/objects" "kubectl kustomize: $(cat "$work/err")"
		return
	fi
	# The verdicts, one "name: value" line each, from PyYAML; and the
	# Pods (one per pod template, its labels) for kustomize to match.
	if ! verdict=$("$PY" - "$stream" "$work/$case-pods" <<'EOF'
import os, sys, yaml

docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
def kind(k):
    return [d for d in docs if d["kind"] == k]
deps = {d["metadata"]["name"]: d for d in kind("Deployment")}
svc, = kind("Service")
name = svc["metadata"]["name"]
main, canary = deps[name], deps[name + "-canary"]
pods = {"main": main["spec"]["template"]["metadata"]["labels"],
        "canary": canary["spec"]["template"]["metadata"]["labels"]}

def selects(match, labels):
    return all(labels.get(k) == v for k, v in match.items())
def verdict(what, match):
    return "%s: %s" % (what, " ".join(
        t for t in ("main", "canary") if selects(match, pods[t])) or "none")

print("deployments: %d" % len(deps))
print(verdict("service", svc["spec"]["selector"]))
for d, t in ((main, "main"), (canary, "canary")):
    print(verdict("deployment-" + t, d["spec"]["selector"]["matchLabels"]))
for k, path in (("PodDisruptionBudget", ("selector", "matchLabels")),
                ("Gateway", ("selector",))):
    for o in kind(k):
        m = o["spec"]
        for p in path:
            m = m[p]
        print(verdict(k, m))
hpas = {h["spec"]["scaleTargetRef"]["name"]: h["spec"] for h in
        kind("HorizontalPodAutoscaler")}
for d, t in ((main, "main"), (canary, "canary")):
    h = hpas.get(d["metadata"]["name"])
    print("pods-%s: %s" % (t, "%d-%d" % (h["minReplicas"], h["maxReplicas"])
                          if h else d["spec"].get("replicas", "unset")))

# the Pods for kubectl: a pod template's labels on a Pod of the track's
# name (with an annotations map for the patches to add to)
os.makedirs(sys.argv[2])
for t in ("main", "canary"):
    with open(os.path.join(sys.argv[2], t + ".yaml"), "w") as f:
        yaml.safe_dump({"apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": t, "labels": pods[t],
                                     "annotations": {"track": t}}}, f)
with open(os.path.join(sys.argv[2], "selectors"), "w") as f:
    f.write("service %s\n" % ",".join(
        "%s=%s" % kv for kv in sorted(svc["spec"]["selector"].items())))
    for d, t in ((main, "main"), (canary, "canary")):
        f.write("deployment-%s %s\n" % (t, ",".join(
            "%s=%s" % kv for kv in
            sorted(d["spec"]["selector"]["matchLabels"].items()))))
EOF
	) 2>"$work/err"; then
		fail "$case/objects" "PyYAML: $(cat "$work/err")"
		return
	fi
	local want_objects want_selectors got
	want_objects=$(printf 'deployments: 2\n%s' "$3")
	got=$(printf '%s\n' "$verdict" | grep -E '^(deployments|pods-)')
	if [ "$got" = "$want_objects" ]; then ok "$case/objects"
	else fail "$case/objects" "got '$got', want '$want_objects'"; fi
	want_selectors="service: main canary
deployment-main: main canary
deployment-canary: canary${4:+
$4}"
	got=$(printf '%s\n' "$verdict" | grep -Ev '^(deployments|pods-)')
	if [ "$got" = "$want_selectors" ]; then ok "$case/selectors"
	else fail "$case/selectors" "got '$got', want '$want_selectors'"; fi

	# kubectl's own matching: a patch per selector, its target the
	# selector, adds an annotation naming it to the Pods it selects
	local pods=$work/$case-pods sel what
	{
		echo "resources: [main.yaml, canary.yaml]"
		echo "patches:"
		while read -r what sel; do
			printf -- '- target: {kind: Pod, labelSelector: "%s"}\n' "$sel"
			printf '  patch: |\n'
			printf '    - {op: add, path: /metadata/annotations/selected-by-%s, value: "y"}\n' "$what"
		done <"$pods/selectors"
	} >"$pods/kustomization.yaml"
	if ! got=$(kubectl kustomize "$pods" 2>"$work/err" | "$PY" -c '
import sys, yaml
by = {}
for p in yaml.safe_load_all(sys.stdin):
    for a in p["metadata"]["annotations"]:
        if a.startswith("selected-by-"):
            by.setdefault(a[len("selected-by-"):], []).append(p["metadata"]["name"])
for what in ("service", "deployment-main", "deployment-canary"):
    print("%s: %s" % (what, " ".join(sorted(by.get(what, []), reverse=True)) or "none"))
'); then
		fail "$case/kustomize-selects" "$(cat "$work/err")"
		return
	fi
	want_selectors=$(printf '%s\n' "$want_selectors" | head -n 3)
	if [ "$got" = "$want_selectors" ]; then ok "$case/kustomize-selects"
	else fail "$case/kustomize-selects" "got '$got', want '$want_selectors'"; fi
}

# build CASE: the golden case's specs, built into $work/CASE
build() {
	local dir=tests/golden/$1 args=()
	if [ -f "$dir/args" ]; then read -r -a args <"$dir/args"; else
		for f in "$dir"/*.yaml; do args+=("$(basename "$f")"); done
	fi
	(cd "$dir" && "$GWC" build --no-cache -o "$work/$1" "${args[@]}" 2>/dev/null) ||
		fail "$1/build" "gwc build failed"
}

build canary-fixed-replicas
check canary-fixed-replicas "$work/canary-fixed-replicas/istio-ingress/ingress-gateway" \
	"pods-main: 9
pods-canary: 1" "PodDisruptionBudget: main canary
Gateway: main canary"
build canary-autoscaling
check canary-autoscaling "$work/canary-autoscaling/istio-ingress/ingress-gateway" \
	"pods-main: 1-4
pods-canary: 1-1" "PodDisruptionBudget: main canary"
build canary-weight-edges
check weight-100 "$work/canary-weight-edges/edge-a/all-canary" \
	"pods-main: 0
pods-canary: 3-6"
check weight-0 "$work/canary-weight-edges/edge-b/no-canary" \
	"pods-main: 3
pods-canary: 0"
build canary-revisionbased
check canary-revisionbased "$work/canary-revisionbased/payments/payments-gateway" \
	"pods-main: 2
pods-canary: 2"
exit 0
