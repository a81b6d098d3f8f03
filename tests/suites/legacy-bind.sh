#!/usr/bin/env bash
# tests/suites/legacy-bind.sh - the kernel, not a reading of YAML, decides
# whether the gateway's proxy can bind its ports (tracker issue 11, item 3).
#
# For every case of the claim table below the suite writes a spec with
# `injectionPreview: {}`, runs `gwc build`, and reads only gwc's OUTPUT:
# the `istio-proxy` container and the pod securityContext of
# gateway-deployment.injected.yaml (the pod as istiod injects it) and every
# port's `targetPort` in gateway-service.yaml (what the proxy must bind).
# From them it derives the process Kubernetes + containerd/runc would start
# (see `derive` below) and binds 127.0.0.1:PORT in a child made of exactly
# that: a fresh network namespace (`unshare -n`) holding the pod's sysctls,
# then `setpriv` with the uid, gid, bounding set, empty inheritable and
# ambient sets and no_new_privs. The kernel's answer (binds / EACCES) must
# be the one gwc promises for the case:
#
#   ok legacy-bind/CASE/PORT
#   ok legacy-bind/CASE/warning  (where gwc says a port will not bind, its
#                                 privilegedPorts warning names that port)
#   FAIL legacy-bind/CASE/PORT: gwc says ..., the kernel says ... (process)
#   FAIL legacy-bind/CASE: gwc build failed: ...
#
# Controls, without gwc, show that the probe can say both things:
#   legacy-bind/control/ambient       uid 1337 with NET_BIND_SERVICE also in
#                                     the ambient set binds 80 (what
#                                     Kubernetes never gives a process)
#   legacy-bind/control/no-caps       uid 1337, no capability, no sysctl:
#                                     80 is EACCES
#   legacy-bind/control/root-no-caps  uid 0 with an empty bounding set: 80 is
#                                     EACCES (root binds by its capability,
#                                     not by its uid)
#
# Needs root, `unshare -n`, util-linux's `setpriv`, `ip` and python3 with
# PyYAML (Debian: python3-yaml); prints one "skip legacy-bind: why" line
# without them. Every command is bounded by `timeout 10`. Always exits 0.
set -u
export LC_ALL=C TZ=UTC
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
GWC=$(realpath "${GWC:-$top/build/gwc}" 2>/dev/null || echo "${GWC:-$top/build/gwc}")

ok() { echo "ok legacy-bind/$1"; }
fail() { echo "FAIL legacy-bind/$1: $(printf '%s' "$2" | tr '\n' '|' | cut -c1-600)"; }
skip() { echo "skip legacy-bind: $1"; exit 0; }

# ---- gwc's claims ------------------------------------------------------------
# One line per case: name, spec.nodes.kernelVersion, spec.nodes.privilegedPorts
# ("-": none), Service ports ("default": gwc's default ports), and the claim:
#   all      every target port binds
#   >=1024   target ports >= 1024 bind, target ports < 1024 do not (EACCES)
claims=$(cat <<'EOF'
default           3.10.0-1160.el7.x86_64  -              default   all     80->8080, 443->8443: uid 1337 binds them with no capability and no sysctl
root              3.10.0-1160.el7.x86_64  root           explicit  all     targets 80 and 443: the proxy runs as uid 0 with NET_BIND_SERVICE
net-bind-service  3.10.0-1160.el7.x86_64  netBindService explicit  >=1024  targets 80 and 443: uid 1337 has NET_BIND_SERVICE only in the bounding set (gwc warns it will not bind)
modern            5.14.0                  -              default   all     istiod's own template: sysctl net.ipv4.ip_unprivileged_port_start=0
EOF
)
# "explicit" ports: targets below 1024, written out.
explicit_ports='  service:
    ports:
    - {name: status-port, port: 15021}
    - {name: http2, port: 80, targetPort: 80}
    - {name: https, port: 443, targetPort: 443}'

# ---- can this machine run the probe? -------------------------------------------
[ "$(id -u)" = 0 ] || skip "not root (setpriv and unshare -n need it)"
command -v setpriv >/dev/null || skip "setpriv is missing (util-linux)"
setpriv --help 2>/dev/null | grep -q -- --ambient-caps ||
	skip "this setpriv has no --ambient-caps (util-linux >= 2.31 needed)"
timeout 10 unshare -n true 2>/dev/null || skip "unshare -n is not available here"
timeout 10 unshare -n sh -c 'ip link set lo up' >/dev/null 2>&1 ||
	skip "cannot bring lo up in a new network namespace (iproute2's ip)"
python3 -c 'import yaml' 2>/dev/null ||
	skip "python3 with PyYAML is missing (Debian: python3-yaml)"
[ -x "$GWC" ] || skip "no gwc binary at $GWC (make builds it)"

# The probe runs as the proxy's uid: its python3 must be one that any uid may
# run (a pyenv shim under /root is not).
py=
for cand in "$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)" \
	/usr/bin/python3; do
	[ -n "$cand" ] || continue
	if [ "$(cd / && timeout 10 setpriv --reuid 65534 --regid 65534 \
		--clear-groups "$cand" -I -c 'print("ok")' 2>/dev/null)" = ok ]; then
		py=$cand
		break
	fi
done
[ -n "$py" ] || skip "no python3 that an unprivileged uid may run"

work=$(mktemp -d "${TMPDIR:-/tmp}/legacy-bind.XXXXXX") || {
	echo "FAIL legacy-bind: cannot make a temporary folder"
	exit 0
}
trap 'rm -rf "$work"' EXIT

# ---- the process Kubernetes + containerd/runc would start ------------------------
# derive INJECTED SERVICE: shell assignments (values quoted) of
#   uid gid         container runAsUser/runAsGroup, else the pod's, else 0
#   bounding        setpriv's --bounding-set, mask its hex CapBnd
#   nnp             1 when allowPrivilegeEscalation: false (no_new_privs)
#   sysctls         "path=value ..." under /proc/sys, set in the netns
#   refused         why the pod would not run at all, or empty
#   ports           "PORT/PROTO ..." of every Service targetPort
#   process         the above in words, for FAIL lines
derive() {
	timeout 10 python3 - "$1" "$2" <<'EOF'
import shlex, sys, yaml

dep = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d][0]
svc = [d for d in yaml.safe_load_all(open(sys.argv[2])) if d][0]
pod = dep["spec"]["template"]["spec"]
psc = pod.get("securityContext") or {}
proxy = [c for c in pod["containers"] if c["name"] == "istio-proxy"][0]
csc = proxy.get("securityContext") or {}
refused = []

def pick(key):
    # the container's field wins over the pod's (Kubernetes)
    return csc[key] if csc.get(key) is not None else psc.get(key)

# The image's USER is not knowable from the YAML: a missing runAsUser or
# runAsGroup is taken as root (0), what the runtime gives an image without
# USER. (With runAsNonRoot: true and no runAsUser the kubelet would demand a
# numeric non-root USER of the image; only an explicit 0 is refused here.)
uid, gid = pick("runAsUser"), pick("runAsGroup")
if uid == 0 and pick("runAsNonRoot"):
    refused.append("the kubelet refuses runAsUser 0 with runAsNonRoot: true")
uid = 0 if uid is None else uid
gid = 0 if gid is None else gid

# Linux capability numbers; the host's cap_last_cap bounds "all".
NUMBERS = ("CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID "
           "SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN "
           "NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE "
           "SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME "
           "SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP "
           "MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ "
           "PERFMON BPF CHECKPOINT_RESTORE").split()
last = int(open("/proc/sys/kernel/cap_last_cap").read())
ALL = NUMBERS[:last + 1]
# containerd's default OCI set (oci.defaultUnixCaps)
DEFAULT = ("CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID "
           "SETFCAP SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE").split()

# containerd's CRI (WithCapabilities): privileged gives every capability and
# ignores add/drop; otherwise add ALL, then drop ALL, then add each name
# ("CAP_" + upper case), then drop each name. runc ignores a name it does not
# know, e.g. "CAP_NET_BIND_SERVICE" written in the spec (CAP_CAP_...).
if csc.get("privileged"):
    if csc.get("allowPrivilegeEscalation") is False:
        refused.append("the API server rejects privileged with allowPrivilegeEscalation: false")
    caps = list(ALL)
else:
    spec_caps = csc.get("capabilities") or {}
    add = [str(c).upper() for c in spec_caps.get("add") or []]
    drop = [str(c).upper() for c in spec_caps.get("drop") or []]
    caps = list(DEFAULT)
    if "ALL" in add:
        caps = list(ALL)
    if "ALL" in drop:
        caps = []
    caps += [c for c in add if c in ALL and c not in caps]
    caps = [c for c in caps if c not in drop]
caps.sort(key=NUMBERS.index)
mask = sum(1 << NUMBERS.index(c) for c in caps)
nnp = 1 if csc.get("allowPrivilegeEscalation") is False else 0

# runc writes the pod's sysctls inside the pod's network namespace; the
# suite can do the same only for the network ones (net.*).
sysctls, shown = [], []
for s in psc.get("sysctls") or []:
    name = s["name"]
    path = name if "/" in name else name.replace(".", "/")
    if not path.startswith("net/"):
        refused.append("sysctl %s is not namespaced by the network namespace; "
                       "the suite cannot reproduce it" % name)
        continue
    sysctls.append("%s=%s" % (path, s["value"]))
    shown.append("%s=%s" % (name, s["value"]))

# A named targetPort is the pod's container port of that name.
named = {p["name"]: p["containerPort"] for c in pod["containers"]
         for p in c.get("ports") or [] if "name" in p}
ports = []
for p in svc["spec"]["ports"]:
    t = p.get("targetPort", p["port"])
    if isinstance(t, str):
        if t not in named:
            refused.append("targetPort %r names no container port" % t)
            continue
        t = named[t]
    ports.append("%d/%s" % (t, p.get("protocol", "TCP")))

process = "uid %d, gid %d, bounding %s, no ambient, %s, %s" % (
    uid, gid, ",".join(caps).lower() or "empty",
    "no_new_privs" if nnp else "new privileges allowed",
    "sysctl " + " ".join(shown) if shown else "no sysctl")
for key, value in (("uid", uid), ("gid", gid),
                   ("bounding", ",".join(["-all"] + ["+" + c.lower() for c in caps])),
                   ("mask", "%016x" % mask), ("nnp", nnp),
                   ("sysctls", " ".join(sysctls)), ("refused", "; ".join(refused)),
                   ("ports", " ".join(ports)), ("process", process)):
    print("%s=%s" % (key, shlex.quote(str(value))))
EOF
}

# The child: its own network namespace (lo up, the pod's sysctls written
# there, as runc does), then setpriv execs python3 with exactly the derived
# ids and capability sets. The inheritable set is emptied, so the ambient
# set (which needs a capability to be inheritable) is empty too; Kubernetes
# and containerd set no ambient capability (kubernetes#56374), hence a
# non-root process loses its capabilities at exec while root keeps its
# bounding set. The probe prints the kernel's answer and the process's own
# view of itself (/proc/self/status), which the caller checks.
probe_py='
import errno, socket, sys
port, proto = int(sys.argv[1]), sys.argv[2]
st = {}
for line in open("/proc/self/status"):
    k, _, v = line.partition(":")
    st[k] = v.split()
s = socket.socket(socket.AF_INET,
                  socket.SOCK_DGRAM if proto == "UDP" else socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", port))
    answer = "binds"
except OSError as e:
    answer = errno.errorcode.get(e.errno, str(e.errno))
print(answer, st["Uid"][1], st["Gid"][1], st["CapBnd"][0], st["CapAmb"][0],
      st["NoNewPrivs"][0])
'
# probe PORT PROTO UID GID BOUNDING NNP SYSCTLS [AMBIENT-CAP]: prints
# "ANSWER UID GID CAPBND CAPAMB NNP", or "sysctl PATH" when the kernel
# has no such sysctl (or refuses the value).
# AMBIENT-CAP (controls only) is made inheritable and ambient.
probe() {
	local port=$1 proto=$2 uid=$3 gid=$4 bounding=$5 nnp=$6 sysctls=$7
	local flags=(--reuid "$uid" --regid "$gid" --clear-groups
		--bounding-set "$bounding")
	if [ -n "${8:-}" ]; then
		flags+=(--inh-caps "+$8" --ambient-caps "+$8")
	else
		flags+=(--inh-caps -all)
	fi
	[ "$nnp" = 1 ] && flags+=(--no-new-privs)
	# shellcheck disable=SC2016 # the inner sh expands $1 and $@
	timeout 10 unshare -n sh -c '
		cd / || exit 1
		ip link set lo up 2>/dev/null
		for kv in $1; do
			printf "%s\n" "${kv#*=}" 2>/dev/null >"/proc/sys/${kv%%=*}" ||
				{ echo "sysctl ${kv%%=*}"; exit 0; }
		done
		shift
		exec "$@"' sh "$sysctls" \
		setpriv "${flags[@]}" "$py" -I -c "$probe_py" "$port" "$proto" 2>&1
}

# ---- the cases -----------------------------------------------------------------
while read -r case kernel privileged ports claim why; do
	[ -n "$case" ] || continue
	dir=$work/$case
	mkdir -p "$dir"
	{
		printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\n'
		printf 'metadata: {name: gw, namespace: edge}\nspec:\n'
		printf '  nodes:\n    kernelVersion: %s\n' "$kernel"
		[ "$privileged" = - ] || printf '    privilegedPorts: %s\n' "$privileged"
		[ "$ports" = default ] || printf '%s\n' "$explicit_ports"
		printf '  injectionPreview: {}\n'
	} >"$dir/spec.yaml"
	if ! (cd "$dir" && timeout 10 "$GWC" build -o out spec.yaml) \
		>/dev/null 2>"$dir/err"; then
		fail "$case" "gwc build failed: $(head -c 400 "$dir/err")"
		continue
	fi
	injected=$dir/out/edge/gw/gateway-deployment.injected.yaml
	service=$dir/out/edge/gw/gateway-service.yaml
	if ! facts=$(derive "$injected" "$service" 2>&1); then
		fail "$case" "cannot read gwc's output: $facts"
		continue
	fi
	uid='' gid='' bounding='' mask='' nnp='' sysctls='' refused='' ports='' process=''
	eval "$facts"
	if [ -n "$refused" ]; then
		fail "$case" "gwc says its ports bind ($why), but the pod would not run: $refused"
		continue
	fi
	unbound_ports=''
	for target in $ports; do
		port=${target%/*} proto=${target#*/}
		name=$case/$port
		[ "$proto" = TCP ] || name=$name/$proto
		if [ "$claim" = all ] || [ "$port" -ge 1024 ]; then
			want=binds says="it binds"
		else
			want=EACCES says="it does not bind"
			unbound_ports="$unbound_ports $port"
		fi
		got=$(probe "$port" "$proto" "$uid" "$gid" "$bounding" "$nnp" "$sysctls")
		read -r answer puid pgid pbnd pamb pnnp _ <<<"$got"
		if [ "$answer" = sysctl ]; then
			fail "$name" "gwc says $says ($why), but this kernel refuses the pod's sysctl ${got#sysctl }: runc would not start the pod"
		elif [ "$puid $pgid $pbnd $pamb $pnnp" != "$uid $gid $mask 0000000000000000 $nnp" ]; then
			fail "$name" "the probe did not run as derived ($process): it says: $got"
		elif [ "$answer" != "$want" ]; then
			fail "$name" "gwc says $says ($why), the kernel says $answer ($process)"
		else
			ok "$name"
		fi
	done
	# A port gwc says will not bind is one its warning names.
	if [ -n "$unbound_ports" ]; then
		warning=$(grep -F ': warning: spec.nodes.privilegedPorts' "$dir/err")
		missing=''
		for port in $unbound_ports; do
			grep -qw -- "$port" <<<"$warning" || missing="$missing $port"
		done
		if [ -z "$warning" ] || [ -n "$missing" ]; then
			fail "$case/warning" "gwc does not warn that${missing:-$unbound_ports} will not bind: $(cat "$dir/err")"
		else
			ok "$case/warning"
		fi
	fi
done <<<"$claims"

# ---- controls: the probe can say both things ----------------------------------------
# expect_control NAME WANT PROBE-ARGS...: the kernel's answer must be WANT.
expect_control() {
	local name=$1 want=$2 got
	shift 2
	got=$(probe "$@")
	if [ "${got%% *}" = "$want" ]; then
		ok "control/$name"
	else
		fail "control/$name" "expected $want, the probe says: $got"
	fi
}
# net-bind-service's process, plus the ambient capability Kubernetes omits
expect_control ambient binds 80 TCP 1337 1337 -all,+net_bind_service 1 "" \
	net_bind_service
expect_control no-caps EACCES 80 TCP 1337 1337 -all 1 ""
expect_control root-no-caps EACCES 80 TCP 0 0 -all 1 ""
exit 0
