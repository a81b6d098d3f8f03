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
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

/* kustomize's namespace of a cluster-scoped object (resid) */
#define NO_NAMESPACE "_non_namespaceable_"
/* node visits the JSON 6902 operations of one gateway may make */
#define WORK_MAX ((size_t)1 << 25)
/* regular expressions of a target: their length, and the repetitions
 * their counted repeats ({n,m}) may multiply to (RE2 caps one at 1000) */
#define PATTERN_MAX 1024
#define REPEAT_MAX 1000

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

/* ---- the patcher -------------------------------------------------------- */

struct patcher {
	struct gw_arena *arena;
	struct gw_diag *diag;		/* NULL: quiet */
	unsigned errors;
	size_t work;			/* JSON 6902 node visits */
	const struct merge_kind *schema;	/* the object's, or NULL */
	struct gw_buf where;		/* the merged node's path in the object */
	struct gw_buf path;		/* the patch node's JSON path */
};

static void fail(struct patcher *p, struct gw_mark at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An error at @at, after the JSON path of the patch node at hand. */
static void fail(struct patcher *p, struct gw_mark at, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	p->errors++;
	if (!p->diag)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		gw_oom();
	va_end(ap);
	gw_diag_add(p->diag, GW_SEV_ERROR, at, "%s: %s",
		    p->path.len ? p->path.data : "spec.patches", msg);
	free(msg);
}

/* Counts @n node visits against the budget; false once it is spent. */
static bool spend(struct patcher *p, size_t n)
{
	p->work += n;
	return p->work <= WORK_MAX;
}

static void patcher_init(struct patcher *p, struct gw_arena *arena,
			 struct gw_diag *diag, const char *path)
{
	memset(p, 0, sizeof(*p));
	p->arena = arena;
	p->diag = diag;
	gw_buf_puts(&p->path, path);
	gw_buf_puts(&p->where, "");
}

static void patcher_release(struct patcher *p)
{
	gw_buf_release(&p->path);
	gw_buf_release(&p->where);
}

static size_t push_key(struct gw_buf *b, const struct gw_node *key)
{
	size_t at = b->len;

	gw_path_key(b, key->u.str.s, key->u.str.len);
	return at;
}

static size_t push_index(struct gw_buf *b, size_t i)
{
	size_t at = b->len;

	gw_buf_printf(b, "[%zu]", i);
	return at;
}

static void pop(struct gw_buf *b, size_t at)
{
	b->len = at;
	if (b->data)
		b->data[at] = '\0';
}

static bool str_is(const struct gw_node *n, const char *s)
{
	size_t len = strlen(s);

	return n && n->kind == GW_STR && n->u.str.len == len &&
	       !memcmp(n->u.str.s, s, len);
}

/* A string field of a map, or NULL. */
static const char *str_field(const struct gw_node *map, const char *key)
{
	const struct gw_node *v = gw_map_get(map, key);

	return v && v->kind == GW_STR ? v->u.str.s : NULL;
}

static const char *show(struct patcher *p, const struct gw_node *n)
{
	return gw_diag_show(p->arena, n->u.str.s, n->u.str.len);
}

/* "a string", "an object", ... */
static const char *kind_name(const struct gw_node *n)
{
	static const char *const names[] = {
		[GW_NULL] = "null", [GW_BOOL] = "a boolean",
		[GW_INT] = "an integer", [GW_NUM] = "a number",
		[GW_STR] = "a string", [GW_SEQ] = "a list",
		[GW_MAP] = "an object",
	};
	return names[n->kind];
}

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
static int patch_merge(struct patcher *p, struct gw_node **obj,
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
	err = patch_merge(&p, obj, patch);
	patcher_release(&p);
	return err;
}

/* ---- JSON 6902 ---------------------------------------------------------- */

/* A reference token of a JSON pointer, unescaped; @end: where it ends in
 * the pointer as written, for messages. */
struct token {
	const char *s;
	size_t len, end;
};

struct pointer {
	const char *text;
	struct token *t;
	size_t n;
};

enum opcode { OP_ADD, OP_REMOVE, OP_REPLACE, OP_MOVE, OP_COPY, OP_TEST };

static const char *const op_names[] = { "add", "remove", "replace", "move",
					"copy", "test" };

struct op {
	enum opcode code;
	const struct gw_node *node, *value;
	struct pointer path, from;
	struct gw_mark path_mark;
};

/* Parses the JSON pointer @n (RFC 6901) into @ptr; -1 after an error. */
static int parse_pointer(struct patcher *p, const struct gw_node *n,
			 struct pointer *ptr)
{
	const char *s = n->u.str.s;
	size_t len = n->u.str.len, i, start, cap = 0;
	char *buf;

	ptr->text = s;
	ptr->t = NULL;
	ptr->n = 0;
	if (!len)
		return 0;
	if (s[0] != '/') {
		fail(p, n->mark, "%s is not a JSON pointer (it starts with "
		     "'/', or is empty for the whole object)", show(p, n));
		return -1;
	}
	for (i = 1, start = 1; i <= len; i++) {
		size_t k, o = 0;

		if (i < len && s[i] != '/')
			continue;
		buf = gw_arena_alloc(p->arena, i - start + 1);
		for (k = start; k < i; k++) {
			if (s[k] != '~') {
				buf[o++] = s[k];
			} else if (k + 1 < i && (s[k + 1] == '0' ||
						 s[k + 1] == '1')) {
				buf[o++] = s[k + 1] == '0' ? '~' : '/';
				k++;
			} else {
				fail(p, n->mark, "%s: '~' is not followed by "
				     "0 or 1 (a JSON pointer writes '~' as "
				     "'~0' and '/' as '~1')", show(p, n));
				return -1;
			}
		}
		ptr->t = gw_arena_grow(p->arena, ptr->t, ptr->n, &cap,
				       sizeof(*ptr->t));
		ptr->t[ptr->n++] = (struct token){ buf, o, i };
		start = i + 1;
	}
	return 0;
}

/* Parses and checks every operation of @ops into @out; -1 after errors. */
static int parse_ops(struct patcher *p, const struct gw_node *ops,
		     struct op *out)
{
	unsigned before = p->errors;
	size_t i, j, k, at, key_at;

	for (i = 0; i < ops->u.seq.n; i++) {
		const struct gw_node *o = ops->u.seq.items[i], *v;
		struct op *op = &out[i];
		bool have_op = false;

		at = push_index(&p->path, i);
		memset(op, 0, sizeof(*op));
		op->node = o;
		if (o->kind != GW_MAP) {
			fail(p, o->mark, "%s, not an operation (an object "
			     "with op, path, and from or value)",
			     kind_name(o));
			pop(&p->path, at);
			continue;
		}
		for (j = 0; j < o->u.map.n; j++) {
			const struct gw_node *key = o->u.map.pairs[j].key;

			if (!str_is(key, "op") && !str_is(key, "path") &&
			    !str_is(key, "from") && !str_is(key, "value")) {
				key_at = push_key(&p->path, key);
				fail(p, key->mark, "unknown key (an operation "
				     "has op, path, from and value)");
				pop(&p->path, key_at);
			}
		}
		v = gw_map_get(o, "op");
		for (k = 0; v && k < sizeof(op_names) / sizeof(*op_names); k++)
			if (str_is(v, op_names[k])) {
				op->code = (enum opcode)k;
				have_op = true;
			}
		if (!have_op) {
			fail(p, v ? v->mark : o->mark, v ? "op: %s is not a "
			     "JSON 6902 operation (add, remove, replace, move, "
			     "copy, test)" : "no op%s", v && v->kind == GW_STR ?
			     show(p, v) : "");
			pop(&p->path, at);
			continue;
		}
		v = gw_map_get(o, "path");
		if (!v || v->kind != GW_STR) {
			fail(p, v ? v->mark : o->mark, "%s needs a path (a "
			     "JSON pointer string)", op_names[op->code]);
		} else {
			op->path_mark = v->mark;
			key_at = p->path.len;
			gw_buf_puts(&p->path, ".path");
			parse_pointer(p, v, &op->path);
			pop(&p->path, key_at);
		}
		v = gw_map_get(o, "from");
		if (op->code == OP_MOVE || op->code == OP_COPY) {
			if (!v || v->kind != GW_STR) {
				fail(p, v ? v->mark : o->mark, "%s needs from "
				     "(a JSON pointer string)",
				     op_names[op->code]);
			} else {
				key_at = p->path.len;
				gw_buf_puts(&p->path, ".from");
				parse_pointer(p, v, &op->from);
				pop(&p->path, key_at);
			}
		}
		op->value = gw_map_get(o, "value");
		if (!op->value && (op->code == OP_ADD ||
				   op->code == OP_REPLACE ||
				   op->code == OP_TEST))
			fail(p, o->mark, "%s needs a value",
			     op_names[op->code]);
		pop(&p->path, at);
	}
	return p->errors > before ? -1 : 0;
}

/* The pointer @ptr up to its token @i, as written. */
static const char *prefix(struct patcher *p, const struct pointer *ptr,
			  size_t i)
{
	return gw_arena_strndup(p->arena, ptr->text, ptr->t[i].end);
}

/* The index a token names in a list of @n items: digits without a leading
 * zero, below @n, or equal to it when @end is allowed; "-" is @n then. */
static bool list_index(const struct token *t, size_t n, bool end,
		       size_t *at)
{
	size_t i, v = 0;

	if (t->len == 1 && t->s[0] == '-') {
		*at = n;
		return end;
	}
	if (!t->len || t->len > 18 || (t->len > 1 && t->s[0] == '0'))
		return false;
	for (i = 0; i < t->len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return false;
		v = v * 10 + (size_t)(t->s[i] - '0');
	}
	*at = v;
	return v < n || (end && v == n);
}

/* The position of the key of a token in @map, or map's n: absent. */
static size_t map_find(struct patcher *p, const struct gw_node *map,
		       const struct token *t)
{
	size_t i;

	spend(p, map->u.map.n);
	for (i = 0; i < map->u.map.n; i++) {
		const struct gw_node *k = map->u.map.pairs[i].key;

		if (k->u.str.len == t->len && !memcmp(k->u.str.s, t->s, t->len))
			return i;
	}
	return map->u.map.n;
}

/*
 * Where pointer @ptr leads in @root: the container that holds its last
 * token (*@parent) and the position there (*@at: a pair of a map or an
 * item of a list; the map's or list's n when absent, which a list allows
 * only with @end, for add).  NULL *@parent for the whole document.
 * Returns NULL, or why not.
 */
static const char *locate(struct patcher *p, struct gw_node *root,
			  const struct pointer *ptr, bool end,
			  struct gw_node **parent, size_t *at)
{
	struct gw_node *n = root;
	size_t i, pos;

	*parent = NULL;
	*at = 0;
	for (i = 0; i < ptr->n; i++) {
		const struct token *t = &ptr->t[i];
		bool last = i + 1 == ptr->n;

		if (n->kind == GW_MAP) {
			pos = map_find(p, n, t);
			if (pos == n->u.map.n && !last)
				return gw_arena_printf(p->arena, "%s does not "
						       "exist", prefix(p, ptr, i));
			if (last) {
				*parent = n;
				*at = pos;
				return NULL;
			}
			n = n->u.map.pairs[pos].value;
		} else if (n->kind == GW_SEQ) {
			if (!list_index(t, n->u.seq.n, last && end, &pos))
				return gw_arena_printf(p->arena, "%s is not an "
					"index of the %zu items of the list",
					prefix(p, ptr, i), n->u.seq.n);
			if (last) {
				*parent = n;
				*at = pos;
				return NULL;
			}
			n = n->u.seq.items[pos];
		} else {
			return gw_arena_printf(p->arena, "%s is %s, not an "
					       "object or a list",
					       i ? prefix(p, ptr, i - 1) : "the "
					       "document", kind_name(n));
		}
	}
	return "the whole object cannot be patched";	/* ptr->n == 0 */
}

/* The node at @parent/@at, or NULL when absent. */
static struct gw_node *node_at(struct gw_node *parent, size_t at)
{
	if (parent->kind == GW_MAP)
		return at < parent->u.map.n ? parent->u.map.pairs[at].value :
		       NULL;
	return at < parent->u.seq.n ? parent->u.seq.items[at] : NULL;
}

static void remove_at(struct patcher *p, struct gw_node *parent, size_t at)
{
	if (parent->kind == GW_MAP) {
		spend(p, parent->u.map.n - at);
		memmove(&parent->u.map.pairs[at], &parent->u.map.pairs[at + 1],
			(parent->u.map.n - at - 1) *
			sizeof(*parent->u.map.pairs));
		parent->u.map.n--;
	} else {
		spend(p, parent->u.seq.n - at);
		memmove(&parent->u.seq.items[at], &parent->u.seq.items[at + 1],
			(parent->u.seq.n - at - 1) *
			sizeof(*parent->u.seq.items));
		parent->u.seq.n--;
	}
}

/* Adds @value at @parent/@at (the last token @t): sets a map's key,
 * inserts into a list. */
static void add_at(struct patcher *p, struct gw_node *parent, size_t at,
		   const struct token *t, struct gw_node *value)
{
	struct gw_node *seq = parent;

	if (parent->kind == GW_MAP) {
		if (at < parent->u.map.n)
			parent->u.map.pairs[at].value = value;
		else
			gw_map_put(p->arena, parent, gw_arena_strndup(
				   p->arena, t->s, t->len), value);
		return;
	}
	gw_seq_push(p->arena, seq, value);
	spend(p, seq->u.seq.n - 1 - at);
	memmove(&seq->u.seq.items[at + 1], &seq->u.seq.items[at],
		(seq->u.seq.n - 1 - at) * sizeof(*seq->u.seq.items));
	seq->u.seq.items[at] = value;
}

/* The nodes in @n, counted against the budget (stops once spent). */
static void spend_size(struct patcher *p, const struct gw_node *n)
{
	size_t i;

	if (!spend(p, 1))
		return;
	if (n->kind == GW_SEQ)
		for (i = 0; i < n->u.seq.n && p->work <= WORK_MAX; i++)
			spend_size(p, n->u.seq.items[i]);
	else if (n->kind == GW_MAP)
		for (i = 0; i < n->u.map.n && p->work <= WORK_MAX; i++)
			spend_size(p, n->u.map.pairs[i].value);
}

/* JSON equality (RFC 6902 test): maps by key whatever their order, in
 * time linear in their sizes. */
static bool equal(const struct gw_node *a, const struct gw_node *b)
{
	struct gw_index ix = { 0 };
	size_t i, at;
	bool same = true;

	if (a->kind != GW_MAP || b->kind != GW_MAP) {
		if (a->kind != GW_SEQ || b->kind != GW_SEQ)
			return gw_node_equal(a, b);
		if (a->u.seq.n != b->u.seq.n)
			return false;
		for (i = 0; i < a->u.seq.n; i++)
			if (!equal(a->u.seq.items[i], b->u.seq.items[i]))
				return false;
		return true;
	}
	if (a->u.map.n != b->u.map.n)
		return false;
	gw_index_map(&ix, b);
	for (i = 0; same && i < a->u.map.n; i++)
		same = gw_index_find(&ix, a->u.map.pairs[i].key, &at) &&
		       equal(a->u.map.pairs[i].value, b->u.map.pairs[at].value);
	gw_index_release(&ix);
	return same;
}

/* A value for a message: its JSON, cut short. */
static const char *show_value(struct patcher *p, const struct gw_node *n)
{
	struct gw_buf json = { 0 };
	const char *s;
	size_t i, o = 0;
	char *flat;

	gw_emit_json(&json, n);
	flat = gw_arena_alloc(p->arena, json.len + 1);
	for (i = 0; i < json.len; i++)	/* one line: jq's layout folded */
		if (json.data[i] == '\n')
			while (i + 1 < json.len && json.data[i + 1] == ' ')
				i++;
		else
			flat[o++] = json.data[i];
	gw_buf_release(&json);
	s = o > 60 ? gw_arena_printf(p->arena, "%.57s...", flat) : flat;
	return s;
}

/* One operation on *@doc; -1 after an error. */
static int apply_op(struct patcher *p, struct gw_node *doc,
		    const struct op *op)
{
	const char *name = op_names[op->code], *why;
	struct gw_node *parent, *from_parent, *v;
	size_t at, from_at, i;

	if (op->code == OP_MOVE || op->code == OP_COPY) {
		why = locate(p, doc, &op->from, false, &from_parent, &from_at);
		if (!why && !node_at(from_parent, from_at))
			why = gw_arena_printf(p->arena, "%s does not exist",
					      op->from.text);
		if (why) {
			fail(p, op->node->mark, "%s from %s: %s", name,
			     op->from.text, why);
			return -1;
		}
		v = node_at(from_parent, from_at);
		if (op->code == OP_MOVE) {
			if (!strcmp(op->from.text, op->path.text))
				return 0;
			for (i = 0; i < op->from.n && i < op->path.n &&
			     op->from.t[i].len == op->path.t[i].len &&
			     !memcmp(op->from.t[i].s, op->path.t[i].s,
				     op->from.t[i].len); i++)
				;
			if (i == op->from.n) {
				fail(p, op->node->mark, "move from %s into "
				     "%s: a value cannot move into itself",
				     op->from.text, op->path.text);
				return -1;
			}
			remove_at(p, from_parent, from_at);
		} else {
			spend_size(p, v);
			if (p->work > WORK_MAX)
				return 0;	/* reported by the caller */
			v = gw_node_copy(p->arena, v);
		}
	} else {
		v = op->value ? gw_node_copy(p->arena, op->value) : NULL;
	}
	why = locate(p, doc, &op->path, op->code == OP_ADD ||
		     op->code == OP_MOVE || op->code == OP_COPY, &parent, &at);
	if (!why && op->code != OP_ADD && op->code != OP_MOVE &&
	    op->code != OP_COPY && !node_at(parent, at))
		why = gw_arena_printf(p->arena, "%s does not exist",
				      op->path.text);
	if (why) {
		fail(p, op->node->mark, "%s %s: %s", name, op->path.text, why);
		return -1;
	}
	switch (op->code) {
	case OP_ADD:
	case OP_MOVE:
	case OP_COPY:
		add_at(p, parent, at, &op->path.t[op->path.n - 1], v);
		break;
	case OP_REMOVE:
		remove_at(p, parent, at);
		break;
	case OP_REPLACE:
		if (parent->kind == GW_MAP)
			parent->u.map.pairs[at].value = v;
		else
			parent->u.seq.items[at] = v;
		break;
	case OP_TEST:
		spend_size(p, node_at(parent, at));
		if (p->work <= WORK_MAX && !equal(node_at(parent, at), v)) {
			fail(p, op->node->mark, "test %s failed: it is %s, "
			     "not %s", op->path.text,
			     show_value(p, node_at(parent, at)),
			     show_value(p, v));
			return -1;
		}
		break;
	}
	return 0;
}

/* What names an object: a patch may not change it. */
static const char *const identity[][2] = {
	{ NULL, "apiVersion" }, { NULL, "kind" },
	{ "metadata", "name" }, { "metadata", "namespace" },
};
#define NIDENTITY (sizeof(identity) / sizeof(*identity))

/* Its field @i in @obj (the lookups spend from @p's budget: operations
 * can give metadata many keys). */
static const struct gw_node *identity_field(struct patcher *p,
					    const struct gw_node *obj,
					    size_t i)
{
	const struct gw_node *m = obj;

	if (obj->kind != GW_MAP)
		return NULL;
	if (p)
		spend(p, obj->u.map.n);
	if (identity[i][0])
		m = gw_map_get(obj, identity[i][0]);
	if (!m || m->kind != GW_MAP)
		return NULL;
	if (p && m != obj)
		spend(p, m->u.map.n);
	return gw_map_get(m, identity[i][1]);
}

static const char *show_field(struct patcher *p, const struct gw_node *n)
{
	return !n ? "nothing" : n->kind == GW_STR ? show(p, n) :
	       show_value(p, n);
}

/* The operations @ops on *@doc, at @p's path. */
static int patch_json(struct patcher *p, struct gw_node **doc,
		      const struct gw_node *ops)
{
	struct op *parsed = gw_arena_alloc(p->arena, (ops->u.seq.n + 1) *
					   sizeof(*parsed));
	const struct gw_node *was[NIDENTITY], *now;
	size_t i, k, at;
	int err = 0;

	if (parse_ops(p, ops, parsed))
		return -1;
	for (k = 0; k < NIDENTITY; k++)
		was[k] = identity_field(NULL, *doc, k);
	for (i = 0; !err && i < ops->u.seq.n; i++) {
		at = push_index(&p->path, i);
		err = apply_op(p, *doc, &parsed[i]);
		if (p->work > WORK_MAX)
			err = -1;	/* the caller says so */
		for (k = 0; !err && k < NIDENTITY; k++) {
			now = identity_field(p, *doc, k);
			if (was[k] == now || (was[k] && now &&
					      gw_node_equal(was[k], now)))
				continue;
			fail(p, parsed[i].node->mark, "%s %s changes the "
			     "object's %s%s%s (%s to %s): gwc's folder, "
			     "selectors and checks hang on it, and a patch "
			     "may not change apiVersion, kind, metadata.name "
			     "or metadata.namespace",
			     op_names[parsed[i].code], parsed[i].path.text,
			     identity[k][0] ? identity[k][0] : "",
			     identity[k][0] ? "." : "", identity[k][1],
			     show_field(p, was[k]), show_field(p, now));
			err = -1;
		}
		pop(&p->path, at);
	}
	return err;
}

int gw_patch_json(struct gw_arena *arena, struct gw_diag *diag,
		  const char *path, struct gw_node **doc,
		  const struct gw_node *ops)
{
	struct patcher p;
	int err;

	patcher_init(&p, arena, diag, path);
	err = patch_json(&p, doc, ops);
	if (p.work > WORK_MAX)
		fail(&p, ops->mark, "the operations take over %zu steps "
		     "through the object's nodes, gwc's limit", WORK_MAX);
	patcher_release(&p);
	return err;
}

/* ---- targets ------------------------------------------------------------ */

enum sel_op { SEL_IN, SEL_NOT_IN, SEL_EQUALS, SEL_NOT_EQUALS, SEL_EXISTS,
	      SEL_NOT_EXISTS, SEL_GREATER, SEL_LESS };

/* One requirement of a label or annotation selector. */
struct requirement {
	struct gw_node *key;		/* a string node, for the index */
	enum sel_op op;
	struct gw_node **values;	/* string nodes */
	size_t n;
	long long number;		/* SEL_GREATER, SEL_LESS */
};

struct selector {
	struct requirement *r;
	size_t n;
	bool given;
};

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

/* Kubernetes' IsDNS1123Subdomain, for a key's prefix. */
static bool dns_subdomain(const char *s, size_t len)
{
	size_t i;
	bool label_start = true;

	if (!len || len > 253)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (label_start && !alnum)
			return false;
		if (c == '.') {
			if (s[i - 1] == '-')
				return false;
			label_start = true;
			continue;
		}
		if (!alnum && c != '-')
			return false;
		label_start = false;
	}
	return s[len - 1] != '-' && s[len - 1] != '.';
}

/* A label value, or the name part of a key (@empty false): at most 63
 * letters, digits, '-', '_', '.', starting and ending alphanumeric. */
static bool label_name(const char *s, size_t len, bool empty)
{
	size_t i;

	if (!len)
		return empty;
	if (len > 63)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!alnum && ((i == 0 || i == len - 1) ||
			       (c != '-' && c != '_' && c != '.')))
			return false;
	}
	return true;
}

static bool label_key(const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);

	if (!slash)
		return label_name(s, len, false);
	return dns_subdomain(s, (size_t)(slash - s)) &&
	       label_name(slash + 1, len - (size_t)(slash - s) - 1, false);
}

/* A token of the selector syntax: an identifier, or one of ! != = == ( )
 * , > < (kind is its first character); kind 0 at the end. */
struct sel_token {
	char kind;		/* 'a': identifier */
	const char *s;
	size_t len, col;
};

static bool sel_special(char c)
{
	return strchr("=!(),<>", c) != NULL;
}

static bool sel_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static struct sel_token sel_next(const char *s, size_t len, size_t *i)
{
	struct sel_token t = { 0, s + len, 0, 0 };

	while (*i < len && sel_space(s[*i]))
		(*i)++;
	t.col = *i + 1;
	if (*i >= len)
		return t;
	t.s = s + *i;
	if (sel_special(s[*i])) {
		t.kind = s[*i];
		t.len = 1;
		if ((s[*i] == '!' || s[*i] == '=') && *i + 1 < len &&
		    s[*i + 1] == '=')
			t.len = 2;
	} else {
		t.kind = 'a';
		while (*i + t.len < len && !sel_space(s[*i + t.len]) &&
		       !sel_special(s[*i + t.len]))
			t.len++;
	}
	*i += t.len;
	return t;
}

static bool tok_is(const struct sel_token *t, const char *word)
{
	return t->kind == 'a' && t->len == strlen(word) &&
	       !memcmp(t->s, word, t->len);
}

static const char *tok_show(struct patcher *p, const struct sel_token *t)
{
	return t->kind ? gw_diag_show(p->arena, t->s, t->len) : "the end";
}

static struct gw_node *str_node(struct patcher *p, const char *s, size_t len)
{
	struct gw_node *n = gw_node_new(p->arena, GW_STR);

	n->u.str.s = gw_arena_strndup(p->arena, s, len);
	n->u.str.len = len;
	return n;
}

/* Checks a value of a requirement; -1 after an error. */
static int sel_value(struct patcher *p, const struct gw_node *at,
		     const struct sel_token *t)
{
	if (!label_name(t->s, t->len, true)) {
		fail(p, at->mark, "column %zu: %s is not a label value (at "
		     "most 63 letters, digits, '-', '_' and '.', starting "
		     "and ending with a letter or digit)", t->col,
		     tok_show(p, t));
		return -1;
	}
	return 0;
}

/*
 * Parses the selector @at (a string) as Kubernetes' labels.Parse does:
 * requirements separated by ',', each "key", "!key", "key=v", "key==v",
 * "key!=v", "key in (v,...)", "key notin (v,...)", "key>N", "key<N".
 */
static int parse_selector(struct patcher *p, const struct gw_node *at,
			  struct selector *sel)
{
	const char *s = at->u.str.s;
	size_t len = at->u.str.len, i = 0, cap = 0;
	struct sel_token t;

	sel->given = true;
	t = sel_next(s, len, &i);
	while (t.kind) {
		struct requirement r = { 0 };
		size_t vcap = 0;
		bool negated = t.kind == '!' && t.len == 1;

		if (negated)
			t = sel_next(s, len, &i);
		if (t.kind != 'a' || !label_key(t.s, t.len)) {
			fail(p, at->mark, "column %zu: %s, where a label key "
			     "belongs ([prefix/]name)", t.col, tok_show(p, &t));
			return -1;
		}
		r.key = str_node(p, t.s, t.len);
		t = sel_next(s, len, &i);
		if (negated || !t.kind || t.kind == ',') {
			r.op = negated ? SEL_NOT_EXISTS : SEL_EXISTS;
		} else if (tok_is(&t, "in") || tok_is(&t, "notin")) {
			r.op = tok_is(&t, "in") ? SEL_IN : SEL_NOT_IN;
			t = sel_next(s, len, &i);
			if (t.kind != '(') {
				fail(p, at->mark, "column %zu: %s, where '(' "
				     "belongs", t.col, tok_show(p, &t));
				return -1;
			}
			for (;;) {
				t = sel_next(s, len, &i);
				if (t.kind == ')' && !r.n)
					break;
				if (t.kind != 'a' || sel_value(p, at, &t)) {
					if (t.kind != 'a')
						fail(p, at->mark, "column %zu: "
						     "%s, where a value belongs",
						     t.col, tok_show(p, &t));
					return -1;
				}
				r.values = gw_arena_grow(p->arena, r.values,
							 r.n, &vcap,
							 sizeof(*r.values));
				r.values[r.n++] = str_node(p, t.s, t.len);
				t = sel_next(s, len, &i);
				if (t.kind == ')')
					break;
				if (t.kind != ',') {
					fail(p, at->mark, "column %zu: %s, "
					     "where ',' or ')' belongs", t.col,
					     tok_show(p, &t));
					return -1;
				}
			}
			t = sel_next(s, len, &i);
		} else if (t.kind == '=' || (t.kind == '!' && t.len == 2) ||
			   t.kind == '>' || t.kind == '<') {
			char op = t.kind;

			r.op = op == '=' ? SEL_EQUALS : op == '!' ?
			       SEL_NOT_EQUALS : op == '>' ? SEL_GREATER :
			       SEL_LESS;
			t = sel_next(s, len, &i);
			if (op == '>' || op == '<') {
				char *end, *num;

				num = t.kind == 'a' ? gw_arena_strndup(p->arena,
					t.s, t.len) : NULL;
				if (num)
					r.number = strtoll(num, &end, 10);
				if (!num || *end || !t.len ||
				    !label_name(t.s, t.len, false)) {
					fail(p, at->mark, "column %zu: %s, "
					     "where an integer belongs", t.col,
					     tok_show(p, &t));
					return -1;
				}
				t = sel_next(s, len, &i);
			} else {
				struct sel_token v = t;

				if (t.kind == 'a') {
					if (sel_value(p, at, &t))
						return -1;
					t = sel_next(s, len, &i);
				} else if (t.kind && t.kind != ',') {
					fail(p, at->mark, "column %zu: %s, "
					     "where a value belongs", t.col,
					     tok_show(p, &t));
					return -1;
				} else {
					v.len = 0;	/* "k=": the empty value */
				}
				r.values = gw_arena_alloc(p->arena,
							  sizeof(*r.values));
				r.values[0] = str_node(p, v.s, v.len);
				r.n = 1;
			}
		} else {
			fail(p, at->mark, "column %zu: %s, where an operator "
			     "belongs (=, ==, !=, in, notin, >, <, or ',' "
			     "after a key alone)", t.col, tok_show(p, &t));
			return -1;
		}
		sel->r = gw_arena_grow(p->arena, sel->r, sel->n, &cap,
				       sizeof(*sel->r));
		sel->r[sel->n++] = r;
		if (t.kind == ',') {
			t = sel_next(s, len, &i);
			if (t.kind != 'a' && t.kind != '!') {
				fail(p, at->mark, "column %zu: %s, where a "
				     "requirement belongs after ','", t.col,
				     tok_show(p, &t));
				return -1;
			}
		} else if (t.kind) {
			fail(p, at->mark, "column %zu: %s, where ',' or the "
			     "end belongs", t.col, tok_show(p, &t));
			return -1;
		}
	}
	return 0;
}

/* True when @map (labels or annotations; NULL: none) meets @sel. */
static bool selector_matches(struct patcher *p, const struct selector *sel,
			     const struct gw_node *map)
{
	struct gw_index ix = { 0 };
	size_t i, j, at;
	bool ok = true;

	if (!sel->given)
		return true;
	if (map && map->kind == GW_MAP) {
		spend(p, map->u.map.n);
		gw_index_map(&ix, map);
	}
	for (i = 0; ok && i < sel->n; i++) {
		const struct requirement *r = &sel->r[i];
		const struct gw_node *have = NULL;
		bool in = false;

		if (ix.n && gw_index_find(&ix, r->key, &at))
			have = map->u.map.pairs[at].value;
		for (j = 0; have && j < r->n; j++)
			in = in || gw_node_equal(have, r->values[j]);
		switch (r->op) {
		case SEL_IN:
		case SEL_EQUALS:
			ok = have && in;
			break;
		case SEL_NOT_IN:
		case SEL_NOT_EQUALS:
			ok = !have || !in;
			break;
		case SEL_EXISTS:
			ok = have != NULL;
			break;
		case SEL_NOT_EXISTS:
			ok = have == NULL;
			break;
		case SEL_GREATER:
		case SEL_LESS: {
			char *end = NULL;
			long long v = 0;

			ok = have && have->kind == GW_STR;
			if (ok)
				v = strtoll(have->u.str.s, &end, 10);
			ok = ok && have->u.str.len && !*end;
			ok = ok && (r->op == SEL_GREATER ? v > r->number :
				    v < r->number);
			break;
		}
		}
	}
	gw_index_release(&ix);
	return ok;
}

/*
 * Compiles the target pattern @n as kustomize anchors it ("^(?:P)$", Go's
 * RE2), in POSIX extended syntax, which reads alike what this accepts:
 * escapes of punctuation only, no (? groups, no backslash in brackets,
 * counted repeats that multiply to at most REPEAT_MAX (so that neither
 * library's compiled form grows large).
 */
static int compile_pattern(struct patcher *p, const struct gw_node *n,
			   regex_t *re)
{
	const char *s = n->u.str.s, *why = NULL;
	size_t len = n->u.str.len, i, product = 1;
	char *anchored, msg[128];
	int rc;

	if (len > PATTERN_MAX)
		why = "longer than 1024 characters";
	else if (strlen(s) != len)
		why = "holds a NUL";
	for (i = 0; !why && i < len; i++) {
		char c = s[i];

		if (c == '\\') {
			char e = i + 1 < len ? s[i + 1] : '\0';

			if (!e || (e >= '0' && e <= '9') ||
			    (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z'))
				why = "has an escape other than of punctuation "
				      "(\\d, \\w, \\1 and the like read "
				      "differently in RE2 and POSIX)";
			i++;
		} else if (c == '(' && i + 1 < len && s[i + 1] == '?') {
			why = "has a (? group or flag, which POSIX lacks";
		} else if (c == '[') {
			for (i++; i < len && (s[i] == '^' || s[i] == ']'); i++)
				;
			for (; i < len && s[i] != ']'; i++) {
				if (s[i] == '\\')
					why = "has a backslash in brackets (RE2 "
					      "reads an escape, POSIX a "
					      "backslash)";
				/* a class, [:alpha:], may hold a ']' */
				if (s[i] == '[' && i + 1 < len &&
				    s[i + 1] == ':')
					for (i += 2; i + 1 < len &&
					     !(s[i] == ':' && s[i + 1] == ']');
					     i++)
						;
			}
		} else if (c == '{') {
			size_t count = 0, most = 0;

			if (i + 1 < len && s[i + 1] == ',')
				why = "has {,n}, which RE2 reads as text";
			for (i++; !why && i < len && s[i] != '}'; i++)
				if (s[i] >= '0' && s[i] <= '9') {
					count = count * 10 + (size_t)(s[i] - '0');
					if (count > REPEAT_MAX)
						count = REPEAT_MAX + 1;
					most = count > most ? count : most;
				} else {
					count = 0;
				}
			product *= most ? most : 1;
			if (product > REPEAT_MAX)
				why = "repeats more than 1000 times in all";
		}
	}
	if (why) {
		fail(p, n->mark, "%s as a regular expression %s", show(p, n),
		     why);
		return -1;
	}
	anchored = gw_arena_printf(p->arena, "^(%s)$", s);
	rc = regcomp(re, anchored, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		regerror(rc, re, msg, sizeof(msg));
		fail(p, n->mark, "%s is not a regular expression: %s",
		     show(p, n), msg);
		return -1;
	}
	return 0;
}

/* ---- entries ------------------------------------------------------------ */

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
		out->have_re[i] = !compile_pattern(p, v, &out->re[i]);
		pop(&p->path, at);
	}
	if (out->target && (v = gw_map_get(out->target, "labelSelector"))) {
		at = p->path.len;
		gw_buf_puts(&p->path, ".target.labelSelector");
		parse_selector(p, v, &out->labels);
		pop(&p->path, at);
	}
	if (out->target &&
	    (v = gw_map_get(out->target, "annotationSelector"))) {
		at = p->path.len;
		gw_buf_puts(&p->path, ".target.annotationSelector");
		parse_selector(p, v, &out->annotations);
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
	return selector_matches(p, &e->labels, gw_map_get(meta, "labels")) &&
	       selector_matches(p, &e->annotations,
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
	struct gw_index ix = { 0 };
	size_t i, at;
	bool ok = true;

	if (!sel || sel->kind != GW_MAP)
		return true;
	if (!labels || labels->kind != GW_MAP)
		return sel->u.map.n == 0;
	gw_index_map(&ix, labels);
	for (i = 0; ok && i < sel->u.map.n; i++)
		ok = gw_index_find(&ix, sel->u.map.pairs[i].key, &at) &&
		     gw_node_equal(labels->u.map.pairs[at].value,
				   sel->u.map.pairs[i].value);
	gw_index_release(&ix);
	return ok;
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
			miss = labels_select(field_at(objs[i].tree, match_labels),
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
		const struct gw_node *keep[NIDENTITY];
		struct gw_node *meta;

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
			patch_json(p, &objs[i].tree, e->patch);
		} else {
			for (k = 0; k < NIDENTITY; k++)
				keep[k] = identity_field(NULL, objs[i].tree, k);
			if (!patch_merge(p, &objs[i].tree, e->patch)) {
				/* kustomize keeps the target's names
				 * (Resource.ApplySmPatch) */
				for (k = 0; k < NIDENTITY; k++) {
					struct gw_pair *pair;
					struct gw_node *in = objs[i].tree;

					if (identity[k][0]) {
						meta = gw_map_get(in,
							identity[k][0]);
						if (!meta || meta->kind !=
						    GW_MAP)
							meta = gw_map_put(
							p->arena, in,
							identity[k][0],
							gw_node_map(p->arena));
						in = meta;
					}
					pair = gw_map_pair(in, identity[k][1]);
					if (pair && keep[k])
						pair->value = (struct gw_node *)
							      keep[k];
					else if (keep[k])
						gw_map_put(p->arena, in,
							   identity[k][1],
							   (struct gw_node *)
							   keep[k]);
					else if (pair)
						pair->value = NULL;
				}
				meta = gw_map_get(objs[i].tree, "metadata");
				for (k = 0; meta && k < meta->u.map.n; k++)
					if (!meta->u.map.pairs[k].value) {
						memmove(&meta->u.map.pairs[k],
							&meta->u.map.pairs[k + 1],
							(meta->u.map.n - k - 1) *
							sizeof(*meta->u.map.pairs));
						meta->u.map.n--;
						k--;
					}
			}
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
		check_selectors(&p, list, objs, n, changed_by);
	err = p.errors ? -1 : 0;
	patcher_release(&p);
	return err;
}
