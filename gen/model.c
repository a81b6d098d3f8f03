/*
 * model.c - the third stage: a schema-valid spec tree -> struct gw_gateway,
 * with every default of the seed procedure filled in.
 *
 * Consumes a tree that gw_validate() accepted (so types are known and this
 * stage reports nothing); produces a model whose strings and subtrees point
 * into the tree and the arena.
 */
#include <string.h>

#include "gwc.h"

static const struct gw_node *at(const struct gw_node *map, const char *key)
{
	return map ? gw_map_get(map, key) : NULL;
}

static const char *str_or(const struct gw_node *map, const char *key,
			  const char *def)
{
	const struct gw_node *n = at(map, key);

	return n && n->kind == GW_STR ? n->u.str.s : def;
}

static long int_or(const struct gw_node *map, const char *key, long def)
{
	const struct gw_node *n = at(map, key);

	return n && n->kind == GW_INT ? (long)n->u.i : def;
}

static bool bool_or(const struct gw_node *map, const char *key, bool def)
{
	const struct gw_node *n = at(map, key);

	return n && n->kind == GW_BOOL ? n->u.b : def;
}

static struct gw_node *node_or_null(const struct gw_node *map, const char *key)
{
	return (struct gw_node *)at(map, key);
}

static struct gw_mark mark_or(const struct gw_node *map, const char *key,
			      struct gw_mark def)
{
	const struct gw_node *n = at(map, key);

	return n ? n->mark : def;
}

/* Resolves @path relative to the folder of @file. */
static const char *relative_to(struct gw_arena *arena, const char *file,
			       const char *path)
{
	const char *slash = strrchr(file, '/');

	if (path[0] == '/' || !slash)
		return path;
	return gw_arena_printf(arena, "%.*s/%s", (int)(slash - file + 1) - 1,
			       file, path);
}

static void set_quantities(const struct gw_node *list, struct gw_qty *cpu,
			   struct gw_qty *mem, const char *def_cpu,
			   const char *def_mem, struct gw_mark def_mark)
{
	cpu->s = list ? str_or(list, "cpu", NULL) : def_cpu;
	cpu->mark = mark_or(list, "cpu", list ? list->mark : def_mark);
	cpu->given = at(list, "cpu") != NULL;
	mem->s = list ? str_or(list, "memory", NULL) : def_mem;
	mem->mark = mark_or(list, "memory", list ? list->mark : def_mark);
	mem->given = at(list, "memory") != NULL;
}

static void model_ports(struct gw_arena *arena, struct gw_gateway *gw,
			const struct gw_node *svc)
{
	static const struct { const char *name; long port; } ingress[] = {
		{ "status-port", 15021 }, { "http2", 80 }, { "https", 443 },
		{ "tls", 15443 },
	};
	const struct gw_node *ports = at(svc, "ports");
	size_t i;

	if (!ports) {
		gw->nports = gw->direction == GW_EGRESS ? 4 : 3;
		gw->ports = gw_arena_alloc(arena, gw->nports * sizeof(*gw->ports));
		for (i = 0; i < gw->nports; i++) {
			gw->ports[i].name = ingress[i].name;
			gw->ports[i].port = ingress[i].port;
			gw->ports[i].target_port = ingress[i].port;
			gw->ports[i].protocol = "TCP";
			gw->ports[i].mark = gw->mark;
			gw->ports[i].port_mark = gw->mark;
			gw->ports[i].name_mark = gw->mark;
		}
		return;
	}
	gw->nports = ports->u.seq.n;
	gw->ports = gw_arena_alloc(arena, gw->nports * sizeof(*gw->ports));
	for (i = 0; i < gw->nports; i++) {
		const struct gw_node *p = ports->u.seq.items[i];
		struct gw_port *port = &gw->ports[i];

		port->name = str_or(p, "name", "");
		port->port = int_or(p, "port", 0);
		port->target_port = int_or(p, "targetPort", port->port);
		port->node_port = int_or(p, "nodePort", 0);
		port->protocol = str_or(p, "protocol", "TCP");
		port->mark = p->mark;
		port->port_mark = mark_or(p, "port", p->mark);
		port->name_mark = mark_or(p, "name", p->mark);
		port->node_port_mark = mark_or(p, "nodePort", p->mark);
	}
}

static void model_servers(struct gw_arena *arena, struct gw_gateway *gw,
			  const struct gw_node *servers)
{
	size_t i;

	if (!servers)
		return;
	gw->nservers = servers->u.seq.n;
	gw->servers = gw_arena_alloc(arena, gw->nservers * sizeof(*gw->servers));
	for (i = 0; i < gw->nservers; i++) {
		const struct gw_node *s = servers->u.seq.items[i];
		struct gw_server *server = &gw->servers[i];

		server->port = int_or(s, "port", 0);
		server->name = str_or(s, "name", NULL);
		server->protocol = str_or(s, "protocol", "HTTP");
		server->hosts = node_or_null(s, "hosts");
		server->tls = node_or_null(s, "tls");
		server->mark = s->mark;
		server->port_mark = mark_or(s, "port", s->mark);
	}
}

static void model_routes(struct gw_arena *arena, struct gw_gateway *gw,
			 const struct gw_node *routes)
{
	size_t i;

	if (!routes)
		return;
	gw->nroutes = routes->u.seq.n;
	gw->routes = gw_arena_alloc(arena, gw->nroutes * sizeof(*gw->routes));
	for (i = 0; i < gw->nroutes; i++) {
		struct gw_node *r = routes->u.seq.items[i];

		gw->routes[i].name = str_or(r, "name", "");
		gw->routes[i].node = r;
		gw->routes[i].mark = r->mark;
		gw->routes[i].name_mark = mark_or(r, "name", r->mark);
	}
}

struct gw_gateway *gw_model_build(struct gw_arena *arena, const char *file,
				  struct gw_node *doc)
{
	struct gw_gateway *gw = gw_arena_alloc(arena, sizeof(*gw));
	const struct gw_node *meta = at(doc, "metadata");
	const struct gw_node *spec = at(doc, "spec");
	const struct gw_node *cp = at(spec, "controlPlane");
	const struct gw_node *nodes = at(spec, "nodes");
	const struct gw_node *ns = at(spec, "namespace");
	const struct gw_node *sa = at(spec, "serviceAccount");
	const struct gw_node *dep = at(spec, "deployment");
	const struct gw_node *res = at(dep, "resources");
	const struct gw_node *svc = at(spec, "service");
	const struct gw_node *hpa = at(spec, "autoscaling");
	const struct gw_node *pdb = at(spec, "podDisruptionBudget");
	const char *tmpl;

	gw->file = file;
	gw->doc = doc;
	gw->mark = doc->mark;
	gw->name = str_or(meta, "name", "");
	gw->ns = str_or(meta, "namespace", "");
	gw->name_mark = mark_or(meta, "name", doc->mark);
	gw->ns_mark = mark_or(meta, "namespace", doc->mark);
	gw->labels = node_or_null(meta, "labels");
	gw->annotations = node_or_null(meta, "annotations");
	gw->direction = !strcmp(str_or(spec, "direction", "ingress"), "egress") ?
		GW_EGRESS : GW_INGRESS;

	gw->istio = str_or(cp, "istio", "default");
	gw->cp_namespace = str_or(cp, "namespace", "istio-system");
	gw->cp_ns_mark = mark_or(cp, "namespace", gw->ns_mark);
	gw->revision = str_or(cp, "revision", NULL);
	if (!gw->revision && strcmp(gw->istio, "default"))
		gw->revision = gw->istio;	/* InPlace: the Istio's name */
	tmpl = str_or(cp, "injectionTemplate", NULL);
	gw->template_path = tmpl ? relative_to(arena, file, tmpl) : NULL;
	gw->template_mark = mark_or(cp, "injectionTemplate", doc->mark);
	gw->pin_template = bool_or(cp, "pinTemplate", false);
	if (at(spec, "injectionPreview")) {
		const struct gw_node *ip = at(spec, "injectionPreview");
		const char *v = str_or(ip, "values", NULL);
		const char *m = str_or(ip, "mesh", NULL);

		gw->inject_preview = true;
		gw->inject_mark = ip->mark;
		gw->inject_values = v ? relative_to(arena, file, v) : NULL;
		gw->inject_mesh = m ? relative_to(arena, file, m) : NULL;
		gw->inject_values_mark = mark_or(ip, "values", ip->mark);
		gw->inject_mesh_mark = mark_or(ip, "mesh", ip->mark);
	}
	if (gw->template_path)
		gw->template_demand_mark = gw->template_mark;
	else if (cp)
		gw->template_demand_mark = cp->mark;
	else
		gw->template_demand_mark = mark_or(nodes, "kernelVersion",
						   gw->name_mark);

	gw->kernel_version = str_or(nodes, "kernelVersion", NULL);
	gw->kernel_mark = mark_or(nodes, "kernelVersion", doc->mark);
	if (gw->kernel_version) {
		struct gw_kernel k;

		gw->legacy_kernel = !gw_kernel_parse(gw->kernel_version, &k) &&
				    gw_kernel_is_legacy(&k);
	}

	gw->namespace_create = bool_or(ns, "create", true);
	gw->namespace_labels = node_or_null(ns, "labels");
	gw->namespace_labels_mark = mark_or(ns, "labels", doc->mark);

	gw->service_account = str_or(sa, "name", "secret-reader");
	gw->service_account_annotations = node_or_null(sa, "annotations");

	gw->replicas = int_or(dep, "replicas", -1);
	gw->replicas_mark = mark_or(dep, "replicas", doc->mark);
	gw->image = str_or(dep, "image", "auto");
	gw->image_pull_policy = str_or(dep, "imagePullPolicy", NULL);
	set_quantities(at(res, "requests"), &gw->req_cpu, &gw->req_mem,
		       "100m", "128Mi", doc->mark);
	set_quantities(at(res, "limits"), &gw->lim_cpu, &gw->lim_mem,
		       "2000m", "1024Mi", doc->mark);
	gw->requests_given = at(res, "requests") != NULL;
	gw->limits_given = at(res, "limits") != NULL;
	gw->container_security_context = node_or_null(dep, "securityContext");
	gw->pod_labels = node_or_null(dep, "podLabels");
	gw->pod_labels_mark = mark_or(dep, "podLabels", doc->mark);
	gw->pod_annotations = node_or_null(dep, "podAnnotations");
	gw->node_selector = node_or_null(dep, "nodeSelector");
	gw->tolerations = node_or_null(dep, "tolerations");
	gw->affinity = node_or_null(dep, "affinity");
	gw->topology_spread = node_or_null(dep, "topologySpreadConstraints");
	gw->env = node_or_null(dep, "env");
	gw->image_pull_secrets = node_or_null(dep, "imagePullSecrets");
	gw->priority_class = str_or(dep, "priorityClassName", NULL);
	gw->termination_grace = int_or(dep, "terminationGracePeriodSeconds", -1);

	gw->service_type = str_or(svc, "type", "ClusterIP");
	model_ports(arena, gw, svc);
	gw->service_annotations = node_or_null(svc, "annotations");
	gw->service_labels = node_or_null(svc, "labels");
	gw->load_balancer_ip = str_or(svc, "loadBalancerIP", NULL);
	gw->load_balancer_ip_mark = mark_or(svc, "loadBalancerIP", doc->mark);
	gw->external_traffic_policy_mark = mark_or(svc,
		"externalTrafficPolicy", doc->mark);
	gw->load_balancer_source_ranges =
		node_or_null(svc, "loadBalancerSourceRanges");
	gw->external_traffic_policy = str_or(svc, "externalTrafficPolicy", NULL);

	gw->hpa = hpa != NULL;
	if (hpa) {
		bool mem_only = at(hpa, "targetMemoryUtilizationPercentage") &&
				!at(hpa, "targetCPUUtilizationPercentage");

		gw->hpa_mark = hpa->mark;
		gw->hpa_min = int_or(hpa, "minReplicas", 2);
		gw->hpa_max = int_or(hpa, "maxReplicas", 5);
		gw->hpa_min_mark = mark_or(hpa, "minReplicas", hpa->mark);
		gw->hpa_max_given = at(hpa, "maxReplicas") != NULL;
		gw->hpa_cpu_given = at(hpa, "targetCPUUtilizationPercentage");
		gw->hpa_cpu = int_or(hpa, "targetCPUUtilizationPercentage",
				     mem_only ? 0 : 80);
		gw->hpa_cpu_mark = mark_or(hpa, "targetCPUUtilizationPercentage",
					   hpa->mark);
		gw->hpa_mem = int_or(hpa, "targetMemoryUtilizationPercentage", 0);
		gw->hpa_mem_mark = mark_or(hpa,
					   "targetMemoryUtilizationPercentage",
					   hpa->mark);
		gw->hpa_behavior = node_or_null(hpa, "behavior");
	}

	gw->pdb = pdb != NULL;
	if (pdb) {
		gw->pdb_mark = pdb->mark;
		gw->pdb_min_available = node_or_null(pdb, "minAvailable");
		gw->pdb_max_unavailable = node_or_null(pdb, "maxUnavailable");
		if (!gw->pdb_min_available && !gw->pdb_max_unavailable) {
			gw->pdb_min_available = gw_node_int(arena, 1);
			gw->pdb_min_available->mark = pdb->mark;
		}
	}

	model_servers(arena, gw, at(spec, "servers"));
	model_routes(arena, gw, at(spec, "routes"));
	gw->sync_waves = bool_or(at(spec, "argocd"), "syncWaves", false);
	gw->apply_script = bool_or(spec, "applyScript", false);
	return gw;
}

void gw_model_inject_label(const struct gw_gateway *gw, const char **key,
			   const char **value)
{
	if (gw->revision) {
		*key = "istio.io/rev";
		*value = gw->revision;
	} else {
		*key = "sidecar.istio.io/inject";
		*value = "true";
	}
}

long gw_model_lowest_target_port(const struct gw_gateway *gw)
{
	long lowest = 65536;
	size_t i;

	for (i = 0; i < gw->nports; i++)
		if (gw->ports[i].target_port < lowest)
			lowest = gw->ports[i].target_port;
	return lowest;
}
