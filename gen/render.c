/*
 * render.c - the fifth stage: gateway models -> Kubernetes objects -> files.
 *
 * Consumes checked struct gw_gateway models; produces, in a struct
 * gw_fileset, the folder of each gateway (the seed's files plus a
 * kustomization.yaml) and the folder of each control plane whose template
 * gwc installs (the template text and the Istio merge patch).  Every object
 * is a tree handed to emit.c; no YAML is pasted from strings.
 *
 * Field order follows the seed procedure's YAML; maps that come from the
 * user (labels, annotations, selectors) are sorted by key so that the
 * output does not depend on how the spec was ordered.
 */
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* Copies every pair of @from into @into, replacing equal keys: @ix
 * indexes @into, so a merge takes time linear in the pairs. */
static void merge_into(struct gw_renderer *r, struct gw_index *ix,
		       struct gw_node *into, const struct gw_node *from)
{
	size_t i;

	for (i = 0; from && i < from->u.map.n; i++)
		gw_index_put(r->arena, ix, into, from->u.map.pairs[i].key,
			     gw_node_copy(r->arena, from->u.map.pairs[i].value));
}

struct gw_node *gw_render_merge(struct gw_renderer *r, const struct gw_node *a,
			      const struct gw_node *b)
{
	struct gw_node *m = gw_node_map(r->arena);
	struct gw_index ix = { 0 };

	merge_into(r, &ix, m, a);
	merge_into(r, &ix, m, b);
	gw_index_release(&ix);
	if (!m->u.map.n)
		return NULL;
	gw_map_sort(m);
	return m;
}

struct gw_node *gw_render_object(struct gw_renderer *r, const char *api,
			      const char *kind, const char *name,
			      const char *ns, const struct gw_node *labels,
			      const struct gw_node *annotations)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *obj = gw_node_map(r->arena), *meta, *m;

	put_str(r, obj, "apiVersion", api);
	put_str(r, obj, "kind", kind);
	meta = put_map(r, obj, "metadata");
	put_str(r, meta, "name", name);
	if (ns)
		put_str(r, meta, "namespace", ns);
	if ((m = gw_render_merge(r, gw->labels, labels)))
		put(r, meta, "labels", m);
	if ((m = gw_render_merge(r, gw->annotations, annotations)))
		put(r, meta, "annotations", m);
	return obj;
}

static struct gw_node *selector_labels(struct gw_renderer *r)
{
	struct gw_node *m = gw_node_map(r->arena);

	put_str(r, m, "istio", r->gw->name);
	return m;
}

/*
 * Argo CD sync waves (spec.argocd.syncWaves): what the workload needs
 * (Namespace, RBAC, and the NetworkPolicy, so that no pod starts open,
 * -1), the workload (Deployment, Service, 0), and last
 * what refers to it (HPA, PDB, Gateway, VirtualServices, 1).  The control
 * plane goes first, at -2, on the repository's own Istio resource (gwc
 * does not own it; its patch folder is shared by every gateway of that
 * control plane).  The wave replaces one given in metadata.annotations.
 */
#define WAVE_KEY "argocd.argoproj.io/sync-wave"

void gw_render_set_wave(struct gw_renderer *r, struct gw_node *obj,
			const char *wave)
{
	struct gw_node *meta = gw_map_get(obj, "metadata"), *ann;
	struct gw_pair *old;

	if (!r->gw->sync_waves)
		return;
	ann = gw_map_get(meta, "annotations");
	if (!ann)
		ann = put_map(r, meta, "annotations");
	old = gw_map_pair(ann, WAVE_KEY);
	if (old)
		old->value = str(r, wave);
	else
		put_str(r, ann, WAVE_KEY, wave);
	gw_map_sort(ann);
}

/* ---- the objects ------------------------------------------------------- */

/* The Namespace: the spec's labels, and the Pod Security level it
 * enforces (spec.namespace.podSecurity), which gwc checks the pod
 * against. */
static struct gw_node *render_namespace(struct gw_renderer *r)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *labels = gw_node_map(r->arena);
	struct gw_index ix = { 0 };

	merge_into(r, &ix, labels, gw->namespace_labels);
	gw_index_release(&ix);
	put_str(r, labels, "pod-security.kubernetes.io/enforce",
		gw->pss_enforce);
	if (gw->pss_version_given)
		put_str(r, labels, "pod-security.kubernetes.io/enforce-version",
			gw->pss_version);
	return gw_render_object(r, "v1", "Namespace", gw->ns, NULL, labels,
				NULL);
}

static void render_secret_reader(struct gw_renderer *r, struct gw_node **docs)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *rule, *ref, *subject, *seq;

	docs[0] = gw_render_object(r, "v1", "ServiceAccount",
				   gw->service_account, gw->ns, NULL,
				   gw->service_account_annotations);

	docs[1] = gw_render_object(r, "rbac.authorization.k8s.io/v1", "Role",
				gw->service_account, gw->ns, NULL, NULL);
	rule = push_map(r, put_seq(r, docs[1], "rules"));
	push_str(r, put_seq(r, rule, "apiGroups"), "");
	push_str(r, put_seq(r, rule, "resources"), "secrets");
	seq = put_seq(r, rule, "verbs");
	push_str(r, seq, "get");
	push_str(r, seq, "watch");
	push_str(r, seq, "list");

	docs[2] = gw_render_object(r, "rbac.authorization.k8s.io/v1",
				"RoleBinding", gw->service_account, gw->ns,
				NULL, NULL);
	ref = put_map(r, docs[2], "roleRef");
	put_str(r, ref, "apiGroup", "rbac.authorization.k8s.io");
	put_str(r, ref, "kind", "Role");
	put_str(r, ref, "name", gw->service_account);
	subject = push_map(r, put_seq(r, docs[2], "subjects"));
	put_str(r, subject, "kind", "ServiceAccount");
	put_str(r, subject, "name", gw->service_account);
	put_str(r, subject, "namespace", gw->ns);
}

/*
 * The pass-through keys (GW_PASSTHROUGH in gwc.h): put_pass_key() writes
 * one into @into, put_pass() those that go to @object, in the table's
 * order; from gw->pass, or, for the keys of a list entry, from @entry.
 */
void gw_render_put_pass(struct gw_renderer *r, struct gw_node *into,
		       enum gw_pass id, const struct gw_node *v)
{
	const struct gw_pass_key *k = &gw_pass_keys[id];
	struct gw_node *m;
	size_t i;

	if (!v)
		return;
	switch (k->how) {
	case GW_PASS_COPY:
		put(r, into, k->field, copy(r, v));
		break;
	case GW_PASS_SORTED:
		if ((m = gw_render_merge(r, v, NULL)))
			put(r, into, k->field, m);
		break;
	case GW_PASS_NAMES:
		m = put_seq(r, into, k->field);
		for (i = 0; i < v->u.seq.n; i++)
			put(r, push_map(r, m), "name",
			    copy(r, v->u.seq.items[i]));
		break;
	case GW_PASS_APPEND:
		if (!(m = gw_map_get(into, k->field)))
			m = put_seq(r, into, k->field);
		for (i = 0; i < v->u.seq.n; i++)
			gw_seq_push(r->arena, m, copy(r, v->u.seq.items[i]));
		break;
	}
}

static void put_pass_key(struct gw_renderer *r, struct gw_node *into,
			 enum gw_pass id, const struct gw_node *entry)
{
	const struct gw_pass_key *k = &gw_pass_keys[id];

	gw_render_put_pass(r, into, id, entry ?
		gw_map_get(entry, strrchr(k->path, '.') + 1) : r->gw->pass[id]);
}

static void put_pass(struct gw_renderer *r, struct gw_node *into,
		     enum gw_pass_object object, const struct gw_node *entry)
{
	size_t id;

	for (id = 0; id < GW_PASS_N; id++)
		if (gw_pass_keys[id].object == object)
			put_pass_key(r, into, id, entry);
}

void gw_render_put_resources(struct gw_renderer *r, struct gw_node *container,
			     bool stated_only)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *res = gw_node_map(r->arena), *m;

	if (stated_only ? gw->limits_given : gw->lim_cpu.s || gw->lim_mem.s) {
		m = put_map(r, res, "limits");
		if (gw->lim_cpu.s)
			put_str(r, m, "cpu", gw->lim_cpu.s);
		if (gw->lim_mem.s)
			put_str(r, m, "memory", gw->lim_mem.s);
	}
	if (stated_only ? gw->requests_given : gw->req_cpu.s || gw->req_mem.s) {
		m = put_map(r, res, "requests");
		if (gw->req_cpu.s)
			put_str(r, m, "cpu", gw->req_cpu.s);
		if (gw->req_mem.s)
			put_str(r, m, "memory", gw->req_mem.s);
	}
	if (res->u.map.n)
		put(r, container, "resources", res);
}

/*
 * privilegedPorts: root on a legacy kernel.  istiod applies the
 * Deployment's own istio-proxy container again over the templates, so
 * its runAsNonRoot: true would override the overlay's false and the pod
 * would be refused ("container's runAsUser breaks non-root policy").
 */
static void run_proxy_as_root(struct gw_renderer *r, struct gw_node *container)
{
	struct gw_pair *p = gw_map_pair(container, "securityContext");
	struct gw_node *sc;

	if (p) {
		sc = gw_node_copy(r->arena, p->value);
		p->value = sc;
	} else {
		sc = put_map(r, container, "securityContext");
	}
	p = gw_map_pair(sc, "runAsNonRoot");
	if (p)
		p->value = gw_node_bool(r->arena, false);
	else
		put(r, sc, "runAsNonRoot", gw_node_bool(r->arena, false));
}

/*
 * What tells the two Deployments of a canary upgrade apart: the name
 * (of the Deployment and its autoscaler), the injection label, and the
 * track label, which only the canary's pods carry (NULL for the main).
 */
#define TRACK_LABEL "gwc.dev/track"

struct track {
	const char *name;
	const char *rev_key, *rev_value;
	const char *label;
	const struct gw_track *pods;
};

static struct track main_track(struct gw_renderer *r)
{
	struct track t = { r->gw->name, NULL, NULL, NULL,
			   &r->gw->tracks[GW_TRACK_MAIN] };

	gw_model_inject_label(r->gw, &t.rev_key, &t.rev_value);
	return t;
}

static struct track canary_track(struct gw_renderer *r)
{
	struct track t = {
		gw_arena_printf(r->arena, "%s-canary", r->gw->name),
		"istio.io/rev", r->gw->canary_revision, "canary",
		&r->gw->tracks[GW_TRACK_CANARY],
	};

	return t;
}

/*
 * A Deployment's selector.  The main one's is istio: <name>, as it has
 * always been: a Deployment's selector is immutable (apps/v1), so
 * narrowing it would make every installed gateway's apply fail.  It
 * therefore selects the canary's pods too, which is harmless: a
 * Deployment manages the ReplicaSets it owns (controllerRef) and each
 * ReplicaSet's selector adds its pod-template-hash, so neither
 * Deployment adopts or counts the other's pods.  The canary's adds its
 * track label, so it never selects the main pods.
 */
static struct gw_node *track_selector(struct gw_renderer *r,
				      const struct track *t)
{
	struct gw_node *m = selector_labels(r);

	if (t->label) {
		put_str(r, m, TRACK_LABEL, t->label);
		gw_map_sort(m);
	}
	return m;
}

static struct gw_node *render_deployment(struct gw_renderer *r,
					 const struct track *t)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *dep, *spec, *tmpl, *meta, *pod, *c, *port;
	struct gw_node *inject = gw_node_map(r->arena);
	struct gw_node *pod_ann = gw_node_map(r->arena);

	dep = gw_render_object(r, "apps/v1", "Deployment", t->name, gw->ns,
			       NULL, NULL);
	spec = put_map(r, dep, "spec");
	if (t->pods->replicas >= 0)
		put_int(r, spec, "replicas", t->pods->replicas);
	put(r, put_map(r, spec, "selector"), "matchLabels",
	    track_selector(r, t));
	put_pass(r, spec, GW_PASS_TO_DEPLOYMENT, NULL);
	tmpl = put_map(r, spec, "template");
	meta = put_map(r, tmpl, "metadata");
	/* on a legacy kernel istiod applies gwc's overlay after its own
	 * gateway template; the digest of what gwc installs rolls the pods
	 * when it changes */
	put_str(r, pod_ann, "inject.istio.io/templates",
		!gw_model_uses_overlay(gw) ? "gateway" :
		gw_arena_printf(r->arena, "gateway,%s",
				gw_template_overlay(gw->privileged)->name));
	if (r->template_sha256)
		put_str(r, pod_ann, "gwc.dev/injection-template-sha256",
			r->template_sha256);
	put(r, meta, "annotations", gw_render_merge(r, pod_ann,
						    gw->pod_annotations));
	put_str(r, inject, "istio", gw->name);
	put_str(r, inject, t->rev_key, t->rev_value);
	/* as Istio's gateway chart: a gateway stays out of the ambient data
	 * plane, whatever its namespace says (podLabels may say otherwise) */
	put_str(r, inject, "istio.io/dataplane-mode", "none");
	if (t->label)
		put_str(r, inject, TRACK_LABEL, t->label);
	put(r, meta, "labels", gw_render_merge(r, inject, gw->pod_labels));

	pod = put_map(r, tmpl, "spec");
	c = push_map(r, put_seq(r, pod, "containers"));
	put_str(r, c, "name", "istio-proxy");
	/*
	 * image, imagePullPolicy, env, securityContext.  In scenario 2 the
	 * NET_BIND_SERVICE capability comes from the injection template
	 * (istiod re-applies this container over the template's with a
	 * strategic merge, which keeps the template's capabilities.add), so
	 * a gateway's files depend on its own spec alone, whichever other
	 * specs share its control plane.
	 */
	put_pass(r, c, GW_PASS_TO_CONTAINER, NULL);
	if (gw_model_uses_overlay(gw) && gw->privileged == GW_PRIVILEGED_ROOT)
		run_proxy_as_root(r, c);
	port = push_map(r, put_seq(r, c, "ports"));
	put_int(r, port, "containerPort", 15090);
	put_str(r, port, "protocol", "TCP");
	put_str(r, port, "name", "http-envoy-prom");
	gw_render_put_resources(r, c, false);

	put_str(r, pod, "serviceAccountName", gw->service_account);
	put_pass(r, pod, GW_PASS_TO_POD, NULL);
	return dep;
}

static struct gw_node *render_service(struct gw_renderer *r)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *svc, *spec, *ports;
	size_t i;

	svc = gw_render_object(r, "v1", "Service", gw->name, gw->ns,
			    gw->service_labels, gw->service_annotations);
	spec = put_map(r, svc, "spec");
	put_str(r, spec, "type", gw->service_type);
	put(r, spec, "selector", selector_labels(r));
	ports = put_seq(r, spec, "ports");
	for (i = 0; i < gw->nports; i++) {
		const struct gw_port *p = &gw->ports[i];
		struct gw_node *port = push_map(r, ports);

		put_str(r, port, "name", p->name);
		put_int(r, port, "port", p->port);
		put_str(r, port, "protocol", p->protocol);
		put_int(r, port, "targetPort", p->target_port);
		if (p->node_port)
			put_int(r, port, "nodePort", p->node_port);
	}
	put_pass(r, spec, GW_PASS_TO_SERVICE, NULL);
	return svc;
}

void gw_render_push_metric(struct gw_renderer *r, struct gw_node *metrics,
		   const char *resource, long percent)
{
	struct gw_node *metric = push_map(r, metrics), *res, *target;

	res = put_map(r, metric, "resource");
	put_str(r, res, "name", resource);
	target = put_map(r, res, "target");
	put_int(r, target, "averageUtilization", percent);
	put_str(r, target, "type", "Utilization");
	put_str(r, metric, "type", "Resource");
}

/* The autoscaler of a track's Deployment, named as it is. */
struct gw_node *gw_render_hpa(struct gw_renderer *r, const char *name,
			      long min, long max)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *hpa, *spec, *metrics, *ref;

	hpa = gw_render_object(r, "autoscaling/v2", "HorizontalPodAutoscaler",
			       name, gw->ns, NULL, NULL);
	spec = put_map(r, hpa, "spec");
	put_int(r, spec, "minReplicas", min);
	put_int(r, spec, "maxReplicas", max);
	metrics = put_seq(r, spec, "metrics");
	if (gw->hpa_cpu)
		gw_render_push_metric(r, metrics, "cpu", gw->hpa_cpu);
	if (gw->hpa_mem)
		gw_render_push_metric(r, metrics, "memory", gw->hpa_mem);
	ref = put_map(r, spec, "scaleTargetRef");
	put_str(r, ref, "apiVersion", "apps/v1");
	put_str(r, ref, "kind", "Deployment");
	put_str(r, ref, "name", name);
	put_pass(r, spec, GW_PASS_TO_HPA, NULL);
	return hpa;
}

static struct gw_node *render_pdb(struct gw_renderer *r)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *pdb, *spec;

	pdb = gw_render_object(r, "policy/v1", "PodDisruptionBudget", gw->name,
			    gw->ns, NULL, NULL);
	spec = put_map(r, pdb, "spec");
	put_pass(r, spec, GW_PASS_TO_PDB, NULL);
	put(r, put_map(r, spec, "selector"), "matchLabels", selector_labels(r));
	return pdb;
}

/* A NetworkPolicy port: @port of @protocol, once (@seen indexes them). */
static void push_policy_port(struct gw_renderer *r, struct gw_index *seen,
			     struct gw_node *ports, long port,
			     const char *protocol)
{
	struct gw_node *key = str(r, gw_arena_printf(r->arena, "%ld/%s", port,
						     protocol)), *m;

	if (!gw_index_add(seen, key, 0))
		return;
	m = push_map(r, ports);
	put_int(r, m, "port", port);
	put_str(r, m, "protocol", protocol);
}

/*
 * spec.networkPolicy: the pods' ports that the Service targets (after a
 * legacy kernel moved them: a policy names the pod's ports, not the
 * Service's; on the Gateway API path the listeners' ports, which
 * istiod's Service targets as they are) may be reached from
 * spec.networkPolicy.from (anyone when absent); the status port, which
 * load balancers probe, and the metrics ports from anyone; nothing else.
 * Egress: as given, else anything.
 */
struct gw_node *gw_render_network_policy(struct gw_renderer *r,
					 struct gw_node *pods, bool listeners)
{
	static const long open_ports[] = { 15021, 15020, 15090 };
	const struct gw_gateway *gw = r->gw;
	const struct gw_node *from = gw_map_get(gw->network_policy, "from");
	const struct gw_node *egress = gw_map_get(gw->network_policy,
						  "egress");
	struct gw_node *np, *spec, *types, *ingress, *rule, *ports;
	struct gw_index seen = { 0 };
	size_t i;

	np = gw_render_object(r, "networking.k8s.io/v1", "NetworkPolicy",
			   gw->name, gw->ns, NULL, NULL);
	spec = put_map(r, np, "spec");
	put(r, put_map(r, spec, "podSelector"), "matchLabels", pods);
	types = put_seq(r, spec, "policyTypes");
	push_str(r, types, "Ingress");
	push_str(r, types, "Egress");
	ingress = put_seq(r, spec, "ingress");
	ports = put_seq(r, push_map(r, ingress), "ports");
	for (i = 0; i < sizeof(open_ports) / sizeof(*open_ports); i++)
		push_policy_port(r, &seen, ports, open_ports[i], "TCP");
	rule = gw_node_map(r->arena);
	if (from)
		put(r, rule, "from", gw_node_copy(r->arena, from));
	ports = put_seq(r, rule, "ports");
	for (i = 0; listeners && i < gw->nservers; i++)
		push_policy_port(r, &seen, ports, gw->servers[i].port, "TCP");
	for (i = 0; !listeners && i < gw->nports; i++)
		push_policy_port(r, &seen, ports, gw->ports[i].target_port,
				 gw->ports[i].protocol);
	gw_index_release(&seen);
	if (ports->u.seq.n)
		gw_seq_push(r->arena, ingress, rule);
	if (egress) {
		put(r, spec, "egress", gw_node_copy(r->arena, egress));
	} else {
		push_map(r, put_seq(r, spec, "egress"));
	}
	return np;
}

static struct gw_node *render_gateway_object(struct gw_renderer *r)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *obj, *spec, *servers;
	size_t i;

	obj = gw_render_object(r, "networking.istio.io/v1", "Gateway", gw->name,
			    gw->ns, NULL, NULL);
	spec = put_map(r, obj, "spec");
	put(r, spec, "selector", selector_labels(r));
	servers = put_seq(r, spec, "servers");
	for (i = 0; i < gw->nservers; i++) {
		const struct gw_server *s = &gw->servers[i];
		struct gw_node *server = push_map(r, servers), *port;

		port = put_map(r, server, "port");
		put_int(r, port, "number", s->port);
		put_str(r, port, "name", s->name);
		put_str(r, port, "protocol", s->protocol);
		put_pass(r, server, GW_PASS_TO_SERVER, s->node);
	}
	return obj;
}

static struct gw_node *render_virtual_service(struct gw_renderer *r,
					      const struct gw_route *route)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *obj, *spec;

	obj = gw_render_object(r, "networking.istio.io/v1", "VirtualService",
			    route->name, gw->ns, NULL, NULL);
	spec = put_map(r, obj, "spec");
	put_pass_key(r, spec, GW_PASS_ROUTE_HOSTS, route->node);
	push_str(r, put_seq(r, spec, "gateways"), gw->name);
	put_pass_key(r, spec, GW_PASS_ROUTE_HTTP, route->node);
	return obj;
}

/* ---- files ------------------------------------------------------------- */

/* Emits @docs as the file @dir/@name and lists it in @resources. */
int gw_render_add_file(struct gw_renderer *r, struct gw_fileset *set,
		       const char *dir,
		const char *name, struct gw_node *resources,
		struct gw_node *const *docs, size_t n)
{
	struct gw_buf buf = { 0 };
	char *path;

	if (gw_emit_yaml(&buf, docs, n)) {
		gw_buf_release(&buf);
		return -1;
	}
	path = gw_arena_printf(r->arena, "%s/%s", dir, name);
	gw_fileset_add(set, path, buf.data, buf.len);
	if (resources)
		push_str(r, resources, name);
	return 0;
}

/* Appends @s to @buf as one single-quoted shell word. */
static void put_shell_word(struct gw_buf *buf, const char *s)
{
	gw_buf_puts(buf, "'");
	for (; *s; s++) {
		if (*s == '\'')
			gw_buf_puts(buf, "'\\''");
		else
			gw_buf_add(buf, s, 1);
	}
	gw_buf_puts(buf, "'");
}

/*
 * apply.sh (spec.applyScript): the seed procedure's commands, in its order,
 * against this folder: install the control plane's gateway template and
 * wait for it (when this gateway needs the template gwc installs), apply
 * the kustomization, wait for the rollout, show the Service's endpoints.
 * Every value is a quoted variable; the folders are found from the
 * script's own place, OUT/<ns>/<name>/apply.sh.
 */
static void add_apply_script(struct gw_renderer *r, struct gw_fileset *set,
			     const char *dir)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_buf sh = { 0 };
	char *path;

	gw_buf_puts(&sh, "#!/usr/bin/env bash\n"
		    "# Made by gwc: applies the gateway of this folder as the "
		    "seed procedure\n"
		    "# does, step by step.  Needs kubectl and access to the "
		    "cluster.\n"
		    "set -euo pipefail\n\n"
		    "here=$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd -P)\n");
	gw_buf_puts(&sh, "name=");
	put_shell_word(&sh, gw->name);
	gw_buf_puts(&sh, "\nnamespace=");
	put_shell_word(&sh, gw->ns);
	if (gw->legacy_kernel || gw->pin_template || gw->template_path) {
		gw_buf_puts(&sh, "\nistio=");
		put_shell_word(&sh, gw->istio);
		gw_buf_puts(&sh, "\n\n"
			    "# the gateway injection template of the control "
			    "plane, then its Ready condition\n"
			    "kubectl patch istio \"$istio\" --type merge "
			    "--patch-file \"$here/../../istio/$istio/"
			    "istio-patch.json\"\n"
			    "kubectl wait --for condition=Ready \"istio/$istio\" "
			    "--timeout=3m\n");
	} else {
		gw_buf_puts(&sh, "\n");
	}
	gw_buf_puts(&sh, "\n# namespace, RBAC, Deployment, Service and the rest, "
		    "in kustomization.yaml's order\n"
		    "kubectl apply -k \"$here\"\n"
		    "kubectl rollout status \"deployment/$name\" "
		    "-n \"$namespace\"\n");
	if (gw->canary)
		gw_buf_puts(&sh, "kubectl rollout status "
			    "\"deployment/$name-canary\" -n \"$namespace\"\n");
	gw_buf_puts(&sh, "kubectl get endpoints \"$name\" "
		    "-n \"$namespace\"\n");
	path = gw_arena_printf(r->arena, "%s/apply.sh", dir);
	gw_fileset_add(set, path, sh.data, sh.len);
	set->files[set->n - 1].mode = 0755;
}

/*
 * argocd-health.yaml (spec.argocd.syncWaves): Argo CD's health checks of
 * sail-operator's Istio and IstioRevisionTag (templates/argocd-health-*.lua),
 * as a patch of Argo CD's own ConfigMap, argocd-cm.  A sync wave waits
 * only for the resources that have a health check, and Argo CD ships none
 * for these (argo-cd#14442): without them the Istio's wave, -2, would not
 * hold the gateway back until its template is installed.  The patch is
 * the user's to apply to their Argo CD (`kubectl patch --type merge
 * --patch-file`, or a kustomize patch of its installation), so it is no
 * resource of kustomization.yaml, nor of `-o -`, nor drawn by graph:
 * applied as an object it would replace the whole argocd-cm.  Each script
 * is a literal block, as a person would write it there.
 */
static const struct { const char *kind, *asset; } argocd_health[] = {
	{ "Istio", "argocd-health-istio.lua" },
	{ "IstioRevisionTag", "argocd-health-istiorevisiontag.lua" },
};

static int add_argocd_health(struct gw_renderer *r, struct gw_fileset *set,
			     const char *dir)
{
	struct gw_node *cm = gw_node_map(r->arena), *meta, *labels, *data;
	size_t i;

	put_str(r, cm, "apiVersion", "v1");
	put_str(r, cm, "kind", "ConfigMap");
	meta = put_map(r, cm, "metadata");
	put_str(r, meta, "name", "argocd-cm");
	put_str(r, meta, "namespace", "argocd");
	labels = put_map(r, meta, "labels");
	put_str(r, labels, "app.kubernetes.io/name", "argocd-cm");
	put_str(r, labels, "app.kubernetes.io/part-of", "argocd");
	data = put_map(r, cm, "data");
	for (i = 0; i < sizeof(argocd_health) / sizeof(*argocd_health); i++) {
		const struct gw_asset *a = gw_asset_get(argocd_health[i].asset);
		struct gw_node *script;

		if (!a)
			return -1;	/* not embedded: a broken build */
		script = gw_node_new(r->arena, GW_STR);
		script->u.str.s = a->data;
		script->u.str.len = a->len;
		script->literal = true;
		put(r, data, gw_arena_printf(r->arena, "resource.customizations."
					     "health.sailoperator.io_%s",
					     argocd_health[i].kind), script);
	}
	return gw_render_add_file(r, set, dir, "argocd-health.yaml", NULL,
				  &cm, 1);
}

void gw_render_keep(struct gw_renderer *r, struct gw_render_folder *f,
		    const char *file, struct gw_node *const *docs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		f->objs = gw_arena_grow(r->arena, f->objs, f->n, &f->cap,
					sizeof(*f->objs));
		f->objs[f->n++] = (struct gw_patch_object){ docs[i], file };
	}
}

int gw_render_add_folder(struct gw_renderer *r, struct gw_diag *diag,
			 struct gw_render_folder *f, struct gw_fileset *set,
			 const char *dir, struct gw_node *resources)
{
	struct gw_node **docs;
	size_t i, j;
	int err = 0;

	/* the escape hatch, on the trees, after the sync waves (a patch may
	 * override one) and before any byte is written */
	if (gw_patch_apply(r->arena, diag, r->gw, f->objs, f->n))
		return -1;
	docs = gw_arena_alloc(r->arena, (f->n + 1) * sizeof(*docs));
	for (i = 0; i < f->n; i = j) {
		for (j = i; j < f->n &&
		     !strcmp(f->objs[j].file, f->objs[i].file); j++)
			docs[j - i] = f->objs[j].tree;
		err |= gw_render_add_file(r, set, dir, f->objs[i].file,
					  resources, docs, j - i);
	}
	return err;
}

int gw_render_gateway(struct gw_arena *arena, struct gw_diag *diag,
		      const struct gw_gateway *gw,
		      const char *template_sha256, struct gw_fileset *set)
{
	static const struct { const char *deployment, *hpa; } track_file[] = {
		[GW_TRACK_MAIN] = { "gateway-deployment.yaml",
				    "gateway-hpa.yaml" },
		[GW_TRACK_CANARY] = { "gateway-deployment-canary.yaml",
				      "gateway-hpa-canary.yaml" },
	};
	struct gw_renderer r = { arena, gw, template_sha256 };
	const char *dir = gw_arena_printf(arena, "%s/%s", gw->ns, gw->name);
	struct gw_node *kustomization = gw_node_map(arena), *resources;
	struct gw_node *doc, *rbac[3], **vs;
	struct track tracks[2];
	struct gw_render_folder f = { 0 };
	size_t i, ntracks = gw->canary ? 2 : 1;
	int err = 0;

	if (gw->gateway_api)
		return gw_gatewayapi_render(arena, diag, gw, set);
	put_str(&r, kustomization, "apiVersion",
		"kustomize.config.k8s.io/v1beta1");
	put_str(&r, kustomization, "kind", "Kustomization");
	resources = put_seq(&r, kustomization, "resources");

	if (gw->namespace_create) {
		doc = render_namespace(&r);
		gw_render_set_wave(&r, doc, "-1");
		gw_render_keep(&r, &f, "namespace.yaml", &doc, 1);
	}
	render_secret_reader(&r, rbac);
	for (i = 0; i < 3; i++)
		gw_render_set_wave(&r, rbac[i], "-1");
	/* an existing ServiceAccount (serviceAccount.create: false) gets
	 * the Role and its binding only */
	gw_render_keep(&r, &f, "secret-reader.yaml",
		       rbac + !gw->service_account_create,
		       3 - !gw->service_account_create);
	if (gw->network_policy) {
		doc = gw_render_network_policy(&r, selector_labels(&r), false);
		gw_render_set_wave(&r, doc, "-1");
		gw_render_keep(&r, &f, "gateway-networkpolicy.yaml", &doc, 1);
	}
	tracks[GW_TRACK_MAIN] = main_track(&r);
	tracks[GW_TRACK_CANARY] = canary_track(&r);
	for (i = 0; i < ntracks; i++) {
		doc = render_deployment(&r, &tracks[i]);
		gw_render_set_wave(&r, doc, "0");
		gw_render_keep(&r, &f, track_file[i].deployment, &doc, 1);
	}
	doc = render_service(&r);
	gw_render_set_wave(&r, doc, "0");
	gw_render_keep(&r, &f, "gateway-service.yaml", &doc, 1);
	/* a track without a share has no autoscaler (its replicas are 0) */
	for (i = 0; i < ntracks; i++) {
		if (!tracks[i].pods->hpa_min)
			continue;
		doc = gw_render_hpa(&r, tracks[i].name, tracks[i].pods->hpa_min,
				    tracks[i].pods->hpa_max);
		gw_render_set_wave(&r, doc, "1");
		gw_render_keep(&r, &f, track_file[i].hpa, &doc, 1);
	}
	if (gw->pdb) {
		doc = render_pdb(&r);
		gw_render_set_wave(&r, doc, "1");
		gw_render_keep(&r, &f, "gateway-pdb.yaml", &doc, 1);
	}
	if (gw->nservers) {
		doc = render_gateway_object(&r);
		gw_render_set_wave(&r, doc, "1");
		gw_render_keep(&r, &f, "gateway.yaml", &doc, 1);
	}
	if (gw->nroutes) {
		vs = gw_arena_alloc(arena, gw->nroutes * sizeof(*vs));
		for (i = 0; i < gw->nroutes; i++) {
			vs[i] = render_virtual_service(&r, &gw->routes[i]);
			gw_render_set_wave(&r, vs[i], "1");
		}
		gw_render_keep(&r, &f, "virtualservices.yaml", vs, gw->nroutes);
	}
	if (gw_render_add_folder(&r, diag, &f, set, dir, resources))
		return -1;
	if (gw->apply_script)
		add_apply_script(&r, set, dir);
	if (gw->sync_waves)
		err |= add_argocd_health(&r, set, dir);
	err |= gw_render_add_file(&r, set, dir, "kustomization.yaml", NULL,
				  &kustomization, 1);
	return err ? -1 : 0;
}

int gw_render_control_plane(const char *istio,
			    const struct gw_cp_template *templates, size_t n,
			    struct gw_fileset *set)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_node *patch = gw_node_map(arena), *m, *obj, *meta;
	struct gw_buf json = { 0 }, yaml = { 0 };
	size_t i, first = set->n;
	int err;

	m = gw_map_put(arena, patch, "spec", gw_node_map(arena));
	m = gw_map_put(arena, m, "values", gw_node_map(arena));
	m = gw_map_put(arena, m, "sidecarInjectorWebhook", gw_node_map(arena));
	m = gw_map_put(arena, m, "templates", gw_node_map(arena));
	for (i = 0; i < n; i++) {
		const struct gw_cp_template *t = &templates[i];
		struct gw_node *text = gw_node_new(arena, GW_STR);
		size_t stripped = t->len;
		char *copy;

		/* `$(cat file)` in the seed's jq command drops trailing
		 * newlines */
		while (stripped && t->text[stripped - 1] == '\n')
			stripped--;
		text->u.str.s = t->text;
		text->u.str.len = stripped;
		text->literal = true;	/* as the seed writes it: a "|" block */
		gw_map_put(arena, m, t->name, text);
		copy = malloc(t->len + 1);
		if (!copy)
			gw_oom();
		memcpy(copy, t->text, t->len);
		copy[t->len] = '\0';
		gw_fileset_add(set, !strcmp(t->name, "gateway") ?
			gw_arena_printf(arena, "istio/%s/gateway-injection-"
					"template.txt", istio) :
			gw_arena_printf(arena, "istio/%s/injection-template-"
					"%s.txt", istio, t->name),
			copy, t->len);
	}
	gw_emit_json(&json, patch);

	/* the same change as a kustomize patch of the Istio resource */
	obj = gw_node_map(arena);
	gw_map_put(arena, obj, "apiVersion", gw_node_str(arena, "sailoperator.io/v1"));
	gw_map_put(arena, obj, "kind", gw_node_str(arena, "Istio"));
	meta = gw_map_put(arena, obj, "metadata", gw_node_map(arena));
	gw_map_put(arena, meta, "name", gw_node_str(arena, istio));
	gw_map_put(arena, obj, "spec", gw_map_get(patch, "spec"));
	err = gw_emit_yaml(&yaml, &obj, 1);

	gw_fileset_add(set, gw_arena_printf(arena, "istio/%s/istio-patch.json",
					    istio), json.data, json.len);
	gw_fileset_add(set, gw_arena_printf(arena, "istio/%s/istio-patch.yaml",
					    istio), yaml.data, yaml.len);
	for (i = first; i < set->n; i++)	/* the files added here */
		set->files[i].control_plane = true;
	gw_arena_free(arena);
	return err;
}
