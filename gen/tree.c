/*
 * tree.c - the data tree shared by every stage: null, bool, integer, number,
 * string, sequence and mapping nodes, each with the mark of its source.
 *
 * Mappings keep insertion order; keys are string nodes.  All nodes live in
 * the arena they were made in.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

const char *gw_kind_name(enum gw_kind kind)
{
	static const char *const names[] = {
		[GW_NULL] = "null", [GW_BOOL] = "boolean",
		[GW_INT] = "integer", [GW_NUM] = "number",
		[GW_STR] = "string", [GW_SEQ] = "array",
		[GW_MAP] = "object",
	};
	return names[kind];
}

struct gw_node *gw_node_new(struct gw_arena *arena, enum gw_kind kind)
{
	struct gw_node *n = gw_arena_alloc(arena, sizeof(*n));

	n->kind = kind;
	return n;
}

struct gw_node *gw_node_str(struct gw_arena *arena, const char *s)
{
	struct gw_node *n = gw_node_new(arena, GW_STR);

	n->u.str.s = s;
	n->u.str.len = strlen(s);
	return n;
}

struct gw_node *gw_node_int(struct gw_arena *arena, long long i)
{
	struct gw_node *n = gw_node_new(arena, GW_INT);

	n->u.i = i;
	return n;
}

struct gw_node *gw_node_bool(struct gw_arena *arena, bool b)
{
	struct gw_node *n = gw_node_new(arena, GW_BOOL);

	n->u.b = b;
	return n;
}

struct gw_node *gw_node_map(struct gw_arena *arena)
{
	return gw_node_new(arena, GW_MAP);
}

struct gw_node *gw_node_seq(struct gw_arena *arena)
{
	return gw_node_new(arena, GW_SEQ);
}

/* Grows an arena array of @size-byte items from @cap to hold one more. */
void gw_seq_push(struct gw_arena *arena, struct gw_node *seq,
		 struct gw_node *item)
{
	seq->u.seq.items = gw_arena_grow(arena, seq->u.seq.items, seq->u.seq.n,
				&seq->u.seq.cap, sizeof(*seq->u.seq.items));
	seq->u.seq.items[seq->u.seq.n++] = item;
}

struct gw_node *gw_map_put(struct gw_arena *arena, struct gw_node *map,
			   const char *key, struct gw_node *value)
{
	struct gw_pair *p;

	map->u.map.pairs = gw_arena_grow(arena, map->u.map.pairs, map->u.map.n,
				&map->u.map.cap, sizeof(*map->u.map.pairs));
	p = &map->u.map.pairs[map->u.map.n++];
	p->key = gw_node_str(arena, key);
	p->value = value;
	return value;
}

struct gw_pair *gw_map_pair(const struct gw_node *map, const char *key)
{
	size_t i, len = strlen(key);

	if (!map || map->kind != GW_MAP)
		return NULL;
	for (i = 0; i < map->u.map.n; i++) {
		const struct gw_node *k = map->u.map.pairs[i].key;

		if (k->u.str.len == len && !memcmp(k->u.str.s, key, len))
			return &map->u.map.pairs[i];
	}
	return NULL;
}

struct gw_node *gw_map_get(const struct gw_node *map, const char *key)
{
	struct gw_pair *p = gw_map_pair(map, key);

	return p ? p->value : NULL;
}

const struct gw_node *gw_node_at(const struct gw_node *doc, const char *path)
{
	const struct gw_node *n = doc;
	size_t i, len;

	while (n && *path) {
		const struct gw_node *next = NULL;

		len = strcspn(path, ".");
		for (i = 0; n->kind == GW_MAP && i < n->u.map.n; i++) {
			const struct gw_node *k = n->u.map.pairs[i].key;

			if (k->u.str.len == len && !memcmp(k->u.str.s, path, len))
				next = n->u.map.pairs[i].value;
		}
		n = next;
		path += len + (path[len] == '.');
	}
	return n;
}

static int compare_strings(const char *a, size_t alen, const char *b,
			   size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int compare_pairs(const void *pa, const void *pb)
{
	const struct gw_node *a = ((const struct gw_pair *)pa)->key;
	const struct gw_node *b = ((const struct gw_pair *)pb)->key;

	return compare_strings(a->u.str.s, a->u.str.len, b->u.str.s,
			       b->u.str.len);
}

void gw_map_sort(struct gw_node *map)
{
	if (map && map->kind == GW_MAP && map->u.map.n > 1)
		qsort(map->u.map.pairs, map->u.map.n,
		      sizeof(*map->u.map.pairs), compare_pairs);
}

/* ---- the index ---------------------------------------------------------- */

static uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *s = data;

	while (len--)
		h = (h ^ *s++) * 1099511628211u;	/* FNV-1a */
	return h;
}

/* A hash that equal nodes (gw_node_equal) share: numbers by their value
 * as a double (1 and 1.0 are equal), a mapping whatever its order. */
static uint64_t hash_node(const struct gw_node *n)
{
	uint64_t h = 1469598103934665603u + n->kind, sum = 0;
	double num;
	size_t i;

	switch (n->kind) {
	case GW_NULL:
		return 1;
	case GW_BOOL:
		return n->u.b ? 2 : 3;
	case GW_INT:
	case GW_NUM:
		num = n->kind == GW_INT ? (double)n->u.i : n->u.num;
		if (num == 0)
			num = 0;	/* -0 and 0 are equal */
		return hash_bytes(4, &num, sizeof(num));
	case GW_STR:
		return hash_bytes(h, n->u.str.s, n->u.str.len);
	case GW_SEQ:
		for (i = 0; i < n->u.seq.n; i++) {
			uint64_t item = hash_node(n->u.seq.items[i]);

			h = hash_bytes(h, &item, sizeof(item));
		}
		return h;
	case GW_MAP:
		for (i = 0; i < n->u.map.n; i++)
			sum += hash_node(n->u.map.pairs[i].key) * 31 +
			       hash_node(n->u.map.pairs[i].value);
		return hash_bytes(h, &sum, sizeof(sum));
	}
	return h;
}

static struct gw_index_slot *find_slot(const struct gw_index *ix,
				       const struct gw_node *key, uint64_t h)
{
	size_t i = h & (ix->cap - 1);

	while (ix->slots[i].key && (ix->slots[i].hash != h ||
				    !gw_node_equal(ix->slots[i].key, key)))
		i = (i + 1) & (ix->cap - 1);
	return &ix->slots[i];
}

bool gw_index_find(const struct gw_index *ix, const struct gw_node *key,
		   size_t *value)
{
	struct gw_index_slot *slot;

	if (!ix->cap)
		return false;
	slot = find_slot(ix, key, hash_node(key));
	if (slot->key && value)
		*value = slot->value;
	return slot->key != NULL;
}

bool gw_index_add(struct gw_index *ix, const struct gw_node *key,
		  size_t value)
{
	uint64_t h = hash_node(key);
	struct gw_index_slot *slot;
	size_t i;

	if ((ix->n + 1) * 2 > ix->cap) {	/* at most half full */
		struct gw_index bigger = { NULL, 0, ix->cap ? ix->cap * 2 : 16 };

		bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
		if (!bigger.slots)
			gw_oom();
		for (i = 0; i < ix->cap; i++)
			if (ix->slots[i].key)
				*find_slot(&bigger, ix->slots[i].key,
					   ix->slots[i].hash) = ix->slots[i];
		bigger.n = ix->n;
		free(ix->slots);
		*ix = bigger;
	}
	slot = find_slot(ix, key, h);
	if (slot->key)
		return false;
	*slot = (struct gw_index_slot){ key, value, h };
	ix->n++;
	return true;
}

void gw_index_release(struct gw_index *ix)
{
	free(ix->slots);
	*ix = (struct gw_index){ NULL, 0, 0 };
}

void gw_index_map(struct gw_index *ix, const struct gw_node *map)
{
	size_t i;

	for (i = 0; i < map->u.map.n; i++)
		gw_index_add(ix, map->u.map.pairs[i].key, i);
}

void gw_index_put(struct gw_arena *arena, struct gw_index *ix,
		  struct gw_node *map, struct gw_node *key,
		  struct gw_node *value)
{
	size_t at;

	if (gw_index_find(ix, key, &at)) {
		map->u.map.pairs[at].value = value;
		return;
	}
	map->u.map.pairs = gw_arena_grow(arena, map->u.map.pairs, map->u.map.n,
				&map->u.map.cap, sizeof(*map->u.map.pairs));
	map->u.map.pairs[map->u.map.n] = (struct gw_pair){ key, value };
	gw_index_add(ix, key, map->u.map.n++);
}


bool gw_node_equal(const struct gw_node *a, const struct gw_node *b)
{
	size_t i;

	if ((a->kind == GW_INT || a->kind == GW_NUM) &&
	    (b->kind == GW_INT || b->kind == GW_NUM)) {
		double x = a->kind == GW_INT ? (double)a->u.i : a->u.num;
		double y = b->kind == GW_INT ? (double)b->u.i : b->u.num;

		if (a->kind == GW_INT && b->kind == GW_INT)
			return a->u.i == b->u.i;
		return x == y;
	}
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case GW_NULL:
		return true;
	case GW_BOOL:
		return a->u.b == b->u.b;
	case GW_STR:
		return !compare_strings(a->u.str.s, a->u.str.len, b->u.str.s,
					b->u.str.len);
	case GW_SEQ:
		if (a->u.seq.n != b->u.seq.n)
			return false;
		for (i = 0; i < a->u.seq.n; i++)
			if (!gw_node_equal(a->u.seq.items[i], b->u.seq.items[i]))
				return false;
		return true;
	case GW_MAP:
		if (a->u.map.n != b->u.map.n)
			return false;
		if (a->u.map.n > 8)	/* a user-sized map: by an index */
			return gw_map_within(a, b);
		for (i = 0; i < a->u.map.n; i++) {
			const struct gw_pair *p = &a->u.map.pairs[i];
			const struct gw_node *k = p->key;
			char *key = strndup(k->u.str.s, k->u.str.len);
			struct gw_node *other;

			if (!key)
				gw_oom();
			other = gw_map_get(b, key);
			free(key);
			if (!other || !gw_node_equal(p->value, other))
				return false;
		}
		return true;
	default:
		return false;
	}
}

bool gw_map_within(const struct gw_node *sub, const struct gw_node *map)
{
	struct gw_index ix = { 0 };
	size_t i, at;
	bool within = true;

	gw_index_map(&ix, map);
	for (i = 0; within && i < sub->u.map.n; i++)
		within = gw_index_find(&ix, sub->u.map.pairs[i].key, &at) &&
			 gw_node_equal(sub->u.map.pairs[i].value,
				       map->u.map.pairs[at].value);
	gw_index_release(&ix);
	return within;
}

struct gw_node *gw_node_copy_deep(struct gw_arena *arena,
				  const struct gw_node *n)
{
	struct gw_node *c;
	size_t i;

	if (!n)
		return NULL;
	c = gw_node_new(arena, n->kind);
	*c = *n;
	if (n->mark.file)
		c->mark.file = gw_arena_strdup(arena, n->mark.file);
	if (n->kind == GW_STR) {
		c->u.str.s = gw_arena_strndup(arena, n->u.str.s, n->u.str.len);
	} else if (n->kind == GW_SEQ) {
		c->u.seq.items = NULL;
		c->u.seq.n = c->u.seq.cap = 0;
		for (i = 0; i < n->u.seq.n; i++)
			gw_seq_push(arena, c, gw_node_copy_deep(arena,
				    n->u.seq.items[i]));
	} else if (n->kind == GW_MAP) {
		c->u.map.pairs = NULL;
		c->u.map.n = c->u.map.cap = 0;
		for (i = 0; i < n->u.map.n; i++) {
			const struct gw_pair *p = &n->u.map.pairs[i];

			gw_map_put(arena, c, "", gw_node_copy_deep(arena,
				   p->value));
			c->u.map.pairs[i].key = gw_node_copy_deep(arena, p->key);
		}
	}
	return c;
}

struct gw_node *gw_node_copy(struct gw_arena *arena, const struct gw_node *n)
{
	struct gw_node *c = gw_node_new(arena, n->kind);
	size_t i;

	*c = *n;
	if (n->kind == GW_SEQ) {
		c->u.seq.items = NULL;
		c->u.seq.n = c->u.seq.cap = 0;
		for (i = 0; i < n->u.seq.n; i++)
			gw_seq_push(arena, c, gw_node_copy(arena, n->u.seq.items[i]));
	} else if (n->kind == GW_MAP) {
		c->u.map.pairs = NULL;
		c->u.map.n = c->u.map.cap = 0;
		for (i = 0; i < n->u.map.n; i++) {
			const struct gw_pair *p = &n->u.map.pairs[i];

			gw_map_put(arena, c, "", gw_node_copy(arena, p->value));
			c->u.map.pairs[i].key = gw_node_copy(arena, p->key);
		}
	}
	return c;
}

static bool is_identifier(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '_' || (i && ((c >= '0' && c <= '9') || c == '-'))))
			return false;
	}
	return true;
}

void gw_format_number(char *buf, double num)
{
	char digits[40], *e;
	int precision, exp, ndigits, decpt, i;
	char *out = buf;

	if (!isfinite(num)) {
		snprintf(buf, 32, "%s", num != num ? "null" :
			 num > 0 ? "1.7976931348623157e+308" :
			 "-1.7976931348623157e+308");
		return;
	}
	/* the fewest significant digits that read back exactly */
	for (precision = 0; precision < 17; precision++) {
		snprintf(digits, sizeof(digits), "%.*e", precision, num);
		if (strtod(digits, NULL) == num)
			break;
	}
	e = strchr(digits, 'e');
	exp = atoi(e + 1);
	*e = '\0';
	if (digits[0] == '-') {
		*out++ = '-';
		memmove(digits, digits + 1, strlen(digits));
	}
	if (digits[1] == '.')	/* "d.ddd" -> "dddd" */
		memmove(digits + 1, digits + 2, strlen(digits + 1));
	ndigits = (int)strlen(digits);
	while (ndigits > 1 && digits[ndigits - 1] == '0')
		digits[--ndigits] = '\0';
	decpt = exp + 1;
	/* the layout jq 1.6 prints numbers in (David Gay's g_fmt, widened) */
	if (decpt <= -4 || decpt > ndigits + 15) {
		out += sprintf(out, "%c", digits[0]);
		if (ndigits > 1)
			out += sprintf(out, ".%s", digits + 1);
		sprintf(out, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
	} else if (decpt <= 0) {
		out += sprintf(out, "0.");
		for (i = decpt; i < 0; i++)
			*out++ = '0';
		sprintf(out, "%s", digits);
	} else {
		for (i = 0; i < ndigits || i < decpt; i++) {
			if (i == decpt)
				*out++ = '.';
			*out++ = i < ndigits ? digits[i] : '0';
		}
		*out = '\0';
	}
}

void gw_path_key(struct gw_buf *path, const char *key, size_t len)
{
	if (is_identifier(key, len)) {
		if (path->len)
			gw_buf_puts(path, ".");
		gw_buf_add(path, key, len);
	} else {
		gw_buf_puts(path, "[");
		gw_diag_quote(path, key, len);
		gw_buf_puts(path, "]");
	}
}

void gw_node_merge(struct gw_arena *arena, struct gw_node *target,
		   const struct gw_node *patch)
{
	size_t i;

	for (i = 0; i < patch->u.map.n; i++) {
		const char *k = patch->u.map.pairs[i].key->u.str.s;
		const struct gw_node *v = patch->u.map.pairs[i].value;
		struct gw_pair *old = gw_map_pair(target, k);

		if (v->kind == GW_NULL && old) {
			size_t at = (size_t)(old - target->u.map.pairs);

			memmove(old, old + 1, (target->u.map.n - at - 1) *
				sizeof(*old));
			target->u.map.n--;
		} else if (v->kind == GW_NULL) {
			continue;
		} else if (v->kind == GW_MAP && old &&
			   old->value->kind == GW_MAP) {
			gw_node_merge(arena, old->value, v);
		} else if (old) {
			old->value = gw_node_copy(arena, v);
		} else {
			gw_map_put(arena, target, k, gw_node_copy(arena, v));
		}
	}
}
