/*
 * patch_merge.c - spec.patches: a strategic merge patch, as kustomize
 * (kyaml's merge2 with its embedded Kubernetes 1.21 schema) merges one:
 * maps merge, null deletes, lists whose schema names a merge key merge
 * by it (the patch's entries first), every other list is replaced.
 * Consumes a patch tree and an object tree; produces the merged object
 * or errors at the patch's keys (gen/patch.c applies it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patch.h"

/* ---- the merge keys ----------------------------------------------------- */

/*
 * The lists that kustomize merges by key, for the kinds gwc writes, from
 * the x-kubernetes-patch-merge-key, -list-map-keys and -patch-strategy of
 * the schema kyaml embeds (Kubernetes 1.21.2): the path in the object
 * ("[]" an entry of a list) and the keys (two when list-map-keys names
 * two; none for a set of scalars).  Every other list is replaced whole;
 * kinds without a row (autoscaling/v2 came after 1.21; Istio's kinds have
 * no schema there) have every list replaced.
 */
struct merge_list {
	const char *where;
	const char *keys[2];
};

static const struct merge_list meta_lists[] = {
	{ "metadata.finalizers", { NULL, NULL } },
	{ "metadata.ownerReferences", { "uid", NULL } },
};

#define POD "spec.template.spec."
#define CONTAINER_LISTS(c) \
	{ POD c, { "name", NULL } }, \
	{ POD c "[].env", { "name", NULL } }, \
	{ POD c "[].volumeDevices", { "devicePath", NULL } }, \
	{ POD c "[].volumeMounts", { "mountPath", NULL } }

static const struct merge_list deployment_lists[] = {
	{ "spec.template.metadata.finalizers", { NULL, NULL } },
	{ "spec.template.metadata.ownerReferences", { "uid", NULL } },
	CONTAINER_LISTS("containers"),
	{ POD "containers[].ports", { "containerPort", "protocol" } },
	CONTAINER_LISTS("initContainers"),
	{ POD "initContainers[].ports", { "containerPort", "protocol" } },
	CONTAINER_LISTS("ephemeralContainers"),
	{ POD "hostAliases", { "ip", NULL } },
	{ POD "imagePullSecrets", { "name", NULL } },
	{ POD "topologySpreadConstraints",
	  { "topologyKey", "whenUnsatisfiable" } },
	{ POD "volumes", { "name", NULL } },
	{ POD "volumes[].ephemeral.volumeClaimTemplate.metadata.finalizers",
	  { NULL, NULL } },
	{ POD "volumes[].ephemeral.volumeClaimTemplate.metadata."
	  "ownerReferences", { "uid", NULL } },
};

static const struct merge_list service_account_lists[] = {
	{ "secrets", { "name", NULL } },
};

static const struct merge_list service_lists[] = {
	{ "spec.ports", { "port", "protocol" } },
};

struct merge_kind {
	const char *api_version, *kind;
	const struct merge_list *lists;
	size_t n;
};

#define LISTS(a) a, sizeof(a) / sizeof(*a)
static const struct merge_kind merge_kinds[] = {
	{ "v1", "Namespace", NULL, 0 },
	{ "v1", "ServiceAccount", LISTS(service_account_lists) },
	{ "rbac.authorization.k8s.io/v1", "Role", NULL, 0 },
	{ "rbac.authorization.k8s.io/v1", "RoleBinding", NULL, 0 },
	{ "apps/v1", "Deployment", LISTS(deployment_lists) },
	{ "v1", "Service", LISTS(service_lists) },
	{ "policy/v1", "PodDisruptionBudget", NULL, 0 },
	{ "networking.k8s.io/v1", "NetworkPolicy", NULL, 0 },
};

/* The row of the list at the merged node's path, or NULL: replaced. */
static const struct merge_list *merge_list_at(const struct patcher *p)
{
	const char *where = p->where.data ? p->where.data : "";
	size_t i;

	if (!p->schema)
		return NULL;
	for (i = 0; i < sizeof(meta_lists) / sizeof(*meta_lists); i++)
		if (!strcmp(meta_lists[i].where, where))
			return &meta_lists[i];
	for (i = 0; i < p->schema->n; i++)
		if (!strcmp(p->schema->lists[i].where, where))
			return &p->schema->lists[i];
	return NULL;
}

static const struct merge_kind *merge_kind_of(const struct gw_node *obj)
{
	const char *api = str_field(obj, "apiVersion");
	const char *kind = str_field(obj, "kind");
	size_t i;

	for (i = 0; api && kind && i < sizeof(merge_kinds) /
	     sizeof(*merge_kinds); i++)
		if (!strcmp(merge_kinds[i].api_version, api) &&
		    !strcmp(merge_kinds[i].kind, kind))
			return &merge_kinds[i];
	return NULL;
}

/* ---- strategic merge ---------------------------------------------------- */

enum directive { DIR_MERGE, DIR_REPLACE, DIR_DELETE, DIR_BAD };

static bool is_directive_key(const struct gw_node *key)
{
	return key->u.str.len && key->u.str.s[0] == '$';
}

/* The value of a $patch directive. */
static enum directive directive_of(struct patcher *p, const struct gw_node *v)
{
	if (str_is(v, "replace"))
		return DIR_REPLACE;
	if (str_is(v, "delete"))
		return DIR_DELETE;
	if (str_is(v, "merge"))
		return DIR_MERGE;
	fail(p, v->mark, "unknown $patch directive %s (kustomize knows "
	     "replace, delete and merge)", v->kind == GW_STR ? show(p, v) :
	     kind_name(v));
	return DIR_BAD;
}

/* The $patch directive of the mapping @patch; an error for every other
 * key that starts with '$' (kustomize would write it into the object). */
static enum directive map_directive(struct patcher *p,
				    const struct gw_node *patch)
{
	enum directive d = DIR_MERGE, e;
	size_t i, at;

	for (i = 0; i < patch->u.map.n; i++) {
		const struct gw_node *key = patch->u.map.pairs[i].key;

		if (!is_directive_key(key))
			continue;
		at = push_key(&p->path, key);
		if (str_is(key, "$patch")) {
			e = directive_of(p, patch->u.map.pairs[i].value);
			d = e == DIR_BAD || d == DIR_BAD ? DIR_BAD : e;
		} else {
			fail(p, key->mark, "the directive %s is not supported "
			     "(kustomize would write it into the object as a "
			     "field; gwc knows $patch only)", show(p, key));
			d = DIR_BAD;
		}
		pop(&p->path, at);
	}
	return d;
}

/* An error for each '$' key in @n, a part of a patch that replaces what
 * it lands on whole: kustomize copies it as it is, directives too. */
static void refuse_directives(struct patcher *p, const struct gw_node *n)
{
	size_t i, at;

	spend(p, 1);	/* and as much to copy it */
	if (n->kind == GW_SEQ) {
		for (i = 0; i < n->u.seq.n; i++) {
			at = push_index(&p->path, i);
			refuse_directives(p, n->u.seq.items[i]);
			pop(&p->path, at);
		}
	} else if (n->kind == GW_MAP) {
		for (i = 0; i < n->u.map.n; i++) {
			const struct gw_pair *pair = &n->u.map.pairs[i];

			at = push_key(&p->path, pair->key);
			if (is_directive_key(pair->key))
				fail(p, pair->key->mark, "a directive in a "
				     "list that has no merge key in "
				     "kustomize's schema: the list is "
				     "replaced whole, and the directive would "
				     "stay in it as a field");
			else
				refuse_directives(p, pair->value);
			pop(&p->path, at);
		}
	}
}

static struct gw_node *merge(struct patcher *p, struct gw_node *dest,
			     const struct gw_node *patch);

static struct gw_node *merge_map(struct patcher *p, struct gw_node *dest,
				 const struct gw_node *patch)
{
	enum directive d = map_directive(p, patch);
	struct gw_index ix = { 0 };
	size_t i, j, at, path_at, where_at;

	if (d == DIR_BAD)	/* reported: merge on, for the other errors */
		d = DIR_MERGE;
	if (d == DIR_DELETE)
		return NULL;
	if (d == DIR_REPLACE || !dest)
		dest = gw_node_map(p->arena);
	gw_index_map(&ix, dest);
	for (i = 0; i < patch->u.map.n; i++) {
		const struct gw_pair *pair = &patch->u.map.pairs[i];
		struct gw_node *old = NULL, *res;
		bool have;

		if (is_directive_key(pair->key))
			continue;
		have = gw_index_find(&ix, pair->key, &at);
		if (have)
			old = dest->u.map.pairs[at].value;
		path_at = push_key(&p->path, pair->key);
		where_at = push_key(&p->where, pair->key);
		res = merge(p, old, pair->value);
		pop(&p->where, where_at);
		pop(&p->path, path_at);
		if (have)
			dest->u.map.pairs[at].value = res;	/* NULL: gone */
		else if (res)
			gw_index_put(p->arena, &ix, dest,
				     gw_node_copy(p->arena, pair->key), res);
	}
	gw_index_release(&ix);
	for (i = j = 0; i < dest->u.map.n; i++)
		if (dest->u.map.pairs[i].value)
			dest->u.map.pairs[j++] = dest->u.map.pairs[i];
	dest->u.map.n = j;
	return dest;
}

/* The value of merge key @key in the list entry @e, or NULL when it has
 * none a list can be merged by (a scalar). */
static const struct gw_node *key_value(const struct gw_node *e,
				       const char *key)
{
	const struct gw_node *v = e->kind == GW_MAP ? gw_map_get(e, key) : NULL;

	return v && v->kind != GW_MAP && v->kind != GW_SEQ &&
	       v->kind != GW_NULL ? v : NULL;
}

/* What an entry is indexed by: the value of its one merge key, or a list
 * of the values of its two (a missing one as null). */
static const struct gw_node *entry_key(struct patcher *p,
				       const struct gw_node *e,
				       const struct merge_list *ml)
{
	const struct gw_node *first = key_value(e, ml->keys[0]), *second;
	struct gw_node *both;

	if (!first || !ml->keys[1])
		return first;
	second = key_value(e, ml->keys[1]);
	both = gw_node_seq(p->arena);
	gw_seq_push(p->arena, both, (struct gw_node *)first);
	gw_seq_push(p->arena, both, second ? (struct gw_node *)second :
		    gw_node_new(p->arena, GW_NULL));
	return both;
}

/* A list of scalars merged as a set (finalizers): the patch's values,
 * then the object's that the patch does not name. */
static struct gw_node *merge_set(struct patcher *p, struct gw_node *dest,
				 const struct gw_node *patch, size_t skip)
{
	struct gw_node *out = gw_node_seq(p->arena);
	struct gw_index seen = { 0 };
	size_t i, at;

	for (i = 0; i < patch->u.seq.n; i++) {
		const struct gw_node *v = patch->u.seq.items[i];

		if (i == skip)
			continue;
		if (v->kind == GW_MAP || v->kind == GW_SEQ) {
			at = push_index(&p->path, i);
			fail(p, v->mark, "%s in a list of scalars",
			     kind_name(v));
			pop(&p->path, at);
			continue;
		}
		if (gw_index_add(&seen, v, 0))
			gw_seq_push(p->arena, out, gw_node_copy(p->arena, v));
	}
	for (i = 0; dest && i < dest->u.seq.n; i++)
		if (gw_index_add(&seen, dest->u.seq.items[i], 0))
			gw_seq_push(p->arena, out, dest->u.seq.items[i]);
	gw_index_release(&seen);
	return out;
}

enum entry_state { UNTOUCHED, MERGED, DELETED };

/*
 * A list kustomize merges by key: each entry of the patch merged with the
 * object's entry of the same key, or added; with one key the patch's
 * entries come first, in its order, then the object's others; with two
 * keys (list-map-keys) the new entries come first and the object's stay
 * in their order (kyaml's ElementSetter moves them back).
 */
static struct gw_node *merge_keyed(struct patcher *p, struct gw_node *dest,
				   const struct gw_node *patch, size_t skip,
				   const struct merge_list *ml)
{
	struct gw_node *out = gw_node_seq(p->arena), *added;
	struct gw_index by_key = { 0 }, by_first = { 0 }, seen = { 0 };
	size_t i, j, n = dest ? dest->u.seq.n : 0, path_at, where_at;
	enum entry_state *state = gw_arena_alloc(p->arena,
						 (n + 1) * sizeof(*state));
	struct gw_node **merged = gw_arena_alloc(p->arena,
						 (n + 1) * sizeof(*merged));
	bool two = ml->keys[1] != NULL;

	added = two ? gw_node_seq(p->arena) : out;
	for (j = 0; j < n; j++) {
		const struct gw_node *e = dest->u.seq.items[j];
		const struct gw_node *k = entry_key(p, e, ml);

		if (!k)
			continue;
		gw_index_add(&by_key, k, j);
		if (two)
			gw_index_add(&by_first, key_value(e, ml->keys[0]), j);
	}
	where_at = p->where.len;
	gw_buf_puts(&p->where, "[]");
	for (i = 0; i < patch->u.seq.n; i++) {
		const struct gw_node *e = patch->u.seq.items[i], *k, *d;
		struct gw_node *res;
		bool found;

		if (i == skip)
			continue;
		path_at = push_index(&p->path, i);
		k = e->kind == GW_MAP ? entry_key(p, e, ml) : NULL;
		d = e->kind == GW_MAP ? gw_map_get(e, "$patch") : NULL;
		if (e->kind != GW_MAP) {
			fail(p, e->mark, "%s where kustomize merges entries "
			     "by %s", kind_name(e), ml->keys[0]);
		} else if (!k) {
			fail(p, e->mark, "no %s: kustomize merges this list "
			     "by it", ml->keys[0]);
		} else if (two && !key_value(e, ml->keys[1]) &&
			   gw_index_find(&by_first, key_value(e, ml->keys[0]),
					 NULL)) {
			fail(p, e->mark, "no %s: kustomize merges this list "
			     "by %s and %s, and drops an entry without %s "
			     "that matches one of the object's by %s (write "
			     "its %s)", ml->keys[1], ml->keys[0], ml->keys[1],
			     ml->keys[1], ml->keys[0], ml->keys[1]);
		} else if (!gw_index_add(&seen, k, i)) {
			fail(p, e->mark, "a second entry of this %s in the "
			     "patch", ml->keys[0]);
		} else if (d && str_is(d, "replace")) {
			fail(p, d->mark, "$patch: replace on a list entry: "
			     "kustomize ignores it and keeps the object's "
			     "entry (set its fields, null those to drop)");
		} else {
			found = gw_index_find(&by_key, k, &j);
			res = merge(p, found ? dest->u.seq.items[j] : NULL, e);
			if (found) {
				state[j] = res ? MERGED : DELETED;
				merged[j] = res;
			}
			if (res && (!found || !two))
				gw_seq_push(p->arena, added, res);
		}
		pop(&p->path, path_at);
	}
	pop(&p->where, where_at);
	if (two) {	/* the new entries, then the object's */
		for (i = 0; i < added->u.seq.n; i++)
			gw_seq_push(p->arena, out, added->u.seq.items[i]);
		for (j = 0; j < n; j++)
			if (state[j] != DELETED)
				gw_seq_push(p->arena, out, state[j] == MERGED ?
					    merged[j] : dest->u.seq.items[j]);
	} else {	/* the patch's entries, then the object's others */
		for (j = 0; j < n; j++)
			if (state[j] == UNTOUCHED)
				gw_seq_push(p->arena, out,
					    dest->u.seq.items[j]);
	}
	gw_index_release(&by_key);
	gw_index_release(&by_first);
	gw_index_release(&seen);
	return out;
}

static struct gw_node *merge_seq(struct patcher *p, struct gw_node *dest,
				 const struct gw_node *patch)
{
	const struct merge_list *ml = merge_list_at(p);
	enum directive d = DIR_MERGE;
	size_t i, skip = (size_t)-1, at;

	if (!ml) {	/* replaced whole, as written */
		refuse_directives(p, patch);
		return gw_node_copy(p->arena, patch);
	}
	/* an entry that is {$patch: X} alone is the list's directive */
	for (i = 0; i < patch->u.seq.n; i++) {
		const struct gw_node *e = patch->u.seq.items[i];

		if (e->kind != GW_MAP || e->u.map.n != 1 ||
		    !str_is(e->u.map.pairs[0].key, "$patch"))
			continue;
		at = push_index(&p->path, i);
		if (skip != (size_t)-1) {
			fail(p, e->mark, "a second $patch directive for the "
			     "list");
			d = DIR_BAD;
		} else {
			skip = i;
			if (d != DIR_BAD)
				d = directive_of(p, e->u.map.pairs[0].value);
		}
		pop(&p->path, at);
	}
	if (d == DIR_BAD)	/* reported: merge on, for the other errors */
		d = DIR_MERGE;
	if (d == DIR_DELETE)
		return NULL;
	if (d == DIR_REPLACE)
		dest = NULL;
	if (!ml->keys[0])
		return merge_set(p, dest, patch, skip);
	return merge_keyed(p, dest, patch, skip, ml);
}

static bool is_collection(const struct gw_node *n)
{
	return n->kind == GW_MAP || n->kind == GW_SEQ;
}

/* @patch merged into @dest (NULL: absent): @dest changed in place, a new
 * node, or NULL when the patch deletes it. */
static struct gw_node *merge(struct patcher *p, struct gw_node *dest,
			     const struct gw_node *patch)
{
	/* a node of the patch, and what indexing its counterpart costs */
	spend(p, 1 + (dest && dest->kind == GW_MAP ? dest->u.map.n :
		      dest && dest->kind == GW_SEQ ? dest->u.seq.n : 0));
	if (p->work > WORK_MAX)
		return dest;	/* the caller says so */
	if (dest && dest->kind == GW_NULL)
		dest = NULL;
	if (patch->kind == GW_NULL)
		return NULL;
	if (dest && (is_collection(dest) || is_collection(patch)) &&
	    dest->kind != patch->kind) {
		fail(p, patch->mark, "%s where the object has %s (kustomize "
		     "merges only nodes of one kind)", kind_name(patch),
		     kind_name(dest));
		return dest;
	}
	if (patch->kind == GW_MAP)
		return merge_map(p, dest, patch);
	if (patch->kind == GW_SEQ)
		return merge_seq(p, dest, patch);
	return gw_node_copy(p->arena, patch);
}

/* The strategic merge of @patch into *@obj, at @p's path. */
int gw_patch_apply_merge(struct patcher *p, struct gw_node **obj,
		       const struct gw_node *patch)
{
	unsigned before = p->errors;
	struct gw_node *res;

	p->schema = merge_kind_of(*obj);
	pop(&p->where, 0);
	res = merge(p, *obj, patch);
	if (!res && p->errors == before)
		fail(p, patch->mark, "deletes the object; a patch may "
		     "change an object of the gateway, not remove it");
	if (res && res->kind != GW_MAP && p->errors == before)
		fail(p, patch->mark, "%s, not an object", kind_name(res));
	if (p->errors > before)
		return -1;
	*obj = res;
	return 0;
}

int gw_patch_merge(struct gw_arena *arena, struct gw_diag *diag,
		   const char *path, struct gw_node **obj,
		   const struct gw_node *patch)
{
	struct patcher p;
	int err;

	patcher_init(&p, arena, diag, path);
	err = gw_patch_apply_merge(&p, obj, patch);
	patcher_release(&p);
	return err;
}

