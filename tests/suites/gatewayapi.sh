#!/usr/bin/env bash
# tests/suites/gatewayapi.sh - spec.installation: gatewayAPI, end to end:
#   gatewayapi/kustomize/CASE   every Gateway API folder of the golden
#       cases and examples/ through `kubectl kustomize`, and its objects
#       read back (PyYAML): no Deployment, Service or RBAC of gwc's; a
#       Gateway of class istio whose parametersRef names the folder's
#       ConfigMap (holding only keys istiod reads: deployment, service,
#       serviceAccount, each a YAML mapping); every HTTPRoute bound to that
#       Gateway, every backend in another namespace granted by a
#       ReferenceGrant there; HPA and PDB aimed at istiod's <name>-istio
#       and its pods' gateway.networking.k8s.io/gateway-name label;
#   gatewayapi/no-control-plane  no istio/<name>/ folder is written;
#   gatewayapi/stream       `gwc build -o -` of those specs: the objects in
#       apply order (Namespace, ConfigMap, grants, HPA, PDB, Gateway,
#       routes), no Istio resource;
#   gatewayapi/check        `gwc build --check` of the tree it wrote: 0;
#   gatewayapi/vendor/SCENARIO  the ConfigMap's data.deployment, as data,
#       is exactly the overlay of the vendor's linux kernel notice
#       (../shared/upstream/alauda, section "Kubernetes Gateway API"):
#       scenario 1 (sysctls: []), scenario 2 (NET_BIND_SERVICE), and
#       scenario 2 with its commented root fields (runAsUser, runAsGroup
#       0, runAsNonRoot false) for privilegedPorts: root;
#   gatewayapi/graph        `gwc graph`: the routes bind to the Gateway,
#       the Gateway to its parameters.
# Prints only "ok", "FAIL" and "skip" lines; always exits 0.
set -u
export LC_ALL=C TZ=UTC
umask 022
ok() { echo "ok gatewayapi/$1"; }
fail() { echo "FAIL gatewayapi/$1: $(printf '%s' "$2" | tr '\n' '|' | cut -c1-600)"; }
skip() { echo "skip gatewayapi/$1: $2"; }

top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
GWC=${GWC:-$top/build/gwc}
work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-gatewayapi.XXXXXX") || { fail setup mktemp; exit 0; }
trap 'rm -rf "$work"' EXIT
cd "$top" || exit 0

if ! python3 -c 'import yaml' 2>/dev/null; then
	skip all "python3-yaml is not installed"
	exit 0
fi

# ---- the specs: every golden case and example that installs by Gateway API --
cases=()
for f in tests/golden/*/spec.yaml examples/*.yaml; do
	grep -q '^ *installation: *gatewayAPI' "$f" && cases+=("$f")
done
if [ ${#cases[@]} -lt 6 ]; then
	fail specs "expected the Gateway API golden cases and example, found ${#cases[@]}"
	exit 0
fi
out=$work/out
for f in "${cases[@]}"; do
	if ! (cd "$(dirname "$f")" && "$GWC" build -q --no-cache -o "$out" "$(basename "$f")") 2>"$work/err"; then
		fail "build/$f" "$(head -c 400 "$work/err")"
	fi
done
if [ -d "$out/istio" ]; then
	fail no-control-plane "gwc wrote $(cd "$out" && find istio | head -n 3 | tr '\n' ' ')"
else
	ok no-control-plane
fi

# ---- kubectl kustomize, and the objects read back ----------------------------
if ! command -v kubectl >/dev/null; then
	skip kustomize "kubectl is not installed (Debian: kubernetes-client)"
else
	for dir in "$out"/*/*/; do
		dir=${dir%/}
		name=${dir#"$out"/}
		if ! kubectl kustomize "$dir" >"$work/k.yaml" 2>"$work/err"; then
			fail "kustomize/$name" "$(head -c 400 "$work/err")"
			continue
		fi
		python3 - "$work/k.yaml" "$(basename "$dir")" "$(basename "$(dirname "$dir")")" <<'PY'
import sys, yaml
path, name, ns = sys.argv[1:]
objs = [o for o in yaml.safe_load_all(open(path)) if o]
label = "gatewayapi/kustomize/%s/%s" % (ns, name)
problems = []
def by(kind):
    return [o for o in objs if o["kind"] == kind]
for o in objs:
    if o["kind"] in ("Deployment", "Service", "ServiceAccount", "Role", "RoleBinding", "VirtualService", "NetworkPolicy"):
        problems.append("gwc wrote a %s" % o["kind"])
gws = by("Gateway")
if len(gws) != 1:
    problems.append("%d Gateways" % len(gws))
else:
    g = gws[0]
    if g["apiVersion"] != "gateway.networking.k8s.io/v1" or g["metadata"]["name"] != name or g["metadata"]["namespace"] != ns:
        problems.append("the Gateway is %s %s/%s" % (g["apiVersion"], g["metadata"].get("namespace"), g["metadata"]["name"]))
    if g["spec"].get("gatewayClassName") != "istio":
        problems.append("gatewayClassName %r" % g["spec"].get("gatewayClassName"))
    if not g["spec"].get("listeners"):
        problems.append("no listeners")
    ref = g["spec"].get("infrastructure", {}).get("parametersRef")
    cms = by("ConfigMap")
    if ref:
        if ref != {"group": "", "kind": "ConfigMap", "name": name + "-gateway-options"}:
            problems.append("parametersRef %r" % ref)
        if [c["metadata"]["name"] for c in cms] != [ref["name"]] or cms[0]["metadata"]["namespace"] != ns:
            problems.append("parametersRef names %s, the folder has ConfigMaps %r" % (ref["name"], [c["metadata"]["name"] for c in cms]))
        else:
            data = cms[0].get("data", {})
            if not data or set(data) - {"deployment", "service", "serviceAccount"}:
                problems.append("ConfigMap keys %r (istiod reads deployment, service, serviceAccount)" % sorted(data))
            for k, v in data.items():
                if not isinstance(yaml.safe_load(v), dict):
                    problems.append("data.%s is not a YAML mapping" % k)
    elif cms:
        problems.append("a ConfigMap that the Gateway does not name")
grants = {}
for rg in by("ReferenceGrant"):
    if rg["spec"]["from"] != [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": ns}]:
        problems.append("ReferenceGrant %s from %r" % (rg["metadata"]["name"], rg["spec"]["from"]))
    for t in rg["spec"]["to"]:
        grants.setdefault(rg["metadata"]["namespace"], set()).add((t["group"], t["kind"], t["name"]))
used = set()
for r in by("HTTPRoute"):
    if r["spec"]["parentRefs"] != [{"name": name, "namespace": ns}]:
        problems.append("HTTPRoute %s parentRefs %r" % (r["metadata"]["name"], r["spec"]["parentRefs"]))
    for rule in r["spec"]["rules"]:
        for b in rule.get("backendRefs", []):
            if not isinstance(b.get("port"), int):
                problems.append("HTTPRoute %s backend %s without a port" % (r["metadata"]["name"], b["name"]))
            bns = b.get("namespace", ns)
            if bns != ns:
                used.add((bns, b["name"]))
                if ("", "Service", b["name"]) not in grants.get(bns, set()):
                    problems.append("no ReferenceGrant in %s for Service %s" % (bns, b["name"]))
granted = {(n, t[2]) for n, ts in grants.items() for t in ts}
if granted != used:
    problems.append("ReferenceGrants for %r, backends %r" % (sorted(granted), sorted(used)))
for h in by("HorizontalPodAutoscaler"):
    if h["metadata"]["name"] != name + "-istio" or h["spec"]["scaleTargetRef"] != {"apiVersion": "apps/v1", "kind": "Deployment", "name": name + "-istio"}:
        problems.append("HPA %s scales %r" % (h["metadata"]["name"], h["spec"]["scaleTargetRef"]))
for p in by("PodDisruptionBudget"):
    if p["spec"]["selector"] != {"matchLabels": {"gateway.networking.k8s.io/gateway-name": name}}:
        problems.append("PDB selects %r" % p["spec"]["selector"])
print(("FAIL %s: %s" % (label, "; ".join(problems))) if problems else
      "ok %s (%s)" % (label, ", ".join(sorted(o["kind"] for o in objs))))
PY
	done
fi

# ---- the stream and --check -------------------------------------------------
stream_specs=()
for f in "${cases[@]}"; do
	case $f in examples/*) stream_specs+=("$f") ;; esac
done
if (cd "$top" && "$GWC" build -q -o - tests/golden/gatewayapi-hpa-pdb/spec.yaml) >"$work/stream.yaml" 2>"$work/err"; then
	kinds=$(python3 -c '
import sys, yaml
print(" ".join(o["kind"] for o in yaml.safe_load_all(open(sys.argv[1])) if o))' "$work/stream.yaml")
	want="Namespace ConfigMap ReferenceGrant HorizontalPodAutoscaler PodDisruptionBudget Gateway HTTPRoute"
	if [ "$kinds" = "$want" ]; then ok stream; else fail stream "kinds '$kinds', want '$want'"; fi
else
	fail stream "gwc build -o - failed: $(head -c 400 "$work/err")"
fi
if [ ${#stream_specs[@]} -eq 0 ]; then
	fail check "no example installs by Gateway API"
elif ! "$GWC" build -q -o "$work/tree" "${stream_specs[@]}" 2>"$work/err"; then
	fail check "gwc build failed: $(head -c 400 "$work/err")"
elif "$GWC" build -q --check -o "$work/tree" "${stream_specs[@]}" >"$work/diff" 2>&1; then
	ok check
else
	fail check "--check of the tree gwc wrote: $(head -c 400 "$work/diff")"
fi

# ---- the vendor's ConfigMaps, as data ----------------------------------------
notice=../shared/upstream/alauda/linux-kernel-compatibility-notice.mdx
if [ ! -f "$notice" ]; then
	skip vendor "no $notice (../shared/upstream)"
else
	python3 - "$notice" "$out" <<'PY'
import re, sys, yaml
notice, out = sys.argv[1:]
text = open(notice, encoding="utf-8").read()
def block(name):
    m = re.search(r"```yaml \{name=%s\}\n(.*?)```" % re.escape(name), text, re.S)
    if not m:
        return None
    # the block as it sits in the page (indented in a list item)
    lines = m.group(1).split("\n")
    indent = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
    return "\n".join(l[indent:] for l in lines)
def overlay(cm_text):
    cm = yaml.safe_load(cm_text)
    return yaml.safe_load(cm["data"]["deployment"])
def gwc(case, ns, name):
    path = "%s/%s/%s/gateway-options.yaml" % (out, ns, name)
    try:
        return overlay(open(path).read())
    except OSError as e:
        return "missing: %s" % e
s1 = block("kernel-compat:k8s-gateway-options-scenario1")
s2 = block("kernel-compat:k8s-gateway-options-scenario2")
if s1 is None or s2 is None:
    print("FAIL gatewayapi/vendor: the notice has no k8s-gateway-options-scenario1/2 block")
    sys.exit(0)
# scenario 2 with its commented root fields taken in
root = re.sub(r"(?m)^(\s*)# (runAs\w+: .*)$", r"\1\2", s2)
checks = [
    ("scenario-1", overlay(s1), gwc("gatewayapi-legacy-scenario-1", "legacy-ingress", "legacy-gw")),
    ("scenario-2", overlay(s2), gwc("gatewayapi-legacy-netbind", "bind-ingress", "bind-gw")),
    ("scenario-2-root", overlay(root), gwc("gatewayapi-legacy-root", "root-ingress", "root-gw")),
]
if overlay(root) == overlay(s2):
    print("FAIL gatewayapi/vendor/scenario-2-root: no commented runAs fields found in the vendor's scenario 2")
for name, want, got in checks:
    if want == got:
        print("ok gatewayapi/vendor/%s (%s)" % (name, want))
    else:
        print("FAIL gatewayapi/vendor/%s: gwc's data.deployment %r, the vendor's %r" % (name, got, want))
PY
fi

# ---- graph ---------------------------------------------------------------------
if "$GWC" graph tests/golden/gatewayapi-plain/spec.yaml >"$work/g.dot" 2>"$work/err"; then
	missing=""
	for edge in '"web-ingress/HTTPRoute/shop" -> "web-ingress/Gateway/web" \[label="binds to"\]' \
		'"web-ingress/Gateway/web" -> "web-ingress/ConfigMap/web-gateway-options" \[label="parameters"\]'; do
		grep -q "$edge" "$work/g.dot" || missing="$missing $edge"
	done
	if [ -z "$missing" ]; then ok graph; else fail graph "no edge$missing"; fi
else
	fail graph "gwc graph failed: $(head -c 400 "$work/err")"
fi
exit 0
