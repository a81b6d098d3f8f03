#!/usr/bin/env bash
# tests/suites/patches.sh - spec.patches against kustomize itself: for each
# case, gwc builds the spec without its patches, `kubectl kustomize` runs on
# that folder with the same patches added to its kustomization.yaml
# `patches:` (an object or list patch written as the string kustomize
# takes), and the objects must be, as data, those gwc writes when the spec
# has the patches (matched by kind and name; maps compared whatever their
# order, lists in order).
#
#   patches/CASE        one case (the lists below: CASES on the injection
#                       path's folder, API_CASES on the Gateway API path's)
#   patches/self-test   the comparison tells a patched folder from an
#                       unpatched one, so that no case passes vacuously
#
# Needs kubectl (Debian's kubernetes-client: its `kubectl kustomize` is
# kustomize v5) and PyYAML; without them, one skip line.  Run by
# tests/run.sh with GWC and TMPDIR set; prints ok/FAIL/skip lines, exits 0.
set -u
export LC_ALL=C TZ=UTC
umask 022
if ! command -v kubectl >/dev/null || ! /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
	echo "skip patches: kubectl or PyYAML missing"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-patches.XXXXXX") || exit 0
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$GWC" "$work" <<'PY'
import copy, json, os, subprocess, sys, yaml

gwc, work = sys.argv[1], sys.argv[2]

# The spec every case patches: a Namespace, RBAC, NetworkPolicy,
# Deployment (env, tolerations, a spread constraint), Service, HPA, PDB,
# Gateway and two VirtualServices, with labels on every object.
BASE = yaml.safe_load("""
apiVersion: gwc.dev/v1alpha1
kind: GatewaySpec
metadata:
  name: ingress-gateway
  namespace: istio-ingress
  labels: {team: edge}
spec:
  deployment:
    env:
    - {name: A, value: "1"}
    - {name: B, value: "2"}
    - {name: C, value: "3"}
    tolerations:
    - {key: dedicated, operator: Equal, value: edge, effect: NoSchedule}
    topologySpreadConstraints:
    - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway}
  service:
    annotations: {example.com/tier: front}
  autoscaling: {minReplicas: 2, maxReplicas: 4}
  podDisruptionBudget: {minAvailable: 1}
  networkPolicy: {from: [{ipBlock: {cidr: 10.0.0.0/8}}]}
  servers:
  - {port: 80, protocol: HTTP, hosts: [shop.example.com]}
  routes:
  - name: shop
    hosts: [shop.example.com]
    http:
    - match: [{uri: {prefix: /api}}]
      route: [{destination: {host: api.shop.svc.cluster.local}}]
    - route: [{destination: {host: web.shop.svc.cluster.local}}]
  - name: admin
    hosts: [admin.example.com]
    http:
    - route: [{destination: {host: admin.shop.svc.cluster.local}}]
""")

def y(text):
    return yaml.safe_load(text)

CASES = {
    # a container by name: a field of istio-proxy changed, a sidecar added
    "smp-containers": [{"target": {"kind": "Deployment"}, "patch": y("""
apiVersion: apps/v1
kind: Deployment
metadata: {name: anything}
spec:
  template:
    spec:
      containers:
      - name: istio-proxy
        imagePullPolicy: Always
        resources: {limits: {memory: 2Gi}}
      - name: log-shipper
        image: registry.example.com/shipper:1.2
""")}],
    # env by name: one changed, one added, one deleted with $patch: delete
    "smp-env": [{"target": {"kind": "Deployment", "name": "ingress-gateway"}, "patch": y("""
spec:
  template:
    spec:
      containers:
      - name: istio-proxy
        env:
        - {name: B, value: "22"}
        - {name: D, value: "4"}
        - {name: A, $patch: delete}
""")}],
    # null deletes a key; tolerations (no merge key) are replaced
    "smp-null-and-replaced-list": [{"target": {"kind": "Deployment"}, "patch": y("""
spec:
  template:
    spec:
      containers:
      - name: istio-proxy
        securityContext: {readOnlyRootFilesystem: null}
        resources: {limits: null}
      tolerations:
      - {key: other, operator: Exists}
""")}],
    # Service ports by port and protocol: one changed, one added
    "smp-service-ports": [{"target": {"kind": "Service"}, "patch": y("""
spec:
  ports:
  - {port: 443, protocol: TCP, targetPort: 8443}
  - {name: tcp-db, port: 5432, protocol: TCP, targetPort: 5432}
""")}],
    # $patch: replace on a map, a list directive, $patch: delete on a map
    "smp-directives": [{"target": {"kind": "Deployment"}, "patch": y("""
spec:
  template:
    spec:
      containers:
      - name: istio-proxy
        securityContext:
          $patch: replace
          runAsNonRoot: true
        env:
        - $patch: replace
        - {name: ONLY, value: this}
  strategy:
    $patch: delete
""")}, {"target": {"kind": "HorizontalPodAutoscaler"}, "patch": y("""
spec:
  behavior: {$patch: delete}
""")}],
    # labels and annotations on several kinds, chosen by selectors
    "labels-by-selector": [
        {"target": {"labelSelector": "team=edge,!absent"}, "patch": y("""
metadata:
  annotations: {example.com/owner: edge-team}
""")},
        {"target": {"labelSelector": "team in (edge,core),istio notin (x)",
                    "kind": "Service|Deployment"}, "patch": y("""
metadata:
  labels: {tier: front}
""")},
        {"target": {"annotationSelector": "example.com/tier=front"}, "patch": y("""
metadata:
  labels: {exposed: "yes"}
""")},
        {"target": {"name": "ingress-.*", "namespace": "istio-.*"}, "patch": y("""
metadata:
  annotations: {example.com/name-matched: "true"}
""")},
    ],
    # a NetworkPolicy's lists are replaced (no merge key in the schema)
    "networkpolicy": [{"target": {"kind": "NetworkPolicy"}, "patch": y("""
spec:
  ingress:
  - from: [{ipBlock: {cidr: 192.168.0.0/16}}]
""")}],
    # an Istio list is replaced whole (no schema): the VirtualService's http
    "vs-list-replaced": [{"target": {"kind": "VirtualService", "name": "shop"}, "patch": y("""
spec:
  http:
  - route: [{destination: {host: maintenance.shop.svc.cluster.local}}]
""")}],
    # JSON 6902: every operation, '-' and '~1'
    "json6902": [{"target": {"group": "apps", "version": "v1", "kind": "Deployment"}, "patch": y("""
- {op: test, path: /spec/template/spec/containers/0/name, value: istio-proxy}
- {op: add, path: /spec/template/spec/containers/0/env/-, value: {name: E, value: "5"}}
- {op: add, path: /spec/template/spec/containers/0/env/0, value: {name: FIRST, value: "0"}}
- {op: remove, path: /spec/template/spec/containers/0/env/2}
- {op: replace, path: /spec/template/spec/serviceAccountName, value: other-sa}
- {op: add, path: /spec/template/metadata/annotations/example.com~1team, value: edge}
- {op: copy, from: /spec/template/metadata/annotations/example.com~1team, path: /metadata/labels/example.com~1team}
- {op: move, from: /spec/template/spec/tolerations, path: /spec/template/spec/savedTolerations}
- {op: move, from: /spec/template/spec/savedTolerations, path: /spec/template/spec/tolerations}
- {op: add, path: /spec/minReadySeconds, value: 5}
""")}, {"target": {"kind": "VirtualService"}, "patch": y("""
- {op: replace, path: /spec/hosts/0, value: other.example.com}
- {op: add, path: /spec/gateways/-, value: mesh}
""")}],
    # patches given as strings, as kustomization.yaml writes them
    "string-forms": [
        {"target": {"kind": "Service"}, "patch": "spec:\n  externalTrafficPolicy: Local\n  type: LoadBalancer\n"},
        {"target": {"kind": "PodDisruptionBudget"}, "patch": "- op: replace\n  path: /spec/minAvailable\n  value: 2\n"},
    ],
    # a strategic merge patch without target names its object
    "no-target": [{"patch": y("""
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: ingress-gateway, namespace: istio-ingress}
spec: {minAvailable: null, maxUnavailable: 1}
""")}, {"patch": y("""
apiVersion: v1
kind: Namespace
metadata:
  name: istio-ingress
  labels: {example.com/cost-center: "42"}
""")}],
    # patches apply in order: a later one sees an earlier one's work
    "in-order": [
        {"target": {"kind": "Deployment"}, "patch": y("""
metadata: {annotations: {example.com/step: one}}
""")},
        {"target": {"kind": "Deployment"}, "patch": y("""
- {op: test, path: /metadata/annotations/example.com~1step, value: one}
- {op: replace, path: /metadata/annotations/example.com~1step, value: two}
""")},
    ],
    # topologySpreadConstraints merge by topologyKey and whenUnsatisfiable
    "smp-spread": [{"target": {"kind": "Deployment"}, "patch": y("""
spec:
  template:
    spec:
      topologySpreadConstraints:
      - {maxSkew: 2, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway}
      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule}
""")}],
}

def run(cmd, cwd=None):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)

def objects(stream):
    out = {}
    for doc in yaml.safe_load_all(stream):
        if doc:
            out[(doc.get("kind"), doc["metadata"].get("name"))] = doc
    return out

def folder_objects(folder):
    text = ""
    for name in sorted(os.listdir(folder)):
        if name.endswith(".yaml") and name != "kustomization.yaml":
            with open(os.path.join(folder, name)) as f:
                text += "---\n" + f.read()
    return objects(text)

def diff(a, b, path=""):
    """The first place where a and b differ, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                return "%s.%s: %s in gwc's, %s in kustomize's" % (
                    path, k, json.dumps(a.get(k)), json.dumps(b.get(k)))
            d = diff(a[k], b[k], "%s.%s" % (path, k))
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return "%s: %s in gwc's, %s in kustomize's" % (path, json.dumps(a), json.dumps(b))
        for i, (x, z) in enumerate(zip(a, b)):
            d = diff(x, z, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    if a != b or type(a) != type(b):
        return "%s: %s in gwc's, %s in kustomize's" % (path, json.dumps(a), json.dumps(b))
    return None

def compare(gwc_objs, kust_objs):
    if set(gwc_objs) != set(kust_objs):
        return "objects %s in gwc's, %s in kustomize's" % (sorted(gwc_objs), sorted(kust_objs))
    for key in sorted(gwc_objs):
        d = diff(gwc_objs[key], kust_objs[key], "%s/%s" % key)
        if d:
            return d
    return None

def build(name, spec):
    d = os.path.join(work, name)
    os.makedirs(d)
    with open(os.path.join(d, "spec.yaml"), "w") as f:
        yaml.safe_dump(spec, f, sort_keys=False)
    r = run([gwc, "build", "-o", "out", "spec.yaml"], cwd=d)
    return r, os.path.join(d, "out", "istio-ingress", "ingress-gateway")

def kustomize(folder, patches):
    k = os.path.join(folder, "kustomization.yaml")
    with open(k) as f:
        kust = yaml.safe_load(f)
    kust["patches"] = []
    for p in patches:
        entry = {}
        if "target" in p:
            entry["target"] = p["target"]
        patch = p["patch"]
        if isinstance(patch, dict) and "target" in p:
            # kustomize wants a kind and a name in a strategic merge
            # patch even with a target (and then keeps the target's);
            # gwc does without
            patch = dict(patch, metadata=dict(patch.get("metadata") or {}, name="placeholder"))
            patch.setdefault("apiVersion", "v1")
            patch.setdefault("kind", "Placeholder")
        if isinstance(patch, str) and "target" in p and not patch.startswith("-"):
            patch = "apiVersion: v1\nkind: Placeholder\nmetadata: {name: placeholder}\n" + patch
        entry["patch"] = patch if isinstance(patch, str) else yaml.safe_dump(patch, sort_keys=False)
        kust["patches"].append(entry)
    with open(k, "w") as f:
        yaml.safe_dump(kust, f, sort_keys=False)
    return run(["kubectl", "kustomize", folder])

# The Gateway API path (spec.installation: gatewayAPI): gwc's objects there
# (Gateway, HTTPRoutes, ReferenceGrants, the parameters ConfigMap, HPA,
# PDB), patched as kustomize patches them; Istio's Gateway API kinds have
# no schema in kustomize, so their lists are replaced or edited by index.
BASE_API = copy.deepcopy(BASE)
BASE_API["spec"]["installation"] = "gatewayAPI"
del BASE_API["spec"]["networkPolicy"]
for r in BASE_API["spec"]["routes"]:
    for h in r["http"]:
        for d in h["route"]:
            d["destination"]["port"] = {"number": 8080}
API_CASES = {
    "api-listener-same-namespace": [{"target": {"kind": "Gateway"}, "patch": [
        {"op": "replace", "path": "/spec/listeners/0/allowedRoutes/namespaces/from", "value": "Same"}]}],
    "api-route-filter-and-labels": [
        {"target": {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "shop"}, "patch": """- op: add
  path: /spec/rules/0/filters
  value:
  - type: RequestHeaderModifier
    requestHeaderModifier:
      set: [{name: X-Team, value: shop}]
"""},
        {"target": {"labelSelector": "team=edge", "kind": "HTTPRoute|ReferenceGrant"}, "patch": y("""
metadata:
  labels: {patched: "yes"}
""")}],
    "api-configmap-and-pdb": [
        {"target": {"kind": "PodDisruptionBudget"}, "patch": y("""
spec:
  minAvailable: null
  maxUnavailable: 1
""")},
        {"target": {"kind": "ConfigMap"}, "patch": y("""
metadata:
  annotations: {example.com/reviewed: "true"}
""")}],
}

plain, plain_dir = build("plain", BASE)
if plain.returncode:
    print("FAIL patches: the base spec does not build: %s" % plain.stderr[:300])
    sys.exit(0)
unpatched = folder_objects(plain_dir)

def check_case(name, base, patches):
    """gwc's build of @base with @patches against kustomize's of @base's
    folder with them."""
    r, without = build(name + "-without", base)
    spec = copy.deepcopy(base)
    spec["spec"]["patches"] = patches
    r2, with_ = build(name + "-with", spec)
    if r.returncode or r2.returncode:
        print("FAIL patches/%s: gwc: %s" % (name, (r.stderr + r2.stderr).strip()[:400]))
        return
    before = folder_objects(without)
    k = kustomize(without, patches)
    if k.returncode:
        print("FAIL patches/%s: kubectl kustomize: %s" % (name, k.stderr.strip()[:400]))
        return
    got, want = folder_objects(with_), objects(k.stdout)
    d = compare(got, want)
    if d:
        print("FAIL patches/%s: %s" % (name, d[:600]))
    elif not compare(before, want):
        print("FAIL patches/%s: kustomize's output equals the unpatched folder" % name)
    else:
        print("ok patches/%s" % name)

for name, patches in CASES.items():
    check_case(name, BASE, patches)
for name, patches in API_CASES.items():
    check_case(name, BASE_API, patches)

# the comparison itself: an unpatched folder against a patched one
r, with_ = build("self-test", dict(copy.deepcopy(BASE), spec=dict(BASE["spec"], patches=CASES["smp-env"])))
d = compare(unpatched, folder_objects(with_))
print("ok patches/self-test (%s)" % d[:80] if d and "env" in d else
      "FAIL patches/self-test: the comparison misses the patch: %s" % d)
PY
exit 0
