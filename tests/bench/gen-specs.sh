#!/usr/bin/env bash
# tests/bench/gen-specs.sh DIR N [legacy] - writes N gateway specs, one per
# file (DIR/gw-0001.yaml ...), each an HA ingress gateway with an HPA, a PDB
# and two servers: 8 files per gateway folder.  With "legacy", every spec
# also names a Linux 3.10 node kernel, so the run also writes the control
# plane's template and patch.
set -eu
dir=$1 n=$2 legacy=${3:-}
mkdir -p "$dir"
for ((i = 1; i <= n; i++)); do
	id=$(printf '%04d' "$i")
	{
		printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\n'
		printf 'metadata:\n  name: gw-%s\n  namespace: team-%s\n' "$id" "$id"
		printf 'spec:\n'
		[ -n "$legacy" ] && printf '  nodes:\n    kernelVersion: 3.10.0-1160.el7.x86_64\n'
		cat <<'SPEC'
  direction: ingress
  service:
    type: LoadBalancer
    externalTrafficPolicy: Local
  deployment:
    resources:
      requests: {cpu: 500m, memory: 256Mi}
      limits: {cpu: 2000m, memory: 1Gi}
  autoscaling:
    minReplicas: 3
    maxReplicas: 10
    targetCPUUtilizationPercentage: 80
  podDisruptionBudget:
    minAvailable: 2
  servers:
  - port: 80
    protocol: HTTP
    hosts: ["*.example.com"]
    tls: {httpsRedirect: true}
  - port: 443
    protocol: HTTPS
    hosts: ["*.example.com"]
    tls: {mode: SIMPLE, credentialName: wildcard-cert}
SPEC
	} >"$dir/gw-$id.yaml"
done
