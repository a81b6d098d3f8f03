"""gwc in Bazel: one action per spec file, so Bazel caches per gateway.

    load("//:gwc.bzl", "gwc_gateways")

    gwc_gateways(
        name = "deploy",
        specs = glob(["gateways/*.yaml"]),
        srcs = {"gateways/legacy.yaml": ["templates/gateway.txt"]},
    )

makes, for each spec file F (F without its extension: S):
  //:deploy.S        gwc_gateway: one action (mnemonic GwcGateway) runs
                     `gwc build -o TREE -- F`; TREE, bazel-bin/deploy.S/, is a
                     tree artifact holding F's folders as gwc writes them
                     (<ns>/<name>/ and, for a legacy-kernel gateway,
                     istio/<istio>/), and bazel-bin/deploy.S.modes their
                     modes ("644 <ns>/<name>/namespace.yaml")
and
  //:deploy          gwc_tree: one action (GwcTree) that merges those trees,
                     without gwc, into bazel-bin/deploy/ (OUT) and
                     bazel-bin/deploy.tar (OUT with gwc's modes, sorted,
                     mtime 0, owner 0: reproducible)
  //:deploy_test     gwc_test: `gwc build` of every spec in one run must
                     equal //:deploy byte for byte (diff -r, and the tar's
                     modes): the checks gwc makes across specs

What cannot be per-spec, and how each is handled (README.md says more):
  - a gateway's folder <ns>/<name>/ comes from one spec: the merge fails
    when two spec files write it (gwc: "is also defined at");
  - a control plane's folder istio/<istio>/ depends on every gateway of that
    Istio: every action writes its own, and the merge requires them to be
    byte-identical (else it fails, naming both files: put those specs in one
    file, whose action then compiles them together);
  - what the merge cannot see needs every spec: the errors of a whole run
    (one gateway name in two namespaces, one update strategy per Istio...)
    and the injection preview of a gateway whose file writes no folder for
    the Istio whose template another file replaces.  //:deploy_test runs gwc
    build of every spec and compares.

gwc comes from @gwc//:gwc (WORKSPACE), never from PATH.
"""

GwcGatewayInfo = provider(
    doc = "The folders gwc build wrote for one gwc_gateway's spec file.",
    fields = {
        "spec": "File: the spec file",
        "tree": "File (tree artifact): OUT as `gwc build -o OUT spec` writes it",
        "modes": "File: '<octal mode> <path>' per file of tree, as gwc wrote " +
                 "them (Bazel makes its outputs r-x)",
    },
)

def _gwc_attr():
    return attr.label(
        default = "@gwc//:gwc",
        executable = True,
        cfg = "exec",
        allow_single_file = True,
        doc = "the gwc binary",
    )

# $1 gwc, $2 TREE, $3 MODES, $4 the spec file (paths relative to the exec
# root: "./" keeps a path without a slash off PATH).  gwc writes TREE (which
# Bazel made, empty) itself; then each file's mode, before Bazel changes it.
_GATEWAY_CMD = """set -e
"./$1" build --no-cache -o "$2" -- "$4"
(cd "$2" && find . -type f -printf '%m %P\\n' | LC_ALL=C sort -k2) >"$3"
"""

def _gwc_gateway_impl(ctx):
    spec = ctx.file.spec
    tree = ctx.actions.declare_directory(ctx.label.name)
    modes = ctx.actions.declare_file(ctx.label.name + ".modes")
    ctx.actions.run_shell(
        command = _GATEWAY_CMD,
        arguments = [ctx.executable.gwc.path, tree.path, modes.path, spec.path],
        inputs = [spec] + ctx.files.srcs,
        tools = [ctx.executable.gwc],
        outputs = [tree, modes],
        mnemonic = "GwcGateway",
        progress_message = "gwc build %s" % spec.short_path,
    )
    return [
        DefaultInfo(files = depset([tree, modes])),
        GwcGatewayInfo(spec = spec, tree = tree, modes = modes),
    ]

gwc_gateway = rule(
    implementation = _gwc_gateway_impl,
    doc = "`gwc build` of one spec file, in one action, into a tree artifact.",
    attrs = {
        "spec": attr.label(
            mandatory = True,
            allow_single_file = [".yaml", ".yml"],
            doc = "the spec file (one or more GatewaySpec documents)",
        ),
        "srcs": attr.label_list(
            allow_files = True,
            doc = "the files the spec reads: its injectionTemplate, " +
                  "istioResource, injectionPreview files",
        ),
        "gwc": _gwc_attr(),
    },
)

def _gwc_tree_impl(ctx):
    out = ctx.actions.declare_directory(ctx.label.name)
    tar = ctx.actions.declare_file(ctx.label.name + ".tar")
    args = ctx.actions.args()
    args.add(out.path)
    args.add(tar.path)
    inputs = []
    for g in ctx.attr.gateways:
        info = g[GwcGatewayInfo]
        args.add_all([info.spec.short_path, info.tree.path, info.modes.path])
        inputs += [info.tree, info.modes]
    ctx.actions.run_shell(
        # as a command, not `executable`: a script of the root package has
        # a path without a slash, which execvp would look for on PATH
        command = '"./$1" "${@:2}"',
        arguments = [ctx.executable._merge.path, args],
        inputs = inputs,
        tools = [ctx.executable._merge],
        outputs = [out, tar],
        mnemonic = "GwcTree",
        progress_message = "merging %d gwc trees into %s" % (
            len(ctx.attr.gateways),
            out.short_path,
        ),
    )
    return [DefaultInfo(files = depset([out, tar]))]

gwc_tree = rule(
    implementation = _gwc_tree_impl,
    doc = "The OUT tree (and a reproducible tar) of gwc_gateways, merged " +
          "without running gwc.",
    attrs = {
        "gateways": attr.label_list(
            mandatory = True,
            providers = [GwcGatewayInfo],
            doc = "gwc_gateway targets",
        ),
        "_merge": attr.label(
            default = Label("//:gwc_tree.sh"),
            executable = True,
            cfg = "exec",
            allow_single_file = True,
        ),
    },
)

# The test: gwc build of every spec in one run, compared with the merged
# tree (diff -r) and the tar (diff -r, and every file's mode).
_TEST_SCRIPT = """#!/usr/bin/env bash
set -u
export LC_ALL=C
gwc={gwc} tree={tree} tar={tar}
specs=({specs})
full=$TEST_TMPDIR/gwc-build untar=$TEST_TMPDIR/tar
rm -rf "$full" "$untar"
mkdir "$untar"
"./$gwc" build -q --no-cache -o "$full" -- "${{specs[@]}}" || {{
    echo "FAIL: gwc build of all ${{#specs[@]}} spec files failed (above)"
    exit 1
}}
tar -xpf "$tar" -C "$untar"
status=0
diff -r "$full" "$tree" || {{ echo "FAIL: $tree is not gwc build's tree"; status=1; }}
diff -r "$full" "$untar" || {{ echo "FAIL: $tar is not gwc build's tree"; status=1; }}
modes() {{ (cd "$1" && find . -mindepth 1 -printf '%m %y %P\\n' | sort); }}
diff <(modes "$full") <(modes "$untar") || {{
    echo "FAIL: the modes in $tar are not gwc build's"
    status=1
}}
[ $status -eq 0 ] && echo "ok: ${{#specs[@]}} spec files: $tree and $tar are gwc build's tree"
exit $status
"""

def _sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"

def _gwc_test_impl(ctx):
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    tree, tar = None, None
    for f in ctx.files.tree:
        if f.is_directory:
            tree = f
        elif f.path.endswith(".tar"):
            tar = f
    specs = ctx.files.specs
    ctx.actions.write(
        output = script,
        is_executable = True,
        content = _TEST_SCRIPT.format(
            gwc = _sh_quote(ctx.executable.gwc.short_path),
            tree = _sh_quote(tree.short_path),
            tar = _sh_quote(tar.short_path),
            specs = " ".join([_sh_quote(s.short_path) for s in specs]),
        ),
    )
    runfiles = ctx.runfiles(
        files = [ctx.executable.gwc, tree, tar] + specs + ctx.files.srcs,
    )
    return [DefaultInfo(executable = script, runfiles = runfiles)]

gwc_test = rule(
    implementation = _gwc_test_impl,
    test = True,
    doc = "`gwc build` of all the specs in one run must equal a gwc_tree.",
    attrs = {
        "tree": attr.label(mandatory = True, doc = "the gwc_tree"),
        "specs": attr.label_list(mandatory = True, allow_files = True),
        "srcs": attr.label_list(allow_files = True),
        "gwc": _gwc_attr(),
    },
)

def gwc_gateways(name, specs, srcs = {}, **kwargs):
    """A gwc_gateway per spec file, their gwc_tree `name`, and `name`_test.

    Args:
      name: the gwc_tree (bazel-bin/NAME/ and bazel-bin/NAME.tar); each
        spec file F gets the gwc_gateway NAME.F-without-extension, and the
        gwc_test NAME_test checks the whole.
      specs: the spec files, one action each.
      srcs: {spec file: [files it reads]}.
      **kwargs: passed to every rule (visibility, tags).
    """
    for s in srcs:
        if s not in specs:
            fail("srcs names %s, which is not in specs" % s)
    gateways = []
    for spec in specs:
        stem = spec.rpartition(".")[0] if "." in spec.rpartition("/")[2] else spec
        gwc_gateway(
            name = "%s.%s" % (name, stem),
            spec = spec,
            srcs = srcs.get(spec, []),
            **kwargs
        )
        gateways.append(":%s.%s" % (name, stem))
    gwc_tree(name = name, gateways = gateways, **kwargs)
    all_srcs = []
    for spec in specs:
        for f in srcs.get(spec, []):
            if f not in all_srcs:
                all_srcs.append(f)
    gwc_test(
        name = name + "_test",
        tree = ":" + name,
        specs = specs,
        srcs = all_srcs,
        size = "small",
        **kwargs
    )
