#!/usr/bin/env bash
# tests/suites/gitops.sh - the control plane in GitOps: istio-patch.yaml,
# included by a kustomization next to the repository's own Istio resource,
# makes `kubectl kustomize` give that Istio exactly the template that
# istio-patch.json installs, and leaves the rest of the resource alone.
set -u
sample=$SHARED/upstream/sail-operator/samples/istio-sample.yaml
if [ ! -f "$sample" ]; then
	echo "skip gitops/istio-patch-yaml: $SHARED/upstream absent"
	exit 0
fi
if ! command -v kubectl >/dev/null || ! command -v jq >/dev/null; then
	echo "skip gitops/istio-patch-yaml: kubectl or jq missing"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-gitops.XXXXXX") || exit 0
trap 'rm -rf "$work"' EXIT
cd "$top" || exit 0
"$GWC" build -o "$work/out" examples/*.yaml 2>/dev/null
for d in tests/golden/*/; do
	if [ -f "$d/args" ]; then read -r -a args <"$d/args"; else
		args=(); for f in "$d"/*.yaml; do args+=("$(basename "$f")"); done
	fi
	(cd "$d" && "$GWC" build -o "$work/out-$(basename "$d")" "${args[@]}") >/dev/null 2>&1
done
for patch in "$work"/out*/istio/*/istio-patch.yaml; do
	name=$(basename "$(dirname "$patch")")
	case=$(basename "$(dirname "$(dirname "$(dirname "$patch")")")")
	repo=$work/repo-$case-$name
	mkdir -p "$repo"
	sed "s/^  name: default$/  name: $name/" "$sample" >"$repo/istio.yaml"
	cp "$patch" "$repo/"
	printf 'resources:\n- istio.yaml\npatches:\n- path: istio-patch.yaml\n' >"$repo/kustomization.yaml"
	if ! kubectl kustomize "$repo" >"$repo/rendered.yaml" 2>"$repo/err"; then
		echo "FAIL gitops/istio-patch-yaml/$case/$name: $(head -c 300 "$repo/err")"
		continue
	fi
	want=$(jq -r .spec.values.sidecarInjectorWebhook.templates.gateway "$(dirname "$patch")/istio-patch.json")
	got=$(kubectl label --local -f "$repo/rendered.yaml" gwc-check=1 -o json | jq -r .spec.values.sidecarInjectorWebhook.templates.gateway)
	version=$(kubectl label --local -f "$repo/rendered.yaml" gwc-check=1 -o json | jq -r .spec.version)
	if [ "$got" != "$want" ]; then
		echo "FAIL gitops/istio-patch-yaml/$case/$name: the kustomized Istio has another template than istio-patch.json"
	elif [ "$version" != "$(kubectl label --local -f "$repo/istio.yaml" gwc-check=1 -o json | jq -r .spec.version)" ]; then
		echo "FAIL gitops/istio-patch-yaml/$case/$name: the patch changed spec.version"
	else
		echo "ok gitops/istio-patch-yaml/$case/$name"
	fi
done
exit 0
