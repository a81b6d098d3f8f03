#!/usr/bin/env bash
# tests/suites/argocd.sh - argocd-health.yaml, the Argo CD health checks of
# sail-operator's Istio and IstioRevisionTag that gwc writes beside a
# gateway with spec.argocd.syncWaves:
#   - written with the waves and only then, the same in every folder; a
#     patch of argocd-cm whose scripts, read with PyYAML (not gwc), are
#     byte for byte templates/*.lua, each a literal block;
#   - never applied as an object: not in kustomization.yaml (nor in what
#     kubectl kustomize renders), not in the `-o -` stream, not in
#     `gwc graph`;
#   - it does what the README says: `kubectl patch --local --type merge
#     --patch-file` and a kustomize patch of a stock argocd-cm add both
#     scripts and keep the rest;
#   - the scripts run by Debian's Lua 5.1 (Argo CD's gopher-lua is Lua 5.1)
#     with only the libraries Argo CD opens and no global but obj, against
#     Istio and IstioRevisionTag objects (JSON read by lua-cjson): ready,
#     reconciling, failed, no status, a stale observedGeneration, no
#     conditions; each case checks the exact status and message.
# Prints only "ok", "FAIL" and "skip" lines; always exits 0.
set -u
export LC_ALL=C TZ=UTC
ok() { echo "ok argocd/$1"; }
fail() { echo "FAIL argocd/$1: $(printf '%s' "$2" | tr '\n' '|' | cut -c1-600)"; }
skip() { echo "skip argocd/$1: $2"; }
expect() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', want '$3'"; fi; }

work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-argocd.XXXXXX") || { fail setup mktemp; exit 0; }
trap 'rm -rf "$work"' EXIT
cd "${top:?}" || exit 0
have_kubectl=false have_py=false
command -v kubectl >/dev/null && have_kubectl=true
python3 -c 'import yaml' 2>/dev/null && have_py=true

# two gateways with the waves (one with a revision tag) and one without
cat >"$work/spec.yaml" <<'EOF'
apiVersion: gwc.dev/v1alpha1
kind: GatewaySpec
metadata: {name: shop, namespace: shop-ingress}
spec:
  argocd: {syncWaves: true}
  servers:
  - {port: 80, protocol: HTTP, hosts: [shop.example.com]}
---
apiVersion: gwc.dev/v1alpha1
kind: GatewaySpec
metadata: {name: tagged, namespace: tagged-ingress}
spec:
  controlPlane: {revision: prod}
  argocd: {syncWaves: true}
---
apiVersion: gwc.dev/v1alpha1
kind: GatewaySpec
metadata: {name: plain, namespace: plain-ingress}
spec:
  argocd: {syncWaves: false}
EOF
out=$work/out
if ! "$GWC" build -o "$out" "$work/spec.yaml" 2>"$work/build.err"; then
	fail build "$(cat "$work/build.err")"
	exit 0
fi
shop=$out/shop-ingress/shop

# ---- written with the waves only ------------------------------------------------
expect written-with-waves "$(cd "$out" && find . -name argocd-health.yaml | sort | tr '\n' ' ')" \
	"./shop-ingress/shop/argocd-health.yaml ./tagged-ingress/tagged/argocd-health.yaml "
expect same-in-every-folder "$(cmp "$shop/argocd-health.yaml" "$out/tagged-ingress/tagged/argocd-health.yaml" && echo same)" same
expect not-without-waves "$(ls "$out/plain-ingress/plain" | tr '\n' ' ')" \
	"gateway-deployment.yaml gateway-service.yaml kustomization.yaml namespace.yaml secret-reader.yaml "
expect mode-0644 "$(stat -c %a "$shop/argocd-health.yaml")" 644
expect configmap-head "$(head -n 10 "$shop/argocd-health.yaml")" "apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
  labels:
    app.kubernetes.io/name: argocd-cm
    app.kubernetes.io/part-of: argocd
data:
  resource.customizations.health.sailoperator.io_Istio: |"
expect literal-blocks "$(grep -c '^  resource\.customizations\.health\.sailoperator\.io_[A-Za-z]*: |$' "$shop/argocd-health.yaml")" 2

# the scripts as a YAML reader other than gwc reads them
scripts=$work/scripts
mkdir -p "$scripts"
if ! $have_py; then
	skip scripts "python3 with PyYAML is not installed (apt-get install python3-yaml)"
elif ! msg=$(python3 - "$shop/argocd-health.yaml" "$scripts" 2>&1 <<'EOF'
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1], encoding="utf-8")))
assert len(docs) == 1, "%d documents" % len(docs)
data = docs[0]["data"]
prefix = "resource.customizations.health.sailoperator.io_"
assert sorted(data) == [prefix + "Istio", prefix + "IstioRevisionTag"], sorted(data)
for kind in ("Istio", "IstioRevisionTag"):
    with open("%s/%s.lua" % (sys.argv[2], kind), "w", encoding="utf-8") as f:
        f.write(data[prefix + kind])
EOF
); then
	fail scripts "$msg"
else
	expect scripts "$(cmp "$scripts/Istio.lua" templates/argocd-health-istio.lua &&
		cmp "$scripts/IstioRevisionTag.lua" templates/argocd-health-istiorevisiontag.lua && echo same)" same
fi

# ---- never applied as an object ---------------------------------------------------
expect not-a-resource "$(grep -c argocd "$shop/kustomization.yaml")" 0
if $have_kubectl; then
	if kubectl kustomize "$shop" >"$work/kz.yaml" 2>"$work/kz.err"; then
		expect kustomize-leaves-it-out "$(grep -c '^kind: Deployment$' "$work/kz.yaml") $(grep -c 'argocd-cm\|ConfigMap' "$work/kz.yaml")" "1 0"
	else
		fail kustomize-leaves-it-out "$(head -c 300 "$work/kz.err")"
	fi
else
	skip kustomize-leaves-it-out "kubectl is not installed"
fi
"$GWC" build -o - "$work/spec.yaml" >"$work/stream.yaml" 2>"$work/stream.err"
expect stream-leaves-it-out "$(grep -c '^kind: Deployment$' "$work/stream.yaml") $(grep -c 'argocd-cm\|ConfigMap\|customizations' "$work/stream.yaml")" "3 0"
"$GWC" graph "$work/spec.yaml" >"$work/graph.dot" 2>"$work/graph.err"
expect graph-leaves-it-out "$(grep -c 'label="Deployment' "$work/graph.dot") $(grep -ci 'argocd\|ConfigMap' "$work/graph.dot")" "3 0"

# ---- installing it as the README says --------------------------------------------------
# a stock argocd-cm, as Argo CD's install manifest has it, with a setting of
# the user's that the patch must keep
cat >"$work/argocd-cm.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
  labels:
    app.kubernetes.io/name: argocd-cm
    app.kubernetes.io/part-of: argocd
data:
  url: https://argocd.example.com
EOF
# the data of a ConfigMap (kubectl's JSON) against the scripts: its keys,
# and each script byte for byte
check_data() {
	python3 - "$1" "$scripts" <<'EOF'
import json, sys
cm = json.load(open(sys.argv[1], encoding="utf-8"))
data = cm["data"]
prefix = "resource.customizations.health.sailoperator.io_"
want = {"url": "https://argocd.example.com"}
for kind in ("Istio", "IstioRevisionTag"):
    want[prefix + kind] = open("%s/%s.lua" % (sys.argv[2], kind), encoding="utf-8").read()
if sorted(data) != sorted(want):
    print("keys %s" % sorted(data))
for k in sorted(want):
    if data.get(k) != want[k]:
        print("%s differs" % k)
if (cm["metadata"]["name"], cm["metadata"]["namespace"]) != ("argocd-cm", "argocd"):
    print("metadata %s" % cm["metadata"])
EOF
}
if ! $have_kubectl || ! $have_py; then
	skip install "kubectl or python3-yaml missing"
elif [ ! -s "$scripts/Istio.lua" ]; then
	fail install "no scripts read (see argocd/scripts)"
else
	if kubectl patch --local -f "$work/argocd-cm.yaml" --type merge \
		--patch-file "$shop/argocd-health.yaml" -o json >"$work/patched.json" 2>"$work/patch.err"; then
		expect install/kubectl-patch "$(check_data "$work/patched.json")" ""
	else
		fail install/kubectl-patch "$(head -c 300 "$work/patch.err")"
	fi
	mkdir -p "$work/argocd"
	cp "$work/argocd-cm.yaml" "$shop/argocd-health.yaml" "$work/argocd/"
	printf 'resources:\n- argocd-cm.yaml\npatches:\n- path: argocd-health.yaml\n' >"$work/argocd/kustomization.yaml"
	if kubectl kustomize "$work/argocd" >"$work/argocd/all.yaml" 2>"$work/argocd/err" &&
		kubectl label --local -f "$work/argocd/all.yaml" gwc-check=1 -o json >"$work/kustomized.json" 2>>"$work/argocd/err"; then
		expect install/kustomize-patch "$(check_data "$work/kustomized.json")" ""
	else
		fail install/kustomize-patch "$(head -c 300 "$work/argocd/err")"
	fi
fi

# ---- the scripts, run ------------------------------------------------------------------
# harness.lua SCRIPT OBJECT.json: runs SCRIPT as Argo CD does, obj the
# object, in an environment of only the libraries Argo CD opens (base,
# table, string, math); a global written or read that is not there is an
# error.  Prints the status and the message, one line each.
cat >"$work/harness.lua" <<'EOF'
local cjson = require("cjson")
local f = assert(io.open(arg[2]))
local object = cjson.decode(f:read("*a"))
f:close()
local env = { obj = object, string = string, table = table, math = math }
for _, k in ipairs({ "assert", "error", "ipairs", "next", "pairs", "pcall",
                     "select", "tonumber", "tostring", "type", "unpack" }) do
  env[k] = _G[k]
end
setmetatable(env, {
  __index = function(_, k) error("read of the undefined global " .. k, 2) end,
  __newindex = function(_, k) error("global " .. k .. " written", 2) end,
})
local chunk = assert(loadfile(arg[1]))
setfenv(chunk, env)
local hs = chunk()
assert(type(hs) == "table", "the script returned no table")
io.write(tostring(hs.status), "\n", tostring(hs.message), "\n")
EOF
if ! command -v lua5.1 >/dev/null; then
	skip lua "lua5.1 is not installed (apt-get install lua5.1 lua-cjson)"
	exit 0
fi
if ! lua5.1 -e 'require("cjson")' 2>/dev/null; then
	skip lua "lua-cjson is not installed for Lua 5.1 (apt-get install lua-cjson)"
	exit 0
fi
if [ ! -s "$scripts/Istio.lua" ]; then
	fail lua "no scripts read (see argocd/scripts)"
	exit 0
fi
n=0
# lua_case NAME KIND OBJECT-JSON STATUS MESSAGE
lua_case() {
	n=$((n + 1))
	printf '%s' "$3" >"$work/object$n.json"
	expect "lua/$1" "$(lua5.1 "$work/harness.lua" "$scripts/$2.lua" "$work/object$n.json" 2>&1)" "$4
$5"
}

istio() {	# istio GENERATION STATUS-JSON: an Istio named default
	printf '{"apiVersion": "sailoperator.io/v1", "kind": "Istio",
	  "metadata": {"name": "default", "generation": %s},
	  "spec": {"namespace": "istio-system", "version": "v1.26.0"}%s}' "$1" "${2:+, \"status\": $2}"
}
cond() {	# cond TYPE STATUS [REASON [MESSAGE]]
	printf '{"type": "%s", "status": "%s", "reason": "%s", "message": "%s", "lastTransitionTime": "2026-07-01T10:00:00Z"}' "$1" "$2" "${3:-}" "${4:-}"
}
lua_case istio/ready Istio "$(istio 2 "{\"observedGeneration\": 2, \"state\": \"Healthy\",
	  \"activeRevisionName\": \"default\", \"revisions\": {\"total\": 1, \"ready\": 1, \"inUse\": 1},
	  \"conditions\": [$(cond Reconciled True Healthy), $(cond Ready True Healthy), $(cond DependenciesHealthy True Healthy)]}")" \
	Healthy "Istio default is ready (active revision default)"
lua_case istio/reconciling Istio "$(istio 2 "{\"observedGeneration\": 2, \"state\": \"IstiodNotReady\",
	  \"conditions\": [$(cond Reconciled True Healthy), $(cond Ready False IstiodNotReady "not all istiod pods are ready")]}")" \
	Progressing "waiting for Istio default to become ready (IstiodNotReady): not all istiod pods are ready"
lua_case istio/readiness-unknown Istio "$(istio 2 "{\"observedGeneration\": 2,
	  \"conditions\": [$(cond Reconciled True), $(cond Ready Unknown ReadinessCheckFailed "failed to get readiness: timeout")]}")" \
	Progressing "waiting for Istio default to become ready (ReadinessCheckFailed): failed to get readiness: timeout"
lua_case istio/reconcile-failed Istio "$(istio 2 "{\"observedGeneration\": 2, \"state\": \"ReconcileError\",
	  \"conditions\": [$(cond Reconciled False ReconcileError "spec.version not set"),
	  $(cond Ready Unknown ReconcileError "cannot determine readiness due to reconciliation error")]}")" \
	Degraded "sail-operator failed to reconcile Istio default (ReconcileError): spec.version not set"
# the istiod of the older spec is still ready: the new one failed all the same
lua_case istio/reconcile-failed-while-ready Istio "$(istio 3 "{\"observedGeneration\": 3,
	  \"conditions\": [$(cond Reconciled False ReconcileError "error reconciling resource: chart failed"), $(cond Ready True Healthy)]}")" \
	Degraded "sail-operator failed to reconcile Istio default (ReconcileError): error reconciling resource: chart failed"
lua_case istio/revision-not-found Istio "$(istio 1 "{\"observedGeneration\": 1, \"state\": \"ActiveRevisionNotFound\",
	  \"conditions\": [$(cond Reconciled False ActiveRevisionNotFound "active IstioRevision not found"),
	  $(cond Ready False ActiveRevisionNotFound "active IstioRevision not found")]}")" \
	Progressing "waiting for the active IstioRevision of Istio default (ActiveRevisionNotFound): active IstioRevision not found"
lua_case istio/no-status Istio "$(istio 1)" \
	Progressing "waiting for sail-operator to reconcile Istio default: no status yet"
lua_case istio/empty-status Istio "$(istio 1 '{}')" \
	Progressing "waiting for sail-operator to reconcile generation 1 of Istio default"
# right after gwc's patch: generation 3, the status still of 2 and Ready
lua_case istio/stale-generation Istio "$(istio 3 "{\"observedGeneration\": 2,
	  \"conditions\": [$(cond Reconciled True Healthy), $(cond Ready True Healthy)]}")" \
	Progressing "waiting for sail-operator to reconcile generation 3 of Istio default (its status is of generation 2)"
lua_case istio/no-conditions Istio "$(istio 2 '{"observedGeneration": 2}')" \
	Progressing "waiting for Istio default to report its Ready condition"

tag() {	# tag GENERATION STATUS-JSON: an IstioRevisionTag named prod
	printf '{"apiVersion": "sailoperator.io/v1", "kind": "IstioRevisionTag",
	  "metadata": {"name": "prod", "generation": %s},
	  "spec": {"targetRef": {"kind": "Istio", "name": "default"}}%s}' "$1" "${2:+, \"status\": $2}"
}
# in use or not: the gateway pods that use it come in a later wave
lua_case tag/reconciled IstioRevisionTag "$(tag 1 "{\"observedGeneration\": 1, \"state\": \"NotReferencedByAnything\",
	  \"istiodNamespace\": \"istio-system\", \"istioRevision\": \"default-v1-26-0\",
	  \"conditions\": [$(cond Reconciled True), $(cond InUse False NotReferencedByAnything "Not referenced by any pod or namespace")]}")" \
	Healthy "IstioRevisionTag prod points to IstioRevision default-v1-26-0"
lua_case tag/reconciled-no-revision IstioRevisionTag "$(tag 1 "{\"observedGeneration\": 1,
	  \"conditions\": [$(cond Reconciled True)]}")" \
	Healthy "IstioRevisionTag prod is reconciled"
lua_case tag/istio-not-there-yet IstioRevisionTag "$(tag 1 "{\"observedGeneration\": 1, \"state\": \"RefNotFound\",
	  \"conditions\": [$(cond Reconciled False RefNotFound "referenced Istio resource does not exist")]}")" \
	Progressing "waiting for IstioRevisionTag prod to be reconciled (RefNotFound): referenced Istio resource does not exist"
lua_case tag/no-active-revision-yet IstioRevisionTag "$(tag 1 "{\"observedGeneration\": 1, \"state\": \"ReconcileError\",
	  \"conditions\": [$(cond Reconciled False ReconcileError "error reconciling resource: referenced Istio has no active revision")]}")" \
	Progressing "waiting for IstioRevisionTag prod to be reconciled (ReconcileError): error reconciling resource: referenced Istio has no active revision"
lua_case tag/name-taken IstioRevisionTag "$(tag 1 "{\"observedGeneration\": 1, \"state\": \"NameAlreadyExists\",
	  \"conditions\": [$(cond Reconciled False NameAlreadyExists "there is an IstioRevision with this name")]}")" \
	Degraded "sail-operator cannot reconcile IstioRevisionTag prod (NameAlreadyExists): there is an IstioRevision with this name; a tag needs a name no IstioRevision has"
lua_case tag/no-status IstioRevisionTag "$(tag 1)" \
	Progressing "waiting for sail-operator to reconcile IstioRevisionTag prod: no status yet"
lua_case tag/stale-generation IstioRevisionTag "$(tag 2 "{\"observedGeneration\": 1,
	  \"istioRevision\": \"default-v1-26-0\", \"conditions\": [$(cond Reconciled True)]}")" \
	Progressing "waiting for sail-operator to reconcile generation 2 of IstioRevisionTag prod (its status is of generation 1)"
lua_case tag/no-conditions IstioRevisionTag "$(tag 1 '{"observedGeneration": 1}')" \
	Progressing "waiting for IstioRevisionTag prod to report its Reconciled condition"

# the harness's sandbox is no formality: a script that reads a library
# Argo CD does not open, or writes a global, fails
printf 'local hs = {status = os.getenv("HOME")}\nreturn hs\n' >"$work/os.lua"
printf 'hs = {status = "Healthy", message = ""}\nreturn hs\n' >"$work/global.lua"
expect lua/sandbox "$(lua5.1 "$work/harness.lua" "$work/os.lua" "$work/object1.json" 2>&1 | grep -c 'undefined global os')$(lua5.1 "$work/harness.lua" "$work/global.lua" "$work/object1.json" 2>&1 | grep -c 'global hs written')" 11
exit 0
