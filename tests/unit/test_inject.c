/*
 * test_inject.c - istiod's injection offline: the strategic merge
 * (gw_k8s_merge), Go's typed round trip and encoding (gw_k8s_normalize,
 * gw_go_json_write), the sigs.k8s.io/yaml layout (gw_go_yaml_write), the status
 * annotation, quantity canonicalisation, and gw_inject_deployment() end to
 * end with templates that hold no actions, and its errors.
 */
#include "inject.h"
#include "unit.h"

#include "go.h"

struct fixture {
	struct gw_arena *arena;
	struct gw_diag diag;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->arena = gw_arena_new();
	gw_diag_init(&f->diag, f->arena);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	gw_arena_free(f->arena);
	free(f);
	return 0;
}

static struct gw_node *doc(struct fixture *f, const char *text)
{
	struct gw_node **docs;
	size_t n;

	assert_int_equal(gw_load_bytes(f->arena, &f->diag, "t.yaml", text,
				       strlen(text), &docs, &n), 0);
	assert_int_equal(n, 1);
	return docs[0];
}

static void assert_json(const struct gw_node *n, const char *want)
{
	struct gw_buf buf = { 0 };

	gw_go_json_write(&buf, n, GW_GO_JSON_HTML);
	gw_buf_add(&buf, "", 1);
	assert_string_equal(buf.data, want);
	gw_buf_release(&buf);
}

static void assert_yaml(struct fixture *f, const struct gw_node *n,
			const char *want)
{
	struct gw_buf buf = { 0 };

	(void)f;
	gw_go_yaml_write(&buf, n);
	gw_buf_add(&buf, "", 1);
	assert_string_equal(buf.data, want);
	gw_buf_release(&buf);
}

/* ---- strategic merge ---------------------------------------------------- */

static void test_merge_containers_by_name(void **state)
{
	struct fixture *f = *state;
	struct gw_node *pod = doc(f,
		"spec:\n"
		"  containers:\n"
		"  - {name: app, image: app:1}\n"
		"  - {name: istio-proxy, image: auto, imagePullPolicy: Never}\n");
	struct gw_node *tmpl = doc(f,
		"spec:\n"
		"  containers:\n"
		"  - {name: istio-proxy, image: proxyv2, args: [proxy]}\n");

	assert_json(gw_k8s_merge(f->arena, pod, tmpl, &gw_k8s_pod),
		    "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":"
		    "\"app:1\"},{\"name\":\"istio-proxy\",\"image\":\"proxyv2\","
		    "\"imagePullPolicy\":\"Never\",\"args\":[\"proxy\"]}]}}");
}

static void test_merge_env_by_name_mounts_by_mount_path(void **state)
{
	struct fixture *f = *state;
	struct gw_node *pod = doc(f,
		"spec:\n"
		"  containers:\n"
		"  - name: istio-proxy\n"
		"    env: [{name: A, value: user}, {name: B, value: b}]\n"
		"    volumeMounts: [{name: mine, mountPath: /etc/istio/proxy}]\n");
	struct gw_node *tmpl = doc(f,
		"spec:\n"
		"  containers:\n"
		"  - name: istio-proxy\n"
		"    env: [{name: C, value: c}, {name: A, value: tmpl}]\n"
		"    volumeMounts:\n"
		"    - {name: istio-envoy, mountPath: /etc/istio/proxy}\n"
		"    - {name: istio-data, mountPath: /var/lib/istio/data}\n");

	/* patch items in patch order; B, only in the pod, stays after A */
	assert_json(gw_k8s_merge(f->arena, pod, tmpl, &gw_k8s_pod),
		    "{\"spec\":{\"containers\":[{\"name\":\"istio-proxy\","
		    "\"env\":[{\"name\":\"C\",\"value\":\"c\"},{\"name\":\"A\","
		    "\"value\":\"tmpl\"},{\"name\":\"B\",\"value\":\"b\"}],"
		    "\"volumeMounts\":[{\"name\":\"istio-envoy\",\"mountPath\":"
		    "\"/etc/istio/proxy\"},{\"name\":\"istio-data\","
		    "\"mountPath\":\"/var/lib/istio/data\"}]}]}}");
}

static void test_merge_element_order(void **state)
{
	struct fixture *f = *state;
	struct gw_node *pod = doc(f,
		"spec: {volumes: [{name: a}, {name: b}, {name: c}]}\n");
	struct gw_node *tmpl = doc(f,
		"spec: {volumes: [{name: c}, {name: x}, {name: a}]}\n");

	assert_json(gw_k8s_merge(f->arena, pod, tmpl, &gw_k8s_pod),
		    "{\"spec\":{\"volumes\":[{\"name\":\"b\"},{\"name\":\"c\"},"
		    "{\"name\":\"x\"},{\"name\":\"a\"}]}}");
}

static void test_merge_template_wins_on_pod_fields(void **state)
{
	struct fixture *f = *state;
	struct gw_node *pod = doc(f,
		"metadata: {labels: {app: a}}\n"
		"spec:\n"
		"  securityContext:\n"
		"    runAsNonRoot: true\n"
		"    sysctls: [{name: net.ipv4.ip_unprivileged_port_start, "
		"value: '0'}]\n"
		"  tolerations: [{key: a}]\n"
		"  dnsPolicy: Default\n");
	struct gw_node *tmpl = doc(f,
		"metadata: {labels: {istio: x}}\n"
		"spec:\n"
		"  securityContext: {sysctls: []}\n"
		"  tolerations: [{key: b}]\n"
		"  dnsPolicy: null\n");

	/* lists without a merge key are replaced, null deletes */
	assert_json(gw_k8s_merge(f->arena, pod, tmpl, &gw_k8s_pod),
		    "{\"metadata\":{\"labels\":{\"app\":\"a\",\"istio\":\"x\"}},"
		    "\"spec\":{\"securityContext\":{\"runAsNonRoot\":true,"
		    "\"sysctls\":[]},\"tolerations\":[{\"key\":\"b\"}]}}");
}

/* ---- Go's typed round trip ------------------------------------------------ */

static void test_normalize_container(void **state)
{
	struct fixture *f = *state;
	struct gw_node *c = doc(f,
		"imagePullPolicy: IfNotPresent\n"
		"name: istio-proxy\n"
		"image: ''\n"
		"resources: {limits: {cpu: 2000m, memory: 1024Mi}, "
		"requests: {cpu: '1.5', memory: 128974848}}\n"
		"env: [{name: X, valueFrom: {resourceFieldRef: "
		"{resource: limits.cpu}}}]\n"
		"unknownField: kept\n");

	assert_json(gw_k8s_normalize(f->arena, c, &gw_k8s_container),
		    "{\"name\":\"istio-proxy\",\"env\":[{\"name\":\"X\","
		    "\"valueFrom\":{\"resourceFieldRef\":{\"resource\":"
		    "\"limits.cpu\",\"divisor\":\"0\"}}}],\"resources\":"
		    "{\"limits\":{\"cpu\":\"2\",\"memory\":\"1Gi\"},"
		    "\"requests\":{\"cpu\":\"1500m\",\"memory\":\"128974848\"}},"
		    "\"imagePullPolicy\":\"IfNotPresent\","
		    "\"unknownField\":\"kept\"}");
	assert_json(gw_k8s_normalize(f->arena, doc(f, "name: x\n"),
				     &gw_k8s_container),
		    "{\"name\":\"x\",\"resources\":{}}");
}

static void test_go_view(void **state)
{
	struct fixture *f = *state;
	struct gw_node *spec = doc(f,
		"containers:\n"
		"- name: gw\n"
		"  ports: [{containerPort: 80, name: http, protocol: TCP}]\n");
	struct gw_node *v = gw_k8s_go_view(f->arena, spec, &gw_k8s_pod_spec);
	struct gw_node *c = gw_map_get(v, "Containers")->u.seq.items[0];
	struct gw_node *p = gw_map_get(c, "Ports")->u.seq.items[0];

	assert_string_equal(gw_map_get(c, "Name")->u.str.s, "gw");
	assert_int_equal(gw_map_get(p, "ContainerPort")->u.i, 80);
	assert_int_equal(gw_map_get(p, "HostPort")->u.i, 0);
	assert_string_equal(gw_map_get(p, "HostIP")->u.str.s, "");
	assert_int_equal(gw_map_get(v, "SecurityContext")->kind, GW_NULL);
	assert_int_equal(gw_map_get(v, "NodeSelector")->kind, GW_MAP);
	assert_int_equal(gw_map_get(v, "DNSPolicy")->kind, GW_STR);
	/* structToJSON prints encoding/json's bytes, in struct order */
	assert_string_equal(p->src, "{\"name\":\"http\",\"containerPort\":80,"
			    "\"protocol\":\"TCP\"}");
}

/* ---- encoding ---------------------------------------------------------- */

static void test_json_escapes_as_go(void **state)
{
	struct fixture *f = *state;

	assert_json(gw_node_str(f->arena, "a<b>&\"\\\n\t\x01"),
		    "\"a\\u003cb\\u003e\\u0026\\\"\\\\\\n\\t\\u0001\"");
}

static void test_yaml_layout(void **state)
{
	struct fixture *f = *state;
	struct gw_node *n = doc(f,
		"{\"b\": {\"x10\": 1, \"x9\": 2, \"X\": 3, \"a-b\": 4, "
		"\"a.b\": 5},\n"
		" \"a\": [{\"k\": \"15020\", \"l\": [\"true\", \"yes\", \"1.5\", "
		"\"1.2.3\", \"\", \"0x1F\", \"1:20\"]}, [], {}],\n"
		" \"c\": \"{\\\"a\\\":1}\", \"d\": \"it's\", \"e\": \" lead\",\n"
		" \"f\": \"line1\\nline2\\n\", \"g\": \"no newline\\nend\",\n"
		" \"h\": \"tab\\there\", \"i\": \"- x\", \"j\": \"a: b\",\n"
		" \"k\": \"kubernetes://apis/apps/v1\", \"l\": null}\n");

	assert_yaml(f, n,
		    "a:\n"
		    "- k: \"15020\"\n"
		    "  l:\n"
		    "  - \"true\"\n"
		    "  - \"yes\"\n"
		    "  - \"1.5\"\n"
		    "  - 1.2.3\n"
		    "  - \"\"\n"
		    "  - \"0x1F\"\n"
		    "  - \"1:20\"\n"
		    "- []\n"
		    "- {}\n"
		    "b:\n"
		    "  X: 3\n"
		    "  a-b: 4\n"
		    "  a.b: 5\n"
		    "  x9: 2\n"
		    "  x10: 1\n"
		    "c: '{\"a\":1}'\n"
		    "d: it's\n"
		    "e: ' lead'\n"
		    "f: |\n"
		    "  line1\n"
		    "  line2\n"
		    "g: |-\n"
		    "  no newline\n"
		    "  end\n"
		    "h: \"tab\\there\"\n"
		    "i: '- x'\n"
		    "j: 'a: b'\n"
		    "k: kubernetes://apis/apps/v1\n"
		    "l: null\n");
}

static void test_yaml_folds_long_plain_strings(void **state)
{
	struct fixture *f = *state;
	struct gw_node *n = doc(f,
		"k: aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee "
		"ffffffffff gggggggggg hhhhhhhhhh iiiiiiiiii\n");

	/* go-yaml breaks at the first space past column 80 */
	assert_yaml(f, n,
		    "k: aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee "
		    "ffffffffff gggggggggg hhhhhhhhhh\n"
		    "  iiiiiiiiii\n");
}

/* ---- status annotation and quantities ------------------------------------ */

static void test_status_annotation(void **state)
{
	struct fixture *f = *state;
	struct gw_node *spec = doc(f,
		"containers: [{name: istio-proxy}]\n"
		"initContainers: [{name: istio-init}]\n"
		"volumes: [{name: istio-envoy}, {name: istio-data}]\n"
		"imagePullSecrets: [{name: pull}]\n");

	assert_string_equal(gw_inject_status(f->arena, spec, "canary"),
			    "{\"initContainers\":[\"istio-init\"],\"containers\":"
			    "[\"istio-proxy\"],\"volumes\":[\"istio-envoy\","
			    "\"istio-data\"],\"imagePullSecrets\":[\"pull\"],"
			    "\"revision\":\"canary\"}");
	assert_string_equal(gw_inject_status(f->arena, gw_node_map(f->arena),
					     NULL),
			    "{\"initContainers\":null,\"containers\":null,"
			    "\"volumes\":null,\"imagePullSecrets\":null,"
			    "\"revision\":\"default\"}");
}

static void test_quantity_canonical(void **state)
{
	static const char *const cases[][2] = {
		{ "2000m", "2" }, { "100m", "100m" }, { "1024Mi", "1Gi" },
		{ "128Mi", "128Mi" }, { "1000Mi", "1000Mi" }, { "1.5", "1500m" },
		{ "0.1", "100m" }, { "1000", "1k" }, { "1200", "1200" },
		{ "1e3", "1e3" }, { "1.5Gi", "1536Mi" }, { "0", "0" },
		{ "0Gi", "0" }, { "512", "512" }, { "0.5Ki", "512" },
		{ "2048Ki", "2Mi" }, { "1G", "1G" }, { "-100m", "-100m" },
		{ "1E", "1E" }, { "10Ki", "10Ki" }, { "1500k", "1500k" },
		{ "0.000001", "1u" },
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *got = gw_quantity_canonical(f->arena, cases[i][0]);

		if (!got || strcmp(got, cases[i][1]))
			fail_msg("%s: want %s, got %s", cases[i][0],
				 cases[i][1], got ? got : "NULL");
	}
	assert_null(gw_quantity_canonical(f->arena, "1x"));
}

/* ---- gw_inject_deployment end to end ------------------------------------ */

static const char plain_config[] =
	"policy: enabled\n"
	"templates:\n"
	"  gateway: |\n"
	"    metadata:\n"
	"      labels: {service.istio.io/canonical-revision: latest}\n"
	"    spec:\n"
	"      securityContext:\n"
	"        sysctls:\n"
	"        - {name: net.ipv4.ip_unprivileged_port_start, value: \"0\"}\n"
	"      containers:\n"
	"      - name: istio-proxy\n"
	"        image: hub/proxyv2:1\n"
	"        securityContext: {runAsUser: 1337, runAsGroup: 1337}\n"
	"        resources: {limits: {cpu: 2000m}}\n"
	"        volumeMounts: [{name: istio-envoy, mountPath: /etc/istio/proxy}]\n"
	"      volumes: [{name: istio-envoy, emptyDir: {medium: Memory}}]\n";

static char *inject(struct fixture *f, const char *config, const char *deploy,
		    int want)
{
	struct gw_inject_config *cfg = gw_inject_config_new(f->arena);
	struct gw_buf out = { 0 };
	char *text;

	if (gw_inject_load_config(cfg, &f->diag, "config.yaml", config,
				  strlen(config)) ||
	    gw_inject_load_values(cfg, &f->diag, "values.yaml", "{}", 2) ||
	    gw_inject_load_mesh(cfg, &f->diag, "mesh.yaml", "", 0)) {
		assert_int_equal(want, -1);
		return unit_diag_text(&f->diag);
	}
	assert_int_equal(gw_inject_deployment(f->arena, &f->diag, cfg, NULL,
					      doc(f, deploy), &out), want);
	if (want) {
		gw_buf_release(&out);
		return unit_diag_text(&f->diag);
	}
	gw_buf_add(&out, "", 1);
	text = strdup(out.data);
	gw_buf_release(&out);
	return text;
}

static void test_inject_reapplies_user_container(void **state)
{
	struct fixture *f = *state;
	char *got = inject(f, plain_config,
		"apiVersion: apps/v1\n"
		"kind: Deployment\n"
		"metadata: {name: gw, namespace: ns}\n"
		"spec:\n"
		"  selector: {matchLabels: {istio: gw}}\n"
		"  template:\n"
		"    metadata:\n"
		"      annotations: {inject.istio.io/templates: gateway}\n"
		"      labels: {istio: gw}\n"
		"    spec:\n"
		"      securityContext: {sysctls: []}\n"
		"      containers:\n"
		"      - name: istio-proxy\n"
		"        image: auto\n"
		"        securityContext: {runAsUser: 1000, runAsNonRoot: true}\n"
		"        resources: {limits: {cpu: 1000m}}\n", 0);

	assert_string_equal(got,
		"apiVersion: apps/v1\n"
		"kind: Deployment\n"
		"metadata:\n"
		"  creationTimestamp: null\n"
		"  name: gw\n"
		"  namespace: ns\n"
		"spec:\n"
		"  selector:\n"
		"    matchLabels:\n"
		"      istio: gw\n"
		"  strategy: {}\n"
		"  template:\n"
		"    metadata:\n"
		"      annotations:\n"
		"        inject.istio.io/templates: gateway\n"
		"        prometheus.io/path: /stats/prometheus\n"
		"        prometheus.io/port: \"15020\"\n"
		"        prometheus.io/scrape: \"true\"\n"
		"        proxy.istio.io/overrides: '{\"containers\":[{\"name\":"
		"\"istio-proxy\",\"resources\":{\"limits\":{\"cpu\":\"1\"}},"
		"\"securityContext\":{\"runAsUser\":1000,\"runAsNonRoot\":true}}]}'\n"
		"        sidecar.istio.io/status: '{\"initContainers\":null,"
		"\"containers\":[\"istio-proxy\"],\"volumes\":[\"istio-envoy\"],"
		"\"imagePullSecrets\":null,\"revision\":\"default\"}'\n"
		"      creationTimestamp: null\n"
		"      labels:\n"
		"        istio: gw\n"
		"        service.istio.io/canonical-revision: latest\n"
		"    spec:\n"
		"      containers:\n"
		"      - image: hub/proxyv2:1\n"
		"        name: istio-proxy\n"
		"        resources:\n"
		"          limits:\n"
		"            cpu: \"1\"\n"
		"        securityContext:\n"
		"          runAsGroup: 1337\n"
		"          runAsNonRoot: true\n"
		"          runAsUser: 1000\n"
		"        volumeMounts:\n"
		"        - mountPath: /etc/istio/proxy\n"
		"          name: istio-envoy\n"
		"      securityContext:\n"
		"        sysctls:\n"
		"        - name: net.ipv4.ip_unprivileged_port_start\n"
		"          value: \"0\"\n"
		"      volumes:\n"
		"      - emptyDir:\n"
		"          medium: Memory\n"
		"        name: istio-envoy\n"
		"status: {}\n"
		"---\n");
	free(got);
}

static void test_inject_prometheus_merge(void **state)
{
	struct fixture *f = *state;
	char *got = inject(f, plain_config,
		"apiVersion: apps/v1\n"
		"kind: Deployment\n"
		"metadata: {name: gw}\n"
		"spec:\n"
		"  template:\n"
		"    metadata:\n"
		"      annotations:\n"
		"        inject.istio.io/templates: gateway\n"
		"        prometheus.io/scrape: 'true'\n"
		"        prometheus.io.port: '9090'\n"
		"    spec: {containers: [{name: app, image: app}]}\n", 0);
	/* the app's scrape settings move to the agent, the annotations (every
	 * spelling Prometheus accepts) point at it; the proxy goes last */
	assert_non_null(strstr(got,
		"      - image: app\n"
		"        name: app\n"
		"        resources: {}\n"
		"      - env:\n"
		"        - name: ISTIO_PROMETHEUS_ANNOTATIONS\n"
		"          value: '{\"scrape\":\"true\",\"path\":\"\","
		"\"port\":\"9090\"}'\n"
		"        image: hub/proxyv2:1\n"));
	assert_non_null(strstr(got,
		"      annotations:\n"
		"        inject.istio.io/templates: gateway\n"
		"        prometheus.io/path: /stats/prometheus\n"
		"        prometheus.io/port: \"15020\"\n"
		"        prometheus.io/scrape: \"true\"\n"
		"        sidecar.istio.io/status:"));
	free(got);
}

static void test_inject_errors(void **state)
{
	struct fixture *f = *state;
	static const char deploy[] =
		"apiVersion: apps/v1\n"
		"kind: Deployment\n"
		"metadata: {name: gw}\n"
		"spec:\n"
		"  template:\n"
		"    metadata: {annotations: {inject.istio.io/templates: "
		"'gateway, nope'}}\n"
		"    spec: {containers: [{name: istio-proxy}]}\n";
	char *got;

	got = inject(f, plain_config, deploy, -1);
	assert_string_equal(got, "t.yaml:1:1: error: requested template "
			    "\"nope\" not found; have gateway\n");
	free(got);
	got = inject(f, plain_config, "kind: Service\n", -1);
	assert_string_equal(got, "t.yaml:1:1: error: kind: expected "
			    "Deployment, found 'Service'\n");
	free(got);
	got = inject(f, "- a\n", deploy, -1);
	assert_string_equal(got, "config.yaml:1:1: error: injector config: "
			    "expected object, found array\n");
	free(got);
	got = inject(f, "templates: {gateway: [a]}\n", deploy, -1);
	assert_string_equal(got, "config.yaml:1:22: error: templates.gateway: "
			    "expected string, found array\n");
	free(got);
	/* the engine's own message, at the template in the config */
	got = inject(f, "templates:\n  gateway: |\n    spec: {{ .Foo\n", deploy,
		     -1);
	assert_string_equal(got, "config.yaml:2:12: error: templates.gateway: "
			    "template: inject:2: unclosed action started at "
			    "inject:1\n");
	free(got);
	/* a missing value prints "<no value>", as Go's does: not a pod */
	got = inject(f, "templates:\n  gateway: '{{ .Values.global.x }}'\n",
		     deploy, -1);
	assert_string_equal(got, "templates.gateway (rendered):1:1: error: "
			    "rendered template: expected object, found "
			    "string\n");
	free(got);
	got = inject(f, "templates:\n  gateway: |\n    spec: [\n", deploy, -1);
	assert_string_equal(got, "templates.gateway (rendered):2:1: error: "
			    "did not find expected node content while parsing a flow node\n");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_merge_containers_by_name,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_merge_env_by_name_mounts_by_mount_path, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_merge_element_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_merge_template_wins_on_pod_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_normalize_container,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_go_view, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_escapes_as_go, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_yaml_layout, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_yaml_folds_long_plain_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_annotation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_quantity_canonical, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_inject_reapplies_user_container, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inject_prometheus_merge,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_inject_errors, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
