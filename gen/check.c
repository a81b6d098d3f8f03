/*
 * check.c - the fourth stage: what the schema cannot express, on one
 * defaulted gateway model.
 *
 * Consumes a struct gw_gateway; produces errors (the output would be wrong
 * or rejected by Kubernetes or Istio) and warnings (valid but probably not
 * what the user meant), each at the line:col of the value at fault.
 */
#include <stdio.h>
#include <string.h>

#include "go.h"
#include "gwc.h"

struct checker {
	struct gw_diag *diag;
	const struct gw_gateway *gw;
	unsigned errors;
};

static void error(struct checker *c, struct gw_mark at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warning(struct checker *c, struct gw_mark at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void error(struct checker *c, struct gw_mark at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gw_diag_vadd(c->diag, GW_SEV_ERROR, at, fmt, ap);
	va_end(ap);
	c->errors++;
}

bool gw_label_value(const char *s, size_t len)
{
	size_t i;

	if (len > 63)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && (!i || i == len - 1 ||
			       (c != '-' && c != '_' && c != '.')))
			return false;
	}
	return true;
}

bool gw_dns1123_label(const char *s, size_t len)
{
	size_t i;

	if (!len || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static void warning(struct checker *c, struct gw_mark at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gw_diag_vadd(c->diag, GW_SEV_WARNING, at, fmt, ap);
	va_end(ap);
}

/* The path of a key of a labels-like map, e.g. a["sidecar.istio.io/x"]. */
static const char *key_path(struct gw_arena *arena, const char *base,
			    const char *key)
{
	struct gw_buf path = { 0 };
	char *s;

	gw_buf_puts(&path, base);
	gw_path_key(&path, key, strlen(key));
	s = gw_arena_strdup(arena, path.data);
	gw_buf_release(&path);
	return s;
}

static void check_names(struct checker *c)
{
	const struct gw_gateway *gw = c->gw;
	size_t i, j;

	if (!strcmp(gw->ns, gw->cp_namespace))
		error(c, gw->ns_mark, "metadata.namespace: the gateway must not "
		      "be installed in the control plane namespace '%s'",
		      gw->cp_namespace);
	if (gw->name[0] >= '0' && gw->name[0] <= '9')
		error(c, gw->name_mark, "metadata.name: '%s' cannot name a "
		      "Service (a DNS-1035 label starts with a letter)",
		      gw->name);
	for (i = 0; i < gw->nroutes; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(gw->routes[i].name, gw->routes[j].name))
				error(c, gw->routes[i].name_mark, "spec.routes"
				      "[%zu].name: duplicate VirtualService "
				      "name '%s' (also spec.routes[%zu])", i,
				      gw->routes[i].name, j);
}

/* The protocol family Istio infers from a port name, or NULL. */
static const char *name_protocol(const char *name)
{
	static const struct { const char *prefix, *family; } known[] = {
		{ "grpc-web", "HTTP" }, { "http2", "HTTP" }, { "https", "TLS" },
		{ "http", "HTTP" }, { "grpc", "HTTP" }, { "tcp", "TCP" },
		{ "tls", "TLS" }, { "mongo", "MONGO" }, { "mysql", "TCP" },
		{ "redis", "TCP" }, { "udp", "UDP" },
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(*known); i++) {
		size_t n = strlen(known[i].prefix);

		if (!strncmp(name, known[i].prefix, n) &&
		    (name[n] == '\0' || name[n] == '-'))
			return known[i].family;
	}
	return NULL;
}

static const char *server_family(const char *protocol)
{
	if (!strcmp(protocol, "HTTPS") || !strcmp(protocol, "TLS"))
		return "TLS";
	if (!strcmp(protocol, "HTTP") || !strcmp(protocol, "HTTP2") ||
	    !strcmp(protocol, "GRPC"))
		return "HTTP";
	return protocol;
}

static const struct gw_port *find_port(const struct gw_gateway *gw, long port)
{
	size_t i;

	for (i = 0; i < gw->nports; i++)
		if (gw->ports[i].port == port)
			return &gw->ports[i];
	return NULL;
}

/*
 * Each of spec.service.loadBalancerSourceRanges as the API server judges
 * it (ValidateService: strings.TrimSpace, then IsValidCIDR, which is
 * netutils.ParseCIDRSloppy): one error per entry it refuses.
 */
static void check_source_ranges(struct checker *c)
{
	const struct gw_node *ranges =
		c->gw->pass[GW_PASS_LOAD_BALANCER_SOURCE_RANGES];
	size_t i;

	for (i = 0; ranges && ranges->kind == GW_SEQ &&
		    i < ranges->u.seq.n; i++) {
		const struct gw_node *item = ranges->u.seq.items[i];
		struct gw_buf why = { 0 };
		unsigned char ip[16];
		const char *s, *show;
		size_t len;
		int bits;

		if (item->kind != GW_STR)
			continue;
		s = item->u.str.s;
		len = gw_go_trim_space(&s, item->u.str.len);
		if (gw_go_parse_cidr_sloppy(s, len, ip, &bits, &why) > 0) {
			gw_buf_release(&why);
			continue;
		}
		/* the explanation quotes the input: only when it is plain */
		show = gw_diag_show(c->diag->arena, item->u.str.s,
				    item->u.str.len);
		error(c, item->mark, "spec.service.loadBalancerSourceRanges"
		      "[%zu]: %s is not a CIDR%s%s%s", i, show,
		      show[0] == '\'' ? " (" : "",
		      show[0] == '\'' ? why.data : "",
		      show[0] == '\'' ? ")" : "");
		gw_buf_release(&why);
	}
}

/*
 * spec.service.loadBalancerIP must be an IP address (netutils.ParseIPSloppy,
 * as the API server reads the Service's IP fields; a load balancer has no
 * use for anything else, and the user trial saw "..." refused).
 */
static void check_load_balancer_ip(struct checker *c)
{
	const struct gw_node *ip = c->gw->pass[GW_PASS_LOAD_BALANCER_IP];
	struct gw_buf why = { 0 };
	unsigned char addr[16];
	const char *show;

	if (!ip || ip->kind != GW_STR ||
	    gw_go_parse_ip_sloppy(ip->u.str.s, ip->u.str.len, addr, &why)) {
		gw_buf_release(&why);
		return;
	}
	show = gw_diag_show(c->diag->arena, ip->u.str.s, ip->u.str.len);
	error(c, ip->mark, "spec.service.loadBalancerIP: %s is not an IP "
	      "address%s%s%s", show, show[0] == '\'' && why.len ? " (" : "",
	      show[0] == '\'' && why.len ? why.data : "",
	      show[0] == '\'' && why.len ? ")" : "");
	gw_buf_release(&why);
}

/* Each string of the list @list (JSON path @path), or the string @list
 * itself, must be an IP address, as the API server reads them
 * (ParseIPSloppy). */
static void check_ips(struct checker *c, const struct gw_node *list,
		      const char *path)
{
	bool one = list && list->kind == GW_STR;
	size_t i, n = one ? 1 : list && list->kind == GW_SEQ ? list->u.seq.n : 0;

	for (i = 0; i < n; i++) {
		const struct gw_node *ip = one ? list : list->u.seq.items[i];
		struct gw_buf why = { 0 };
		unsigned char addr[16];
		const char *show;

		if (ip->kind != GW_STR ||
		    gw_go_parse_ip_sloppy(ip->u.str.s, ip->u.str.len, addr,
					  &why)) {
			gw_buf_release(&why);
			continue;
		}
		show = gw_diag_show(c->diag->arena, ip->u.str.s, ip->u.str.len);
		error(c, ip->mark, "%s%s: %s is not an IP address%s%s%s",
		      path, one ? "" : gw_arena_printf(c->diag->arena, "[%zu]",
						       i), show,
		      show[0] == '\'' && why.len ? " (" : "",
		      show[0] == '\'' && why.len ? why.data : "",
		      show[0] == '\'' && why.len ? ")" : "");
		gw_buf_release(&why);
	}
}

/* The Service's chart-parity fields, as ValidateService judges them. */
static void check_service_fields(struct checker *c, bool lb)
{
	const struct gw_gateway *gw = c->gw;
	const struct gw_node *fam = gw->pass[GW_PASS_IP_FAMILIES];
	const struct gw_node *pol = gw->pass[GW_PASS_IP_FAMILY_POLICY];
	static const enum gw_pass lb_only[] = {
		GW_PASS_ALLOCATE_LOAD_BALANCER_NODE_PORTS,
		GW_PASS_LOAD_BALANCER_CLASS,
	};
	size_t i;

	check_ips(c, gw->pass[GW_PASS_EXTERNAL_IPS], "spec.service.externalIPs");
	if (gw->pass[GW_PASS_CLUSTER_IP]) {
		const struct gw_node *ip = gw->pass[GW_PASS_CLUSTER_IP];

		if (ip->kind == GW_STR && !strcmp(ip->u.str.s, "None")) {
			if (strcmp(gw->service_type, "ClusterIP"))
				error(c, ip->mark, "spec.service.clusterIP: "
				      "None (headless) is for a ClusterIP "
				      "Service, not %s", gw->service_type);
		} else {
			check_ips(c, ip, "spec.service.clusterIP");
		}
	}
	if (gw->pass[GW_PASS_HEALTH_CHECK_NODE_PORT] &&
	    (!lb || !gw->pass[GW_PASS_EXTERNAL_TRAFFIC_POLICY] ||
	     strcmp(gw->pass[GW_PASS_EXTERNAL_TRAFFIC_POLICY]->u.str.s,
		    "Local")))
		error(c, gw->pass[GW_PASS_HEALTH_CHECK_NODE_PORT]->mark,
		      "spec.service.healthCheckNodePort: only a LoadBalancer "
		      "Service with externalTrafficPolicy Local has one");
	if (fam && pol && fam->kind == GW_SEQ && fam->u.seq.n > 1 &&
	    pol->kind == GW_STR && !strcmp(pol->u.str.s, "SingleStack"))
		error(c, fam->mark, "spec.service.ipFamilies: a SingleStack "
		      "Service has one IP family, not %zu (ipFamilyPolicy "
		      "PreferDualStack or RequireDualStack takes two)",
		      fam->u.seq.n);
	for (i = 0; i < sizeof(lb_only) / sizeof(*lb_only); i++)
		if (!lb && gw->pass[lb_only[i]])
			error(c, gw->pass[lb_only[i]]->mark, "%s: only a "
			      "LoadBalancer Service has it (type is %s)",
			      gw_pass_keys[lb_only[i]].path, gw->service_type);
}

static long pods_of(const struct gw_node *value, long total);

/* The Deployment's strategy, as ValidateDeploymentStrategy judges it. */
static void check_strategy(struct checker *c)
{
	const struct gw_node *st = c->gw->pass[GW_PASS_STRATEGY];
	const struct gw_node *type = st ? gw_map_get(st, "type") : NULL;
	const struct gw_node *ru = st ? gw_map_get(st, "rollingUpdate") : NULL;
	const struct gw_node *surge, *unavail;

	if (ru && type && type->kind == GW_STR &&
	    !strcmp(type->u.str.s, "Recreate")) {
		error(c, ru->mark, "spec.deployment.strategy.rollingUpdate: a "
		      "Recreate strategy has no rolling update");
		return;
	}
	surge = ru ? gw_map_get(ru, "maxSurge") : NULL;
	unavail = ru ? gw_map_get(ru, "maxUnavailable") : NULL;
	if (surge && unavail && pods_of(surge, 100) == 0 &&
	    pods_of(unavail, 100) == 0)
		error(c, unavail->mark, "spec.deployment.strategy.rollingUpdate."
		      "maxUnavailable: 0 with maxSurge 0 lets no pod be "
		      "replaced (one of them must be above 0)");
}

/* The pod's DNS: None needs nameservers (validateDNSPolicy), which are IPs. */
static void check_dns(struct checker *c)
{
	const struct gw_gateway *gw = c->gw;
	const struct gw_node *pol = gw->pass[GW_PASS_DNS_POLICY];
	const struct gw_node *cfg = gw->pass[GW_PASS_DNS_CONFIG];
	const struct gw_node *ns = cfg ? gw_map_get(cfg, "nameservers") : NULL;

	check_ips(c, ns, "spec.deployment.dnsConfig.nameservers");
	if (pol && pol->kind == GW_STR && !strcmp(pol->u.str.s, "None") &&
	    (!ns || ns->kind != GW_SEQ || !ns->u.seq.n))
		error(c, pol->mark, "spec.deployment.dnsPolicy: None needs at "
		      "least one DNS server in spec.deployment.dnsConfig."
		      "nameservers (the pod would have no DNS)");
}

static void check_service(struct checker *c)
{
	const struct gw_gateway *gw = c->gw;
	bool lb = !strcmp(gw->service_type, "LoadBalancer");
	size_t i, j;

	for (i = 0; i < gw->nports; i++) {
		const struct gw_port *p = &gw->ports[i];

		for (j = 0; j < i; j++) {
			if (p->port == gw->ports[j].port &&
			    !strcmp(p->protocol, gw->ports[j].protocol))
				error(c, p->port_mark, "spec.service.ports[%zu]."
				      "port: duplicate port %ld (also "
				      "spec.service.ports[%zu])", i, p->port, j);
			if (!strcmp(p->name, gw->ports[j].name))
				error(c, p->name_mark, "spec.service.ports[%zu]."
				      "name: duplicate port name '%s' (also "
				      "spec.service.ports[%zu])", i, p->name, j);
		}
		if (strcmp(p->name, "status-port") && !name_protocol(p->name))
			warning(c, p->name_mark, "spec.service.ports[%zu].name: "
				"'%s' has no protocol prefix Istio knows (http, "
				"http2, https, grpc, tcp, tls, ...); Istio will "
				"sniff the protocol of traffic to it", i, p->name);
		if (p->node_port && !strcmp(gw->service_type, "ClusterIP"))
			error(c, p->node_port_mark, "spec.service.ports[%zu]."
			      "nodePort: a ClusterIP Service has no node ports", i);
	}
	if (!lb && gw->pass[GW_PASS_LOAD_BALANCER_IP])
		error(c, gw->pass[GW_PASS_LOAD_BALANCER_IP]->mark,
		      "spec.service.loadBalancerIP: only a "
		      "LoadBalancer Service has one (type is %s)",
		      gw->service_type);
	check_source_ranges(c);
	check_load_balancer_ip(c);
	check_service_fields(c, lb);
	check_dns(c);
	check_strategy(c);
	if (!lb && gw->pass[GW_PASS_LOAD_BALANCER_SOURCE_RANGES])
		error(c, gw->pass[GW_PASS_LOAD_BALANCER_SOURCE_RANGES]->mark,
		      "spec.service.loadBalancerSourceRanges: only a "
		      "LoadBalancer Service has them (type is %s)",
		      gw->service_type);
	if (gw->pass[GW_PASS_EXTERNAL_TRAFFIC_POLICY] &&
	    !strcmp(gw->service_type, "ClusterIP"))
		error(c, gw->pass[GW_PASS_EXTERNAL_TRAFFIC_POLICY]->mark,
		      "spec.service."
		      "externalTrafficPolicy: a ClusterIP Service has no "
		      "external traffic");
}

/*
 * istiod refuses a Gateway whose servers share a port name (ValidateGateway:
 * "port names in servers must be unique"), even servers of one port told
 * apart by SNI; a server without a name takes its Service port's.
 */
static void check_server_names(struct checker *c)
{
	const struct gw_gateway *gw = c->gw;
	size_t i, j;

	for (i = 0; i < gw->nservers; i++) {
		const struct gw_server *s = &gw->servers[i], *first;
		struct gw_mark at;

		for (j = 0; j < i && strcmp(s->name, gw->servers[j].name); j++)
			;
		if (j == i)
			continue;
		first = &gw->servers[j];
		at = first->name_given ? first->name_mark : first->mark;
		if (s->name_given)
			error(c, s->name_mark, "spec.servers[%zu].name: "
			      "duplicate server port name '%s', also "
			      "spec.servers[%zu]'s (%s:%d:%d); istiod refuses a "
			      "Gateway whose servers share a port name, even "
			      "servers of one port told apart by SNI", i,
			      s->name, j, at.file, at.line, at.col);
		else
			error(c, s->mark, "spec.servers[%zu]: duplicate server "
			      "port name '%s' (a server without a name takes "
			      "its Service port's), also spec.servers[%zu]'s "
			      "(%s:%d:%d); istiod refuses a Gateway whose "
			      "servers share a port name, even servers of one "
			      "port told apart by SNI: give spec.servers[%zu]."
			      "name", i, s->name, j, at.file, at.line, at.col, i);
	}
}

static void check_servers(struct checker *c)
{
	const struct gw_gateway *gw = c->gw;
	size_t i;

	for (i = 0; i < gw->nservers; i++) {
		const struct gw_server *s = &gw->servers[i];
		const struct gw_port *p = find_port(gw, s->port);
		const struct gw_node *mode = gw_map_get(s->tls, "mode");
		const char *family = server_family(s->protocol);

		if (!p) {
			struct gw_buf list = { 0 };
			size_t k;

			for (k = 0; k < gw->nports; k++)
				gw_buf_printf(&list, "%s%ld", k ? ", " : "",
					      gw->ports[k].port);
			error(c, s->port_mark, "spec.servers[%zu].port: %ld is "
			      "not a port of the gateway Service (%s)", i,
			      s->port, list.data);
			gw_buf_release(&list);
		} else if (name_protocol(p->name) &&
			   strcmp(name_protocol(p->name), family)) {
			warning(c, s->port_mark, "spec.servers[%zu].port: "
				"Service port '%s' is named for another "
				"protocol than %s; mesh clients will send "
				"the wrong protocol to it", i, p->name,
				s->protocol);
		}
		if ((!strcmp(s->protocol, "HTTPS") ||
		     !strcmp(s->protocol, "TLS")) && !mode)
			error(c, s->mark, "spec.servers[%zu]: protocol %s needs "
			      "tls.mode", i, s->protocol);
		if (mode && (!strcmp(mode->u.str.s, "SIMPLE") ||
			     !strcmp(mode->u.str.s, "MUTUAL") ||
			     !strcmp(mode->u.str.s, "OPTIONAL_MUTUAL")) &&
		    !gw_map_get(s->tls, "credentialName"))
			error(c, s->tls->mark, "spec.servers[%zu].tls: mode %s "
			      "needs credentialName (the Secret with the "
			      "certificate)", i, mode->u.str.s);
	}
}

static void check_resources(struct checker *c)
{
	const struct gw_gateway *gw = c->gw;
	const struct { const struct gw_qty *req, *lim; const char *name; } r[] = {
		{ &gw->req_cpu, &gw->lim_cpu, "cpu" },
		{ &gw->req_mem, &gw->lim_mem, "memory" },
	};
	size_t i;

	for (i = 0; i < 2; i++) {
		const char *name = r[i].name;

		if (r[i].req->s && r[i].lim->s &&
		    gw_quantity_cmp(r[i].req->s, r[i].lim->s) > 0)
			error(c, r[i].req->given ? r[i].req->mark :
			      r[i].lim->mark, "spec.deployment.resources.%s.%s: "
			      "request %s is above the %slimit %s",
			      r[i].req->given ? "requests" : "limits", name,
			      r[i].req->s, r[i].lim->given ? "" : "default ",
			      r[i].lim->s);
	}
}

static void check_autoscaling(struct checker *c)
{
	const struct gw_gateway *gw = c->gw;
	long long req, lim;

	if (!gw->hpa)
		return;
	if (gw->hpa_min > gw->hpa_max)
		error(c, gw->hpa_min_mark, "spec.autoscaling.minReplicas: %ld "
		      "is above %smaxReplicas %ld", gw->hpa_min,
		      gw->hpa_max_given ? "" : "the default ", gw->hpa_max);
	if (gw->hpa_cpu && !gw->req_cpu.s) {
		if (gw->hpa_cpu_given)
			error(c, gw->hpa_cpu_mark, "spec.autoscaling."
			      "targetCPUUtilizationPercentage: a CPU target "
			      "needs a CPU request (the target is a percentage "
			      "of it), and spec.deployment.resources.requests "
			      "has no cpu (it replaces the default as a whole)");
		else
			error(c, gw->hpa_mark, "spec.autoscaling: the default "
			      "CPU target (80%%) needs a CPU request (the target "
			      "is a percentage of it), and spec.deployment."
			      "resources.requests has no cpu (it replaces the "
			      "default as a whole)");
	}
	if (gw->hpa_mem && !gw->req_mem.s)
		error(c, gw->hpa_mem_mark, "spec.autoscaling."
		      "targetMemoryUtilizationPercentage: a memory target "
		      "needs a memory request (the target is a percentage of "
		      "it), and spec.deployment.resources.requests has no "
		      "memory (it replaces the default as a whole)");
	if (gw->replicas >= 0)
		warning(c, gw->replicas_mark, "spec.deployment.replicas: left "
			"out of the Deployment because spec.autoscaling "
			"manages the replica count");
	if (gw->hpa_cpu && gw->req_cpu.s && gw->lim_cpu.s &&
	    !gw_quantity_milli(gw->req_cpu.s, &req) &&
	    !gw_quantity_milli(gw->lim_cpu.s, &lim) && lim > 0 &&
	    req < lim && (double)req * gw->hpa_cpu * 10 < (double)lim * 100)
		/* the target is a share of the request; the seed says limit */
		warning(c, gw->hpa_cpu_mark, "spec.autoscaling: the CPU target "
			"is %ld%% of the request %s, so scaling starts at "
			"%lldm, %.0f%% of the limit %s", gw->hpa_cpu,
			gw->req_cpu.s, req * gw->hpa_cpu / 100,
			(double)req * gw->hpa_cpu / (double)lim, gw->lim_cpu.s);
}

/*
 * The count of pods that @value (an integer or "N%") stands for among
 * @total: intstr.GetScaledValueFromIntOrPercent(value, total, true), as
 * Kubernetes' disruption controller calls it (a percentage rounds up).
 */
static long pods_of(const struct gw_node *value, long total)
{
	long pct;

	if (value->kind == GW_INT)
		return (long)value->u.i;
	if (sscanf(value->u.str.s, "%ld", &pct) != 1)
		return 0;
	return (pct * total + 99) / 100;
}

/*
 * The pods that must stay healthy of @total, as the disruption controller
 * computes desiredHealthy (getExpectedPodCount): minAvailable scaled, or
 * total less maxUnavailable scaled, at least 0.  An eviction proceeds only
 * while the healthy pods exceed it, so with every pod healthy, when it is
 * @total or more none can.
 */
static long desired_healthy(const struct gw_node *min,
			    const struct gw_node *max, long total)
{
	long n;

	if (min)
		return pods_of(min, total);
	n = total - pods_of(max, total);
	return n < 0 ? 0 : n;
}

/* "1", or "80% (2 pods, rounded up)": @value among @total, in @arena. */
static const char *show_pods(struct gw_arena *arena,
			     const struct gw_node *value, long total)
{
	struct gw_buf b = { 0 };
	const char *s;

	if (value->kind == GW_INT)
		gw_buf_printf(&b, "%lld", (long long)value->u.i);
	else
		gw_buf_printf(&b, "%s (%ld pod%s%s)", value->u.str.s,
			      pods_of(value, total),
			      pods_of(value, total) == 1 ? "" : "s",
			      pods_of(value, total) * 100 == pods_of(value, 100) *
			      total ? "" : ", rounded up");
	s = gw_arena_strdup(arena, b.data);
	gw_buf_release(&b);
	return s;
}

/*
 * What lets an eviction proceed when minAvailable @min holds every one of
 * @least pods, in @arena: the fewest replicas that leave one pod to evict,
 * and the largest minAvailable that does at @least.
 */
static const char *unblock_advice(struct gw_arena *arena,
				  const struct gw_gateway *gw,
				  const struct gw_node *min, long least)
{
	const char *key = gw->hpa ? "minReplicas" : "replicas";
	struct gw_buf b = { 0 };
	const char *s;
	long n;

	for (n = least + 1; n <= least + 100; n++)
		if (desired_healthy(min, NULL, n) < n)
			break;
	if (n <= least + 100)
		gw_buf_printf(&b, "set %s%s to %ld or more, or ", key,
			      gw->hpa && n > gw->hpa_max ? " (and maxReplicas)" :
			      "", n);
	if (least == 1)
		gw_buf_puts(&b, "give maxUnavailable: 1 instead of "
			    "minAvailable (it lets the only pod go)");
	else if (min->kind == GW_INT)
		gw_buf_printf(&b, "lower minAvailable to %ld", least - 1);
	else
		gw_buf_printf(&b, "lower minAvailable to %ld%%",
			      100 * (least - 1) / least);
	s = gw_arena_strdup(arena, b.data);
	gw_buf_release(&b);
	return s;
}

/* The fewest pods the gateway runs: its autoscalers' minReplicas, or its
 * Deployments' replicas (Kubernetes' 1 when unset), of both tracks. */
static long least_pods(const struct gw_gateway *gw)
{
	long least = 0;
	int i;

	for (i = 0; i <= (gw->canary ? GW_TRACK_CANARY : GW_TRACK_MAIN); i++) {
		const struct gw_track *t = &gw->tracks[i];

		least += t->hpa_min ? t->hpa_min : t->replicas >= 0 ?
			t->replicas : 1;
	}
	return least;
}

/* The node at @path ("spec.deployment.securityContext") of the spec. */
static const struct gw_node *spec_at(const struct gw_gateway *gw,
				     const char *const *path)
{
	const struct gw_node *n = gw->doc;

	for (; n && *path; path++)
		n = n->kind == GW_MAP ? gw_map_get(n, *path) : NULL;
	return n;
}

/*
 * A budget that lets no voluntary eviction (a node drain) proceed, judged
 * at the fewest replicas the gateway can run: the autoscaler's
 * minReplicas, or the Deployment's replicas.  With more replicas the
 * budget may allow one, but an autoscaler rests at its minimum.
 */
static void check_pdb(struct checker *c, struct gw_arena *arena)
{
	static const char *const min_path[] = {
		"spec", "podDisruptionBudget", "minAvailable", NULL
	};
	static const char *const hpa_min_path[] = {
		"spec", "autoscaling", "minReplicas", NULL
	};
	const struct gw_gateway *gw = c->gw;
	const struct gw_node *min = gw->pass[GW_PASS_MIN_AVAILABLE];
	const struct gw_node *max = gw->pass[GW_PASS_MAX_UNAVAILABLE];
	long least;

	if (!gw->pdb)
		return;
	if (min && max) {
		error(c, gw->pdb_mark, "spec.podDisruptionBudget: set "
		      "minAvailable or maxUnavailable, not both");
		return;
	}
	least = least_pods(gw);
	if (least < 1 || desired_healthy(min, max, least) < least)
		return;
	if (max)
		warning(c, max->mark, "spec."
			"podDisruptionBudget.maxUnavailable: allows no pod "
			"to be unavailable: no voluntary eviction (such as a "
			"node drain) can ever proceed");
	else if (gw->canary)
		/* the budget counts the pods of both Deployments */
		warning(c, min->mark, "spec.podDisruptionBudget.minAvailable: "
			"%s%s leaves no pod to evict at the %ld pods that the "
			"main and canary Deployments run together at the "
			"least: no voluntary eviction (such as a node drain) "
			"can proceed while they run them; %s",
			show_pods(arena, min, least),
			spec_at(gw, min_path) ? "" : " (the default)", least,
			unblock_advice(arena, gw, min, least));
	else if (gw->hpa)
		warning(c, min->mark, "spec.podDisruptionBudget.minAvailable: "
			"%s%s leaves no pod to evict at spec.autoscaling."
			"minReplicas %ld%s: while the autoscaler runs %ld "
			"replica%s no voluntary eviction (such as a node "
			"drain) can proceed; %s", show_pods(arena, min, least),
			spec_at(gw, min_path) ? "" : " (the default)", least,
			spec_at(gw, hpa_min_path) ? "" : " (the default)",
			least, least == 1 ? "" : "s",
			unblock_advice(arena, gw, min, least));
	else
		warning(c, min->mark, "spec.podDisruptionBudget.minAvailable: "
			"%s%s leaves no pod to evict at spec.deployment."
			"replicas %ld%s: no voluntary eviction (such as a node "
			"drain) can ever proceed; %s", show_pods(arena, min, least),
			spec_at(gw, min_path) ? "" : " (the default)", least,
			gw->replicas >= 0 ? "" : " (the default)",
			unblock_advice(arena, gw, min, least));
}

/* The Namespace's label @key: spec.namespace.labels' (*@base names it),
 * else metadata.labels' when gwc writes the Namespace; or NULL. */
static const struct gw_node *namespace_label(const struct gw_gateway *gw,
					     const char *key,
					     const char **base)
{
	const struct gw_node *v = gw_map_get(gw->namespace_labels, key);

	*base = "spec.namespace.labels";
	if (!v && gw->namespace_create) {
		v = gw_map_get(gw->labels, key);
		*base = "metadata.labels";
	}
	return v;
}

/*
 * istiod's webhooks honour a pod's istio.io/rev only in a namespace
 * that has neither istio.io/rev nor istio-injection (its per-revision
 * webhook "rev.object" selects such namespaces; "rev.namespace" selects
 * by the namespace's label, whatever the pod's): with either, the
 * namespace's label picks one revision for every pod in it, and the
 * canary's pods would not get theirs.
 */
static void check_canary_namespace(struct checker *c, struct gw_arena *arena)
{
	static const char *const keys[] = { "istio.io/rev", "istio-injection" };
	const struct gw_node *label;
	const char *base;
	size_t i;

	for (i = 0; i < 2; i++) {
		label = namespace_label(c->gw, keys[i], &base);
		if (label)
			error(c, label->mark, "%s: a namespace label picks "
			      "the revision of every pod in the namespace "
			      "(istiod honours a pod's istio.io/rev only where "
			      "the namespace has neither istio.io/rev nor "
			      "istio-injection), so the canary pods would not "
			      "run revision '%s'; leave it out while "
			      "spec.canary is given", key_path(arena, base,
			      keys[i]), c->gw->canary_revision);
	}
}

static void check_injection(struct checker *c, struct gw_arena *arena)
{
	const struct gw_gateway *gw = c->gw;
	const char *key, *value, *base;
	const struct gw_node *ns_label;
	const struct gw_pair *track;
	static const char *const reserved[] = {
		"istio", "sidecar.istio.io/inject", "istio.io/rev",
	};
	static const char *const pss[] = {
		"pod-security.kubernetes.io/enforce",
		"pod-security.kubernetes.io/enforce-version",
	};
	size_t i;

	gw_model_inject_label(gw, &key, &value);
	for (i = 0; i < 3; i++) {
		const struct gw_pair *p = gw_map_pair(gw->pod_labels,
						      reserved[i]);

		if (p)
			error(c, p->key->mark, "%s: gwc sets this label "
			      "(the gateway selector and injection label)",
			      key_path(arena, "spec.deployment.podLabels",
				       reserved[i]));
	}
	/* it would replace the canary's own, which its selector needs */
	track = gw_map_pair(gw->pod_labels, "gwc.dev/track");
	if (track)
		error(c, track->key->mark,
		      "%s: gwc sets this label (it tells the pods of a "
		      "canary, spec.canary, from the main ones)",
		      key_path(arena, "spec.deployment.podLabels",
			       "gwc.dev/track"));
	if (gw_map_pair(gw->pod_annotations, "inject.istio.io/templates"))
		error(c, gw_map_pair(gw->pod_annotations,
				     "inject.istio.io/templates")->key->mark,
		      "%s: gwc sets this annotation (the gateway template)",
		      key_path(arena, "spec.deployment.podAnnotations",
			       "inject.istio.io/templates"));

	if (!gw->service_account_create && gw->service_account_annotations &&
	    gw->service_account_annotations->u.map.n)
		error(c, gw->service_account_annotations_mark,
		      "spec.serviceAccount.annotations: gwc writes no "
		      "ServiceAccount (spec.serviceAccount.create: false), so "
		      "these annotations would be dropped; annotate '%s' where "
		      "it is created, or let gwc create it",
		      gw->service_account);
	if (!gw->namespace_create && gw->namespace_labels &&
	    gw->namespace_labels->u.map.n)
		error(c, gw->namespace_labels_mark, "spec.namespace.labels: "
		      "gwc writes no Namespace (spec.namespace.create: false), "
		      "so these labels would be dropped; label namespace '%s' "
		      "where it is created, or let gwc create it", gw->ns);
	for (i = 0; i < 2; i++) {
		ns_label = gw_map_get(gw->namespace_labels, pss[i]);
		if (ns_label) {
			error(c, ns_label->mark, "spec.namespace.labels: the "
			      "Pod Security level is spec.namespace.podSecurity "
			      "(enforce, version), which gwc checks the "
			      "injected pod against");
			break;
		}
	}
	for (i = 0; gw->namespace_create && i < 2; i++) {
		const struct gw_pair *p = gw_map_pair(gw->labels, pss[i]);

		if (p)
			error(c, p->key->mark, "%s: metadata.labels go on the "
			      "Namespace too, and its Pod Security level is "
			      "spec.namespace.podSecurity (enforce, version), "
			      "which gwc checks the injected pod against",
			      key_path(arena, "metadata.labels", pss[i]));
	}
	if (gw_map_pair(gw->pod_annotations, "sidecar.istio.io/inject"))
		error(c, gw_map_pair(gw->pod_annotations,
				     "sidecar.istio.io/inject")->key->mark,
		      "%s: gwc sets the injection label, and istiod reads "
		      "this annotation where the label is absent (with "
		      "istio.io/rev)", key_path(arena,
		      "spec.deployment.podAnnotations",
		      "sidecar.istio.io/inject"));

	/* the Namespace's labels that decide injection: spec.namespace.labels,
	 * else metadata.labels, which gwc puts on every object it writes */
	if (gw->canary) {
		check_canary_namespace(c, arena);
		return;
	}
	ns_label = namespace_label(gw, "istio-injection", &base);
	if (ns_label && strcmp(ns_label->u.str.s, "enabled"))
		error(c, ns_label->mark, "%s: '%s' keeps istiod from injecting "
		      "the gateway pods", key_path(arena, base,
		      "istio-injection"), ns_label->u.str.s);
	else if (ns_label && gw->revision)
		error(c, ns_label->mark, "%s: 'enabled' makes the default "
		      "revision inject the gateway pods, not revision '%s'",
		      key_path(arena, base, "istio-injection"), gw->revision);
	ns_label = namespace_label(gw, "istio.io/rev", &base);
	if (ns_label && strcmp(ns_label->u.str.s,
			       gw->revision ? gw->revision : "default"))
		error(c, ns_label->mark, "%s: revision '%s' would inject the "
		      "gateway pods, not %s%s%s", key_path(arena, base,
		      "istio.io/rev"), ns_label->u.str.s, gw->revision ?
		      "revision '" : "the default revision", gw->revision ?
		      gw->revision : "", gw->revision ? "'" : "");
}

/*
 * What the API server refuses in the pod spec that the schema cannot say:
 * an image with white space around it (ValidateContainers, by
 * strings.TrimSpace: "must not have leading or trailing whitespace"), and
 * ValidateTolerations' rules that tie one field to another.
 */
static void check_pod_fields(struct checker *c)
{
	const struct gw_node *image = c->gw->pass[GW_PASS_IMAGE];
	const struct gw_node *tols = c->gw->pass[GW_PASS_TOLERATIONS];
	size_t i;

	if (image && image->kind == GW_STR) {
		const char *s = image->u.str.s;

		if (gw_go_trim_space(&s, image->u.str.len) !=
		    image->u.str.len)
			error(c, image->mark, "spec.deployment.image: %s must "
			      "not have leading or trailing whitespace",
			      gw_diag_show(c->diag->arena, image->u.str.s,
					   image->u.str.len));
	}
	for (i = 0; tols && tols->kind == GW_SEQ && i < tols->u.seq.n; i++) {
		const struct gw_node *t = tols->u.seq.items[i];
		const struct gw_node *key = gw_map_get(t, "key");
		const struct gw_node *op = gw_map_get(t, "operator");
		const struct gw_node *value = gw_map_get(t, "value");
		const struct gw_node *effect = gw_map_get(t, "effect");
		const struct gw_node *secs = gw_map_get(t, "tolerationSeconds");
		bool exists = op && op->kind == GW_STR &&
			!strcmp(op->u.str.s, "Exists");

		if ((!key || (key->kind == GW_STR && !key->u.str.len)) &&
		    !exists)
			error(c, op ? op->mark : t->mark, "spec.deployment."
			      "tolerations[%zu].operator: must be Exists when "
			      "key is empty (which matches every taint)", i);
		if (exists && value && value->kind == GW_STR &&
		    value->u.str.len)
			error(c, value->mark, "spec.deployment.tolerations[%zu]"
			      ".value: must be empty when operator is Exists",
			      i);
		if (secs && !(effect && effect->kind == GW_STR &&
			      !strcmp(effect->u.str.s, "NoExecute")))
			error(c, secs->mark, "spec.deployment.tolerations[%zu]"
			      ".tolerationSeconds: effect must be NoExecute "
			      "when tolerationSeconds is set", i);
	}
}

/*
 * spec.deployment.containers and initContainers: Kubernetes refuses a pod
 * two of whose containers (init containers included) share a name, and
 * istio-proxy is the one istiod injects (the pod's own would be merged
 * into it).  Each list holds at most 64 (the schema).
 */
static void check_containers(struct checker *c)
{
	static const enum gw_pass lists[] = {
		GW_PASS_INIT_CONTAINERS, GW_PASS_CONTAINERS,
	};
	const struct gw_node *seen[2 * 64];
	const char *seen_path[2 * 64];
	size_t nseen = 0, l, i, j;

	for (l = 0; l < 2; l++) {
		const struct gw_node *list = c->gw->pass[lists[l]];
		const char *path = gw_pass_keys[lists[l]].path;

		for (i = 0; list && list->kind == GW_SEQ && i < list->u.seq.n &&
		     nseen < sizeof(seen) / sizeof(*seen); i++) {
			const struct gw_node *name =
				gw_map_get(list->u.seq.items[i], "name");

			if (!name || name->kind != GW_STR)
				continue;
			if (!strcmp(name->u.str.s, "istio-proxy")) {
				error(c, name->mark, "%s[%zu].name: "
				      "'istio-proxy' is the gateway's proxy, "
				      "which istiod injects; give its fields "
				      "under spec.deployment", path, i);
				continue;
			}
			for (j = 0; j < nseen && strcmp(seen[j]->u.str.s,
							name->u.str.s); j++)
				;
			if (j < nseen)
				error(c, name->mark, "%s[%zu].name: duplicate "
				      "container name '%s', also %s (%s:%d:%d); "
				      "Kubernetes refuses a pod whose "
				      "containers share a name", path, i,
				      name->u.str.s, seen_path[j],
				      seen[j]->mark.file, seen[j]->mark.line,
				      seen[j]->mark.col);
			seen_path[nseen] = gw_arena_printf(c->diag->arena,
				"%s[%zu]", path, i);
			seen[nseen++] = name;
		}
	}
}

/* The bytes of keys and values of @a merged with @b (b's value for a key
 * in both), as Kubernetes counts an object's annotations. */
static size_t annotations_size(const struct gw_node *a,
			       const struct gw_node *b)
{
	struct gw_index in_b = { 0 };
	size_t i, total = 0;

	if (b)
		gw_index_map(&in_b, b);
	for (i = 0; a && i < a->u.map.n; i++) {
		const struct gw_pair *p = &a->u.map.pairs[i];

		if (!gw_index_find(&in_b, p->key, NULL))
			total += p->key->u.str.len + (p->value->kind == GW_STR ?
						      p->value->u.str.len : 0);
	}
	for (i = 0; b && i < b->u.map.n; i++) {
		const struct gw_pair *p = &b->u.map.pairs[i];

		total += p->key->u.str.len + (p->value->kind == GW_STR ?
					      p->value->u.str.len : 0);
	}
	gw_index_release(&in_b);
	return total;
}

/*
 * ValidateAnnotationsSize: the annotations of one object total at most
 * 256 KiB of keys and values.  metadata.annotations go on every object,
 * merged with the Service's and the ServiceAccount's own; the pod
 * template has spec.deployment.podAnnotations.
 */
#define ANNOTATIONS_MAX 262144

static void check_annotations_size(struct checker *c)
{
	const struct gw_gateway *gw = c->gw;
	const struct {
		const char *path, *object;
		const struct gw_node *own;
		bool with_metadata;
	} maps[] = {
		{ "metadata.annotations", NULL, gw->annotations, false },
		{ "spec.service.annotations", "the Service's",
		  gw->service_annotations, true },
		{ "spec.serviceAccount.annotations", "the ServiceAccount's",
		  gw->service_account_annotations, true },
		{ "spec.deployment.podAnnotations", "the pod template's",
		  gw->pod_annotations, false },
	};
	size_t i, own;

	for (i = 0; i < sizeof(maps) / sizeof(*maps); i++) {
		size_t total;

		if (!maps[i].own || maps[i].own->kind != GW_MAP)
			continue;
		own = annotations_size(maps[i].own, NULL);
		total = maps[i].with_metadata && gw->annotations ?
			annotations_size(gw->annotations, maps[i].own) : own;
		/* a merge over the limit only where metadata's alone is not
		 * (that one is reported at metadata.annotations) */
		if (own > ANNOTATIONS_MAX)
			error(c, maps[i].own->mark, "%s: %zu bytes of keys and "
			      "values, more than the %d Kubernetes allows on "
			      "an object", maps[i].path, own, ANNOTATIONS_MAX);
		else if (total > ANNOTATIONS_MAX &&
			 annotations_size(gw->annotations, NULL) <=
			 ANNOTATIONS_MAX)
			error(c, maps[i].own->mark, "%s: with "
			      "metadata.annotations, %s annotations total %zu "
			      "bytes of keys and values, more than the %d "
			      "Kubernetes allows on an object", maps[i].path,
			      maps[i].object, total, ANNOTATIONS_MAX);
	}
}

static void check_kernel(struct checker *c)
{
	const struct gw_gateway *gw = c->gw;
	struct gw_kernel k;

	if (gw->kernel_version && gw_kernel_parse(gw->kernel_version, &k))
		error(c, gw->kernel_mark, "spec.nodes.kernelVersion: %s is "
		      "not a kernel version (expected `uname -r` output such "
		      "as 3.10.0-1160.el7.x86_64)", gw_diag_show(c->diag->arena,
		      gw->kernel_version, strlen(gw->kernel_version)));
}

/* "80, 443": the Service target ports below 1024, in @arena. */
static const char *low_targets(struct gw_arena *arena,
			       const struct gw_gateway *gw)
{
	struct gw_buf list = { 0 };
	const char *s;
	size_t i;

	for (i = 0; i < gw->nports; i++)
		if (gw->ports[i].target_port < 1024)
			gw_buf_printf(&list, "%s%ld", list.len ? ", " : "",
				      gw->ports[i].target_port);
	s = gw_arena_strdup(arena, list.data ? list.data : "");
	gw_buf_release(&list);
	return s;
}

/*
 * Nodes older than Linux 4.11: no net.ipv4.ip_unprivileged_port_start,
 * and the proxy (uid 1337) keeps no capability after exec (Kubernetes
 * and containerd set no ambient ones), so it binds only ports of 1024
 * and above unless the spec chooses root.  gwc's verdict for each choice
 * is what tests/suites/legacy-bind.sh checks against the kernel.
 */
static void check_privileged_ports(struct checker *c, struct gw_arena *arena)
{
	static const char *const run_as_non_root[] = {
		"spec", "deployment", "securityContext", "runAsNonRoot", NULL
	};
	const struct gw_gateway *gw = c->gw;
	const struct gw_node *n;
	struct gw_buf moved = { 0 };
	bool low = false;
	size_t i;

	for (i = 0; gw->legacy_kernel && i < gw->nports; i++) {
		const struct gw_port *p = &gw->ports[i];

		if (p->target_moved)
			gw_buf_printf(&moved, "%s%ld for port %ld", moved.len ?
				      ", " : "", p->target_port, p->port);
		if (p->target_port >= 1024)
			continue;
		low = true;
		if (gw->privileged == GW_PRIVILEGED_NONE)
			error(c, p->target_mark, "spec.service.ports[%zu]."
			      "targetPort: %ld is below 1024, which the proxy "
			      "(uid 1337, no capabilities) cannot bind on nodes "
			      "older than Linux 4.11; target 1024 or above "
			      "(without a targetPort gwc picks %ld), or set "
			      "spec.nodes.privilegedPorts to root (the proxy "
			      "runs as root) or netBindService "
			      "(NET_BIND_SERVICE, which binds only where the "
			      "container runtime sets ambient capabilities)",
			      i, p->target_port, p->port + 8000);
	}
	if (moved.len)
		gw_diag_add(c->diag, GW_SEV_NOTE, gw->kernel_mark,
			    "spec.service.ports: the proxy cannot bind ports "
			    "below 1024 on nodes older than Linux 4.11, so gwc "
			    "sets targetPort %s (the Gateway's servers keep the "
			    "Service ports); give a targetPort to choose "
			    "another", moved.data);
	gw_buf_release(&moved);
	if (gw->privileged == GW_PRIVILEGED_NONE)
		return;
	if (!gw->legacy_kernel) {
		warning(c, gw->privileged_mark, "spec.nodes.privilegedPorts: "
			"has no effect on nodes of Linux 4.11 or later (the "
			"sysctl lets the proxy bind every port)");
		return;
	}
	if (!low) {
		warning(c, gw->privileged_mark, "spec.nodes.privilegedPorts: "
			"has no effect: no Service targetPort is below 1024");
		return;
	}
	if (gw->privileged == GW_PRIVILEGED_NET_BIND) {
		warning(c, gw->privileged_mark, "spec.nodes.privilegedPorts: "
			"netBindService: the proxy runs as uid 1337, and "
			"Kubernetes with containerd or CRI-O sets no ambient "
			"capabilities (kubernetes#56374), so NET_BIND_SERVICE "
			"does not let it bind %s: the gateway will not serve "
			"there; target 1024 or above, or choose root",
			low_targets(arena, gw));
		return;
	}
	if (gw_model_replaces_template(gw)) {
		error(c, gw->privileged_mark, "spec.nodes.privilegedPorts: "
		      "root needs spec.controlPlane.legacyTemplate: overlay "
		      "(gwc sets the proxy's user in its overlay template)");
		return;
	}
	n = spec_at(gw, run_as_non_root);
	if (n && n->kind == GW_BOOL && n->u.b)
		error(c, n->mark, "spec.deployment.securityContext.runAsNonRoot: "
		      "true contradicts spec.nodes.privilegedPorts: root (the "
		      "pod would be refused: the proxy's runAsUser 0 breaks "
		      "the non-root policy)");
	warning(c, gw->privileged_mark, "spec.nodes.privilegedPorts: root: the "
		"istio-proxy container runs as uid 0 with NET_BIND_SERVICE "
		"and runAsNonRoot: false to bind %s; a compromised proxy is "
		"root in its container, and a namespace that enforces the "
		"restricted Pod Security level refuses the pod",
		low_targets(arena, gw));
}

/* Which gateway template gwc installs, and that it fits the Istio. */
static void check_template_choice(struct checker *c)
{
	const struct gw_gateway *gw = c->gw;

	if (gw->legacy_kernel && gw->template_path && !gw->pin_template &&
	    gw->legacy_template == GW_LEGACY_OVERLAY) {
		error(c, gw->template_mark, "spec.controlPlane."
		      "injectionTemplate: with legacyTemplate: overlay (the "
		      "default) gwc installs a small overlay and leaves "
		      "istiod's own gateway template in place; set "
		      "spec.controlPlane.legacyTemplate: replace to install "
		      "this template adapted for old kernels");
		return;
	}
	if (!gw_model_replaces_template(gw) || gw->template_path)
		return;
	/* the built-in template is Istio 1.26's: replacing istiod's own
	 * with it is right only for that release */
	if (!gw->version)
		error(c, gw->pin_template ? gw->template_demand_mark :
		      gw->legacy_template_mark, "spec.controlPlane.version: "
		      "needed to replace istiod's gateway template with the "
		      "built-in one, which is Istio 1.26's (give version, or "
		      "injectionTemplate with your release's template)");
	else if (strncmp(gw->version + (gw->version[0] == 'v'), "1.26", 4) ||
		 (gw->version[(gw->version[0] == 'v') + 4] != '\0' &&
		  gw->version[(gw->version[0] == 'v') + 4] != '.'))
		error(c, gw->version_mark, "spec.controlPlane.version: %s is "
		      "not a 1.26 release, and the built-in gateway template "
		      "is Istio 1.26's; give spec.controlPlane.injectionTemplate "
		      "with the gateway template of %s", gw->version,
		      gw->version);
}

static long gcd(long a, long b)
{
	while (b) {
		long t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* "1 of 2 pods (50%)": @canary of @main + @canary, the share rounded. */
static void put_share(struct gw_buf *b, long canary, long main)
{
	long total = canary + main;

	gw_buf_printf(b, "%ld of %ld pods (%ld%%)", canary, total,
		      (canary * 200 + total) / (2 * total));
}

/*
 * spec.canary: two revisions, and the share of pods each gets.  A note
 * says the split the rounding made when it is not the weight, or when
 * each revision's one pod made the gateway larger than the spec says.
 */
static void check_canary(struct checker *c, struct gw_arena *arena)
{
	const struct gw_gateway *gw = c->gw;
	const struct gw_track *main = &gw->tracks[GW_TRACK_MAIN];
	const struct gw_track *canary = &gw->tracks[GW_TRACK_CANARY];
	long weight = gw->canary_weight, step = 100 / gcd(weight, 100);
	struct gw_buf b = { 0 };
	bool off, grew;

	if (!gw->canary)
		return;
	if (!strcmp(gw->canary_revision, gw->revision ? gw->revision :
		    "default"))
		error(c, gw->canary_revision_mark, "spec.canary.revision: "
		      "'%s' is the main pods' revision too (%s); a canary "
		      "runs a second one: give the new revision here and "
		      "keep the old one in spec.controlPlane.revision",
		      gw->canary_revision, gw->revision ? gw_arena_printf(
		      arena, "istio.io/rev: %s", gw->revision) :
		      "sidecar.istio.io/inject: \"true\", the default "
		      "revision");
	/*
	 * istiod's gateway template labels each pod with its workload's
	 * service.istio.io/canonical-name, taken from the pod's labels of
	 * that name, app.kubernetes.io/name or app, else from the name of
	 * its Deployment: a label value, at most 63 characters, which
	 * "<name>-canary" may pass (the pods would then be refused).
	 */
	if (strlen(gw->name) + strlen("-canary") > 63 &&
	    !gw_map_get(gw->pod_labels, "service.istio.io/canonical-name") &&
	    !gw_map_get(gw->pod_labels, "app.kubernetes.io/name") &&
	    !gw_map_get(gw->pod_labels, "app"))
		error(c, gw->name_mark, "metadata.name: istiod labels each "
		      "pod with the name of its Deployment "
		      "(service.istio.io/canonical-name, at most 63 "
		      "characters), and the canary's, '%s-canary', has %zu, so "
		      "its pods would be refused; give a name of at most 56 "
		      "characters, or spec.deployment.podLabels app", gw->name,
		      strlen(gw->name) + strlen("-canary"));
	if (weight == 0 || weight == 100)
		return;		/* one track runs every pod */
	if (!gw->hpa) {
		long total = gw->replicas >= 0 ? gw->replicas : 1;

		if (!total)
			return;
		off = canary->replicas * 100 !=
		      weight * (canary->replicas + main->replicas);
		grew = canary->replicas + main->replicas != total;
		if (!off && !grew)
			return;
		gw_buf_puts(&b, "the canary runs ");
		put_share(&b, canary->replicas, main->replicas);
		if (off)
			gw_buf_printf(&b, ", not %ld%%", weight);
		if (grew)
			gw_buf_printf(&b, ", one more than spec.deployment."
				      "replicas %ld%s so that each revision "
				      "runs one", total, gw->replicas >= 0 ?
				      "" : " (the default)");
		if (off)
			gw_buf_printf(&b, ": give spec.deployment.replicas "
				      "a multiple of %ld for %ld%%", step,
				      weight);
	} else {
		off = canary->hpa_min * 100 !=
		      weight * (canary->hpa_min + main->hpa_min) ||
		      canary->hpa_max * 100 !=
		      weight * (canary->hpa_max + main->hpa_max);
		grew = canary->hpa_min + main->hpa_min != gw->hpa_min ||
		       canary->hpa_max + main->hpa_max != gw->hpa_max;
		if (!off && !grew)
			return;
		gw_buf_puts(&b, "each track has its own autoscaler: the "
			    "canary runs ");
		put_share(&b, canary->hpa_min, main->hpa_min);
		gw_buf_puts(&b, " at minReplicas and ");
		put_share(&b, canary->hpa_max, main->hpa_max);
		gw_buf_puts(&b, " at maxReplicas");
		if (off)
			gw_buf_printf(&b, ", not %ld%%", weight);
		if (grew)
			gw_buf_printf(&b, ", more than spec.autoscaling's "
				      "%ld and %ld so that each revision runs "
				      "one", gw->hpa_min, gw->hpa_max);
		if (off)
			gw_buf_printf(&b, ": give spec.autoscaling."
				      "minReplicas and maxReplicas multiples "
				      "of %ld for %ld%%", step, weight);
	}
	gw_diag_add(c->diag, GW_SEV_NOTE, gw->canary_weight_mark,
		    "spec.canary.weight: %s", b.data);
	gw_buf_release(&b);
}

unsigned gw_check_gateway(struct gw_diag *diag, const struct gw_gateway *gw)
{
	struct checker c = { diag, gw, 0 };

	check_names(&c);
	check_service(&c);
	check_servers(&c);
	check_server_names(&c);
	check_resources(&c);
	check_autoscaling(&c);
	if (!gw->gateway_api)	/* where spec.canary is an error */
		check_canary(&c, diag->arena);
	check_pdb(&c, diag->arena);
	check_injection(&c, diag->arena);
	check_pod_fields(&c);
	check_containers(&c);
	check_annotations_size(&c);
	check_kernel(&c);
	if (gw->gateway_api) {	/* no injection template, no Service */
		c.errors += gw_gatewayapi_check(diag, gw);
		return c.errors;
	}
	check_privileged_ports(&c, diag->arena);
	check_template_choice(&c);
	return c.errors;
}
