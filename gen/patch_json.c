/*
 * patch_json.c - spec.patches: JSON 6902 operations (RFC 6902, as
 * evanphx/json-patch v4 in kustomize applies them) on an object tree,
 * each failure an error at its operation; every walk spends from the
 * patcher's budget (WORK_MAX).  gen/patch.c applies them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patch.h"

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
		if (p->work <= WORK_MAX && !gw_node_equal(node_at(parent, at), v)) {
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

const char *const gw_patch_identity[GW_PATCH_NIDENTITY][2] = {
	{ NULL, "apiVersion" }, { NULL, "kind" },
	{ "metadata", "name" }, { "metadata", "namespace" },
};

/* Its field @i in @obj (the lookups spend from @p's budget: operations
 * can give metadata many keys). */
const struct gw_node *gw_patch_identity_field(struct patcher *p,
					    const struct gw_node *obj,
					    size_t i)
{
	const struct gw_node *m = obj;

	if (obj->kind != GW_MAP)
		return NULL;
	if (p)
		spend(p, obj->u.map.n);
	if (gw_patch_identity[i][0])
		m = gw_map_get(obj, gw_patch_identity[i][0]);
	if (!m || m->kind != GW_MAP)
		return NULL;
	if (p && m != obj)
		spend(p, m->u.map.n);
	return gw_map_get(m, gw_patch_identity[i][1]);
}

static const char *show_field(struct patcher *p, const struct gw_node *n)
{
	return !n ? "nothing" : n->kind == GW_STR ? show(p, n) :
	       show_value(p, n);
}

/* The operations @ops on *@doc, at @p's path. */
int gw_patch_apply_ops(struct patcher *p, struct gw_node **doc,
		      const struct gw_node *ops)
{
	struct op *parsed = gw_arena_alloc(p->arena, (ops->u.seq.n + 1) *
					   sizeof(*parsed));
	const struct gw_node *was[GW_PATCH_NIDENTITY], *now;
	size_t i, k, at;
	int err = 0;

	if (parse_ops(p, ops, parsed))
		return -1;
	for (k = 0; k < GW_PATCH_NIDENTITY; k++)
		was[k] = gw_patch_identity_field(NULL, *doc, k);
	for (i = 0; !err && i < ops->u.seq.n; i++) {
		at = push_index(&p->path, i);
		err = apply_op(p, *doc, &parsed[i]);
		if (p->work > WORK_MAX)
			err = -1;	/* the caller says so */
		for (k = 0; !err && k < GW_PATCH_NIDENTITY; k++) {
			const char *const *id = gw_patch_identity[k];

			now = gw_patch_identity_field(p, *doc, k);
			if (was[k] == now || (was[k] && now &&
					      gw_node_equal(was[k], now)))
				continue;
			fail(p, parsed[i].node->mark, "%s %s changes the "
			     "object's %s%s%s (%s to %s): gwc's folder, "
			     "selectors and checks hang on it, and a patch "
			     "may not change apiVersion, kind, metadata.name "
			     "or metadata.namespace",
			     op_names[parsed[i].code], parsed[i].path.text,
			     id[0] ? id[0] : "", id[0] ? "." : "", id[1],
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
	err = gw_patch_apply_ops(&p, doc, ops);
	if (p.work > WORK_MAX)
		fail(&p, ops->mark, "the operations take over %zu steps "
		     "through the object's nodes, gwc's limit", WORK_MAX);
	patcher_release(&p);
	return err;
}

