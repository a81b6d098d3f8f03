/*
 * controlplane.c - the control plane as the repository states it: the
 * sail-operator Istio resource (and IstioRevisionTag) a spec names.
 *
 * Consumes the bytes of those files and a gateway's model; produces a
 * struct gw_istio and makes the model follow it: the Istio's name,
 * namespace and version, the revision label its pods need, and a namespace
 * that istiod discovers.  What sail-operator decides is decided here as it
 * decides it (controllers/istio: an InPlace Istio's revision is its name,
 * a RevisionBased one's is "<name>-<spec.version with '.' as '-'>", the
 * version as written, an alias such as v1.30-latest included).  Messages
 * go to the caller's diag, at the line:col of the resource or of the spec.
 */
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

static const struct gw_node *at(const struct gw_node *map, const char *key)
{
	return map && map->kind == GW_MAP ? gw_map_get(map, key) : NULL;
}

static const char *str_at(const struct gw_node *map, const char *key)
{
	const struct gw_node *n = at(map, key);

	return n && n->kind == GW_STR ? n->u.str.s : NULL;
}

static const char *show(struct gw_arena *arena, const char *s)
{
	return gw_diag_show(arena, s, strlen(s));
}

/* The documents of @kind among @docs: the first, *@n of them. */
static struct gw_node *find_kind(struct gw_node **docs, size_t ndocs,
				 const char *kind, size_t *n,
				 struct gw_node **second)
{
	struct gw_node *first = NULL;
	size_t i;

	*n = 0;
	*second = NULL;
	for (i = 0; i < ndocs; i++) {
		const char *k = str_at(docs[i], "kind");

		if (!k || strcmp(k, kind))
			continue;
		if (!first)
			first = docs[i];
		else if (!*second)
			*second = docs[i];
		++*n;
	}
	return first;
}

/* The one document of @kind in a file, of sail-operator's API. */
static struct gw_node *one_document(struct gw_arena *arena,
				    struct gw_diag *diag, const char *name,
				    const char *data, size_t len,
				    const char *kind)
{
	struct gw_node **docs, *doc, *second;
	const struct gw_node *api;
	size_t ndocs, n;

	if (gw_load_bytes(arena, diag, name, data, len, &docs, &ndocs))
		return NULL;
	doc = find_kind(docs, ndocs, kind, &n, &second);
	if (!doc) {
		gw_diag_add(diag, GW_SEV_ERROR, (struct gw_mark){ name, 0, 0 },
			    "no %s in the file (a document with kind: %s)",
			    kind, kind);
		return NULL;
	}
	if (second) {
		gw_diag_add(diag, GW_SEV_ERROR, gw_map_get(second, "kind")->mark,
			    "kind: a second %s in the file (the first is at "
			    "line %d); gwc takes one", kind, doc->mark.line);
		return NULL;
	}
	api = at(doc, "apiVersion");
	if (!api || api->kind != GW_STR ||
	    (strcmp(api->u.str.s, "sailoperator.io/v1") &&
	     strcmp(api->u.str.s, "sailoperator.io/v1alpha1"))) {
		gw_diag_add(diag, GW_SEV_ERROR, api ? api->mark : doc->mark,
			    "apiVersion: %s is not sail-operator's (expected "
			    "sailoperator.io/v1)", api && api->kind == GW_STR ?
			    show(arena, api->u.str.s) : "missing");
		return NULL;
	}
	return doc;
}

/* A string the Kubernetes API would take as a label value. */
static bool label_value_ok(const char *s)
{
	return gw_label_value(s, strlen(s));
}

/* A string metadata field, required. */
static const char *required_str(struct gw_arena *arena, struct gw_diag *diag,
				const struct gw_node *map, const char *key,
				const char *path, struct gw_mark *mark)
{
	const struct gw_node *n = at(map, key);

	if (!n || n->kind != GW_STR || !n->u.str.len) {
		gw_diag_add(diag, GW_SEV_ERROR, n ? n->mark : map->mark,
			    "%s: %s", path, n ? "not a non-empty string" :
			    "missing");
		return NULL;
	}
	if (!label_value_ok(n->u.str.s)) {
		gw_diag_add(diag, GW_SEV_ERROR, n->mark, "%s: %s is not a "
			    "name gwc can label pods with (at most 63 "
			    "alphanumerics, '-', '_' or '.')", path,
			    show(arena, n->u.str.s));
		return NULL;
	}
	*mark = n->mark;
	return n->u.str.s;
}

/* ---- label selectors --------------------------------------------------- */

static bool in_values(const struct gw_node *values, const char *s)
{
	size_t i;

	for (i = 0; values && values->kind == GW_SEQ && i < values->u.seq.n;
	     i++)
		if (values->u.seq.items[i]->kind == GW_STR &&
		    !strcmp(values->u.seq.items[i]->u.str.s, s))
			return true;
	return false;
}

bool gw_selector_matches(const struct gw_node *sel,
			 const struct gw_node *labels)
{
	const struct gw_node *ml = at(sel, "matchLabels");
	const struct gw_node *me = at(sel, "matchExpressions");
	size_t i;

	for (i = 0; ml && ml->kind == GW_MAP && i < ml->u.map.n; i++) {
		const char *want = ml->u.map.pairs[i].value->u.str.s;
		const char *have = str_at(labels,
					  ml->u.map.pairs[i].key->u.str.s);

		if (!have || strcmp(have, want))
			return false;
	}
	for (i = 0; me && me->kind == GW_SEQ && i < me->u.seq.n; i++) {
		const struct gw_node *r = me->u.seq.items[i];
		const char *op = str_at(r, "operator");
		const char *have = str_at(labels, str_at(r, "key"));
		bool ok;

		if (!strcmp(op, "In"))
			ok = have && in_values(at(r, "values"), have);
		else if (!strcmp(op, "NotIn"))
			ok = !have || !in_values(at(r, "values"), have);
		else if (!strcmp(op, "Exists"))
			ok = have != NULL;
		else
			ok = have == NULL;
		if (!ok)
			return false;
	}
	return true;	/* an empty selector selects everything */
}

/* Checks a LabelSelector as the API server would; reports at its marks. */
static unsigned check_selector(struct gw_arena *arena, struct gw_diag *diag,
			       const struct gw_node *sel, const char *path)
{
	static const char *const ops[] = { "In", "NotIn", "Exists",
					   "DoesNotExist" };
	const struct gw_node *ml, *me;
	unsigned errors = diag->errors;
	size_t i, k;

	if (sel->kind != GW_MAP) {
		gw_diag_add(diag, GW_SEV_ERROR, sel->mark, "%s: not a label "
			    "selector (a mapping)", path);
		return 1;
	}
	ml = at(sel, "matchLabels");
	me = at(sel, "matchExpressions");
	if (ml && ml->kind != GW_MAP)
		gw_diag_add(diag, GW_SEV_ERROR, ml->mark, "%s.matchLabels: "
			    "not a mapping", path);
	for (i = 0; ml && ml->kind == GW_MAP && i < ml->u.map.n; i++)
		if (ml->u.map.pairs[i].value->kind != GW_STR)
			gw_diag_add(diag, GW_SEV_ERROR,
				    ml->u.map.pairs[i].value->mark,
				    "%s.matchLabels.%s: not a string", path,
				    ml->u.map.pairs[i].key->u.str.s);
	if (me && me->kind != GW_SEQ)
		gw_diag_add(diag, GW_SEV_ERROR, me->mark, "%s.matchExpressions: "
			    "not a list", path);
	for (i = 0; me && me->kind == GW_SEQ && i < me->u.seq.n; i++) {
		const struct gw_node *r = me->u.seq.items[i];
		const char *op = str_at(r, "operator");
		const struct gw_node *v = at(r, "values");
		bool listed;

		if (!str_at(r, "key") || !op) {
			gw_diag_add(diag, GW_SEV_ERROR, r->mark, "%s."
				    "matchExpressions[%zu]: needs a key and an "
				    "operator", path, i);
			continue;
		}
		for (k = 0; k < 4 && strcmp(op, ops[k]); k++)
			;
		if (k == 4) {
			gw_diag_add(diag, GW_SEV_ERROR, at(r, "operator")->mark,
				    "%s.matchExpressions[%zu].operator: %s is "
				    "not In, NotIn, Exists or DoesNotExist",
				    path, i, show(arena, op));
			continue;
		}
		listed = v && v->kind == GW_SEQ && v->u.seq.n;
		if (k < 2 && !listed)
			gw_diag_add(diag, GW_SEV_ERROR, r->mark, "%s."
				    "matchExpressions[%zu].values: %s needs at "
				    "least one value", path, i, op);
		else if (k >= 2 && listed)
			gw_diag_add(diag, GW_SEV_ERROR, v->mark, "%s."
				    "matchExpressions[%zu].values: %s takes no "
				    "values", path, i, op);
		for (k = 0; v && v->kind == GW_SEQ && k < v->u.seq.n; k++)
			if (v->u.seq.items[k]->kind != GW_STR)
				gw_diag_add(diag, GW_SEV_ERROR,
					    v->u.seq.items[k]->mark, "%s."
					    "matchExpressions[%zu].values[%zu]: "
					    "not a string", path, i, k);
	}
	return diag->errors - errors;
}

/* ---- the Istio --------------------------------------------------------- */

/* strconv.ParseBool's true, as istiod reads a boolean environment
 * variable; a YAML boolean too (pilot.env takes either). */
static bool env_true(const struct gw_node *n)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true",
					   "True" };
	size_t i;

	if (n && n->kind == GW_BOOL)
		return n->u.b;
	for (i = 0; n && n->kind == GW_STR && i < 6; i++)
		if (!strcmp(n->u.str.s, yes[i]))
			return true;
	return false;
}

bool gw_istio_revision_based(const char *istio, const char *revision)
{
	size_t n = strlen(istio);

	if (!revision || strncmp(revision, istio, n) || revision[n] != '-')
		return false;
	revision += n + 1;
	revision += *revision == 'v';
	return *revision >= '0' && *revision <= '9';
}

/* The revision sail-operator names for @istio (getActiveRevisionName). */
static const char *active_revision(struct gw_arena *arena,
				   const struct gw_istio *istio)
{
	char *rev, *p;

	if (!istio->revision_based)
		return istio->name;
	rev = gw_arena_printf(arena, "%s-%s", istio->name, istio->version);
	for (p = rev + strlen(istio->name); *p; p++)
		if (*p == '.')
			*p = '-';
	return rev;
}

int gw_istio_parse(struct gw_arena *arena, struct gw_diag *diag,
		   const char *name, const char *data, size_t len,
		   struct gw_istio *istio)
{
	unsigned errors = diag->errors;
	const struct gw_node *doc, *spec, *n, *values, *sel;
	size_t i;

	memset(istio, 0, sizeof(*istio));
	istio->file = name;
	doc = one_document(arena, diag, name, data, len, "Istio");
	if (!doc)
		return -1;
	istio->mark = doc->mark;
	if (!at(doc, "metadata")) {
		gw_diag_add(diag, GW_SEV_ERROR, doc->mark, "metadata: missing");
		return -1;
	}
	istio->name = required_str(arena, diag, at(doc, "metadata"), "name",
				   "metadata.name", &istio->name_mark);
	spec = at(doc, "spec");
	if (spec && spec->kind != GW_MAP) {
		gw_diag_add(diag, GW_SEV_ERROR, spec->mark, "spec: not a "
			    "mapping");
		return -1;
	}
	/* the CRD's defaults: istio-system, InPlace */
	istio->ns = "istio-system";
	istio->ns_mark = spec ? spec->mark : doc->mark;
	if (at(spec, "namespace"))
		istio->ns = required_str(arena, diag, spec, "namespace",
					 "spec.namespace", &istio->ns_mark);
	n = at(spec, "version");
	if (n && n->kind == GW_STR && n->u.str.len) {
		istio->version = n->u.str.s;
		istio->version_mark = n->mark;
	} else if (n) {
		gw_diag_add(diag, GW_SEV_ERROR, n->mark, "spec.version: not a "
			    "non-empty string");
	}
	n = at(at(spec, "updateStrategy"), "type");
	istio->strategy_mark = n ? n->mark : istio->mark;
	if (n && (n->kind != GW_STR || (strcmp(n->u.str.s, "InPlace") &&
					strcmp(n->u.str.s, "RevisionBased"))))
		gw_diag_add(diag, GW_SEV_ERROR, n->mark,
			    "spec.updateStrategy.type: %s is not InPlace or "
			    "RevisionBased", n->kind == GW_STR ?
			    show(arena, n->u.str.s) : "a non-string");
	else if (n)
		istio->revision_based = !strcmp(n->u.str.s, "RevisionBased");
	values = at(spec, "values");
	if (values && values->kind != GW_MAP) {
		gw_diag_add(diag, GW_SEV_ERROR, values->mark, "spec.values: "
			    "not a mapping");
		values = NULL;
	}
	istio->values = values;
	n = at(at(values, "global"), "istioNamespace");
	if (n && istio->ns && (n->kind != GW_STR || strcmp(n->u.str.s,
							    istio->ns)))
		/* the CRD's own rule */
		gw_diag_add(diag, GW_SEV_ERROR, n->mark, "spec.values.global."
			    "istioNamespace must match spec.namespace (%s)",
			    istio->ns);
	istio->scoped_gateways = env_true(at(at(at(values, "pilot"), "env"),
					     "PILOT_SCOPE_GATEWAY_TO_NAMESPACE"));
	sel = at(at(values, "meshConfig"), "discoverySelectors");
	if (sel && sel->kind != GW_SEQ) {
		gw_diag_add(diag, GW_SEV_ERROR, sel->mark, "spec.values."
			    "meshConfig.discoverySelectors: not a list");
	} else if (sel) {
		for (i = 0; i < sel->u.seq.n; i++)
			check_selector(arena, diag, sel->u.seq.items[i],
				gw_arena_printf(arena, "spec.values.meshConfig."
						"discoverySelectors[%zu]", i));
		istio->selectors = sel;
		istio->selectors_mark = sel->mark;
	}
	if (diag->errors != errors)
		return -1;
	if (istio->revision_based && !istio->version) {
		gw_diag_add(diag, GW_SEV_ERROR, istio->strategy_mark,
			    "spec.updateStrategy.type: a RevisionBased Istio's "
			    "revision is named after its spec.version, which "
			    "this one does not state (sail-operator would "
			    "fill in its own default); state spec.version");
		return -1;
	}
	istio->revision = active_revision(arena, istio);
	istio->revision_mark = istio->revision_based ? istio->strategy_mark :
		istio->name_mark;
	if (!label_value_ok(istio->revision)) {
		gw_diag_add(diag, GW_SEV_ERROR, istio->revision_mark,
			    "the revision %s of this Istio is not a label "
			    "value (at most 63 characters), so no pod can "
			    "name it", show(arena, istio->revision));
		return -1;
	}
	/* the default revision's pods need no revision label */
	if (!strcmp(istio->revision, "default"))
		istio->revision = NULL;
	istio->injector = istio->revision;
	return 0;
}

int gw_istio_parse_tag(struct gw_arena *arena, struct gw_diag *diag,
		       const char *name, const char *data, size_t len,
		       struct gw_istio *istio)
{
	const struct gw_node *doc, *ref, *n;
	const char *tag, *kind, *target, *want;
	struct gw_mark tag_mark, kind_mark, target_mark;

	doc = one_document(arena, diag, name, data, len, "IstioRevisionTag");
	if (!doc)
		return -1;
	if (!at(doc, "metadata")) {
		gw_diag_add(diag, GW_SEV_ERROR, doc->mark, "metadata: missing");
		return -1;
	}
	tag = required_str(arena, diag, at(doc, "metadata"), "name",
			   "metadata.name", &tag_mark);
	ref = at(at(doc, "spec"), "targetRef");
	if (!ref || ref->kind != GW_MAP) {
		gw_diag_add(diag, GW_SEV_ERROR, ref ? ref->mark : doc->mark,
			    "spec.targetRef: %s", ref ? "not a mapping" :
			    "missing");
		return -1;
	}
	kind = required_str(arena, diag, ref, "kind", "spec.targetRef.kind",
			    &kind_mark);
	target = required_str(arena, diag, ref, "name", "spec.targetRef.name",
			      &target_mark);
	if (!tag || !kind || !target)
		return -1;
	if (strcmp(kind, "Istio") && strcmp(kind, "IstioRevision")) {
		n = at(ref, "kind");
		gw_diag_add(diag, GW_SEV_ERROR, n->mark, "spec.targetRef.kind: "
			    "%s is not Istio or IstioRevision",
			    show(arena, kind));
		return -1;
	}
	want = !strcmp(kind, "Istio") ? istio->name :
		active_revision(arena, istio);
	if (strcmp(target, want)) {
		gw_diag_add(diag, GW_SEV_ERROR, target_mark,
			    "spec.targetRef.name: the tag points at %s %s, "
			    "not at %s %s of %s:%d:%d, the gateway's control "
			    "plane", kind, show(arena, target), kind,
			    show(arena, want), istio->file,
			    istio->name_mark.line, istio->name_mark.col);
		return -1;
	}
	istio->tag = tag;
	istio->tag_file = name;
	istio->tag_mark = tag_mark;
	/* a tag named default is the default revision (values.
	 * defaultRevision): sidecar.istio.io/inject picks it */
	istio->revision = strcmp(tag, "default") ? tag : NULL;
	istio->revision_mark = tag_mark;
	return 0;
}

/* ---- the gateway follows it -------------------------------------------- */

/* "istio.yaml:4:9", for messages. */
static const char *where(struct gw_arena *arena, struct gw_mark m)
{
	return m.line > 0 ? gw_arena_printf(arena, "%s:%d:%d", m.file, m.line,
					    m.col) : m.file;
}

/* Versions equal but for a leading 'v' ("v1.26.3" and "1.26.3"). */
static bool same_version(const char *a, const char *b)
{
	return !strcmp(a + (*a == 'v'), b + (*b == 'v'));
}

/* What a revision label is, for messages. */
static const char *label_text(struct gw_arena *arena, const char *revision)
{
	return revision ? gw_arena_printf(arena, "istio.io/rev: %s", revision) :
		"sidecar.istio.io/inject: \"true\"";
}

/* A label that @sel selects, for a message: "key: value" or "key"; NULL
 * when it selects only by absence. */
static const char *example_label(struct gw_arena *arena,
				 const struct gw_node *sel)
{
	const struct gw_node *ml = at(sel, "matchLabels");
	const struct gw_node *me = at(sel, "matchExpressions");
	size_t i;

	if (ml && ml->u.map.n)
		return gw_arena_printf(arena, "%s: %s",
				       ml->u.map.pairs[0].key->u.str.s,
				       ml->u.map.pairs[0].value->u.str.s);
	for (i = 0; me && i < me->u.seq.n; i++) {
		const struct gw_node *r = me->u.seq.items[i];
		const char *op = str_at(r, "operator");

		if (!strcmp(op, "In"))
			return gw_arena_printf(arena, "%s: %s",
				str_at(r, "key"),
				at(r, "values")->u.seq.items[0]->u.str.s);
		if (!strcmp(op, "Exists"))
			return gw_arena_printf(arena, "%s (any value)",
					       str_at(r, "key"));
	}
	return NULL;
}

/*
 * @labels with the matchLabels of @sel added, when that is all it takes
 * for @sel to select them (no label of @labels says otherwise); else NULL.
 */
static struct gw_node *labels_for(struct gw_arena *arena,
				  const struct gw_node *labels,
				  const struct gw_node *sel,
				  struct gw_buf *added)
{
	const struct gw_node *ml = at(sel, "matchLabels");
	struct gw_node *out = gw_node_map(arena);
	size_t i;

	if (!ml || !ml->u.map.n)
		return NULL;
	for (i = 0; labels && i < labels->u.map.n; i++)
		gw_map_put(arena, out, labels->u.map.pairs[i].key->u.str.s,
			   labels->u.map.pairs[i].value);
	for (i = 0; i < ml->u.map.n; i++) {
		const char *k = ml->u.map.pairs[i].key->u.str.s;

		if (gw_map_get(out, k))
			continue;
		gw_map_put(arena, out, k, gw_node_str(arena,
				ml->u.map.pairs[i].value->u.str.s));
		gw_buf_printf(added, "%s%s: %s", added->len ? ", " : "", k,
			      ml->u.map.pairs[i].value->u.str.s);
	}
	return gw_selector_matches(sel, out) ? out : NULL;
}

/* The namespace's labels as the API server keeps them: the spec's, and
 * kubernetes.io/metadata.name, which it sets on every namespace. */
static struct gw_node *server_labels(struct gw_arena *arena,
				     const struct gw_gateway *gw,
				     const struct gw_node *labels)
{
	struct gw_node *out = gw_node_map(arena);
	size_t i;

	for (i = 0; labels && i < labels->u.map.n; i++)
		gw_map_put(arena, out, labels->u.map.pairs[i].key->u.str.s,
			   labels->u.map.pairs[i].value);
	if (!gw_map_get(out, "kubernetes.io/metadata.name"))
		gw_map_put(arena, out, "kubernetes.io/metadata.name",
			   gw_node_str(arena, gw->ns));
	return out;
}

static bool discovered(struct gw_arena *arena, const struct gw_gateway *gw,
		       const struct gw_node *selectors,
		       const struct gw_node *labels)
{
	const struct gw_node *all = server_labels(arena, gw, labels);
	size_t i;

	for (i = 0; i < selectors->u.seq.n; i++)
		if (gw_selector_matches(selectors->u.seq.items[i], all))
			return true;
	return false;
}

/* Discovery: istiod neither injects nor configures the gateway of a
 * namespace that its discoverySelectors do not select. */
static unsigned apply_discovery(struct gw_arena *arena, struct gw_diag *diag,
				struct gw_gateway *gw,
				const struct gw_istio *istio)
{
	const struct gw_node *sels = istio->selectors;
	const char *example;
	size_t i;

	if (!sels || !sels->u.seq.n ||
	    discovered(arena, gw, sels, gw->namespace_create ?
		       gw->namespace_labels : NULL))
		return 0;
	example = example_label(arena, sels->u.seq.items[0]);
	if (!gw->namespace_create) {
		gw_diag_add(diag, GW_SEV_NOTE, gw->ns_mark, "metadata.namespace: "
			    "gwc does not write namespace '%s' "
			    "(spec.namespace.create: false); Istio '%s' "
			    "injects its gateway only if the namespace has "
			    "labels that its discoverySelectors (%s) "
			    "select%s%s", gw->ns, istio->name,
			    where(arena, istio->selectors_mark),
			    example ? ", e.g. " : "", example ? example : "");
		return 0;
	}
	for (i = 0; i < sels->u.seq.n; i++) {
		struct gw_buf added = { 0 };
		struct gw_node *labels = labels_for(arena, gw->namespace_labels,
						    sels->u.seq.items[i],
						    &added);

		if (labels) {
			gw_diag_add(diag, GW_SEV_NOTE, gw->namespace_labels ?
				    gw->namespace_labels_mark : gw->ns_mark,
				    "namespace '%s' gets the label %s, which "
				    "discoverySelectors[%zu] of Istio '%s' "
				    "(%s) selects, so that istiod discovers "
				    "it; write it in spec.namespace.labels to "
				    "say so yourself", gw->ns, added.data, i,
				    istio->name, where(arena, sels->u.seq.
						       items[i]->mark));
			gw_buf_release(&added);
			gw->namespace_labels = labels;
			return 0;
		}
		gw_buf_release(&added);
	}
	gw_diag_add(diag, GW_SEV_ERROR, gw->namespace_labels ?
		    gw->namespace_labels_mark : gw->ns_mark,
		    "spec.namespace.labels: Istio '%s' does not discover "
		    "namespace '%s': its labels match none of the "
		    "discoverySelectors at %s, so istiod would neither inject "
		    "the gateway (its image would stay 'auto') nor configure "
		    "it; add a label they select%s%s", istio->name, gw->ns,
		    where(arena, istio->selectors_mark),
		    example ? ", e.g. " : "", example ? example : "");
	return 1;
}

/*
 * spec.canary against the Istio.  A canary upgrade moves a gateway from
 * one revision of its Istio to the next, so the Istio must have two at
 * once: a RevisionBased one, for which sail-operator makes the revision
 * of each spec.version and keeps an older one while pods use it (an
 * InPlace Istio has one, upgraded in place).  The canary runs the current
 * revision; the main pods stay on an older one, which only the spec can
 * say (spec.controlPlane.revision), so gwc asks for it rather than
 * requiring it to be the Istio's current one.
 */
static void check_canary(struct gw_arena *arena, struct gw_diag *diag,
			 const struct gw_gateway *gw,
			 const struct gw_istio *istio)
{
	if (istio->tag) {
		gw_diag_add(diag, GW_SEV_ERROR, gw->canary_mark,
			    "spec.canary: the pods follow the IstioRevisionTag "
			    "'%s' (spec.controlPlane.revisionTag), and moving "
			    "a tag moves every pod of the gateway at once; a "
			    "canary names two revisions: drop revisionTag "
			    "while it runs, and give the main pods' revision "
			    "in spec.controlPlane.revision", istio->tag);
		return;
	}
	if (!istio->revision_based) {
		gw_diag_add(diag, GW_SEV_ERROR, gw->canary_revision_mark,
			    "spec.canary.revision: Istio '%s' (%s) is InPlace: "
			    "it has one revision, which it upgrades in place, "
			    "so no second revision runs beside it; a canary "
			    "upgrade needs spec.updateStrategy.type: "
			    "RevisionBased, under which sail-operator runs the "
			    "new revision beside the old one", istio->name,
			    where(arena, istio->strategy_mark));
		return;
	}
	if (strcmp(gw->canary_revision, istio->revision))
		gw_diag_add(diag, GW_SEV_ERROR, gw->canary_revision_mark,
			    "spec.canary.revision: '%s' is not the current "
			    "revision of Istio '%s', which its spec.version "
			    "%s makes '%s' (%s); the canary runs that one",
			    gw->canary_revision, istio->name, istio->version,
			    istio->revision, where(arena, istio->version_mark));
	if (!gw->revision_given)
		gw_diag_add(diag, GW_SEV_ERROR, gw->canary_mark,
			    "spec.canary: give the main pods' revision in "
			    "spec.controlPlane.revision, the older revision of "
			    "Istio '%s' that they keep while the canary runs "
			    "'%s'; without it they would take the Istio's "
			    "current revision too", istio->name,
			    istio->revision);
	else if (!gw_istio_revision_based(istio->name, gw->revision))
		gw_diag_add(diag, GW_SEV_ERROR, gw->revision_mark,
			    "spec.controlPlane.revision: '%s' is not a "
			    "revision of Istio '%s' (%s), whose revisions are "
			    "named '%s-<version>', so no istiod of it would "
			    "inject the main pods", gw->revision, istio->name,
			    where(arena, istio->name_mark), istio->name);
}

unsigned gw_control_plane_apply(struct gw_arena *arena, struct gw_diag *diag,
				struct gw_gateway *gw,
				const struct gw_istio *istio)
{
	unsigned errors = diag->errors;
	/* with a canary the main pods stay on an older revision */
	bool older = gw->canary && istio->revision_based && !istio->tag;
	const char *decided;

	if (gw->istio_given && strcmp(gw->istio, istio->name))
		gw_diag_add(diag, GW_SEV_ERROR, gw->istio_mark,
			    "spec.controlPlane.istio: '%s' contradicts "
			    "istioResource, whose Istio is named '%s' (%s)",
			    gw->istio, istio->name,
			    where(arena, istio->name_mark));
	if (gw->cp_ns_given && strcmp(gw->cp_namespace, istio->ns))
		gw_diag_add(diag, GW_SEV_ERROR, gw->cp_ns_mark,
			    "spec.controlPlane.namespace: '%s' contradicts "
			    "istioResource, whose Istio runs in '%s' (%s)",
			    gw->cp_namespace, istio->ns,
			    where(arena, istio->ns_mark));
	if (gw->version && istio->version &&
	    !same_version(gw->version, istio->version))
		gw_diag_add(diag, GW_SEV_ERROR, gw->version_mark,
			    "spec.controlPlane.version: '%s' contradicts "
			    "istioResource, whose Istio is at '%s' (%s)",
			    gw->version, istio->version,
			    where(arena, istio->version_mark));
	decided = istio->tag ? gw_arena_printf(arena, "its IstioRevisionTag "
					       "'%s'", istio->tag) :
		istio->revision_based ? gw_arena_printf(arena, "a "
			"RevisionBased Istio at %s", istio->version) :
		"an InPlace Istio";
	if (gw->canary)
		check_canary(arena, diag, gw, istio);
	if (gw->revision_given && !older && (istio->revision ?
	    strcmp(gw->revision, istio->revision) :
	    strcmp(gw->revision, "default")))
		gw_diag_add(diag, GW_SEV_ERROR, gw->revision_mark,
			    "spec.controlPlane.revision: '%s' contradicts the "
			    "control plane: as %s its pods need %s (%s)%s",
			    gw->revision, decided,
			    label_text(arena, istio->revision),
			    where(arena, istio->revision_mark),
			    istio->revision_based && !istio->tag &&
			    gw_istio_revision_based(istio->name, gw->revision) ?
			    "; to keep them on an older revision while a "
			    "canary runs the new one, give spec.canary" : "");
	if (diag->errors != errors)
		return diag->errors - errors;
	gw->control = istio;
	gw->istio = istio->name;
	gw->cp_namespace = istio->ns;
	if (istio->version)
		gw->version = istio->version;
	if (!gw->revision_given)
		gw->revision = istio->revision;
	return apply_discovery(arena, diag, gw, istio);
}
