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
#   - examples/bazel/'s merge (gwc_tree.sh) run by hand on trees made as
#     its gwc_gateway action makes them: it equals gwc build of the specs
#     (tree, and tar byte for byte), and refuses, with exact messages, a
#     gateway folder of two specs, a gateway in a control plane's folder,
#     and two different versions of one control plane's folder (gwc build
#     of both specs changes a gateway's Deployment: shown too);
#   - examples/bazel/ run with Debian's bazel-bootstrap (--batch, offline,
#     its own output root and disk cache), when installed, reading Bazel's
#     execution log: one GwcGateway action per spec file and one merge; the
#     tree and the tar equal gwc build's; the stream equals gwc build -o -;
#     an edited spec reruns exactly its action (and the merge); after bazel
#     clean every action is a disk cache hit; a new spec runs one action,
#     and the cross-spec test (//:deploy_test) fails with gwc's error for
#     a gateway name used in two namespaces.
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
	# A file's mtime comes from the kernel's coarse clock (one tick, 1 to
	# 10 ms): a touch right after a build can give the prerequisite the
	# stamp's own mtime, and Make then rightly sees nothing newer. Before
	# each edit the stamp is set two seconds back, as if the edit came later.
	age_stamp() { touch -d "@$(($(date +%s) - 2))" "$repo/.gwc/gateways.stamp"; }
	cmd="$GWC build -o deploy --stamp .gwc/gateways.stamp --depfile .gwc/gateways.d gateways/ingress.yaml gateways/legacy.yaml"
	expect make/first-builds "$(mk)" "$cmd"
	got=$(cd "$repo/deploy" && sha256sum -c --quiet ../.gwc/gateways.stamp 2>&1 && echo verified)
	expect make/stamp-verifies "$got" verified
	expect make/second-does-nothing "$(mk)" "make: Nothing to be done for 'all'."
	expect make/question-up-to-date "$(mk -q; echo $?)" 0
	stamp_time() { stat -c %y "$repo/.gwc/gateways.stamp"; }
	folder_times() { stat -c '%n %y' "$repo"/deploy/*/*; }
	age_stamp
	t0=$(stamp_time) f0=$(folder_times)
	touch "$repo/gateways/ingress.yaml"
	expect make/touched-spec-rebuilds "$(mk)" "$cmd"
	if [ "$(stamp_time)" = "$t0" ]; then fail make/stamp-mtime-moves "the stamp kept its mtime"
	else ok make/stamp-mtime-moves; fi
	expect make/unchanged-folders-keep-mtime "$(folder_times)" "$f0"
	expect make/after-rebuild-nothing "$(mk)" "make: Nothing to be done for 'all'."
	touch "$repo/Makefile.notes" "$repo/gateways/README" "$repo/templates/other.txt"
	expect make/unrelated-file-no-rebuild "$(mk)" "make: Nothing to be done for 'all'."
	age_stamp
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
	age_stamp
	touch "$repo/templates/my \$template #1.txt"
	expect make-space/template-touch-rebuilds "$(mk SPECS="$specs" | head -c 9)" "$(printf '%s' "$GWC" | head -c 9)"
	age_stamp
	touch "$repo/gateways/team a.yaml"
	expect make-space/spec-touch-rebuilds "$(mk SPECS="$specs" | head -c 9)" "$(printf '%s' "$GWC" | head -c 9)"
	expect make-space/then-nothing "$(mk SPECS="$specs")" "make: Nothing to be done for 'all'."
fi

# ---- examples/bazel: gwc_tree.sh, the merge, run by hand ------------------------
# What cannot be per-spec: each tree as a gwc_gateway action writes it
# (gwc.bzl's _GATEWAY_CMD), merged by gwc_tree.sh without Bazel.
merge=$top/examples/bazel/gwc_tree.sh
mw=$work/merge
cp -r examples/bazel "$mw"
(
	cd "$mw/gateways" || exit 1
	# legacy.yaml's Istio, with netBindService: a control plane folder of its own
	sed 's/admin-gateway/bind-gateway/; s/legacy-admin/legacy-bind/
	     s/3.10.0-1160.el7.x86_64}/3.10.0-1160.el7.x86_64, privilegedPorts: netBindService}/
	     s/port: 9443}/port: 443, targetPort: 443}/' legacy-admin.yaml >legacy-bind.yaml
	# ingress.yaml's gateway again
	sed 's/egress-gateway/shop-gateway/; s/shop-egress/shop-ingress/' egress.yaml >again.yaml
	# a gateway in the folder of the control plane "legacy"
	printf 'apiVersion: gwc.dev/v1alpha1\nkind: GatewaySpec\nmetadata: {name: legacy, namespace: istio}\n' >istio-ns.yaml
	# a modern gateway of the Istio "legacy", with an injection preview
	printf '%s\n' 'apiVersion: gwc.dev/v1alpha1' 'kind: GatewaySpec' \
		'metadata: {name: plain-gateway, namespace: plain}' 'spec:' \
		'  controlPlane: {istioResource: ../mesh/istio-legacy.yaml}' \
		'  injectionPreview: {}' >preview.yaml
)
action() { # SPEC: gwc_gateway's action, into $mw/t/SPEC and $mw/t/SPEC.modes
	mkdir -p "$mw/t/${1%.yaml}"
	(cd "$mw" && "$GWC" build -q --no-cache -o "t/${1%.yaml}" "gateways/$1" &&
		cd "t/${1%.yaml}" && find . -type f -printf '%m %P\n' | LC_ALL=C sort -k2) >"$mw/t/${1%.yaml}.modes"
}
merged() { # OUT SPEC...: gwc_tree.sh of those specs' trees into $mw/OUT{,.tar}
	local out=$1 s args=()
	shift
	rm -rf "${mw:?}/$out" "$mw/$out.tar"
	for s in "$@"; do args+=("gateways/$s" "t/${s%.yaml}" "t/${s%.yaml}.modes"); done
	(cd "$mw" && "$merge" "$out" "$out.tar" "${args[@]}" 2>&1; echo "exit $?")
}
reference_tar() { # TREE TAR: the tar gwc_tree.sh must make of gwc build's TREE
	tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$2" -C "$1" .
}
for s in egress ingress legacy legacy-admin legacy-bind again istio-ns preview; do action $s.yaml; done
if [ "$(cat "$mw/t/egress.modes")" != "644 shop-egress/egress-gateway/.gwc-output
755 shop-egress/egress-gateway/apply.sh
644 shop-egress/egress-gateway/gateway-deployment.yaml
644 shop-egress/egress-gateway/gateway-service.yaml
644 shop-egress/egress-gateway/kustomization.yaml
644 shop-egress/egress-gateway/namespace.yaml
644 shop-egress/egress-gateway/secret-reader.yaml" ]; then
	fail bazel-merge/action "$(cat "$mw/t/egress.modes")"
else
	ok bazel-merge/action
fi
# the example: legacy.yaml and legacy-admin.yaml make one identical istio/legacy/
expect bazel-merge/identical-control-plane "$(merged all egress.yaml ingress.yaml legacy.yaml legacy-admin.yaml)" "exit 0"
(cd "$mw" && "$GWC" build -q --no-cache -o "$mw/full" gateways/egress.yaml gateways/ingress.yaml \
	gateways/legacy.yaml gateways/legacy-admin.yaml)
expect bazel-merge/equals-gwc-build "$(diff -r "$mw/full" "$mw/all" 2>&1)" ""
reference_tar "$mw/full" "$mw/full.tar"
if cmp -s "$mw/full.tar" "$mw/all.tar"; then ok bazel-merge/tar-equals-gwc-build
else fail bazel-merge/tar-equals-gwc-build "$(tar -tvf "$mw/all.tar" | head -n 5)"; fi
expect bazel-merge/control-plane-differs "$(merged x legacy.yaml legacy-bind.yaml)" \
	"gateways/legacy-bind.yaml: error: the control plane folder istio/legacy differs from the one gateways/legacy.yaml makes: it depends on every gateway of its Istio, so gwc build of both files writes one for both (and may change their gateways' folders); put the specs of the two files in one file, which one action compiles
exit 1"
# why: built together, legacy.yaml's own Deployment changes (the digest of
# the template the control plane gets, now for netBindService)
(cd "$mw" && "$GWC" build -q --no-cache -o "$mw/both" gateways/legacy.yaml gateways/legacy-bind.yaml)
expect bazel-merge/control-plane-differs-why \
	"$(diff -rq "$mw/t/legacy/legacy-ingress" "$mw/both/legacy-ingress" | sed "s|$mw/||g")" \
	"Files t/legacy/legacy-ingress/legacy-gateway/gateway-deployment.yaml and both/legacy-ingress/legacy-gateway/gateway-deployment.yaml differ"
expect bazel-merge/duplicate-gateway "$(merged x ingress.yaml again.yaml)" \
	"gateways/again.yaml: error: the gateway folder shop-ingress/shop-gateway is also written by gateways/ingress.yaml: one folder, one gateway
exit 1"
expect bazel-merge/gateway-in-control-plane-folder "$(merged x legacy.yaml istio-ns.yaml egress.yaml)" \
	"gateways/istio-ns.yaml: error: the folder istio/legacy is a gateway's here and a control plane's in gateways/legacy.yaml
exit 1"
# what the merge cannot see (//:deploy_test can): preview.yaml's file writes
# no istio/legacy/, and its preview, injected with istiod's template, is not
# the one gwc build of both writes, injected with legacy.yaml's
expect bazel-merge/blind-to-preview "$(merged x legacy.yaml preview.yaml)" "exit 0"
(cd "$mw" && "$GWC" build -q --no-cache -o "$mw/both2" gateways/legacy.yaml gateways/preview.yaml)
expect bazel-merge/blind-to-preview-why "$(diff -rq "$mw/both2" "$mw/x" | sed "s|$mw/||g")" \
	"Files both2/plain/plain-gateway/gateway-deployment.injected.yaml and x/plain/plain-gateway/gateway-deployment.injected.yaml differ"
expect bazel-merge/every-error "$(merged x legacy.yaml legacy-bind.yaml ingress.yaml again.yaml | cut -d: -f1)" \
	"gateways/legacy-bind.yaml
gateways/again.yaml
exit 1"

# ---- examples/bazel: with Bazel -------------------------------------------------
# Debian's bazel-bootstrap (4.2.3), --batch, offline, its own output root and
# disk cache; the execution log (--execution_log_json_file: one JSON object
# per spawn) says which actions ran.
if ! command -v bazel >/dev/null; then
	skip bazel "bazel is not installed (apt-get install bazel-bootstrap)"
elif ! command -v jq >/dev/null; then
	skip bazel "jq is not installed (it reads Bazel's execution log)"
else
	ws=$work/bazel
	cp -r examples/bazel "$ws"
	sed -i "s|path = \"../../build\"|path = \"$(dirname "$GWC")\"|" "$ws/WORKSPACE"
	bz() { # a bazel command in $ws; its execution log into $work/$1.json
		local log=$1
		shift
		(cd "$ws" && timeout 600 bazel --batch --output_user_root="$work/bazel-root" "$@" \
			--disk_cache="$work/bazel-cache" --execution_log_json_file="$work/$log.json" \
			>"$work/bazel.log" 2>&1)
	}
	# one line per spawn: mnemonic, "ran" or "cached", outputs under bin/
	spawns() {
		jq -r '[.mnemonic, (if .remoteCacheHit then "cached" else "ran" end)] +
			[.listedOutputs[] | sub("^bazel-out/[^/]*/bin/"; "")] | join(" ")' "$work/$1.json" |
			grep -v '^TestRunner ' | sort
	}
	errors() { grep -E '^(ERROR|FAILED)|error:' "$work/bazel.log" | head -n 3; }
	# a test's last line (Debian's linux-sandbox adds its own debug lines)
	last_line() { grep -v 'src/main/tools/linux-sandbox' "$1" | tail -n 1; }
	gwc_tree() { # OUT: gwc build of $ws's specs, as Bazel runs it (relative names)
		rm -rf "$1"
		(cd "$ws" && "$GWC" build -q --no-cache -o "$1" gateways/*.yaml)
	}
	first="Genrule ran gateways.yaml
GwcGateway ran deploy.gateways/egress deploy.gateways/egress.modes
GwcGateway ran deploy.gateways/ingress deploy.gateways/ingress.modes
GwcGateway ran deploy.gateways/legacy deploy.gateways/legacy.modes
GwcGateway ran deploy.gateways/legacy-admin deploy.gateways/legacy-admin.modes
GwcTree ran deploy deploy.tar"
	if ! bz log1 test //:deploy //:deploy_test //:gateways; then
		fail bazel/build "$(errors)"
	else
		ok bazel/build
		expect bazel/one-action-per-spec "$(spawns log1)" "$first"
		expect bazel/cross-spec-test-passes "$(last_line "$ws/bazel-testlogs/deploy_test/test.log")" \
			"ok: 4 spec files: deploy and deploy.tar are gwc build's tree"
		"$GWC" build -o - "$ws"/gateways/*.yaml >"$work/stream.yaml" 2>/dev/null
		if cmp -s "$ws/bazel-bin/gateways.yaml" "$work/stream.yaml"; then ok bazel/stream-is-gwc-output
		else fail bazel/stream-is-gwc-output "bazel-bin/gateways.yaml differs from gwc build -o -"; fi
		gwc_tree "$work/full"
		expect bazel/tree-is-gwc-build "$(diff -r "$work/full" "$ws/bazel-bin/deploy" 2>&1)" ""
		reference_tar "$work/full" "$work/full.tar"
		if cmp -s "$work/full.tar" "$ws/bazel-bin/deploy.tar"; then ok bazel/tar-is-gwc-build
		else fail bazel/tar-is-gwc-build "deploy.tar differs from the tar of gwc build's tree"; fi
		expect bazel/tar-keeps-modes "$(tar -tvf "$ws/bazel-bin/deploy.tar" |
			awk '$6 ~ /^\.\/shop-egress\/egress-gateway\/(apply\.sh|namespace\.yaml)?$/ { print $1, $2, $4, $5, $6 }')" \
			"drwxr-xr-x 0/0 1970-01-01 00:00 ./shop-egress/egress-gateway/
-rwxr-xr-x 0/0 1970-01-01 00:00 ./shop-egress/egress-gateway/apply.sh
-rw-r--r-- 0/0 1970-01-01 00:00 ./shop-egress/egress-gateway/namespace.yaml"

		# one spec edited: its action alone runs again, then the merge
		sed -i 's/replicas: 2/replicas: 3/' "$ws/gateways/egress.yaml"
		if ! bz log2 build //:deploy; then
			fail bazel/edit-reruns-one-action "$(errors)"
		else
			expect bazel/edit-reruns-one-action "$(spawns log2)" \
				"GwcGateway ran deploy.gateways/egress deploy.gateways/egress.modes
GwcTree ran deploy deploy.tar"
			gwc_tree "$work/full"
			expect bazel/edit-tree-is-gwc-build "$(diff -r "$work/full" "$ws/bazel-bin/deploy" 2>&1)" ""
			reference_tar "$work/full" "$work/full.tar"
			if cmp -s "$work/full.tar" "$ws/bazel-bin/deploy.tar"; then ok bazel/edit-tar-is-gwc-build
			else fail bazel/edit-tar-is-gwc-build "deploy.tar differs from the tar of gwc build's tree"; fi
		fi

		# back, bazel clean: every action of the first build is a disk cache hit
		sed -i 's/replicas: 3/replicas: 2/' "$ws/gateways/egress.yaml"
		if ! bz log3 clean || ! bz log3 build //:deploy //:gateways; then
			fail bazel/clean-rebuild-from-disk-cache "$(errors)"
		else
			expect bazel/clean-rebuild-from-disk-cache "$(spawns log3)" "${first// ran / cached }"
			gwc_tree "$work/full"
			expect bazel/cached-tree-is-gwc-build "$(diff -r "$work/full" "$ws/bazel-bin/deploy" 2>&1)" ""
		fi

		# a spec whose gateway has the name of another's: every folder merges,
		# and only the test, gwc build of every spec, sees the error
		sed 's/shop-ingress/shop-other/' "$ws/gateways/ingress.yaml" >"$ws/gateways/other.yaml"
		(cd "$ws" && "$GWC" build -q --no-cache -o "$work/x" gateways/*.yaml) 2>"$work/want"
		bz log4 test //:deploy_test
		status=$?
		expect bazel/new-spec-runs-one-action "$(spawns log4)" \
			"GwcGateway ran deploy.gateways/other deploy.gateways/other.modes
GwcTree ran deploy deploy.tar"
		log=$ws/bazel-testlogs/deploy_test/test.log
		expect bazel/cross-spec-test-fails "$status $(wc -l <"$work/want") $(grep -cxFf "$work/want" "$log")
$(last_line "$log")" "3 1 1
FAIL: gwc build of all 5 spec files failed (above)"

		# and what the merge cannot see: a preview injected with the template
		# another file installs (README.md); the test's diff -r sees it
		rm "$ws/gateways/other.yaml"
		cp "$mw/gateways/preview.yaml" "$ws/gateways/preview.yaml"
		sed -i 's|^READS = {$|&\n    "gateways/preview.yaml": ["mesh/istio-legacy.yaml"],|' "$ws/BUILD"
		bz log5 test //:deploy_test
		status=$?
		expect bazel/preview-spec-runs-one-action "$(spawns log5)" \
			"GwcGateway ran deploy.gateways/preview deploy.gateways/preview.modes
GwcTree ran deploy deploy.tar"
		expect bazel/cross-spec-test-diffs "$status
$(grep -E '^(FAIL|diff -r)' "$log" | sed -E 's|^diff -r [^ ]*/gwc-build/|diff -r |; s| /[^ ]*/tar/| tar/|')" "3
diff -r plain/plain-gateway/gateway-deployment.injected.yaml deploy/plain/plain-gateway/gateway-deployment.injected.yaml
FAIL: deploy is not gwc build's tree
diff -r plain/plain-gateway/gateway-deployment.injected.yaml tar/plain/plain-gateway/gateway-deployment.injected.yaml
FAIL: deploy.tar is not gwc build's tree"
	fi
fi
exit 0
