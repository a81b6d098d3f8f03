/*
 * preview.c - gwc build's spec.injectionPreview: the gateway's Deployment
 * injected as istiod will inject it.
 *
 * Consumes a checked gateway, the files rendered for it and the injection
 * template its control plane gets (the text gwc installs, and the text it
 * came from); produces OUT/<ns>/<name>/gateway-deployment.injected.yaml.
 * The values and mesh config are the spec's files, or the built-in ones
 * made to follow the spec's control plane (namespace, revision).  Every
 * message goes to the caller's struct gw_diag; an error in the template is
 * reported at its line and column in the file the user gave (or the
 * built-in template), even where gwc installs an adapted copy of it.
 */
#include <stdlib.h>
#include <string.h>

#include "go.h"
#include "gwc.h"
#include "inject.h"

static const char *const input_keys[] = { "spec.injectionPreview.values",
					   "spec.injectionPreview.mesh" };

int gw_preview_check(struct gw_arena *arena, struct gw_diag *diag,
		     const struct gw_gateway *gw, bool no_file_reads,
		     bool *io_error)
{
	const char *paths[2] = { gw->inject_values, gw->inject_mesh };
	struct gw_mark marks[2] = { gw->inject_values_mark,
				    gw->inject_mesh_mark };
	struct gw_inject_config *cfg = gw_inject_config_new(arena);
	int i, ret = 0;

	for (i = 0; i < 2; i++) {
		char *data;
		size_t len;

		if (!paths[i])
			continue;
		/* the diagnostics outlive @arena (one spec's, in pass 1) */
		paths[i] = gw_arena_strdup(diag->arena, paths[i]);
		marks[i].file = gw_arena_strdup(diag->arena, marks[i].file);
		if (no_file_reads) {
			gw_diag_add(diag, GW_SEV_ERROR, marks[i], "%s: reading "
				    "files is disabled here", input_keys[i]);
			ret = -1;
		} else if (gw_load_read_for(arena, diag, paths[i], marks[i],
					    input_keys[i], &data, &len)) {
			*io_error = true;
			ret = -1;
		} else if (i == 0 ? gw_inject_load_values(cfg, diag, paths[i],
							   data, len) :
			   gw_inject_load_mesh(cfg, diag, paths[i], data, len)) {
			ret = -1;
		}
	}
	return ret;
}

/* The revision whose istiod injects @gw: the one its tag points at, when
 * its Istio resource names one, else the one its pods name. */
static const char *injector(const struct gw_gateway *gw)
{
	return gw->control ? gw->control->injector : gw->revision;
}

/* The built-in values or mesh config, or the spec's file. */
static int preview_input(struct gw_arena *arena, struct gw_diag *diag,
			 const char *path, struct gw_mark at, const char *what,
			 const char *asset, const char **name, char **data,
			 size_t *len)
{
	const struct gw_asset *a;

	if (path) {
		*name = path;
		return gw_load_read_for(arena, diag, path, at, what, data,
					len);
	}
	a = gw_asset_get(asset);
	if (!a) {
		gw_diag_add(diag, GW_SEV_INTERNAL, at, "%s: no built-in %s",
			    what, asset);
		return -1;
	}
	*name = gw_arena_printf(arena, "<built-in %s>", asset);
	*data = gw_arena_strndup(arena, a->data, a->len);
	*len = a->len;
	return 0;
}

/*
 * The built-in values are Istio 1.26.0's; a control plane at another
 * release (spec.controlPlane.version, or its Istio resource's) runs that
 * release's proxy image, as sail-operator sets global.tag for it.  An
 * alias (v1.26-latest) says no release: the built-in tag stays.
 */
static void follow_version(struct gw_arena *arena,
			   struct gw_inject_config *cfg, const char *version)
{
	struct gw_node *values;
	const char *p;
	int dots = 0;

	if (!version)
		return;
	version += *version == 'v';
	for (p = version; *p; p++)
		if (*p == '.')
			dots++;
		else if (*p < '0' || *p > '9')
			return;
	if (dots != 2)
		return;
	values = gw_node_map(arena);
	gw_map_put(arena, gw_map_put(arena, values, "global",
				     gw_node_map(arena)),
		   "tag", gw_node_str(arena, version));
	gw_inject_overlay_values(cfg, values, true, false);
}

static int preview_config(struct gw_arena *arena, struct gw_diag *diag,
			  const struct gw_gateway *gw,
			  const struct gw_preview_template *t,
			  struct gw_inject_config **cfgp)
{
	struct gw_inject_config *cfg = gw_inject_config_new(arena);
	const char *vname, *mname;
	struct gw_mark whole = { t->name, 0, 0 };
	char *vdata, *mdata;
	size_t vlen, mlen;

	if (gw_inject_add_template(cfg, diag, "gateway", t->installed,
				   t->installed_len, whole) ||
	    (t->overlay && gw_inject_add_template(cfg, diag, t->overlay->name,
				t->overlay->text, strlen(t->overlay->text),
				(struct gw_mark){ t->overlay->name, 0, 0 })) ||
	    preview_input(arena, diag, gw->inject_values,
			  gw->inject_values_mark, input_keys[0],
			  "inject-values.yaml", &vname, &vdata, &vlen) ||
	    gw_inject_load_values(cfg, diag, vname, vdata, vlen) ||
	    preview_input(arena, diag, gw->inject_mesh, gw->inject_mesh_mark,
			  input_keys[1], "inject-mesh.yaml", &mname, &mdata,
			  &mlen) ||
	    gw_inject_load_mesh(cfg, diag, mname, mdata, mlen))
		return -1;
	if (!gw->inject_values)
		follow_version(arena, cfg, gw->version);
	if (gw->control)
		gw_inject_overlay_values(cfg, gw->control->values,
					 !gw->inject_values, !gw->inject_mesh);
	gw_inject_follow_control_plane(cfg, !gw->inject_values,
				       !gw->inject_mesh, gw->cp_namespace,
				       injector(gw));
	*cfgp = cfg;
	return 0;
}

/* The start of each line of @text (@n of them, the last one past it). */
static const char **line_starts(const char *text, size_t len, size_t *n)
{
	const char **v = NULL, *p = text, *end = text + len;
	size_t cap = 0;

	*n = 0;
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		v = gw_grow(v, *n + 2, &cap, sizeof(*v));
		v[(*n)++] = p;
		if (!nl)
			break;
		p = nl + 1;
	}
	v[*n] = end + 1;	/* so that v[i + 1] - v[i] - 1 is a length */
	return v;
}

static bool same_line(const char *const *a, size_t i, const char *const *b,
		      size_t j)
{
	size_t la = (size_t)(a[i + 1] - a[i]), lb = (size_t)(b[j + 1] - b[j]);

	return la == lb && !memcmp(a[i], b[j], la - 1);
}

/*
 * The line of @source that line @line of @installed came from.  The
 * legacy-kernel transform only replaces and inserts whole lines of plain
 * YAML, never a line with an action, so walking both texts in step and
 * skipping ahead (a few lines) where they part finds it; a line gwc wrote
 * maps to the source line where the change is.
 */
static int source_line(const char *installed, size_t installed_len,
		       const char *source, size_t source_len, int line)
{
	enum { LOOKAHEAD = 16 };
	size_t ni, ns, i, j = 0, k;
	const char **a = line_starts(installed, installed_len, &ni);
	const char **b = line_starts(source, source_len, &ns);
	int found = line;

	for (i = 0; i < ni && i < (size_t)line; i++) {
		if (j < ns && same_line(a, i, b, j)) {
			if (i + 1 == (size_t)line)
				found = (int)j + 1;
			j++;
			continue;
		}
		for (k = 1; k <= LOOKAHEAD && j + k < ns; k++)
			if (same_line(a, i, b, j + k))
				break;
		if (k <= LOOKAHEAD && j + k < ns)
			j += k;		/* source lines the transform removed */
		if (i + 1 == (size_t)line)
			found = (int)(j < ns ? j : ns - 1) + 1;
		if (j < ns && same_line(a, i, b, j))
			j++;
	}
	free(a);
	free(b);
	return found;
}

/*
 * Pod Security admission of the injected pod, whose @n violations at the
 * namespace's policy version are @v: what the namespace's level @enforce
 * rejects is an error, each field with the level it breaks; and a pod
 * short of restricted gets a note naming the highest level it meets and
 * the first field that keeps it from the next (a pod that meets every
 * level needs no word).
 */
static int admit(struct gw_arena *arena, struct gw_diag *diag,
		 const struct gw_gateway *gw, enum gw_pss_level enforce,
		 const struct gw_pss_violation *v, size_t n)
{
	enum gw_pss_level met;
	size_t i, more = 0;
	const char *level_of;

	met = gw_pss_level_met(v, n);
	level_of = gw_arena_printf(arena, "Pod Security %s (%s)",
				   gw_pss_level_name(enforce), gw->pss_version);
	for (i = 0; i < n; i++)
		if (v[i].level <= enforce)
			gw_diag_add(diag, GW_SEV_ERROR, gw->pss_mark,
				    "spec.namespace.podSecurity: namespace '%s' "
				    "enforces %s, which rejects the pod istiod "
				    "injects: %s %s (%s, a %s control)", gw->ns,
				    level_of, v[i].path, v[i].detail,
				    v[i].control, gw_pss_level_name(v[i].level));
	if (met < enforce)
		return -1;
	for (i = 0; i < n; i++)
		more += v[i].level == met + 1;
	for (i = 0; met < GW_PSS_RESTRICTED && i < n; i++)
		if (v[i].level == met + 1) {
			gw_diag_add(diag, GW_SEV_NOTE, gw->pss_mark, "the pod "
				    "istiod injects meets Pod Security %s (%s), "
				    "not %s: %s %s (%s)%s",
				    gw_pss_level_name(met), gw->pss_version,
				    gw_pss_level_name(met + 1), v[i].path,
				    v[i].detail, v[i].control, more > 1 ?
				    gw_arena_printf(arena, " and %zu more",
						    more - 1) : "");
			break;
		}
	return 0;
}

/*
 * The injector configs a thread built for earlier gateways, by what they
 * were built from: parsing the template and the values is most of an
 * injection's work, and the gateways of a run share a few.  A config that
 * failed is not kept, so that each gateway reports its own failure.
 */
struct gw_preview_cache {
	struct gw_arena *arena;
	struct cached { const char *key; struct gw_inject_config *cfg; } *items;
	size_t n, cap;
	struct verdict *verdicts;	/* open addressing, by digest */
	size_t nverdicts, verdicts_cap;
};

/*
 * The Pod Security violations of an injected pod, by the digest of what
 * made it: the injector config's key, the policy version and the
 * Deployment's bytes with the gateway's name and namespace masked.  Two
 * gateways alike but for their names get the same pod but for its names,
 * and names are not what Pod Security reads (istiod's templates put them
 * in strings and labels, they do not branch on them), so the second is
 * not injected again just to be admitted; a preview is always injected.
 */
struct verdict {
	unsigned char digest[32];
	bool used;
	struct gw_pss_violation *v;
	size_t n;
};

/* At most this many configs and verdicts per thread: a run of specs that
 * all differ costs their injections, not their memory. */
#define CACHED_CONFIGS_MAX 16
#define CACHED_VERDICTS_MAX 4096

struct gw_preview_cache *gw_preview_cache_new(void)
{
	struct gw_preview_cache *cache = calloc(1, sizeof(*cache));

	if (!cache)
		gw_oom();
	cache->arena = gw_arena_new();
	return cache;
}

void gw_preview_cache_free(struct gw_preview_cache *cache)
{
	if (!cache)
		return;
	gw_arena_free(cache->arena);
	free(cache->items);
	free(cache->verdicts);
	free(cache);
}

/* The slot of @digest in the verdict table: its entry, or the free slot
 * it would take (the table is never full). */
static struct verdict *verdict_slot(struct gw_preview_cache *cache,
				    const unsigned char digest[32])
{
	size_t mask = cache->verdicts_cap - 1, i;

	memcpy(&i, digest, sizeof(i));
	for (i &= mask;; i = (i + 1) & mask)
		if (!cache->verdicts[i].used ||
		    !memcmp(cache->verdicts[i].digest, digest, 32))
			return &cache->verdicts[i];
}

static void verdict_keep(struct gw_preview_cache *cache,
			 const unsigned char digest[32],
			 const struct gw_pss_violation *v, size_t n)
{
	struct verdict *slot;
	size_t i;

	if (cache->nverdicts >= CACHED_VERDICTS_MAX)
		return;
	if (2 * (cache->nverdicts + 1) > cache->verdicts_cap) {
		struct verdict *old = cache->verdicts;
		size_t cap = cache->verdicts_cap;

		cache->verdicts_cap = cap ? 2 * cap : 64;
		cache->verdicts = calloc(cache->verdicts_cap,
					 sizeof(*cache->verdicts));
		if (!cache->verdicts)
			gw_oom();
		for (i = 0; i < cap; i++)
			if (old[i].used)
				*verdict_slot(cache, old[i].digest) = old[i];
		free(old);
	}
	slot = verdict_slot(cache, digest);
	memcpy(slot->digest, digest, 32);
	slot->used = true;
	slot->n = n;
	slot->v = gw_arena_alloc(cache->arena, (n + 1) * sizeof(*v));
	for (i = 0; i < n; i++) {
		slot->v[i] = v[i];
		slot->v[i].control = gw_arena_strdup(cache->arena, v[i].control);
		slot->v[i].path = gw_arena_strdup(cache->arena, v[i].path);
		slot->v[i].detail = gw_arena_strdup(cache->arena, v[i].detail);
	}
	cache->nverdicts++;
}

/* Appends @s (@len bytes) to @key with each @name and @ns masked. */
static void masked(struct gw_buf *key, const char *s, size_t len,
		   const char *name, const char *ns)
{
	size_t nl = strlen(name), sl = strlen(ns), i = 0, from = 0;

	while (i < len) {
		if (nl && len - i >= nl && !memcmp(s + i, name, nl)) {
			gw_buf_add(key, s + from, i - from);
			gw_buf_add(key, "\x01", 1);
			i += nl;
			from = i;
		} else if (sl && len - i >= sl && !memcmp(s + i, ns, sl)) {
			gw_buf_add(key, s + from, i - from);
			gw_buf_add(key, "\x02", 1);
			i += sl;
			from = i;
		} else {
			i++;
		}
	}
	gw_buf_add(key, s + from, len - from);
}

/* @gw's injector config from @cache, built there when new. */
static int cached_config(struct gw_preview_cache *cache, struct gw_arena *arena,
			 struct gw_diag *diag, const struct gw_gateway *gw,
			 const struct gw_preview_template *t,
			 struct gw_inject_config **cfg, const char **keyp)
{
	const char *key;
	size_t i;

	/* in @arena, the gateway's: copied into the cache when new (a key
	 * per gateway in the cache's arena grew with the run) */
	key = gw_arena_printf(arena, "%p %p %zu %p\n%s\n%s\n%s\n%s\n"
			      "%s\n%s\n%s", (const void *)t->name,
			      (const void *)t->installed, t->installed_len,
			      (const void *)t->overlay,
			      gw->inject_values ? gw->inject_values : "",
			      gw->inject_mesh ? gw->inject_mesh : "",
			      gw->istio_path ? gw->istio_path : "",
			      gw->tag_path ? gw->tag_path : "",
			      gw->version ? gw->version : "", gw->cp_namespace,
			      injector(gw) ? injector(gw) : "");
	*keyp = key;
	for (i = 0; i < cache->n; i++)
		if (!strcmp(cache->items[i].key, key)) {
			*cfg = cache->items[i].cfg;
			return 0;
		}
	if (cache->n >= CACHED_CONFIGS_MAX)
		return preview_config(arena, diag, gw, t, cfg);
	/* the config outlives @gw's tree (a spec file's documents are freed
	 * one by one, sources one after another): built from copies in the
	 * cache's arena of all it reads of @gw */
	{
		struct gw_arena *ca = cache->arena;
		struct gw_gateway g = *gw;
		struct gw_istio control;

#define KEEP(s) ((s) ? gw_arena_strdup(ca, (s)) : NULL)
		g.inject_values = KEEP(gw->inject_values);
		g.inject_values_mark.file = KEEP(gw->inject_values_mark.file);
		g.inject_mesh = KEEP(gw->inject_mesh);
		g.inject_mesh_mark.file = KEEP(gw->inject_mesh_mark.file);
		g.version = KEEP(gw->version);
		g.cp_namespace = KEEP(gw->cp_namespace);
		g.revision = KEEP(gw->revision);
		if (gw->control) {
			control = *gw->control;
			control.values = gw_node_copy_deep(ca,
							   gw->control->values);
			control.injector = KEEP(gw->control->injector);
			g.control = &control;
		}
#undef KEEP
		if (preview_config(ca, diag, &g, t, cfg))
			return -1;
	}
	cache->items = gw_grow(cache->items, cache->n + 1, &cache->cap,
			       sizeof(*cache->items));
	cache->items[cache->n++] = (struct cached){
		gw_arena_strdup(cache->arena, key), *cfg };
	return 0;
}

int gw_preview_render(struct gw_arena *arena, struct gw_diag *diag,
		      const struct gw_gateway *gw,
		      const struct gw_preview_template *t,
		      struct gw_preview_cache *cache,
		      struct gw_fileset *set)
{
	/*
	 * The main Deployment only.  A canary's (spec.canary) is rendered
	 * from the same pod and differs in labels alone (istio.io/rev and
	 * gwc.dev/track), which Pod Security does not read and which change
	 * no security field of what the gateway template injects; so its
	 * verdict would be this one, said twice.
	 */
	const char *want = gw_arena_printf(arena,
		"%s/%s/gateway-deployment.yaml", gw->ns, gw->name);
	struct gw_inject_config *cfg;
	struct gw_diag local;
	struct gw_node **docs, *injected;
	struct gw_buf out = { 0 }, key = { 0 };
	struct gw_pss_violation *v;
	struct verdict *known = NULL;
	enum gw_pss_level enforce;
	unsigned char digest[32];
	const char *cfg_key = NULL;
	size_t i, ndocs, n;
	int err = -1, minor;

	/* istiod makes the pod of a Gateway API gateway from its own
	 * kube-gateway template: there is no Deployment here to inject */
	if (gw->gateway_api)
		return 0;

	gw_diag_init(&local, arena);
	/* from the end: the gateway was rendered last, and a set of many
	 * gateways must not make this a search through all of them */
	for (i = set->n; i > 0; i--)
		if (!strcmp(set->files[i - 1].path, want))
			break;
	i = i ? i - 1 : set->n;
	if (gw_pss_level_parse(gw->pss_enforce, &enforce) ||
	    gw_pss_version(gw->pss_version, &minor)) {
		gw_diag_add(&local, GW_SEV_INTERNAL, gw->pss_mark, "the model's "
			    "Pod Security level '%s' (%s) is not one",
			    gw->pss_enforce, gw->pss_version);
	} else if (i == set->n) {
		gw_diag_add(&local, GW_SEV_ERROR, gw->inject_mark,
			    "spec.injectionPreview: no Deployment to inject");
	} else if (cache ? cached_config(cache, arena, &local, gw, t, &cfg,
					 &cfg_key) :
		   preview_config(arena, &local, gw, t, &cfg)) {
		/* reported */
	} else {
		if (cache && cfg_key) {
			gw_buf_printf(&key, "%s\n%d\n", cfg_key, minor);
			masked(&key, set->files[i].data, set->files[i].len,
			       gw->name, gw->ns);
			gw_sha256(key.data, key.len, digest);
			if (cache->verdicts_cap) {
				known = verdict_slot(cache, digest);
				if (!known->used)
					known = NULL;
			}
		}
		if (known && !gw->inject_preview) {
			err = admit(arena, &local, gw, enforce, known->v,
				    known->n);
		} else if (!gw_load_output(arena, &local, want,
					   set->files[i].data,
					   set->files[i].len, &docs, &ndocs) &&
			   ndocs == 1 &&
			   !gw_inject_tree(arena, &local, cfg, injector(gw),
					   docs[0], &injected)) {
			n = gw_pss_evaluate(arena, injected, minor, &v);
			if (cache && cfg_key && !known)
				verdict_keep(cache, digest, v, n);
			err = admit(arena, &local, gw, enforce, v, n);
		}
		/* one object, laid out as istioctl writes it (without
		 * "---"), quoted as every other file gwc writes: go-yaml
		 * leaves "=" and "<<" plain, which PyYAML and other YAML
		 * 1.1 readers refuse (tag:yaml.org,2002:value, merge) */
		if (!err && gw->inject_preview) {
			gw_go_yaml_write_quoting(&out, injected,
						 gw_emit_plain_safe);
			gw_fileset_add(set, gw_arena_printf(arena,
				       "%s/%s/gateway-deployment.injected.yaml",
				       gw->ns, gw->name), out.data, out.len);
			out.data = NULL;
		}
	}
	gw_buf_release(&key);
	gw_buf_release(&out);
	/* a position in the installed template, as one in its source */
	for (i = 0; i < local.n; i++) {
		struct gw_diag_entry *e = &local.entries[i];

		if (e->mark.file && !strcmp(e->mark.file, t->name) &&
		    e->mark.line > 0 &&
		    (t->installed_len != t->source_len ||
		     memcmp(t->installed, t->source, t->source_len)))
			e->mark.line = source_line(t->installed,
						   t->installed_len, t->source,
						   t->source_len, e->mark.line);
	}
	gw_diag_merge(diag, &local);
	gw_diag_release(&local);
	return err;
}
