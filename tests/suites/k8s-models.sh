#!/usr/bin/env bash
# tests/suites/k8s-models.sh - every Kubernetes object that gwc writes,
# checked against real Kubernetes, Istio and Gateway API schemas: the npm
# packages kubernetes-models, @kubernetes-models/istio and
# @kubernetes-models/gateway-api, pinned in
# tests/k8s-models/package-lock.json, through tests/k8s-models/validate.mjs
# (the model's .validate(), and unknown fields rejected: see there).
#
#   k8s-models/examples        examples/*.yaml built into a temporary folder
#   k8s-models/stream          the same specs as `gwc build -o -` prints them
#   k8s-models/golden/CASE     every tests/golden/CASE/ (its `args` or its
#                              *.yaml, run in the case folder)
#   k8s-models/self-test/NAME  hand-made objects: an unknown field, a wrong
#                              type and a missing required field (in
#                              kubernetes-models', Istio's and the Gateway
#                              API's kinds) must
#                              each FAIL with that reason, and valid objects
#                              pass, so that this suite cannot pass vacuously
#
# A set prints one ok line with its counts when all its objects pass, or one
# FAIL line per rejected object, named k8s-models/SET/FILE#N KIND/NAME.
# Every *.yaml gwc writes is read except kustomization.yaml; the Istio merge
# patch (sailoperator.io/v1, which neither package models) is counted as
# "not modelled" in the ok line.
#
# Needs node and the packages: when tests/k8s-models/node_modules is missing
# or not the pinned versions, `npm ci` installs them; without node or the
# npm registry, one skip line.  Run by tests/run.sh with GWC, top and TMPDIR
# set; prints only ok/FAIL/skip lines and always exits 0.
set -u
export LC_ALL=C TZ=UTC
umask 022
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
GWC=${GWC:-$top/build/gwc}
pkg=$top/tests/k8s-models
validator=$pkg/validate.mjs

ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "skip $1: $2"; }
brief() { head -c "${2:-400}" "$1" 2>/dev/null | tr '\n' ' '; }

work=$(mktemp -d "${TMPDIR:-/tmp}/k8s-models.XXXXXX") || {
	fail k8s-models "cannot make a temporary folder"
	exit 0
}
trap 'rm -rf "$work"' EXIT

if ! command -v node >/dev/null 2>&1; then
	skip k8s-models "node is not installed (Debian: apt-get install nodejs npm)"
	exit 0
fi
if [ ! -x "$GWC" ]; then
	fail k8s-models "no gwc binary at $GWC (make build/gwc)"
	exit 0
fi

# Are the pinned versions of package.json installed in node_modules?
installed() {
	(cd "$pkg" && node -e '
		const fs = require("fs");
		const want = JSON.parse(fs.readFileSync("package.json", "utf8")).dependencies;
		for (const [name, version] of Object.entries(want)) {
			const p = "node_modules/" + name + "/package.json";
			if (!fs.existsSync(p) || JSON.parse(fs.readFileSync(p, "utf8")).version !== version)
				process.exit(1);
		}' 2>/dev/null)
}
if ! installed; then
	if ! command -v npm >/dev/null 2>&1; then
		skip k8s-models "tests/k8s-models/node_modules is missing and npm is not installed"
		exit 0
	fi
	if ! timeout 600 npm ci --prefix "$pkg" --prefer-offline --no-audit --no-fund --loglevel=error \
		>"$work/npm.log" 2>&1 || ! installed; then
		skip k8s-models "tests/k8s-models/node_modules is missing and \`npm ci --prefix tests/k8s-models\` failed (offline?): $(brief "$work/npm.log" 200)"
		exit 0
	fi
fi

# Each set is built into $work/v/SET; one run of the validator then reads
# every *.yaml of all sets (one node start, not one per set).
v=$work/v
sets=()
mkdir -p "$v/golden" "$v/stream" || { fail k8s-models "cannot make $v"; exit 0; }

# ---- examples ---------------------------------------------------------------
if (cd "$top" && "$GWC" build -o "$v/examples" examples/*.yaml) >/dev/null 2>"$work/build.err"; then
	sets+=(examples)
else
	fail k8s-models/examples "gwc build failed: $(brief "$work/build.err")"
fi

# ---- the same specs as one stream (gwc build -o -) ---------------------------
if (cd "$top" && "$GWC" build -o - examples/*.yaml) >"$v/stream/stream.yaml" 2>"$work/build.err"; then
	sets+=(stream)
else
	fail k8s-models/stream "gwc build -o - failed: $(brief "$work/build.err")"
fi

# ---- golden cases -----------------------------------------------------------
for dir in "$top"/tests/golden/*/; do
	[ -d "$dir" ] || continue
	case=$(basename "$dir")
	if [ -f "$dir/args" ]; then read -r -a args <"$dir/args"; else
		args=(); for f in "$dir"/*.yaml; do args+=("$(basename "$f")"); done
	fi
	if (cd "$dir" && "$GWC" build -o "$v/golden/$case" "${args[@]}") >/dev/null 2>"$work/build.err"; then
		sets+=("golden/$case")
	else
		fail "k8s-models/golden/$case" "gwc build failed: $(brief "$work/build.err")"
	fi
done

# ---- validation of the sets -------------------------------------------------
# files_of SET: the set's *.yaml but kustomization.yaml, relative to $v.
files_of() {
	(cd "$v" && find "$1" -name '*.yaml' ! -name kustomization.yaml -type f | sort)
}
all=()
for set in ${sets[@]+"${sets[@]}"}; do
	while IFS= read -r f; do all+=("$f"); done < <(files_of "$set")
done
: >"$work/lines"
if [ ${#all[@]} -ne 0 ] &&
	! { (cd "$v" && node "$validator" "${all[@]}") >"$work/lines" 2>"$work/node.err" &&
		[ ! -s "$work/node.err" ]; }; then
	fail k8s-models/validate "validate.mjs failed: $(brief "$work/node.err")"
	sets=()
fi

# report SET: one ok line with the set's counts, or its FAIL lines.
report() {
	local set=$1 f files=() missing=() lines=$work/lines-set
	grep -F -- " $set/" "$work/lines" | awk -v p="$set/" '
		{ i = index($0, " "); if (substr($0, i + 1, length(p)) == p) print }' >"$lines"
	while IFS= read -r f; do files+=("$f"); done < <(files_of "$set")
	if [ ${#files[@]} -eq 0 ]; then
		fail "k8s-models/$set" "gwc wrote no .yaml file besides kustomization.yaml"
		return
	fi
	# every file must have had its say
	for f in "${files[@]}"; do
		grep -qF -- " $f#" "$lines" || missing+=("${f#"$set/"}")
	done
	if [ ${#missing[@]} -ne 0 ]; then
		fail "k8s-models/$set" "validate.mjs printed nothing for ${missing[*]}"
		return
	fi
	local okays fails skips kinds
	okays=$(grep -c '^ok ' "$lines")
	fails=$(grep -c '^FAIL ' "$lines")
	skips=$(sed -n "s|^skip $set/\([^ ]*\) \([^:]*\):.*|\1 \2|p" "$lines" | paste -sd, - | sed 's/,/, /g')
	if [ "$fails" -ne 0 ]; then
		sed -n 's|^FAIL |FAIL k8s-models/|p' "$lines"
	elif grep -qv '^\(ok\|skip\) ' "$lines"; then
		fail "k8s-models/$set" "unexpected validator output: $(grep -v '^\(ok\|skip\) ' "$lines" | head -n 3 | tr '\n' ' ')"
	elif [ "$okays" -eq 0 ]; then
		fail "k8s-models/$set" "no object was validated${skips:+ (not modelled: $skips)}"
	else
		kinds=$(sed -n 's|^ok [^ ]* \([^/]*\)/.*|\1|p' "$lines" | sort | uniq -c |
			awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')
		ok "k8s-models/$set ($okays objects valid: $kinds${skips:+; not modelled: $skips})"
	fi
}
for set in ${sets[@]+"${sets[@]}"}; do report "$set"; done

# ---- self-test: the validator rejects what it must --------------------------
# Each case is a file with one object, and the line validate.mjs must print
# for it: "ok", or "FAIL" with a reason matching an extended regex.
st=$work/self-test
mkdir -p "$st"
selftest() { # NAME WANT REGEX (the object on stdin)
	cat >"$st/$1.yaml"
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$st/cases"
}

deployment_head='apiVersion: apps/v1
kind: Deployment
metadata:
  name: gw
  namespace: ns
  labels: {app.kubernetes.io/part-of: edge}
spec:'
pod_template='  template:
    metadata:
      labels: {istio: gw, sidecar.istio.io/inject: "true"}
      annotations: {inject.istio.io/templates: gateway}
    spec:
      serviceAccountName: secret-reader
      nodeSelector: {kubernetes.io/os: linux, example.com/any-key: "any value"}
      containers:
      - name: istio-proxy
        image: auto
        ports: [{containerPort: 15090, protocol: TCP, name: http-envoy-prom}]
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 2000m, memory: 1Gi}'

selftest valid-deployment ok '' <<EOF
$deployment_head
  replicas: 2
  selector: {matchLabels: {istio: gw}}
$pod_template
EOF
selftest valid-maps-any-keys ok '' <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: ns
  labels: {any.example.com/key: v, istio-injection: disabled, "x_y.z": "on"}
  annotations: {"free form/key": "text", another: ""}
EOF
selftest valid-gateway ok '' <<'EOF'
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: ns}
spec:
  selector: {istio: gw}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["*.example.com"]
    tls: {mode: SIMPLE, credentialName: cert, minProtocolVersion: TLSV1_2}
EOF
selftest valid-virtualservice ok '' <<'EOF'
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: ns}
spec:
  hosts: [app.example.com]
  gateways: [ns/gw]
  http:
  - name: api
    match: [{uri: {prefix: /api}}]
    rewrite: {uri: /}
    timeout: 5s
    route:
    - destination: {host: api.app.svc.cluster.local, port: {number: 8080}}
      weight: 100
EOF
selftest unknown-field-top FAIL 'unknown field metadata\.labelz($|[ ,;])' <<'EOF'
apiVersion: v1
kind: Namespace
metadata: {name: ns, labelz: {a: b}}
EOF
selftest unknown-field-deep FAIL 'unknown field spec\.template\.spec\.containers\[0\]\.imagePullPolicyy($|[ ,;])' <<EOF
$deployment_head
  selector: {matchLabels: {istio: gw}}
$pod_template
        imagePullPolicyy: Always
EOF
selftest unknown-field-selector FAIL 'unknown field spec\.selector\.matchLabel($|[ ,;])' <<'EOF'
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: gw, namespace: ns}
spec:
  minAvailable: 1
  selector: {matchLabel: {istio: gw}}
EOF
selftest unknown-field-istio FAIL 'unknown field spec\.http\[0\]\.matchh($|[ ,;])' <<'EOF'
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: ns}
spec:
  hosts: [app.example.com]
  http:
  - matchh: [{uri: {prefix: /}}]
    route: [{destination: {host: app}}]
EOF
selftest wrong-type FAIL 'spec/replicas must be integer' <<EOF
$deployment_head
  replicas: "3"
  selector: {matchLabels: {istio: gw}}
$pod_template
EOF
selftest wrong-type-istio FAIL 'spec/servers/0/port/number must be integer' <<'EOF'
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: ns}
spec:
  selector: {istio: gw}
  servers:
  - port: {number: "80", name: http2, protocol: HTTP}
    hosts: ["*"]
EOF
selftest wrong-type-yaml11-boolean FAIL 'metadata/labels/enabled must be string' <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: ns
  labels: {enabled: on}
EOF
selftest missing-required FAIL 'spec must have required property .?selector' <<EOF
$deployment_head
$pod_template
EOF
selftest missing-required-rbac FAIL 'must have required property .?roleRef' <<'EOF'
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: secret-reader, namespace: ns}
subjects: [{kind: ServiceAccount, name: secret-reader, namespace: ns}]
EOF
selftest missing-required-istio FAIL 'destination must have required property .?host' <<'EOF'
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: ns}
spec:
  hosts: [app.example.com]
  http:
  - route: [{destination: {port: {number: 80}}}]
EOF
selftest valid-k8s-gateway ok '' <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: ns
  labels: {istio.io/rev: default}
  annotations: {networking.istio.io/service-type: ClusterIP}
spec:
  gatewayClassName: istio
  infrastructure:
    parametersRef: {group: "", kind: ConfigMap, name: gw-gateway-options}
  listeners:
  - name: https
    hostname: app.example.com
    port: 443
    protocol: HTTPS
    tls: {mode: Terminate, certificateRefs: [{name: cert}]}
    allowedRoutes: {namespaces: {from: All}}
EOF
selftest valid-httproute ok '' <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app, namespace: ns}
spec:
  parentRefs: [{name: gw, namespace: ns}]
  hostnames: [app.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /api}}]
    filters:
    - type: URLRewrite
      urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}
    backendRefs: [{name: api, namespace: app, port: 8080, weight: 90}]
    timeouts: {request: 1s500ms}
EOF
selftest unknown-field-gateway-api FAIL 'unknown field spec\.listeners\[0\]\.hostnames($|[ ,;])' <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: ns}
spec:
  gatewayClassName: istio
  listeners:
  - {name: http, hostnames: [app.example.com], port: 80, protocol: HTTP}
EOF
selftest wrong-enum-gateway-api FAIL 'path/type must be equal to one of the allowed values' <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: app, namespace: ns}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: Prefix, value: /}}]
    backendRefs: [{name: api, port: 8080}]
EOF
selftest missing-required-gateway-api FAIL 'must have required property .?gatewayClassName' <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: ns}
spec:
  listeners: [{name: http, port: 80, protocol: HTTP}]
EOF
selftest unknown-kind FAIL 'no model for apiVersion example\.com/v1 kind Widget' <<'EOF'
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
EOF
files=()
while IFS=$'\t' read -r name want regex; do files+=("$name.yaml"); done <"$st/cases"
if ! (cd "$st" && node "$validator" "${files[@]}") >"$st/lines" 2>"$st/err" || [ -s "$st/err" ]; then
	fail k8s-models/self-test "validate.mjs failed: $(brief "$st/err")"
	exit 0
fi
while IFS=$'\t' read -r name want regex; do
	line=$(grep -F -- " $name.yaml#" "$st/lines")
	if [ "$(printf '%s\n' "$line" | grep -c .)" -ne 1 ]; then
		fail "k8s-models/self-test/$name" "expected one line from validate.mjs, got: ${line:-nothing}"
	elif [ "$want" = ok ]; then
		case $line in
		"ok $name.yaml#1 "*) ok "k8s-models/self-test/$name" ;;
		*) fail "k8s-models/self-test/$name" "a valid object was rejected: $line" ;;
		esac
	else
		case $line in
		"FAIL $name.yaml#1 "*)
			reason=${line#*: }
			if printf '%s\n' "$reason" | grep -Eq -- "$regex"; then
				ok "k8s-models/self-test/$name"
			else
				fail "k8s-models/self-test/$name" "rejected, but not for /$regex/: $line"
			fi ;;
		*) fail "k8s-models/self-test/$name" "not rejected (want /$regex/): $line" ;;
		esac
	fi
done <"$st/cases"
exit 0
