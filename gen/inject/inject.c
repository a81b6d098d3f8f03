/*
 * inject.c - istiod's sidecar/gateway injection, offline: what
 * `istioctl kube-inject` does to a Deployment.
 *
 * Consumes the istio-sidecar-injector ConfigMap's data.config (policy and
 * templates) and data.values, the istio ConfigMap's data.mesh, and a
 * Deployment tree; produces the injected Deployment as istioctl prints it
 * (sigs.k8s.io/yaml of the typed object, then "---").
 *
 * Steps, as istio/istio pkg/kube/inject does them: the template data
 * (.ObjectMeta .Spec .DeploymentMeta .TypeMeta .Values .MeshConfig
 * .ProxyConfig .Revision .ProxyImage .ProxyUID .ProxyGID .CompliancePolicy),
 * each template of inject.istio.io/templates rendered and strategic-merged
 * onto the pod, the user's own containers applied again on top
 * (proxy.istio.io/overrides), then prometheus annotations,
 * sidecar.istio.io/status and container order.  Kubernetes types come
 * from k8s.c, Go's JSON and YAML output from gen/go/; the `gwc inject`
 * command (gw_inject_run) is at the end.
 *
 * Invariants: the inputs are never modified; every tree lives in the arena
 * of the job; errors are reported to the diag with a position and the
 * function returns -1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "go.h"
#include "inject.h"
#include "tmpl.h"

#define PROXY_UID 1337

struct inject_template {
	const char *name;
	struct gw_tmpl *set;
	struct gw_mark mark;
};

struct gw_inject_config {
	struct gw_arena *arena;
	struct inject_template *templates;
	size_t ntemplates;
	struct gw_node *default_templates;	/* GW_SEQ of GW_STR */
	struct gw_node *aliases;		/* GW_MAP or NULL */
	struct gw_node *values;			/* as written */
	struct gw_node *values_go;		/* numbers as float64 */
	struct gw_node *mesh;			/* JSON names, defaults applied */
	const char *policy;
};

/* ---- small tree helpers ------------------------------------------------ */

static const struct gw_node *path_get(const struct gw_node *n,
				      const char *const *keys)
{
	for (; n && *keys; keys++)
		n = n->kind == GW_MAP ? gw_map_get(n, *keys) : NULL;
	return n;
}

static const char *path_str(const struct gw_node *n, const char *const *keys)
{
	n = path_get(n, keys);
	return n && n->kind == GW_STR ? n->u.str.s : NULL;
}

static bool path_true(const struct gw_node *n, const char *const *keys)
{
	n = path_get(n, keys);
	return n && n->kind == GW_BOOL && n->u.b;
}

#define PATH(...) ((const char *const[]){ __VA_ARGS__, NULL })

static struct gw_node *ensure_map(struct gw_arena *arena, struct gw_node *m,
				  const char *key)
{
	struct gw_pair *p = gw_map_pair(m, key);

	if (p && p->value->kind == GW_MAP)
		return p->value;
	if (p)
		return p->value = gw_node_map(arena);
	return gw_map_put(arena, m, key, gw_node_map(arena));
}

static void map_set(struct gw_arena *arena, struct gw_node *m, const char *key,
		    struct gw_node *v)
{
	struct gw_pair *p = gw_map_pair(m, key);

	if (p)
		p->value = v;
	else
		gw_map_put(arena, m, key, v);
}

static void map_del(struct gw_node *m, const char *key)
{
	size_t i;

	if (!m || m->kind != GW_MAP)
		return;
	for (i = 0; i < m->u.map.n; i++)
		if (!strcmp(m->u.map.pairs[i].key->u.str.s, key)) {
			memmove(&m->u.map.pairs[i], &m->u.map.pairs[i + 1],
				(m->u.map.n - i - 1) * sizeof(*m->u.map.pairs));
			m->u.map.n--;
			return;
		}
}

static struct gw_node *find_named(const struct gw_node *list,
				  const char *name)
{
	size_t i;

	if (!list || list->kind != GW_SEQ)
		return NULL;
	for (i = 0; i < list->u.seq.n; i++) {
		const char *n = path_str(list->u.seq.items[i], PATH("name"));

		if (n && !strcmp(n, name))
			return list->u.seq.items[i];
	}
	return NULL;
}

/* Reads one YAML/JSON document that must be a mapping (empty: {}). */
static struct gw_node *load_doc(struct gw_arena *arena, struct gw_diag *diag,
				const char *name, const char *data, size_t len,
				const char *what)
{
	struct gw_node **docs;
	size_t n;

	if (strspn(data, " \t\r\n") >= len)
		return gw_node_map(arena);	/* as sigs.k8s.io/yaml reads "" */
	if (gw_load_bytes(arena, diag, name, data, len, &docs, &n))
		return NULL;
	if (n == 0 || docs[0]->kind == GW_NULL)
		return gw_node_map(arena);
	if (n > 1) {
		gw_diag_add(diag, GW_SEV_ERROR, docs[1]->mark,
			    "%s: expected one document, found %zu", what, n);
		return NULL;
	}
	if (docs[0]->kind != GW_MAP) {
		gw_diag_add(diag, GW_SEV_ERROR, docs[0]->mark,
			    "%s: expected object, found %s", what,
			    gw_kind_name(docs[0]->kind));
		return NULL;
	}
	return docs[0];
}

/* ---- the injector configuration ---------------------------------------- */

struct gw_inject_config *gw_inject_config_new(struct gw_arena *arena)
{
	struct gw_inject_config *cfg = gw_arena_alloc(arena, sizeof(*cfg));

	cfg->arena = arena;
	cfg->default_templates = gw_node_seq(arena);
	gw_seq_push(arena, cfg->default_templates,
		    gw_node_str(arena, "sidecar"));
	cfg->values = gw_node_map(arena);
	cfg->values_go = gw_node_map(arena);
	cfg->policy = "enabled";
	return cfg;
}

/*
 * Where a template error is: in a template that is a whole file (@at has
 * no line), the line and column that Go's message names ("template:
 * inject:12:5: executing ...", or "template: inject:12: ..." from the
 * parser); otherwise @at, the YAML value that holds the template.
 */
static struct gw_mark template_position(struct gw_mark at, const char *err)
{
	static const char prefix[] = "template: inject:";
	const char *p;
	long line, col = 0;
	char *end;

	if (at.line > 0 || !err || strncmp(err, prefix, sizeof(prefix) - 1))
		return at;
	p = err + sizeof(prefix) - 1;
	line = strtol(p, &end, 10);
	if (end == p || *end != ':' || line <= 0 || line > INT32_MAX)
		return at;
	p = end + 1;
	if (*p >= '0' && *p <= '9') {
		col = strtol(p, &end, 10);
		if (*end != ':' || col > INT32_MAX)
			col = 0;
	}
	at.line = (int)line;
	at.col = (int)col;
	return at;
}

int gw_inject_add_template(struct gw_inject_config *cfg, struct gw_diag *diag,
			   const char *name, const char *text, size_t len,
			   struct gw_mark mark)
{
	struct inject_template *t;
	const char *err = NULL;
	size_t i;

	for (i = 0; i < cfg->ntemplates; i++)
		if (!strcmp(cfg->templates[i].name, name))
			break;
	if (i == cfg->ntemplates) {
		struct inject_template *grown = gw_arena_alloc(cfg->arena,
			(cfg->ntemplates + 1) * sizeof(*grown));

		if (cfg->ntemplates)
			memcpy(grown, cfg->templates,
			       cfg->ntemplates * sizeof(*grown));
		cfg->templates = grown;
		cfg->ntemplates++;
	}
	t = &cfg->templates[i];
	t->name = gw_arena_strdup(cfg->arena, name);
	t->mark = mark;
	/* istiod parses every template as one named "inject" */
	t->set = gw_tmpl_new(cfg->arena);
	if (gw_tmpl_parse(t->set, "inject", text, len, &err)) {
		gw_diag_add(diag, GW_SEV_ERROR, template_position(mark, err),
			    "templates.%s: %s", name,
			    err ? err : "template parse error");
		return -1;
	}
	return 0;
}

int gw_inject_load_config(struct gw_inject_config *cfg, struct gw_diag *diag,
			  const char *name, const char *data, size_t len)
{
	struct gw_arena *arena = cfg->arena;
	struct gw_node *doc = load_doc(arena, diag, name, data, len,
				       "injector config");
	const struct gw_node *v;
	int ret = 0;
	size_t i;

	if (!doc)
		return -1;
	v = gw_map_get(doc, "templates");
	if (v && v->kind == GW_MAP) {
		for (i = 0; i < v->u.map.n; i++) {
			const struct gw_pair *p = &v->u.map.pairs[i];

			if (p->value->kind != GW_STR) {
				gw_diag_add(diag, GW_SEV_ERROR, p->value->mark,
					    "templates.%s: expected string, "
					    "found %s", p->key->u.str.s,
					    gw_kind_name(p->value->kind));
				ret = -1;
				continue;
			}
			if (gw_inject_add_template(cfg, diag, p->key->u.str.s,
						   p->value->u.str.s,
						   p->value->u.str.len,
						   p->value->mark))
				ret = -1;
		}
	} else if (v && v->kind != GW_NULL) {
		gw_diag_add(diag, GW_SEV_ERROR, v->mark, "templates: expected "
			    "object, found %s", gw_kind_name(v->kind));
		ret = -1;
	}
	v = gw_map_get(doc, "defaultTemplates");
	if (v && v->kind == GW_SEQ && v->u.seq.n)
		cfg->default_templates = (struct gw_node *)v;
	v = gw_map_get(doc, "aliases");
	if (v && v->kind == GW_MAP)
		cfg->aliases = (struct gw_node *)v;
	v = gw_map_get(doc, "policy");
	if (v && v->kind == GW_STR)
		cfg->policy = v->u.str.s;
	return ret;
}

/* sigs.k8s.io/yaml decodes every number of .Values as a float64. */
static struct gw_node *as_float64(struct gw_arena *arena,
				  const struct gw_node *n)
{
	struct gw_node *out;
	size_t i;

	switch (n->kind) {
	case GW_INT:
		out = gw_node_new(arena, GW_NUM);
		out->u.num = (double)n->u.i;
		return out;
	case GW_SEQ:
		out = gw_node_seq(arena);
		for (i = 0; i < n->u.seq.n; i++)
			gw_seq_push(arena, out,
				    as_float64(arena, n->u.seq.items[i]));
		return out;
	case GW_MAP:
		out = gw_node_map(arena);
		for (i = 0; i < n->u.map.n; i++)
			gw_map_put(arena, out, n->u.map.pairs[i].key->u.str.s,
				   as_float64(arena, n->u.map.pairs[i].value));
		return out;
	default:
		return gw_node_copy(arena, n);
	}
}

int gw_inject_load_values(struct gw_inject_config *cfg, struct gw_diag *diag,
			  const char *name, const char *data, size_t len)
{
	struct gw_node *doc = load_doc(cfg->arena, diag, name, data, len,
				       "values");

	if (!doc)
		return -1;
	cfg->values = doc;
	cfg->values_go = as_float64(cfg->arena, doc);
	return 0;
}

/* mesh.DefaultProxyConfig(), JSON names in proto declaration order. */
static struct gw_node *default_proxy_config(struct gw_arena *arena)
{
	struct gw_node *pc = gw_node_map(arena);

	gw_map_put(arena, pc, "configPath", gw_node_str(arena,
						"./etc/istio/proxy"));
	gw_map_put(arena, pc, "binaryPath", gw_node_str(arena,
						"/usr/local/bin/envoy"));
	gw_map_put(arena, pc, "serviceCluster", gw_node_str(arena,
						"istio-proxy"));
	gw_map_put(arena, pc, "drainDuration", gw_node_str(arena, "45s"));
	gw_map_put(arena, pc, "discoveryAddress", gw_node_str(arena,
					"istiod.istio-system.svc:15012"));
	gw_map_put(arena, pc, "proxyAdminPort", gw_node_int(arena, 15000));
	gw_map_put(arena, pc, "controlPlaneAuthPolicy",
		   gw_node_str(arena, "MUTUAL_TLS"));
	gw_map_put(arena, pc, "statNameLength", gw_node_int(arena, 189));
	gw_map_put(arena, pc, "interceptionMode", gw_node_str(arena,
							      "REDIRECT"));
	gw_map_put(arena, pc, "proxyMetadata", gw_node_map(arena));
	gw_map_put(arena, pc, "statusPort", gw_node_int(arena, 15020));
	gw_map_put(arena, pc, "terminationDrainDuration",
		   gw_node_str(arena, "5s"));
	return pc;
}

/* mesh.MergeProxyConfig: each field given replaces the old one, except
 * proxyMetadata, whose keys are merged. */
static struct gw_node *merge_proxy_config(struct gw_arena *arena,
					  const struct gw_node *base,
					  const struct gw_node *over)
{
	struct gw_node *pc = gw_node_copy(arena, base);
	size_t i;

	for (i = 0; over && over->kind == GW_MAP && i < over->u.map.n; i++) {
		const char *k = over->u.map.pairs[i].key->u.str.s;
		const struct gw_node *v = over->u.map.pairs[i].value;

		if (!strcmp(k, "proxyMetadata") && v->kind == GW_MAP) {
			struct gw_node *md = ensure_map(arena, pc, k);
			size_t j;

			for (j = 0; j < v->u.map.n; j++)
				map_set(arena, md,
					v->u.map.pairs[j].key->u.str.s,
					gw_node_copy(arena,
						     v->u.map.pairs[j].value));
		} else if (v->kind == GW_NULL) {
			map_del(pc, k);
		} else {
			map_set(arena, pc, k, gw_node_copy(arena, v));
		}
	}
	return pc;
}

int gw_inject_load_mesh(struct gw_inject_config *cfg, struct gw_diag *diag,
			const char *name, const char *data, size_t len)
{
	struct gw_arena *arena = cfg->arena;
	struct gw_node *doc = load_doc(arena, diag, name, data, len, "mesh");
	struct gw_node *mesh;
	size_t i;

	if (!doc)
		return -1;
	/* mesh.DefaultMeshConfig(), the fields injection reads */
	mesh = gw_node_map(arena);
	gw_map_put(arena, mesh, "enablePrometheusMerge",
		   gw_node_bool(arena, true));
	gw_map_put(arena, mesh, "rootNamespace", gw_node_str(arena,
							     "istio-system"));
	gw_map_put(arena, mesh, "trustDomain", gw_node_str(arena,
							   "cluster.local"));
	gw_map_put(arena, mesh, "defaultConfig", default_proxy_config(arena));
	for (i = 0; i < doc->u.map.n; i++) {
		const char *k = doc->u.map.pairs[i].key->u.str.s;
		const struct gw_node *v = doc->u.map.pairs[i].value;

		if (!strcmp(k, "defaultConfig"))
			map_set(arena, mesh, k, merge_proxy_config(arena,
				gw_map_get(mesh, k), v));
		else
			map_set(arena, mesh, k, gw_node_copy(arena, v));
	}
	cfg->mesh = mesh;
	return 0;
}

void gw_inject_overlay_values(struct gw_inject_config *cfg,
			      const struct gw_node *values, bool to_values,
			      bool to_mesh)
{
	struct gw_arena *arena = cfg->arena;
	const struct gw_node *mc;
	size_t i;

	if (!values || values->kind != GW_MAP)
		return;
	if (to_values) {
		gw_node_merge(arena, cfg->values, values);
		cfg->values_go = as_float64(arena, cfg->values);
	}
	mc = gw_map_get(values, "meshConfig");
	for (i = 0; to_mesh && mc && mc->kind == GW_MAP && i < mc->u.map.n;
	     i++) {
		const char *k = mc->u.map.pairs[i].key->u.str.s;
		const struct gw_node *v = mc->u.map.pairs[i].value;

		if (!strcmp(k, "defaultConfig"))
			map_set(arena, cfg->mesh, k, merge_proxy_config(arena,
				gw_map_get(cfg->mesh, k), v));
		else
			map_set(arena, cfg->mesh, k, gw_node_copy(arena, v));
	}
}

/* ---- protobuf messages as text/template sees them ---------------------- */

static bool is_proto_map_field(const char *k)
{
	return !strcmp(k, "proxyMetadata") || !strcmp(k, "runtimeValues");
}

/* Go field names of a protobuf message given with JSON names. */
static struct gw_node *proto_go_view(struct gw_arena *arena,
				     const struct gw_node *n)
{
	struct gw_node *out;
	size_t i;

	if (n->kind == GW_SEQ) {
		out = gw_node_seq(arena);
		for (i = 0; i < n->u.seq.n; i++)
			gw_seq_push(arena, out,
				    proto_go_view(arena, n->u.seq.items[i]));
		return out;
	}
	if (n->kind != GW_MAP)
		return gw_node_copy(arena, n);
	out = gw_node_map(arena);
	for (i = 0; i < n->u.map.n; i++) {
		const char *k = n->u.map.pairs[i].key->u.str.s;
		const struct gw_node *v = n->u.map.pairs[i].value;
		char *go = gw_arena_strdup(arena, k);

		if (*go >= 'a' && *go <= 'z')
			*go = (char)(*go - 'a' + 'A');
		if (is_proto_map_field(k))
			gw_map_put(arena, out, go, gw_node_copy(arena, v));
		else if (!strcmp(k, "holdApplicationUntilProxyStarts") ||
			 !strcmp(k, "concurrency")) {
			struct gw_node *w = gw_node_map(arena);

			gw_map_put(arena, w, "Value", gw_node_copy(arena, v));
			gw_map_put(arena, out, go, w);
		} else {
			gw_map_put(arena, out, go, proto_go_view(arena, v));
		}
	}
	return out;
}

/* protoToJSON(.ProxyConfig): cleanProxyConfig() drops the fields equal to
 * mesh.DefaultProxyConfig(), then jsonpb omits zero values. */
static const char *proxy_config_json(struct gw_arena *arena,
				     const struct gw_node *pc)
{
	static const char *const cleaned[] = {
		"configPath", "binaryPath", "serviceCluster", "drainDuration",
		"terminationDrainDuration", "parentShutdownDuration",
		"discoveryAddress", "envoyMetricsService",
		"envoyAccessLogService", "tracing", "proxyAdminPort",
		"statNameLength", "statusPort", "concurrency",
		"controlPlaneAuthPolicy",
	};
	static const char *const enum_zero[][2] = {
		{ "interceptionMode", "REDIRECT" },
		{ "controlPlaneAuthPolicy", "NONE" },
		{ "tracingServiceName", "APP_LABEL_AND_NAMESPACE" },
	};
	struct gw_node *defaults = default_proxy_config(arena);
	struct gw_node *out = gw_node_map(arena);
	struct gw_buf buf = { 0 };
	const char *s;
	size_t i, j;

	for (i = 0; i < pc->u.map.n; i++) {
		const char *k = pc->u.map.pairs[i].key->u.str.s;
		const struct gw_node *v = pc->u.map.pairs[i].value;
		const struct gw_node *d = gw_map_get(defaults, k);
		bool drop = false;

		for (j = 0; j < sizeof(cleaned) / sizeof(*cleaned); j++)
			if (!strcmp(k, cleaned[j]) && d && gw_node_equal(v, d))
				drop = true;
		for (j = 0; j < sizeof(enum_zero) / sizeof(*enum_zero); j++)
			if (!strcmp(k, enum_zero[j][0]) && v->kind == GW_STR &&
			    !strcmp(v->u.str.s, enum_zero[j][1]))
				drop = true;
		if (strcmp(k, "holdApplicationUntilProxyStarts") &&
		    strcmp(k, "concurrency") &&
		    (v->kind == GW_NULL || (v->kind == GW_STR && !v->u.str.len) ||
		     (v->kind == GW_INT && !v->u.i) ||
		     (v->kind == GW_BOOL && !v->u.b) ||
		     (v->kind == GW_SEQ && !v->u.seq.n) ||
		     (v->kind == GW_MAP && !v->u.map.n)))
			drop = true;
		if (!drop) {
			struct gw_node *c = gw_node_copy(arena, v);

			if (is_proto_map_field(k))
				gw_map_sort(c);
			gw_map_put(arena, out, k, c);
		}
	}
	gw_go_json_write(&buf, out, GW_GO_JSON_HTML);
	s = gw_arena_strndup(arena, buf.data, buf.len);
	gw_buf_release(&buf);
	return s;
}

/* ---- ProxyImage() ------------------------------------------------------- */

static const char *proxy_image(struct gw_arena *arena,
			       const struct gw_inject_config *cfg,
			       const struct gw_node *pc,
			       const struct gw_node *annotations)
{
	const char *hub = path_str(cfg->values, PATH("global", "hub"));
	const char *image = path_str(cfg->values,
				     PATH("global", "proxy", "image"));
	const struct gw_node *tagn = path_get(cfg->values,
					      PATH("global", "tag"));
	const char *type = path_str(pc, PATH("image", "imageType"));
	const char *anno = path_str(annotations,
				    PATH("sidecar.istio.io/proxyImageType"));
	char *tag = "";
	char num[32];

	if (tagn && tagn->kind == GW_STR) {
		tag = gw_arena_strdup(arena, tagn->u.str.s);
	} else if (tagn && (tagn->kind == GW_INT || tagn->kind == GW_NUM)) {
		gw_format_number(num, tagn->kind == GW_INT ?
				 (double)tagn->u.i : tagn->u.num);
		tag = gw_arena_strdup(arena, num);
	}
	if (!image || !*image)
		image = "proxyv2";
	if (anno)
		type = anno;
	if (type && *type) {
		static const char *const known[] = { "-distroless", "-debug" };
		size_t i, tl = strlen(tag);

		for (i = 0; i < 2; i++) {
			size_t kl = strlen(known[i]);

			if (tl >= kl && !strcmp(tag + tl - kl, known[i])) {
				tag[tl - kl] = 0;
				break;
			}
		}
		if (strcmp(type, "default"))
			tag = gw_arena_printf(arena, "%s-%s", tag, type);
	}
	return gw_arena_printf(arena, "%s/%s:%s", hub ? hub : "", image, tag);
}

/* ---- post-processing ---------------------------------------------------- */

/* prometheus' strutil.SanitizeLabelName */
static bool sanitized_is(const char *key, const char *want)
{
	size_t i;

	for (i = 0; key[i] && want[i]; i++) {
		char c = key[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			c = '_';
		if (c != want[i])
			return false;
	}
	return !key[i] && !want[i];
}

static const struct gw_node *prom_annotation(const struct gw_node *annos,
					     const char *which)
{
	size_t i;

	for (i = 0; annos && i < annos->u.map.n; i++)
		if (sanitized_is(annos->u.map.pairs[i].key->u.str.s, which))
			return annos->u.map.pairs[i].value;
	return NULL;
}

static void clear_prometheus(struct gw_node *annos)
{
	static const char *const which[] = {
		"prometheus_io_path", "prometheus_io_port",
		"prometheus_io_scrape",
	};
	size_t i = 0, j;

	while (annos && i < annos->u.map.n) {
		bool hit = false;

		for (j = 0; j < 3; j++)
			if (sanitized_is(annos->u.map.pairs[i].key->u.str.s,
					 which[j]))
				hit = true;
		if (hit)
			map_del(annos, annos->u.map.pairs[i].key->u.str.s);
		else
			i++;
	}
}

/* Go's strconv.ParseBool */
static int parse_bool(const char *s)
{
	static const char *const t[] = { "1", "t", "T", "TRUE", "true",
					 "True" };
	static const char *const f[] = { "0", "f", "F", "FALSE", "false",
					 "False" };
	size_t i;

	for (i = 0; i < 6; i++) {
		if (!strcmp(s, t[i]))
			return 1;
		if (!strcmp(s, f[i]))
			return 0;
	}
	return -1;
}

static struct gw_node *find_sidecar(struct gw_node *spec)
{
	struct gw_node *c = find_named(gw_map_get(spec, "containers"),
				       "istio-proxy");

	return c ? c : find_named(gw_map_get(spec, "initContainers"),
				  "istio-proxy");
}

static bool nonempty(const struct gw_node *n)
{
	return n && n->kind == GW_STR && n->u.str.len;
}

static struct gw_node *str_or_empty(struct gw_arena *arena,
				    const struct gw_node *n)
{
	return nonempty(n) ? gw_node_copy(arena, n) : gw_node_str(arena, "");
}

static void apply_prometheus_merge(struct gw_arena *arena, struct gw_node *pod,
				   const struct gw_node *mesh)
{
	struct gw_node *meta = ensure_map(arena, pod, "metadata");
	struct gw_node *annos = ensure_map(arena, meta, "annotations");
	struct gw_node *spec = ensure_map(arena, pod, "spec");
	const struct gw_node *v;
	const struct gw_node *port = gw_map_get(gw_map_get(mesh,
				"defaultConfig"), "statusPort");
	const char *target = gw_arena_printf(arena, "%lld",
		port && port->kind == GW_INT ? port->u.i : 0);
	const struct gw_node *scrape, *path, *cur;
	struct gw_node *sidecar;

	v = prom_annotation(annos, "prometheus_io_scrape");
	if (v && v->kind == GW_STR && parse_bool(v->u.str.s) == 0)
		return;
	v = gw_map_get(annos, "prometheus.istio.io/merge-metrics");
	if (v && v->kind == GW_STR && parse_bool(v->u.str.s) >= 0) {
		if (!parse_bool(v->u.str.s))
			return;
	} else if ((v = gw_map_get(mesh, "enablePrometheusMerge")) &&
		   v->kind == GW_BOOL && !v->u.b) {
		return;
	}
	cur = prom_annotation(annos, "prometheus_io_port");
	if (cur && cur->kind == GW_STR && !strcmp(cur->u.str.s, target))
		return;
	scrape = prom_annotation(annos, "prometheus_io_scrape");
	path = prom_annotation(annos, "prometheus_io_path");
	sidecar = find_sidecar(spec);
	/* status.PrometheusScrapeConfiguration: no omitempty */
	if (sidecar && (nonempty(scrape) || nonempty(path) || nonempty(cur))) {
		struct gw_node *cfgm = gw_node_map(arena), *env, *e;
		struct gw_buf js = { 0 };

		gw_map_put(arena, cfgm, "scrape", str_or_empty(arena, scrape));
		gw_map_put(arena, cfgm, "path", str_or_empty(arena, path));
		gw_map_put(arena, cfgm, "port", str_or_empty(arena, cur));
		gw_go_json_write(&js, cfgm, GW_GO_JSON_HTML);
		env = gw_map_get(sidecar, "env");
		if (!env || env->kind != GW_SEQ)
			env = gw_map_put(arena, sidecar, "env",
					 gw_node_seq(arena));
		e = gw_node_map(arena);
		gw_map_put(arena, e, "name", gw_node_str(arena,
			   "ISTIO_PROMETHEUS_ANNOTATIONS"));
		gw_map_put(arena, e, "value", gw_node_str(arena,
			   gw_arena_strndup(arena, js.data, js.len)));
		gw_seq_push(arena, env, e);
		gw_buf_release(&js);
	}
	clear_prometheus(annos);
	map_set(arena, annos, "prometheus.io/port", gw_node_str(arena, target));
	map_set(arena, annos, "prometheus.io/path",
		gw_node_str(arena, "/stats/prometheus"));
	map_set(arena, annos, "prometheus.io/scrape", gw_node_str(arena,
								   "true"));
}

static struct gw_node *names_of(struct gw_arena *arena,
				const struct gw_node *list)
{
	struct gw_node *out;
	size_t i;

	if (!list || list->kind != GW_SEQ || !list->u.seq.n)
		return gw_node_new(arena, GW_NULL);
	out = gw_node_seq(arena);
	for (i = 0; i < list->u.seq.n; i++) {
		const char *n = path_str(list->u.seq.items[i], PATH("name"));

		gw_seq_push(arena, out, gw_node_str(arena, n ? n : ""));
	}
	return out;
}

const char *gw_inject_status(struct gw_arena *arena,
			     const struct gw_node *template_spec,
			     const char *revision)
{
	struct gw_node *st = gw_node_map(arena);
	struct gw_buf buf = { 0 };
	const char *s;

	gw_map_put(arena, st, "initContainers", names_of(arena,
		   gw_map_get(template_spec, "initContainers")));
	gw_map_put(arena, st, "containers", names_of(arena,
		   gw_map_get(template_spec, "containers")));
	gw_map_put(arena, st, "volumes", names_of(arena,
		   gw_map_get(template_spec, "volumes")));
	gw_map_put(arena, st, "imagePullSecrets", names_of(arena,
		   gw_map_get(template_spec, "imagePullSecrets")));
	gw_map_put(arena, st, "revision", gw_node_str(arena,
		   revision && *revision ? revision : "default"));
	gw_go_json_write(&buf, st, GW_GO_JSON_HTML);
	s = gw_arena_strndup(arena, buf.data, buf.len);
	gw_buf_release(&buf);
	return s;
}

enum reorder { MOVE_FIRST, MOVE_LAST };

static void modify_containers(struct gw_node *list, const char *name,
			      enum reorder how)
{
	struct gw_node *match = NULL;
	size_t i, j = 0;

	if (!list || list->kind != GW_SEQ)
		return;
	for (i = 0; i < list->u.seq.n; i++) {
		const char *n = path_str(list->u.seq.items[i], PATH("name"));

		if (n && !strcmp(n, name))
			match = list->u.seq.items[i];
		else
			list->u.seq.items[j++] = list->u.seq.items[i];
	}
	if (!match)
		return;
	if (how == MOVE_LAST) {
		list->u.seq.items[j] = match;
		return;
	}
	memmove(&list->u.seq.items[1], &list->u.seq.items[0],
		j * sizeof(*list->u.seq.items));
	list->u.seq.items[0] = match;
}

static void reorder_pod(struct gw_node *spec, bool hold)
{
	struct gw_node *init = gw_map_get(spec, "initContainers");

	modify_containers(gw_map_get(spec, "containers"), "istio-proxy",
			  hold ? MOVE_FIRST : MOVE_LAST);
	if (find_named(init, "istio-proxy")) {
		modify_containers(init, "enable-core-dump", MOVE_FIRST);
		modify_containers(init, "istio-proxy", MOVE_FIRST);
		modify_containers(init, "istio-validation", MOVE_FIRST);
		modify_containers(init, "istio-init", MOVE_FIRST);
	} else {
		modify_containers(init, "istio-validation", MOVE_FIRST);
		modify_containers(init, "istio-init", MOVE_LAST);
		modify_containers(init, "enable-core-dump", MOVE_LAST);
	}
}

/* updateClusterEnvs: the variables move to the end, sorted by name. */
static void update_cluster_envs(struct gw_arena *arena, struct gw_node *c,
				const char *cluster, const char *network)
{
	struct gw_node *env = gw_map_get(c, "env"), *out = gw_node_seq(arena);
	size_t i;

	for (i = 0; env && env->kind == GW_SEQ && i < env->u.seq.n; i++) {
		const char *n = path_str(env->u.seq.items[i], PATH("name"));

		if (n && ((cluster && !strcmp(n, "ISTIO_META_CLUSTER_ID")) ||
			  (network && !strcmp(n, "ISTIO_META_NETWORK"))))
			continue;
		gw_seq_push(arena, out, env->u.seq.items[i]);
	}
	if (cluster) {
		struct gw_node *e = gw_node_map(arena);

		gw_map_put(arena, e, "name", gw_node_str(arena,
			   "ISTIO_META_CLUSTER_ID"));
		gw_map_put(arena, e, "value", gw_node_str(arena, cluster));
		gw_seq_push(arena, out, e);
	}
	if (network) {
		struct gw_node *e = gw_node_map(arena);

		gw_map_put(arena, e, "name", gw_node_str(arena,
			   "ISTIO_META_NETWORK"));
		gw_map_put(arena, e, "value", gw_node_str(arena, network));
		gw_seq_push(arena, out, e);
	}
	map_set(arena, c, "env", out);
}

/* ---- the injection ------------------------------------------------------ */

struct job {
	struct gw_arena *arena;
	struct gw_diag *diag;
	const struct gw_inject_config *cfg;
	struct gw_mark at;		/* the Deployment, for diagnostics */
};

static const struct inject_template *find_template(
	const struct gw_inject_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->ntemplates; i++)
		if (!strcmp(cfg->templates[i].name, name))
			return &cfg->templates[i];
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *known_templates(struct gw_arena *arena,
				   const struct gw_inject_config *cfg)
{
	const char **names = gw_arena_alloc(arena, (cfg->ntemplates + 1) *
					    sizeof(*names));
	struct gw_buf buf = { 0 };
	const char *s;
	size_t i;

	for (i = 0; i < cfg->ntemplates; i++)
		names[i] = cfg->templates[i].name;
	qsort(names, cfg->ntemplates, sizeof(*names), cmp_str);
	for (i = 0; i < cfg->ntemplates; i++) {
		if (i)
			gw_buf_puts(&buf, ", ");
		gw_buf_puts(&buf, names[i]);
	}
	s = gw_arena_strndup(arena, buf.data ? buf.data : "", buf.len);
	gw_buf_release(&buf);
	return s;
}

/* selectTemplates + resolveAliases */
static struct gw_node *select_templates(struct job *job,
					const struct gw_node *annos)
{
	struct gw_arena *arena = job->arena;
	const struct gw_node *a = gw_map_get(annos,
					     "inject.istio.io/templates");
	struct gw_node *names = gw_node_seq(arena), *out = gw_node_seq(arena);
	size_t i, j;

	if (a && a->kind == GW_STR) {
		const char *s = a->u.str.s;

		for (;;) {
			const char *comma = strchr(s, ',');
			size_t len = comma ? (size_t)(comma - s) : strlen(s);
			const char *b = s, *e = s + len;

			while (b < e && (*b == ' ' || *b == '\t' || *b == '\n'))
				b++;
			while (e > b && (e[-1] == ' ' || e[-1] == '\t' ||
					 e[-1] == '\n'))
				e--;
			gw_seq_push(arena, names, gw_node_str(arena,
				    gw_arena_strndup(arena, b, (size_t)(e - b))));
			if (!comma)
				break;
			s = comma + 1;
		}
	} else {
		names = job->cfg->default_templates;
	}
	for (i = 0; i < names->u.seq.n; i++) {
		const struct gw_node *n = names->u.seq.items[i];
		const struct gw_node *al = n->kind == GW_STR && job->cfg->aliases ?
			gw_map_get(job->cfg->aliases, n->u.str.s) : NULL;

		if (al && al->kind == GW_SEQ)
			for (j = 0; j < al->u.seq.n; j++)
				gw_seq_push(arena, out, al->u.seq.items[j]);
		else
			gw_seq_push(arena, out, (struct gw_node *)n);
	}
	return out;
}

static struct gw_node *pod_view(struct gw_arena *arena,
				const struct gw_node *pod, const char *key,
				const struct gw_k8s_type *t)
{
	return gw_k8s_go_view(arena, gw_map_get(pod, key), t);
}

static struct gw_node *template_data(struct job *job, const struct gw_node *deploy,
				     const struct gw_node *pod,
				     const struct gw_node *mesh,
				     const struct gw_node *pc,
				     const char *revision)
{
	struct gw_arena *arena = job->arena;
	struct gw_node *data = gw_node_map(arena), *tm, *v, *mc;
	const struct gw_node *annos = path_get(pod, PATH("metadata",
							  "annotations"));
	struct gw_buf js = { 0 };
	const char *kind = path_str(deploy, PATH("kind"));
	const char *apiv = path_str(deploy, PATH("apiVersion"));

	tm = gw_node_map(arena);
	gw_map_put(arena, tm, "Kind", gw_node_str(arena, kind ? kind : ""));
	gw_map_put(arena, tm, "APIVersion", gw_node_str(arena,
						       apiv ? apiv : ""));
	gw_buf_puts(&js, "{");
	if (kind && *kind) {
		gw_buf_puts(&js, "\"kind\":");
		gw_go_json_string(&js, kind, strlen(kind), GW_GO_JSON_HTML);
	}
	if (apiv && *apiv) {
		gw_buf_puts(&js, kind && *kind ? ",\"apiVersion\":" :
			    "\"apiVersion\":");
		gw_go_json_string(&js, apiv, strlen(apiv), GW_GO_JSON_HTML);
	}
	gw_buf_puts(&js, "}");
	tm->src = gw_arena_strndup(arena, js.data, js.len);
	gw_buf_release(&js);
	gw_map_put(arena, data, "TypeMeta", tm);
	gw_map_put(arena, data, "DeploymentMeta",
		   pod_view(arena, deploy, "metadata", &gw_k8s_object_meta));
	gw_map_put(arena, data, "ObjectMeta",
		   pod_view(arena, pod, "metadata", &gw_k8s_object_meta));
	gw_map_put(arena, data, "Spec",
		   pod_view(arena, pod, "spec", &gw_k8s_pod_spec));
	v = proto_go_view(arena, pc);
	v->src = proxy_config_json(arena, pc);
	gw_map_put(arena, data, "ProxyConfig", v);
	mc = proto_go_view(arena, mesh);
	gw_map_put(arena, data, "MeshConfig", mc);
	gw_map_put(arena, data, "Values", job->cfg->values_go);
	gw_map_put(arena, data, "Revision", gw_node_str(arena,
						revision ? revision : ""));
	gw_map_put(arena, data, "ProxyImage", gw_node_str(arena,
		   proxy_image(arena, job->cfg, pc, annos)));
	gw_map_put(arena, data, "ProxyUID", gw_node_int(arena, PROXY_UID));
	gw_map_put(arena, data, "ProxyGID", gw_node_int(arena, PROXY_UID));
	gw_map_put(arena, data, "CompliancePolicy", gw_node_str(arena, ""));
	gw_map_put(arena, data, "InboundTrafficPolicyMode",
		   gw_node_str(arena, "passthrough"));
	return data;
}

static struct gw_node *normalize_pod(struct gw_arena *arena,
				     const struct gw_node *pod)
{
	return gw_k8s_normalize(arena, pod, &gw_k8s_pod);
}

/* Renders each selected template and merges it onto the pod. */
static int run_templates(struct job *job, const struct gw_node *data,
			 const struct gw_node *selected,
			 struct gw_node **merged, struct gw_node **template_pod)
{
	struct gw_arena *arena = job->arena;
	size_t i;

	for (i = 0; i < selected->u.seq.n; i++) {
		const struct gw_node *n = selected->u.seq.items[i];
		const char *name = n->kind == GW_STR ? n->u.str.s : "";
		const struct inject_template *t = find_template(job->cfg, name);
		struct gw_buf out = { 0 };
		const char *err = NULL;
		struct gw_node *overlay;

		if (!t) {
			gw_diag_add(job->diag, GW_SEV_ERROR, job->at,
				    "requested template \"%s\" not found; "
				    "have %s", name,
				    known_templates(arena, job->cfg));
			return -1;
		}
		if (gw_tmpl_exec(t->set, "inject", data, &out, &err)) {
			gw_diag_add(job->diag, GW_SEV_ERROR,
				    template_position(t->mark, err),
				    "templates.%s: %s", name,
				    err ? err : "template execution failed");
			gw_buf_release(&out);
			return -1;
		}
		overlay = load_doc(arena, job->diag,
				   gw_arena_printf(arena, "templates.%s "
						   "(rendered)", name),
				   out.data ? out.data : "", out.len,
				   "rendered template");
		gw_buf_release(&out);
		if (!overlay)
			return -1;
		*template_pod = normalize_pod(arena, gw_k8s_merge(arena,
				*template_pod, overlay, &gw_k8s_pod));
		*merged = normalize_pod(arena, gw_k8s_merge(arena, *merged,
				overlay, &gw_k8s_pod));
	}
	return 0;
}

/* reapplyOverwrittenContainers: the user's own containers of the same name
 * as injected ones win, and are recorded in proxy.istio.io/overrides. */
static int reapply_overrides(struct job *job, struct gw_node **final,
			     const struct gw_node *original,
			     const struct gw_node *template_pod)
{
	static const char *const lists[] = { "containers", "initContainers" };
	struct gw_arena *arena = job->arena;
	const struct gw_node *annos = path_get(original, PATH("metadata",
							      "annotations"));
	const struct gw_node *ov = gw_map_get(annos, "proxy.istio.io/overrides");
	const struct gw_node *st = gw_map_get(annos, "sidecar.istio.io/status");
	struct gw_node *existing = NULL, *status = NULL, *record;
	bool any = false;
	size_t l, i;

	if (ov && ov->kind == GW_STR) {
		existing = load_doc(arena, job->diag,
				    "proxy.istio.io/overrides", ov->u.str.s,
				    ov->u.str.len, "proxy.istio.io/overrides");
		if (!existing)
			return -1;
	}
	if (st && st->kind == GW_STR) {
		struct gw_diag quiet;

		gw_diag_init(&quiet, arena);
		status = load_doc(arena, &quiet, "sidecar.istio.io/status",
				  st->u.str.s, st->u.str.len, "status");
		gw_diag_release(&quiet);
	}
	record = gw_node_map(arena);
	for (l = 0; l < 2; l++) {
		const struct gw_node *tl = path_get(template_pod,
						    PATH("spec", lists[l]));

		for (i = 0; tl && tl->kind == GW_SEQ && i < tl->u.seq.n; i++) {
			const char *name = path_str(tl->u.seq.items[i],
						    PATH("name"));
			struct gw_node *match, *overlay, *patch, *pl, *pspec;

			if (!name)
				continue;
			if (status) {
				const struct gw_node *sl = gw_map_get(status,
								      lists[l]);
				size_t k;
				bool done = false;

				for (k = 0; sl && sl->kind == GW_SEQ &&
				     k < sl->u.seq.n; k++)
					if (sl->u.seq.items[k]->kind == GW_STR &&
					    !strcmp(sl->u.seq.items[k]->u.str.s,
						    name))
						done = true;
				if (done)
					continue;
			}
			match = find_named(gw_map_get(existing, lists[l]), name);
			if (!match)
				match = find_named(path_get(original,
					PATH("spec", lists[l])), name);
			if (!match && l == 1)
				match = find_named(path_get(original,
					PATH("spec", "containers")), name);
			if (!match)
				continue;
			overlay = gw_k8s_normalize(arena, match,
						   &gw_k8s_container);
			{
				const char *img = path_str(overlay,
							   PATH("image"));

				if (img && !strcmp(img, "auto"))
					map_del(overlay, "image");
			}
			pl = gw_map_get(record, lists[l]);
			if (!pl)
				pl = gw_map_put(arena, record, lists[l],
						gw_node_seq(arena));
			gw_seq_push(arena, pl, overlay);
			any = true;
			patch = gw_node_map(arena);
			pspec = gw_map_put(arena, patch, "spec",
					   gw_node_map(arena));
			gw_seq_push(arena, gw_map_put(arena, pspec, lists[l],
						      gw_node_seq(arena)),
				    overlay);
			*final = normalize_pod(arena, gw_k8s_merge(arena,
					*final, patch, &gw_k8s_pod));
		}
	}
	if (!st && any) {
		struct gw_buf js = { 0 };
		struct gw_node *meta = ensure_map(arena, *final, "metadata");

		gw_go_json_write(&js, record, GW_GO_JSON_HTML);
		map_set(arena, ensure_map(arena, meta, "annotations"),
			"proxy.istio.io/overrides", gw_node_str(arena,
			gw_arena_strndup(arena, js.data, js.len)));
		gw_buf_release(&js);
	}
	return 0;
}

/* stripPod + reinsertOverrides: a pod injected before is injected anew. */
static struct gw_node *strip_pod(struct job *job, const struct gw_node *pod,
				 const struct gw_node *mesh)
{
	struct gw_arena *arena = job->arena;
	struct gw_node *out = gw_node_copy(arena, pod);
	struct gw_node *annos = (struct gw_node *)path_get(out,
		PATH("metadata", "annotations"));
	const struct gw_node *st = gw_map_get(annos, "sidecar.istio.io/status");
	const struct gw_node *ov = gw_map_get(annos, "proxy.istio.io/overrides");
	struct gw_diag quiet;

	gw_diag_init(&quiet, arena);
	if (st && st->kind == GW_STR) {
		static const char *const lists[] = { "containers",
						     "initContainers" };
		struct gw_node *status = load_doc(arena, &quiet, "status",
						  st->u.str.s, st->u.str.len,
						  "status");
		const struct gw_node *port = path_get(mesh,
			PATH("defaultConfig", "statusPort"));
		const struct gw_node *cur = prom_annotation(annos,
						"prometheus_io_port");
		size_t l, i;

		for (l = 0; status && l < 2; l++) {
			const struct gw_node *names = gw_map_get(status,
								 lists[l]);
			struct gw_node *list = (struct gw_node *)path_get(out,
				PATH("spec", lists[l]));

			for (i = 0; names && names->kind == GW_SEQ &&
			     i < names->u.seq.n; i++) {
				struct gw_node *c;
				size_t k, j = 0;

				if (names->u.seq.items[i]->kind != GW_STR ||
				    !list || list->kind != GW_SEQ)
					continue;
				c = find_named(list,
					       names->u.seq.items[i]->u.str.s);
				for (k = 0; c && k < list->u.seq.n; k++)
					if (list->u.seq.items[k] != c)
						list->u.seq.items[j++] =
							list->u.seq.items[k];
				if (c)
					list->u.seq.n = j;
			}
		}
		if (status && cur && cur->kind == GW_STR && port &&
		    port->kind == GW_INT &&
		    !strcmp(cur->u.str.s, gw_arena_printf(arena, "%lld",
							   port->u.i)))
			clear_prometheus(annos);
		map_del(annos, "sidecar.istio.io/status");
	}
	gw_diag_release(&quiet);
	if (ov && ov->kind == GW_STR) {
		static const char *const lists[] = { "containers",
						     "initContainers" };
		struct gw_node *o = load_doc(arena, job->diag,
					     "proxy.istio.io/overrides",
					     ov->u.str.s, ov->u.str.len,
					     "proxy.istio.io/overrides");
		size_t l, i;

		if (!o)
			return NULL;
		for (l = 0; l < 2; l++) {
			const struct gw_node *cs = gw_map_get(o, lists[l]);
			struct gw_node *spec = ensure_map(arena, out, "spec");
			struct gw_node *list = gw_map_get(spec, lists[l]);

			for (i = 0; cs && cs->kind == GW_SEQ &&
			     i < cs->u.seq.n; i++) {
				const char *n = path_str(cs->u.seq.items[i],
							 PATH("name"));

				if (!n || find_named(list, n))
					continue;
				if (!list || list->kind != GW_SEQ)
					list = gw_map_put(arena, spec, lists[l],
							  gw_node_seq(arena));
				gw_seq_push(arena, list, gw_node_copy(arena,
					    cs->u.seq.items[i]));
			}
		}
	}
	return out;
}

static bool wants_injection(const struct gw_node *pod)
{
	const struct gw_node *spec = gw_map_get(pod, "spec");
	const struct gw_node *meta = gw_map_get(pod, "metadata");
	const struct gw_node *v = gw_map_get(spec, "hostNetwork");
	const char *sel = path_str(meta, PATH("annotations",
					      "sidecar.istio.io/inject"));
	const char *lbl = path_str(meta, PATH("labels",
					      "sidecar.istio.io/inject"));

	if (v && v->kind == GW_BOOL && v->u.b)
		return false;
	if (lbl)
		sel = lbl;
	if (sel && *sel) {
		static const char *const yes[] = { "y", "yes", "true", "on" };
		size_t i;

		for (i = 0; i < 4; i++)
			if (!strcasecmp(sel, yes[i]))
				return true;
		return false;
	}
	return true;
}

int gw_inject_deployment(struct gw_arena *arena, struct gw_diag *diag,
			 const struct gw_inject_config *cfg,
			 const char *revision, const struct gw_node *doc,
			 struct gw_buf *out)
{
	struct gw_node *injected;

	if (gw_inject_tree(arena, diag, cfg, revision, doc, &injected))
		return -1;
	gw_go_yaml_write(out, injected);
	gw_buf_puts(out, "---\n");
	return 0;
}

int gw_inject_tree(struct gw_arena *arena, struct gw_diag *diag,
		   const struct gw_inject_config *cfg, const char *revision,
		   const struct gw_node *doc, struct gw_node **injected)
{
	struct job job = { arena, diag, cfg, doc->mark };
	const char *kind = path_str(doc, PATH("kind"));
	struct gw_node *deploy, *pod, *merged, *template_pod, *mesh, *pc;
	struct gw_node *data, *selected, *annos, *spec, *meta;
	const struct gw_node *pca;
	const char *cluster, *network;
	bool hold;

	if (!kind || strcmp(kind, "Deployment")) {
		gw_diag_add(diag, GW_SEV_ERROR, doc->mark, "kind: expected "
			    "Deployment, found %s", kind ? gw_diag_show(arena,
			    kind, strlen(kind)) : "none");
		return -1;
	}
	if (!cfg->mesh) {
		gw_diag_add(diag, GW_SEV_ERROR, doc->mark, "no mesh config");
		return -1;
	}
	deploy = gw_k8s_normalize(arena, doc, &gw_k8s_deployment);
	pod = gw_node_map(arena);
	gw_map_put(arena, pod, "metadata", (struct gw_node *)path_get(deploy,
		   PATH("spec", "template", "metadata")));
	gw_map_put(arena, pod, "spec", (struct gw_node *)path_get(deploy,
		   PATH("spec", "template", "spec")));
	pod = normalize_pod(arena, pod);
	if (!wants_injection(pod)) {
		gw_diag_add(diag, GW_SEV_WARNING, doc->mark, "skipping "
			    "injection: the pod has host networking or "
			    "sidecar injection disabled");
		*injected = deploy;
		return 0;
	}
	/* istioctl: the pod's proxy.istio.io/config applies to the mesh */
	mesh = gw_node_copy(arena, cfg->mesh);
	pca = path_get(pod, PATH("metadata", "annotations",
				 "proxy.istio.io/config"));
	if (pca && pca->kind == GW_STR) {
		struct gw_node *o = load_doc(arena, diag,
					     "proxy.istio.io/config",
					     pca->u.str.s, pca->u.str.len,
					     "proxy.istio.io/config");

		if (!o)
			return -1;
		map_set(arena, mesh, "defaultConfig", merge_proxy_config(arena,
			gw_map_get(mesh, "defaultConfig"), o));
	}
	pc = gw_map_get(mesh, "defaultConfig");
	cluster = path_str(cfg->values, PATH("global", "multiCluster",
					     "clusterName"));
	network = path_str(cfg->values, PATH("global", "network"));
	{
		const char *l = path_str(pod, PATH("metadata", "labels",
						   "topology.istio.io/network"));

		if (l)
			network = l;
	}
	if (cluster && !*cluster)
		cluster = NULL;
	if (network && !*network)
		network = NULL;

	{
		struct gw_node *stripped = strip_pod(&job, pod, mesh);

		if (!stripped)
			return -1;
		data = template_data(&job, deploy, stripped, mesh, pc, revision);
	}
	selected = select_templates(&job, path_get(pod, PATH("metadata",
							      "annotations")));
	merged = pod;
	template_pod = normalize_pod(arena, NULL);
	if (run_templates(&job, data, selected, &merged, &template_pod))
		return -1;
	if (reapply_overrides(&job, &merged, pod, template_pod))
		return -1;

	/* postProcessPod */
	meta = ensure_map(arena, merged, "metadata");
	annos = ensure_map(arena, meta, "annotations");
	ensure_map(arena, meta, "labels");
	spec = ensure_map(arena, merged, "spec");
	if (cluster || network) {
		struct gw_node *sidecar = find_sidecar(spec);

		if (sidecar)
			update_cluster_envs(arena, sidecar, cluster, network);
	}
	apply_prometheus_merge(arena, merged, mesh);
	if (path_true(cfg->values, PATH("sidecarInjectorWebhook",
					"rewriteAppHTTPProbe"))) {
		const struct gw_node *cs = gw_map_get(spec, "containers");
		size_t i;

		for (i = 0; cs && cs->kind == GW_SEQ && i < cs->u.seq.n; i++) {
			const struct gw_node *c = cs->u.seq.items[i];
			const char *n = path_str(c, PATH("name"));

			if (n && strcmp(n, "istio-proxy") &&
			    (gw_map_get(c, "readinessProbe") ||
			     gw_map_get(c, "livenessProbe") ||
			     gw_map_get(c, "startupProbe"))) {
				gw_diag_add(diag, GW_SEV_ERROR, doc->mark,
					    "container %s has probes: "
					    "rewriting application probes "
					    "(sidecar.istio.io/rewriteAppHTTPProbers)"
					    " is not supported by gwc inject",
					    gw_diag_show(arena, n, strlen(n)));
				return -1;
			}
		}
	}
	if (network)
		map_set(arena, ensure_map(arena, meta, "labels"),
			"topology.istio.io/network",
			gw_node_str(arena, network));
	map_set(arena, annos, "sidecar.istio.io/status", gw_node_str(arena,
		gw_inject_status(arena, gw_map_get(template_pod, "spec"),
				 revision)));
	hold = path_true(mesh, PATH("defaultConfig",
				    "holdApplicationUntilProxyStarts")) ||
	       path_true(cfg->values, PATH("global", "proxy",
					   "holdApplicationUntilProxyStarts"));
	reorder_pod(spec, hold);

	merged = normalize_pod(arena, merged);
	{
		struct gw_node *tmpl = (struct gw_node *)path_get(deploy,
			PATH("spec", "template"));

		map_set(arena, tmpl, "metadata", gw_map_get(merged, "metadata"));
		map_set(arena, tmpl, "spec", gw_map_get(merged, "spec"));
	}
	*injected = gw_k8s_normalize(arena, deploy, &gw_k8s_deployment);
	return 0;
}

/* A file of gwc inject, or, @path NULL, the built-in @asset. */
static int inject_input(struct gw_arena *arena, struct gw_diag *diag,
			const char *path, const char *asset,
			const char **name, char **data, size_t *len)
{
	const struct gw_asset *a;

	if (path) {
		*name = path;
		return gw_load_read(arena, diag, path, data, len);
	}
	a = gw_asset_get(asset);
	*name = gw_arena_printf(arena, "<built-in %s>", asset);
	*data = gw_arena_strndup(arena, a->data, a->len);
	*len = a->len;
	return 0;
}

int gw_inject_files(struct gw_arena *arena, struct gw_diag *diag,
		    const char *config, const char *values, const char *mesh,
		    struct gw_inject_config **cfgp)
{
	static const char *const assets[3] = {
		"gateway-injection-template.txt", "inject-values.yaml",
		"inject-mesh.yaml",
	};
	struct gw_inject_config *cfg = gw_inject_config_new(arena);
	const char *paths[3] = { config, values, mesh }, *names[3];
	char *data[3];
	size_t len[3], i;
	int ret = 0;

	*cfgp = cfg;
	for (i = 0; i < 3; i++)
		if (inject_input(arena, diag, paths[i], assets[i], &names[i],
				 &data[i], &len[i]))
			return -2;
	if (config ? gw_inject_load_config(cfg, diag, names[0], data[0],
					   len[0]) :
	    gw_inject_add_template(cfg, diag, "gateway", data[0], len[0],
				   (struct gw_mark){ names[0], 0, 0 }))
		ret = -1;
	if (gw_inject_load_values(cfg, diag, names[1], data[1], len[1]))
		ret = -1;
	if (gw_inject_load_mesh(cfg, diag, names[2], data[2], len[2]))
		ret = -1;
	if (!ret && (!values || !mesh))	/* the default control plane */
		gw_inject_follow_control_plane(cfg, !values, !mesh,
					       "istio-system", NULL);
	return ret;
}

/* ---- the built-in values and mesh config of a control plane ---------- */

void gw_inject_follow_control_plane(struct gw_inject_config *cfg,
				    bool values, bool mesh,
				    const char *cp_namespace,
				    const char *revision)
{
	struct gw_arena *arena = cfg->arena;

	if (values) {
		struct gw_node *global = ensure_map(arena, cfg->values,
						    "global");

		map_set(arena, global, "istioNamespace",
			gw_node_str(arena, cp_namespace));
		map_set(arena, cfg->values, "revision",
			gw_node_str(arena, revision ? revision : ""));
		cfg->values_go = as_float64(arena, cfg->values);
	}
	if (mesh) {
		struct gw_node *dc = ensure_map(arena, cfg->mesh,
						"defaultConfig");
		const char *istiod = revision ?
			gw_arena_printf(arena, "istiod-%s", revision) :
			"istiod";

		map_set(arena, dc, "discoveryAddress", gw_node_str(arena,
			gw_arena_printf(arena, "%s.%s.svc:15012", istiod,
					cp_namespace)));
		map_set(arena, cfg->mesh, "rootNamespace",
			gw_node_str(arena, cp_namespace));
	}
}

/* ---- gwc inject ----------------------------------------------------------- */

int gw_inject_run(const struct gw_inject_options *opt, struct gw_diag *diag,
		  struct gw_buf *out)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_inject_config *cfg = NULL;
	struct gw_diag local;
	struct gw_node **docs;
	size_t ndocs, i;
	int status = GW_EXIT_OK;

	char *data;
	size_t len;
	int err;

	gw_diag_init(&local, arena);
	/* a file that cannot be read is exit 2, as in gwc build; one that
	 * reads but is wrong is exit 1 */
	err = gw_inject_files(arena, &local, opt->config, opt->values,
			      opt->mesh, &cfg);
	if (err == -2 || gw_load_read(arena, &local, opt->deployment, &data,
				      &len))
		status = GW_EXIT_USAGE;
	else if (err || gw_load_bytes(arena, &local, opt->deployment, data,
				      len, &docs, &ndocs))
		status = GW_EXIT_SPEC;
	for (i = 0; status == GW_EXIT_OK && i < ndocs; i++)
		if (gw_inject_deployment(arena, &local, cfg, opt->revision,
					 docs[i], out))
			status = GW_EXIT_SPEC;
	gw_diag_merge(diag, &local);
	gw_diag_release(&local);
	gw_arena_free(arena);
	return status;
}
