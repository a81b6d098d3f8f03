#!/usr/bin/env bash
# tests/deps.sh - `make deps`: installs, on Debian 12, every package the
# build and the tests use: the list .ci/run installs (read from it, the one
# list), with kubernetes-client only when no kubectl is installed, and sudo
# only when not root; then the pinned npm models of the k8s-models suite.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
# the words between "pkgs=(" and ")" in .ci/run
read -r -a pkgs <<<"$(sed -n '/^pkgs=(/,/)/p' .ci/run | tr -d '()' |
	sed 's/^pkgs=//' | tr '\n' ' ')"
[ ${#pkgs[@]} -gt 5 ] || { echo "deps: no package list in .ci/run" >&2; exit 2; }
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
