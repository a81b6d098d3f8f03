/*
 * render.h - what the two renderers of a gateway's objects share:
 * render.c (gateway injection) and gatewayapi.c (the Kubernetes Gateway
 * API).  Internal to those two files; the pipeline's API is gwc.h.
 *
 * Building a tree takes one short call per field, so the small helpers
 * are inline here; the larger shared pieces are defined in render.c.
 */
#ifndef GWC_RENDER_H
#define GWC_RENDER_H

#include "gwc.h"

struct gw_renderer {
	struct gw_arena *arena;
	const struct gw_gateway *gw;
	const char *template_sha256;	/* hex, or NULL */
};

static inline struct gw_node *str(struct gw_renderer *r, const char *s)
{
	return gw_node_str(r->arena, s);
}

static inline struct gw_node *put(struct gw_renderer *r, struct gw_node *map,
				  const char *key, struct gw_node *value)
{
	return gw_map_put(r->arena, map, key, value);
}

static inline struct gw_node *put_str(struct gw_renderer *r,
				      struct gw_node *map,
				      const char *key, const char *value)
{
	return put(r, map, key, str(r, value));
}

static inline struct gw_node *put_int(struct gw_renderer *r,
				      struct gw_node *map,
				      const char *key, long long value)
{
	return put(r, map, key, gw_node_int(r->arena, value));
}

static inline struct gw_node *put_map(struct gw_renderer *r,
				      struct gw_node *map,
				      const char *key)
{
	return put(r, map, key, gw_node_map(r->arena));
}

static inline struct gw_node *put_seq(struct gw_renderer *r,
				      struct gw_node *map,
				      const char *key)
{
	return put(r, map, key, gw_node_seq(r->arena));
}

static inline struct gw_node *push_map(struct gw_renderer *r,
				       struct gw_node *seq)
{
	struct gw_node *m = gw_node_map(r->arena);

	gw_seq_push(r->arena, seq, m);
	return m;
}

static inline void push_str(struct gw_renderer *r, struct gw_node *seq,
			    const char *s)
{
	gw_seq_push(r->arena, seq, str(r, s));
}

static inline struct gw_node *copy(struct gw_renderer *r,
				   const struct gw_node *n)
{
	return gw_node_copy(r->arena, n);
}

/* A sorted map of @a merged with @b (b's value for a key in both); NULL
 * when both are empty. */
struct gw_node *gw_render_merge(struct gw_renderer *r, const struct gw_node *a,
			      const struct gw_node *b);
/* An object's skeleton: apiVersion, kind, metadata (name, namespace @ns
 * unless NULL, metadata.labels and .annotations merged with @labels and
 * @annotations, sorted). */
struct gw_node *gw_render_object(struct gw_renderer *r, const char *api,
			      const char *kind, const char *name,
			      const char *ns, const struct gw_node *labels,
			      const struct gw_node *annotations);
/* Sets @obj's Argo CD sync wave (spec.argocd.syncWaves), replacing one
 * given in metadata.annotations; nothing without sync waves. */
void gw_render_set_wave(struct gw_renderer *r, struct gw_node *obj,
			const char *wave);
/* Writes pass-through key @id (GW_PASSTHROUGH) with value @v (NULL:
 * nothing) into @into, as its table entry says. */
void gw_render_put_pass(struct gw_renderer *r, struct gw_node *into,
		       enum gw_pass id, const struct gw_node *v);
/* The istio-proxy container's resources into @container: the spec's,
 * or the defaults where it gives none (@stated_only: only what the spec
 * states, for an overlay of a template that has the defaults). */
void gw_render_put_resources(struct gw_renderer *r, struct gw_node *container,
			     bool stated_only);
/* The HorizontalPodAutoscaler @name of the Deployment @name, between
 * @min and @max pods, on spec.autoscaling's targets and behavior. */
struct gw_node *gw_render_hpa(struct gw_renderer *r, const char *name,
			      long min, long max);
/* The NetworkPolicy of spec.networkPolicy for the pods @pods selects
 * (matchLabels): their Service's target ports, or with @listeners the
 * Gateway API listeners' ports. */
struct gw_node *gw_render_network_policy(struct gw_renderer *r,
					 struct gw_node *pods, bool listeners);
/* A Resource metric of @resource at @percent utilisation, into the HPA's
 * @metrics. */
void gw_render_push_metric(struct gw_renderer *r, struct gw_node *metrics,
		   const char *resource, long percent);
/* Emits @docs as the file @dir/@name of @set and lists it in
 * @resources (a kustomization's, or NULL). */
int gw_render_add_file(struct gw_renderer *r, struct gw_fileset *set,
		       const char *dir,
		const char *name, struct gw_node *resources,
		struct gw_node *const *docs, size_t n);

/* The objects of a gateway folder, in its files' order, before they are
 * patched and emitted. */
struct gw_render_folder {
	struct gw_patch_object *objs;
	size_t n, cap;
};

/* Adds @docs, the objects of file @file, to @f. */
void gw_render_keep(struct gw_renderer *r, struct gw_render_folder *f,
		    const char *file, struct gw_node *const *docs, size_t n);
/* Applies spec.patches to the objects of @f (errors to @diag: -1), then
 * emits them, file by file, into @set under @dir, each file listed in
 * @resources. */
int gw_render_add_folder(struct gw_renderer *r, struct gw_diag *diag,
			 struct gw_render_folder *f, struct gw_fileset *set,
			 const char *dir, struct gw_node *resources);

#endif
