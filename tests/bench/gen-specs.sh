#!/usr/bin/env bash
# tests/bench/gen-specs.sh DIR N [legacy] [one] - writes N gateway specs,
# each an HA ingress gateway with an HPA, a PDB and two servers: 8 files
# per gateway folder.  Gateway i is gw-<i> in namespace team-<i>, <i> padded
# to 4 digits (or to N's width when N has more), so every spec is its own
# gateway in its own namespace.
#   legacy  every spec also names a Linux 3.10 node kernel, so the run also
#           writes the control plane's template and patch
#   one     one file, DIR/gateways.yaml, holding the N specs as YAML
#           documents separated by `---`, instead of one file per spec
#           (DIR/gw-0001.yaml ...)
# One awk process writes them all (a shell loop forking per spec took 2 s
# per 1000 specs, minutes for 100,000).
set -eu
dir=$1 n=$2
shift 2
legacy= one=
for w in "$@"; do
	case $w in
	legacy) legacy=1 ;;
	one) one=1 ;;
	*) echo "gen-specs.sh: unknown word $w (legacy, one)" >&2; exit 2 ;;
	esac
done
mkdir -p "$dir"
awk -v dir="$dir" -v n="$n" -v legacy="$legacy" -v one="$one" '
BEGIN {
	width = length(n "") > 4 ? length(n "") : 4
	body = \
"  direction: ingress\n" \
"  service:\n" \
"    type: LoadBalancer\n" \
"    externalTrafficPolicy: Local\n" \
"  deployment:\n" \
"    resources:\n" \
"      requests: {cpu: 500m, memory: 256Mi}\n" \
"      limits: {cpu: 2000m, memory: 1Gi}\n" \
"  autoscaling:\n" \
"    minReplicas: 3\n" \
"    maxReplicas: 10\n" \
"    targetCPUUtilizationPercentage: 80\n" \
"  podDisruptionBudget:\n" \
"    minAvailable: 2\n" \
"  servers:\n" \
"  - port: 80\n" \
"    protocol: HTTP\n" \
"    hosts: [\"*.example.com\"]\n" \
"    tls: {httpsRedirect: true}\n" \
"  - port: 443\n" \
"    protocol: HTTPS\n" \
"    hosts: [\"*.example.com\"]\n" \
"    tls: {mode: SIMPLE, credentialName: wildcard-cert}\n"
	kernel = legacy ? "  nodes:\n    kernelVersion: 3.10.0-1160.el7.x86_64\n" : ""
	for (i = 1; i <= n; i++) {
		id = sprintf("%0" width "d", i)
		f = one ? dir "/gateways.yaml" : dir "/gw-" id ".yaml"
		if (one && i > 1)
			printf "---\n" > f
		printf "apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\n" > f
		printf "metadata:\n  name: gw-%s\n  namespace: team-%s\n", id, id > f
		printf "spec:\n%s%s", kernel, body > f
		if (!one)
			close(f)
	}
}'
