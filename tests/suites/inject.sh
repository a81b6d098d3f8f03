#!/usr/bin/env bash
# tests/suites/inject.sh - `gwc inject` gives istiod's answer, and gwc
# build's injection preview shows what the installed template does.
#
#   inject/conformance/REL        for every case of Istio's own injection
#                                 tests in $SHARED/upstream/istio/
#                                 injection-conformance/REL/: gwc inject of
#                                 gateway.yaml with the case's config, values
#                                 and mesh equals gateway.yaml.injected as
#                                 data (both read by python3-yaml, after
#                                 Istio's test normalisation: no "version" in
#                                 the sidecar.istio.io/status JSON)
#   inject/conformance/REL/bytes  the same, byte for byte; a difference is a
#                                 skip line saying how many lines differ
#   inject/legacy/EXAMPLE         every example with a legacy kernel, built
#                                 by gwc build, injected by gwc inject with
#                                 the templates gwc installs for it (its
#                                 overlay after istiod's gateway template,
#                                 the built-in one, or the gateway template
#                                 gwc replaces it with): the pod has no
#                                 sysctls (and with istiod's own 1.24
#                                 gateway template, as a control, it has
#                                 the sysctl)
#   inject/preview/EXAMPLE        the same example with spec.injectionPreview:
#                                 gateway-deployment.injected.yaml is, as
#                                 data, what gwc inject prints; every scalar
#                                 it writes plain is one gwc's emitter
#                                 writes plain (one quoting rule for OUT);
#                                 kustomization.yaml does not list it
#   inject/preview-quoting        pod annotations "=" and "<<" (go-yaml
#                                 writes both plain; PyYAML refuses them)
#                                 reach the preview quoted: PyYAML reads
#                                 the strings back
#   inject/overlay/VER/OVERLAY    for every stock gateway template in
#                                 $SHARED/upstream/istio/injection-templates/
#                                 and every legacy-kernel overlay gwc build
#                                 writes (its istio-patch.json must set only
#                                 that template): gwc's Deployment, naming
#                                 `gateway,OVERLAY`, injected equals, as
#                                 data, the same Deployment injected with
#                                 `gateway` plus exactly the overlay's
#                                 changes (the pod's sysctls gone; -root:
#                                 istio-proxy runs as 0:0, runAsNonRoot
#                                 false, NET_BIND_SERVICE; -netbind: the
#                                 capability); only the input annotation
#                                 inject.istio.io/templates is normalised;
#                                 and the stock pod has the sysctl (control)
#   inject/revision               --revision REV: the status annotation's
#                                 revision and istio.io/rev
#   inject/preview/files          spec.injectionPreview with a values and a
#                                 mesh file: their image and trust domain
#   inject/preview/bad-file,      a broken or missing file stops gwc build
#     inject/preview/missing-file before it writes, exit 1 or 2
#   inject/usage, inject/errors   exit statuses and exact messages
#
# Needs python3 with PyYAML (Debian: python3-yaml); skips without it, and
# skips the conformance cases when $SHARED is absent.
set -u
export LC_ALL=C TZ=UTC
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
GWC=${GWC:-$top/build/gwc}
SHARED=${SHARED:-$top/../shared}
conf=$SHARED/upstream/istio/injection-conformance

ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "skip $1: $2"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/inject.XXXXXX") || {
	fail inject "cannot make a temporary folder"
	exit 0
}
trap 'rm -rf "$work"' EXIT

if ! python3 -c 'import yaml' 2>/dev/null; then
	skip inject "python3 with PyYAML is missing (Debian: python3-yaml)"
	exit 0
fi

# Both YAML streams as data, with the status annotation's "version" gone.
# quoted_as_gwc FILE: every plain scalar of FILE (as libyaml's scanner
# sees it) is one gwc's own emitter writes plain (emit.c): of
# [a-zA-Z0-9._/-] only, not a word some reader takes for a bool, null or
# float, starting with a letter or "/", or digits with a quantity suffix;
# or a number, true, false, null.
quoted_as_gwc() {
	python3 - "$1" <<'EOF'
import re, sys, yaml

word = re.compile(r"(?i)^(y|n|yes|no|on|off|true|false|null|nan|inf|infinity)$")
safe = re.compile(r"^([A-Za-z/][A-Za-z0-9._/-]*|[0-9]+(m|k|M|G|T|P|Ki|Mi|Gi|Ti|Pi|Ei)?)$")
number = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
for tok in yaml.scan(open(sys.argv[1])):
    if isinstance(tok, yaml.ScalarToken) and tok.plain:
        v = tok.value
        if number.match(v) or v in ("true", "false", "null"):
            continue
        if not safe.match(v) or word.match(v) or len(v) > 256:
            print("plain, though gwc quotes it: %r" % v)
            sys.exit(1)
EOF
}

same_data() {
	python3 - "$1" "$2" <<'EOF'
import json, sys, yaml

def load(path):
    docs = [d for d in yaml.safe_load_all(open(path)) if d is not None]
    for d in docs:
        ann = (d.get("spec", {}).get("template", {}).get("metadata", {})
               .get("annotations") or {})
        st = ann.get("sidecar.istio.io/status")
        if st:
            st = json.loads(st)
            st.pop("version", None)
            ann["sidecar.istio.io/status"] = json.dumps(st, sort_keys=True)
    return docs

a, b = load(sys.argv[1]), load(sys.argv[2])
if a != b:
    import difflib
    da = yaml.safe_dump_all(a, sort_keys=True).splitlines()
    db = yaml.safe_dump_all(b, sort_keys=True).splitlines()
    print(" | ".join(l for l in difflib.unified_diff(db, da, "istiod", "gwc",
                                                      n=0, lineterm="")
                     if not l.startswith(("---", "+++", "@@")))[:600])
    sys.exit(1)
EOF
}

# ---- conformance with istiod's own golden files ---------------------------
if [ ! -d "$conf" ]; then
	skip inject/conformance "$conf is absent"
else
	for dir in "$conf"/*/; do
		rel=$(basename "$dir")
		name=inject/conformance/$rel
		out=$work/$rel.yaml
		if ! "$GWC" inject --injector-config "$dir/default.template.gen.yaml" \
			--values "$dir/default.values.gen.yaml" \
			--mesh "$dir/default.mesh.gen.yaml" "$dir/gateway.yaml" \
			>"$out" 2>"$work/err"; then
			fail "$name" "gwc inject failed: $(head -c 300 "$work/err")"
			continue
		fi
		if why=$(same_data "$out" "$dir/gateway.yaml.injected"); then
			ok "$name"
		else
			fail "$name" "differs from gateway.yaml.injected: $why"
		fi
		if cmp -s "$out" "$dir/gateway.yaml.injected"; then
			ok "$name/bytes"
		else
			n=$(diff "$out" "$dir/gateway.yaml.injected" |
				grep -c '^[<>]')
			skip "$name/bytes" "$n lines differ"
		fi
	done
fi

# ---- legacy-kernel examples: the installed template removes the sysctl ----
# The pod's sysctl names, one a line ("none" when there is none).
sysctls() {
	python3 - "$1" <<'EOF'
import sys, yaml
d = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d][0]
sc = d["spec"]["template"]["spec"].get("securityContext") or {}
names = [s["name"] for s in sc.get("sysctls") or []]
print("\n".join(names) if names else "none")
EOF
}

# An injector config holding the templates gwc installs in folder @1
# (OUT/istio/NAME): its gateway template (else @2, istiod's own) and its
# overlays, injection-template-NAME.txt as NAME.
config_of() {
	python3 - "$1" "$2" <<'EOF'
import glob, os, sys, yaml
folder, stock = sys.argv[1], sys.argv[2]
gateway = os.path.join(folder, "gateway-injection-template.txt")
templates = {"gateway": open(gateway if os.path.exists(gateway) else stock).read()}
for f in sorted(glob.glob(os.path.join(folder, "injection-template-*.txt"))):
    name = os.path.basename(f)[len("injection-template-"):-len(".txt")]
    templates[name] = open(f).read()
print(yaml.safe_dump({"policy": "enabled", "templates": templates},
                     default_style=None, width=1 << 30))
EOF
}

values=$top/templates/inject-values.yaml
mesh=$top/templates/inject-mesh.yaml
for spec in "$top"/examples/*.yaml; do
	ex=$(basename "$spec" .yaml)
	grep -q 'kernelVersion: *[0-3]\.\|kernelVersion: *4\.\([0-9]\|10\)\.' \
		"$spec" || continue
	name=inject/legacy/$ex
	o=$work/out-$ex
	if ! "$GWC" build -o "$o" "$spec" >/dev/null 2>"$work/err"; then
		fail "$name" "gwc build failed: $(head -c 300 "$work/err")"
		continue
	fi
	deploy=$(ls "$o"/*/*/gateway-deployment.yaml 2>/dev/null | head -n1)
	tmpl=$(ls "$o"/istio/*/istio-patch.json 2>/dev/null | head -n1)
	if [ -z "$deploy" ] || [ -z "$tmpl" ]; then
		fail "$name" "no Deployment or no installed template in $o"
		continue
	fi
	config_of "$(dirname "$tmpl")" "$top/templates/gateway-injection-template.txt" \
		>"$work/config.yaml"
	# a spec that names its Istio resource runs that release's proxy
	# image (global.tag), as gwc's preview does
	version=$(sed -n 's/^  version: v\{0,1\}\([0-9]*\.[0-9]*\.[0-9]*\)$/\1/p' \
		"$(dirname "$spec")/mesh/istio.yaml" 2>/dev/null)
	grep -q istioResource "$spec" && [ -n "$version" ] &&
		sed "s/^  tag: .*/  tag: $version/" "$values" >"$work/values-$ex.yaml" ||
		cp "$values" "$work/values-$ex.yaml"
	if ! "$GWC" inject --injector-config "$work/config.yaml" \
		--values "$work/values-$ex.yaml" --mesh "$mesh" "$deploy" \
		>"$work/injected.yaml" 2>"$work/err"; then
		fail "$name" "gwc inject failed: $(head -c 300 "$work/err")"
		continue
	fi
	got=$(sysctls "$work/injected.yaml")
	if [ "$got" != none ]; then
		fail "$name" "the injected pod has sysctls: $got"
		continue
	fi
	# the control: istiod's own template puts the sysctl there (the
	# Deployment asking for istiod's gateway template alone)
	if [ -d "$conf/1.24.0" ]; then
		sed 's|^\( *inject.istio.io/templates:\).*|\1 gateway|' "$deploy" \
			>"$work/stock-deploy.yaml"
		if ! "$GWC" inject \
			--injector-config "$conf/1.24.0/default.template.gen.yaml" \
			--values "$values" --mesh "$mesh" "$work/stock-deploy.yaml" \
			>"$work/control.yaml" 2>"$work/err"; then
			fail "$name" "control: gwc inject failed: $(head -c 300 "$work/err")"
			continue
		fi
		got=$(sysctls "$work/control.yaml")
		if [ "$got" != net.ipv4.ip_unprivileged_port_start ]; then
			fail "$name" "control: istiod's 1.24 template gave: $got"
			continue
		fi
	fi
	ok "$name"

	# the same spec with spec.injectionPreview
	name=inject/preview/$ex
	(cat "$spec"; printf '  injectionPreview: {}\n') >"$work/$ex.yaml"
	rm -rf "$work/mesh" && cp -r "$top/examples/mesh" "$work/"	# its istioResource
	rm -rf "$o"
	if ! "$GWC" build -o "$o" "$work/$ex.yaml" >/dev/null 2>"$work/err"; then
		fail "$name" "gwc build failed: $(head -c 300 "$work/err")"
		continue
	fi
	dir=$(dirname "$(ls "$o"/*/*/gateway-deployment.yaml | head -n1)")
	sed '$d' "$work/injected.yaml" >"$work/want.yaml"
	if [ ! -f "$dir/gateway-deployment.injected.yaml" ]; then
		fail "$name" "no gateway-deployment.injected.yaml in $dir"
	elif ! why=$(same_data "$dir/gateway-deployment.injected.yaml" \
			"$work/want.yaml"); then
		fail "$name" "differs from gwc inject: $why"
	elif ! why=$(quoted_as_gwc "$dir/gateway-deployment.injected.yaml"); then
		fail "$name" "$why"
	elif grep -q injected "$dir/kustomization.yaml"; then
		fail "$name" "kustomization.yaml lists the preview"
	elif [ "$(sysctls "$dir/gateway-deployment.injected.yaml")" != none ]; then
		fail "$name" "the preview's pod has a sysctl"
	else
		ok "$name"
	fi
done

# ---- the preview is quoted as every file gwc writes -------------------------

name=inject/preview-quoting
{
	cat >"$work/quoting.yaml" <<'EOF'
apiVersion: gwc.dev/v1alpha1
kind: GatewaySpec
metadata: {name: q, namespace: q-ns}
spec:
  controlPlane: {istio: default, namespace: istio-system}
  deployment:
    podAnnotations:
      a.example.com/eq: "="
      a.example.com/merge: "<<"
      a.example.com/date: "2001-12-14"
  injectionPreview: {}
EOF
	rm -rf "$o"
	if ! "$GWC" build -o "$o" "$work/quoting.yaml" >/dev/null 2>"$work/err"; then
		fail "$name" "gwc build failed: $(head -c 300 "$work/err")"
	elif ! got=$(python3 - "$o/q-ns/q/gateway-deployment.injected.yaml" <<'EOF' 2>&1
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
a = d["spec"]["template"]["metadata"]["annotations"]
print(a["a.example.com/eq"], a["a.example.com/merge"], a["a.example.com/date"])
EOF
	); then
		fail "$name" "PyYAML cannot read the preview: $(printf %s "$got" | tail -n1)"
	elif [ "$got" != "= << 2001-12-14" ]; then
		fail "$name" "PyYAML reads: $got"
	else
		ok "$name"
	fi
}

# ---- legacy-kernel overlays: upgrade-safe over every stock template -------
# The overlays gwc installs for nodes on Linux < 4.11 (istiod runs them after
# `gateway`, from inject.istio.io/templates: gateway,NAME): gwc build of a
# spec for each writes it, with the gateway Deployment that names it and the
# Istio merge patch that installs it, to $work/overlay/NAME/out/.
templates=$SHARED/upstream/istio/injection-templates
overlays="gwc-legacy-kernel gwc-legacy-kernel-root gwc-legacy-kernel-netbind"
for ov in $overlays; do
	mkdir -p "$work/overlay/$ov"
	case $ov in
	gwc-legacy-kernel) ports= ;;
	gwc-legacy-kernel-root) ports=", privilegedPorts: root" ;;
	*) ports=", privilegedPorts: netBindService" ;;
	esac
	cat >"$work/overlay/$ov/spec.yaml" <<EOF
apiVersion: gwc.dev/v1alpha1
kind: GatewaySpec
metadata: {name: gw, namespace: edge}
spec:
  nodes: {kernelVersion: 3.10.0-1160.el7.x86_64$ports}
EOF
	[ -z "$ports" ] || cat >>"$work/overlay/$ov/spec.yaml" <<'EOF'
  service:
    ports:
    - {name: status-port, port: 15021}
    - {name: http2, port: 80, targetPort: 80}
    - {name: https, port: 443, targetPort: 443}
EOF
done

# An injector config of @1 as `gateway` and @3 as template @2.
overlay_config() {
	python3 - "$1" "$2" "$3" <<'EOF'
import sys, yaml
stock, name, overlay = sys.argv[1:]
print(yaml.safe_dump({"policy": "enabled", "templates": {
    "gateway": open(stock).read(), name: open(overlay).read()}},
    width=1 << 30))
EOF
}

# overlay_diff STOCK OVERLAID NAME: whether OVERLAID (injected with
# gateway,NAME) is STOCK (injected with gateway) with exactly NAME's changes.
# Only the input annotation inject.istio.io/templates is normalised;
# sidecar.istio.io/status lists no template names (istiod's own gateway,spire
# golden case shows it), so it must be equal as it is.
overlay_diff() {
	python3 - "$1" "$2" "$3" <<'EOF'
import copy, sys, yaml

def load(path):
    return [d for d in yaml.safe_load_all(open(path)) if d is not None]

stock, got, name = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3]
if len(stock) != 1 or len(got) != 1:
    sys.exit("expected one document each, got %d and %d"
             % (len(stock), len(got)))
stock, got = stock[0], got[0]
pod = stock["spec"]["template"]
sc = pod["spec"].get("securityContext") or {}
if sc.get("sysctls") != [{"name": "net.ipv4.ip_unprivileged_port_start",
                          "value": "0"}]:
    sys.exit("control: the stock pod's sysctls are %r" % sc.get("sysctls"))
want = copy.deepcopy(stock)
pod = want["spec"]["template"]
del pod["spec"]["securityContext"]["sysctls"]
proxy = [c for c in pod["spec"]["containers"] if c["name"] == "istio-proxy"][0]
csc = proxy.setdefault("securityContext", {})
if name == "gwc-legacy-kernel-root":
    csc.update(runAsUser=0, runAsGroup=0, runAsNonRoot=False)
if name in ("gwc-legacy-kernel-root", "gwc-legacy-kernel-netbind"):
    add = csc.setdefault("capabilities", {}).setdefault("add", [])
    if "NET_BIND_SERVICE" not in add:
        add.append("NET_BIND_SERVICE")
if not csc:
    del proxy["securityContext"]
got["spec"]["template"]["metadata"]["annotations"][
    "inject.istio.io/templates"] = "gateway"
if got != want:
    import difflib
    a = yaml.safe_dump(want, sort_keys=True).splitlines()
    b = yaml.safe_dump(got, sort_keys=True).splitlines()
    sys.exit(" | ".join(l for l in difflib.unified_diff(a, b, "expected",
                                                         "overlaid", n=0,
                                                         lineterm="")
                        if not l.startswith(("---", "+++", "@@")))[:600])
EOF
}

# why_not OVERLAY: why gwc build's output for OVERLAY's spec cannot be
# checked (empty when it can): the overlay text, a patch that sets only it,
# and a Deployment that names it, with a copy naming `gateway` alone.
why_not() {
	local o=$work/overlay/$1/out
	if ! "$GWC" build -o "$o" "$work/overlay/$1/spec.yaml" >/dev/null \
		2>"$work/err"; then
		echo "gwc build failed: $(head -c 300 "$work/err")"
		return
	fi
	if [ ! -f "$o/istio/default/injection-template-$1.txt" ]; then
		echo "no istio/default/injection-template-$1.txt: $(cd "$o" && find istio -type f | tr '\n' ' ')"
		return
	fi
	python3 - "$o/istio/default/istio-patch.json" "$1" <<'EOF' || return
import json, sys
p = json.load(open(sys.argv[1]))
want = {"spec": {"values": {"sidecarInjectorWebhook": {"templates": {
    sys.argv[2]: p["spec"]["values"]["sidecarInjectorWebhook"]["templates"]
    .get(sys.argv[2])}}}}}
if p != want or want["spec"]["values"]["sidecarInjectorWebhook"][
        "templates"][sys.argv[2]] is None:
    print("istio-patch.json sets more or other than templates.%s: %s"
          % (sys.argv[2], json.dumps(p)[:300]))
EOF
	sed "s/^\( *inject.istio.io\/templates:\) \"gateway,$1\"$/\1 gateway/" \
		"$o/edge/gw/gateway-deployment.yaml" >"$work/overlay/$1/stock.yaml"
	if cmp -s "$o/edge/gw/gateway-deployment.yaml" \
		"$work/overlay/$1/stock.yaml"; then
		echo "the Deployment does not name gateway,$1: $(grep -h inject.istio.io/templates "$o/edge/gw/gateway-deployment.yaml")"
	fi
}

# Values and mesh: the conformance inputs of the same release where
# injection-conformance/ has them (1.22.0, 1.24.0), otherwise gwc's built-in
# Istio 1.26 defaults (every stock template injects with either).
if [ ! -d "$templates" ]; then
	skip inject/overlay "$templates is absent"
else
	for ov in $overlays; do
		why=$(why_not "$ov")
		printf '%s\n' "$why" >"$work/overlay/$ov/why"
	done
	for stock in "$templates"/gateway-injection-template@*.yaml; do
		ver=${stock##*@}
		ver=${ver%.yaml}
		values=$top/templates/inject-values.yaml
		mesh=$top/templates/inject-mesh.yaml
		if [ -d "$conf/$ver" ]; then
			values=$conf/$ver/default.values.gen.yaml
			mesh=$conf/$ver/default.mesh.gen.yaml
		fi
		for ov in $overlays; do
			name=inject/overlay/$ver/$ov
			o=$work/overlay/$ov
			d=$o/$ver
			mkdir -p "$d"
			why=$(cat "$o/why")
			if [ -n "$why" ]; then
				fail "$name" "$why"
				continue
			fi
			overlay_config "$stock" "$ov" \
				"$o/out/istio/default/injection-template-$ov.txt" \
				>"$d/config.yaml"
			if ! "$GWC" inject --injector-config "$d/config.yaml" \
				--values "$values" --mesh "$mesh" "$o/stock.yaml" \
				>"$d/stock.yaml" 2>"$work/err"; then
				fail "$name" "gwc inject (gateway) failed: $(head -c 300 "$work/err")"
			elif ! "$GWC" inject --injector-config "$d/config.yaml" \
				--values "$values" --mesh "$mesh" \
				"$o/out/edge/gw/gateway-deployment.yaml" \
				>"$d/overlaid.yaml" 2>"$work/err"; then
				fail "$name" "gwc inject (gateway,$ov) failed: $(head -c 300 "$work/err")"
			elif why=$(overlay_diff "$d/stock.yaml" "$d/overlaid.yaml" \
				"$ov" 2>&1); then
				ok "$name"
			else
				fail "$name" "$why"
			fi
		done
	done
fi

# ---- --revision, and the preview with the cluster's own files -------------
# field DOC PY-EXPR: a value of the injected pod (p; its istio-proxy
# container c and that container's env values), printed by python3.
field() {
	python3 - "$1" "$2" <<'EOF'
import json, sys, yaml
d = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d][0]
p = d["spec"]["template"]
c = [c for c in p["spec"]["containers"] if c["name"] == "istio-proxy"][0]
env = {e["name"]: e.get("value") for e in c.get("env", [])}
print(eval(sys.argv[2]))
EOF
}
if [ -d "$conf/1.24.0" ]; then
	dir=$conf/1.24.0
	if "$GWC" inject --injector-config "$dir/default.template.gen.yaml" \
		--values "$dir/default.values.gen.yaml" \
		--mesh "$dir/default.mesh.gen.yaml" --revision canary \
		"$dir/gateway.yaml" >"$work/rev.yaml" 2>"$work/err"; then
		got=$(field "$work/rev.yaml" 'json.loads(p["metadata"]["annotations"]["sidecar.istio.io/status"])["revision"] + " " + p["metadata"]["annotations"]["istio.io/rev"]')
		if [ "$got" = "canary canary" ]; then
			ok inject/revision
		else
			fail inject/revision "status revision and istio.io/rev: $got"
		fi
	else
		fail inject/revision "gwc inject failed: $(head -c 300 "$work/err")"
	fi
else
	skip inject/revision "$conf is absent"
fi

mkdir -p "$work/files/cluster"
cat >"$work/files/spec.yaml" <<'EOF'
apiVersion: gwc.dev/v1alpha1
kind: GatewaySpec
metadata: {name: gw, namespace: edge}
spec:
  injectionPreview: {values: cluster/values.json, mesh: cluster/mesh.yaml}
EOF
python3 - "$top/templates/inject-values.yaml" >"$work/files/cluster/values.json" <<'EOF'
import json, sys, yaml
v = yaml.safe_load(open(sys.argv[1]))
v["global"]["hub"] = "registry.example.com/mesh"
v["global"]["tag"] = "1.26.3-corp"
print(json.dumps(v, indent=2))
EOF
printf 'trustDomain: corp.example\nenablePrometheusMerge: false\n' \
	>"$work/files/cluster/mesh.yaml"
name=inject/preview/files
if (cd "$work/files" && "$GWC" build -o out spec.yaml) >/dev/null 2>"$work/err"; then
	got=$(field "$work/files/out/edge/gw/gateway-deployment.injected.yaml" \
		'c["image"] + " " + env["TRUST_DOMAIN"] + " " + str("prometheus.io/port" in p["metadata"].get("annotations", {}))')
	want="registry.example.com/mesh/proxyv2:1.26.3-corp corp.example False"
	if [ "$got" = "$want" ]; then
		ok "$name"
	else
		fail "$name" "image, trust domain, prometheus annotation: $got"
	fi
else
	fail "$name" "gwc build failed: $(head -c 300 "$work/err")"
fi

# A broken file stops the run before anything is written (exit 1); one
# that cannot be read is an I/O error (exit 2).
printf 'trustDomain: [corp\n' >"$work/files/cluster/mesh.yaml"
(cd "$work/files" && "$GWC" build -o out2 spec.yaml) >/dev/null 2>"$work/err"
status=$?
want="cluster/mesh.yaml:2:1: error: did not find expected ',' or ']' while parsing a flow sequence that starts at line 1, column 14"
if [ "$status" -eq 1 ] && [ "$(cat "$work/err")" = "$want" ] &&
	[ ! -e "$work/files/out2" ]; then
	ok inject/preview/bad-file
else
	fail inject/preview/bad-file "status $status, stderr: $(cat "$work/err")"
fi
rm "$work/files/cluster/values.json"
(cd "$work/files" && "$GWC" build -o out2 spec.yaml) >/dev/null 2>"$work/err"
status=$?
want="spec.yaml:5:30: error: spec.injectionPreview.values: cannot open cluster/values.json: No such file or directory
cluster/mesh.yaml:2:1: error: did not find expected ',' or ']' while parsing a flow sequence that starts at line 1, column 14"
if [ "$status" -eq 2 ] && [ "$(cat "$work/err")" = "$want" ] &&
	[ ! -e "$work/files/out2" ]; then
	ok inject/preview/missing-file
else
	fail inject/preview/missing-file "status $status, stderr: $(cat "$work/err")"
fi

# ---- usage and errors ------------------------------------------------------
(cd "$work" && "$GWC" inject --values a --mesh b d.yaml) >"$work/out" 2>"$work/err"
status=$?
want="a: error: cannot open: No such file or directory"
if [ "$status" -eq 2 ] && [ "$(cat "$work/err")" = "$want" ] &&
	[ ! -s "$work/out" ]; then
	ok inject/usage/unreadable-file-exit-2
else
	fail inject/usage/unreadable-file-exit-2 "status $status, stderr: $(cat "$work/err")"
fi
"$GWC" inject "$work" >"$work/out" 2>"$work/err"
status=$?
if [ "$status" -eq 2 ] && [ "$(cat "$work/err")" = "$work: error: is a directory, not a file" ]; then
	ok inject/usage/directory-exit-2
else
	fail inject/usage/directory-exit-2 "status $status, stderr: $(cat "$work/err")"
fi
# without --injector-config, --values and --mesh: the built-in ones, as
# gwc build's injection preview uses them for the same Deployment
"$GWC" build -o "$work/dflt" "$top/examples/minimal.yaml" 2>/dev/null
printf '%s\n' '---' 'apiVersion: gwc.dev/v1alpha1' 'kind: GatewaySpec' \
	'metadata: {name: gw, namespace: dflt}' 'spec: {injectionPreview: {}}' >"$work/dflt.yaml"
"$GWC" build -o "$work/dflt" "$work/dflt.yaml" 2>/dev/null
if "$GWC" inject "$work/dflt/dflt/gw/gateway-deployment.yaml" >"$work/out" 2>"$work/err" &&
	[ ! -s "$work/err" ] &&
	why=$(same_data "$work/dflt/dflt/gw/gateway-deployment.injected.yaml" "$work/out"); then
	ok inject/usage/built-in-defaults
else
	fail inject/usage/built-in-defaults "$(head -c 300 "$work/err") $why"
fi

printf 'templates:\n  gateway: |\n    spec: {}\n' >"$work/c.yaml"
printf '{}\n' >"$work/v.yaml"
printf 'trustDomain: x\n' >"$work/m.yaml"
printf 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n' >"$work/s.yaml"
(cd "$work" && "$GWC" inject --injector-config c.yaml --values v.yaml \
	--mesh m.yaml s.yaml) >"$work/out" 2>"$work/err"
status=$?
want="s.yaml:1:1: error: kind: expected Deployment, found 'Service'"
if [ "$status" -eq 1 ] && [ "$(cat "$work/err")" = "$want" ] &&
	[ ! -s "$work/out" ]; then
	ok inject/errors/kind
else
	fail inject/errors/kind "status $status, stderr: $(cat "$work/err")"
fi

printf 'trustDomain: [x\n' >"$work/m.yaml"
printf 'kind: Deployment\n' >"$work/d.yaml"
(cd "$work" && "$GWC" inject --injector-config c.yaml --values v.yaml \
	--mesh m.yaml d.yaml) >"$work/out" 2>"$work/err"
status=$?
want="m.yaml:2:1: error: did not find expected ',' or ']' while parsing a flow sequence that starts at line 1, column 14"
if [ "$status" -eq 1 ] && [ "$(cat "$work/err")" = "$want" ]; then
	ok inject/errors/mesh
else
	fail inject/errors/mesh "status $status, stderr: $(cat "$work/err")"
fi
exit 0
