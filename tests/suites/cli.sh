#!/usr/bin/env bash
# tests/suites/cli.sh - the command line: help, --quiet,
# --warnings-as-errors, a spec on standard input, validate's summary.
#
#   cli/help/...         gwc help, gwc help COMMAND, gwc COMMAND --help and
#                        -h print the same text on stdout, exit 0; an
#                        unknown COMMAND is a usage error (exit 2)
#   cli/quiet            -q drops the warnings and notes, keeps the errors
#   cli/werror/...       -W: a warning fails the run (exit 1) with one error
#                        after the warnings, and nothing is written
#   cli/stdin/...        SPEC "-" is standard input, named <stdin>
#   cli/validate-summary validate prints "gwc: N spec files valid" on success
set -u
work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-cli.XXXXXX") || exit 0
trap 'rm -rf "$work"' EXIT
ok() { echo "ok cli/$1"; }
fail() { echo "FAIL cli/$1: $2"; }
# run NAME WANT_STATUS CMD...: stdout to $work/out, stderr to $work/err
run() {
	local name=$1 want=$2 status
	shift 2
	"$@" >"$work/out" 2>"$work/err"
	status=$?
	[ "$status" = "$want" ] && return 0
	fail "$name" "exit $status, want $want: $(head -c 300 "$work/err")"
	return 1
}
cd "$top" || exit 0

# ---- help ----------------------------------------------------------------
run help/full 0 "$GWC" help && cp "$work/out" "$work/full" &&
	{ [ "$(head -n 1 "$work/full")" = "usage: gwc build [-o OUT] [--prune] [--check | --dry-run] [-j N] [-q] [-W]" ] &&
		ok help/full || fail help/full "$(head -n 1 "$work/full")"; }
run help/--help 0 "$GWC" --help && { cmp -s "$work/out" "$work/full" && ok help/--help ||
	fail help/--help "gwc --help differs from gwc help"; }
for cmd in build validate graph schema inject help; do
	run "help/$cmd" 0 "$GWC" help "$cmd" || continue
	cp "$work/out" "$work/one"
	if [ "$(head -n 1 "$work/one" | cut -d' ' -f2-3)" != "gwc $cmd" ]; then
		fail "help/$cmd" "first line: $(head -n 1 "$work/one")"
		continue
	fi
	same=1
	for form in --help -h; do
		"$GWC" "$cmd" "$form" >"$work/out" 2>&1 && cmp -s "$work/out" "$work/one" || same=0
	done
	[ $same = 1 ] && ok "help/$cmd (gwc help $cmd = gwc $cmd --help = -h)" ||
		fail "help/$cmd" "gwc $cmd --help or -h differs from gwc help $cmd"
done
run help/unknown 2 "$GWC" help frobnicate &&
	{ [ "$(cat "$work/err")" = "gwc: error: no command 'frobnicate'; gwc help lists them
Try 'gwc --help'." ] && ok help/unknown || fail help/unknown "$(cat "$work/err")"; }

# ---- quiet and warnings as errors ----------------------------------------
spec=tests/golden/ha-hpa-pdb/spec.yaml	# one warning
warning="$spec:8:16: warning: spec.autoscaling: the CPU target is 80% of the request 100m, so scaling starts at 80m, 4% of the limit 2000m"
run quiet 0 "$GWC" build -q -o "$work/q" "$spec" &&
	{ [ ! -s "$work/err" ] && [ -d "$work/q/ha-ingress" ] && ok quiet ||
		fail quiet "stderr: $(cat "$work/err")"; }
run quiet/errors-stay 1 "$GWC" validate -q tests/bad/port-zero/spec.yaml &&
	{ [ "$(cat "$work/err")" = "$(sed "s|^spec.yaml|tests/bad/port-zero/spec.yaml|" tests/bad/port-zero/stderr)" ] &&
		ok quiet/errors-stay || fail quiet/errors-stay "$(cat "$work/err")"; }
run werror/build 1 "$GWC" build -W -o "$work/w" "$spec" &&
	{ [ "$(cat "$work/err")" = "$warning
gwc: error: 1 warning, and --warnings-as-errors: nothing written" ] && [ ! -e "$work/w" ] &&
		ok werror/build-writes-nothing || fail werror/build-writes-nothing "$(cat "$work/err"); $(ls "$work")"; }
run werror/validate 1 "$GWC" validate --warnings-as-errors "$spec" && ok werror/validate
run werror/clean-spec 0 "$GWC" validate -W examples/ingress.yaml && ok werror/clean-spec

# ---- standard input ------------------------------------------------------
run stdin/stream 0 sh -c '"$1" build -o - - <"$2"' sh "$GWC" examples/minimal.yaml &&
	{ "$GWC" build -o - examples/minimal.yaml >"$work/file-stream" 2>/dev/null
	  cmp -s "$work/out" "$work/file-stream" && ok stdin/stream ||
		fail stdin/stream "the stream of - differs from the stream of the file"; }
printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: x}\n' >"$work/bad.yaml"
run stdin/name 1 sh -c '"$1" validate - <"$2"' sh "$GWC" "$work/bad.yaml" &&
	{ [ "$(cat "$work/err")" = "<stdin>:3:11: error: metadata: missing required key 'namespace'" ] &&
		ok stdin/name || fail stdin/name "$(cat "$work/err")"; }
run stdin/twice 2 sh -c '"$1" validate - - </dev/null' sh "$GWC" && ok stdin/twice

# ---- validate's summary ----------------------------------------------------
run validate-summary 0 "$GWC" validate examples/ingress.yaml examples/ha.yaml &&
	{ [ "$(cat "$work/out")" = "gwc: 2 spec files valid" ] && ok validate-summary ||
		fail validate-summary "stdout: $(cat "$work/out")"; }

# ---- the same file twice ---------------------------------------------------
run same-file-twice 0 "$GWC" validate examples/minimal.yaml ./examples/minimal.yaml &&
	{ [ "$(cat "$work/err")" = "./examples/minimal.yaml: note: given again (as 'examples/minimal.yaml' before); read once" ] &&
		ok same-file-twice || fail same-file-twice "$(cat "$work/err")"; }

# ---- one warning per cause ---------------------------------------------------
for i in 1 2 3; do
	sed "s/name: ingress, namespace: ha-ingress/name: gw$i, namespace: ha$i/" \
		tests/golden/ha-hpa-pdb/spec.yaml >"$work/ha$i.yaml"
done
run warning-once 0 "$GWC" validate "$work/ha1.yaml" "$work/ha2.yaml" "$work/ha3.yaml" &&
	{ [ "$(cat "$work/err")" = "$work/ha1.yaml:8:16: warning: spec.autoscaling: the CPU target is 80% of the request 100m, so scaling starts at 80m, 4% of the limit 2000m [and 2 more like it]" ] &&
		ok warning-once || fail warning-once "$(cat "$work/err")"; }

# ---- -o creates missing parents; --prune says what it removes ----------------
run out-parents 0 "$GWC" build -o "$work/p/q/out" examples/minimal.yaml &&
	{ [ -f "$work/p/q/out/istio-ingress/ingress-gateway/.gwc-output" ] && ok out-parents ||
		fail out-parents "$(ls -R "$work/p" | head -5)"; }
run prune-says 0 "$GWC" build -o "$work/pr" examples/minimal.yaml examples/ha.yaml &&
	run prune-says 0 "$GWC" build --prune -o "$work/pr" examples/minimal.yaml &&
	{ [ "$(cat "$work/err")" = "gwc: note: --prune: removed $work/pr/ha-ingress/ha-gateway, which gwc made and no spec of this run writes" ] &&
		ok prune-says || fail prune-says "$(cat "$work/err")"; }

# ---- --dry-run -------------------------------------------------------------
run dry-run/new 0 "$GWC" build --dry-run -o "$work/dr" examples/minimal.yaml examples/ha.yaml &&
	{ [ "$(cat "$work/out")" = "create  $work/dr/ha-ingress/ha-gateway (8 files)
create  $work/dr/istio-ingress/ingress-gateway (6 files)" ] && [ ! -e "$work/dr" ] &&
		ok dry-run/new-writes-nothing || fail dry-run/new-writes-nothing "$(cat "$work/out")"; }
"$GWC" build -o "$work/dr" examples/minimal.yaml examples/ha.yaml 2>/dev/null
rm "$work/dr/ha-ingress/ha-gateway/gateway-pdb.yaml"
echo x >"$work/dr/ha-ingress/ha-gateway/extra.yaml"
run dry-run/prune 0 "$GWC" build --dry-run --prune -o "$work/dr" examples/minimal.yaml examples/ha.yaml &&
	{ [ "$(cat "$work/out")" = "replace $work/dr/ha-ingress/ha-gateway (0 changed, 1 added, 1 removed)
keep    $work/dr/istio-ingress/ingress-gateway" ] && ok dry-run/replace-keep ||
		fail dry-run/replace-keep "$(cat "$work/out")"; }
run dry-run/remove 0 "$GWC" build --dry-run --prune -o "$work/dr" examples/minimal.yaml &&
	{ [ "$(cat "$work/out")" = "keep    $work/dr/istio-ingress/ingress-gateway
remove  $work/dr/ha-ingress/ha-gateway (--prune)" ] && ok dry-run/remove ||
		fail dry-run/remove "$(cat "$work/out")"; }
