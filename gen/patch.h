/*
 * patch.h - what the files of the patch stage share (gen/patch.c, the
 * entries and their application; patch_merge.c, strategic merge;
 * patch_json.c, JSON 6902; patch_target.c, targets and selectors).
 * Internal to them; the pipeline's API is gw_patch_apply() in gwc.h.
 */
#ifndef GWC_PATCH_H
#define GWC_PATCH_H

#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
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

struct merge_kind;	/* patch_merge.c */

struct patcher {
	struct gw_arena *arena;
	struct gw_diag *diag;		/* NULL: quiet */
	unsigned errors;
	size_t work;			/* JSON 6902 node visits */
	const struct merge_kind *schema;	/* the object's, or NULL */
	struct gw_buf where;		/* the merged node's path in the object */
	struct gw_buf path;		/* the patch node's JSON path */
};

/* An error at @at, after the JSON path of the patch node at hand. */
void gw_patch_vfail(struct patcher *p, struct gw_mark at, const char *fmt,
		    va_list ap);

static inline void fail(struct patcher *p, struct gw_mark at,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void fail(struct patcher *p, struct gw_mark at,
			const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gw_patch_vfail(p, at, fmt, ap);
	va_end(ap);
}

/* Counts @n node visits against the budget; false once it is spent. */
static inline bool spend(struct patcher *p, size_t n)
{
	p->work += n;
	return p->work <= WORK_MAX;
}

static inline void patcher_init(struct patcher *p, struct gw_arena *arena,
			 struct gw_diag *diag, const char *path)
{
	memset(p, 0, sizeof(*p));
	p->arena = arena;
	p->diag = diag;
	gw_buf_puts(&p->path, path);
	gw_buf_puts(&p->where, "");
}

static inline void patcher_release(struct patcher *p)
{
	gw_buf_release(&p->path);
	gw_buf_release(&p->where);
}

static inline size_t push_key(struct gw_buf *b, const struct gw_node *key)
{
	size_t at = b->len;

	gw_path_key(b, key->u.str.s, key->u.str.len);
	return at;
}

static inline size_t push_index(struct gw_buf *b, size_t i)
{
	size_t at = b->len;

	gw_buf_printf(b, "[%zu]", i);
	return at;
}

static inline void pop(struct gw_buf *b, size_t at)
{
	b->len = at;
	if (b->data)
		b->data[at] = '\0';
}

static inline bool str_is(const struct gw_node *n, const char *s)
{
	size_t len = strlen(s);

	return n && n->kind == GW_STR && n->u.str.len == len &&
	       !memcmp(n->u.str.s, s, len);
}

/* A string field of a map, or NULL. */
static inline const char *str_field(const struct gw_node *map, const char *key)
{
	const struct gw_node *v = gw_map_get(map, key);

	return v && v->kind == GW_STR ? v->u.str.s : NULL;
}

static inline const char *show(struct patcher *p, const struct gw_node *n)
{
	return gw_diag_show(p->arena, n->u.str.s, n->u.str.len);
}

/* "a string", "an object", ... */
static inline const char *kind_name(const struct gw_node *n)
{
	static const char *const names[] = {
		[GW_NULL] = "null", [GW_BOOL] = "a boolean",
		[GW_INT] = "an integer", [GW_NUM] = "a number",
		[GW_STR] = "a string", [GW_SEQ] = "a list",
		[GW_MAP] = "an object",
	};
	return names[n->kind];
}

/* ---- patch_target.c: targets and selectors ---------------------------- */

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

/* Compiles the target's pattern @n (anchored, the syntax RE2 and POSIX
 * read alike) into @re; -1 after reporting why not. */
int gw_patch_compile_pattern(struct patcher *p, const struct gw_node *n,
			     regex_t *re);
/* Parses the label or annotation selector @at into @sel; -1 after
 * reporting. */
int gw_patch_parse_selector(struct patcher *p, const struct gw_node *at,
			    struct selector *sel);
/* True when @sel selects an object whose labels (annotations) are @map. */
bool gw_patch_selector_matches(struct patcher *p, const struct selector *sel,
			       const struct gw_node *map);

/* ---- patch_merge.c: strategic merge ------------------------------------ */

/* Merges @patch into *@obj as kustomize does (at @p's path); -1 after
 * reporting. */
int gw_patch_apply_merge(struct patcher *p, struct gw_node **obj,
			 const struct gw_node *patch);

/* ---- patch_json.c: JSON 6902 ------------------------------------------- */

/* What names an object (a patch may not change it): the parent field
 * (NULL: the object) and the field. */
#define GW_PATCH_NIDENTITY 4
extern const char *const gw_patch_identity[GW_PATCH_NIDENTITY][2];
/* Field @i of what names @obj (apiVersion, kind, metadata.name,
 * metadata.namespace), or NULL; lookups spend from @p's budget. */
const struct gw_node *gw_patch_identity_field(struct patcher *p,
					      const struct gw_node *obj,
					      size_t i);
/* The operations @ops on *@doc, at @p's path; -1 after reporting. */
int gw_patch_apply_ops(struct patcher *p, struct gw_node **doc,
		       const struct gw_node *ops);

#endif
