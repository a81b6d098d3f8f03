/*
 * test_check.c - gw_check_gateway(): every semantic check on a schema-valid
 * inline spec, with its exact diagnostic (position, path and message) and
 * the error count it returns.
 */
#include "unit.h"

/* Runs the checks on UNIT_HEAD + @rest; compares text and error count. */
static void check(const char *rest, const char *want, unsigned want_errors)
{
	struct gw_buf spec = { 0 };
	unsigned errors = 99;
	char *got;

	gw_buf_puts(&spec, UNIT_HEAD);
	gw_buf_puts(&spec, rest);
	got = unit_check(spec.data, &errors);
	assert_string_equal(got, want);
	assert_int_equal(errors, want_errors);
	free(got);
	gw_buf_release(&spec);
}

/* The same for a whole spec (own metadata line). */
static void check_whole(const char *spec, const char *want,
			unsigned want_errors)
{
	unsigned errors = 99;
	char *got = unit_check(spec, &errors);

	assert_string_equal(got, want);
	assert_int_equal(errors, want_errors);
	free(got);
}

#define HPA_DEFAULT_WARNING(line, col) \
	"spec.yaml:" #line ":" #col ": warning: spec.autoscaling: the CPU " \
	"target is 80% of the request 100m, so scaling starts at 80m, 4% of " \
	"the limit 2000m\n"

/* ---- spec.canary ---------------------------------------------------------- */

/* The pods of a total split by a weight: rounded half up, one for each
 * track with a share, none of a gateway scaled to zero. */
static void test_canary_split(void **state)
{
	static const struct { long total, weight, main, canary; } cases[] = {
		{ 10, 10, 9, 1 }, { 20, 10, 18, 2 }, { 4, 25, 3, 1 },
		{ 2, 25, 1, 1 },	/* 0.5 rounds up */
		{ 6, 25, 4, 2 },	/* 1.5 rounds up */
		{ 5, 10, 4, 1 },	/* 0.5 */
		{ 3, 10, 2, 1 },	/* 0.3: the canary's one pod */
		{ 1, 10, 1, 1 },	/* and the main's: one more */
		{ 1, 99, 1, 1 }, { 10, 99, 1, 10 },	/* 9.9 -> 10, main 1 */
		{ 3, 0, 3, 0 }, { 3, 100, 0, 3 }, { 1, 100, 0, 1 },
		{ 0, 50, 0, 0 }, { 0, 100, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		long main, canary;

		gw_model_split(cases[i].total, cases[i].weight, &main, &canary);
		assert_int_equal(main, cases[i].main);
		assert_int_equal(canary, cases[i].canary);
	}
}

/* The note says the split when it is not the weight, or larger than the
 * spec's replicas; nothing when it is exact or a track has no share. */
static void test_canary_split_note(void **state)
{
	(void)state;
	check("spec:\n"
	      "  controlPlane: {revision: a}\n"
	      "  deployment: {replicas: 8}\n"
	      "  canary: {revision: b, weight: 25}\n", "", 0);
	check("spec:\n"
	      "  controlPlane: {revision: a}\n"
	      "  deployment: {replicas: 0}\n"
	      "  canary: {revision: b, weight: 25}\n", "", 0);
	check("spec:\n"
	      "  controlPlane: {revision: a}\n"
	      "  canary: {revision: b, weight: 100}\n", "", 0);
	check("spec:\n"
	      "  controlPlane: {revision: a}\n"
	      "  deployment: {replicas: 7}\n"
	      "  canary: {revision: b, weight: 25}\n",
	      "spec.yaml:7:33: note: spec.canary.weight: the canary runs 2 of "
	      "7 pods (29%), not 25%: give spec.deployment.replicas a "
	      "multiple of 4 for 25%\n", 0);
	check("spec:\n"
	      "  controlPlane: {revision: a}\n"
	      "  deployment: {replicas: 1}\n"
	      "  canary: {revision: b, weight: 50}\n",
	      "spec.yaml:7:33: note: spec.canary.weight: the canary runs 1 of "
	      "2 pods (50%), one more than spec.deployment.replicas 1 so that "
	      "each revision runs one\n", 0);
	check("spec:\n"
	      "  controlPlane: {revision: a}\n"
	      "  autoscaling: {minReplicas: 4, maxReplicas: 8}\n"
	      "  deployment: {resources: {requests: {cpu: \"1\"}}}\n"
	      "  canary: {revision: b, weight: 25}\n", "", 0);
	check("spec:\n"
	      "  controlPlane: {revision: a}\n"
	      "  autoscaling: {minReplicas: 1, maxReplicas: 8}\n"
	      "  deployment: {resources: {requests: {cpu: \"1\"}}}\n"
	      "  canary: {revision: b, weight: 25}\n",
	      "spec.yaml:8:33: note: spec.canary.weight: each track has its "
	      "own autoscaler: the canary runs 1 of 2 pods (50%) at "
	      "minReplicas and 2 of 8 pods (25%) at maxReplicas, not 25%, "
	      "more than spec.autoscaling's 1 and 8 so that each revision "
	      "runs one: give spec.autoscaling.minReplicas and maxReplicas "
	      "multiples of 4 for 25%\n", 0);
}

/* istiod labels a pod with its Deployment's name unless the pod has a
 * label that names the workload: "<name>-canary" must be a label value. */
static void test_canary_name_length(void **state)
{
	static const char *const name56 =
		"g2345678901234567890123456789012345678901234567890123456";
	char spec[1024];

	(void)state;
	snprintf(spec, sizeof(spec), "apiVersion: gwc.dev/v1alpha1\n"
		 "kind: GatewaySpec\n"
		 "metadata: {name: %s, namespace: ns}\n"
		 "spec:\n"
		 "  controlPlane: {revision: a}\n"
		 "  deployment: {replicas: 2}\n"
		 "  canary: {revision: b, weight: 50}\n", name56);
	check_whole(spec, "", 0);
	snprintf(spec, sizeof(spec), "apiVersion: gwc.dev/v1alpha1\n"
		 "kind: GatewaySpec\n"
		 "metadata: {name: %s7, namespace: ns}\n"
		 "spec:\n"
		 "  controlPlane: {revision: a}\n"
		 "  deployment: {replicas: 2}\n"
		 "  canary: {revision: b, weight: 50}\n", name56);
	check_whole(spec, "spec.yaml:3:18: error: metadata.name: istiod labels "
		    "each pod with the name of its Deployment "
		    "(service.istio.io/canonical-name, at most 63 characters), "
		    "and the canary's, "
		    "'g23456789012345678901234567890123456789012345678901234567"
		    "-canary', has 64, so its pods would be refused; give a name "
		    "of at most 56 characters, or spec.deployment.podLabels "
		    "app\n", 1);
	snprintf(spec, sizeof(spec), "apiVersion: gwc.dev/v1alpha1\n"
		 "kind: GatewaySpec\n"
		 "metadata: {name: %s7, namespace: ns}\n"
		 "spec:\n"
		 "  controlPlane: {revision: a}\n"
		 "  deployment: {replicas: 2, podLabels: {app: edge}}\n"
		 "  canary: {revision: b, weight: 50}\n", name56);
	check_whole(spec, "", 0);
}

/* ---- a clean spec -------------------------------------------------------- */

static void test_clean_specs_report_nothing(void **state)
{
	(void)state;
	check("", "", 0);
	check("spec:\n"
	      "  service:\n"
	      "    type: LoadBalancer\n"
	      "    loadBalancerIP: 10.0.0.1\n"
	      "    ports:\n"
	      "    - {name: status-port, port: 15021}\n"
	      "    - {name: http2, port: 80, targetPort: 8080}\n"
	      "    - {name: https, port: 443, targetPort: 8443}\n"
	      "    - {name: tcp-db, port: 5432, nodePort: 30432}\n"
	      "  servers:\n"
	      "  - {port: 80, protocol: HTTP, hosts: [\"*\"]}\n"
	      "  - port: 443\n"
	      "    protocol: HTTPS\n"
	      "    hosts: [example.com]\n"
	      "    tls: {mode: SIMPLE, credentialName: cert}\n"
	      "  deployment:\n"
	      "    replicas: 3\n"
	      "    resources:\n"
	      "      requests: {cpu: 500m, memory: 256Mi}\n"
	      "      limits: {cpu: \"1\", memory: 1Gi}\n"
	      "  podDisruptionBudget: {minAvailable: 2}\n"
	      "  nodes: {kernelVersion: 3.10.0-1160.el7.x86_64}\n"
	      "  namespace:\n"
	      "    labels: {istio-injection: enabled}\n", "", 0);
}

/* ---- names --------------------------------------------------------------- */

static void test_namespace_of_the_control_plane(void **state)
{
	(void)state;
	check_whole("apiVersion: gwc.dev/v1alpha1\n"
		    "kind: GatewaySpec\n"
		    "metadata: {name: gw, namespace: istio-system}\n",
		    "spec.yaml:3:33: error: metadata.namespace: the gateway "
		    "must not be installed in the control plane namespace "
		    "'istio-system'\n", 1);
	check_whole("apiVersion: gwc.dev/v1alpha1\n"
		    "kind: GatewaySpec\n"
		    "metadata: {name: gw, namespace: mesh}\n"
		    "spec:\n"
		    "  controlPlane: {namespace: mesh}\n",
		    "spec.yaml:3:33: error: metadata.namespace: the gateway "
		    "must not be installed in the control plane namespace "
		    "'mesh'\n", 1);
	/* istio-system is fine when the control plane lives elsewhere */
	check_whole("apiVersion: gwc.dev/v1alpha1\n"
		    "kind: GatewaySpec\n"
		    "metadata: {name: gw, namespace: istio-system}\n"
		    "spec:\n"
		    "  controlPlane: {namespace: mesh}\n", "", 0);
}

static void test_name_starting_with_a_digit(void **state)
{
	(void)state;
	check_whole("apiVersion: gwc.dev/v1alpha1\n"
		    "kind: GatewaySpec\n"
		    "metadata:\n"
		    "  name: 1gw\n"
		    "  namespace: 2ns\n",
		    "spec.yaml:4:9: error: metadata.name: '1gw' cannot name a "
		    "Service (a DNS-1035 label starts with a letter)\n", 1);
}

static void test_duplicate_route_names(void **state)
{
	(void)state;
	check("spec:\n"
	      "  routes:\n"
	      "  - name: web\n"
	      "    hosts: [a.example.com]\n"
	      "    http: [{route: [{destination: {host: a}}]}]\n"
	      "  - name: api\n"
	      "    hosts: [b.example.com]\n"
	      "    http: [{route: [{destination: {host: b}}]}]\n"
	      "  - name: web\n"
	      "    hosts: [c.example.com]\n"
	      "    http: [{route: [{destination: {host: c}}]}]\n",
	      "spec.yaml:12:11: error: spec.routes[2].name: duplicate "
	      "VirtualService name 'web' (also spec.routes[0])\n", 1);
}

/* ---- the Service --------------------------------------------------------- */

static void test_duplicate_port_numbers_and_names(void **state)
{
	(void)state;
	check("spec:\n"
	      "  service:\n"
	      "    ports:\n"
	      "    - {name: http2, port: 80}\n"
	      "    - {name: http2, port: 80}\n"
	      "    - {name: https, port: 443}\n"
	      "    - {name: tcp-a, port: 443}\n",
	      "spec.yaml:8:14: error: spec.service.ports[1].name: duplicate "
	      "port name 'http2' (also spec.service.ports[0])\n"
	      "spec.yaml:8:27: error: spec.service.ports[1].port: duplicate "
	      "port 80 (also spec.service.ports[0])\n"
	      "spec.yaml:10:27: error: spec.service.ports[3].port: duplicate "
	      "port 443 (also spec.service.ports[2])\n", 3);
	/* the same number over another protocol is another port */
	check("spec:\n"
	      "  service:\n"
	      "    ports:\n"
	      "    - {name: tcp-dns, port: 53}\n"
	      "    - {name: udp-dns, port: 53, protocol: UDP}\n", "", 0);
}

static void test_unknown_port_name_prefix_warns(void **state)
{
	(void)state;
	check("spec:\n"
	      "  service:\n"
	      "    ports:\n"
	      "    - {name: status-port, port: 15021}\n"
	      "    - {name: web, port: 80}\n"
	      "    - {name: https-web, port: 443}\n"
	      "    - {name: httpx, port: 81}\n"
	      "    - {name: grpc-web, port: 82}\n"
	      "    - {name: tls, port: 15443}\n"
	      "    - {name: mongo-x, port: 27017}\n",
	      "spec.yaml:8:14: warning: spec.service.ports[1].name: 'web' has "
	      "no protocol prefix Istio knows (http, http2, https, grpc, tcp, "
	      "tls, ...); Istio will sniff the protocol of traffic to it\n"
	      "spec.yaml:10:14: warning: spec.service.ports[3].name: 'httpx' "
	      "has no protocol prefix Istio knows (http, http2, https, grpc, "
	      "tcp, tls, ...); Istio will sniff the protocol of traffic to "
	      "it\n", 0);
}

static void test_node_port_on_cluster_ip(void **state)
{
	(void)state;
	check("spec:\n"
	      "  service:\n"
	      "    ports:\n"
	      "    - name: http2\n"
	      "      port: 80\n"
	      "      nodePort: 30080\n",
	      "spec.yaml:9:17: error: spec.service.ports[0].nodePort: a "
	      "ClusterIP Service has no node ports\n", 1);
	check("spec:\n"
	      "  service:\n"
	      "    type: NodePort\n"
	      "    ports: [{name: http2, port: 80, nodePort: 30080}]\n", "", 0);
}

static void test_load_balancer_settings_on_other_types(void **state)
{
	(void)state;
	check("spec:\n"
	      "  service:\n"
	      "    loadBalancerIP: 10.0.0.1\n",
	      "spec.yaml:6:21: error: spec.service.loadBalancerIP: only a "
	      "LoadBalancer Service has one (type is ClusterIP)\n", 1);
	check("spec:\n"
	      "  service:\n"
	      "    type: NodePort\n"
	      "    loadBalancerIP: 10.0.0.1\n"
	      "    loadBalancerSourceRanges: [10.0.0.0/8]\n"
	      "    externalTrafficPolicy: Local\n",
	      "spec.yaml:7:21: error: spec.service.loadBalancerIP: only a "
	      "LoadBalancer Service has one (type is NodePort)\n"
	      "spec.yaml:8:31: error: spec.service.loadBalancerSourceRanges: "
	      "only a LoadBalancer Service has them (type is NodePort)\n", 2);
	check("spec:\n"
	      "  service:\n"
	      "    externalTrafficPolicy: Local\n",
	      "spec.yaml:6:28: error: spec.service.externalTrafficPolicy: a "
	      "ClusterIP Service has no external traffic\n", 1);
}

/* ---- servers ------------------------------------------------------------- */

static void test_server_port_not_in_service(void **state)
{
	(void)state;
	check("spec:\n"
	      "  servers:\n"
	      "  - {port: 8080, protocol: HTTP, hosts: [\"*\"]}\n",
	      "spec.yaml:6:12: error: spec.servers[0].port: 8080 is not a port "
	      "of the gateway Service (15021, 80, 443)\n", 1);
	/* egress gateways have 15443 too */
	check("spec:\n"
	      "  direction: egress\n"
	      "  servers:\n"
	      "  - {port: 15443, protocol: TLS, hosts: [\"*\"], tls: {mode: "
	      "AUTO_PASSTHROUGH}}\n", "", 0);
	check("spec:\n"
	      "  servers:\n"
	      "  - {port: 15443, protocol: TLS, hosts: [\"*\"], tls: {mode: "
	      "PASSTHROUGH}}\n",
	      "spec.yaml:6:12: error: spec.servers[0].port: 15443 is not a "
	      "port of the gateway Service (15021, 80, 443)\n", 1);
}

static void test_server_protocol_against_port_name(void **state)
{
	(void)state;
	check("spec:\n"
	      "  servers:\n"
	      "  - {port: 80, protocol: TCP, hosts: [\"*\"]}\n",
	      "spec.yaml:6:12: warning: spec.servers[0].port: Service port "
	      "'http2' is named for another protocol than TCP; mesh clients "
	      "will send the wrong protocol to it\n", 0);
	check("spec:\n"
	      "  servers:\n"
	      "  - {port: 80, protocol: GRPC, hosts: [\"*\"]}\n"
	      "  - {port: 80, name: http2-a, protocol: HTTP2, "
	      "hosts: [a.example.com]}\n"
	      "  - port: 443\n"
	      "    protocol: TLS\n"
	      "    hosts: [\"*\"]\n"
	      "    tls: {mode: PASSTHROUGH}\n", "", 0);
}

static void test_https_server_without_tls_mode(void **state)
{
	(void)state;
	check("spec:\n"
	      "  servers:\n"
	      "  - port: 443\n"
	      "    protocol: HTTPS\n"
	      "    hosts: [\"*\"]\n"
	      "  - port: 443\n"
	      "    protocol: TLS\n"
	      "    hosts: [a.example.com]\n"
	      "    tls: {credentialName: cert}\n"
	      "    name: tls-a\n",
	      "spec.yaml:6:5: error: spec.servers[0]: protocol HTTPS needs "
	      "tls.mode\n"
	      "spec.yaml:9:5: error: spec.servers[1]: protocol TLS needs "
	      "tls.mode\n", 2);
}

static void test_simple_tls_without_credential_name(void **state)
{
	(void)state;
	check("spec:\n"
	      "  servers:\n"
	      "  - port: 443\n"
	      "    protocol: HTTPS\n"
	      "    hosts: [\"*\"]\n"
	      "    tls: {mode: SIMPLE}\n"
	      "  - port: 443\n"
	      "    protocol: HTTPS\n"
	      "    hosts: [a.example.com]\n"
	      "    tls:\n"
	      "      mode: MUTUAL\n"
	      "    name: https-a\n"
	      "  - port: 443\n"
	      "    protocol: HTTPS\n"
	      "    hosts: [b.example.com]\n"
	      "    tls: {mode: ISTIO_MUTUAL}\n"
	      "    name: https-b\n",
	      "spec.yaml:9:10: error: spec.servers[0].tls: mode SIMPLE needs "
	      "credentialName (the Secret with the certificate)\n"
	      "spec.yaml:14:7: error: spec.servers[1].tls: mode MUTUAL needs "
	      "credentialName (the Secret with the certificate)\n", 2);
}

/* ---- resources ----------------------------------------------------------- */

static void test_requests_above_limits(void **state)
{
	(void)state;
	check("spec:\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {cpu: \"3\", memory: 2Gi}\n"
	      "      limits: {cpu: 2000m, memory: 1024Mi}\n",
	      "spec.yaml:7:23: error: spec.deployment.resources.requests.cpu: "
	      "request 3 is above the limit 2000m\n"
	      "spec.yaml:7:36: error: spec.deployment.resources.requests."
	      "memory: request 2Gi is above the limit 1024Mi\n", 2);
	/* equal is fine, and units do not matter */
	check("spec:\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {cpu: \"2\", memory: 1Gi}\n"
	      "      limits: {cpu: 2000m, memory: 1024Mi}\n", "", 0);
	/* against the default limits */
	check("spec:\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {cpu: \"4\"}\n",
	      "spec.yaml:7:23: error: spec.deployment.resources.requests.cpu: "
	      "request 4 is above the default limit 2000m\n", 1);
	/* a limit below the default request */
	check("spec:\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      limits: {cpu: 50m}\n",
	      "spec.yaml:7:21: error: spec.deployment.resources.limits.cpu: "
	      "request 100m is above the limit 50m\n", 1);
}

/* ---- autoscaling --------------------------------------------------------- */

static void test_hpa_min_above_max(void **state)
{
	(void)state;
	check("spec:\n"
	      "  autoscaling:\n"
	      "    minReplicas: 6\n"
	      "    maxReplicas: 3\n"
	      "    targetCPUUtilizationPercentage: 80\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {cpu: \"1\"}\n",
	      "spec.yaml:6:18: error: spec.autoscaling.minReplicas: 6 is above "
	      "maxReplicas 3\n", 1);
	check("spec:\n"
	      "  autoscaling: {minReplicas: 6}\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {cpu: \"1\"}\n",
	      "spec.yaml:5:30: error: spec.autoscaling.minReplicas: 6 is above "
	      "the default maxReplicas 5\n", 1);
}

static void test_hpa_cpu_target_without_cpu_request(void **state)
{
	(void)state;
	check("spec:\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {memory: 128Mi}\n"
	      "  autoscaling:\n"
	      "    targetCPUUtilizationPercentage: 50\n",
	      "spec.yaml:9:37: error: spec.autoscaling."
	      "targetCPUUtilizationPercentage: a CPU target needs a CPU "
	      "request (the target is a percentage of it), and spec."
	      "deployment.resources.requests has no cpu (it replaces the "
	      "default as a whole)\n", 1);
	check("spec:\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {memory: 128Mi}\n"
	      "  autoscaling: {}\n",
	      "spec.yaml:8:16: error: spec.autoscaling: the default CPU target "
	      "(80%) needs a CPU request (the target is a percentage of it), "
	      "and spec.deployment.resources.requests has no cpu (it replaces "
	      "the default as a whole)\n", 1);
	check("spec:\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {cpu: \"1\"}\n"
	      "  autoscaling:\n"
	      "    targetMemoryUtilizationPercentage: 70\n",
	      "spec.yaml:9:40: error: spec.autoscaling."
	      "targetMemoryUtilizationPercentage: a memory target needs a "
	      "memory request (the target is a percentage of it), and spec."
	      "deployment.resources.requests has no memory (it replaces the "
	      "default as a whole)\n", 1);
	/* a memory target alone needs no CPU request */
	check("spec:\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {memory: 128Mi}\n"
	      "  autoscaling:\n"
	      "    targetMemoryUtilizationPercentage: 70\n", "", 0);
}

static void test_hpa_cpu_target_against_limit_warns(void **state)
{
	(void)state;
	/* the seed's values: 80% of the 100m request is 4% of the limit */
	check("spec:\n"
	      "  autoscaling: {}\n", HPA_DEFAULT_WARNING(5, 16), 0);
	check("spec:\n"
	      "  autoscaling:\n"
	      "    targetCPUUtilizationPercentage: 50\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {cpu: 249m}\n"
	      "      limits: {cpu: \"2\"}\n",
	      "spec.yaml:6:37: warning: spec.autoscaling: the CPU target is "
	      "50% of the request 249m, so scaling starts at 124m, 6% of the "
	      "limit 2\n", 0);
	/* from a tenth of the limit on, no warning */
	check("spec:\n"
	      "  autoscaling:\n"
	      "    targetCPUUtilizationPercentage: 80\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {cpu: 250m}\n"
	      "      limits: {cpu: \"2\"}\n", "", 0);
}

static void test_replicas_with_hpa_warns(void **state)
{
	(void)state;
	check("spec:\n"
	      "  deployment:\n"
	      "    replicas: 3\n"
	      "    resources:\n"
	      "      requests: {cpu: \"1\"}\n"
	      "  autoscaling: {}\n",
	      "spec.yaml:6:15: warning: spec.deployment.replicas: left out of "
	      "the Deployment because spec.autoscaling manages the replica "
	      "count\n", 0);
}

/* ---- PodDisruptionBudget ------------------------------------------------- */

static void test_pdb_min_available_blocks_eviction(void **state)
{
	(void)state;
	/* {} means minAvailable 1, of the single default replica */
	check("spec:\n"
	      "  podDisruptionBudget: {}\n",
	      "spec.yaml:5:24: warning: spec.podDisruptionBudget.minAvailable: "
	      "1 (the default) leaves no pod to evict at spec.deployment."
	      "replicas 1 (the default): no voluntary eviction (such as a "
	      "node drain) can ever proceed; set replicas to 2 or more, or "
	      "give maxUnavailable: 1 instead of minAvailable (it lets the "
	      "only pod go)\n", 0);
	check("spec:\n"
	      "  deployment: {replicas: 3}\n"
	      "  podDisruptionBudget: {minAvailable: 3}\n",
	      "spec.yaml:6:39: warning: spec.podDisruptionBudget.minAvailable: "
	      "3 leaves no pod to evict at spec.deployment.replicas 3: no "
	      "voluntary eviction (such as a node drain) can ever proceed; "
	      "set replicas to 4 or more, or lower minAvailable to 2\n", 0);
	/* more than there are */
	check("spec:\n"
	      "  deployment: {replicas: 2}\n"
	      "  podDisruptionBudget: {minAvailable: 5}\n",
	      "spec.yaml:6:39: warning: spec.podDisruptionBudget.minAvailable: "
	      "5 leaves no pod to evict at spec.deployment.replicas 2: no "
	      "voluntary eviction (such as a node drain) can ever proceed; "
	      "set replicas to 6 or more, or lower minAvailable to 1\n", 0);
	check("spec:\n"
	      "  deployment: {replicas: 3}\n"
	      "  podDisruptionBudget: {minAvailable: 66%}\n", "", 0);
	check("spec:\n"
	      "  deployment: {replicas: 2}\n"
	      "  podDisruptionBudget: {minAvailable: 1}\n", "", 0);
}

/*
 * With an autoscaler the budget is judged at minReplicas, where the
 * autoscaler rests: minAvailable 1 of minReplicas 1 blocks every drain
 * then, though it would not at maxReplicas.
 */
static void test_pdb_blocks_eviction_at_hpa_min(void **state)
{
	(void)state;
	check("spec:\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {cpu: \"1\"}\n"
	      "  autoscaling: {minReplicas: 1, maxReplicas: 5}\n"
	      "  podDisruptionBudget: {minAvailable: 1}\n",
	      "spec.yaml:9:39: warning: spec.podDisruptionBudget.minAvailable: "
	      "1 leaves no pod to evict at spec.autoscaling.minReplicas 1: "
	      "while the autoscaler runs 1 replica no voluntary eviction "
	      "(such as a node drain) can proceed; set minReplicas to 2 or "
	      "more, or give maxUnavailable: 1 instead of minAvailable (it "
	      "lets the only pod go)\n", 0);
	/* the default minReplicas is 2: 80% of 2 is 1.6, rounded up 2 */
	check("spec:\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {cpu: \"1\"}\n"
	      "  autoscaling: {maxReplicas: 4}\n"
	      "  podDisruptionBudget: {minAvailable: 80%}\n",
	      "spec.yaml:9:39: warning: spec.podDisruptionBudget.minAvailable: "
	      "80% (2 pods, rounded up) leaves no pod to evict at spec."
	      "autoscaling.minReplicas 2 (the default): while the autoscaler "
	      "runs 2 replicas no voluntary eviction (such as a node drain) "
	      "can proceed; set minReplicas (and maxReplicas) to 5 or more, "
	      "or lower minAvailable to 50%\n", 0);
	/* minAvailable 2 of 2..5: blocked at the minimum only */
	check("spec:\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {cpu: \"1\"}\n"
	      "  autoscaling: {}\n"
	      "  podDisruptionBudget: {minAvailable: 2}\n",
	      "spec.yaml:9:39: warning: spec.podDisruptionBudget.minAvailable: "
	      "2 leaves no pod to evict at spec.autoscaling.minReplicas 2 "
	      "(the default): while the autoscaler runs 2 replicas no "
	      "voluntary eviction (such as a node drain) can proceed; set "
	      "minReplicas to 3 or more, or lower minAvailable to 1\n", 0);
	/* the seed's {} and {}: minAvailable 1 of minReplicas 2 */
	check("spec:\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {cpu: \"1\"}\n"
	      "  autoscaling: {}\n"
	      "  podDisruptionBudget: {}\n", "", 0);
	/* maxUnavailable 1 lets the only pod go */
	check("spec:\n"
	      "  deployment:\n"
	      "    resources:\n"
	      "      requests: {cpu: \"1\"}\n"
	      "  autoscaling: {minReplicas: 1}\n"
	      "  podDisruptionBudget: {maxUnavailable: 1}\n", "", 0);
}

static void test_pdb_both_keys(void **state)
{
	(void)state;
	check("spec:\n"
	      "  deployment: {replicas: 3}\n"
	      "  podDisruptionBudget:\n"
	      "    minAvailable: 1\n"
	      "    maxUnavailable: 1\n",
	      "spec.yaml:7:5: error: spec.podDisruptionBudget: set "
	      "minAvailable or maxUnavailable, not both\n", 1);
}

static void test_pdb_max_unavailable_zero(void **state)
{
	(void)state;
	check("spec:\n"
	      "  deployment: {replicas: 3}\n"
	      "  podDisruptionBudget: {maxUnavailable: 0}\n",
	      "spec.yaml:6:41: warning: spec.podDisruptionBudget."
	      "maxUnavailable: allows no pod to be unavailable: no voluntary "
	      "eviction (such as a node drain) can ever proceed\n", 0);
	check("spec:\n"
	      "  deployment: {replicas: 3}\n"
	      "  podDisruptionBudget: {maxUnavailable: 0%}\n",
	      "spec.yaml:6:41: warning: spec.podDisruptionBudget."
	      "maxUnavailable: allows no pod to be unavailable: no voluntary "
	      "eviction (such as a node drain) can ever proceed\n", 0);
	check("spec:\n"
	      "  deployment: {replicas: 3}\n"
	      "  podDisruptionBudget: {maxUnavailable: 34%}\n", "", 0);
	/* a percentage rounds up, as Kubernetes' disruption controller
	 * rounds it: 10% of 5 replicas allows 1 pod, 1% of 1 too */
	check("spec:\n"
	      "  deployment: {replicas: 5}\n"
	      "  podDisruptionBudget: {maxUnavailable: 10%}\n", "", 0);
	check("spec:\n"
	      "  podDisruptionBudget: {maxUnavailable: 1%}\n", "", 0);
}

static void test_pdb_min_available_percentage_rounds_up(void **state)
{
	(void)state;
	/* 67% of 3 is 2.01 pods: 3 must stay, so none may go */
	check("spec:\n"
	      "  deployment: {replicas: 3}\n"
	      "  podDisruptionBudget: {minAvailable: 67%}\n",
	      "spec.yaml:6:39: warning: spec.podDisruptionBudget.minAvailable: "
	      "67% (3 pods, rounded up) leaves no pod to evict at spec."
	      "deployment.replicas 3: no voluntary eviction (such as a node "
	      "drain) can ever proceed; set replicas to 4 or more, or lower "
	      "minAvailable to 66%\n", 0);
	/* 1% of 1 is one pod */
	check("spec:\n"
	      "  podDisruptionBudget: {minAvailable: 1%}\n",
	      "spec.yaml:5:39: warning: spec.podDisruptionBudget.minAvailable: "
	      "1% (1 pod, rounded up) leaves no pod to evict at spec."
	      "deployment.replicas 1 (the default): no voluntary eviction "
	      "(such as a node drain) can ever proceed; set replicas to 2 or "
	      "more, or give maxUnavailable: 1 instead of minAvailable (it "
	      "lets the only pod go)\n", 0);
	/* 100% of 2 is 2 pods exactly */
	check("spec:\n"
	      "  deployment: {replicas: 2}\n"
	      "  podDisruptionBudget: {minAvailable: 100%}\n",
	      "spec.yaml:6:39: warning: spec.podDisruptionBudget.minAvailable: "
	      "100% (2 pods) leaves no pod to evict at spec.deployment."
	      "replicas 2: no voluntary eviction (such as a node drain) can "
	      "ever proceed; lower minAvailable to 50%\n", 0);
	/* 0% keeps nothing */
	check("spec:\n"
	      "  podDisruptionBudget: {minAvailable: 0%}\n", "", 0);
}

/* ---- injection ----------------------------------------------------------- */

static void test_reserved_pod_labels_and_annotation(void **state)
{
	(void)state;
	check("spec:\n"
	      "  deployment:\n"
	      "    podLabels:\n"
	      "      app: gw\n"
	      "      istio: custom\n"
	      "      sidecar.istio.io/inject: \"false\"\n"
	      "      istio.io/rev: canary\n"
	      "    podAnnotations:\n"
	      "      proxy.istio.io/config: \"{}\"\n"
	      "      inject.istio.io/templates: sidecar\n",
	      "spec.yaml:8:7: error: spec.deployment.podLabels.istio: gwc sets "
	      "this label (the gateway selector and injection label)\n"
	      "spec.yaml:9:7: error: spec.deployment.podLabels[\"sidecar.istio."
	      "io/inject\"]: gwc sets this label (the gateway selector and "
	      "injection label)\n"
	      "spec.yaml:10:7: error: spec.deployment.podLabels[\"istio.io/"
	      "rev\"]: gwc sets this label (the gateway selector and injection "
	      "label)\n"
	      "spec.yaml:13:7: error: spec.deployment.podAnnotations[\"inject."
	      "istio.io/templates\"]: gwc sets this annotation (the gateway "
	      "template)\n", 4);
}

static void test_namespace_injection_labels(void **state)
{
	(void)state;
	check("spec:\n"
	      "  namespace:\n"
	      "    labels: {istio-injection: disabled}\n",
	      "spec.yaml:6:31: error: spec.namespace.labels.istio-injection"
	      ": 'disabled' keeps istiod from injecting the gateway pods\n", 1);
	check("spec:\n"
	      "  controlPlane: {revision: canary}\n"
	      "  namespace:\n"
	      "    labels: {istio-injection: enabled}\n",
	      "spec.yaml:7:31: error: spec.namespace.labels.istio-injection"
	      ": 'enabled' makes the default revision inject the gateway pods, "
	      "not revision 'canary'\n", 1);
	check("spec:\n"
	      "  namespace:\n"
	      "    labels: {istio.io/rev: canary}\n",
	      "spec.yaml:6:28: error: spec.namespace.labels[\"istio.io/rev\"]: "
	      "revision 'canary' would inject the gateway pods, not the "
	      "default revision\n", 1);
	check("spec:\n"
	      "  controlPlane: {istio: prod}\n"
	      "  namespace:\n"
	      "    labels: {istio.io/rev: canary}\n",
	      "spec.yaml:7:28: error: spec.namespace.labels[\"istio.io/rev\"]: "
	      "revision 'canary' would inject the gateway pods, not revision "
	      "'prod'\n", 1);
	/* labels that agree with the pod's */
	check("spec:\n"
	      "  controlPlane: {istio: prod}\n"
	      "  namespace:\n"
	      "    labels: {istio.io/rev: prod, team: edge}\n", "", 0);
	check("spec:\n"
	      "  namespace:\n"
	      "    labels: {istio.io/rev: default}\n", "", 0);
}

/* ---- nodes --------------------------------------------------------------- */

static void test_kernel_version_not_a_version(void **state)
{
	(void)state;
	check("spec:\n"
	      "  nodes: {kernelVersion: banana}\n",
	      "spec.yaml:5:26: error: spec.nodes.kernelVersion: 'banana' is not "
	      "a kernel version (expected `uname -r` output such as "
	      "3.10.0-1160.el7.x86_64)\n", 1);
	check("spec:\n"
	      "  nodes: {kernelVersion: \"4\"}\n",
	      "spec.yaml:5:26: error: spec.nodes.kernelVersion: '4' is not "
	      "a kernel version (expected `uname -r` output such as "
	      "3.10.0-1160.el7.x86_64)\n", 1);
	check("spec:\n"
	      "  nodes: {kernelVersion: 5.15.0-91-generic}\n", "", 0);
	/* a value that cannot be shown in quotes as it is: escaped, on one
	 * line (ESC and the like never get this far: the loader refuses
	 * them) */
	check("spec:\n"
	      "  nodes: {kernelVersion: \"4.11\\nx\"}\n",
	      "spec.yaml:5:26: error: spec.nodes.kernelVersion: \"4.11\\nx\" "
	      "is not a kernel version (expected `uname -r` output such as "
	      "3.10.0-1160.el7.x86_64)\n", 1);
	check("spec:\n"
	      "  nodes: {kernelVersion: \"a\\tb\"}\n",
	      "spec.yaml:5:26: error: spec.nodes.kernelVersion: \"a\\tb\" "
	      "is not a kernel version (expected `uname -r` output such as "
	      "3.10.0-1160.el7.x86_64)\n", 1);
	check("spec:\n"
	      "  nodes: {kernelVersion: \"it's \\\"5\\\" \\\\ x\"}\n",
	      "spec.yaml:5:26: error: spec.nodes.kernelVersion: \"it's "
	      "\\\"5\\\" \\\\ x\" is not a kernel version (expected "
	      "`uname -r` output such as 3.10.0-1160.el7.x86_64)\n", 1);
	/* printable text, non-ASCII included, stays in single quotes */
	check("spec:\n"
	      "  nodes: {kernelVersion: \"v\xc3\xa9 1\"}\n",
	      "spec.yaml:5:26: error: spec.nodes.kernelVersion: 'v\xc3\xa9 1' "
	      "is not a kernel version (expected `uname -r` output such as "
	      "3.10.0-1160.el7.x86_64)\n", 1);
	/* what a modified kernel tree prints */
	check("spec:\n"
	      "  nodes: {kernelVersion: 4.19.66+}\n", "", 0);
}

/* ---- several at once ----------------------------------------------------- */

static void test_every_problem_reported_in_input_order(void **state)
{
	(void)state;
	check_whole("apiVersion: gwc.dev/v1alpha1\n"
		    "kind: GatewaySpec\n"
		    "metadata: {name: 9gw, namespace: istio-system}\n"
		    "spec:\n"
		    "  nodes: {kernelVersion: old}\n"
		    "  service:\n"
		    "    ports:\n"
		    "    - {name: web, port: 80}\n"
		    "  servers:\n"
		    "  - {port: 443, protocol: HTTP, hosts: [\"*\"]}\n",
		    "spec.yaml:3:18: error: metadata.name: '9gw' cannot name a "
		    "Service (a DNS-1035 label starts with a letter)\n"
		    "spec.yaml:3:34: error: metadata.namespace: the gateway must "
		    "not be installed in the control plane namespace "
		    "'istio-system'\n"
		    "spec.yaml:5:26: error: spec.nodes.kernelVersion: 'old' is "
		    "not a kernel version (expected `uname -r` output such as "
		    "3.10.0-1160.el7.x86_64)\n"
		    "spec.yaml:8:14: warning: spec.service.ports[0].name: 'web' "
		    "has no protocol prefix Istio knows (http, http2, https, "
		    "grpc, tcp, tls, ...); Istio will sniff the protocol of "
		    "traffic to it\n"
		    "spec.yaml:10:12: error: spec.servers[0].port: 443 is not a "
		    "port of the gateway Service (80)\n", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_specs_report_nothing),
		cmocka_unit_test(test_namespace_of_the_control_plane),
		cmocka_unit_test(test_name_starting_with_a_digit),
		cmocka_unit_test(test_duplicate_route_names),
		cmocka_unit_test(test_duplicate_port_numbers_and_names),
		cmocka_unit_test(test_unknown_port_name_prefix_warns),
		cmocka_unit_test(test_node_port_on_cluster_ip),
		cmocka_unit_test(test_load_balancer_settings_on_other_types),
		cmocka_unit_test(test_server_port_not_in_service),
		cmocka_unit_test(test_server_protocol_against_port_name),
		cmocka_unit_test(test_https_server_without_tls_mode),
		cmocka_unit_test(test_simple_tls_without_credential_name),
		cmocka_unit_test(test_requests_above_limits),
		cmocka_unit_test(test_hpa_min_above_max),
		cmocka_unit_test(test_hpa_cpu_target_without_cpu_request),
		cmocka_unit_test(test_hpa_cpu_target_against_limit_warns),
		cmocka_unit_test(test_replicas_with_hpa_warns),
		cmocka_unit_test(test_pdb_min_available_blocks_eviction),
		cmocka_unit_test(test_pdb_blocks_eviction_at_hpa_min),
		cmocka_unit_test(test_pdb_both_keys),
		cmocka_unit_test(test_pdb_max_unavailable_zero),
		cmocka_unit_test(test_pdb_min_available_percentage_rounds_up),
		cmocka_unit_test(test_reserved_pod_labels_and_annotation),
		cmocka_unit_test(test_namespace_injection_labels),
		cmocka_unit_test(test_canary_split),
		cmocka_unit_test(test_canary_split_note),
		cmocka_unit_test(test_canary_name_length),
		cmocka_unit_test(test_kernel_version_not_a_version),
		cmocka_unit_test(test_every_problem_reported_in_input_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
