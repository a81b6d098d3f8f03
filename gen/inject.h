/*
 * inject.h - istiod's gateway injection, offline: the subsystem behind
 * `gwc inject` and spec.injectionPreview (gen/preview.c).
 *
 *   k8s.c     Kubernetes types as istiod's Go code sees them: Go's typed
 *             round trip, strategic merge patch, text/template's view
 *   inject.c  the injector: its config, values and mesh config, the
 *             templates run on a pod (gen/tmpl.h), the webhook's merge and
 *             fix-ups, and the `gwc inject` command
 *
 * Ownership: every tree and string lives in the arena a function is
 * given; a struct gw_inject_config in the arena of gw_inject_config_new().
 * Errors go to a struct gw_diag with their position; functions return -1
 * after one.  Go's encoding/json and sigs.k8s.io/yaml output are gen/go.h.
 */
#ifndef GWC_INJECT_H
#define GWC_INJECT_H

#include "gwc.h"

/*
 * Kubernetes types as istiod's Go code sees them (k8s.c).  Trees
 * carry JSON field names; gw_k8s_normalize() is Go's typed round trip
 * (struct order, omitempty, zero structs, canonical quantities),
 * gw_k8s_merge() a strategic merge patch of @patch onto @original (lists
 * merged by their Kubernetes merge key: containers, volumes and env by
 * name, volumeMounts by mountPath, ports by containerPort; otherwise the
 * patch wins), gw_k8s_go_view() the tree with Go field names and zero
 * values as text/template sees the struct (a struct's node has ->src set
 * to its encoding/json bytes, for structToJSON).
 */
struct gw_k8s_type;
extern const struct gw_k8s_type gw_k8s_deployment, gw_k8s_pod,
	gw_k8s_pod_spec, gw_k8s_object_meta, gw_k8s_container;

struct gw_node *gw_k8s_normalize(struct gw_arena *arena,
				 const struct gw_node *n,
				 const struct gw_k8s_type *t);
struct gw_node *gw_k8s_merge(struct gw_arena *arena,
			     const struct gw_node *original,
			     const struct gw_node *patch,
			     const struct gw_k8s_type *t);
struct gw_node *gw_k8s_go_view(struct gw_arena *arena,
			       const struct gw_node *n,
			       const struct gw_k8s_type *t);
/* Go's encoding/json and sigs.k8s.io/yaml, which istiod and istioctl
 * write these trees with, are in gen/go.h. */

/* The injector's inputs: templates (parsed), values and mesh config. */
struct gw_inject_config;

struct gw_inject_config *gw_inject_config_new(struct gw_arena *arena);
/* Parses @text as template @name (errors reported at @mark). */
int gw_inject_add_template(struct gw_inject_config *cfg, struct gw_diag *diag,
			   const char *name, const char *text, size_t len,
			   struct gw_mark mark);
/* The istio-sidecar-injector ConfigMap's data.config, data.values and the
 * istio ConfigMap's data.mesh, as bytes named @name in diagnostics. */
int gw_inject_load_config(struct gw_inject_config *cfg, struct gw_diag *diag,
			  const char *name, const char *data, size_t len);
int gw_inject_load_values(struct gw_inject_config *cfg, struct gw_diag *diag,
			  const char *name, const char *data, size_t len);
int gw_inject_load_mesh(struct gw_inject_config *cfg, struct gw_diag *diag,
			const char *name, const char *data, size_t len);
/* The three read from files (gwc inject); a NULL path takes the
 * built-in one (the config: the built-in gateway template, as
 * templates.gateway).  -2 when a file cannot be read, -1 when one is
 * wrong (each reported). */
int gw_inject_files(struct gw_arena *arena, struct gw_diag *diag,
		    const char *config, const char *values, const char *mesh,
		    struct gw_inject_config **cfg);
/*
 * Injects the Deployment @doc as `istioctl kube-inject` would and appends
 * the result, followed by "---\n", to @out.  @revision may be NULL.
 */
int gw_inject_deployment(struct gw_arena *arena, struct gw_diag *diag,
			 const struct gw_inject_config *cfg,
			 const char *revision, const struct gw_node *doc,
			 struct gw_buf *out);
/* The same, the result as a tree (in @arena), which gw_go_yaml_write()
 * writes as istioctl does. */
int gw_inject_tree(struct gw_arena *arena, struct gw_diag *diag,
		   const struct gw_inject_config *cfg, const char *revision,
		   const struct gw_node *doc, struct gw_node **injected);
/* Makes the built-in values (@values) and mesh config (@mesh) follow a
 * control plane: its namespace and revision (NULL: none), as istiod's
 * ConfigMaps of that control plane hold them. */
void gw_inject_follow_control_plane(struct gw_inject_config *cfg,
				    bool values, bool mesh,
				    const char *cp_namespace,
				    const char *revision);
/* Lays the spec.values of an Istio resource over the values (@to_values)
 * and its meshConfig over the mesh config (@to_mesh), as sail-operator
 * and istiod combine them with the chart's defaults. */
void gw_inject_overlay_values(struct gw_inject_config *cfg,
			      const struct gw_node *values, bool to_values,
			      bool to_mesh);
/* The sidecar.istio.io/status JSON of a rendered template pod's spec. */
const char *gw_inject_status(struct gw_arena *arena,
			     const struct gw_node *template_spec,
			     const char *revision);

/* `gwc inject`: the files it reads (@revision may be NULL). */
struct gw_inject_options {
	const char *config, *values, *mesh;	/* the ConfigMaps' data */
	const char *revision;
	const char *deployment;			/* a file of Deployments */
};

/*
 * Injects every Deployment of opt->deployment with the injector that
 * opt->config, ->values and ->mesh make, as `istioctl kube-inject` would,
 * appending the result to @out.  Reports to @diag; returns the exit
 * status (GW_EXIT_SPEC after an error of the inputs).
 */
int gw_inject_run(const struct gw_inject_options *opt, struct gw_diag *diag,
		  struct gw_buf *out);

#endif
