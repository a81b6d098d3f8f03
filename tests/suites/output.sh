#!/usr/bin/env bash
# tests/suites/output.sh - end-to-end checks of the output folder contract of
# gen/write.c: determinism, idempotence, atomicity, refusals, permissions,
# resource limits, concurrency, signals, stale staging, --prune, and the
# stdout commands.
#
# Run by tests/run.sh with GWC (absolute path of the binary), top (the repo
# root) and TMPDIR set.  Prints one "ok NAME", "FAIL NAME: why" or
# "skip NAME: why" line per check and always exits 0.  Root is needed for
# the tmpfs (disk full) check and for the non-root permission checks; they
# are skipped otherwise.
set -u
export LC_ALL=C TZ=UTC
umask 022
GWC=${GWC:-$(cd "$(dirname "$0")/../.." && pwd)/build/gwc}
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}

work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-output.XXXXXX") || {
	echo "FAIL output-setup: cannot create a temporary folder"
	exit 0
}
mnt=
sigmnt=
permdir=
unmount() {
	if [ -n "$1" ] && mountpoint -q "$1" 2>/dev/null; then
		umount "$1" 2>/dev/null || umount -l "$1" 2>/dev/null
	fi
}
cleanup() {
	unmount "$mnt"
	unmount "$sigmnt"
	mnt= sigmnt=
	if [ -n "$permdir" ]; then
		chmod -R u+rwX "$permdir" 2>/dev/null
		rm -rf "$permdir"
	fi
	permdir=
	chmod -R u+rwX "$work" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'cleanup; exit 0' INT TERM HUP

ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "skip $1: $2"; }

# One line of a file, for a FAIL reason.
oneline() { head -c "${2:-300}" "$1" 2>/dev/null | tr '\n' ' '; }

# The contents of a tree: path, type, mode, size (not of folders) and link
# target of every entry below DIR, then the checksum of every file.  No
# times, no inodes.  Not OUT's cache (.gwc-cache: stat records, this
# machine's; tests/suites/cache.sh tests it), nor the files it holds.
tree_sig() {
	(cd "$1" && find . -mindepth 1 -path ./.gwc-cache -prune -o \
		\( -type d -printf '%P d %m\n' \) -o \
		-printf '%P %y %m %s %l\n' | sort &&
		find . -path ./.gwc-cache -prune -o -type f -print0 | sort -z |
		xargs -0r sha256sum)
}
# A short digest of the same (names, types, modes, link targets, bytes),
# for big trees.
tar_ok=
tar --format=gnu --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
	-C / -cf /dev/null /dev/null 2>/dev/null && tar_ok=1
tree_digest() {
	if [ -n "$tar_ok" ]; then
		tar --format=gnu --sort=name --mtime=@0 --owner=0 --group=0 \
			--numeric-owner --exclude=./.gwc-cache -C "$1" -cf - . |
			sha256sum | cut -d' ' -f1
	else
		tree_sig "$1" | sha256sum | cut -d' ' -f1
	fi
}
# tree_sig plus the inode and mtime of every entry, DIR itself included.
snap_strict() {
	tree_sig "$1"
	(cd "$1" && find . -path ./.gwc-cache -prune -o -printf '%p %i %T@\n' | sort)
}
# tree_sig plus the inode of every entry and the mtime of every non-folder:
# for failures after staging began, which must touch the parent folders.
snap_loose() {
	tree_sig "$1"
	(cd "$1" && find . -path ./.gwc-cache -prune -o \( -type d -printf '%p %i\n' \) -o \
		-printf '%p %i %T@\n' | sort)
}
# Staging folders (".<name>.gwc-<pid>-<n>") anywhere below DIR.
leftovers() { find "$1" -name '.*.gwc-*' 2>/dev/null | head -n 5 | tr '\n' ' '; }
# The first differing line of two texts, for a FAIL reason.
first_diff() {
	diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") | grep '^[<>]' |
		head -n 4 | tr '\n' ' '
}

# A bound on every gwc run, so that a hang is a FAIL and not a stuck suite.
limit=()
command -v timeout >/dev/null 2>&1 && limit=(timeout -k 5 30)
# g ARGS...: runs gwc; status in $rc, output in $work/stdout, $work/stderr.
g() {
	"${limit[@]}" "$GWC" "$@" >"$work/stdout" 2>"$work/stderr"
	rc=$?
	[ "$rc" -eq 124 ] && [ ${#limit[@]} -gt 0 ] && echo "(gwc timed out)" >>"$work/stderr"
}
# check_refusal NAME WANT_STDERR BEFORE AFTER: exit 2, exact stderr, same tree.
check_refusal() {
	if [ "$rc" -ne 2 ]; then
		fail "$1" "exit status $rc, expected 2: $(oneline "$work/stderr")"
	elif [ "$(cat "$work/stderr")" != "$2" ]; then
		fail "$1" "stderr is '$(oneline "$work/stderr")', expected '$2'"
	elif [ "$3" != "$4" ]; then
		fail "$1" "the output folder changed: $(first_diff "$3" "$4")"
	else
		ok "$1"
	fi
}

if [ ! -x "$GWC" ]; then
	fail output-setup "no gwc binary at $GWC"
	exit 0
fi

examples=("$top"/examples/*.yaml)
reversed=()
for ((i = ${#examples[@]} - 1; i >= 0; i--)); do reversed+=("${examples[i]}"); done
minimal=$top/examples/minimal.yaml

# Spec variants: A = examples/ as they are; B = minimal and ha changed;
# H = ha changed only; M = minimal changed only.
mkdir -p "$work/A" "$work/B" "$work/H" "$work/M"
cp "${examples[@]}" "$work/A/"
cp "${examples[@]}" "$work/B/"
cp "${examples[@]}" "$work/H/"
cp "${examples[@]}" "$work/M/"
for d in A B H M; do cp -r "$top/examples/mesh" "$work/$d/"; done	# revisioned.yaml's Istio
for d in B M; do
	printf 'spec: {deployment: {replicas: 3}}\n' >>"$work/$d/minimal.yaml"
done
for d in B H; do
	sed -i 's/terminationGracePeriodSeconds: 60/terminationGracePeriodSeconds: 61/' \
		"$work/$d/ha.yaml"
done
specsA=("$work"/A/*.yaml) specsB=("$work"/B/*.yaml) specsH=("$work"/H/*.yaml)
minimalB=$work/M/minimal.yaml

# ---- determinism -----------------------------------------------------------
# Every build of examples/ gives the same bytes and modes, whatever the
# locale, time zone, umask or argument order.
det_build() {	# det_build OUT LC_ALL TZ UMASK ARGS...
	local out=$1 lc=$2 tz=$3 um=$4
	shift 4
	(umask "$um" && cd "$top" && LC_ALL=$lc TZ=$tz "${limit[@]}" "$GWC" build -o "$out" "$@") \
		>/dev/null 2>"$work/det.err"
}
if det_build "$work/det-base" C UTC 022 "${examples[@]}"; then
	base_sig=$(tree_sig "$work/det-base")
	bad_modes=$(cd "$work/det-base" && find . -mindepth 1 \( \( -type f ! -perm 0644 \) -o \
		\( -type d ! -perm 0755 \) -o ! \( -type f -o -type d \) \) -printf '%P %M ' | head -c 300)
	if [ -n "$bad_modes" ]; then
		fail determinism-modes "entries not 0644 files / 0755 folders: $bad_modes"
	else
		ok determinism-modes
	fi
	variants=("repeat|C|UTC|022|fwd" "LC_ALL=C.UTF-8|C.UTF-8|UTC|022|fwd"
		"TZ=Asia/Kolkata|C|Asia/Kolkata|022|fwd"
		"TZ=America/St_Johns|C|America/St_Johns|022|fwd"
		"umask-077|C|UTC|077|fwd" "umask-000|C|UTC|000|fwd"
		"reversed-args|C|UTC|022|rev"
		"jobs-2|C|UTC|022|j2" "jobs-8-reversed|C|UTC|022|revj8"
		"all-at-once|C.UTF-8|America/St_Johns|077|rev")
	other_locale=$(locale -a 2>/dev/null | grep -viE '^(c|posix|c\.utf-?8)$' |
		grep -iE 'utf-?8' | head -n 1)
	if [ -n "$other_locale" ]; then
		variants+=("LC_ALL=$other_locale|$other_locale|UTC|022|fwd")
	else
		skip determinism-other-locale "locale -a lists no locale besides C and C.UTF-8"
	fi
	n=0
	for v in "${variants[@]}"; do
		IFS='|' read -r name lc tz um order <<<"$v"
		n=$((n + 1))
		out=$work/det-$n
		case $order in
		rev) args=("${reversed[@]}") ;;
		j2) args=(-j 2 "${examples[@]}") ;;	# threads: same bytes
		revj8) args=(--jobs 8 "${reversed[@]}") ;;
		*) args=("${examples[@]}") ;;
		esac
		if ! det_build "$out" "$lc" "$tz" "$um" "${args[@]}"; then
			fail "determinism-$name" "gwc failed: $(oneline "$work/det.err")"
			continue
		fi
		sig=$(tree_sig "$out")
		if [ "$sig" != "$base_sig" ]; then
			fail "determinism-$name" "tree differs from the C/UTC/022 build: $(first_diff "$base_sig" "$sig")"
		else
			ok "determinism-$name"
		fi
	done
else
	fail determinism "gwc build examples/ failed: $(oneline "$work/det.err")"
fi

# ---- threads: the same messages -------------------------------------------
# Pass 1 checks specs in -j threads; the messages are merged in input order,
# so every bad spec of tests/bad plus the examples gives the same stderr,
# byte for byte, and the same status for any -j; nothing is written.
bad_specs=()
for f in "$top"/tests/bad/*/spec.yaml; do	# those that fail as specs (exit 1)
	[ -f "$f" ] && [ -r "$f" ] && [ ! -f "${f%spec.yaml}status" ] && bad_specs+=("$f")
done
g build -o "$work/jobs-bad" "${examples[@]}" "${bad_specs[@]}"
want_rc=$rc want_err=$(cat "$work/stderr")
jobs_ok=1
for j in 2 3 8; do
	g build -j "$j" -o "$work/jobs-bad" "${examples[@]}" "${bad_specs[@]}"
	if [ "$rc" != "$want_rc" ] || [ "$(cat "$work/stderr")" != "$want_err" ]; then
		fail jobs-diagnostics "-j $j: exit $rc (-j 1: $want_rc): $(first_diff "$want_err" "$(cat "$work/stderr")")"
		jobs_ok=0
		break
	fi
done
if [ "$jobs_ok" = 1 ]; then
	if [ "$want_rc" != 1 ] || [ "$(grep -c ': error: ' <<<"$want_err")" -lt 90 ]; then
		fail jobs-diagnostics "expected exit 1 and at least 90 errors, got exit $want_rc and $(grep -c ': error: ' <<<"$want_err")"
	elif [ -e "$work/jobs-bad" ]; then
		fail jobs-diagnostics "a failed run created its output folder"
	else
		ok jobs-diagnostics
	fi
fi

# ---- threads: a preview that fails ------------------------------------------
# Six specs whose injection preview runs a template that fails at run time:
# every run, at -j 1, 2 and 6, twenty times each, prints the same error
# at the template's line:col (once: the six specs say the same thing at
# the same place) and exits 1 (an error of the specs);
# gwc validate reports the same.
pv=$work/preview-fail
mkdir -p "$pv"
printf 'metadata:\n  labels: {a: "{{ index 1 2 }}"}\n' >"$pv/bad.tmpl"
pv_specs=()
for i in 1 2 3 4 5 6; do
	printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: gw%d, namespace: ns%d}\nspec:\n  controlPlane: {injectionTemplate: bad.tmpl}\n  injectionPreview: {}\n' \
		"$i" "$i" >"$pv/s$i.yaml"
	pv_specs+=("$pv/s$i.yaml")
done
pv_line="$pv/bad.tmpl:2:18: error: templates.gateway: template: inject:2:18: executing \"inject\" at <index 1 2>: error calling index: can't index item of type int"
pv_want="$pv/s1.yaml:5:37: note: Istio 'default': the installed gateway template replaces istiod's own; keep it in step with the istiod version in use"
pv_want+=$'\n'"$pv_line"	# said by each spec, printed once
pv_ok=1
for j in 1 2 6; do
	for k in $(seq 1 20); do
		g build -j "$j" -o "$pv/out" "${pv_specs[@]}"
		if [ "$rc" != 1 ] || [ "$(cat "$work/stderr")" != "$pv_want" ]; then
			fail jobs-preview-errors "-j $j, run $k: exit $rc: $(first_diff "$pv_want" "$(cat "$work/stderr")")"
			pv_ok=0
			break 2
		fi
	done
done
if [ "$pv_ok" = 1 ]; then
	g validate "${pv_specs[@]}"
	if [ "$rc" != 1 ] || [ "$(cat "$work/stderr")" != "$pv_want" ]; then
		fail jobs-preview-errors "validate: exit $rc: $(first_diff "$pv_want" "$(cat "$work/stderr")")"
	elif [ -e "$pv/out" ]; then
		fail jobs-preview-errors "a failed run created its output folder"
	else
		ok "jobs-preview-errors (-j 1, 2, 6: 20 runs each, the same 6 errors, exit 1; validate too)"
	fi
fi

# ---- idempotence -----------------------------------------------------------
out=$work/idem
g build -o "$out" "${examples[@]}"
if [ "$rc" -ne 0 ]; then
	fail idempotence "first build: exit $rc: $(oneline "$work/stderr")"
else
	before=$(snap_strict "$out")
	sleep 0.02
	g build -o "$out" "${examples[@]}"
	after=$(snap_strict "$out")
	if [ "$rc" -ne 0 ]; then
		fail idempotence "second build: exit $rc: $(oneline "$work/stderr")"
	elif [ "$before" != "$after" ]; then
		fail idempotence "an mtime or inode changed: $(first_diff "$before" "$after")"
	else
		ok idempotence
	fi
fi

# ---- changed spec ----------------------------------------------------------
# Only ha-ingress/ha-gateway may change; every other gateway folder keeps
# its inodes and mtimes, and ha-gateway gets the new content.
out=$work/changed
g build -o "$out" "${specsA[@]}"
if [ "$rc" -ne 0 ]; then
	fail changed-spec "first build: exit $rc: $(oneline "$work/stderr")"
else
	others() {
		(cd "$out" && find . -mindepth 1 ! -path ./ha-ingress ! -path './ha-ingress/ha-gateway' \
			! -path './.gwc-cache*' \
			! -path './ha-ingress/ha-gateway/*' -printf '%p %i %T@\n' | sort)
		tree_sig "$out" | grep -v '^ha-ingress/ha-gateway/\|/ha-ingress/ha-gateway/'
	}
	before=$(others)
	old_ha=$(cat "$out/ha-ingress/ha-gateway/gateway-deployment.yaml")
	sleep 0.02
	g build -o "$out" "${specsH[@]}"
	after=$(others)
	if [ "$rc" -ne 0 ]; then
		fail changed-spec "second build: exit $rc: $(oneline "$work/stderr")"
	elif [ "$before" != "$after" ]; then
		fail changed-spec "a folder other than ha-ingress/ha-gateway changed: $(first_diff "$before" "$after")"
	elif [ "$old_ha" = "$(cat "$out/ha-ingress/ha-gateway/gateway-deployment.yaml")" ] ||
		! grep -q 'terminationGracePeriodSeconds: 61' "$out/ha-ingress/ha-gateway/gateway-deployment.yaml"; then
		fail changed-spec "ha-ingress/ha-gateway did not get the new spec"
	elif [ -n "$(leftovers "$out")" ]; then
		fail changed-spec "staging leftovers: $(leftovers "$out")"
	else
		ok changed-spec
	fi
fi

# ---- several changed folders in one namespace ------------------------------
# Not in the task list as such, but the contract: a run that stages two
# folders of the same namespace must publish both.
printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: gw-a, namespace: shared-ns}\n---\napiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: gw-b, namespace: shared-ns}\n' >"$work/two.yaml"
out=$work/two
g build -o "$out" "$work/two.yaml"
if [ "$rc" -ne 0 ]; then
	fail same-namespace "two new gateways in one namespace: exit $rc: $(oneline "$work/stderr")"
elif [ ! -f "$out/shared-ns/gw-a/.gwc-output" ] || [ ! -f "$out/shared-ns/gw-b/.gwc-output" ]; then
	fail same-namespace "a gateway folder is missing"
elif [ -n "$(leftovers "$out")" ]; then
	fail same-namespace "staging leftovers: $(leftovers "$out")"
else
	ok same-namespace
fi

# ---- atomicity on a bad spec -----------------------------------------------
printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: bad-gateway, namespace: bad-ns}\nspec: {deployment: {replicas: three}}\n' >"$work/bad.yaml"
out=$work/atomic
g build -o "$out" "${examples[@]}"
if [ "$rc" -ne 0 ]; then
	fail atomic-bad-spec "first build: exit $rc: $(oneline "$work/stderr")"
else
	before=$(snap_strict "$out")
	sleep 0.02
	g build -o "$out" "$minimalB" "$work/bad.yaml"
	after=$(snap_strict "$out")
	if [ "$rc" -ne 1 ]; then
		fail atomic-bad-spec "exit status $rc, expected 1: $(oneline "$work/stderr")"
	elif [ "$before" != "$after" ]; then
		fail atomic-bad-spec "the output folder changed: $(first_diff "$before" "$after")"
	elif [ -n "$(leftovers "$out")" ]; then
		fail atomic-bad-spec "staging leftovers: $(leftovers "$out")"
	else
		ok atomic-bad-spec
	fi
fi

# ---- refusals --------------------------------------------------------------
g build -o "$work/ref-base" "$minimal"
if [ "$rc" -ne 0 ]; then
	fail refusals "base build: exit $rc: $(oneline "$work/stderr")"
else
	# OUT is a symbolic link (to a gwc-made folder).
	cp -a "$work/ref-base" "$work/ref-target"
	ln -s ref-target "$work/ref-link"
	before="$(snap_strict "$work/ref-target") $(readlink "$work/ref-link")"
	g build -o "$work/ref-link" "$minimalB"
	after="$(snap_strict "$work/ref-target") $(readlink "$work/ref-link")"
	check_refusal refuse-out-symlink \
		"gwc: error: refusing to write into '$work/ref-link': it is a symbolic link" \
		"$before" "$after"
	# The same with a trailing slash, which makes lstat follow the link.
	g build -o "$work/ref-link//" "$minimalB"
	after="$(snap_strict "$work/ref-target") $(readlink "$work/ref-link")"
	check_refusal refuse-out-symlink-slash \
		"gwc: error: refusing to write into '$work/ref-link//': it is a symbolic link" \
		"$before" "$after"

	# OUT is a regular file.
	printf 'not a folder\n' >"$work/ref-file"
	before=$(stat -c '%i %s %Y %y %a' "$work/ref-file"; cat "$work/ref-file")
	g build -o "$work/ref-file" "$minimal"
	after=$(stat -c '%i %s %Y %y %a' "$work/ref-file"; cat "$work/ref-file")
	check_refusal refuse-out-file \
		"gwc: error: refusing to write into '$work/ref-file': it is not a folder" \
		"$before" "$after"

	# OUT/<ns>/<name> is the user's own folder (no marker).
	out=$work/ref-nomarker
	cp -a "$work/ref-base" "$out"
	rm "$out/istio-ingress/ingress-gateway/.gwc-output"
	printf 'mine\n' >"$out/istio-ingress/ingress-gateway/notes.txt"
	before=$(snap_strict "$out")
	g build -o "$out" "$minimalB"
	after=$(snap_strict "$out")
	check_refusal refuse-no-marker \
		"gwc: error: refusing to replace '$out/istio-ingress/ingress-gateway': gwc did not make it (no .gwc-output file in it)" \
		"$before" "$after"

	# OUT/<ns>/<name> is a symbolic link (to a gwc-made folder elsewhere).
	out=$work/ref-innerlink
	cp -a "$work/ref-base" "$out"
	cp -a "$work/ref-base/istio-ingress/ingress-gateway" "$work/ref-elsewhere"
	rm -r "$out/istio-ingress/ingress-gateway"
	ln -s "$work/ref-elsewhere" "$out/istio-ingress/ingress-gateway"
	before="$(snap_strict "$out") $(snap_strict "$work/ref-elsewhere")"
	g build -o "$out" "$minimalB"
	after="$(snap_strict "$out") $(snap_strict "$work/ref-elsewhere")"
	check_refusal refuse-inner-symlink \
		"gwc: error: refusing to replace '$out/istio-ingress/ingress-gateway': not a folder" \
		"$before" "$after"

	# An input spec inside OUT.
	out=$work/ref-inside
	cp -a "$work/ref-base" "$out"
	mkdir "$out/specs"
	cp "$minimalB" "$out/specs/minimal.yaml"
	before=$(snap_strict "$out")
	g build -o "$out" "$out/specs/minimal.yaml"
	after=$(snap_strict "$out")
	check_refusal refuse-input-inside-out \
		"gwc: error: input '$out/specs/minimal.yaml' is inside the output folder '$out'" \
		"$before" "$after"
	# ...reached through a link outside OUT, after a spec of another
	# folder (the check resolves a folder once for the specs in it, and a
	# link's target in full)
	ln -s "$out/specs/minimal.yaml" "$work/link-inside.yaml"
	g build -o "$out" "$minimalB" "$work/link-inside.yaml"
	after=$(snap_strict "$out")
	check_refusal refuse-input-link-inside-out \
		"gwc: error: input '$work/link-inside.yaml' is inside the output folder '$out'" \
		"$before" "$after"
	# ...and named through a path of its own, after one outside OUT
	g build -o "$out" "$minimalB" "$out/istio-ingress/../specs/minimal.yaml"
	after=$(snap_strict "$out")
	check_refusal refuse-input-dotdot-inside-out \
		"gwc: error: input '$out/istio-ingress/../specs/minimal.yaml' is inside the output folder '$out'" \
		"$before" "$after"

	# A refusal that comes after other, new folders were staged: OUT must
	# not keep anything of them (e.g. the new, empty namespace folders).
	out=$work/ref-partial
	mkdir -p "$out/public-ingress/public-gateway"
	printf 'mine\n' >"$out/public-ingress/public-gateway/notes.txt"
	before=$(snap_loose "$out")
	g build -o "$out" "${examples[@]}"
	after=$(snap_loose "$out")
	want="gwc: error: refusing to replace '$out/public-ingress/public-gateway': gwc did not make it (no .gwc-output file in it)"
	if [ "$rc" -ne 2 ]; then
		fail refuse-after-other-folders "exit status $rc, expected 2: $(oneline "$work/stderr")"
	elif ! grep -qxF "$want" "$work/stderr"; then
		fail refuse-after-other-folders "stderr lacks '$want': $(oneline "$work/stderr")"
	elif [ "$before" != "$after" ]; then
		fail refuse-after-other-folders "the output folder changed: $(first_diff "$before" "$after")"
	elif [ -n "$(leftovers "$out")" ]; then
		fail refuse-after-other-folders "staging leftovers: $(leftovers "$out")"
	else
		ok refuse-after-other-folders
	fi
fi

# ---- a gateway's folder and a control plane's --------------------------------
# examples/ write the control plane istio/default; a later run with a
# gateway named default in namespace istio must not replace it, nor the
# reverse; a marker of an older gwc (its first line only) is judged by
# the files it holds.
printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: default, namespace: istio}\n' >"$work/istio-default.yaml"
out=$work/kinds
g build -o "$out" "${examples[@]}"
if [ "$rc" -ne 0 ] || [ ! -f "$out/istio/default/istio-patch.json" ]; then
	fail kinds "build of examples/: exit $rc, istio/default: $(ls "$out/istio/default" 2>&1 | tr '\n' ' ')"
else
	before=$(snap_strict "$out")
	g build -o "$out" "$work/istio-default.yaml"
	check_refusal refuse-gateway-over-control-plane \
		"gwc: error: refusing to replace '$out/istio/default': it is a control plane's folder, and this run would write a gateway's there" \
		"$before" "$(snap_strict "$out")"
	printf 'This folder is made by gwc; `gwc build` replaces it whole.\n' >"$out/istio/default/.gwc-output"
	before=$(snap_strict "$out")
	g build -o "$out" "$work/istio-default.yaml"
	check_refusal refuse-gateway-over-old-control-plane \
		"gwc: error: refusing to replace '$out/istio/default': it is a control plane's folder, and this run would write a gateway's there" \
		"$before" "$(snap_strict "$out")"
	out=$work/kinds-reverse
	g build -o "$out" "$work/istio-default.yaml"
	before=$(snap_strict "$out")
	g build -o "$out" "${examples[@]}"
	grep -v ': note: ' "$work/stderr" >"$work/stderr.errors"	# legacy-kernel's
	mv "$work/stderr.errors" "$work/stderr"
	check_refusal refuse-control-plane-over-gateway \
		"gwc: error: refusing to replace '$out/istio/default': it is a gateway's folder, and this run would write a control plane's there" \
		"$before" "$(snap_strict "$out")"
	if [ "$(cat "$out/istio/default/.gwc-output")" = 'This folder is made by gwc; `gwc build` replaces it whole.
kind: gateway' ]; then
		ok marker-names-kind
	else
		fail marker-names-kind "the marker reads '$(oneline "$out/istio/default/.gwc-output")'"
	fi
fi
rm -rf "$work/kinds" "$work/kinds-reverse"

# ---- what gwc opens in OUT -------------------------------------------------
# Nothing that is not a regular file, and never more than it wrote: a FIFO
# where gwc writes a file is refused (it blocked open() for ever, with the
# lock held), an extra FIFO is an extra entry for --check, and an 8 GB
# sparse file is not read whole.  A short time limit: a hang is a FAIL.
short=()
command -v timeout >/dev/null 2>&1 && short=(timeout -k 2 10)
gs() {	# gs ARGS...: g with the short limit
	"${short[@]}" "$GWC" "$@" >"$work/stdout" 2>"$work/stderr"
	rc=$?
	[ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && echo "(gwc timed out)" >>"$work/stderr"
}
if [ ! -d "$work/ref-base" ] || ! command -v mkfifo >/dev/null 2>&1; then
	skip fifo "no base build or no mkfifo"
else
	gwdir=istio-ingress/ingress-gateway
	for name in gateway-service.yaml .gwc-output; do
		out=$work/fifo-$name
		cp -a "$work/ref-base" "$out"
		rm "$out/$gwdir/$name"
		mkfifo "$out/$gwdir/$name"
		before=$(snap_strict "$out")
		gs build -o "$out" "$minimalB"
		after=$(snap_strict "$out")
		check_refusal "refuse-fifo-$name" \
			"gwc: error: refusing to replace '$out/$gwdir': '$out/$gwdir/$name' is a FIFO, not a regular file" \
			"$before" "$after"
		gs build --check -o "$out" "$minimal"
		check_refusal "check-refuses-fifo-$name" \
			"gwc: error: refusing to read '$out/$gwdir/$name': it is a FIFO, not a regular file" \
			"$before" "$(snap_strict "$out")"
	done

	# An extra FIFO and an extra folder in a gwc folder: --check lists
	# them (the build removes them with the folder), exit 1.
	out=$work/fifo-extra
	cp -a "$work/ref-base" "$out"
	mkfifo "$out/$gwdir/pipe"
	mkdir "$out/$gwdir/sub"
	gs build --check -o "$out" "$minimal"
	want="Only in $out/$gwdir: pipe (a FIFO, not a regular file)
Only in $out/$gwdir: sub (a folder, not a regular file)"
	if [ "$rc" -ne 1 ]; then
		fail check-extra-fifo "exit status $rc, expected 1: $(oneline "$work/stderr")"
	elif [ "$(cat "$work/stdout")" != "$want" ] || [ -s "$work/stderr" ]; then
		fail check-extra-fifo "stdout '$(oneline "$work/stdout")', stderr '$(oneline "$work/stderr")'"
	else
		ok check-extra-fifo
	fi
	gs build -o "$out" "$minimal"
	if [ "$rc" -ne 0 ] || [ "$(tree_sig "$out")" != "$(tree_sig "$work/ref-base")" ]; then
		fail build-removes-extra-fifo "exit $rc: $(oneline "$work/stderr")"
	else
		ok build-removes-extra-fifo
	fi

	# 8 GB sparse files: an extra one, and one where gwc writes 374 bytes.
	out=$work/sparse
	cp -a "$work/ref-base" "$out"
	if ! truncate -s 8G "$out/$gwdir/big.bin" 2>/dev/null; then
		skip check-sparse "cannot make an 8 GB sparse file"
	else
		gs build --check -o "$out" "$minimal"
		if [ "$rc" -ne 1 ]; then
			fail check-sparse-extra "exit status $rc, expected 1: $(oneline "$work/stderr")"
		elif [ "$(stat -c %s "$work/stdout")" -gt 200000 ]; then
			fail check-sparse-extra "a diff of $(stat -c %s "$work/stdout") bytes"
		elif ! grep -qxF "Only the first 65536 of the 8589934592 bytes of $out/$gwdir/big.bin were read: the diff below stops there" "$work/stdout"; then
			fail check-sparse-extra "the diff does not say it is cut: $(head -c 200 "$work/stdout" | tr '\n\0' '  ')"
		else
			ok check-sparse-extra
		fi
		rm "$out/$gwdir/big.bin"
		truncate -s 8G "$out/$gwdir/gateway-service.yaml"
		gs build --check -o "$out" "$minimal"
		if [ "$rc" -ne 1 ]; then
			fail check-sparse-wanted "exit status $rc, expected 1: $(oneline "$work/stderr")"
		elif [ "$(stat -c %s "$work/stdout")" -gt 200000 ]; then
			fail check-sparse-wanted "a diff of $(stat -c %s "$work/stdout") bytes"
		elif ! grep -qxF "Only the first 65536 of the 8589934592 bytes of $out/$gwdir/gateway-service.yaml were read: the diff below stops there" "$work/stdout"; then
			fail check-sparse-wanted "the diff does not say it is cut: $(head -c 200 "$work/stdout" | tr '\n\0' '  ')"
		else
			ok check-sparse-wanted
		fi
	fi
	rm -rf "$work"/fifo-* "$work/sparse"
fi

# ---- permissions as a non-root user ----------------------------------------
as_user=()
if [ "$(id -u)" -ne 0 ]; then
	skip permissions "not root, cannot switch to a non-root user"
elif ! nobody_uid=$(id -u nobody 2>/dev/null) || [ "$nobody_uid" -eq 0 ]; then
	skip permissions "no non-root user 'nobody'"
else
	if command -v runuser >/dev/null 2>&1; then
		as_user=(runuser -u nobody --)
	elif command -v setpriv >/dev/null 2>&1; then
		as_user=(setpriv --reuid="$nobody_uid" --regid="$(id -g nobody)" --clear-groups)
	fi
	permdir=$(mktemp -d /tmp/gwc-output-perm.XXXXXX) && chmod 0755 "$permdir"
	if [ ${#as_user[@]} -eq 0 ]; then
		skip permissions "neither runuser nor setpriv is available"
	elif [ -z "$permdir" ] || ! "${as_user[@]}" test -x "$GWC" 2>/dev/null; then
		skip permissions "user nobody cannot run $GWC or reach a temporary folder"
	else
		cp "$minimal" "$permdir/minimal.yaml"
		cp "$minimalB" "$permdir/minimalB.yaml"
		chmod 0644 "$permdir"/*.yaml

		# OUT's parent not writable: nothing is created.
		mkdir -m 0755 "$permdir/ro"
		"${as_user[@]}" "${limit[@]}" "$GWC" build -o "$permdir/ro/out" "$permdir/minimal.yaml" \
			>"$work/stdout" 2>"$work/stderr"
		rc=$?
		check_refusal perm-parent-not-writable \
			"gwc: error: cannot create '$permdir/ro/out': Permission denied" \
			"" "$(ls -A "$permdir/ro")"

		# OUT/<ns> read-only: exit 2, OUT unchanged.
		mkdir -m 0755 "$permdir/rw"
		chown nobody "$permdir/rw"
		"${as_user[@]}" "${limit[@]}" "$GWC" build -o "$permdir/rw/out" "$permdir/minimal.yaml" \
			>"$work/stdout" 2>"$work/stderr"
		rc=$?
		if [ "$rc" -ne 0 ]; then
			fail perm-namespace-read-only "build as nobody: exit $rc: $(oneline "$work/stderr")"
		else
			out=$permdir/rw/out
			chmod 0555 "$out/istio-ingress"
			before=$(snap_loose "$out")
			"${as_user[@]}" "${limit[@]}" "$GWC" build -o "$out" "$permdir/minimalB.yaml" \
				>"$work/stdout" 2>"$work/stderr"
			rc=$?
			after=$(snap_loose "$out")
			check_refusal perm-namespace-read-only \
				"gwc: error: cannot create a folder in '$out/istio-ingress': Permission denied" \
				"$before" "$after"
		fi
	fi
	chmod -R u+rwX "$permdir" 2>/dev/null
	rm -rf "$permdir"
	permdir=
fi

# ---- file size limit -------------------------------------------------------
# ha's gateway-deployment.yaml is over 1 KiB, so `ulimit -f 1` stops it.
out=$work/fsize
g build -o "$out" "${specsA[@]}"
if [ "$rc" -ne 0 ]; then
	fail file-size-limit "first build: exit $rc: $(oneline "$work/stderr")"
else
	before=$(snap_loose "$out")
	(ulimit -f 1 && exec "${limit[@]}" "$GWC" build -o "$out" "${specsH[@]}") \
		>"$work/stdout" 2>"$work/stderr"
	rc=$?
	after=$(snap_loose "$out")
	if [ "$rc" -ne 2 ]; then
		fail file-size-limit "exit status $rc, expected 2: $(oneline "$work/stderr")"
	elif ! grep -q 'File too large' "$work/stderr"; then
		fail file-size-limit "no 'File too large' error: $(oneline "$work/stderr")"
	elif [ "$before" != "$after" ]; then
		fail file-size-limit "the output folder changed: $(first_diff "$before" "$after")"
	elif [ -n "$(leftovers "$out")" ]; then
		fail file-size-limit "staging leftovers: $(leftovers "$out")"
	else
		ok file-size-limit
	fi
fi

# ---- disk full -------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	skip disk-full "not root, cannot mount a tmpfs"
else
	mkdir -p "$work/mnt"
	if ! mount -t tmpfs -o size=64k,mode=0755 gwc-test-tmpfs "$work/mnt" 2>/dev/null; then
		skip disk-full "cannot mount a 64k tmpfs"
	else
		mnt=$work/mnt
		out=$mnt/out
		g build -o "$out" "$minimal"
		if [ "$rc" -ne 0 ]; then
			fail disk-full "first build into the tmpfs: exit $rc: $(oneline "$work/stderr")"
		else
			before=$(snap_loose "$out")
			# Fill it, then free two pages: the staging starts and runs out.
			dd if=/dev/zero of="$mnt/filler" bs=4096 >/dev/null 2>&1
			truncate -s -8192 "$mnt/filler" 2>/dev/null
			g build -o "$out" "$minimalB"
			after=$(snap_loose "$out")
			if [ "$rc" -ne 2 ]; then
				fail disk-full "exit status $rc, expected 2: $(oneline "$work/stderr")"
			elif ! grep -q 'No space left on device' "$work/stderr"; then
				fail disk-full "no 'No space left on device' error: $(oneline "$work/stderr")"
			elif [ "$before" != "$after" ]; then
				fail disk-full "the old tree changed: $(first_diff "$before" "$after")"
			elif [ -n "$(leftovers "$mnt")" ]; then
				fail disk-full "staging leftovers: $(leftovers "$mnt")"
			else
				ok disk-full
			fi
		fi
		unmount "$mnt"
		mnt=
	fi
fi

# ---- no inode left, a file of many specs -----------------------------------
# A file of many specs goes to the writer as it renders (past what pass 1
# keeps); when the writer fails (here: no inode left) it says why, once,
# and nothing more (it was followed by "internal error: cannot emit the
# objects of FILE").
if [ "$(id -u)" -ne 0 ]; then
	skip inodes-exhausted "not root, cannot mount a tmpfs"
else
	mkdir -p "$work/imnt"
	if ! mount -t tmpfs -o size=256m,nr_inodes=9000,mode=0755 gwc-test-inodes "$work/imnt" 2>/dev/null; then
		skip inodes-exhausted "cannot mount a tmpfs of 9000 inodes"
	else
		# 1500 gateways of 8 files, inodes for about 800: the run
		# fails past the 4 MiB of output pass 1 keeps
		"$top/tests/bench/gen-specs.sh" "$work/inodes" 1500 legacy one
		g build -q -o "$work/imnt/out" "$work/inodes/gateways.yaml"
		if [ "$rc" -ne 2 ]; then
			fail inodes-exhausted "exit status $rc, expected 2: $(oneline "$work/stderr")"
		elif [ "$(wc -l <"$work/stderr")" -ne 1 ] ||
			! grep -q "^gwc: error: cannot .*: No space left on device\$" "$work/stderr"; then
			fail inodes-exhausted "expected one 'No space left on device' line: $(oneline "$work/stderr" 300)"
		elif [ -e "$work/imnt/out" ]; then
			fail inodes-exhausted "the OUT it made is left: $(find "$work/imnt/out" | head -n 3 | tr '\n' ' ')"
		else
			ok inodes-exhausted
		fi
		unmount "$work/imnt"
	fi
fi

# ---- read-only filesystem --------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	skip read-only-filesystem "not root, cannot mount a tmpfs"
else
	mkdir -p "$work/romnt"
	if ! mount -t tmpfs -o size=1m,mode=0755 gwc-test-ro "$work/romnt" 2>/dev/null; then
		skip read-only-filesystem "cannot mount a tmpfs"
	else
		mnt=$work/romnt
		out=$mnt/out
		g build -o "$out" "$minimal"
		if [ "$rc" -ne 0 ]; then
			fail read-only-filesystem "first build: exit $rc: $(oneline "$work/stderr")"
		elif ! mount -o remount,ro "$mnt" 2>/dev/null; then
			skip read-only-filesystem "cannot remount the tmpfs read-only"
		else
			before=$(snap_strict "$out")
			g build -o "$out" "$minimalB"
			after=$(snap_strict "$out")
			if [ "$rc" -ne 2 ]; then
				fail read-only-filesystem "exit status $rc, expected 2: $(oneline "$work/stderr")"
			elif ! grep -q 'Read-only file system' "$work/stderr"; then
				fail read-only-filesystem "no 'Read-only file system' error: $(oneline "$work/stderr")"
			elif [ "$before" != "$after" ]; then
				fail read-only-filesystem "the old tree changed: $(first_diff "$before" "$after")"
			else
				ok read-only-filesystem
			fi
		fi
		unmount "$mnt"
		mnt=
	fi
fi

# ---- diagnostics to a full stderr ------------------------------------------
printf 'apiVersion: v1\n' >"$work/bad-for-full.yaml"
"$GWC" validate "$work/bad-for-full.yaml" 2>/dev/full
rc=$?
if [ "$rc" -eq 2 ]; then
	ok stderr-full
else
	fail stderr-full "exit status $rc with diagnostics to /dev/full, expected 2"
fi

# ---- concurrency -----------------------------------------------------------
g build -o "$work/conc-refA" "${specsA[@]}"
rcA=$rc
g build -o "$work/conc-refB" "${specsB[@]}"
if [ "$rcA" -ne 0 ] || [ "$rc" -ne 0 ]; then
	fail concurrency "reference builds failed: $(oneline "$work/stderr")"
else
	digA=$(tree_digest "$work/conc-refA")
	digB=$(tree_digest "$work/conc-refB")
	out=$work/conc
	pids=()
	for i in $(seq 1 20); do
		if [ $((i % 2)) -eq 1 ]; then set -- "${specsA[@]}"; else set -- "${specsB[@]}"; fi
		"${limit[@]}" "$GWC" build -o "$out" "$@" >/dev/null 2>"$work/conc-$i.err" &
		pids+=($!)
	done
	bad=
	for i in "${!pids[@]}"; do
		wait "${pids[i]}"
		s=$?
		[ "$s" -ne 0 ] && bad+="run $((i + 1)) exit $s: $(oneline "$work/conc-$((i + 1)).err" 120); "
	done
	dig=$(tree_digest "$out")
	if [ "$digA" = "$digB" ]; then
		fail concurrency "variants A and B give the same tree"
	elif [ -n "$bad" ]; then
		fail concurrency "$bad"
	elif [ "$dig" != "$digA" ] && [ "$dig" != "$digB" ]; then
		fail concurrency "the final tree is neither A's nor B's: $(first_diff "$(tree_sig "$work/conc-refA")" "$(tree_sig "$out")")"
	elif [ -n "$(leftovers "$out")" ]; then
		fail concurrency "staging leftovers: $(leftovers "$out")"
	else
		ok concurrency
	fi
fi

# ---- out of memory ---------------------------------------------------------
# GWC_TEST_OOM_AFTER=N (a test hook) makes gwc's N-th allocation fail.
# OUT holds minimal's gateway; a build of examples/ adds istio/ and more.
# For every N among the last allocations of that build (where it stages)
# and some before, at -j 1 and 2, a run out of memory must leave OUT
# exactly as it was (or, past the swap, exactly the new tree), with no
# staging folder and no new istio/; from a missing OUT (-o a/OUT, a
# missing too), neither a nor OUT.
oom_sig() { tree_sig "$1"; (cd "$1" && find . -type f -printf '%p %T@\n' | sort); }
oom_run() {	# oom_run N JOBS OUT
	GWC_TEST_OOM_AFTER=$1 "${limit[@]}" "$GWC" build -j "$2" -o "$3" "${examples[@]}" \
		>/dev/null 2>"$work/oom.err"
}
rm -rf "$work/oom-new"
g build -o "$work/oom-new" "${examples[@]}"
new_sig=$(tree_sig "$work/oom-new")
base_sig=$(oom_sig "$work/ref-base")
lo=1 hi=2000000
while [ "$lo" -lt "$hi" ]; do	# the first N that does not fail
	mid=$(((lo + hi) / 2))
	rm -rf "$work/oom"
	cp -a "$work/ref-base" "$work/oom"
	if oom_run "$mid" 1 "$work/oom"; then hi=$mid; else lo=$((mid + 1)); fi
done
total=$lo
if [ "$total" -le 1 ]; then
	fail out-of-memory "gwc never ran out of memory (GWC_TEST_OOM_AFTER ignored)"
else
	bad= old=0 newer=0 runs=0
	ns=$(seq $((total > 120 ? total - 120 : 1)) $((total - 1)); seq 1 $((total / 7 + 1)) $((total - 1)))
	for n in $ns; do
		for j in 1 2; do
			runs=$((runs + 1))
			rm -rf "$work/oom"
			cp -a "$work/ref-base" "$work/oom"
			oom_run "$n" "$j" "$work/oom"
			s=$?
			if [ "$s" -eq 0 ] && [ "$j" = 2 ] && [ "$(tree_sig "$work/oom")" = "$new_sig" ]; then
				newer=$((newer + 1))	# -j 2 allocates less
			elif [ "$s" -ne 2 ] || [ "$(cat "$work/oom.err")" != "gwc: error: out of memory" ]; then
				bad+="N=$n -j $j: exit $s: $(oneline "$work/oom.err" 80); "
			elif [ -n "$(leftovers "$work/oom")" ]; then
				bad+="N=$n -j $j: staging left: $(leftovers "$work/oom"); "
			elif [ "$(oom_sig "$work/oom")" = "$base_sig" ]; then
				old=$((old + 1))
			elif [ "$(tree_sig "$work/oom")" = "$new_sig" ]; then
				newer=$((newer + 1))
			else
				bad+="N=$n -j $j: OUT is neither old nor new: $(first_diff "$base_sig" "$(oom_sig "$work/oom")"); "
			fi
			[ ${#bad} -gt 600 ] && break 2
			# from no OUT, nor the folder -o names it in: neither
			# after (-o a/b made a too)
			if [ "$j" = 1 ] && [ "$n" -ge $((total - 120)) ]; then
				rm -rf "$work/oomp"
				oom_run "$n" 1 "$work/oomp/oom"
				if [ -e "$work/oomp" ] && [ "$(tree_sig "$work/oomp/oom")" != "$new_sig" ]; then
					bad+="N=$n from no OUT: left $(find "$work/oomp" | head -n 3 | tr '\n' ' '); "
				fi
			fi
		done
	done
	if [ -n "$bad" ]; then
		fail out-of-memory "$bad"
	else
		ok "out-of-memory ($runs runs of $total allocations: $old left OUT unchanged, $newer the new tree)"
	fi
fi
rm -rf "$work/oom" "$work/oom-new" "$work/oomp"

# ---- a run that made OUT fails while another waits --------------------------
# Run A makes OUT, stages 400 gateways and fails on the last file (a file
# size limit); run B starts once OUT exists and waits for A's lock.  A
# removes the OUT it made; B must then make OUT again, not write into the
# removed folder ("No such file or directory"), and exit 0.
for i in $(seq 1 400); do
	printf -- '---\napiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: gw-%d, namespace: race-%d}\n' "$i" "$i"
done >"$work/race.yaml"
bad= report=
for k in 1 2 3; do
	out=$work/race-out
	rm -rf "$out"
	(ulimit -f 1 && exec "${limit[@]}" "$GWC" build -o "$out" "$work/race.yaml" "${specsA[@]}") \
		>/dev/null 2>"$work/raceA.err" &
	pa=$!
	deadline=$((SECONDS + 20))
	while [ ! -d "$out" ] && kill -0 "$pa" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
		sleep 0.005
	done
	"${limit[@]}" "$GWC" build -o "$out" "$minimal" >/dev/null 2>"$work/raceB.err" &
	pb=$!
	wait "$pa"
	sa=$?
	wait "$pb"
	sb=$?
	report+="A:$sa/B:$sb "
	if [ "$sa" -ne 2 ]; then
		bad+="run $k: A exit $sa, expected 2: $(oneline "$work/raceA.err" 120); "
	elif [ "$sb" -ne 0 ]; then
		bad+="run $k: B exit $sb: $(oneline "$work/raceB.err" 120); "
	elif [ "$(tree_sig "$out")" != "$(tree_sig "$work/ref-base")" ]; then
		bad+="run $k: OUT is not B's tree; "
	fi
done
if [ -n "$bad" ]; then
	fail out-removed-while-waiting "$bad[$report]"
else
	ok "out-removed-while-waiting (${report% })"
fi
rm -rf "$work/race-out" "$work/race.yaml"

# ---- signals ---------------------------------------------------------------
# 1000 gateways, one namespace each; variant B has 2 replicas.  Each trial
# starts a run towards the other variant and signals it after a delay; the
# tree must then be exactly the old or exactly the new one.  On a tmpfs
# when one can be mounted: syncfs() of a busy disk makes runs slow and
# their timing erratic; otherwise on $TMPDIR with fewer gateways.
now() { date +%s.%N; }
sigdir=$work
ngw=400
if [ "$(id -u)" -eq 0 ] && mkdir -p "$work/sigmnt" &&
	mount -t tmpfs -o size=256m,mode=0755 gwc-test-tmpfs "$work/sigmnt" 2>/dev/null; then
	sigmnt=$work/sigmnt sigdir=$work/sigmnt ngw=1000
fi
for i in $(seq 1 $ngw); do
	printf -- '---\napiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: gw-%d, namespace: sig-%d}\n' "$i" "$i"
done >"$work/bigA.yaml"
sed 's/^kind: GatewaySpec$/kind: GatewaySpec\nspec: {deployment: {replicas: 2}}/' \
	"$work/bigA.yaml" >"$work/bigB.yaml"
# A background job of a non-interactive shell ignores SIGINT; env resets it.
launcher=()
if env --default-signal=INT true 2>/dev/null; then
	launcher=(env --default-signal=INT)
fi
out=$sigdir/sig
g build -o "$out" "$work/bigA.yaml"
if [ "$rc" -ne 0 ]; then
	fail signals "build of $ngw gateways: exit $rc: $(oneline "$work/stderr")"
else
	sdig[0]=$(tree_digest "$out")
	t0=$(now)
	g build -o "$out" "$work/bigB.yaml"
	t1=$(now)
	sdig[1]=$(tree_digest "$out")
	if [ "$rc" -ne 0 ]; then
		fail signals "rebuild of $ngw gateways: exit $rc: $(oneline "$work/stderr")"
	elif [ "${sdig[0]}" = "${sdig[1]}" ]; then
		fail signals "variants A and B give the same tree"
	else
		span=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
		state=1 report= bad=
		# A delay as a fraction of a full run, or "publish": as soon as
		# the first folder (sig-1/gw-1) has been swapped in.
		sigs=(INT TERM HUP INT TERM)
		whens=(0.1 0.4 0.7 publish publish)
		if [ ${#launcher[@]} -eq 0 ]; then sigs=(TERM TERM HUP TERM HUP); fi
		for k in "${!whens[@]}"; do
			sig=${sigs[k]}
			target=$((1 - state))
			spec=$work/bigA.yaml
			[ "$target" -eq 1 ] && spec=$work/bigB.yaml
			ino=$(stat -c %i "$out/sig-1/gw-1")
			"${launcher[@]}" "$GWC" build -o "$out" "$spec" >/dev/null 2>"$work/sig.err" &
			pid=$!
			# A watchdog, should gwc hang after the signal.
			(trap 'kill "$nap" 2>/dev/null; exit 0' TERM
				sleep 30 & nap=$!
				wait "$nap" && kill -KILL "$pid") >/dev/null 2>&1 &
			dog=$!
			if [ "${whens[k]}" = publish ]; then
				when=publish
				deadline=$((SECONDS + 20))
				while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ] &&
					[ "$(stat -c %i "$out/sig-1/gw-1" 2>/dev/null)" = "$ino" ]; do
					sleep 0.005
				done
			else
				when=$(awk -v s="$span" -v f="${whens[k]}" 'BEGIN { printf "%.2fs", s * f }')
				sleep "${when%s}"
			fi
			kill -s "$sig" "$pid" 2>/dev/null
			wait "$pid"
			s=$?
			kill "$dog" 2>/dev/null
			wait "$dog" 2>/dev/null
			dig=$(tree_digest "$out")
			signum=$(kill -l "$sig")
			if [ "$dig" = "${sdig[target]}" ]; then
				result=new
				state=$target
			elif [ "$dig" = "${sdig[1 - target]}" ]; then
				result=old
			else
				result=mixed
			fi
			report+="$sig@$when:$result/$s "
			lo=$(leftovers "$out")
			if [ "$result" = mixed ]; then
				bad+="after $sig at $when the tree is neither old nor new (exit $s); "
			elif [ -n "$lo" ]; then
				bad+="after $sig at $when staging leftovers: $lo; "
			elif [ "$s" -ne 0 ] && [ "$s" -ne $((128 + signum)) ]; then
				bad+="after $sig at $when exit $s: $(oneline "$work/sig.err" 120); "
			elif [ "$s" -eq 0 ] && [ "$result" != new ]; then
				bad+="after $sig at $when exit 0 but the old tree; "
			elif [ "$when" = publish ] && [ "$result" != new ]; then
				bad+="after $sig during the swap the tree is the old one; "
			fi
		done
		if [ -n "$bad" ]; then
			fail signals "$bad[$report]"
		else
			ok "signals ($ngw gateways, full run ${span%????}s: ${report% })"
		fi
	fi
fi
rm -rf "$sigdir/sig" "$work/bigA.yaml" "$work/bigB.yaml"
unmount "$sigmnt"
sigmnt=

# ---- stale staging folders -------------------------------------------------
out=$work/stale
g build -o "$out" "$minimal"
if [ "$rc" -ne 0 ]; then
	fail stale-staging "first build: exit $rc: $(oneline "$work/stderr")"
else
	mkdir -p "$out/istio-ingress/.ingress-gateway.gwc-123-0/sub"
	printf 'half\n' >"$out/istio-ingress/.ingress-gateway.gwc-123-0/gateway-service.yaml"
	printf 'half\n' >"$out/istio-ingress/.ingress-gateway.gwc-123-0/sub/x"
	mkdir -p "$out/istio-ingress/.other-gateway.gwc-4567-3"
	# as a run that died staging leaves it (see write.c STAGING_MARK)
	: >"$out/.gwc-staging"
	g build -o "$out" "$minimal"
	if [ "$rc" -ne 0 ]; then
		fail stale-staging "exit status $rc: $(oneline "$work/stderr")"
	elif [ -n "$(leftovers "$out")" ] || [ -e "$out/.gwc-staging" ]; then
		fail stale-staging "stale staging folders remain: $(leftovers "$out") $(ls -a "$out" | grep staging)"
	elif [ "$(tree_sig "$out")" != "$(tree_sig "$work/ref-base")" ]; then
		fail stale-staging "the tree differs from a fresh build"
	else
		ok stale-staging
	fi
fi

# ---- stale staging folders, without trusting PIDs ---------------------------
# In a PID namespace (every container) gwc has the same PID every run: a
# staging folder named with that PID, left by a run killed with SIGKILL,
# is still stale.  Needs root and unshare(1).
out=$work/stale-ns
cp -a "$work/ref-base" "$out"
if [ "$(id -u)" -ne 0 ] || ! unshare -p -f --mount-proc true 2>/dev/null; then
	skip stale-staging-pid-namespace "needs root and unshare -p"
elif [ "$(unshare -p -f --mount-proc sh -c 'echo $$')" != 1 ]; then
	skip stale-staging-pid-namespace "the namespace's first process is not PID 1"
else
	mkdir "$out/istio-ingress/.ingress-gateway.gwc-1-0"
	printf 'half\n' >"$out/istio-ingress/.ingress-gateway.gwc-1-0/gateway-service.yaml"
	: >"$out/.gwc-staging"
	"${limit[@]}" unshare -p -f --mount-proc "$GWC" build -o "$out" "$minimal" \
		>"$work/stdout" 2>"$work/stderr"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail stale-staging-pid-namespace "exit status $rc: $(oneline "$work/stderr")"
	elif [ -n "$(leftovers "$out")" ]; then
		fail stale-staging-pid-namespace "the staging folder of a dead PID 1 remains: $(leftovers "$out")"
	else
		ok stale-staging-pid-namespace
	fi
fi
rm -rf "$out"

# A run killed (SIGKILL) while it stages leaves staging folders: --check
# fails while they are there (exit 1, naming one), the next build removes
# them (in every folder of OUT, even those it does not write), and
# --check then passes.
out=$work/stale-kill
for i in $(seq 1 400); do
	printf -- '---\napiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: gw-%d, namespace: kill-%d}\n' "$i" "$i"
done >"$work/kill.yaml"
g build -o "$out" "$minimal"
"$GWC" build -o "$out" "$work/kill.yaml" "$minimal" >/dev/null 2>&1 &
pk=$!
deadline=$((SECONDS + 20))
while [ -z "$(leftovers "$out")" ] && kill -0 "$pk" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
	sleep 0.002
done
kill -KILL "$pk" 2>/dev/null
wait "$pk" 2>/dev/null
left=$(leftovers "$out")
if [ -z "$left" ]; then
	skip check-stale-staging "the run ended before it could be killed while staging"
else
	g build --check -o "$out" "$minimal"
	first=$(find "$out" -name '.*.gwc-*' | sort | head -n 1)
	if [ "$rc" -ne 1 ]; then
		fail check-stale-staging "--check with $left: exit $rc, expected 1"
	elif ! grep -qxF "gwc: error: '$first' is the staging folder of a gwc run that did not finish; \`gwc build\` removes it" "$work/stderr"; then
		fail check-stale-staging "--check does not name '$first': $(oneline "$work/stderr")"
	else
		g build -o "$out" "$minimal"
		rc1=$rc
		g build --check -o "$out" "$minimal"
		if [ "$rc1" -ne 0 ] || [ -n "$(leftovers "$out")" ]; then
			fail check-stale-staging "the next build: exit $rc1, left $(leftovers "$out")"
		elif [ "$rc" -ne 0 ]; then
			fail check-stale-staging "--check after the build: exit $rc: $(oneline "$work/stderr")"
		else
			ok check-stale-staging
		fi
	fi
fi
rm -rf "$out" "$work/kill.yaml"

# ---- --prune ---------------------------------------------------------------
out=$work/prune
printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: extra-gateway, namespace: extra-ns}\n' >"$work/extra.yaml"
g build -o "$out" "${examples[@]}" "$work/extra.yaml"
if [ "$rc" -ne 0 ]; then
	fail prune "first build: exit $rc: $(oneline "$work/stderr")"
else
	mkdir -p "$out/user-ns/mine" "$out/istio-ingress/mine" "$out/istio-ingress/empty-mine"
	printf 'mine\n' >"$out/user-ns/mine/notes.txt"
	printf 'mine\n' >"$out/istio-ingress/mine/notes.txt"
	before=$(snap_strict "$out")
	g build -o "$out" "${examples[@]}"
	after=$(snap_strict "$out")
	if [ "$rc" -ne 0 ]; then
		fail prune-not-asked "exit status $rc: $(oneline "$work/stderr")"
	elif [ "$before" != "$after" ]; then
		fail prune-not-asked "the tree changed without --prune: $(first_diff "$before" "$after")"
	else
		ok prune-not-asked
	fi
	keep_before=$(cd "$out" && find user-ns istio-ingress/mine istio-ingress/empty-mine -printf '%p %i %T@\n' | sort)
	g build --prune -o "$out" "${examples[@]}"
	keep_after=$(cd "$out" && find user-ns istio-ingress/mine istio-ingress/empty-mine -printf '%p %i %T@\n' 2>/dev/null | sort)
	# (whether the emptied extra-ns/ itself stays is not checked)
	gwc_part=$(tree_sig "$out" | grep -v -e mine -e '^user-ns ' -e '^extra-ns d ')
	if [ "$rc" -ne 0 ]; then
		fail prune "exit status $rc: $(oneline "$work/stderr")"
	elif [ -e "$out/extra-ns/extra-gateway" ]; then
		fail prune "extra-ns/extra-gateway (made by gwc, no spec) was kept"
	elif [ "$keep_before" != "$keep_after" ]; then
		fail prune "a folder without a marker changed: $(first_diff "$keep_before" "$keep_after")"
	elif [ "$gwc_part" != "$(tree_sig "$work/det-base")" ]; then
		fail prune "the gwc-made folders differ from a fresh build: $(first_diff "$(tree_sig "$work/det-base")" "$gwc_part")"
	else
		ok prune
	fi
fi

# ---- standard output -------------------------------------------------------
if [ ! -w /dev/full ]; then
	skip stdout-full "no writable /dev/full"
else
	for cmd in schema --help; do
		"$GWC" "$cmd" >/dev/full 2>"$work/stderr"
		rc=$?
		if [ "$rc" -ne 2 ]; then
			fail "stdout-full-$cmd" "exit status $rc, expected 2"
		elif ! grep -q '^gwc: error: .*standard output' "$work/stderr"; then
			fail "stdout-full-$cmd" "no error message: $(oneline "$work/stderr")"
		else
			ok "stdout-full-$cmd"
		fi
	done
fi
"$GWC" schema >"$work/schema.json" 2>"$work/stderr"
rc=$?
if [ "$rc" -ne 0 ]; then
	fail schema "exit status $rc: $(oneline "$work/stderr")"
elif ! command -v jq >/dev/null 2>&1; then
	skip schema "jq is not installed"
elif ! jq -e . "$work/schema.json" >/dev/null 2>&1; then
	fail schema "gwc schema is not valid JSON"
elif ! cmp -s "$work/schema.json" "$top/schema/gatewayspec.schema.json"; then
	fail schema "gwc schema differs from schema/gatewayspec.schema.json"
else
	ok schema
fi

# ---- --fsync: nothing flushed by default; with it, exactly what was written
# strace (-y: the path of each descriptor) sees every flush gwc asks for.
if ! command -v strace >/dev/null 2>&1 || ! strace -o /dev/null true 2>/dev/null; then
	skip fsync "strace is not installed or cannot trace here"
else
	flushes='fsync,fdatasync,syncfs,sync,sync_file_range,msync'
	strace -f -y -qq -e trace=$flushes -o "$work/trace" \
		"$GWC" build -o "$work/fs-default" "$top"/examples/*.yaml 2>/dev/null
	if [ -s "$work/trace" ]; then
		fail fsync/none-by-default "$(head -c 300 "$work/trace")"
	else
		ok fsync/none-by-default
	fi
	strace -f -y -qq -e trace=fsync,fdatasync,syncfs,sync -o "$work/trace" \
		"$GWC" build --fsync -o "$work/fs/out" "$top"/examples/*.yaml 2>/dev/null
	# what was flushed, staging names as the folders they became
	got=$(sed -n 's/.*fsync([0-9]*<\(.*\)>).*/\1/p' "$work/trace" |
		sed 's|/\.\([^/]*\)\.gwc-[0-9a-f]*-[0-9]*|/\1|' | sort)
	# every file and folder of OUT, OUT, and the folders -o made it in;
	# not OUT's cache (never flushed: a lost cache costs time only)
	want=$( (find "$work/fs/out" -mindepth 1 -path "$work/fs/out/.gwc-cache" -prune -o -print
		echo "$work/fs/out"; echo "$work/fs"; echo "$work") | sort)
	others=$(grep -v 'fsync(' "$work/trace" | head -c 300)
	if [ -n "$others" ]; then
		fail fsync/exactly-what-it-wrote "other flushes: $others"
	elif [ "$got" != "$want" ]; then
		fail fsync/exactly-what-it-wrote "$(diff <(echo "$want") <(echo "$got") | head -c 400)"
	else
		ok fsync/exactly-what-it-wrote
	fi
	strace -f -y -qq -e trace=$flushes -o "$work/trace" \
		"$GWC" build --fsync -o "$work/fs/out" "$top"/examples/*.yaml 2>/dev/null
	if [ -s "$work/trace" ]; then
		fail fsync/nothing-when-unchanged "$(head -c 300 "$work/trace")"
	else
		ok fsync/nothing-when-unchanged
	fi
fi

# ---- a spec that changes while gwc reads it -------------------------------
# gwc holds at most 4 MiB of spec bytes after pass 1 and reads the rest
# again when a later stage needs them (here the injection stage: five
# 4 MB specs with injectionPreview); each reading's SHA-256 must match the
# first.  strace holds the second open of the last spec (delay_enter) while
# the test appends to the file: the run must say so, exit 2, and leave OUT
# as it was.
if ! command -v strace >/dev/null 2>&1 ||
   ! strace -e trace=openat -e inject=openat:delay_enter=1:when=1 -o /dev/null true 2>/dev/null; then
	skip changed-while-reading "strace cannot inject delays here"
else
	d=$work/changed
	mkdir -p "$d"
	/usr/bin/python3 - "$d" <<'PY'
import sys
pad = "".join("# %s\n" % ("x" * 76) for _ in range(int(3.9 * 2**20) // 79))
for i in range(5):
    with open("%s/gw%d.yaml" % (sys.argv[1], i), "w") as f:
        f.write("apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\n"
                "metadata: {name: gw%d, namespace: team-%d}\nspec:\n%s"
                "  injectionPreview: {}\n" % (i, i, pad))
PY
	(cd "$d" && "$GWC" build -q -o out gw0.yaml) 2>/dev/null
	before=$(snap_loose "$d/out")
	# (LeakSanitizer cannot run under ptrace: off for a debug build)
	(cd "$d" && ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -P gw4.yaml -e trace=openat \
		-e inject=openat:delay_enter=3000000:when=2 -o "$d/trace" \
		"$GWC" build -q -o out gw0.yaml gw1.yaml gw2.yaml gw3.yaml gw4.yaml \
		>"$d/stdout" 2>"$d/stderr"; echo $? >"$d/status") &
	run=$!
	# the first reading is over once its open returned (strace writes the
	# line then) and the file was read; the second open now waits 3 s
	for _ in $(seq 100); do
		[ -s "$d/trace" ] && break
		sleep 0.05
	done
	sleep 0.3
	echo "# edited" >>"$d/gw4.yaml"
	wait "$run"
	got="$(cat "$d/status") $(grep -v "^strace: " "$d/stderr")"
	if [ "$got" != "2 gw4.yaml: error: changed while gwc was reading it; run the build again" ]; then
		fail changed-while-reading "got '$got'"
	elif [ "$before" != "$(snap_loose "$d/out")" ] || [ -n "$(leftovers "$d")" ]; then
		fail changed-while-reading "OUT changed"
	else
		ok changed-while-reading
	fi
fi

exit 0
