"""An empty @remote_coverage_tools, so that `bazel test` stays offline.

Bazel 4 gives every test an implicit dependency on
@bazel_tools//tools/test:coverage_report_generator and :lcov_merger,
aliases of targets of @remote_coverage_tools, which it downloads from
mirror.bazel.build even when nothing runs coverage.  WORKSPACE defines that
repository first with this rule (two empty filegroups), and Bazel keeps the
first definition.  `bazel coverage` needs the real one: drop the rule there.
"""

def _coverage_stub_impl(rctx):
    rctx.file("WORKSPACE", "workspace(name = \"%s\")\n" % rctx.name)
    rctx.file("BUILD", """\
filegroup(name = "coverage_report_generator", visibility = ["//visibility:public"])
filegroup(name = "lcov_merger", visibility = ["//visibility:public"])
""")

coverage_stub = repository_rule(
    implementation = _coverage_stub_impl,
    doc = "Two empty filegroups in place of Bazel's coverage tools.",
)
