/*
 * patch.c - spec.patches: kustomize's `patches:` entries, applied by gwc
 * to the objects of one gateway folder after render.c made them and
 * before emit.c writes them, so that every output (the folder, --check,
 * -o -, graph) and every check of the output (the injected pod's Pod
 * Security) sees the patched objects.
 *
 * Consumes the entries as the schema let them through and the objects'
 * trees; produces the patched trees, or errors at the entry's keys.  A
 * patch given as a string (kustomize's `patch: |-`) is parsed here, and
 * the positions in it are mapped back into the spec file.
 *
 * The behaviour is kustomize's (v5, `kubectl kustomize`), established
 * from its sources and checked against it by tests/suites/patches.sh:
 *  - a target's group, version, kind, name and namespace are regular
 *    expressions anchored at both ends (types.SelectorRegex); a
 *    cluster-scoped object's namespace is "_non_namespaceable_"; label
 *    and annotation selectors are Kubernetes selectors (labels.Parse);
 *  - a strategic merge patch is kyaml's merge2 with its embedded
 *    Kubernetes 1.21 schema: maps merge, null deletes, lists whose schema
 *    names a merge key merge by it (the patch's entries first, kustomize's
 *    "prepend"), every other list is replaced; a target's patch keeps the
 *    object's kind, name and namespace (kustomize restores them);
 *  - JSON 6902 operations as RFC 6902 says (evanphx/json-patch v4).
 * Where kustomize silently does something else than the patch says (it
 * drops a merge-list entry that lacks its second key, ignores $patch:
 * replace on a list entry, writes $setElementOrder into the object, lets
 * a target match nothing) gwc reports an error instead.
 *
 * Work is linear in the sizes of the objects and patches: keys and merge
 * keys are looked up in a gw_index.  JSON 6902 operations walk and shift
 * lists and maps one node at a time, as the RFC's model does; they share
 * a budget of node visits (WORK_MAX) so that no spec makes them run long.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patch.h"

/* An error at @at, after the JSON path of the patch node at hand. */
void gw_patch_vfail(struct patcher *p, struct gw_mark at, const char *fmt,
		    va_list ap)
{
	char *msg;

	p->errors++;
	if (!p->diag)
		return;
	if (vasprintf(&msg, fmt, ap) < 0)
		gw_oom();
	gw_diag_add(p->diag, GW_SEV_ERROR, at, "%s: %s",
		    p->path.len ? p->path.data : "spec.patches", msg);
	free(msg);
}

/* ---- entries ------------------------------------------------------------ */

/* What a target selects by: group, version, kind, name, namespace. */
static const char *const target_keys[] = { "group", "version", "kind",
					    "name", "namespace" };
#define NTARGET 5

struct entry {
	const struct gw_node *patch;	/* the patch as a tree */
	bool json;			/* JSON 6902 operations */
	const struct gw_node *target;	/* or NULL */
	regex_t re[NTARGET];
	bool have_re[NTARGET];
	struct selector labels, annotations;
};

/* Where a position in the text of string @str lies in the spec file: in
 * a literal block ('|'), line for line; else at the string itself. */
static struct gw_mark string_mark(const struct gw_node *str, int line,
				  int col, bool *exact)
{
	struct gw_mark m = str->mark;

	*exact = str->block_col > 0;
	if (*exact) {
		m.line += line;
		m.col = str->block_col + col - 1;
	}
	return m;
}

static void remap_marks(struct gw_node *n, const struct gw_node *str)
{
	bool exact;
	size_t i;

	n->mark = string_mark(str, n->mark.line, n->mark.col, &exact);
	if (n->kind == GW_SEQ) {
		for (i = 0; i < n->u.seq.n; i++)
			remap_marks(n->u.seq.items[i], str);
	} else if (n->kind == GW_MAP) {
		for (i = 0; i < n->u.map.n; i++) {
			remap_marks(n->u.map.pairs[i].key, str);
			remap_marks(n->u.map.pairs[i].value, str);
		}
	}
}

/* @msg with each "line L, column C" in it (the loader names an earlier
 * position so: "first at line 2, column 3") as the place in the file. */
static const char *remap_message(struct patcher *p, const struct gw_node *str,
				 const char *msg)
{
	struct gw_buf b = { 0 };
	const char *s = msg, *at, *out;
	int line, col, used;
	bool exact;

	while ((at = strstr(s, "line "))) {
		gw_buf_add(&b, s, (size_t)(at - s));
		if (sscanf(at, "line %d, column %d%n", &line, &col, &used) == 2) {
			struct gw_mark m = string_mark(str, line, col, &exact);

			gw_buf_printf(&b, "line %d, column %d", m.line, m.col);
			s = at + used;
		} else {
			gw_buf_puts(&b, "line ");
			s = at + 5;
		}
	}
	gw_buf_puts(&b, s);
	out = gw_arena_strdup(p->arena, b.data);
	gw_buf_release(&b);
	return out;
}

/* The patch that the string @str holds (kustomize's `patch: |-`), its
 * positions in the spec file; NULL after an error. */
static const struct gw_node *parse_string(struct patcher *p,
					  const struct gw_node *str)
{
	struct gw_node **docs = NULL, *doc = NULL;
	struct gw_diag local;
	size_t i, ndocs = 0, found = 0;
	bool exact;
	int err;

	gw_diag_init(&local, p->arena);
	err = gw_load_bytes(p->arena, &local, str->mark.file, str->u.str.s,
			    str->u.str.len, &docs, &ndocs);
	for (i = 0; i < local.n; i++) {
		struct gw_diag_entry *e = &local.entries[i];
		struct gw_mark m = string_mark(str, e->mark.line, e->mark.col,
					       &exact);

		if (e->severity == GW_SEV_ERROR)
			p->errors++;
		if (!p->diag)
			continue;
		if (exact)
			gw_diag_add(p->diag, e->severity, m, "%s: %s",
				    p->path.data, remap_message(p, str,
								e->msg));
		else
			gw_diag_add(p->diag, e->severity, m, "%s: line %d, "
				    "column %d of the string: %s",
				    p->path.data, e->mark.line, e->mark.col,
				    e->msg);
	}
	gw_diag_release(&local);
	if (err)
		return NULL;
	for (i = 0; i < ndocs; i++)
		if (docs[i]->kind != GW_NULL) {
			found++;
			doc = docs[i];
		}
	if (found != 1) {
		if (found)
			fail(p, str->mark, "holds %zu YAML documents; an entry "
			     "holds one patch (write an entry for each)", found);
		else
			fail(p, str->mark, "holds no patch");
		return NULL;
	}
	remap_marks(doc, str);
	return doc;
}

/* Reads entry @e into @out: its patch (parsed from a string), its target
 * compiled; -1 after an error.  @p's path is the entry's. */
static int prepare_entry(struct patcher *p, const struct gw_node *e,
			 struct entry *out)
{
	unsigned before = p->errors;
	const struct gw_node *patch = gw_map_get(e, "patch"), *v;
	size_t i, at;

	memset(out, 0, sizeof(*out));
	out->target = gw_map_get(e, "target");
	at = p->path.len;
	gw_buf_puts(&p->path, ".patch");
	if (patch && patch->kind == GW_STR)
		patch = parse_string(p, patch);
	if (patch && patch->kind != GW_MAP && patch->kind != GW_SEQ) {
		fail(p, patch->mark, "%s; a patch is an object (a strategic "
		     "merge patch), a list (JSON 6902 operations) or a "
		     "string that holds one", kind_name(patch));
		patch = NULL;
	}
	out->patch = patch;
	out->json = patch && patch->kind == GW_SEQ;
	if (out->json && !out->target)
		fail(p, patch->mark, "JSON 6902 operations need a target (as "
		     "in kustomize)");
	pop(&p->path, at);
	for (i = 0; out->target && i < NTARGET; i++) {
		v = gw_map_get(out->target, target_keys[i]);
		if (!v || !v->u.str.len)
			continue;
		at = p->path.len;
		gw_buf_printf(&p->path, ".target.%s", target_keys[i]);
		out->have_re[i] = !gw_patch_compile_pattern(p, v, &out->re[i]);
		pop(&p->path, at);
	}
	if (out->target && (v = gw_map_get(out->target, "labelSelector"))) {
		at = p->path.len;
		gw_buf_puts(&p->path, ".target.labelSelector");
		gw_patch_parse_selector(p, v, &out->labels);
		pop(&p->path, at);
	}
	if (out->target &&
	    (v = gw_map_get(out->target, "annotationSelector"))) {
		at = p->path.len;
		gw_buf_puts(&p->path, ".target.annotationSelector");
		gw_patch_parse_selector(p, v, &out->annotations);
		pop(&p->path, at);
	}
	return p->errors > before || !patch ? -1 : 0;
}

static void release_entry(struct entry *e)
{
	size_t i;

	for (i = 0; i < NTARGET; i++)
		if (e->have_re[i])
			regfree(&e->re[i]);
}

/* What kustomize identifies an object by: group, version, kind, name and
 * effective namespace ("default" when unset; NO_NAMESPACE for the one
 * cluster-scoped kind in a gateway folder). */
struct object_id {
	const char *f[NTARGET];
};

static struct object_id id_of(struct patcher *p, const struct gw_node *obj)
{
	struct object_id id = { { "", "", "", "", "" } };
	const char *api = str_field(obj, "apiVersion"), *slash;
	const struct gw_node *meta = gw_map_get(obj, "metadata");

	if (api && (slash = strchr(api, '/'))) {
		id.f[0] = gw_arena_strndup(p->arena, api,
					   (size_t)(slash - api));
		id.f[1] = slash + 1;
	} else if (api) {
		id.f[1] = api;
	}
	id.f[2] = str_field(obj, "kind") ? str_field(obj, "kind") : "";
	id.f[3] = str_field(meta, "name") ? str_field(meta, "name") : "";
	id.f[4] = str_field(meta, "namespace") ?
		  str_field(meta, "namespace") : "";
	if (!strcmp(id.f[2], "Namespace") && !*id.f[0])
		id.f[4] = NO_NAMESPACE;
	else if (!*id.f[4])
		id.f[4] = "default";
	return id;
}

static bool same_id(const struct object_id *a, const struct object_id *b)
{
	size_t i;

	for (i = 0; i < NTARGET; i++)
		if (strcmp(a->f[i], b->f[i]))
			return false;
	return true;
}

static bool target_selects(struct patcher *p, const struct entry *e,
			   const struct gw_node *obj)
{
	struct object_id id = id_of(p, obj);
	const struct gw_node *meta = gw_map_get(obj, "metadata");
	size_t i;

	spend(p, 1);
	for (i = 0; i < NTARGET; i++)
		if (e->have_re[i] && regexec(&e->re[i], id.f[i], 0, NULL, 0))
			return false;
	return gw_patch_selector_matches(p, &e->labels,
					 gw_map_get(meta, "labels")) &&
	       gw_patch_selector_matches(p, &e->annotations,
					 gw_map_get(meta, "annotations"));
}

/* "Namespace/istio-ingress, ServiceAccount/secret-reader, ..." */
static const char *list_objects(struct patcher *p,
				const struct gw_patch_object *objs, size_t n)
{
	struct gw_buf b = { 0 };
	const char *s;
	size_t i;

	for (i = 0; i < n && i < 10; i++) {
		struct object_id id = id_of(p, objs[i].tree);

		gw_buf_printf(&b, "%s%s/%s", i ? ", " : "", id.f[2], id.f[3]);
	}
	if (n > 10)
		gw_buf_printf(&b, " and %zu more", n - 10);
	s = gw_arena_strdup(p->arena, b.data ? b.data : "");
	gw_buf_release(&b);
	return s;
}

/* A value of @obj's field at @path (keys), or NULL. */
static const struct gw_node *field_at(const struct gw_node *obj,
				      const char *const *path)
{
	for (; obj && *path; path++)
		obj = obj->kind == GW_MAP ? gw_map_get(obj, *path) : NULL;
	return obj;
}

/* The labels a Namespace's Pod Security enforcement is read from. */
static const char *const pss_labels[] = {
	"pod-security.kubernetes.io/enforce",
	"pod-security.kubernetes.io/enforce-version",
};

static const struct gw_node *pss_label(const struct gw_node *ns, size_t i)
{
	static const char *const path[] = { "metadata", "labels", NULL };

	return gw_map_get(field_at(ns, path), pss_labels[i]);
}

/* An error when the entry at @p's path changed the Pod Security labels
 * of the Namespace @ns from @was: gwc holds the pod to the level
 * spec.namespace.podSecurity sets. */
static void check_pss(struct patcher *p, const struct gw_node *ns,
		      const struct gw_node *const was[2],
		      const struct gw_node *entry)
{
	const struct gw_node *now;
	size_t i;

	for (i = 0; i < 2; i++) {
		now = pss_label(ns, i);
		if (now == was[i] || (now && was[i] && gw_node_equal(now,
								     was[i])))
			continue;
		fail(p, entry->mark, "changes the Namespace's label %s, which "
		     "spec.namespace.podSecurity sets and gwc holds the pod "
		     "to: set spec.namespace.podSecurity instead",
		     pss_labels[i]);
	}
}

/* True when every pair of @sel (a map of strings) is in @labels. */
static bool labels_select(const struct gw_node *sel,
			  const struct gw_node *labels)
{
	if (!sel || sel->kind != GW_MAP)
		return true;
	if (!labels || labels->kind != GW_MAP)
		return sel->u.map.n == 0;
	return gw_map_within(sel, labels);
}

/*
 * After the patches: each Deployment's selector still selects its own
 * pods; the Service's, the PodDisruptionBudget's, the NetworkPolicy's and
 * the Istio Gateway's still select the pods of every Deployment of the
 * folder (the main one, and a canary's: both serve); each
 * HorizontalPodAutoscaler still scales one of them.  Each error at the
 * last entry that changed the selecting object, else the Deployment's.
 * A folder holds at most two Deployments.
 */
static void check_selectors(struct patcher *p, const struct gw_node *list,
			    const struct gw_patch_object *objs, size_t n,
			    const size_t *changed_by)
{
	static const char *const pod_labels[] = { "spec", "template",
		"metadata", "labels", NULL };
	static const char *const match_labels[] = { "spec", "selector",
		"matchLabels", NULL };
	static const char *const selector[] = { "spec", "selector", NULL };
	static const char *const pod_selector[] = { "spec", "podSelector",
		"matchLabels", NULL };
	static const char *const scaled[] = { "spec", "scaleTargetRef",
		"name", NULL };
	size_t deps[2], ndeps = 0, changed_dep = 0, i, k, last;

	for (i = 0; i < n && ndeps < 2; i++)
		if (!strcmp(id_of(p, objs[i].tree).f[2], "Deployment")) {
			if (changed_by[i] > changed_dep)
				changed_dep = changed_by[i];
			deps[ndeps++] = i;
		}
	for (i = 0; i < n; i++) {
		struct object_id id = id_of(p, objs[i].tree);
		const struct gw_node *sel = NULL, *target;
		size_t miss = ndeps;	/* the Deployment not selected */

		if (!changed_by[i] && !changed_dep)
			continue;
		if (!strcmp(id.f[2], "Deployment"))
			miss = labels_select(
				field_at(objs[i].tree, match_labels),
				field_at(objs[i].tree, pod_labels)) ?
				ndeps : (size_t)-1;
		else if (!strcmp(id.f[2], "PodDisruptionBudget"))
			sel = field_at(objs[i].tree, match_labels);
		else if (!strcmp(id.f[2], "Service") ||
			 !strcmp(id.f[2], "Gateway"))
			sel = field_at(objs[i].tree, selector);
		else if (!strcmp(id.f[2], "NetworkPolicy"))
			sel = field_at(objs[i].tree, pod_selector);
		else if (!strcmp(id.f[2], "HorizontalPodAutoscaler")) {
			target = field_at(objs[i].tree, scaled);
			miss = 0;
			for (k = 0; k < ndeps; k++)
				if (target && str_is(target, id_of(p,
						objs[deps[k]].tree).f[3]))
					miss = ndeps;
		} else {
			continue;
		}
		for (k = 0; sel && k < ndeps && miss == ndeps; k++)
			if (!labels_select(sel, field_at(objs[deps[k]].tree,
							 pod_labels)))
				miss = k;
		if (miss == ndeps || !ndeps)
			continue;
		last = changed_by[i] ? changed_by[i] : changed_dep;
		pop(&p->path, 0);
		gw_buf_printf(&p->path, "spec.patches[%zu]", last - 1);
		if (miss == (size_t)-1)
			fail(p, list->u.seq.items[last - 1]->mark, "after the "
			     "patches, Deployment '%s' no longer selects its "
			     "own pods", id.f[3]);
		else
			fail(p, list->u.seq.items[last - 1]->mark, "after the "
			     "patches, %s '%s' %s the pods of Deployment '%s'",
			     id.f[2], id.f[3],
			     !strcmp(id.f[2], "HorizontalPodAutoscaler") ?
			     "no longer scales" : "no longer selects",
			     id_of(p, objs[deps[miss]].tree).f[3]);
	}
}

/* The entry of @list a node at @at came from: the last that starts
 * before it (the entries follow each other in the spec), or @fallback. */
static size_t entry_at(const struct gw_node *list, struct gw_mark at,
		       size_t fallback)
{
	size_t e, found = fallback;

	if (!at.file || !list->mark.file || strcmp(at.file, list->mark.file))
		return fallback;
	for (e = 0; e < list->u.seq.n; e++) {
		struct gw_mark m = list->u.seq.items[e]->mark;

		if (m.line < at.line || (m.line == at.line && m.col <= at.col))
			found = e;
	}
	return found;
}

/*
 * After the patches: each patched Deployment's containers and init
 * containers still have names Kubernetes takes, a DNS-1123 label each,
 * none twice (the schema holds spec.deployment's to that; a patch may
 * add or rename one, and istiod's template writes the names where a
 * quote or a line break breaks its YAML).  Each error at the name, and
 * the entry it came from, when a patch gave it, else at the last entry
 * that changed the Deployment.
 */
static void check_containers(struct patcher *p, const struct gw_node *list,
			     const struct gw_patch_object *objs, size_t n,
			     const size_t *changed_by)
{
	static const char *const kinds[2][5] = {
		{ "spec", "template", "spec", "initContainers", NULL },
		{ "spec", "template", "spec", "containers", NULL },
	};
	size_t i, k, c;

	for (i = 0; i < n; i++) {
		struct gw_index seen = { 0 };
		struct object_id id;

		if (!changed_by[i])
			continue;
		id = id_of(p, objs[i].tree);
		if (strcmp(id.f[2], "Deployment"))
			continue;
		for (k = 0; k < 2; k++) {
			const struct gw_node *l = field_at(objs[i].tree,
							   kinds[k]);

			for (c = 0; l && l->kind == GW_SEQ && c < l->u.seq.n;
			     c++) {
				const struct gw_node *ct = l->u.seq.items[c];
				const struct gw_node *name = ct->kind == GW_MAP ?
					gw_map_get(ct, "name") : NULL;
				size_t last = changed_by[i] - 1, e;
				struct gw_mark at = name && name->mark.file ?
					name->mark :
					list->u.seq.items[last]->mark;
				const char *why = NULL;

				if (!name || name->kind != GW_STR)
					why = "has no name";
				else if (!gw_dns1123_label(name->u.str.s,
							   name->u.str.len))
					why = "is not a DNS-1123 label (lower "
					      "case letters, digits and '-', "
					      "at most 63)";
				else if (!gw_index_add(&seen, name, c))
					why = "is the name of another "
					      "container of the pod";
				if (!why)
					continue;
				e = name && name->mark.file ?
				    entry_at(list, name->mark, last) : last;
				pop(&p->path, 0);
				gw_buf_printf(&p->path, "spec.patches[%zu]", e);
				if (name && name->kind == GW_STR)
					fail(p, at, "after the patches, the "
					     "%s '%.*s' of Deployment '%s' %s, "
					     "which Kubernetes refuses",
					     k ? "container" : "init container",
					     (int)name->u.str.len,
					     name->u.str.s, id.f[3], why);
				else
					fail(p, at, "after the patches, %s %zu "
					     "of Deployment '%s' %s, which "
					     "Kubernetes refuses",
					     k ? "container" : "init container",
					     c, id.f[3], why);
			}
		}
		gw_index_release(&seen);
	}
}

/*
 * kustomize keeps a target's names whatever a strategic merge patch says
 * of them (Resource.ApplySmPatch): puts back @keep (what
 * gw_patch_identity names, as it was; NULL: absent) into @obj.
 */
static void restore_names(struct patcher *p, struct gw_node *obj,
			  const struct gw_node *const *keep)
{
	struct gw_node *meta, *in;
	struct gw_pair *pair;
	size_t k;

	for (k = 0; k < GW_PATCH_NIDENTITY; k++) {
		const char *parent = gw_patch_identity[k][0];
		const char *field = gw_patch_identity[k][1];

		in = obj;
		if (parent) {
			meta = gw_map_get(in, parent);
			if (!meta || meta->kind != GW_MAP)
				meta = gw_map_put(p->arena, in, parent,
						  gw_node_map(p->arena));
			in = meta;
		}
		pair = gw_map_pair(in, field);
		if (pair)	/* NULL marks it for removal below */
			pair->value = (struct gw_node *)keep[k];
		else if (keep[k])
			gw_map_put(p->arena, in, field,
				   (struct gw_node *)keep[k]);
	}
	meta = gw_map_get(obj, "metadata");
	for (k = 0; meta && k < meta->u.map.n; k++)
		if (!meta->u.map.pairs[k].value) {
			memmove(&meta->u.map.pairs[k], &meta->u.map.pairs[k + 1],
				(meta->u.map.n - k - 1) *
				sizeof(*meta->u.map.pairs));
			meta->u.map.n--;
			k--;
		}
}

/* One entry on the objects it selects. */
static void apply_entry(struct patcher *p, const struct gw_node *node,
			struct entry *e, struct gw_patch_object *objs,
			size_t n, bool *copied, size_t *changed_by,
			size_t index)
{
	struct object_id want = { { 0 } };
	const struct gw_node *pss_was[2] = { NULL, NULL };
	unsigned before = p->errors;
	size_t i, k, matched = 0, at = p->path.len;
	bool named = !e->target;

	if (named) {	/* a patch without target names its object */
		want = id_of(p, e->patch);
		for (k = 1; k < 4; k++)
			if (!*want.f[k]) {
				gw_buf_puts(&p->path, ".patch");
				fail(p, e->patch->mark, "no %s: a patch without "
				     "target names its object by apiVersion, "
				     "kind, metadata.name and (but for a "
				     "Namespace) metadata.namespace, as in "
				     "kustomize", k == 1 ? "apiVersion" :
				     k == 2 ? "kind" : "metadata.name");
				pop(&p->path, at);
				return;
			}
	}
	for (i = 0; i < n && p->errors == before && p->work <= WORK_MAX; i++) {
		struct object_id id;
		const struct gw_node *keep[GW_PATCH_NIDENTITY];

		if (named) {
			id = id_of(p, objs[i].tree);
			if (!same_id(&id, &want))
				continue;
		} else if (!target_selects(p, e, objs[i].tree)) {
			continue;
		}
		matched++;
		if (!copied[i]) {	/* render.c's trees may share nodes */
			objs[i].tree = gw_node_copy(p->arena, objs[i].tree);
			copied[i] = true;
		}
		for (k = 0; k < 2; k++)
			pss_was[k] = pss_label(objs[i].tree, k);
		gw_buf_puts(&p->path, ".patch");
		if (e->json) {
			gw_patch_apply_ops(p, &objs[i].tree, e->patch);
		} else {
			for (k = 0; k < GW_PATCH_NIDENTITY; k++)
				keep[k] = gw_patch_identity_field(NULL,
							objs[i].tree, k);
			if (!gw_patch_apply_merge(p, &objs[i].tree, e->patch))
				restore_names(p, objs[i].tree, keep);
		}
		pop(&p->path, at);
		changed_by[i] = index + 1;
		if (p->errors == before &&
		    !strcmp(id_of(p, objs[i].tree).f[2], "Namespace"))
			check_pss(p, objs[i].tree, pss_was, node);
	}
	if (p->work > WORK_MAX || p->errors > before)
		return;
	if (!matched && named)
		fail(p, e->patch->mark, "names %s/%s %s '%s'%s%s, which is "
		     "no object of this gateway (it has %s)", want.f[0],
		     want.f[1], want.f[2], want.f[3], strcmp(want.f[4],
		     NO_NAMESPACE) ? " in namespace " : "",
		     strcmp(want.f[4], NO_NAMESPACE) ? gw_diag_show(p->arena,
		     want.f[4], strlen(want.f[4])) : "",
		     list_objects(p, objs, n));
	else if (!matched)
		fail(p, e->target->mark, "the target selects no object of this "
		     "gateway (it has %s)", list_objects(p, objs, n));
}

int gw_patch_apply(struct gw_arena *arena, struct gw_diag *diag,
		   const struct gw_gateway *gw, struct gw_patch_object *objs,
		   size_t n)
{
	const struct gw_node *list = gw->patches;
	struct patcher p;
	bool *copied;
	size_t *changed_by, i;
	int err;

	if (!list || list->kind != GW_SEQ || !list->u.seq.n)
		return 0;
	patcher_init(&p, arena, diag, "spec.patches");
	copied = gw_arena_alloc(arena, n + 1);
	changed_by = gw_arena_alloc(arena, (n + 1) * sizeof(*changed_by));
	for (i = 0; i < list->u.seq.n && p.work <= WORK_MAX; i++) {
		const struct gw_node *node = list->u.seq.items[i];
		struct entry e;

		pop(&p.path, 0);
		gw_buf_printf(&p.path, "spec.patches[%zu]", i);
		if (!prepare_entry(&p, node, &e))
			apply_entry(&p, node, &e, objs, n, copied, changed_by,
				    i);
		release_entry(&e);
		if (p.work > WORK_MAX)
			fail(&p, node->mark, "the patches take over %zu steps "
			     "through the objects' nodes, gwc's limit: patch "
			     "fewer or smaller values", WORK_MAX);
	}
	if (!p.errors)
		check_containers(&p, list, objs, n, changed_by);
	if (!p.errors)
		check_selectors(&p, list, objs, n, changed_by);
	err = p.errors ? -1 : 0;
	patcher_release(&p);
	return err;
}

