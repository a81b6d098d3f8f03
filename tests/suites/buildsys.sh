#!/usr/bin/env bash
# tests/suites/buildsys.sh - gwc inside builds: --stamp and --depfile.
#   - usage errors of the two options, exact text and status;
#   - the stamp verifies OUT with sha256sum -c, and a failed build leaves it
#     (and the depfile) alone;
#   - examples/make/ run with GNU make: the first make builds, the second
#     does nothing, touching a spec rebuilds (and leaves unchanged OUT
#     folders' mtimes alone), touching an unrelated file does not, editing
#     the custom injection template rebuilds, removing a spec is no error;
#     spec and template names with a space, '$' and '#';
#   - examples/bazel/ run with Debian's bazel-bootstrap (--batch, its own
#     output root), when installed.
# Prints only "ok", "FAIL" and "skip" lines; always exits 0.
set -u
export LC_ALL=C TZ=UTC
ok() { echo "ok buildsys/$1"; }
fail() { echo "FAIL buildsys/$1: $(printf '%s' "$2" | tr '\n' '|' | cut -c1-500)"; }
skip() { echo "skip buildsys/$1: $2"; }
expect() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', want '$3'"; fi; }

work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-buildsys.XXXXXX") || { fail setup mktemp; exit 0; }
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "${top:?}" || exit 0

# ---- usage ------------------------------------------------------------------
run() { "$GWC" "$@" >"$work/stdout" 2>"$work/stderr"; echo "$? $(cat "$work/stdout" "$work/stderr")"; }
expect usage/depfile-needs-stamp "$(run build -o "$work/u" --depfile "$work/d" examples/minimal.yaml)" \
	"2 gwc: error: --depfile needs --stamp (the stamp is the depfile's target)
Try 'gwc --help'."
expect usage/stamp-with-stream "$(run build -o - --stamp "$work/s" examples/minimal.yaml)" \
	"2 gwc: error: --stamp and --depfile need a build that writes an output folder
Try 'gwc --help'."
expect usage/stamp-with-check "$(run build --check -o out --stamp "$work/s" examples/minimal.yaml)" \
	"2 gwc: error: --stamp and --depfile need a build that writes an output folder
Try 'gwc --help'."
expect usage/fsync-with-check "$(run build --check --fsync -o out examples/minimal.yaml)" \
	"2 gwc: error: --fsync needs a build that writes an output folder
Try 'gwc --help'."
expect usage/fsync-with-stream "$(run build -o - --fsync examples/minimal.yaml)" \
	"2 gwc: error: --fsync needs a build that writes an output folder
Try 'gwc --help'."
expect usage/validate-no-stamp "$(run validate --stamp "$work/s" examples/minimal.yaml)" \
	"2 gwc: error: validate writes no output
Try 'gwc --help'."
expect usage/empty-stamp-name "$(run build --stamp '' examples/minimal.yaml)" \
	"2 gwc: error: the --stamp file name is empty
Try 'gwc --help'."
[ ! -e "$work/u" ] && [ ! -e "$work/s" ] && [ ! -e "$work/d" ] && ok usage/writes-nothing ||
	fail usage/writes-nothing "$(ls "$work")"

# ---- the stamp ----------------------------------------------------------------
if "$GWC" build -o "$work/o" --stamp "$work/st" --depfile "$work/st.d" examples/*.yaml 2>/dev/null; then
	got=$(cd "$work/o" && sha256sum -c --quiet "$work/st" 2>&1 && wc -l <"$work/st")
	expect stamp/verifies-out "$got" "$(cd "$work/o" && find . -type f ! -name .gwc-output | wc -l)"
	expect stamp/sorted-relative "$(cut -c67- "$work/st" | tr '\n' ' ')" \
		"$(cd "$work/o" && find . -type f ! -name .gwc-output -printf '%P\n' | sort | tr '\n' ' ')"
	# the specs, then the files they read (revisioned.yaml's Istio)
	deps=(examples/*.yaml examples/mesh/istio.yaml examples/mesh/istio-canary.yaml)
	expect stamp/depfile "$(cat "$work/st.d")" "$work/st: \\
 $(printf '%s\n' "${deps[@]}" | sed '$!s/$/ \\/; 1!s/^/ /')
$(for f in "${deps[@]}"; do printf '\n%s:\n' "$f"; done)"
	# a failed run changes neither file
	before=$(stat -c '%Y.%y' "$work/st" "$work/st.d"; cat "$work/st" "$work/st.d")
	printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: x}\n' >"$work/bad.yaml"
	"$GWC" build -o "$work/o" --stamp "$work/st" --depfile "$work/st.d" "$work/bad.yaml" 2>/dev/null
	status=$?
	after=$(stat -c '%Y.%y' "$work/st" "$work/st.d"; cat "$work/st" "$work/st.d")
	if [ $status -ne 1 ]; then fail stamp/kept-on-error "exit $status, want 1"
	elif [ "$before" != "$after" ]; then fail stamp/kept-on-error "the stamp or depfile changed"
	else ok stamp/kept-on-error; fi
	# the stamp's folder must exist: an I/O error, exit 2, after OUT is written
	expect stamp/missing-folder "$(run build -o "$work/o" --stamp "$work/no/st" examples/minimal.yaml)" \
		"2 gwc: error: cannot create '$work/no/st': No such file or directory"
	leftover=$(find "$work" -maxdepth 1 -name '*.gwc-*')
	expect stamp/no-temporary-left "$leftover" ""
else
	fail stamp/build "gwc build --stamp failed"
fi

# ---- examples/make ------------------------------------------------------------
if ! command -v make >/dev/null; then
	skip make "GNU make is not installed"
else
	repo=$work/make
	cp -r examples/make "$repo"
	rm -rf "$repo/deploy" "$repo/.gwc"
	mk() { (cd "$repo" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory GWC="$GWC" "$@" 2>&1); }
	cmd="$GWC build -o deploy --stamp .gwc/gateways.stamp --depfile .gwc/gateways.d gateways/ingress.yaml gateways/legacy.yaml"
	expect make/first-builds "$(mk)" "$cmd"
	got=$(cd "$repo/deploy" && sha256sum -c --quiet ../.gwc/gateways.stamp 2>&1 && echo verified)
	expect make/stamp-verifies "$got" verified
	expect make/second-does-nothing "$(mk)" "make: Nothing to be done for 'all'."
	expect make/question-up-to-date "$(mk -q; echo $?)" 0
	stamp_time() { stat -c %y "$repo/.gwc/gateways.stamp"; }
	folder_times() { stat -c '%n %y' "$repo"/deploy/*/*; }
	t0=$(stamp_time) f0=$(folder_times)
	touch "$repo/gateways/ingress.yaml"
	expect make/touched-spec-rebuilds "$(mk)" "$cmd"
	if [ "$(stamp_time)" = "$t0" ]; then fail make/stamp-mtime-moves "the stamp kept its mtime"
	else ok make/stamp-mtime-moves; fi
	expect make/unchanged-folders-keep-mtime "$(folder_times)" "$f0"
	expect make/after-rebuild-nothing "$(mk)" "make: Nothing to be done for 'all'."
	touch "$repo/Makefile.notes" "$repo/gateways/README" "$repo/templates/other.txt"
	expect make/unrelated-file-no-rebuild "$(mk)" "make: Nothing to be done for 'all'."
	echo '{{- /* edited */ -}}' >>"$repo/templates/gateway.txt"
	expect make/template-edit-rebuilds "$(mk)" "$cmd"
	expect make/template-edit-in-output "$(tail -n 1 "$repo/deploy/istio/legacy/gateway-injection-template.txt")" \
		'{{- /* edited */ -}}'
	expect make/after-template-nothing "$(mk)" "make: Nothing to be done for 'all'."
	rm "$repo/gateways/ingress.yaml"
	expect make/removed-spec-no-error "$(mk; echo "exit $?")" "$GWC build -o deploy --stamp .gwc/gateways.stamp --depfile .gwc/gateways.d gateways/legacy.yaml
exit 0"

	# names with a space, '$' and '#': SPECS are Make words, escaped
	repo=$work/make-space
	cp -r examples/make "$repo"
	rm -rf "$repo/deploy" "$repo/.gwc" "$repo/gateways/ingress.yaml"
	mv "$repo/gateways/legacy.yaml" "$repo/gateways/team a.yaml"
	mv "$repo/templates/gateway.txt" "$repo/templates/my \$template #1.txt"
	sed -i 's|injectionTemplate: ../templates/gateway.txt|injectionTemplate: "../templates/my $template #1.txt"|' \
		"$repo/gateways/team a.yaml"
	specs='gateways/team\ a.yaml'
	expect make-space/first-builds "$(mk SPECS="$specs")" \
		"$GWC build -o deploy --stamp .gwc/gateways.stamp --depfile .gwc/gateways.d gateways/team\\ a.yaml"
	expect make-space/depfile "$(cat "$repo/.gwc/gateways.d")" '.gwc/gateways.stamp: \
 gateways/team\ a.yaml \
 gateways/../templates/my\ $$template\ \#1.txt

gateways/team\ a.yaml:

gateways/../templates/my\ $$template\ \#1.txt:'
	expect make-space/second-does-nothing "$(mk SPECS="$specs")" "make: Nothing to be done for 'all'."
	touch "$repo/templates/my \$template #1.txt"
	expect make-space/template-touch-rebuilds "$(mk SPECS="$specs" | head -c 9)" "$(printf '%s' "$GWC" | head -c 9)"
	touch "$repo/gateways/team a.yaml"
	expect make-space/spec-touch-rebuilds "$(mk SPECS="$specs" | head -c 9)" "$(printf '%s' "$GWC" | head -c 9)"
	expect make-space/then-nothing "$(mk SPECS="$specs")" "make: Nothing to be done for 'all'."
fi

# ---- examples/bazel -----------------------------------------------------------
if ! command -v bazel >/dev/null; then
	skip bazel "bazel is not installed (apt-get install bazel-bootstrap)"
else
	ws=$work/bazel
	cp -r examples/bazel "$ws"
	sed -i "s|path = \"../../build\"|path = \"$(dirname "$GWC")\"|" "$ws/WORKSPACE"
	bz() { (cd "$ws" && timeout 600 bazel --batch --output_user_root="$work/bazel-root" "$@" >"$work/bazel.log" 2>&1); }
	if ! bz build //:gateways //:deploy; then
		fail bazel/build "$(grep -E '^(ERROR|FAILED)' "$work/bazel.log" | head -n 3)"
	else
		ok bazel/build
		"$GWC" build -o - "$ws"/gateways/*.yaml >"$work/stream.yaml" 2>/dev/null
		if cmp -s "$ws/bazel-bin/gateways.yaml" "$work/stream.yaml"; then ok bazel/stream-is-gwc-output
		else fail bazel/stream-is-gwc-output "bazel-bin/gateways.yaml differs from gwc build -o -"; fi
		mkdir "$work/untar"
		tar -xf "$ws/bazel-bin/deploy.tar" -C "$work/untar"
		got=$(cd "$work/untar" && sha256sum -c --quiet "$ws/bazel-bin/deploy.stamp" 2>&1 && echo verified)
		expect bazel/stamp-verifies-tar "$got" verified
		sum1=$(sha256sum <"$ws/bazel-bin/deploy.tar")
		sed -i 's/replicas: 2/replicas: 3/' "$ws/gateways/egress.yaml"
		if bz build //:gateways //:deploy && grep -q 'replicas: 3' "$ws/bazel-bin/gateways.yaml"; then
			ok bazel/spec-edit-rebuilds
		else
			fail bazel/spec-edit-rebuilds "$(grep -E '^(ERROR|FAILED)' "$work/bazel.log" | head -n 3)"
		fi
		sed -i 's/replicas: 3/replicas: 2/' "$ws/gateways/egress.yaml"
		bz build //:deploy
		expect bazel/tar-reproducible "$(sha256sum <"$ws/bazel-bin/deploy.tar")" "$sum1"
	fi
fi
exit 0
