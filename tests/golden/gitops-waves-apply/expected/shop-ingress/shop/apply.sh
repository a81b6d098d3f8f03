#!/usr/bin/env bash
# Made by gwc: applies the gateway of this folder as the seed procedure
# does, step by step.  Needs kubectl and access to the cluster.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
name='shop'
namespace='shop-ingress'
istio='mesh'

# the gateway injection template of the control plane, then its Ready condition
kubectl patch istio "$istio" --type merge --patch-file "$here/../../istio/$istio/istio-patch.json"
kubectl wait --for condition=Ready "istio/$istio" --timeout=3m

# namespace, RBAC, Deployment, Service and the rest, in kustomization.yaml's order
kubectl apply -k "$here"
kubectl rollout status "deployment/$name" -n "$namespace"
kubectl get endpoints "$name" -n "$namespace"
