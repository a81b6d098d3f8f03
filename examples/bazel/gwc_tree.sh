#!/usr/bin/env bash
# gwc_tree.sh OUT TAR [SPEC TREE MODES]... - the action of gwc_tree (gwc.bzl):
# merges the trees that gwc_gateway actions wrote, one per spec file, into
# OUT, and OUT into TAR (sorted names, mtime 0, owner 0, the modes gwc gave:
# reproducible), without running gwc.
#
# TREE is what `gwc build -o TREE SPEC` wrote: folders PARENT/NAME/ whose
# .gwc-output marker says "kind: gateway" (OUT/<namespace>/<name>/) or
# "kind: control-plane" (OUT/istio/<istio>/); MODES lists its files as
# "<octal mode> <path>".  What gwc decides across specs, the merge checks:
#   - a gateway's folder comes from one spec: a second TREE that has it is
#     an error (gwc build of both would say "is also defined at");
#   - a control plane's folder depends on every gateway of its Istio (the
#     overlays it installs; the text and scenario of a replaced template,
#     whose digest those gateways' Deployments carry), so each TREE holds the
#     folder its own specs make; they must be byte-identical (files and
#     modes), else gwc build of all the specs writes one folder for all of
#     them and may change their gateways' folders: an error, naming the two
#     spec files.
# Errors go to stderr as "SPEC: error: ...", all of them; then exit 1.
set -euo pipefail
export LC_ALL=C

if [ $# -lt 2 ] || [ $((($# - 2) % 3)) -ne 0 ]; then
	echo "usage: gwc_tree.sh OUT TAR [SPEC TREE MODES]..." >&2
	exit 2
fi
out=$1 tar=$2
shift 2
declare -A from kind modes_of
errors=0
error() {
	printf '%s: error: %s\n' "$1" "${*:2}" >&2
	errors=$((errors + 1))
}

# whose folder a marker's kind line says it is
what() {
	case $1 in
	"kind: gateway") echo "a gateway's" ;;
	"kind: control-plane") echo "a control plane's" ;;
	*) echo "'$1'" ;;
	esac
}

mkdir -p "$out"
while [ $# -gt 0 ]; do
	spec=$1 tree=$2 modes=$3
	shift 3
	# MODES must list exactly the files of TREE (the action wrote both)
	if [ "$(cd "$tree" && find -L . -type f -printf '%P\n' | sort)" != \
		"$(cut -d' ' -f2- "$modes" | sort)" ]; then
		error "$spec" "internal: $modes does not list the files of $tree"
		continue
	fi
	if grep -Eq '^[0-7]+ [^/]+(/[^/]+)?$' "$modes"; then
		error "$spec" "internal: $tree has a file outside the folders gwc writes"
		continue
	fi
	while IFS= read -r folder; do
		marker=$tree/$folder/.gwc-output
		if [ ! -f "$marker" ]; then
			error "$spec" "internal: $tree/$folder is not a folder gwc writes"
			continue
		fi
		k=$(sed -n 2p "$marker")
		m=$(grep -F " $folder/" "$modes" || true)
		if [ -z "${from[$folder]+set}" ]; then
			from[$folder]=$spec kind[$folder]=$k modes_of[$folder]=$m
			mkdir -p "$out/$folder"
			cp -RL "$tree/$folder/." "$out/$folder/"
		elif [ "${kind[$folder]}" != "$k" ]; then
			error "$spec" "the folder $folder is $(what "$k") here and" \
				"$(what "${kind[$folder]}") in ${from[$folder]}"
		elif [ "$k" != "kind: control-plane" ]; then
			error "$spec" "the gateway folder $folder is also written by" \
				"${from[$folder]}: one folder, one gateway"
		elif ! diff -r "$out/$folder" "$tree/$folder" >/dev/null ||
			[ "${modes_of[$folder]}" != "$m" ]; then
			error "$spec" "the control plane folder $folder differs from" \
				"the one ${from[$folder]} makes: it depends on every gateway" \
				"of its Istio, so gwc build of both files writes one for both" \
				"(and may change their gateways' folders); put the specs of" \
				"the two files in one file, which one action compiles"
		fi
	done < <(cd "$tree" && find -L . -mindepth 2 -maxdepth 2 -type d -printf '%P\n' | sort)
done
[ "$errors" -eq 0 ] || exit 1

# gwc's modes (Bazel made its outputs r-x): folders 0755, files as listed
find "$out" -type d -exec chmod 0755 {} +
for folder in "${!modes_of[@]}"; do
	while read -r mode path; do
		chmod "$mode" "$out/$path"
	done <<<"${modes_of[$folder]}"
done
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
	-cf "$tar" -C "$out" .
