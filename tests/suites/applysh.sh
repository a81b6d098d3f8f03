#!/usr/bin/env bash
# tests/suites/applysh.sh - spec.applyScript and spec.argocd.syncWaves, end
# to end:
#   - every apply.sh of the golden cases is shellcheck-clean (Debian's
#     shellcheck), is written mode 0755 whatever the umask, and is not a
#     resource of kustomization.yaml (kubectl kustomize still reads the folder);
#   - apply.sh run against a fake kubectl on PATH that logs its argv: the
#     seed procedure's commands, in order, with the files in place, from
#     an OUT whose path has a space, called from another folder; a failing
#     kubectl stops it (set -e) with kubectl's status;
#   - the README's Argo CD recipe: the repository's Istio resource (wave
#     -2, from sail-operator's sample) patched by istio-patch.yaml, plus the
#     gateway folder, through kubectl kustomize: every object's wave.
# Prints only "ok", "FAIL" and "skip" lines; always exits 0.
set -u
export LC_ALL=C TZ=UTC
ok() { echo "ok applysh/$1"; }
fail() { echo "FAIL applysh/$1: $(printf '%s' "$2" | tr '\n' '|' | cut -c1-600)"; }
skip() { echo "skip applysh/$1: $2"; }
expect() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', want '$3'"; fi; }

work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-applysh.XXXXXX") || { fail setup mktemp; exit 0; }
trap 'rm -rf "$work"' EXIT
cd "${top:?}" || exit 0
case_dir=tests/golden/gitops-waves-apply

# ---- shellcheck ---------------------------------------------------------------
scripts=$(find tests/golden/*/expected out -name apply.sh 2>/dev/null | sort)
if [ -z "$scripts" ]; then
	fail shellcheck "no apply.sh in the golden cases"
elif ! command -v shellcheck >/dev/null; then
	skip shellcheck "shellcheck is not installed (apt-get install shellcheck)"
else
	for s in $scripts; do
		if msg=$(shellcheck --norc -s bash -S style "$s" 2>&1); then ok "shellcheck/$s"
		else fail "shellcheck/$s" "$msg"; fi
	done
fi

# ---- written by gwc -------------------------------------------------------------
out="$work/out dir"
(umask 077 && cd "$case_dir" && "$GWC" build -o "$out" spec.yaml 2>/dev/null)
expect mode-0755 "$(stat -c '%a' "$out/shop-ingress/shop/apply.sh" "$out/plain-ingress/plain/apply.sh" "$out/shop-ingress/shop/gateway.yaml" | tr '\n' ' ')" \
	"755 755 644 "
expect not-a-resource "$(grep -c apply.sh "$out/shop-ingress/shop/kustomization.yaml")" 0
# a second run finds the folder right (mode included) and leaves it alone
before=$(stat -c '%i %y' "$out/shop-ingress/shop" "$out/shop-ingress/shop/apply.sh")
(cd "$case_dir" && "$GWC" build -o "$out" spec.yaml 2>/dev/null)
expect rerun-leaves-folder "$(stat -c '%i %y' "$out/shop-ingress/shop" "$out/shop-ingress/shop/apply.sh")" "$before"
chmod 0644 "$out/shop-ingress/shop/apply.sh"
(cd "$case_dir" && "$GWC" build -o "$out" spec.yaml 2>/dev/null)
expect wrong-mode-rewritten "$(stat -c '%a' "$out/shop-ingress/shop/apply.sh")" 755
if command -v kubectl >/dev/null; then
	if msg=$(kubectl kustomize "$out/shop-ingress/shop" 2>&1 >/dev/null); then ok kustomize-reads-folder
	else fail kustomize-reads-folder "$msg"; fi
fi

# ---- against a fake kubectl --------------------------------------------------------
mkdir -p "$work/bin"
cat >"$work/bin/kubectl" <<'EOF'
#!/usr/bin/env bash
# logs its argv, one invocation per line, each argument in [brackets];
# checks that the files it is pointed at exist; fails on $FAIL_ON
line=
for a in "$@"; do line+="[$a]"; done
echo "$line" >>"$KUBECTL_LOG"
prev=
for a in "$@"; do
	case $prev in
	--patch-file) [ -f "$a" ] || echo "missing patch file $a" >>"$KUBECTL_LOG" ;;
	-k) [ -f "$a/kustomization.yaml" ] || echo "missing kustomization in $a" >>"$KUBECTL_LOG" ;;
	esac
	prev=$a
done
[ "${FAIL_ON:-}" != "$1" ] || exit 3
EOF
chmod 0755 "$work/bin/kubectl"
runs() {	# runs SCRIPT [VAR=value]: run it from /, with the fake kubectl; the log then "exit N"
	local log=$work/kubectl.log status
	: >"$log"
	(cd / && env PATH="$work/bin:$PATH" KUBECTL_LOG="$log" "${@:2}" "$1" >/dev/null 2>&1)
	status=$?
	echo "$(cat "$log")
exit $status"
}
expect fake-kubectl/legacy "$(runs "$out/shop-ingress/shop/apply.sh")" \
"[patch][istio][mesh][--type][merge][--patch-file][$out/shop-ingress/shop/../../istio/mesh/istio-patch.json]
[wait][--for][condition=Ready][istio/mesh][--timeout=3m]
[apply][-k][$out/shop-ingress/shop]
[rollout][status][deployment/shop][-n][shop-ingress]
[get][endpoints][shop][-n][shop-ingress]
exit 0"
expect fake-kubectl/no-template "$(runs "$out/plain-ingress/plain/apply.sh")" \
"[apply][-k][$out/plain-ingress/plain]
[rollout][status][deployment/plain][-n][plain-ingress]
[get][endpoints][plain][-n][plain-ingress]
exit 0"
expect fake-kubectl/stops-on-failure "$(runs "$out/shop-ingress/shop/apply.sh" FAIL_ON=wait)" \
"[patch][istio][mesh][--type][merge][--patch-file][$out/shop-ingress/shop/../../istio/mesh/istio-patch.json]
[wait][--for][condition=Ready][istio/mesh][--timeout=3m]
exit 3"
# through a symlink to the folder, as a GitOps checkout might hold it
ln -s "$out/shop-ingress/shop" "$work/link"
expect fake-kubectl/through-symlink "$(runs "$work/link/apply.sh" | sed -n 3p)" "[apply][-k][$out/shop-ingress/shop]"

# ---- Argo CD waves through kustomize ------------------------------------------------
sample=$SHARED/upstream/sail-operator/samples/istio-sample.yaml
if [ ! -f "$sample" ]; then
	skip argocd-waves "$SHARED/upstream absent"
elif ! command -v kubectl >/dev/null || ! command -v jq >/dev/null; then
	skip argocd-waves "kubectl or jq missing"
else
	repo=$work/repo
	mkdir -p "$repo"
	# the repository's Istio, named mesh, in wave -2 (README: Argo CD waves)
	sed 's/^  name: default$/  name: mesh\n  annotations:\n    argocd.argoproj.io\/sync-wave: "-2"/' "$sample" >"$repo/istio.yaml"
	cp -r "$out/istio/mesh" "$repo/mesh"
	cp -r "$out/shop-ingress/shop" "$repo/shop"
	printf 'resources:\n- istio.yaml\n- shop\npatches:\n- path: mesh/istio-patch.yaml\n' >"$repo/kustomization.yaml"
	if ! kubectl kustomize "$repo" >"$repo/all.yaml" 2>"$repo/err"; then
		fail argocd-waves "$(head -c 300 "$repo/err")"
	else
		got=$(kubectl label --local -f "$repo/all.yaml" gwc-check=1 -o json |
			jq -r '(if .kind == "List" then .items[] else . end) |
				"\(.metadata.annotations["argocd.argoproj.io/sync-wave"]) \(.kind)"' | sort -k1,1n -k2,2 | tr '\n' ',')
		expect argocd-waves "$got" "-2 Istio,-1 Namespace,-1 Role,-1 RoleBinding,-1 ServiceAccount,0 Deployment,0 Service,1 Gateway,1 HorizontalPodAutoscaler,1 PodDisruptionBudget,1 VirtualService,"
	fi
fi
exit 0
