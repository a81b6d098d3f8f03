/*
 * validate.c - the second stage: a tree against a JSON Schema (a subset of
 * draft 2020-12 whose keywords mean the same in draft-07).
 *
 * Consumes a schema tree and a document tree; produces one diagnostic per
 * violation, at the offending node's line:col, with its JSON path.  Every
 * violation is reported, not just the first.
 *
 * Keywords: type, enum, const, properties, required, additionalProperties,
 * propertyNames, minProperties, maxProperties, items, minItems, maxItems,
 * uniqueItems, minimum, maximum, exclusiveMinimum, exclusiveMaximum,
 * multipleOf, minLength, maxLength, pattern (POSIX extended syntax),
 * allOf, anyOf, oneOf, not, $ref (to "#/$defs/..." and "#/definitions/...")
 * and boolean schemas.  Annotations (title, description, default,
 * examples) are ignored except that "title" names a pattern in messages.
 *
 * One deliberate difference: "integer" accepts only integers as written
 * (3, not 3.0), because gwc promises canonical integers in specs.
 */
#include <math.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

struct validator {
	struct gw_diag *diag;		/* NULL: count only */
	const struct gw_node *root;	/* for $ref */
	unsigned errors;
	struct gw_buf path;
	bool embedded;			/* root is the embedded schema */
};

/* The keywords the validator implements, by their place in a schema. */
#define KEYWORDS(X) \
	X(REF, "$ref") X(TYPE, "type") X(CONST, "const") X(ENUM, "enum") \
	X(ALL_OF, "allOf") X(ANY_OF, "anyOf") X(ONE_OF, "oneOf") \
	X(NOT, "not") X(MINIMUM, "minimum") X(MAXIMUM, "maximum") \
	X(EXCLUSIVE_MINIMUM, "exclusiveMinimum") \
	X(EXCLUSIVE_MAXIMUM, "exclusiveMaximum") \
	X(MULTIPLE_OF, "multipleOf") X(PATTERN, "pattern") X(TITLE, "title") \
	X(MIN_LENGTH, "minLength") X(MAX_LENGTH, "maxLength") \
	X(ITEMS, "items") X(UNIQUE_ITEMS, "uniqueItems") \
	X(MIN_ITEMS, "minItems") X(MAX_ITEMS, "maxItems") \
	X(PROPERTIES, "properties") \
	X(ADDITIONAL_PROPERTIES, "additionalProperties") \
	X(REQUIRED, "required") X(PROPERTY_NAMES, "propertyNames") \
	X(MIN_PROPERTIES, "minProperties") X(MAX_PROPERTIES, "maxProperties")

enum keyword {
#define AS_ENUM(id, name) KW_##id,
	KEYWORDS(AS_ENUM)
#undef AS_ENUM
	KW_N
};

static const struct {
	const char *name;
	size_t len;
} keyword_names[KW_N] = {
#define AS_NAME(id, name) { name, sizeof(name) - 1 },
	KEYWORDS(AS_NAME)
#undef AS_NAME
};

/* One schema map's keywords: its values, NULL where absent. */
struct keywords {
	const struct gw_node *kw[KW_N];
};

static void report(struct validator *v, const struct gw_node *at,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void report(struct validator *v, const struct gw_node *at,
		   const char *fmt, ...)
{
	va_list ap;
	struct gw_buf msg = { 0 };
	char *text;
	int n;

	v->errors++;
	if (!v->diag)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = malloc((size_t)n + 1);
	if (!text)
		gw_oom();
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	gw_buf_printf(&msg, "%s: %s", v->path.len ? v->path.data : "(document)",
		      text);
	gw_diag_add(v->diag, GW_SEV_ERROR, at->mark, "%s", msg.data);
	free(text);
	gw_buf_release(&msg);
}

/* ---- helpers ----------------------------------------------------------- */

static void path_pop(struct gw_buf *path, size_t old)
{
	path->len = old;
	if (path->data)
		path->data[old] = '\0';
}

/* Describes a value for a message: scalars with their text, else the kind. */
static void describe(struct gw_buf *out, const struct gw_node *n)
{
	switch (n->kind) {
	case GW_STR: {
		size_t cut = n->u.str.len > 40 ? 40 : n->u.str.len;

		while (cut < n->u.str.len &&
		       ((unsigned char)n->u.str.s[cut] & 0xc0) == 0x80)
			cut--;	/* not inside a UTF-8 sequence */
		gw_buf_puts(out, "string ");
		gw_diag_quote(out, n->u.str.s, cut);
		if (cut < n->u.str.len)
			gw_buf_puts(out, "...");
		break;
	}
	case GW_INT:
		gw_buf_printf(out, "integer %lld", n->u.i);
		break;
	case GW_NUM: {
		char num[GW_NUMBER_SIZE];

		gw_format_number(num, n->u.num);
		gw_buf_printf(out, "number %s", n->src ? n->src : num);
		break;
	}
	case GW_BOOL:
		gw_buf_printf(out, "boolean %s", n->u.b ? "true" : "false");
		break;
	default:
		gw_buf_puts(out, gw_kind_name(n->kind));
	}
}

static size_t utf8_length(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static size_t edit_distance(const char *a, size_t alen, const char *b,
			    size_t blen)
{
	size_t row[64], i, j;

	if (alen >= 63 || blen >= 63)
		return 99;
	for (j = 0; j <= blen; j++)
		row[j] = j;
	for (i = 1; i <= alen; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= blen; j++) {
			size_t up = row[j], best;

			best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[blen];
}

/* The closest of @candidates (strings) to @word, or NULL if none is close. */
static const char *closest(const char *word, size_t len,
			   const struct gw_node *const *cands, size_t n)
{
	const char *best = NULL;
	size_t best_d = (len < 3 ? 1 : len / 3 + 1) + 1, i;

	for (i = 0; i < n; i++) {
		size_t d;

		if (cands[i]->kind != GW_STR)
			continue;
		d = edit_distance(word, len, cands[i]->u.str.s,
				  cands[i]->u.str.len);
		if (d < best_d) {
			best_d = d;
			best = cands[i]->u.str.s;
		}
	}
	return best;
}

static bool get_number(const struct gw_node *n, double *out)
{
	if (!n)
		return false;
	if (n->kind == GW_INT)
		*out = (double)n->u.i;
	else if (n->kind == GW_NUM)
		*out = n->u.num;
	else
		return false;
	return true;
}

static bool get_count(const struct gw_node *n, size_t *out)
{
	if (n && n->kind == GW_NUM && n->u.num >= 0 && n->u.num < 1e15 &&
	    n->u.num == floor(n->u.num)) {
		*out = (size_t)n->u.num;	/* 2.0 counts as 2 */
		return true;
	}
	if (!n || n->kind != GW_INT || n->u.i < 0)
		return false;
	*out = (size_t)n->u.i;
	return true;
}

static bool type_matches(const char *type, const struct gw_node *n)
{
	if (!strcmp(type, "number"))
		return n->kind == GW_INT || n->kind == GW_NUM;
	if (!strcmp(type, "integer"))
		return n->kind == GW_INT;
	return !strcmp(type, gw_kind_name(n->kind));
}

static const struct gw_node *resolve_ref(struct validator *v,
					 const char *ref)
{
	static const char *const prefixes[] = { "#/$defs/", "#/definitions/" };
	size_t i;

	if (!strcmp(ref, "#"))
		return v->root;
	for (i = 0; i < 2; i++) {
		size_t plen = strlen(prefixes[i]);

		if (!strncmp(ref, prefixes[i], plen)) {
			const struct gw_node *defs =
				gw_map_get(v->root, i ? "definitions" : "$defs");

			return gw_map_get(defs, ref + plen);
		}
	}
	return NULL;
}

/*
 * Compiled patterns, kept for the life of the thread: the schema has a
 * few dozen, and compiling one costs more than validating a whole spec.
 * Keyed by the pattern text, so any schema tree (the embedded one or a
 * test's) finds them.  One cache per thread (pass 1 of gen/compile.c
 * checks specs in -j threads; glibc's regexec locks a shared pattern), so
 * a thread that validated calls gw_validate_release() before it ends.
 */
struct compiled_pattern {
	char *pattern;
	regex_t re;
	bool valid;
};
static _Thread_local struct compiled_pattern patterns[128];
static _Thread_local size_t npatterns;

static bool pattern_matches(const char *pattern, const char *s)
{
	struct compiled_pattern *p = NULL, own;
	size_t i;
	bool ok;

	for (i = 0; i < npatterns; i++)
		if (!strcmp(patterns[i].pattern, pattern)) {
			p = &patterns[i];
			break;
		}
	if (!p) {
		p = npatterns < sizeof(patterns) / sizeof(*patterns) ?
			&patterns[npatterns] : &own;
		p->valid = !regcomp(&p->re, pattern, REG_EXTENDED | REG_NOSUB);
		if (p != &own) {
			p->pattern = strdup(pattern);
			if (!p->pattern)
				gw_oom();
			npatterns++;
		}
	}
	/* an invalid pattern passes: the schema's own tests keep them valid */
	ok = !p->valid || regexec(&p->re, s, 0, NULL, 0) == 0;
	if (p == &own && own.valid)
		regfree(&own.re);
	return ok;
}

/*
 * A schema map's keywords in one pass over its keys (a lookup per keyword
 * was a seventh of all of gwc's instructions).  For the embedded schema,
 * which is static data (so a node's address names it for the life of the
 * process), each thread keeps what it found, by address.
 */
static void gather(const struct gw_node *schema, struct keywords *k)
{
	size_t i, j;

	memset(k, 0, sizeof(*k));
	for (i = schema->u.map.n; i-- > 0;) {	/* the first of a key wins */
		const struct gw_node *key = schema->u.map.pairs[i].key;

		for (j = 0; j < KW_N; j++)
			if (key->u.str.len == keyword_names[j].len &&
			    !memcmp(key->u.str.s, keyword_names[j].name,
				    key->u.str.len)) {
				k->kw[j] = schema->u.map.pairs[i].value;
				break;
			}
	}
}

#define KEYWORD_SLOTS 512	/* the embedded schema has about 290 maps */

static _Thread_local struct keyword_slot {
	const struct gw_node *schema;
	struct keywords *k;
} *keyword_slots;
static _Thread_local struct gw_arena *keyword_arena;

static const struct keywords *keywords_of(const struct validator *v,
					  const struct gw_node *schema,
					  struct keywords *own)
{
	size_t h, probes;

	if (!v->embedded) {
		gather(schema, own);
		return own;
	}
	if (!keyword_slots) {
		keyword_slots = calloc(KEYWORD_SLOTS, sizeof(*keyword_slots));
		keyword_arena = gw_arena_new();
		if (!keyword_slots)
			gw_oom();
	}
	h = ((uintptr_t)schema / sizeof(*schema)) % KEYWORD_SLOTS;
	for (probes = 0; probes < KEYWORD_SLOTS; probes++) {
		struct keyword_slot *slot = &keyword_slots[h];

		if (slot->schema == schema)
			return slot->k;
		if (!slot->schema) {
			slot->schema = schema;
			slot->k = gw_arena_alloc(keyword_arena, sizeof(*slot->k));
			gather(schema, slot->k);
			return slot->k;
		}
		h = (h + 1) % KEYWORD_SLOTS;
	}
	gather(schema, own);	/* full: a schema far larger than ours */
	return own;
}

void gw_validate_release(void)
{
	size_t i;

	for (i = 0; i < npatterns; i++) {
		if (patterns[i].valid)
			regfree(&patterns[i].re);
		free(patterns[i].pattern);
	}
	npatterns = 0;
	free(keyword_slots);
	keyword_slots = NULL;
	gw_arena_free(keyword_arena);
	keyword_arena = NULL;
}

/* ---- the keywords ------------------------------------------------------ */

static void check(struct validator *v, const struct gw_node *schema,
		  const struct gw_node *n, int depth);

/* Runs @schema on @n silently; true when it passes. */
static bool passes(struct validator *v, const struct gw_node *schema,
		   const struct gw_node *n, int depth)
{
	struct validator quiet = { NULL, v->root, 0, { 0 }, v->embedded };

	check(&quiet, schema, n, depth);
	gw_buf_release(&quiet.path);
	return quiet.errors == 0;
}

static void check_type(struct validator *v, const struct gw_node *type,
		       const struct gw_node *n)
{
	struct gw_buf want = { 0 }, found = { 0 };
	size_t i;

	if (type->kind == GW_STR) {
		if (type_matches(type->u.str.s, n))
			return;
		gw_buf_puts(&want, type->u.str.s);
	} else if (type->kind == GW_SEQ) {
		for (i = 0; i < type->u.seq.n; i++) {
			const struct gw_node *t = type->u.seq.items[i];

			if (t->kind == GW_STR && type_matches(t->u.str.s, n)) {
				gw_buf_release(&want);
				return;
			}
			if (i)
				gw_buf_puts(&want, " or ");
			if (t->kind == GW_STR)
				gw_buf_puts(&want, t->u.str.s);
		}
	} else {
		return;
	}
	describe(&found, n);
	if (want.data && !strcmp(want.data, "boolean") && n->kind == GW_STR)
		report(v, n, "expected boolean, found %s (write true or false)",
		       found.data);
	else if (want.data && !strcmp(want.data, "integer") &&
		 (n->kind == GW_STR || n->kind == GW_NUM))
		report(v, n, "expected integer, found %s (write it in decimal "
		       "without quotes, sign, leading zeros or fraction)",
		       found.data);
	else if (want.data && !strcmp(want.data, "string") && n->src &&
		 n->kind != GW_NULL)
		report(v, n, "expected string, found %s (quote it: \"%s\")",
		       found.data, n->src);
	else if (want.data && !strcmp(want.data, "object") && n->kind == GW_NULL)
		report(v, n, "expected object, found null (write {} for an "
		       "empty one)");
	else
		report(v, n, "expected %s, found %s", want.data ? want.data : "?",
		       found.data);
	gw_buf_release(&want);
	gw_buf_release(&found);
}

static void check_enum(struct validator *v, const struct gw_node *values,
		       const struct gw_node *n)
{
	struct gw_buf list = { 0 }, found = { 0 };
	const char *near = NULL;
	size_t i;

	if (values->kind != GW_SEQ)
		return;
	for (i = 0; i < values->u.seq.n; i++)
		if (gw_node_equal(values->u.seq.items[i], n))
			return;
	for (i = 0; i < values->u.seq.n; i++) {
		const struct gw_node *e = values->u.seq.items[i];

		if (i)
			gw_buf_puts(&list, ", ");
		if (e->kind == GW_STR)
			gw_buf_add(&list, e->u.str.s, e->u.str.len);
		else
			describe(&list, e);
	}
	if (n->kind == GW_STR)
		near = closest(n->u.str.s, n->u.str.len,
			       (const struct gw_node *const *)values->u.seq.items,
			       values->u.seq.n);
	describe(&found, n);
	if (near)
		report(v, n, "%s is not one of %s (did you mean '%s'?)",
		       found.data, list.data, near);
	else
		report(v, n, "%s is not one of %s", found.data, list.data);
	gw_buf_release(&list);
	gw_buf_release(&found);
}

static void check_number(struct validator *v, const struct keywords *k,
			 const struct gw_node *n)
{
	double x, lim;
	char val[GW_NUMBER_SIZE], l[GW_NUMBER_SIZE];

	if (!get_number(n, &x))
		return;
	if (n->kind == GW_INT)
		snprintf(val, sizeof(val), "%lld", n->u.i);
	else if (n->src && strlen(n->src) < sizeof(val))
		snprintf(val, sizeof(val), "%s", n->src);
	else
		gw_format_number(val, n->u.num);
	if (get_number(k->kw[KW_MINIMUM], &lim) && x < lim)
		gw_format_number(l, lim),
		report(v, n, "%s is below the minimum %s", val, l);
	if (get_number(k->kw[KW_MAXIMUM], &lim) && x > lim)
		gw_format_number(l, lim),
		report(v, n, "%s is above the maximum %s", val, l);
	if (get_number(k->kw[KW_EXCLUSIVE_MINIMUM], &lim) && x <= lim)
		gw_format_number(l, lim), report(v, n, "%s is not above %s", val, l);
	if (get_number(k->kw[KW_EXCLUSIVE_MAXIMUM], &lim) && x >= lim)
		gw_format_number(l, lim), report(v, n, "%s is not below %s", val, l);
	if (get_number(k->kw[KW_MULTIPLE_OF], &lim) && lim > 0) {
		double q = x / lim;

		/* 0.3 / 0.1 is 2.9999999999999996 in binary floating point */
		gw_format_number(l, lim);
		if (isfinite(q) && fabs(q - nearbyint(q)) > 1e-9 * fmax(1, fabs(q)))
			report(v, n, "%s is not a multiple of %s", val, l);
	}
}

static void check_string(struct validator *v, const struct keywords *k,
			 const struct gw_node *n)
{
	size_t len = utf8_length(n->u.str.s, n->u.str.len), lim;
	const struct gw_node *pattern = k->kw[KW_PATTERN];
	const struct gw_node *title = k->kw[KW_TITLE];
	struct gw_buf val = { 0 };

	/* a failed pattern says it all; lengths only for matching strings */
	if (pattern && pattern->kind == GW_STR &&
	    (strlen(n->u.str.s) != n->u.str.len ||	/* a NUL never matches */
	     !pattern_matches(pattern->u.str.s, n->u.str.s))) {
		describe(&val, n);
		if (title && title->kind == GW_STR)
			report(v, n, "%s is not a valid %s", val.data,
			       title->u.str.s);
		else
			report(v, n, "%s does not match the pattern %s",
			       val.data, pattern->u.str.s);
	} else {
		if (get_count(k->kw[KW_MIN_LENGTH], &lim) && len < lim) {
			describe(&val, n);
			report(v, n, "%s is shorter than %zu character%s",
			       val.data, lim, lim == 1 ? "" : "s");
		}
		if (get_count(k->kw[KW_MAX_LENGTH], &lim) && len > lim) {
			if (!val.len)
				describe(&val, n);
			report(v, n, "%s is longer than %zu character%s",
			       val.data, lim, lim == 1 ? "" : "s");
		}
	}
	gw_buf_release(&val);
}

static void check_array(struct validator *v, const struct keywords *k,
			const struct gw_node *n, int depth)
{
	const struct gw_node *items = k->kw[KW_ITEMS];
	const struct gw_node *unique = k->kw[KW_UNIQUE_ITEMS];
	size_t i, j, lim;

	if (get_count(k->kw[KW_MIN_ITEMS], &lim) && n->u.seq.n < lim)
		report(v, n, "has %zu item%s, fewer than the minimum %zu",
		       n->u.seq.n, n->u.seq.n == 1 ? "" : "s", lim);
	if (get_count(k->kw[KW_MAX_ITEMS], &lim) && n->u.seq.n > lim)
		report(v, n, "has %zu item%s, more than the maximum %zu",
		       n->u.seq.n, n->u.seq.n == 1 ? "" : "s", lim);
	if (unique && unique->kind == GW_BOOL && unique->u.b)
		for (i = 0; i < n->u.seq.n; i++)
			for (j = 0; j < i; j++)
				if (gw_node_equal(n->u.seq.items[i],
						  n->u.seq.items[j])) {
					struct gw_buf val = { 0 };
					size_t old = v->path.len;

					describe(&val, n->u.seq.items[i]);
					gw_buf_printf(&v->path, "[%zu]", i);
					report(v, n->u.seq.items[i], "%s repeats "
					       "item %zu", val.data, j);
					path_pop(&v->path, old);
					gw_buf_release(&val);
					break;
				}
	if (!items)
		return;
	for (i = 0; i < n->u.seq.n; i++) {
		size_t old = v->path.len;

		gw_buf_printf(&v->path, "[%zu]", i);
		check(v, items, n->u.seq.items[i], depth + 1);
		path_pop(&v->path, old);
	}
}

static void check_object(struct validator *v, const struct keywords *k,
			 const struct gw_node *n, int depth)
{
	const struct gw_node *props = k->kw[KW_PROPERTIES];
	const struct gw_node *additional = k->kw[KW_ADDITIONAL_PROPERTIES];
	const struct gw_node *required = k->kw[KW_REQUIRED];
	const struct gw_node *names = k->kw[KW_PROPERTY_NAMES];
	size_t i, lim;

	if (required && required->kind == GW_SEQ)
		for (i = 0; i < required->u.seq.n; i++) {
			const struct gw_node *r = required->u.seq.items[i];

			if (r->kind == GW_STR && !gw_map_pair(n, r->u.str.s))
				report(v, n, "missing required key '%s'",
				       r->u.str.s);
		}
	if (get_count(k->kw[KW_MIN_PROPERTIES], &lim) && n->u.map.n < lim)
		report(v, n, "has %zu key%s, fewer than the minimum %zu",
		       n->u.map.n, n->u.map.n == 1 ? "" : "s", lim);
	if (get_count(k->kw[KW_MAX_PROPERTIES], &lim) && n->u.map.n > lim)
		report(v, n, "has %zu key%s, more than the maximum %zu",
		       n->u.map.n, n->u.map.n == 1 ? "" : "s", lim);
	for (i = 0; i < n->u.map.n; i++) {
		const struct gw_pair *p = &n->u.map.pairs[i];
		const struct gw_node *sub = NULL;
		size_t old = v->path.len;

		gw_path_key(&v->path, p->key->u.str.s, p->key->u.str.len);

		if (names)
			check(v, names, p->key, depth + 1);
		if (props && strlen(p->key->u.str.s) == p->key->u.str.len)
			sub = gw_map_get(props, p->key->u.str.s);
		if (sub) {
			check(v, sub, p->value, depth + 1);
		} else if (additional && additional->kind == GW_BOOL &&
			   !additional->u.b) {
			const char *near = NULL;

			if (props && props->u.map.n) {
				const struct gw_node **keys = malloc(
					props->u.map.n * sizeof(*keys));
				size_t j;

				if (!keys)
					gw_oom();
				for (j = 0; j < props->u.map.n; j++)
					keys[j] = props->u.map.pairs[j].key;
				near = closest(p->key->u.str.s,
					       p->key->u.str.len, keys,
					       props->u.map.n);
				free(keys);
			}
			if (near)
				report(v, p->key, "unknown key (did you mean "
				       "'%s'?)", near);
			else
				report(v, p->key, "unknown key");
		} else if (additional && additional->kind == GW_MAP) {
			check(v, additional, p->value, depth + 1);
		}
		path_pop(&v->path, old);
	}
}

static void check(struct validator *v, const struct gw_node *schema,
		  const struct gw_node *n, int depth)
{
	const struct keywords *k;
	struct keywords own;
	const struct gw_node *kw;
	size_t i;

	if (schema->kind == GW_BOOL) {
		if (!schema->u.b)
			report(v, n, "no value is allowed here");
		return;
	}
	if (schema->kind != GW_MAP || depth > 2 * GW_DEPTH_MAX)
		return;
	k = keywords_of(v, schema, &own);
	kw = k->kw[KW_REF];
	if (kw && kw->kind == GW_STR) {
		const struct gw_node *target = resolve_ref(v, kw->u.str.s);

		if (target)
			check(v, target, n, depth + 1);
	}
	kw = k->kw[KW_TYPE];
	if (kw) {
		unsigned before = v->errors;

		check_type(v, kw, n);
		if (v->errors != before)
			return;	/* the other keywords would only repeat it */
	}
	kw = k->kw[KW_CONST];
	if (kw && !gw_node_equal(kw, n)) {
		struct gw_buf want = { 0 }, found = { 0 };

		describe(&want, kw);
		describe(&found, n);
		report(v, n, "expected %s, found %s", want.data, found.data);
		gw_buf_release(&want);
		gw_buf_release(&found);
	}
	kw = k->kw[KW_ENUM];
	if (kw)
		check_enum(v, kw, n);
	switch (n->kind) {
	case GW_INT:
	case GW_NUM:
		check_number(v, k, n);
		break;
	case GW_STR:
		check_string(v, k, n);
		break;
	case GW_SEQ:
		check_array(v, k, n, depth);
		break;
	case GW_MAP:
		check_object(v, k, n, depth);
		break;
	default:
		break;
	}
	kw = k->kw[KW_ALL_OF];
	if (kw && kw->kind == GW_SEQ)
		for (i = 0; i < kw->u.seq.n; i++)
			check(v, kw->u.seq.items[i], n, depth + 1);
	kw = k->kw[KW_ANY_OF];
	if (kw && kw->kind == GW_SEQ) {
		bool any = false;

		for (i = 0; i < kw->u.seq.n && !any; i++)
			any = passes(v, kw->u.seq.items[i], n, depth + 1);
		if (!any)
			report(v, n, "matches none of the allowed forms");
	}
	kw = k->kw[KW_ONE_OF];
	if (kw && kw->kind == GW_SEQ) {
		size_t matched = 0;

		for (i = 0; i < kw->u.seq.n; i++)
			matched += passes(v, kw->u.seq.items[i], n, depth + 1);
		if (matched == 0)
			report(v, n, "matches none of the allowed forms");
		else if (matched > 1)
			report(v, n, "matches more than one of the allowed forms");
	}
	kw = k->kw[KW_NOT];
	if (kw && passes(v, kw, n, depth + 1))
		report(v, n, "matches a form that is not allowed");
}

unsigned gw_validate(struct gw_diag *diag, const struct gw_node *schema,
		     const struct gw_node *doc)
{
	struct validator v = { diag, schema, 0, { 0 },
				schema == gw_schema_tree(NULL) };

	check(&v, schema, doc, 0);
	gw_buf_release(&v.path);
	return v.errors;
}

bool gw_validate_quiet(const struct gw_node *schema, const struct gw_node *doc)
{
	return gw_validate(NULL, schema, doc) == 0;
}
