/*
 * test_graph.c - gw_graph_dot() on hand-made file sets: the exact DOT of
 * references gwc's own output does not exercise (a VirtualService bound
 * to a Gateway of another namespace, a RoleBinding subject in another
 * namespace, a selector that does not match, a name that needs DOT
 * escaping), files that are not objects skipped, and a file that does not
 * parse refused.
 */
#include "unit.h"

static void add(struct gw_fileset *set, const char *path, const char *text)
{
	char *data = strdup(text);

	assert_non_null(data);
	gw_fileset_add(set, path, data, strlen(data));
}

static void test_references(void **state)
{
	struct gw_fileset set = { 0 };
	struct gw_buf dot = { 0 };
	struct unit_diag u;
	char *msg;

	(void)state;
	add(&set, "a/gw/gateway-deployment.yaml",
	    "apiVersion: apps/v1\nkind: Deployment\n"
	    "metadata: {name: gw, namespace: a}\n"
	    "spec:\n  template:\n    metadata:\n"
	    "      labels: {istio: gw, extra: x}\n"
	    "    spec: {serviceAccountName: sa}\n");
	add(&set, "a/gw/gateway.yaml",
	    "kind: Gateway\nmetadata: {name: gw, namespace: a}\n"
	    "spec: {selector: {istio: gw}}\n");
	add(&set, "a/gw/kustomization.yaml", "kind: Kustomization\n");
	add(&set, "a/gw/notes.txt", "not: yaml: at all: [\n");
	add(&set, "b/app/virtualservices.yaml",
	    "kind: VirtualService\nmetadata: {name: \"v\\\"s\", namespace: b}\n"
	    "spec: {gateways: [a/gw, gw, mesh]}\n"
	    "---\n"
	    "kind: Service\nmetadata: {name: other, namespace: b}\n"
	    "spec: {selector: {istio: gw}}\n"
	    "---\n"
	    "kind: RoleBinding\nmetadata: {name: rb, namespace: b}\n"
	    "roleRef: {kind: ClusterRole, name: r}\n"
	    "subjects: [{kind: ServiceAccount, name: sa, namespace: a}]\n");
	assert_int_equal(gw_graph_dot(&dot, &set, unit_diag_open(&u)), 0);
	msg = unit_diag_close(&u);
	assert_string_equal(msg, "");
	free(msg);
	gw_buf_puts(&dot, "");
	assert_string_equal(dot.data,
		"digraph gwc {\n"
		"\tgraph [rankdir=LR];\n"
		"\tnode [shape=box];\n"
		"\tedge [fontsize=10];\n"
		"\tsubgraph \"cluster_a/gw\" {\n"
		"\t\tlabel=\"a/gw\";\n"
		"\t\t\"a/Deployment/gw\" [label=\"Deployment\\ngw\"];\n"
		"\t\t\"a/Gateway/gw\" [label=\"Gateway\\ngw\"];\n"
		"\t}\n"
		"\tsubgraph \"cluster_b/app\" {\n"
		"\t\tlabel=\"b/app\";\n"
		"\t\t\"b/VirtualService/v\\\"s\" [label=\"VirtualService\\nv\\\"s\"];\n"
		"\t\t\"b/Service/other\" [label=\"Service\\nother\"];\n"
		"\t\t\"b/RoleBinding/rb\" [label=\"RoleBinding\\nrb\"];\n"
		"\t}\n"
		"\t\"a/Gateway/gw\" -> \"a/Deployment/gw\" [label=\"selects pods\"];\n"
		"\t\"b/VirtualService/v\\\"s\" -> \"a/Gateway/gw\" [label=\"binds to\"];\n"
		"}\n");
	gw_buf_release(&dot);
	gw_fileset_release(&set);
}

static void test_unparsable_refused(void **state)
{
	struct gw_fileset set = { 0 };
	struct gw_buf dot = { 0 };
	struct unit_diag u;
	char *text;

	(void)state;
	add(&set, "a/gw/gateway.yaml", "kind: [unclosed\n");
	assert_int_equal(gw_graph_dot(&dot, &set, unit_diag_open(&u)), -1);
	text = unit_diag_close(&u);
	assert_int_equal(dot.len, 0);
	assert_non_null(strstr(text, "a/gw/gateway.yaml:"));
	free(text);
	gw_buf_release(&dot);
	gw_fileset_release(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_unparsable_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
