/*
 * test_patch.c - gw_patch_merge() (kustomize's strategic merge: merge keys,
 * the order kyaml leaves merged lists in, directives, null) and
 * gw_patch_json() (JSON 6902 and RFC 6901 pointers), each result as the
 * exact YAML gwc writes and each error as the exact diagnostic; and that a
 * merge of 100,000 entries by key takes linear time.
 */
#include <time.h>

#include "unit.h"

/* Loads @obj and @patch (YAML), applies the patch (@json: as JSON 6902
 * operations) and returns the result as YAML, or the diagnostics after
 * "error\n" when it failed. */
static char *patched(const char *obj, const char *patch, bool json)
{
	struct unit_load a, b;
	struct unit_diag u;
	struct gw_node *tree = unit_load_one(&a, obj);
	struct gw_buf out = { 0 };
	char *text, *result;
	int err;

	unit_load_one(&b, patch);
	unit_diag_open(&u);
	err = json ? gw_patch_json(a.arena, &u.diag, "p", &tree, b.docs[0]) :
	      gw_patch_merge(a.arena, &u.diag, "p", &tree, b.docs[0]);
	text = unit_diag_close(&u);
	if (err) {
		assert_int_not_equal(text[0], '\0');
		assert_int_not_equal(asprintf(&result, "error\n%s", text), -1);
	} else {
		assert_string_equal(text, "");
		assert_int_equal(gw_emit_yaml(&out, &tree, 1), 0);
		result = strdup(out.data);
		gw_buf_release(&out);
	}
	free(text);
	unit_load_done(&a);
	unit_load_done(&b);
	return result;
}

#define ASSERT_PATCHED(obj, patch, json, want) do { \
	char *got_ = patched(obj, patch, json); \
	assert_string_equal(got_, want); \
	free(got_); \
} while (0)

#define DEPLOYMENT "apiVersion: apps/v1\nkind: Deployment\n" \
	"metadata: {name: gw, namespace: ns}\n"

/* ---- strategic merge ----------------------------------------------------- */

static void test_maps_merge_and_null_deletes(void **state)
{
	(void)state;
	ASSERT_PATCHED(DEPLOYMENT "spec: {replicas: 1, paused: false, "
		       "selector: {matchLabels: {a: b}}}\n",
		       "spec: {replicas: 3, paused: null, absent: null, "
		       "selector: {matchLabels: {c: d}}}\n", false,
		       "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
		       "  name: gw\n  namespace: ns\nspec:\n  replicas: 3\n"
		       "  selector:\n    matchLabels:\n      a: b\n      c: d\n");
}

/* containers by name: the patch's first (a new one, then istio-proxy
 * merged), then the object's others, as kustomize prepends */
static void test_containers_by_name_patch_first(void **state)
{
	(void)state;
	ASSERT_PATCHED(DEPLOYMENT "spec:\n  template:\n    spec:\n"
		       "      containers:\n"
		       "      - {name: istio-proxy, image: auto}\n"
		       "      - {name: other, image: o}\n",
		       "spec:\n  template:\n    spec:\n      containers:\n"
		       "      - {name: sidecar, image: s}\n"
		       "      - {name: istio-proxy, imagePullPolicy: Always}\n",
		       false,
		       "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
		       "  name: gw\n  namespace: ns\nspec:\n  template:\n"
		       "    spec:\n      containers:\n      - name: sidecar\n"
		       "        image: s\n      - name: istio-proxy\n"
		       "        image: auto\n        imagePullPolicy: Always\n"
		       "      - name: other\n        image: o\n");
}

static void test_env_by_name_with_delete(void **state)
{
	(void)state;
	ASSERT_PATCHED(DEPLOYMENT "spec:\n  template:\n    spec:\n"
		       "      containers:\n      - name: c\n"
		       "        env: [{name: A, value: a}, {name: B, value: b},"
		       " {name: C, value: c}]\n",
		       "spec:\n  template:\n    spec:\n      containers:\n"
		       "      - name: c\n        env:\n"
		       "        - {name: B, value: bb}\n"
		       "        - {name: D, value: d}\n"
		       "        - {name: A, $patch: delete}\n", false,
		       "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
		       "  name: gw\n  namespace: ns\nspec:\n  template:\n"
		       "    spec:\n      containers:\n      - name: c\n"
		       "        env:\n        - name: B\n          value: bb\n"
		       "        - name: D\n          value: d\n"
		       "        - name: C\n          value: c\n");
}

/* two keys (list-map-keys): new entries first, the object's in place */
static void test_service_ports_by_port_and_protocol(void **state)
{
	(void)state;
	ASSERT_PATCHED("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
		       "spec:\n  ports:\n"
		       "  - {name: http, port: 80, protocol: TCP}\n"
		       "  - {name: https, port: 443, protocol: TCP}\n",
		       "spec:\n  ports:\n"
		       "  - {port: 443, protocol: TCP, targetPort: 8443}\n"
		       "  - {name: db, port: 5432, protocol: TCP}\n", false,
		       "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n"
		       "spec:\n  ports:\n  - name: db\n    port: 5432\n"
		       "    protocol: TCP\n  - name: http\n    port: 80\n"
		       "    protocol: TCP\n  - name: https\n    port: 443\n"
		       "    protocol: TCP\n    targetPort: 8443\n");
	/* kustomize would drop this entry: an error names the fix */
	ASSERT_PATCHED("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
		       "spec:\n  ports: [{port: 443, protocol: TCP}]\n",
		       "spec:\n  ports:\n  - {port: 443, targetPort: 8443}\n",
		       false, "error\nspec.yaml:3:5: error: p.spec.ports[0]: no "
		       "protocol: kustomize merges this list by port and "
		       "protocol, and drops an entry without protocol that "
		       "matches one of the object's by port (write its "
		       "protocol)\n");
}

static void test_directives(void **state)
{
	(void)state;
	/* a map replaced, a list replaced, a list deleted */
	ASSERT_PATCHED(DEPLOYMENT "spec:\n  template:\n    spec:\n"
		       "      securityContext: {runAsUser: 1, fsGroup: 2}\n"
		       "      volumes: [{name: a}, {name: b}]\n"
		       "      imagePullSecrets: [{name: x}]\n",
		       "spec:\n  template:\n    spec:\n"
		       "      securityContext: {$patch: replace, fsGroup: 3}\n"
		       "      volumes: [{$patch: replace}, {name: c}]\n"
		       "      imagePullSecrets: [{$patch: delete}]\n", false,
		       "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
		       "  name: gw\n  namespace: ns\nspec:\n  template:\n"
		       "    spec:\n      securityContext:\n        fsGroup: 3\n"
		       "      volumes:\n      - name: c\n");
	ASSERT_PATCHED(DEPLOYMENT "spec: {}\n",
		       "spec:\n  $retainKeys: [a]\n  strategy: {$patch: move}\n",
		       false, "error\n"
		       "spec.yaml:2:3: error: p.spec[\"$retainKeys\"]: the "
		       "directive '$retainKeys' is not supported (kustomize "
		       "would write it into the object as a field; gwc knows "
		       "$patch only)\n"
		       "spec.yaml:3:22: error: p.spec.strategy[\"$patch\"]: "
		       "unknown $patch directive 'move' (kustomize knows "
		       "replace, delete and merge)\n");
	ASSERT_PATCHED(DEPLOYMENT "spec:\n  template:\n    spec:\n"
		       "      containers: [{name: c, image: i}]\n",
		       "spec:\n  template:\n    spec:\n      containers:\n"
		       "      - {name: c, $patch: replace}\n", false, "error\n"
		       "spec.yaml:5:27: error: p.spec.template.spec.containers"
		       "[0]: $patch: replace on a list entry: kustomize ignores "
		       "it and keeps the object's entry (set its fields, null "
		       "those to drop)\n");
	ASSERT_PATCHED(DEPLOYMENT, "$patch: delete\n", false, "error\n"
		       "spec.yaml:1:1: error: p: deletes the object; a patch "
		       "may change an object of the gateway, not remove it\n");
}

/* tolerations have no merge key; Istio's kinds have no schema at all */
static void test_lists_without_merge_key_are_replaced(void **state)
{
	(void)state;
	ASSERT_PATCHED(DEPLOYMENT "spec:\n  template:\n    spec:\n"
		       "      tolerations: [{key: a}, {key: b}]\n",
		       "spec:\n  template:\n    spec:\n"
		       "      tolerations: [{key: c}]\n", false,
		       "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
		       "  name: gw\n  namespace: ns\nspec:\n  template:\n"
		       "    spec:\n      tolerations:\n      - key: c\n");
	ASSERT_PATCHED("apiVersion: networking.istio.io/v1\n"
		       "kind: VirtualService\nmetadata: {name: v}\n"
		       "spec:\n  template:\n    spec:\n"
		       "      containers: [{name: a, image: a}]\n",
		       "spec:\n  template:\n    spec:\n"
		       "      containers: [{name: b}]\n", false,
		       "apiVersion: networking.istio.io/v1\n"
		       "kind: VirtualService\nmetadata:\n  name: v\nspec:\n"
		       "  template:\n    spec:\n      containers:\n"
		       "      - name: b\n");
	ASSERT_PATCHED(DEPLOYMENT "spec: {}\n",
		       "spec:\n  template:\n    spec:\n"
		       "      tolerations: [{key: c, $patch: delete}]\n", false,
		       "error\nspec.yaml:4:30: error: p.spec.template.spec."
		       "tolerations[0][\"$patch\"]: a directive in a list that "
		       "has no merge key in kustomize's schema: the list is "
		       "replaced whole, and the directive would stay in it as "
		       "a field\n");
}

static void test_finalizers_merge_as_a_set(void **state)
{
	(void)state;
	ASSERT_PATCHED("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
		       "  name: gw\n  namespace: ns\n  finalizers: [a, b]\n",
		       "metadata: {finalizers: [c, a]}\n", false,
		       "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
		       "  name: gw\n  namespace: ns\n  finalizers:\n  - c\n"
		       "  - a\n  - b\n");
}

static void test_kinds_of_nodes_must_agree(void **state)
{
	(void)state;
	ASSERT_PATCHED(DEPLOYMENT "spec: {replicas: 1}\n",
		       "spec: {replicas: {a: 1}}\n", false, "error\n"
		       "spec.yaml:1:18: error: p.spec.replicas: an object where "
		       "the object has an integer (kustomize merges only nodes "
		       "of one kind)\n");
}

/* 100,000 env entries merged with 100,000: by index, not by scan (a scan
 * per entry would take minutes) */
static void test_merge_by_key_is_linear(void **state)
{
	struct gw_buf obj = { 0 }, patch = { 0 };
	struct unit_load a, b;
	struct gw_node *tree, *env;
	struct unit_diag u;
	clock_t start;
	size_t i, n = 100000;
	char *text;

	(void)state;
	gw_buf_puts(&obj, DEPLOYMENT "spec:\n  template:\n    spec:\n"
		    "      containers:\n      - name: c\n        env:\n");
	gw_buf_puts(&patch, "spec:\n  template:\n    spec:\n      containers:\n"
		    "      - name: c\n        env:\n");
	for (i = 0; i < n; i++) {
		gw_buf_printf(&obj, "        - {name: V%zu, value: a}\n", i);
		gw_buf_printf(&patch, "        - {name: V%zu, value: b}\n",
			      n - 1 - i);
	}
	tree = unit_load_one(&a, obj.data);
	unit_load_one(&b, patch.data);
	unit_diag_open(&u);
	start = clock();
	assert_int_equal(gw_patch_merge(a.arena, &u.diag, "p", &tree,
					b.docs[0]), 0);
	assert_true(clock() - start < 5 * CLOCKS_PER_SEC);
	text = unit_diag_close(&u);
	assert_string_equal(text, "");
	free(text);
	env = gw_map_get(gw_map_get(gw_map_get(gw_map_get(gw_map_get(tree,
		"spec"), "template"), "spec"), "containers")->u.seq.items[0],
		"env");
	assert_int_equal(env->u.seq.n, n);
	/* the patch's order, every value the patch's */
	assert_string_equal(gw_map_get(env->u.seq.items[0], "name")->u.str.s,
			    "V99999");
	assert_string_equal(gw_map_get(env->u.seq.items[n - 1],
				       "value")->u.str.s, "b");
	gw_buf_release(&obj);
	gw_buf_release(&patch);
	unit_load_done(&a);
	unit_load_done(&b);
}

/* ---- JSON 6902 ------------------------------------------------------------ */

static void test_every_operation(void **state)
{
	(void)state;
	ASSERT_PATCHED("a: {b: [1, 2]}\nc~d: 1\ne/f: 2\n",
		       "- {op: add, path: /a/b/-, value: 3}\n"
		       "- {op: add, path: /a/b/0, value: 0}\n"
		       "- {op: add, path: /a/b/4, value: 4}\n"
		       "- {op: remove, path: /a/b/1}\n"
		       "- {op: replace, path: /c~0d, value: x}\n"
		       "- {op: test, path: /e~1f, value: 2}\n"
		       "- {op: copy, from: /a/b, path: /g}\n"
		       "- {op: move, from: /e~1f, path: /a/h}\n"
		       "- {op: test, path: /a, value: {h: 2, b: [0, 2, 3, 4]}}\n",
		       true,
		       "a:\n  b:\n  - 0\n  - 2\n  - 3\n  - 4\n  h: 2\n\"c~d\": x\n"
		       "g:\n- 0\n- 2\n- 3\n- 4\n");
}

static void test_operation_errors(void **state)
{
	(void)state;
	ASSERT_PATCHED("a: {b: [1]}\n",
		       "- {op: remove, path: /a/c}\n", true, "error\n"
		       "spec.yaml:1:3: error: p[0]: remove /a/c: /a/c does not "
		       "exist\n");
	ASSERT_PATCHED("a: {b: [1]}\n",
		       "- {op: test, path: /a/b, value: [2]}\n", true, "error\n"
		       "spec.yaml:1:3: error: p[0]: test /a/b failed: it is "
		       "[1], not [2]\n");
	ASSERT_PATCHED("a: {b: [1]}\n",
		       "- {op: add, path: /a/b/01, value: 1}\n"
		       "- {op: add, path: /a/b/2, value: 1}\n", true, "error\n"
		       "spec.yaml:1:3: error: p[0]: add /a/b/01: /a/b/01 is not "
		       "an index of the 1 items of the list\n");
	ASSERT_PATCHED("a: {b: [1]}\n",
		       "- {op: move, from: /a, path: /a/c}\n", true, "error\n"
		       "spec.yaml:1:3: error: p[0]: move from /a into /a/c: a "
		       "value cannot move into itself\n");
	ASSERT_PATCHED("a: 1\n", "- {op: add, path: '', value: 1}\n", true,
		       "error\nspec.yaml:1:3: error: p[0]: add : the whole "
		       "object cannot be patched\n");
	/* every fault of the list at once, before any operation runs */
	ASSERT_PATCHED("a: 1\n",
		       "- {op: add, path: a~2, value: 1}\n"
		       "- {op: add, path: /a~2}\n"
		       "- {op: rename, path: /a}\n"
		       "- {op: remove, path: /a, valeu: 1}\n", true, "error\n"
		       "spec.yaml:1:19: error: p[0].path: 'a~2' is not a JSON "
		       "pointer (it starts with '/', or is empty for the whole "
		       "object)\n"
		       "spec.yaml:2:3: error: p[1]: add needs a value\n"
		       "spec.yaml:2:19: error: p[1].path: '/a~2': '~' is not "
		       "followed by 0 or 1 (a JSON pointer writes '~' as '~0' "
		       "and '/' as '~1')\n"
		       "spec.yaml:3:8: error: p[2]: op: 'rename' is not a JSON "
		       "6902 operation (add, remove, replace, move, copy, "
		       "test)\n"
		       "spec.yaml:4:26: error: p[3].valeu: unknown key (an "
		       "operation has op, path, from and value)\n");
}

static void test_names_of_an_object_do_not_change(void **state)
{
	(void)state;
	ASSERT_PATCHED(DEPLOYMENT,
		       "- {op: add, path: /metadata/labels, value: {a: b}}\n"
		       "- {op: replace, path: /metadata/namespace, value: x}\n",
		       true, "error\n"
		       "spec.yaml:2:3: error: p[1]: replace /metadata/namespace "
		       "changes the object's metadata.namespace ('ns' to 'x'): "
		       "gwc's folder, selectors and checks hang on it, and a "
		       "patch may not change apiVersion, kind, metadata.name "
		       "or metadata.namespace\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maps_merge_and_null_deletes),
		cmocka_unit_test(test_containers_by_name_patch_first),
		cmocka_unit_test(test_env_by_name_with_delete),
		cmocka_unit_test(test_service_ports_by_port_and_protocol),
		cmocka_unit_test(test_directives),
		cmocka_unit_test(test_lists_without_merge_key_are_replaced),
		cmocka_unit_test(test_finalizers_merge_as_a_set),
		cmocka_unit_test(test_kinds_of_nodes_must_agree),
		cmocka_unit_test(test_merge_by_key_is_linear),
		cmocka_unit_test(test_every_operation),
		cmocka_unit_test(test_operation_errors),
		cmocka_unit_test(test_names_of_an_object_do_not_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
