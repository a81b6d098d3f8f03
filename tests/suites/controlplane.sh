#!/usr/bin/env bash
# tests/suites/controlplane.sh - gwc reads sail-operator's own Istio
# resources as sail-operator would.
#
#   controlplane/sample/FILE      every Istio of $SHARED/upstream/
#                                 sail-operator/samples/ (and, where the file
#                                 holds one, its IstioRevisionTag) named in
#                                 spec.controlPlane.istioResource: gwc build
#                                 succeeds, and the Deployment's pod labels
#                                 (read by python3-yaml) carry the revision
#                                 label that sail-operator's naming rules,
#                                 applied here by Python to the same file,
#                                 give: an InPlace Istio's revision is its
#                                 name, a RevisionBased one's is
#                                 "<name>-<spec.version, '.' as '-'>", a
#                                 tag's is the tag's name, and the default
#                                 revision is picked by sidecar.istio.io/inject
set -u
samples=$SHARED/upstream/sail-operator/samples
if [ ! -d "$samples" ]; then
	echo "skip controlplane/sample: $samples is absent"
	exit 0
fi
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
if ! "$PY" -c 'import yaml' 2>/dev/null; then
	echo "skip controlplane/sample: python3-yaml is not installed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expected_label FILE TAG: the pod label sail-operator's rules give
expected_label() {
	"$PY" - "$1" "$2" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
istio = [d for d in docs if d.get("kind") == "Istio"][0]
tags = [d for d in docs if d.get("kind") == "IstioRevisionTag"]
spec = istio.get("spec") or {}
strategy = (spec.get("updateStrategy") or {}).get("type", "InPlace")
name = istio["metadata"]["name"]
rev = name if strategy == "InPlace" else \
    name + "-" + spec["version"].replace(".", "-")
if sys.argv[2] == "tag":
    rev = tags[0]["metadata"]["name"]
print("sidecar.istio.io/inject=true" if rev == "default"
      else "istio.io/rev=" + rev)
PY
}

# pod_label OUT: the injection label of the Deployment gwc wrote
pod_label() {
	"$PY" - "$1" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
labels = d["spec"]["template"]["metadata"]["labels"]
for k in ("sidecar.istio.io/inject", "istio.io/rev"):
    if k in labels:
        print(k + "=" + labels[k])
PY
}

n=0
for f in "$samples"/*.yaml; do
	grep -q '^kind: Istio$' "$f" || continue
	for mode in resource tag; do
		if [ $mode = tag ]; then
			grep -q '^kind: IstioRevisionTag$' "$f" || continue
		fi
		name=controlplane/sample/$(basename "$f")
		[ $mode = tag ] && name="$name+tag"
		n=$((n + 1))
		spec=$tmp/spec-$n.yaml
		{
			printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\n'
			printf 'metadata: {name: gw-%d, namespace: ns-%d}\n' "$n" "$n"
			printf 'spec:\n  controlPlane:\n    istioResource: %s\n' "$f"
			[ $mode = tag ] && printf '    revisionTag: %s\n' "$f"
		} >"$spec"
		if ! "$GWC" build -o "$tmp/out-$n" "$spec" 2>"$tmp/err"; then
			echo "FAIL $name: gwc build failed: $(head -n 3 "$tmp/err")"
			continue
		fi
		want=$(expected_label "$f" $mode)
		got=$(pod_label "$tmp/out-$n/ns-$n/gw-$n/gateway-deployment.yaml")
		if [ "$want" = "$got" ]; then
			echo "ok $name ($got)"
		else
			echo "FAIL $name: pod label '$got', sail-operator's rules give '$want'"
		fi
	done
done
[ $n -gt 0 ] || echo "FAIL controlplane/sample: no Istio sample in $samples"
