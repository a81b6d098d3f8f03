/*
 * gatewayapi.c - the second installation path: a gateway model with
 * spec.installation: gatewayAPI -> Kubernetes Gateway API objects.
 *
 * On this path gwc writes no Deployment and no Service: a Gateway of
 * gatewayClassName istio makes istiod render its kube-gateway template
 * into a Deployment, Service and ServiceAccount named <name>-istio
 * (pilot/pkg/config/kube/gateway/deploymentcontroller.go).  What the spec
 * sets on the pod goes into a ConfigMap that the Gateway names in
 * spec.infrastructure.parametersRef; istiod lays its keys (deployment,
 * service, serviceAccount, from Istio 1.26 on) over the objects it
 * renders with a strategic merge.  The Service's ports are the
 * listeners' ports, and their target ports the same numbers: there is no
 * port to move on a node older than Linux 4.11 (see check_kernel_ports).
 *
 * Two entry points: gw_gatewayapi_check (what the Gateway API cannot say
 * of the spec: an error naming the key, never a silent drop) and
 * gw_gatewayapi_render (the folder).  Every object is a tree handed to
 * emit.c, the ConfigMap's overlays too; no YAML is pasted from strings.
 */
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* The label istiod puts on the pods of a Gateway (its kube-gateway
 * template), which its Service selects: the PDB's selector here. */
#define GATEWAY_NAME_LABEL "gateway.networking.k8s.io/gateway-name"
#define GATEWAY_API "gateway.networking.k8s.io/v1"
#define WAVE_KEY "argocd.argoproj.io/sync-wave"

static const char *str_at(const struct gw_node *map, const char *key)
{
	const struct gw_node *n = map && map->kind == GW_MAP ?
		gw_map_get(map, key) : NULL;

	return n && n->kind == GW_STR ? n->u.str.s : NULL;
}

/* True when a listener on @port needs the proxy to bind below 1024. */
static bool low_port(long port)
{
	return port < 1024;
}

/* "80, 443": the listener ports below 1024, in @arena. */
static const char *low_listeners(struct gw_arena *arena,
				 const struct gw_gateway *gw)
{
	struct gw_buf list = { 0 };
	const char *s;
	size_t i, j;

	for (i = 0; i < gw->nservers; i++) {
		for (j = 0; j < i && gw->servers[j].port != gw->servers[i].port;
		     j++)
			;
		if (j == i && low_port(gw->servers[i].port))
			gw_buf_printf(&list, "%s%ld", list.len ? ", " : "",
				      gw->servers[i].port);
	}
	s = gw_arena_strdup(arena, list.data ? list.data : "");
	gw_buf_release(&list);
	return s;
}

/* ---- durations: Istio's (10s, 1.5s) as the Gateway API's (GEP-2257) --- */

/*
 * @s matches the spec's pattern ^[0-9]+([.][0-9]+)?(ms|s|m|h)$.  The
 * Gateway API's Duration is ^([0-9]{1,5}(h|m|s|ms)){1,4}$: whole numbers
 * of at most five digits.  A value already of that form is kept as
 * written; another is the same time spelled in whole hours, minutes,
 * seconds and milliseconds ("1.5s" -> "1s500ms").  NULL when it has no
 * such spelling (finer than a millisecond, or 100000 hours and more).
 */
static const char *gateway_duration(struct gw_arena *arena, const char *s)
{
	static const struct { const char *unit; unsigned long long ms; }
	units[] = { { "h", 3600000 }, { "m", 60000 }, { "s", 1000 },
		    { "ms", 1 } };
	/* at most 12 digits before the point (10^12 of any unit is more
	 * than 99999 hours) and 9 after: no overflow below */
	unsigned long long whole = 0, frac = 0, scale = 1, unit_ms = 0, ms, n;
	const char *p = s, *r;
	struct gw_buf out = { 0 };
	size_t digits = 0, i;

	for (; *p >= '0' && *p <= '9'; p++, digits++)
		if (digits < 12)
			whole = whole * 10 + (unsigned)(*p - '0');
	if (*p != '.' && digits <= 5)
		return s;		/* 10s, 500ms: the same spelling */
	if (digits > 12)
		return NULL;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale < 1000000000ull) {
				frac = frac * 10 + (unsigned)(*p - '0');
				scale *= 10;
			} else if (*p != '0') {
				return NULL;
			}
		}
	}
	for (i = 0; i < 4; i++)
		if (!strcmp(p, units[i].unit))
			unit_ms = units[i].ms;
	if (!unit_ms || (frac * unit_ms) % scale)
		return NULL;		/* finer than a millisecond */
	ms = whole * unit_ms + frac * unit_ms / scale;
	if (!ms)
		return "0s";
	for (i = 0; i < 4; i++) {
		if (ms / units[i].ms > 99999)
			return NULL;
		n = ms / units[i].ms;
		ms %= units[i].ms;
		if (n)
			gw_buf_printf(&out, "%llu%s", n, units[i].unit);
	}
	r = gw_arena_strdup(arena, out.data);
	gw_buf_release(&out);
	return r;
}

/* ---- backends: a VirtualService destination host as a Service ---------- */

struct backend {
	const char *name, *ns;	/* ns NULL: the gateway's namespace */
};

/*
 * "svc", "svc.ns" or "svc.ns.svc.cluster.local": the Service and its
 * namespace; -1 for any other form (an external host, another cluster
 * domain, a wildcard), which a Service backendRef cannot name.
 */
static int parse_backend(struct gw_arena *arena, const char *host,
			 const char *gw_ns, struct backend *b)
{
	const char *dot = strchr(host, '.'), *rest;
	size_t len;

	if (strchr(host, '*') || strchr(host, '/'))
		return -1;
	if (!dot) {
		b->name = host;
		b->ns = NULL;
		return 0;
	}
	rest = dot + 1;
	len = strcspn(rest, ".");
	if (!len || (rest[len] && strcmp(rest + len, ".svc.cluster.local")))
		return -1;
	b->name = gw_arena_strndup(arena, host, (size_t)(dot - host));
	b->ns = gw_arena_strndup(arena, rest, len);
	if (!strcmp(b->ns, gw_ns))
		b->ns = NULL;
	return 0;
}

/* ---- the checks -------------------------------------------------------- */

struct checker {
	struct gw_diag *diag;
	const struct gw_gateway *gw;
	unsigned errors;
};

static void error(struct checker *c, struct gw_mark at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void error(struct checker *c, struct gw_mark at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gw_diag_vadd(c->diag, GW_SEV_ERROR, at, fmt, ap);
	va_end(ap);
	c->errors++;
}

#define WAY_OUT "(or use spec.installation: injection)"

/* Keys that have no role when istiod deploys the gateway. */
static void check_unused_keys(struct checker *c)
{
	static const struct { const char *path, *why; } keys[] = {
		{ "spec.controlPlane.injectionTemplate", "from its own "
		  "kube-gateway template, not a gateway injection template" },
		{ "spec.controlPlane.pinTemplate", "from its own kube-gateway "
		  "template, not a gateway injection template" },
		{ "spec.controlPlane.legacyTemplate", "on nodes older than "
		  "Linux 4.11 gwc removes the sysctl in the parameters "
		  "ConfigMap" },
		{ "spec.injectionPreview", "there is no Deployment of gwc's to "
		  "inject" },
		{ "spec.serviceAccount.name", "with a ServiceAccount of that "
		  "name" },
		{ "spec.serviceAccount.create", "with a ServiceAccount of that "
		  "name" },
		{ "spec.canary", "one Deployment per Gateway: a canary is a "
		  "second Gateway, labelled with the new istio.io/rev" },
	};
	const struct gw_node *n;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if ((n = gw_node_at(c->gw->doc, keys[i].path)))
			error(c, n->mark, "%s: has no role in a Gateway API "
			      "installation, where istiod deploys the gateway "
			      "as %s-istio (%s); remove it " WAY_OUT,
			      keys[i].path, c->gw->name, keys[i].why);
	n = gw_node_at(c->gw->doc, "spec.applyScript");
	if (n && n->kind == GW_BOOL && n->u.b)
		error(c, n->mark, "spec.applyScript: apply.sh follows the "
		      "gateway injection procedure; apply a Gateway API "
		      "folder with kubectl apply -k and wait with kubectl "
		      "wait --for=condition=programmed gateway/%s; remove it "
		      WAY_OUT, c->gw->name);
}

/* The Service istiod writes has the listeners' ports, each its own
 * target: spec.service.ports only names them. */
static void check_ports(struct checker *c)
{
	const struct gw_gateway *gw = c->gw;
	size_t i;

	for (i = 0; i < gw->nports; i++) {
		const struct gw_port *p = &gw->ports[i];

		if (p->target_given && p->target_port != p->port)
			error(c, p->target_mark, "spec.service.ports[%zu]."
			      "targetPort: istiod's Service for a Gateway "
			      "targets each listener's own port (%ld), and no "
			      "key of the Gateway API moves it; remove it "
			      WAY_OUT, i, p->port);
		if (p->node_port)
			error(c, p->node_port_mark, "spec.service.ports[%zu]."
			      "nodePort: istiod's Service for a Gateway has "
			      "node ports of the cluster's choosing; remove it "
			      WAY_OUT, i);
	}
	if (!gw->nservers)
		error(c, gw->installation_mark, "spec.servers: a Gateway API "
		      "Gateway needs at least one listener, and gwc makes "
		      "them of spec.servers; give one");
}

static void check_servers(struct checker *c)
{
	const struct gw_gateway *gw = c->gw;
	size_t i, j;

	for (i = 0; i < gw->nservers; i++) {
		const struct gw_server *s = &gw->servers[i];
		const struct gw_node *hosts = gw_map_get(s->node, "hosts");
		const struct gw_node *mode = gw_map_get(s->tls, "mode");
		const char *m = mode ? mode->u.str.s : NULL;
		const struct gw_node *n;

		if (hosts->u.seq.n > 1)
			error(c, hosts->u.seq.items[1]->mark, "spec.servers[%zu]"
			      ".hosts: a Gateway API listener has one hostname; "
			      "give one host per server (a server on the same "
			      "port for each, with its own name)", i);
		for (j = 0; j < hosts->u.seq.n; j++) {
			const char *h = hosts->u.seq.items[j]->u.str.s;

			if (strchr(h, '/'))
				error(c, hosts->u.seq.items[j]->mark,
				      "spec.servers[%zu].hosts[%zu]: a Gateway "
				      "API listener has no namespace/host form "
				      "(which namespaces' routes may bind is "
				      "the listener's allowedRoutes); give the "
				      "host alone", i, j);
		}
		if (!strcmp(s->protocol, "MONGO"))
			error(c, gw_map_get(s->node, "protocol")->mark,
			      "spec.servers[%zu].protocol: MONGO has no Gateway "
			      "API listener protocol; use TCP " WAY_OUT, i);
		if (!strcmp(s->protocol, "HTTPS") && m && strcmp(m, "SIMPLE"))
			error(c, mode->mark, "spec.servers[%zu].tls.mode: %s "
			      "has no Gateway API equivalent on an HTTPS "
			      "listener (Terminate with certificateRefs is "
			      "SIMPLE); use SIMPLE " WAY_OUT, i, m);
		if (!strcmp(s->protocol, "TLS") && m &&
		    strcmp(m, "PASSTHROUGH"))
			error(c, mode->mark, "spec.servers[%zu].tls.mode: %s "
			      "has no Gateway API equivalent on a TLS listener "
			      "(gwc writes TLS listeners in Passthrough mode); "
			      "use PASSTHROUGH, or protocol HTTPS with SIMPLE "
			      WAY_OUT, i, m);
		if (strcmp(s->protocol, "HTTPS") && strcmp(s->protocol, "TLS") &&
		    m)
			error(c, mode->mark, "spec.servers[%zu].tls.mode: a "
			      "Gateway API listener of protocol %s has no TLS; "
			      "remove it " WAY_OUT, i, s->protocol);
		if ((n = gw_map_get(s->tls, "httpsRedirect")))
			error(c, n->mark, "spec.servers[%zu].tls.httpsRedirect: "
			      "a Gateway API listener has no redirect of its "
			      "own (it is an HTTPRoute's RequestRedirect "
			      "filter, which gwc does not write); remove it "
			      WAY_OUT, i);
		if ((n = gw_map_get(s->tls, "minProtocolVersion")))
			error(c, n->mark, "spec.servers[%zu].tls."
			      "minProtocolVersion: a Gateway API listener has "
			      "no TLS version setting; remove it " WAY_OUT, i);
		if (m && !strcmp(m, "PASSTHROUGH") &&
		    gw_map_get(s->tls, "credentialName"))
			error(c, gw_map_get(s->tls, "credentialName")->mark,
			      "spec.servers[%zu].tls.credentialName: a "
			      "Passthrough listener terminates no TLS and has "
			      "no certificate; remove it", i);
	}
}

/* A path match's value as HTTPRoute takes it (an absolute path). */
static void check_path(struct checker *c, const struct gw_node *v,
		       size_t r, size_t h, size_t k, const char *type)
{
	const char *s = v->u.str.s;

	if (s[0] != '/')
		error(c, v->mark, "spec.routes[%zu].http[%zu].match[%zu].uri."
		      "%s: an HTTPRoute path match must start with '/'",
		      r, h, k, type);
}

static void check_http(struct checker *c, struct gw_arena *arena, size_t r,
		       size_t h, const struct gw_node *http)
{
	const struct gw_node *match = gw_map_get(http, "match");
	const struct gw_node *route = gw_map_get(http, "route");
	const struct gw_node *rewrite = gw_map_get(http, "rewrite");
	const struct gw_node *timeout = gw_map_get(http, "timeout");
	bool regex = false, prefix = false, exact = false;
	size_t k;

	for (k = 0; match && k < match->u.seq.n; k++) {
		const struct gw_node *uri = gw_map_get(match->u.seq.items[k],
						       "uri");
		const struct gw_node *v;

		if (!uri)
			prefix = true;	/* every path: PathPrefix / */
		else if ((v = gw_map_get(uri, "prefix")))
			prefix = true, check_path(c, v, r, h, k, "prefix");
		else if ((v = gw_map_get(uri, "exact")))
			exact = true, check_path(c, v, r, h, k, "exact");
		else
			regex = true;
	}
	if (!match || !match->u.seq.n)
		prefix = true;
	if (rewrite && (regex || (prefix && exact)))
		error(c, gw_map_get(rewrite, "uri")->mark, "spec.routes[%zu]."
		      "http[%zu].rewrite.uri: an HTTPRoute rewrites a matched "
		      "prefix (every match a prefix) or the full path (every "
		      "match exact), not after %s; split the route " WAY_OUT,
		      r, h, regex ? "a regex match" :
		      "both prefix and exact matches");
	if (timeout && !gateway_duration(arena, timeout->u.str.s))
		error(c, timeout->mark, "spec.routes[%zu].http[%zu].timeout: "
		      "%s has no Gateway API spelling (whole hours, minutes, "
		      "seconds and milliseconds, each below 100000)", r, h,
		      timeout->u.str.s);
	for (k = 0; k < route->u.seq.n; k++) {
		const struct gw_node *dest = gw_map_get(route->u.seq.items[k],
							"destination");
		const struct gw_node *host = gw_map_get(dest, "host");
		const struct gw_node *n;
		struct backend b;

		if ((n = gw_map_get(dest, "subset")))
			error(c, n->mark, "spec.routes[%zu].http[%zu].route[%zu]"
			      ".destination.subset: an HTTPRoute has no "
			      "DestinationRule subsets; route to a Service of "
			      "that subset's pods instead " WAY_OUT, r, h, k);
		if (parse_backend(arena, host->u.str.s, c->gw->ns, &b))
			error(c, host->mark, "spec.routes[%zu].http[%zu].route"
			      "[%zu].destination.host: an HTTPRoute backend is "
			      "a Service: write it as svc, svc.namespace or "
			      "svc.namespace.svc.cluster.local", r, h, k);
		if (!gw_map_get(dest, "port"))
			error(c, dest->mark, "spec.routes[%zu].http[%zu].route"
			      "[%zu].destination.port.number: an HTTPRoute "
			      "backend Service needs its port; give it", r, h,
			      k);
	}
}

static void check_routes(struct checker *c, struct gw_arena *arena)
{
	const struct gw_gateway *gw = c->gw;
	size_t r, j;

	for (r = 0; r < gw->nroutes; r++) {
		const struct gw_node *hosts = gw_map_get(gw->routes[r].node,
							 "hosts");
		const struct gw_node *http = gw_map_get(gw->routes[r].node,
							"http");

		for (j = 0; j < hosts->u.seq.n; j++)
			if (strchr(hosts->u.seq.items[j]->u.str.s, '/'))
				error(c, hosts->u.seq.items[j]->mark,
				      "spec.routes[%zu].hosts[%zu]: an HTTPRoute "
				      "hostname has no namespace/host form; "
				      "give the host alone", r, j);
		for (j = 0; j < http->u.seq.n; j++)
			check_http(c, arena, r, j, http->u.seq.items[j]);
	}
}

/*
 * Nodes older than Linux 4.11.  istiod's kube-gateway template gives the
 * pod the sysctl net.ipv4.ip_unprivileged_port_start=0, which does not
 * exist there: gwc removes it in the ConfigMap (the vendor's Scenario 1).
 * The Service istiod writes targets each listener's own port, so a
 * listener below 1024 must be bound by the proxy itself, which the
 * template runs as uid 1337 with every capability dropped: an error
 * unless the spec chooses root or netBindService (Scenario 2).
 */
static void check_kernel_ports(struct checker *c, struct gw_arena *arena)
{
	static const char *const run_as_non_root =
		"spec.deployment.securityContext.runAsNonRoot";
	const struct gw_gateway *gw = c->gw;
	const char *low = low_listeners(arena, gw);
	const struct gw_node *n;
	size_t i, j;

	for (i = 0; gw->legacy_kernel && gw->privileged == GW_PRIVILEGED_NONE &&
	     i < gw->nservers; i++) {
		for (j = 0; j < i && gw->servers[j].port != gw->servers[i].port;
		     j++)
			;
		if (j < i || !low_port(gw->servers[i].port))
			continue;
		error(c, gw->servers[i].port_mark, "spec.servers[%zu].port: "
		      "%ld is below 1024, and istiod's Service for a Gateway "
		      "targets each listener's own port, which the proxy "
		      "(uid 1337, no capabilities) cannot bind on nodes older "
		      "than Linux 4.11; listen on 1024 or above, or set "
		      "spec.nodes.privilegedPorts to root (the proxy runs as "
		      "root) or netBindService (NET_BIND_SERVICE, which "
		      "binds only where the container runtime sets ambient "
		      "capabilities)", i, gw->servers[i].port);
	}
	if (gw->privileged == GW_PRIVILEGED_NONE)
		return;
	if (!gw->legacy_kernel) {
		gw_diag_add(c->diag, GW_SEV_WARNING, gw->privileged_mark,
			    "spec.nodes.privilegedPorts: has no effect on "
			    "nodes of Linux 4.11 or later (the sysctl lets "
			    "the proxy bind every port)");
		return;
	}
	if (!*low) {
		gw_diag_add(c->diag, GW_SEV_WARNING, gw->privileged_mark,
			    "spec.nodes.privilegedPorts: has no effect: no "
			    "listener port is below 1024");
		return;
	}
	if (gw->privileged == GW_PRIVILEGED_NET_BIND) {
		gw_diag_add(c->diag, GW_SEV_WARNING, gw->privileged_mark,
			    "spec.nodes.privilegedPorts: netBindService: the "
			    "proxy runs as uid 1337, and Kubernetes with "
			    "containerd or CRI-O sets no ambient capabilities "
			    "(kubernetes#56374), so NET_BIND_SERVICE does not "
			    "let it bind %s: the gateway will not serve there; "
			    "listen on 1024 or above, or choose root", low);
		return;
	}
	n = gw_node_at(gw->doc, run_as_non_root);
	if (n && n->kind == GW_BOOL && n->u.b)
		error(c, n->mark, "%s: true contradicts "
		      "spec.nodes.privilegedPorts: root (the pod would be "
		      "refused: the proxy's runAsUser 0 breaks the non-root "
		      "policy)", run_as_non_root);
	gw_diag_add(c->diag, GW_SEV_WARNING, gw->privileged_mark,
		    "spec.nodes.privilegedPorts: root: the istio-proxy "
		    "container runs as uid 0 with NET_BIND_SERVICE and "
		    "runAsNonRoot: false to bind %s; a compromised proxy is "
		    "root in its container, and a namespace that enforces "
		    "the restricted Pod Security level refuses the pod", low);
}

unsigned gw_gatewayapi_check(struct gw_diag *diag, const struct gw_gateway *gw)
{
	struct checker c = { diag, gw, 0 };

	check_unused_keys(&c);
	check_ports(&c);
	check_servers(&c);
	check_routes(&c, diag->arena);
	check_kernel_ports(&c, diag->arena);
	/* gen/podsecurity.c judges the pod istiod injects into gwc's
	 * Deployment; here istiod makes the whole pod, which gwc does not
	 * render */
	if (!c.errors && !strcmp(gw->pss_enforce, "restricted"))
		gw_diag_add(diag, GW_SEV_NOTE, gw->pss_mark,
			    "spec.namespace.podSecurity: gwc cannot check the "
			    "pod istiod makes for a Gateway API gateway "
			    "against Pod Security restricted; istiod's "
			    "kube-gateway template sets no seccomp profile "
			    "(give spec.deployment.securityContext."
			    "seccompProfile)");
	return c.errors;
}

/* ---- rendering --------------------------------------------------------- */

/* @m's map at @key, made when missing. */
static struct gw_node *map_at(struct gw_renderer *r, struct gw_node *m,
			      const char *key)
{
	struct gw_node *v = gw_map_get(m, key);

	return v ? v : put_map(r, m, key);
}

/* The name istiod gives the Deployment, Service, ServiceAccount (and its
 * own HPA and PDB) of a Gateway of class istio. */
static const char *deployment_name(struct gw_renderer *r)
{
	return gw_arena_printf(r->arena, "%s-istio", r->gw->name);
}

static const char *options_name(struct gw_renderer *r)
{
	return gw_arena_printf(r->arena, "%s-gateway-options", r->gw->name);
}

/*
 * The value of a pass-through key for the overlay of istiod's
 * Deployment: what the spec states.  Two of gwc's defaults are left to
 * the template, which already has them: image auto (the template's
 * proxy image) and the container securityContext (the template's is the
 * seed's: every capability dropped, no privilege escalation, read-only
 * root, non-root uid 1337).  A topology spread constraint without a
 * labelSelector counts this gateway's pods by the label istiod gives
 * them.
 */
static const struct gw_node *pass_value(struct gw_renderer *r, enum gw_pass id)
{
	const struct gw_gateway *gw = r->gw;
	const struct gw_node *v = gw->pass[id];
	struct gw_node *tsc, *sel;
	size_t i;

	switch (id) {
	case GW_PASS_IMAGE:
		return v && v->kind == GW_STR && !strcmp(v->u.str.s, "auto") ?
			NULL : v;
	case GW_PASS_SECURITY_CONTEXT:
		return gw_node_at(gw->doc, gw_pass_keys[id].path);
	case GW_PASS_TOPOLOGY_SPREAD_CONSTRAINTS:
		v = gw_node_at(gw->doc, gw_pass_keys[id].path);
		if (!v)
			return NULL;
		tsc = copy(r, v);
		for (i = 0; i < tsc->u.seq.n; i++) {
			if (gw_map_get(tsc->u.seq.items[i], "labelSelector"))
				continue;
			sel = put_map(r, tsc->u.seq.items[i], "labelSelector");
			sel = put_map(r, sel, "matchLabels");
			put_str(r, sel, GATEWAY_NAME_LABEL, gw->name);
		}
		return tsc;
	default:
		return v;
	}
}

static void put_pass(struct gw_renderer *r, struct gw_node *into,
		     enum gw_pass_object object)
{
	size_t id;

	for (id = 0; id < GW_PASS_N; id++)
		if (gw_pass_keys[id].object == object &&
		    id != GW_PASS_LOAD_BALANCER_IP)	/* spec.addresses */
			gw_render_put_pass(r, into, id, pass_value(r, id));
}

/* Sets @key of the map @m to @value, replacing a value already there. */
static void set(struct gw_renderer *r, struct gw_node *m, const char *key,
		struct gw_node *value)
{
	struct gw_pair *p = gw_map_pair(m, key);

	if (p)
		p->value = value;
	else
		put(r, m, key, value);
}

/*
 * A listener below 1024 on a legacy kernel (check_kernel_ports let it
 * through): NET_BIND_SERVICE added to the capabilities the template
 * keeps dropped (Scenario 2), and with root also uid and gid 0 and
 * runAsNonRoot: false.  Root alone would not do: the template drops
 * ALL, so root keeps no capability to bind with either.
 */
static void put_privileged(struct gw_renderer *r, struct gw_node *container)
{
	struct gw_node *sc, *add;
	struct gw_pair *p = gw_map_pair(container, "securityContext");
	size_t i;

	if (p)
		sc = p->value;		/* a copy already (put_pass_key) */
	else
		sc = put_map(r, container, "securityContext");
	add = map_at(r, sc, "capabilities");
	p = gw_map_pair(add, "add");
	if (!p) {
		add = put_seq(r, add, "add");
	} else {
		add = p->value;
		for (i = 0; i < add->u.seq.n; i++)
			if (!strcmp(add->u.seq.items[i]->u.str.s,
				    "NET_BIND_SERVICE"))
				break;
		if (i < add->u.seq.n)
			add = NULL;	/* there already */
	}
	if (add)
		gw_seq_push(r->arena, add, str(r, "NET_BIND_SERVICE"));
	if (r->gw->privileged != GW_PRIVILEGED_ROOT)
		return;
	set(r, sc, "runAsUser", gw_node_int(r->arena, 0));
	set(r, sc, "runAsGroup", gw_node_int(r->arena, 0));
	set(r, sc, "runAsNonRoot", gw_node_bool(r->arena, false));
}

/* data.deployment: the overlay of the Deployment istiod renders; NULL
 * when the spec sets nothing on it. */
static struct gw_node *deployment_overlay(struct gw_renderer *r)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *dep = gw_node_map(r->arena), *spec, *tmpl, *meta;
	struct gw_node *pod, *c, *m;

	spec = gw_node_map(r->arena);
	if (gw->replicas >= 0 && !gw->hpa)
		put_int(r, spec, "replicas", gw->replicas);
	put_pass(r, spec, GW_PASS_TO_DEPLOYMENT);
	tmpl = gw_node_map(r->arena);
	meta = gw_node_map(r->arena);
	if ((m = gw_render_merge(r, gw->pod_labels, NULL)))
		put(r, meta, "labels", m);
	if ((m = gw_render_merge(r, gw->pod_annotations, NULL)))
		put(r, meta, "annotations", m);
	if (meta->u.map.n)
		put(r, tmpl, "metadata", meta);

	pod = gw_node_map(r->arena);
	/* Scenario 1: the template's only pod sysctl does not exist */
	if (gw->legacy_kernel)
		put_seq(r, put_map(r, pod, "securityContext"), "sysctls");
	c = gw_node_map(r->arena);
	put_str(r, c, "name", "istio-proxy");
	put_pass(r, c, GW_PASS_TO_CONTAINER);
	if (gw->legacy_kernel && gw->privileged != GW_PRIVILEGED_NONE &&
	    *low_listeners(r->arena, gw))
		put_privileged(r, c);
	/* what the spec gives: the template's are Istio's
	 * global.proxy.resources, by default the same as gwc's defaults */
	gw_render_put_resources(r, c, true);
	if (c->u.map.n > 1) {
		/* containers merge by name: istio-proxy's fields over the
		 * template's, the spec's other containers added */
		gw_seq_push(r->arena, put_seq(r, pod, "containers"), c);
	}
	put_pass(r, pod, GW_PASS_TO_POD);
	if (pod->u.map.n)
		put(r, tmpl, "spec", pod);
	if (tmpl->u.map.n)
		put(r, spec, "template", tmpl);
	if (!spec->u.map.n)
		return NULL;
	put(r, dep, "spec", spec);
	return dep;
}

/* data.service: the Service's labels, annotations and fields; NULL when
 * the spec gives none. */
static struct gw_node *service_overlay(struct gw_renderer *r)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *svc = gw_node_map(r->arena), *meta, *spec, *m;

	meta = gw_node_map(r->arena);
	if ((m = gw_render_merge(r, gw->service_labels, NULL)))
		put(r, meta, "labels", m);
	if ((m = gw_render_merge(r, gw->service_annotations, NULL)))
		put(r, meta, "annotations", m);
	if (meta->u.map.n)
		put(r, svc, "metadata", meta);
	spec = gw_node_map(r->arena);
	put_pass(r, spec, GW_PASS_TO_SERVICE);
	if (spec->u.map.n)
		put(r, svc, "spec", spec);
	return svc->u.map.n ? svc : NULL;
}

static struct gw_node *service_account_overlay(struct gw_renderer *r)
{
	struct gw_node *sa, *m;

	if (!(m = gw_render_merge(r, r->gw->service_account_annotations, NULL)))
		return NULL;
	sa = gw_node_map(r->arena);
	put(r, put_map(r, sa, "metadata"), "annotations", m);
	return sa;
}

/* @overlay as the YAML text of a ConfigMap key; -1 if it cannot be
 * emitted. */
static int put_overlay(struct gw_renderer *r, struct gw_node *data,
		       const char *key, struct gw_node *overlay)
{
	struct gw_buf buf = { 0 };
	struct gw_node *text;

	if (!overlay)
		return 0;
	if (gw_emit_yaml(&buf, &overlay, 1)) {
		gw_buf_release(&buf);
		return -1;
	}
	text = gw_node_new(r->arena, GW_STR);
	text->u.str.s = gw_arena_strndup(r->arena, buf.data, buf.len);
	text->u.str.len = buf.len;
	text->literal = true;	/* a "|" block, as the vendor's page has it */
	gw_buf_release(&buf);
	put(r, data, key, text);
	return 0;
}

/* The parameters ConfigMap, or NULL when it would hold nothing. */
static struct gw_node *render_options(struct gw_renderer *r, int *err)
{
	struct gw_node *data = gw_node_map(r->arena), *cm;

	*err |= put_overlay(r, data, "deployment", deployment_overlay(r));
	*err |= put_overlay(r, data, "service", service_overlay(r));
	*err |= put_overlay(r, data, "serviceAccount",
			    service_account_overlay(r));
	if (!data->u.map.n)
		return NULL;
	cm = gw_render_object(r, "v1", "ConfigMap", options_name(r), r->gw->ns,
			      NULL, NULL);
	put(r, cm, "data", data);
	return cm;
}

static struct gw_node *render_namespace(struct gw_renderer *r)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *labels = gw_render_merge(r, gw->namespace_labels, NULL);

	if (!labels)
		labels = gw_node_map(r->arena);
	put_str(r, labels, "pod-security.kubernetes.io/enforce",
		gw->pss_enforce);
	if (gw->pss_version_given)
		put_str(r, labels, "pod-security.kubernetes.io/enforce-version",
			gw->pss_version);
	gw_map_sort(labels);
	return gw_render_object(r, "v1", "Namespace", gw->ns, NULL, labels,
				NULL);
}

/* A server's listener: HTTP2 and GRPC are HTTP listeners (an HTTPRoute
 * or GRPCRoute says what runs over them). */
static void put_listener(struct gw_renderer *r, struct gw_node *listeners,
			 const struct gw_server *s)
{
	struct gw_node *l = push_map(r, listeners), *tls, *ns;
	const struct gw_node *hosts = gw_map_get(s->node, "hosts");
	const char *host = hosts->u.seq.items[0]->u.str.s;
	const char *cred = str_at(s->tls, "credentialName");
	const char *proto = s->protocol;

	if (!strcmp(proto, "HTTP2") || !strcmp(proto, "GRPC"))
		proto = "HTTP";
	put_str(r, l, "name", s->name);
	if (strcmp(host, "*"))
		put_str(r, l, "hostname", host);
	put_int(r, l, "port", s->port);
	put_str(r, l, "protocol", proto);
	if (!strcmp(proto, "HTTPS")) {
		tls = put_map(r, l, "tls");
		put_str(r, tls, "mode", "Terminate");
		if (cred)
			put_str(r, push_map(r, put_seq(r, tls,
						       "certificateRefs")),
				"name", cred);
	} else if (!strcmp(proto, "TLS")) {
		put_str(r, put_map(r, l, "tls"), "mode", "Passthrough");
	}
	ns = put_map(r, put_map(r, l, "allowedRoutes"), "namespaces");
	put_str(r, ns, "from", "All");
}

static struct gw_node *render_gateway(struct gw_renderer *r, bool options)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *labels = gw_node_map(r->arena);
	struct gw_node *ann = gw_node_map(r->arena);
	const struct gw_node *lb_ip = gw->pass[GW_PASS_LOAD_BALANCER_IP];
	struct gw_node *obj, *spec, *ref, *addr, *listeners;
	const char *key, *value;
	size_t i;

	/* the revision whose istiod deploys and programs the gateway */
	gw_model_inject_label(gw, &key, &value);
	if (!strcmp(key, "istio.io/rev"))
		put_str(r, labels, key, value);
	put_str(r, ann, "networking.istio.io/service-type", gw->service_type);
	obj = gw_render_object(r, GATEWAY_API, "Gateway", gw->name, gw->ns,
			       labels, ann);
	spec = put_map(r, obj, "spec");
	put_str(r, spec, "gatewayClassName", "istio");
	/* istiod keeps managing a Gateway with one IPAddress address and
	 * gives it to its LoadBalancer Service as loadBalancerIP */
	if (lb_ip) {
		addr = push_map(r, put_seq(r, spec, "addresses"));
		put_str(r, addr, "type", "IPAddress");
		put(r, addr, "value", copy(r, lb_ip));
	}
	if (options) {
		ref = put_map(r, put_map(r, spec, "infrastructure"),
			      "parametersRef");
		put_str(r, ref, "group", "");
		put_str(r, ref, "kind", "ConfigMap");
		put_str(r, ref, "name", options_name(r));
	}
	listeners = put_seq(r, spec, "listeners");
	for (i = 0; i < gw->nservers; i++)
		put_listener(r, listeners, &gw->servers[i]);
	return obj;
}

/* The backends of the routes in other namespaces, for ReferenceGrants:
 * per namespace, the Services named. */
struct grant {
	const char *ns;
	const char **services;
	size_t n, cap;
};

struct grants {
	struct grant *v;
	size_t n, cap;
};

static void grant_add(struct gw_renderer *r, struct grants *g,
		      const struct backend *b)
{
	struct grant *x = NULL;
	size_t i;

	for (i = 0; i < g->n && !x; i++)
		if (!strcmp(g->v[i].ns, b->ns))
			x = &g->v[i];
	if (!x) {
		g->v = gw_arena_grow(r->arena, g->v, g->n, &g->cap,
				     sizeof(*g->v));
		x = &g->v[g->n++];
		*x = (struct grant){ b->ns, NULL, 0, 0 };
	}
	for (i = 0; i < x->n; i++)
		if (!strcmp(x->services[i], b->name))
			return;
	x->services = gw_arena_grow(r->arena, x->services, x->n, &x->cap,
				    sizeof(*x->services));
	x->services[x->n++] = b->name;
}

static int compare_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int compare_grant(const void *a, const void *b)
{
	return strcmp(((const struct grant *)a)->ns,
		      ((const struct grant *)b)->ns);
}

/* An HTTPRoute rule's URLRewrite filter for rewrite.uri (check_http
 * refused a rule whose matches are regex or mixed). */
static void put_rewrite(struct gw_renderer *r, struct gw_node *rule,
			const char *uri, bool exact)
{
	struct gw_node *f = push_map(r, put_seq(r, rule, "filters")), *path;

	put_str(r, f, "type", "URLRewrite");
	path = put_map(r, put_map(r, f, "urlRewrite"), "path");
	put_str(r, path, "type", exact ? "ReplaceFullPath" :
		"ReplacePrefixMatch");
	put_str(r, path, exact ? "replaceFullPath" : "replacePrefixMatch",
		uri);
}

static struct gw_node *render_rule(struct gw_renderer *r,
				   const struct gw_node *http,
				   struct grants *grants)
{
	const struct gw_node *match = gw_map_get(http, "match");
	const struct gw_node *route = gw_map_get(http, "route");
	const char *name = str_at(http, "name");
	const char *timeout = str_at(http, "timeout");
	const char *rewrite = str_at(gw_map_get(http, "rewrite"), "uri");
	struct gw_node *rule = gw_node_map(r->arena), *seq, *ref;
	bool exact = match && match->u.seq.n;
	size_t k;

	if (name)
		put_str(r, rule, "name", name);
	if (match && match->u.seq.n) {
		seq = put_seq(r, rule, "matches");
		for (k = 0; k < match->u.seq.n; k++) {
			const struct gw_node *uri = gw_map_get(
				match->u.seq.items[k], "uri");
			struct gw_node *m = push_map(r, seq), *path;
			const struct gw_pair *p = uri ? &uri->u.map.pairs[0] :
				NULL;

			if (!p) {
				exact = false;
				continue;
			}
			path = put_map(r, m, "path");
			if (!strcmp(p->key->u.str.s, "prefix")) {
				put_str(r, path, "type", "PathPrefix");
				exact = false;
			} else {
				put_str(r, path, "type",
					!strcmp(p->key->u.str.s, "exact") ?
					"Exact" : "RegularExpression");
			}
			put(r, path, "value", copy(r, p->value));
		}
	}
	if (rewrite)
		put_rewrite(r, rule, rewrite, exact);
	seq = put_seq(r, rule, "backendRefs");
	for (k = 0; k < route->u.seq.n; k++) {
		const struct gw_node *d = route->u.seq.items[k];
		const struct gw_node *dest = gw_map_get(d, "destination");
		const struct gw_node *weight = gw_map_get(d, "weight");
		struct backend b;

		parse_backend(r->arena, str_at(dest, "host"), r->gw->ns, &b);
		ref = push_map(r, seq);
		put_str(r, ref, "name", b.name);
		if (b.ns) {
			put_str(r, ref, "namespace", b.ns);
			grant_add(r, grants, &b);
		}
		put(r, ref, "port", copy(r, gw_map_get(gw_map_get(dest, "port"),
						       "number")));
		if (weight)
			put(r, ref, "weight", copy(r, weight));
	}
	if (timeout)
		put_str(r, put_map(r, rule, "timeouts"), "request",
			gateway_duration(r->arena, timeout));
	return rule;
}

static struct gw_node *render_route(struct gw_renderer *r,
				    const struct gw_route *route,
				    struct grants *grants)
{
	const struct gw_gateway *gw = r->gw;
	const struct gw_node *hosts = gw_map_get(route->node, "hosts");
	const struct gw_node *http = gw_map_get(route->node, "http");
	struct gw_node *obj, *spec, *parent, *names = NULL, *rules;
	size_t i;

	obj = gw_render_object(r, GATEWAY_API, "HTTPRoute", route->name, gw->ns,
			       NULL, NULL);
	spec = put_map(r, obj, "spec");
	parent = push_map(r, put_seq(r, spec, "parentRefs"));
	put_str(r, parent, "name", gw->name);
	put_str(r, parent, "namespace", gw->ns);
	/* a host "*" is every host: an HTTPRoute without hostnames */
	for (i = 0; i < hosts->u.seq.n; i++) {
		if (!strcmp(hosts->u.seq.items[i]->u.str.s, "*")) {
			names = NULL;
			break;
		}
		if (!names)
			names = gw_node_seq(r->arena);
		gw_seq_push(r->arena, names, copy(r, hosts->u.seq.items[i]));
	}
	if (names)
		put(r, spec, "hostnames", names);
	rules = put_seq(r, spec, "rules");
	for (i = 0; i < http->u.seq.n; i++)
		gw_seq_push(r->arena, rules,
			    render_rule(r, http->u.seq.items[i], grants));
	return obj;
}

/* A ReferenceGrant in each backend namespace: HTTPRoutes of the
 * gateway's namespace may name those Services.  Named for the gateway
 * (<name>.<namespace>: two DNS labels, so no two gateways share one),
 * so that each folder owns its grants. */
static struct gw_node *render_grant(struct gw_renderer *r, struct grant *g)
{
	struct gw_node *obj, *spec, *from, *to;
	size_t i;

	obj = gw_render_object(r, "gateway.networking.k8s.io/v1beta1",
			       "ReferenceGrant", gw_arena_printf(r->arena,
			       "%s.%s", r->gw->name, r->gw->ns), g->ns, NULL,
			       NULL);
	spec = put_map(r, obj, "spec");
	from = push_map(r, put_seq(r, spec, "from"));
	put_str(r, from, "group", "gateway.networking.k8s.io");
	put_str(r, from, "kind", "HTTPRoute");
	put_str(r, from, "namespace", r->gw->ns);
	to = put_seq(r, spec, "to");
	qsort(g->services, g->n, sizeof(*g->services), compare_str);
	for (i = 0; i < g->n; i++) {
		struct gw_node *t = push_map(r, to);

		put_str(r, t, "group", "");
		put_str(r, t, "kind", "Service");
		put_str(r, t, "name", g->services[i]);
	}
	return obj;
}

static struct gw_node *render_pdb(struct gw_renderer *r)
{
	const struct gw_gateway *gw = r->gw;
	struct gw_node *pdb, *spec, *labels;

	pdb = gw_render_object(r, "policy/v1", "PodDisruptionBudget",
			       deployment_name(r), gw->ns, NULL, NULL);
	spec = put_map(r, pdb, "spec");
	put_pass(r, spec, GW_PASS_TO_PDB);
	labels = put_map(r, put_map(r, spec, "selector"), "matchLabels");
	put_str(r, labels, GATEWAY_NAME_LABEL, gw->name);
	return pdb;
}

/* The files in the order of compile.c's apply_order (the `-o -`
 * stream), which kustomization.yaml lists too. */
/* One object of file @name, with its sync wave, into @f. */
static void keep_one(struct gw_renderer *r, struct gw_render_folder *f,
		     const char *name, struct gw_node *doc, const char *wave)
{
	gw_render_set_wave(r, doc, wave);
	gw_render_keep(r, f, name, &doc, 1);
}

int gw_gatewayapi_render(struct gw_arena *arena, struct gw_diag *diag,
			 const struct gw_gateway *gw, struct gw_fileset *set)
{
	struct gw_renderer r = { arena, gw, NULL };
	const char *dir = gw_arena_printf(arena, "%s/%s", gw->ns, gw->name);
	struct gw_node *kustomization = gw_node_map(arena), *resources;
	struct gw_node *options, **docs;
	struct gw_render_folder f = { 0 };
	struct grants grants = { 0 };
	int err = 0;
	size_t i;

	put_str(&r, kustomization, "apiVersion",
		"kustomize.config.k8s.io/v1beta1");
	put_str(&r, kustomization, "kind", "Kustomization");
	resources = put_seq(&r, kustomization, "resources");

	if (gw->namespace_create)
		keep_one(&r, &f, "namespace.yaml", render_namespace(&r), "-1");
	options = render_options(&r, &err);
	if (options)
		keep_one(&r, &f, "gateway-options.yaml", options, "-1");
	/* the pods istiod makes carry the Gateway's name label */
	if (gw->network_policy) {
		struct gw_node *pods = gw_node_map(arena);

		put_str(&r, pods, GATEWAY_NAME_LABEL, gw->name);
		keep_one(&r, &f, "gateway-networkpolicy.yaml",
			 gw_render_network_policy(&r, pods, true), "-1");
	}
	/* the routes first, for the grants their backends need */
	docs = gw_arena_alloc(arena, (gw->nroutes + 1) * sizeof(*docs));
	for (i = 0; i < gw->nroutes; i++) {
		docs[i] = render_route(&r, &gw->routes[i], &grants);
		gw_render_set_wave(&r, docs[i], "1");
	}
	if (grants.n) {
		struct gw_node **g = gw_arena_alloc(arena,
						    grants.n * sizeof(*g));

		qsort(grants.v, grants.n, sizeof(*grants.v), compare_grant);
		for (i = 0; i < grants.n; i++) {
			g[i] = render_grant(&r, &grants.v[i]);
			gw_render_set_wave(&r, g[i], "-1");
		}
		gw_render_keep(&r, &f, "referencegrants.yaml", g, grants.n);
	}
	/* gwc's own HPA of the Deployment istiod makes, not istiod's: the
	 * ConfigMap has no horizontalPodAutoscaler key, so istiod makes
	 * none */
	if (gw->hpa)
		keep_one(&r, &f, "gateway-hpa.yaml",
			 gw_render_hpa(&r, deployment_name(&r), gw->hpa_min,
				       gw->hpa_max), "1");
	if (gw->pdb)
		keep_one(&r, &f, "gateway-pdb.yaml", render_pdb(&r), "1");
	keep_one(&r, &f, "gateway.yaml", render_gateway(&r, options != NULL),
		 "0");
	if (gw->nroutes)
		gw_render_keep(&r, &f, "httproutes.yaml", docs, gw->nroutes);
	if (err || gw_render_add_folder(&r, diag, &f, set, dir, resources))
		return -1;
	return gw_render_add_file(&r, set, dir, "kustomization.yaml", NULL,
				  &kustomization, 1);
}
