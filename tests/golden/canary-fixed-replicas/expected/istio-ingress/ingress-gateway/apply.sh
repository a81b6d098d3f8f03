#!/usr/bin/env bash
# Made by gwc: applies the gateway of this folder as the seed procedure
# does, step by step.  Needs kubectl and access to the cluster.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
name='ingress-gateway'
namespace='istio-ingress'

# namespace, RBAC, Deployment, Service and the rest, in kustomization.yaml's order
kubectl apply -k "$here"
kubectl rollout status "deployment/$name" -n "$namespace"
kubectl rollout status "deployment/$name-canary" -n "$namespace"
kubectl get endpoints "$name" -n "$namespace"
