#!/usr/bin/env bash
# tests/suites/bounds.sh - gwc's time and memory grow linearly (or as
# n log n) with its input: inputs far larger than any real gateway, each
# run under `timeout 20` and `prlimit --as` (1 GiB of address space), must
# finish with the expected exit status.  A quadratic step (a linear lookup
# per key of a user-sized map, per item of a list) shows as a timeout here:
# 40k annotations took 3.4 s, 100k 60 s, 20k env entries in a preview
# 44.5 s before map merges were indexed.  The harness enforces the limits;
# nothing here times anything.
#
#   bounds/pod-annotations-40k           spec.deployment.podAnnotations
#   bounds/metadata-annotations-40k      metadata.annotations (every object)
#   bounds/metadata-labels-40k           metadata.labels (every object)
#   bounds/preview-env-20k               spec.deployment.env with
#                                        spec.injectionPreview
#   bounds/inject-containers-40k         gwc inject of a Deployment with 40k
#                                        containers ($SHARED's Istio 1.24
#                                        injector config)
#   bounds/specs-30k-validate            one 2.8 MB file of 30k specs
#   bounds/specs-30k-build               the same, built to standard output
#   bounds/specs-10k-folder              its first 10k, built into a folder
#                                        under 256 MiB of address space (the
#                                        file is read document by document:
#                                        it took 321 MB when all its trees
#                                        were held at once)
#   bounds/specs-70k-file                a 6.6 MB file (more than the 4 MiB
#                                        a file once could hold) validates
#   bounds/document-over-limit           one YAML document over GW_DOC_MAX
#                                        (4 MiB): exit 1, the exact message
#                                        at the document's first line
set -u
export LC_ALL=C TZ=UTC
GWC=${GWC:-$(cd "$(dirname "$0")/../.." && pwd)/build/gwc}
SHARED=${SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/../shared}
work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-bounds.XXXXXX") || {
	echo "FAIL bounds: cannot make a temporary folder"
	exit 0
}
shm=
trap 'rm -rf "$work" ${shm:+"$shm"}' EXIT
ok() { echo "ok bounds/$1"; }
fail() { echo "FAIL bounds/$1: $2"; }

if ! command -v prlimit >/dev/null || ! command -v timeout >/dev/null; then
	echo "skip bounds: prlimit or timeout is missing (util-linux, coreutils)"
	exit 0
fi

# A sanitizer build (make debug test) reserves terabytes of address space
# for its shadow memory, so no address-space limit can hold it, and it runs
# several times slower: there, the time limit alone, four times longer.
limit=(prlimit --as=$((1 << 30)))
seconds=20
if ldd "$GWC" 2>/dev/null | grep -q 'lib[at]san'; then
	limit=()
	seconds=80
fi

# bounded NAME STATUS CMD...: CMD must exit with STATUS within $seconds s
# and 1 GiB of address space.
bounded() {
	local name=$1 want=$2 status
	shift 2
	"${limit[@]}" timeout "$seconds" "$@" >/dev/null 2>"$work/err"
	status=$?
	if [ "$status" = 124 ]; then
		fail "$name" "not done within $seconds s"
	elif [ "$status" != "$want" ]; then
		fail "$name" "exit status $status, expected $want: $(head -c 300 "$work/err")"
	else
		ok "$name"
	fi
}

head_spec() {	# the start of a spec: apiVersion, kind
	printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\n'
}

# 40k keys "a0".."a39999" with empty values: 228,890 bytes, within the
# 256 KiB Kubernetes allows an object's annotations
keys() {	# keys INDENT: the 40k pairs
	seq 0 39999 | awk -v ind="$1" '{ printf "%sa%s: \"\"\n", ind, $1 }'
}

{ head_spec
  printf 'metadata: {name: ingress-gateway, namespace: istio-ingress}\n'
  printf 'spec:\n  deployment:\n    podAnnotations:\n'
  keys '      '; } >"$work/pod-annotations.yaml"
bounded pod-annotations-40k 0 "$GWC" build -o - "$work/pod-annotations.yaml"

{ head_spec
  printf 'metadata:\n  name: ingress-gateway\n  namespace: istio-ingress\n'
  printf '  annotations:\n'
  keys '    '; } >"$work/metadata-annotations.yaml"
bounded metadata-annotations-40k 0 "$GWC" build -o - \
	"$work/metadata-annotations.yaml"

sed 's/^  annotations:$/  labels:/' "$work/metadata-annotations.yaml" \
	>"$work/metadata-labels.yaml"
bounded metadata-labels-40k 0 "$GWC" build -o - "$work/metadata-labels.yaml"

{ head_spec
  printf 'metadata: {name: ingress-gateway, namespace: istio-ingress}\n'
  printf 'spec:\n  injectionPreview: {}\n  deployment:\n    env:\n'
  seq 0 19999 | awk '{ printf "    - {name: E%s, value: v}\n", $1 }'
} >"$work/preview-env.yaml"
bounded preview-env-20k 0 "$GWC" build -o - "$work/preview-env.yaml"

conf=$SHARED/upstream/istio/injection-conformance/1.24.0
if [ ! -f "$conf/gateway.yaml" ]; then
	echo "skip bounds/inject-containers-40k: $conf is absent"
elif [ "$(tail -n 1 "$conf/gateway.yaml")" != "        imagePullPolicy: IfNotPresent" ]; then
	fail inject-containers-40k "$conf/gateway.yaml no longer ends with its container"
else
	{ cat "$conf/gateway.yaml"
	  seq 0 39999 | awk '{ printf "      - name: c%s\n        image: busybox\n", $1 }'
	} >"$work/containers.yaml"
	bounded inject-containers-40k 0 "$GWC" inject \
		--injector-config "$conf/default.template.gen.yaml" \
		--values "$conf/default.values.gen.yaml" \
		--mesh "$conf/default.mesh.gen.yaml" "$work/containers.yaml"
fi

seq 0 29999 | awk '{ printf "---\napiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: g%s, namespace: n%s}\n", $1, $1 }' \
	>"$work/specs.yaml"
bounded specs-30k-validate 0 "$GWC" validate "$work/specs.yaml"
bounded specs-30k-build 0 "$GWC" build -o - "$work/specs.yaml"
head -n 40000 "$work/specs.yaml" >"$work/specs-10k.yaml"
# writing 80,000 files is the slow part, not what this case bounds: more
# time, and a tmpfs when there is one (a VM's disk took 0.5 ms a file
# while other work wrote to it)
seconds_before=$seconds
seconds=$((seconds * 3))
specs_out=$work/specs-out
# (a small one, as a container's 64 MB /dev/shm, would fill: not then)
shm_kb=$(df -P -k /dev/shm 2>/dev/null | awk 'NR == 2 {print $4}')
shm_inodes=$(df -P -i /dev/shm 2>/dev/null | awk 'NR == 2 {print $4}')
if [ "${shm_kb:-0}" -gt $((512 * 1024)) ] && [ "${shm_inodes:-0}" -gt 200000 ] &&
   [ -w /dev/shm ] && shm=$(mktemp -d /dev/shm/gwc-bounds.XXXXXX 2>/dev/null); then
	specs_out=$shm/specs-out
fi
if [ ${#limit[@]} -gt 0 ]; then
	limit=(prlimit --as=$((256 << 20)))
	bounded specs-10k-folder 0 "$GWC" build -q -o "$specs_out" "$work/specs-10k.yaml"
	limit=(prlimit --as=$((1 << 30)))
else
	bounded specs-10k-folder 0 "$GWC" build -q -o "$specs_out" "$work/specs-10k.yaml"
fi
seconds=$seconds_before
rm -rf "$specs_out" "${shm:-}"
seq 0 69999 | awk '{ printf "---\napiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: g%s, namespace: n%s}\n", $1, $1 }' \
	>"$work/specs.yaml"
bounded specs-70k-file 0 "$GWC" validate "$work/specs.yaml"
{ printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: a, namespace: n}\n'
  printf -- '---\napiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata:\n  name: b\n  namespace: n\n  annotations:\n'
  seq 0 99999 | awk '{ printf "    a%06d.example.com/k: \"%040d\"\n", $1, $1 }'
} >"$work/big-doc.yaml"
"${limit[@]}" timeout "$seconds" "$GWC" validate "$work/big-doc.yaml" >/dev/null 2>"$work/err"
status=$?
want="$work/big-doc.yaml:4:1: error: this YAML document is larger than the limit of 4194304 bytes"
if [ "$status" != 1 ] || [ "$(cat "$work/err")" != "$want" ]; then
	fail document-over-limit "exit status $status: $(head -c 300 "$work/err")"
else
	ok document-over-limit
fi
exit 0
