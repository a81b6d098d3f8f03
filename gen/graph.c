/*
 * graph.c - gwc graph: the rendered file set -> Graphviz DOT of the
 * Kubernetes objects and how they refer to each other.
 *
 * Consumes exactly the files `gwc build` writes (parsed back with the
 * loader), so the picture cannot disagree with the output; produces one
 * digraph with a cluster per output folder.  Edges, each derived from a
 * field of an object:
 *
 *   Service, PodDisruptionBudget, NetworkPolicy, Gateway -> Deployment
 *                                                       "selects pods"
 *       the selector's labels are all on the Deployment's pod template
 *       (Service and PDB in their namespace; a Gateway in every one)
 *   HorizontalPodAutoscaler -> Deployment   "scales"       scaleTargetRef
 *   RoleBinding -> Role                     "roleRef"
 *   RoleBinding -> ServiceAccount           "subject"
 *   Deployment -> ServiceAccount            "runs as"      serviceAccountName
 *   VirtualService -> Gateway               "binds to"     spec.gateways
 *   Istio (istio-patch.yaml) -> Deployment  "injects"      pods asking for
 *       the gateway template (and, below Linux 4.11, gwc's overlay after
 *       it: "injects (gateway, overlay)") whose injection label names this
 *       Istio:
 *       sidecar.istio.io/inject "true" for the Istio named default,
 *       istio.io/rev equal to the Istio's name or starting "<name>-" (the
 *       revisions sail-operator makes of it)
 *
 * Nodes and edges come in the order of the sorted files and of the objects
 * in them, so the output is deterministic.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gwc.h"

struct object {
	const char *folder;	/* "<a>/<b>" */
	const char *kind, *name, *ns;	/* ns "" when cluster-scoped */
	const struct gw_node *doc;
};

struct graph {
	struct gw_arena *arena;
	struct object *objs;
	size_t n, cap;
	struct gw_buf *out;
};

/* The node at the path of keys (NULL-terminated) below @n, or NULL. */
static const struct gw_node *node_at(const struct gw_node *n, ...)
{
	va_list ap;
	const char *key;

	va_start(ap, n);
	while (n && (key = va_arg(ap, const char *)))
		n = n->kind == GW_MAP ? gw_map_get(n, key) : NULL;
	va_end(ap);
	return n;
}

static const char *str_of(const struct gw_node *n)
{
	return n && n->kind == GW_STR ? n->u.str.s : "";
}

static void add_object(struct graph *g, const char *folder,
		       const struct gw_node *doc)
{
	struct object *o;

	if (doc->kind != GW_MAP || !*str_of(gw_map_get(doc, "kind")))
		return;
	g->objs = gw_arena_grow(g->arena, g->objs, g->n, &g->cap,
				sizeof(*g->objs));
	o = &g->objs[g->n++];
	o->folder = folder;
	o->kind = str_of(gw_map_get(doc, "kind"));
	o->name = str_of(node_at(doc, "metadata", "name", NULL));
	o->ns = str_of(node_at(doc, "metadata", "namespace", NULL));
	o->doc = doc;
}

static bool is(const struct object *o, const char *kind)
{
	return !strcmp(o->kind, kind);
}

/* Appends @s inside a DOT double-quoted string. */
static void put_escaped(struct gw_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			gw_buf_add(out, "\\", 1);
		gw_buf_add(out, s, 1);
	}
}

static void put_id(struct gw_buf *out, const struct object *o)
{
	gw_buf_puts(out, "\"");
	if (*o->ns) {
		put_escaped(out, o->ns);
		gw_buf_puts(out, "/");
	}
	put_escaped(out, o->kind);
	gw_buf_puts(out, "/");
	put_escaped(out, o->name);
	gw_buf_puts(out, "\"");
}

static void put_edge(struct graph *g, const struct object *from,
		     const struct object *to, const char *label)
{
	gw_buf_puts(g->out, "\t");
	put_id(g->out, from);
	gw_buf_puts(g->out, " -> ");
	put_id(g->out, to);
	gw_buf_printf(g->out, " [label=\"%s\"];\n", label);
}

/* True when every pair of @selector is in @labels. */
static bool selects(const struct gw_node *selector, const struct gw_node *labels)
{
	size_t i;

	if (!selector || selector->kind != GW_MAP || !selector->u.map.n ||
	    !labels || labels->kind != GW_MAP)
		return false;
	for (i = 0; i < selector->u.map.n; i++) {
		const struct gw_pair *p = &selector->u.map.pairs[i];
		const struct gw_node *v = gw_map_get(labels, p->key->u.str.s);

		if (!v || strcmp(str_of(v), str_of(p->value)))
			return false;
	}
	return true;
}

static const struct gw_node *pod_labels(const struct object *o)
{
	return node_at(o->doc, "spec", "template", "metadata", "labels", NULL);
}

/* Edges from @o to every Deployment whose pods @selector selects. */
static void edges_selecting(struct graph *g, const struct object *o,
			    const struct gw_node *selector, bool any_ns)
{
	size_t j;

	for (j = 0; j < g->n; j++) {
		const struct object *d = &g->objs[j];

		if (is(d, "Deployment") && (any_ns || !strcmp(d->ns, o->ns)) &&
		    selects(selector, pod_labels(d)))
			put_edge(g, o, d, "selects pods");
	}
}

static void edges_to(struct graph *g, const struct object *o,
		     const char *kind, const char *ns, const char *name,
		     const char *label)
{
	size_t j;

	for (j = 0; j < g->n; j++) {
		const struct object *t = &g->objs[j];

		if (is(t, kind) && !strcmp(t->ns, ns) && !strcmp(t->name, name))
			put_edge(g, o, t, label);
	}
}

/* True when the pods of Deployment @d are injected by the Istio @istio. */
static bool injected_by(const struct object *d, const char *istio)
{
	const struct gw_node *labels = pod_labels(d);
	const char *templates = str_of(node_at(d->doc, "spec", "template",
		"metadata", "annotations", "inject.istio.io/templates", NULL));
	const char *rev = str_of(gw_map_get(labels, "istio.io/rev"));
	size_t len = strlen(istio);

	/* "gateway", or "gateway,OVERLAY" on a legacy kernel */
	if (!labels || strncmp(templates, "gateway", 7) ||
	    (templates[7] && templates[7] != ','))
		return false;
	if (*rev)
		return !strcmp(rev, istio) ||
		       (!strncmp(rev, istio, len) && rev[len] == '-');
	return !strcmp(istio, "default") &&
	       !strcmp(str_of(gw_map_get(labels, "sidecar.istio.io/inject")),
		       "true");
}

static void edges_of(struct graph *g, const struct object *o)
{
	const struct gw_node *n;
	size_t i, j;

	if (is(o, "Service")) {
		edges_selecting(g, o, node_at(o->doc, "spec", "selector", NULL),
				false);
	} else if (is(o, "PodDisruptionBudget") || is(o, "NetworkPolicy")) {
		edges_selecting(g, o, node_at(o->doc, "spec",
			is(o, "NetworkPolicy") ? "podSelector" : "selector",
			"matchLabels", NULL), false);
	} else if (is(o, "Gateway")) {
		edges_selecting(g, o, node_at(o->doc, "spec", "selector", NULL),
				true);
	} else if (is(o, "HorizontalPodAutoscaler")) {
		n = node_at(o->doc, "spec", "scaleTargetRef", NULL);
		edges_to(g, o, str_of(gw_map_get(n, "kind")), o->ns,
			 str_of(gw_map_get(n, "name")), "scales");
	} else if (is(o, "RoleBinding")) {
		n = node_at(o->doc, "roleRef", NULL);
		if (!strcmp(str_of(gw_map_get(n, "kind")), "Role"))
			edges_to(g, o, "Role", o->ns,
				 str_of(gw_map_get(n, "name")), "roleRef");
		n = node_at(o->doc, "subjects", NULL);
		for (i = 0; n && n->kind == GW_SEQ && i < n->u.seq.n; i++) {
			const struct gw_node *s = n->u.seq.items[i];
			const char *ns = str_of(gw_map_get(s, "namespace"));

			if (!strcmp(str_of(gw_map_get(s, "kind")),
				    "ServiceAccount"))
				edges_to(g, o, "ServiceAccount", *ns ? ns : o->ns,
					 str_of(gw_map_get(s, "name")),
					 "subject");
		}
	} else if (is(o, "Deployment")) {
		n = node_at(o->doc, "spec", "template", "spec",
			    "serviceAccountName", NULL);
		if (n)
			edges_to(g, o, "ServiceAccount", o->ns, str_of(n),
				 "runs as");
	} else if (is(o, "VirtualService")) {
		n = node_at(o->doc, "spec", "gateways", NULL);
		for (i = 0; n && n->kind == GW_SEQ && i < n->u.seq.n; i++) {
			const char *ref = str_of(n->u.seq.items[i]);
			const char *slash = strchr(ref, '/');
			const char *ns = slash ? gw_arena_strndup(g->arena, ref,
					(size_t)(slash - ref)) : o->ns;

			edges_to(g, o, "Gateway", ns, slash ? slash + 1 : ref,
				 "binds to");
		}
	} else if (is(o, "Istio")) {
		for (j = 0; j < g->n; j++)
			if (is(&g->objs[j], "Deployment") &&
			    injected_by(&g->objs[j], o->name))
				put_edge(g, o, &g->objs[j], strchr(str_of(
					 node_at(g->objs[j].doc, "spec",
					 "template", "metadata", "annotations",
					 "inject.istio.io/templates", NULL)),
					 ',') ? "injects (gateway, overlay)" :
					 "injects (gateway template)");
	}
}

static void put_node(struct gw_buf *out, const struct object *o,
		     const char *file)
{
	gw_buf_puts(out, "\t\t");
	put_id(out, o);
	gw_buf_puts(out, " [label=\"");
	put_escaped(out, o->kind);
	gw_buf_puts(out, "\\n");
	put_escaped(out, o->name);
	if (is(o, "Istio")) {
		gw_buf_puts(out, "\\n(");
		put_escaped(out, file);
		gw_buf_puts(out, ")");
	}
	gw_buf_puts(out, "\"];\n");
}

/* The folder "<a>/<b>" of @path "<a>/<b>/<file>", in @arena. */
static const char *folder_of(struct gw_arena *arena, const char *path)
{
	const char *slash = strrchr(path, '/');

	return gw_arena_strndup(arena, path, slash ? (size_t)(slash - path) : 0);
}

/* The files of objects the cluster gets: not the kustomization, nor the
 * preview of the pod istiod will make (a second Deployment of the same
 * name, which istiod makes from the first). */
static bool is_object_file(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	return len > 5 && !strcmp(base + len - 5, ".yaml") &&
	       strcmp(base, "kustomization.yaml") &&
	       strcmp(base, "gateway-deployment.injected.yaml");
}

int gw_graph_dot(struct gw_buf *out, const struct gw_fileset *set,
		 struct gw_diag *report)
{
	struct graph g = { .out = out };
	struct gw_diag diag;
	const char *folder = NULL;
	size_t i, j;
	int err = 0;

	g.arena = gw_arena_new();
	gw_diag_init(&diag, g.arena);
	for (i = 0; i < set->n; i++) {
		const struct gw_file *f = &set->files[i];
		struct gw_node **docs;
		size_t ndocs;

		if (!is_object_file(f->path))
			continue;
		if (gw_load_output(g.arena, &diag, f->path, f->data, f->len,
				  &docs, &ndocs)) {
			err = -1;
			continue;
		}
		for (j = 0; j < ndocs; j++)
			add_object(&g, folder_of(g.arena, f->path), docs[j]);
	}
	gw_diag_merge(report, &diag);
	gw_diag_release(&diag);
	if (err)
		goto out;
	gw_buf_puts(out, "digraph gwc {\n"
		    "\tgraph [rankdir=LR];\n"
		    "\tnode [shape=box];\n"
		    "\tedge [fontsize=10];\n");
	for (i = 0; i < g.n; i++) {
		const struct object *o = &g.objs[i];

		if (!folder || strcmp(folder, o->folder)) {
			if (folder)
				gw_buf_puts(out, "\t}\n");
			folder = o->folder;
			gw_buf_puts(out, "\tsubgraph \"cluster_");
			put_escaped(out, folder);
			gw_buf_puts(out, "\" {\n\t\tlabel=\"");
			put_escaped(out, folder);
			gw_buf_puts(out, "\";\n");
		}
		put_node(out, o, "istio-patch.yaml");
	}
	if (folder)
		gw_buf_puts(out, "\t}\n");
	for (i = 0; i < g.n; i++)
		edges_of(&g, &g.objs[i]);
	gw_buf_puts(out, "}\n");
out:
	gw_arena_free(g.arena);
	return err;
}
