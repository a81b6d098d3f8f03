#!/usr/bin/env bash
# tests/deps.sh - `make deps`: installs, on Debian 12, every package the
# build and the tests use, whether or not kubectl is already installed,
# with sudo only when not root; then the pinned npm models of the
# k8s-models suite.  .ci/run runs it too, so that CI and a new user's
# machine are set up by the same lines.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
pkgs=(build-essential pkg-config libfyaml-dev libyaml-dev libcmocka-dev
      jq python3 python3-yaml python3-jsonschema json-schema-test-suite
      util-linux patch
      golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v2-dev
      shellcheck graphviz bazel-bootstrap zsh)
# kubectl: Debian's kubernetes-client, unless the machine already has one
# (that package conflicts with an installed kubectl binary package)
command -v kubectl >/dev/null || pkgs+=(kubernetes-client)
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps: not root and no sudo" >&2; exit 2; }
	sudo=(sudo)
fi
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${pkgs[@]}" >/dev/null
# pinned kubernetes-models for the k8s-models suite (it skips without them)
if command -v npm >/dev/null; then
	npm ci --prefix tests/k8s-models --no-audit --no-fund >/dev/null 2>&1 ||
		echo "deps: npm ci failed; the k8s-models suite will skip"
else
	echo "deps: no npm; the k8s-models suite will skip"
fi
