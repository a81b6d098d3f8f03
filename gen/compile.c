/*
 * compile.c - the pipeline, for main.c, in two passes over the inputs.
 *
 * Pass 1 takes every spec through load, validate, model and check and
 * keeps a summary of each gateway; a clean spec whose gateways' template
 * is istiod's own (with a legacy-kernel overlay or not) is also rendered
 * and its pods injected and admitted (Pod Security) at once, into memory,
 * while the rendered bytes kept stay under KEEP_RENDERED.  Then the
 * decisions that span specs (one gateway per folder, one selector label
 * per name, one template and one update strategy per control plane, the
 * legacy-kernel scenario), and the injection stage for the specs whose
 * template those decided (a replaced one) or that ask for a preview.
 * Nothing is written unless every spec of the run is free of errors: a
 * failed run does not touch the output folder, not even its mtime.  Pass
 * 2 hands each spec's folders to the writer: the ones kept, or, past the
 * budget, rendered again from the bytes pass 1 read.  So no spec's tree
 * outlives its turn, the kept output is capped, and what stays per spec
 * is its bytes and its summary.  With jobs > 1 every pass runs in that
 * many threads; the messages, the summaries and the output are the same
 * for every number of jobs (they are merged in input order).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gwc.h"


struct control_plane {
	const char *istio;
	const struct gw_summary *chooser;		/* first gateway that needs it */
	const char *text;			/* template source text */
	size_t len;
	const char *source;			/* its path, or "built-in" */
	const char *installed;			/* the text written, or NULL */
	char installed_digest[65];		/* its SHA-256, hex */
	enum gw_scenario scenario;
	bool legacy;				/* a replacing gateway's kernel */
	bool bind;				/* ...with netBindService */
	unsigned overlays;			/* 1 << enum gw_privileged */
	const char *istio_path;			/* its Istio resource's file */
};

/*
 * Rendered bytes pass 1 may keep for pass 2 (about 4 KB per gateway):
 * 4 MiB holds a thousand gateways, and keeps peak memory under 10 MB
 * for them; the specs past it are parsed again in pass 2.
 */
#define KEEP_RENDERED ((size_t)4 << 20)
/*
 * Spec bytes pass 1 may keep for the later passes.  A spec file is read
 * by the worker that checks it (not all at once before pass 1), and its
 * bytes are dropped when pass 1 kept its output or the cache vouches for
 * it, or when more than this is held: the later passes read the file
 * again, and its digest must be the one pass 1 saw.  So 100,000 spec
 * files do not sit in memory together; 4 MiB holds some 5000 specs.
 */
#define KEEP_BYTES ((size_t)4 << 20)

/* What few sources have: apart from struct source (rare()), so that
 * each of 100,000 spec files costs less for the whole run. */
struct source_rare {
	struct gw_fileset rendered;	/* kept: all its folders */
	const char **reads;		/* files its injection previews read */
	size_t nreads, reads_cap;
	struct gw_diag_entry *previewed;	/* the previews' messages */
	unsigned npreviewed;
	const char **inputs;		/* files its gateways read (the cache) */
	size_t ninputs, inputs_cap;
};

/* One input: its bytes, read once, and what pass 1 found in it (merged
 * into the compilation in input order, whichever thread checked it). */
struct source {
	const char *name;
	const char *data;
	size_t len;
	/* its messages: malloc'ed from pass 1 until check_all() adds them
	 * to the run's, then those from notes_at on there */
	union {
		struct gw_diag_entry *notes;
		size_t notes_at;
	};
	struct gw_summary *gateways;	/* its good gateways, malloc'ed */
	struct gw_spill *spill;		/* spilled: its folders, from..to */
	uint64_t spill_from, spill_to;
	struct source_rare *rare;	/* malloc'ed, or NULL: none of it */
	unsigned char digest[32];	/* SHA-256 of data */
	uint64_t stat_key;		/* the file's as digest was taken */
	unsigned nnotes;
	unsigned ngateways;		/* room for: the next power of two */
	unsigned nfed;			/* its first gateways, fed to the
					 * writer by pass 1 (gen/feed.c) */
	bool owns;			/* data is malloc'ed: read here */
	bool io_error;
	bool preview;			/* a gateway of it has a preview */
	bool kept;			/* rare->rendered holds its folders */
	bool spilled;
	bool fed;			/* all its folders are the writer's */
	bool checked;			/* by pass 1, not yet merged */
	bool admitted;			/* injected and admitted in pass 1 */
	/* OUT's cache (gen/cache.c) */
	bool file;			/* a spec file, not standard input */
	bool read_once;			/* digest holds the bytes' digest */
	bool streamed;			/* big: read as parsed, never held */
	bool cached;			/* its folders are right: no work */
};

/* @src's rare part, made at its first use (by the one thread working on
 * @src). */
static struct source_rare *rare(struct source *src)
{
	if (!src->rare) {
		src->rare = gw_malloc(sizeof(*src->rare));
		memset(src->rare, 0, sizeof(*src->rare));
	}
	return src->rare;
}

struct compilation {
	struct gw_arena *arena;		/* the run's: diagnostics, summaries */
	pthread_mutex_t lock;		/* arena and kept_bytes, in pass 1 */
	size_t next;			/* the next source pass 1 checks */
	size_t merged;			/* sources merged by pass 1 so far */
	size_t kept_bytes;		/* rendered bytes pass 1 holds */
	struct gw_spill **spills;	/* pass 1's, one per worker */
	size_t nspills, spills_cap;
	size_t held_bytes;		/* spec bytes held after pass 1 */
	size_t hold_limit;		/* KEEP_BYTES, or the caller's */
	uintmax_t stream_min;		/* GW_STREAM_MIN, or a test's */
	size_t keep_limit;		/* KEEP_RENDERED, or the caller's */
	bool render;			/* the run writes: render in pass 1 */
	struct gw_diag *diag;		/* the caller's: messages go there */
	const struct gw_node *schema;
	/* every source's gateways, in input order: pointers into the
	 * sources' lists (one copy of 100,000 summaries, not two),
	 * malloc'ed */
	const struct gw_summary **gateways;
	size_t n, cap;
	struct source *sources;
	size_t nsources;
	struct control_plane *cps;	/* malloc'ed */
	size_t ncps, cps_cap;
	size_t *cp_slots;		/* cps by Istio name: index + 1 */
	size_t ncp_slots;
	bool io_error;		/* an input could not be read: exit 2 */
	bool interrupted;	/* a held signal is pending: stop */
	bool no_file_reads;
	struct gw_fileset *reads;	/* opt->reads */
	struct control_file *control_files;	/* read once, in pass 1 */
	size_t ncontrol_files, control_files_cap;
	struct gw_strset interned;	/* intern() */
	struct gw_cache *cache;		/* OUT's, or NULL */
	bool caching;			/* the run records OUT's cache */
	struct gw_feed *feed;		/* a new OUT: pass 1 stages, or NULL */
	bool feed_failed;		/* a stage failed: the run aborts */
};

/* A file of the control plane's resources (istioResource, revisionTag):
 * read once per run, so that every spec naming it, in every pass, sees
 * the same bytes. */
struct control_file {
	const char *path;
	char *data;
	size_t len;
};

static const char *keep(struct compilation *c, const char *s)
{
	return s ? gw_arena_strdup(c->arena, s) : NULL;
}

static size_t hash_text(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

/* @s in the run's arena, once: messages and file names that many specs
 * give alike share one copy (lock held). */
static const char *intern(struct compilation *c, const char *s)
{
	return gw_strset_intern(&c->interned, c->arena, s);
}

/* A message's text where the caller's diagnostics keep theirs, once
 * (lock held): it is printed after the run's arena is gone. */
static const char *message_text(struct compilation *c, const char *msg)
{
	return gw_strset_intern(&c->diag->msgs, c->diag->arena, msg);
}

/* A gateway's summary, its strings in the run's arena (lock held). */
static void summarize(struct compilation *c, struct gw_summary *s,
		      const struct gw_gateway *gw)
{
	s->file = gw->file;
	s->ns = keep(c, gw->ns);
	s->name = keep(c, gw->name);
	/* what many gateways share, once */
	s->istio = intern(c, gw->istio);
	s->template_path = intern(c, gw->template_path);
	s->revision = intern(c, gw->revision);
	s->revision_given = gw->revision_given;
	s->scoped = gw->control && gw->control->scoped_gateways;
	s->istio_path = intern(c, gw->istio_path);
	/* places in its spec file, the summary's file */
	s->mark = gw_spot_of(gw->mark);
	s->name_mark = gw_spot_of(gw->name_mark);
	s->kernel_mark = gw_spot_of(gw->kernel_mark);
	s->template_mark = gw_spot_of(gw->template_mark);
	s->revision_mark = gw_spot_of(gw->revision_mark);
	s->template_demand_mark = gw_spot_of(gw->template_demand_mark);
	s->kernel_version = gw->kernel_version != NULL;
	s->legacy = gw->legacy_kernel;
	s->pin = gw->pin_template;
	s->replaces = gw_model_replaces_template(gw);
	s->overlay = gw_model_uses_overlay(gw);
	s->privileged = gw->privileged;
	s->gateway_api = gw->gateway_api;
	s->bind = gw->legacy_kernel && gw->privileged == GW_PRIVILEGED_NET_BIND &&
		  gw_model_lowest_target_port(gw) < 1024;
}

static void add_gateway(struct compilation *c, const struct gw_summary *s)
{
	c->gateways = gw_grow(c->gateways, c->n + 1, &c->cap,
			      sizeof(*c->gateways));
	c->gateways[c->n++] = s;
}

/* Room for one more summary in @src's list: malloc'ed, growing from one
 * (most sources hold one gateway) to the next power of two when full,
 * so that nothing of it stays behind in an arena when it moves. */
static struct gw_summary *new_summary(struct source *src)
{
	size_t n = src->ngateways;

	if (!(n & (n - 1))) {	/* 0, or a power of two: full */
		src->gateways = realloc(src->gateways, (n ? 2 * n : 1) *
					sizeof(*src->gateways));
		if (!src->gateways)
			gw_oom();
	}
	return &src->gateways[src->ngateways++];
}

/* @d as 64 hex digits into @hex (65 bytes). */
static void digest_hex(const unsigned char d[32], char *hex)
{
	size_t i;

	for (i = 0; i < 32; i++) {
		hex[2 * i] = "0123456789abcdef"[d[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[d[i] & 15];
	}
	hex[64] = '\0';
}

/* The legacy-kernel overlays' digests, made once per process: every
 * legacy gateway's folder records one (hashing the overlay per gateway
 * was 4 % of a 100,000-gateway build). */
static char overlay_digests[GW_PRIVILEGED_NET_BIND + 1][65];
static pthread_once_t overlay_digests_once = PTHREAD_ONCE_INIT;

static void make_overlay_digests(void)
{
	int p;

	for (p = GW_PRIVILEGED_NONE; p <= GW_PRIVILEGED_NET_BIND; p++) {
		const char *text = gw_template_overlay(p)->text;
		unsigned char d[32];

		gw_sha256(text, strlen(text), d);
		digest_hex(d, overlay_digests[p]);
	}
}

/* The digest of the template that installs @gw's pods, or NULL when it
 * is istiod's own: the overlay's, or @cp's installed template's (made
 * with it, installed_digest). */
static const char *template_digest(const struct control_plane *cp,
				   const struct gw_gateway *gw)
{
	if (gw_model_uses_overlay(gw)) {
		pthread_once(&overlay_digests_once, make_overlay_digests);
		return overlay_digests[gw->privileged];
	}
	if (gw_model_replaces_template(gw) && cp && cp->installed)
		return cp->installed_digest;
	return NULL;
}

/* Memory that @set's files from @from on take. */
static size_t set_bytes(const struct gw_fileset *set, size_t from)
{
	size_t i, bytes = 0;

	for (i = from; i < set->n; i++)
		bytes += set->files[i].len + strlen(set->files[i].path) + 64;
	return bytes;
}

/* Rendered files kept for a while: trimmed to their size (a buffer
 * grew by doubling). */
static void trim_rendered(struct gw_fileset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		struct gw_file *f = &set->files[i];
		char *trim = realloc(f->data, f->len + 1);

		if (trim)
			f->data = trim;
	}
}

/*
 * Keeps @set, the rendered folders of @src, for pass 2: always for a
 * source with an injection preview (pass 2 does not render previews),
 * else while the kept bytes stay under the budget (the rest is rendered
 * again in pass 2).
 */
static void keep_rendered(struct compilation *c, struct source *src,
			  struct gw_fileset *set)
{
	size_t bytes = set_bytes(set, 0);
	bool room;

	pthread_mutex_lock(&c->lock);
	room = c->kept_bytes + bytes <= c->keep_limit;
	if (room || src->preview)
		c->kept_bytes += bytes;
	pthread_mutex_unlock(&c->lock);
	if (!room && !src->preview) {
		gw_fileset_release(set);
		return;
	}
	trim_rendered(set);
	rare(src)->rendered = *set;
	src->kept = true;
}

/* The messages of one job, malloc'ed until add_messages(), their texts
 * where the caller's diagnostics keep theirs (lock held). */
static void keep_messages(struct compilation *c, const struct source *src,
			  const struct gw_diag *diag,
			  struct gw_diag_entry **kept, unsigned *n)
{
	size_t i;

	*kept = NULL;
	if (diag->n)
		*kept = gw_malloc(diag->n * sizeof(**kept));
	for (i = 0; i < diag->n; i++) {
		struct gw_diag_entry *e = &(*kept)[i];

		*e = diag->entries[i];
		e->msg = message_text(c, e->msg);
		/* the source's name lives as long as the run: 100,000 spec
		 * files' names are not copied into the intern table */
		e->mark.file = e->mark.file && !strcmp(e->mark.file, src->name) ?
			       src->name : intern(c, e->mark.file);
	}
	*n = (unsigned)diag->n;
}

/* Adds kept messages to the run's, as they came, and frees them: the
 * run's list holds them once (from the index returned on). */
static size_t add_messages(struct compilation *c, struct gw_diag_entry **e,
			   size_t n)
{
	size_t k, at = c->diag->n;

	for (k = 0; k < n; k++)	/* their texts in the diag's arena */
		gw_diag_add_kept(c->diag, (*e)[k].severity, (*e)[k].mark,
				 (*e)[k].msg);
	free(*e);
	*e = NULL;
	return at;
}

/* Appends @path (kept in the run's arena) to the list @v (lock held). */
static void push_path(struct compilation *c, const char ***v, size_t *n,
		      size_t *cap, const char *path)
{
	*v = gw_arena_grow(c->arena, *v, *n, cap, sizeof(**v));
	(*v)[(*n)++] = keep(c, path);
}

/* A gateway pass 1 accepted, into @src's lists in the run's arena: its
 * summary, the files it reads (lock held). */
static void keep_gateway(struct compilation *c, struct source *src,
			 const struct gw_gateway *gw)
{
	struct source_rare *r;

	summarize(c, new_summary(src), gw);
	src->preview |= gw->inject_preview;
	if (!gw->istio_path && !gw->tag_path &&
	    !(c->reads && gw->inject_preview))
		return;	/* most gateways */
	r = rare(src);
	if (c->caching && gw->istio_path)
		push_path(c, &r->inputs, &r->ninputs, &r->inputs_cap,
			  gw->istio_path);
	if (c->caching && gw->tag_path)
		push_path(c, &r->inputs, &r->ninputs, &r->inputs_cap,
			  gw->tag_path);
	if (!c->reads)
		return;
	if (gw->istio_path)
		push_path(c, &r->reads, &r->nreads, &r->reads_cap,
			  gw->istio_path);
	if (gw->tag_path)
		push_path(c, &r->reads, &r->nreads, &r->reads_cap,
			  gw->tag_path);
	if (gw->inject_preview && gw->inject_values)
		push_path(c, &r->reads, &r->nreads, &r->reads_cap,
			  gw->inject_values);
	if (gw->inject_preview && gw->inject_mesh)
		push_path(c, &r->reads, &r->nreads, &r->reads_cap,
			  gw->inject_mesh);
}

/* The bytes of the control-plane file @path, read at the first spec that
 * names it (at its key @at, @what); the same bytes ever after. */
static int control_file(struct compilation *c, struct gw_diag *diag,
			const char *path, struct gw_mark at, const char *what,
			const char **data, size_t *len, bool *io_error)
{
	struct control_file *f = NULL;
	size_t i;
	int err = 0;

	if (c->no_file_reads) {
		gw_diag_add(diag, GW_SEV_ERROR, at, "%s: reading files is "
			    "disabled here", what);
		return -1;
	}
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < c->ncontrol_files; i++)
		if (!strcmp(c->control_files[i].path, path))
			f = &c->control_files[i];
	if (!f) {
		struct control_file new = { gw_arena_strdup(c->arena, path),
					     NULL, 0 };

		if (gw_load_read_for(c->arena, diag, path, at, what, &new.data,
				     &new.len)) {
			*io_error = true;
			err = -1;
		} else {
			c->control_files = gw_arena_grow(c->arena,
				c->control_files, c->ncontrol_files,
				&c->control_files_cap,
				sizeof(*c->control_files));
			f = &c->control_files[c->ncontrol_files++];
			*f = new;
		}
	}
	if (f) {
		*data = f->data;
		*len = f->len;
	}
	pthread_mutex_unlock(&c->lock);
	return err;
}

/*
 * Reads the Istio resource (and revision tag) @gw names, in @arena, and
 * makes @gw follow it (gen/controlplane.c); -1 after an error.
 */
static int attach_control_plane(struct compilation *c, struct gw_arena *arena,
				struct gw_diag *diag, struct gw_gateway *gw,
				bool *io_error)
{
	struct gw_istio *istio;
	const char *data;
	size_t len;

	if (!gw->istio_path) {
		if (!gw->tag_path)
			return 0;
		gw_diag_add(diag, GW_SEV_ERROR, gw->tag_path_mark,
			    "spec.controlPlane.revisionTag: needs "
			    "istioResource, the Istio the tag must point at");
		return -1;
	}
	istio = gw_arena_alloc(arena, sizeof(*istio));
	if (control_file(c, diag, gw->istio_path, gw->istio_path_mark,
			 "spec.controlPlane.istioResource", &data, &len,
			 io_error) ||
	    gw_istio_parse(arena, diag, gw->istio_path, data, len, istio))
		return -1;
	if (gw->tag_path &&
	    (control_file(c, diag, gw->tag_path, gw->tag_path_mark,
			  "spec.controlPlane.revisionTag", &data, &len,
			  io_error) ||
	     gw_istio_parse_tag(arena, diag, gw->tag_path, data, len, istio)))
		return -1;
	return gw_control_plane_apply(arena, diag, gw, istio) ? -1 : 0;
}

/* The model of a spec document pass 1 accepted, for the later passes: as
 * pass 1 built it, its messages already said. */
static struct gw_gateway *build_again(struct compilation *c,
				      struct gw_arena *arena,
				      const char *file, struct gw_node *doc)
{
	struct gw_gateway *gw = gw_model_build(arena, file, doc);
	struct gw_diag quiet;
	bool io_error = false;
	int err;

	gw_diag_init(&quiet, arena);
	err = attach_control_plane(c, arena, &quiet, gw, &io_error);
	gw_diag_release(&quiet);
	return err ? NULL : gw;
}

/* Pass 1 for one input: every document checked; a summary of each good
 * gateway and the messages kept in @src, the trees freed. */
static struct gw_preview_template preview_template(struct compilation *c,
						   const struct gw_gateway *gw);

/*
 * Renders the checked gateway @gw of @src and admits its injected pod
 * (gen/preview.c) in pass 1, when the template istiod will use is known
 * already: its own, with a legacy-kernel overlay or not.  The files are
 * appended to @set.  -1 after an error.
 */
static int admit_early(struct compilation *c, struct gw_diag *diag,
		       struct gw_gateway *gw, struct gw_fileset *set,
		       struct gw_preview_cache *cache)
{
	struct gw_preview_template t = preview_template(c, gw);
	/* the objects' trees and the injected pod are bytes in @set once
	 * done: a file of many specs keeps none of them */
	struct gw_arena *scratch = gw_arena_new();
	unsigned errors = diag->errors;
	int err = 0;

	if (gw_render_gateway(scratch, diag, gw, template_digest(NULL, gw),
			      set)) {
		if (diag->errors == errors)	/* else its patches' */
			gw_diag_add(diag, GW_SEV_INTERNAL, gw->mark,
				    "cannot emit the objects of this gateway");
		err = -1;
	} else if (gw_preview_render(scratch, diag, gw, &t, cache, set)) {
		err = -1;
	}
	gw_arena_free(scratch);
	return err;
}

/* What becomes of the folders pass 1 renders for a source, until pass 2. */
enum parking {
	PARK_FEED,	/* staged by the writer already (a new OUT) */
	PARK_KEEP,	/* in memory, within the run's budget */
	PARK_SPILL,	/* in the worker's spill file (gen/spill.c) */
	PARK_DROP,	/* nowhere: pass 2 renders them again */
};

/*
 * Parks the folders pass 1 rendered for @src (@set, those of the gateway
 * just admitted from @first on): into a new OUT, fed to the writer at
 * once (*@how starts as PARK_FEED then); else kept in memory while the
 * run's budget allows (KEEP_RENDERED), then appended to the worker's
 * *@spill (opened here the first time), and when that fails, dropped.
 * @set keeps only what is kept in memory.
 */
static void park(struct compilation *c, struct source *src,
		 struct gw_spill **spill, struct gw_fileset *set, size_t first,
		 enum parking *how)
{
	size_t bytes;

	if (!c->render)
		*how = PARK_DROP;
	if (*how == PARK_FEED) {	/* @first is 0: nothing is kept */
		gw_feed_put(c->feed, set);
		src->nfed++;
		return;
	}
	if (*how == PARK_KEEP) {
		bytes = set_bytes(set, first);
		pthread_mutex_lock(&c->lock);
		if (c->kept_bytes + bytes <= c->keep_limit) {
			c->kept_bytes += bytes;
			pthread_mutex_unlock(&c->lock);
			return;
		}
		/* the source's folders are parked whole from now on */
		c->kept_bytes -= set_bytes(set, 0) - bytes;
		if (!*spill && (*spill = gw_spill_open())) {
			c->spills = gw_grow(c->spills, c->nspills + 1,
					    &c->spills_cap, sizeof(*c->spills));
			c->spills[c->nspills++] = *spill;
		}
		pthread_mutex_unlock(&c->lock);
		*how = *spill ? PARK_SPILL : PARK_DROP;
		if (*spill)
			src->spill_from = gw_spill_size(*spill);
	}
	if (*how == PARK_SPILL && gw_spill_put(*spill, set))
		*how = PARK_DROP;
	gw_fileset_release(set);
}

/*
 * The patches of a gateway that pass 1 does not render (its template waits
 * for the control planes' plan, it has a preview, or its file has an
 * error already), applied to its objects now, so that every error of
 * every spec shows in one run.  The files are thrown away.
 */
static void check_patches(struct gw_diag *diag, const struct gw_gateway *gw)
{
	struct gw_arena *scratch = gw_arena_new();
	struct gw_fileset set = { 0 };
	unsigned errors = diag->errors;

	if (gw_render_gateway(scratch, diag, gw, template_digest(NULL, gw),
			      &set) && diag->errors == errors)
		gw_diag_add(diag, GW_SEV_INTERNAL, gw->mark,
			    "cannot emit the objects of this gateway");
	gw_fileset_release(&set);
	gw_arena_free(scratch);
}

/*
 * The bytes of spec file @src, read now if they are not held: the first
 * time its digest is taken; a later read must give the same digest (the
 * file changed while gwc ran: an error, not a mixed output).  -1 after
 * an error, reported to @diag.
 */
static int source_bytes(struct compilation *c, struct source *src,
			struct gw_diag *diag)
{
	unsigned char d[32];
	struct stat st;
	char *data;
	size_t len;
	int r;

	if (src->data || src->streamed)
		return 0;
	/* a big file is read as it is parsed (open_docs), once scanned for
	 * its digest */
	r = gw_load_read_upto(diag, src->name, src->read_once ? UINTMAX_MAX :
			      c->stream_min, &data, &len, &st);
	if ((r == 0 || r == 1) && !src->read_once)
		src->stat_key = gw_cache_stat_key(&st);
	if (r == 1) {
		r = gw_load_scan(diag, src->name, src->digest);
		if (r) {
			src->io_error = r < 0;
			return -1;
		}
		src->read_once = src->streamed = true;
		return 0;
	}
	if (r) {
		src->io_error = true;
		return -1;
	}
	gw_sha256(data, len, d);
	if (src->read_once && memcmp(d, src->digest, 32)) {
		gw_diag_add(diag, GW_SEV_ERROR, (struct gw_mark){ src->name,
			    0, 0 }, "changed while gwc was reading it; run "
			    "the build again");
		free(data);
		src->io_error = true;
		return -1;
	}
	memcpy(src->digest, d, 32);
	src->read_once = true;
	src->data = data;
	src->owns = true;
	src->len = len;
	return 0;
}

/* The documents of @src: from its bytes, or from its file as they are
 * parsed (a stream's end finds a file changed since its scan). */
static struct gw_docs *open_docs(struct source *src, struct gw_diag *diag)
{
	if (src->streamed)
		return gw_docs_stream(diag, src->name, src->digest,
				      &src->io_error);
	return gw_docs_open(diag, src->name, src->data, src->len);
}

/* Drops the bytes of @src when no later pass needs them or, with @keep
 * false or past KEEP_BYTES, when they can be read again. */
static void drop_bytes(struct compilation *c, struct source *src, bool keep)
{
	if (!src->owns)
		return;
	if (keep && !src->kept && !src->spilled && !src->cached) {
		pthread_mutex_lock(&c->lock);
		keep = c->held_bytes + src->len <= c->hold_limit;
		if (keep)
			c->held_bytes += src->len;
		pthread_mutex_unlock(&c->lock);
		if (keep)
			return;
	}
	free((char *)src->data);
	src->owns = false;
	src->data = NULL;
}

/* A string of the cache's record, in the run's arena: the source's own
 * name as itself (lock held). */
static const char *restore(struct compilation *c, const struct source *src,
			   const char *s)
{
	return s && !strcmp(s, src->name) ? src->name : intern(c, s);
}

static struct gw_mark restore_mark(struct compilation *c,
				   const struct source *src, struct gw_mark m)
{
	m.file = restore(c, src, m.file);
	return m;
}

/*
 * Pass 1 of @src from OUT's cache: when the cache records these bytes,
 * the files they read have the recorded digests, and the folders are as
 * the record says, the source's summaries and messages are the record's
 * and it needs no work at all.  False: compile it.
 */
static bool cached_source(struct compilation *c, struct source *src)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_cache_source cs;
	struct gw_diag quiet;
	size_t i;
	bool ok;

	gw_diag_init(&quiet, arena);
	ok = !gw_cache_lookup(c->cache, arena, src->name, src->digest, &cs);
	for (i = 0; ok && i < cs.nreads; i++) {
		unsigned char d[32];
		const char *data;
		size_t len;
		bool io_error = false;

		ok = !control_file(c, &quiet, cs.reads[i].path,
				   (struct gw_mark){ 0 }, "", &data, &len,
				   &io_error);
		if (ok)
			gw_sha256(data, len, d);
		ok = ok && !memcmp(d, cs.reads[i].digest, 32);
	}
	if (ok) {
		pthread_mutex_lock(&c->lock);
		src->gateways = gw_malloc((cs.ngateways + 1) *
					  sizeof(*src->gateways));
		for (i = 0; i < cs.ngateways; i++) {
			struct gw_summary *s = &src->gateways[i];

			*s = cs.gateways[i];
			s->file = src->name;
			s->ns = keep(c, s->ns);
			s->name = keep(c, s->name);
			s->istio = keep(c, s->istio);
			s->template_path = restore(c, src, s->template_path);
			s->revision = keep(c, s->revision);
			s->istio_path = keep(c, s->istio_path);
		}
		src->ngateways = cs.ngateways;
		src->notes = gw_malloc((cs.nnotes + 1) * sizeof(*src->notes));
		for (i = 0; i < cs.nnotes; i++) {
			src->notes[i] = cs.notes[i];
			src->notes[i].mark = restore_mark(c, src,
							  cs.notes[i].mark);
			src->notes[i].msg = message_text(c, cs.notes[i].msg);
		}
		src->nnotes = cs.nnotes;
		if (cs.nreads) {
			struct source_rare *r = rare(src);

			r->inputs = gw_arena_alloc(c->arena, cs.nreads *
						   sizeof(*r->inputs));
			for (i = 0; i < cs.nreads; i++)
				r->inputs[i] = keep(c, cs.reads[i].path);
			r->ninputs = r->inputs_cap = cs.nreads;
		}
		src->admitted = src->cached = true;
		pthread_mutex_unlock(&c->lock);
	}
	gw_diag_release(&quiet);
	gw_arena_free(arena);
	return ok;
}

/* Pass 1 for one input: every document checked, one at a time; a
 * summary of each good gateway and the messages kept in @src, each
 * document's tree freed before the next is read.  Its gateways are
 * rendered and admitted at once when their template is istiod's own. */
static void check_source(struct compilation *c, struct source *src,
			 struct gw_preview_cache *cache, struct gw_spill **spill)
{
	struct gw_arena *notes, *arena;
	struct gw_fileset set = { 0 };
	struct gw_diag diag;
	struct gw_docs *docs;
	struct gw_node *doc;
	struct gw_mark first = { 0 };
	size_t ndocs = 0, nempty = 0;
	enum parking how = c->feed ? PARK_FEED : PARK_KEEP;
	bool early = true;
	struct stat st;
	int got;

	notes = gw_arena_new();
	gw_diag_init(&diag, notes);
	/* a spec whose stat is the one OUT's cache recorded with its digest
	 * (and not racy) is not even read, when its folders are as recorded */
	if (c->cache && src->file && !src->read_once &&
	    !stat(src->name, &st) && S_ISREG(st.st_mode) &&
	    !gw_cache_known(c->cache, src->name, &st, src->digest)) {
		src->stat_key = gw_cache_stat_key(&st);
		src->read_once = true;
		if (cached_source(c, src)) {
			gw_diag_release(&diag);
			gw_arena_free(notes);
			return;
		}
		src->read_once = false;	/* read it after all */
	}
	if (source_bytes(c, src, &diag)) {
		pthread_mutex_lock(&c->lock);
		keep_messages(c, src, &diag, &src->notes, &src->nnotes);
		pthread_mutex_unlock(&c->lock);
		gw_diag_release(&diag);
		gw_arena_free(notes);
		return;
	}
	if (c->cache && src->file && cached_source(c, src)) {
		gw_diag_release(&diag);
		gw_arena_free(notes);
		drop_bytes(c, src, false);
		return;
	}
	docs = open_docs(src, &diag);
	for (;;) {
		struct gw_gateway *gw;

		arena = gw_arena_new();
		got = gw_docs_next(docs, arena, &doc, NULL);
		if (got <= 0) {
			gw_arena_free(arena);
			break;
		}
		if (!ndocs++)
			first = doc->mark;
		if (doc->kind == GW_NULL) {
			nempty++;	/* an empty document, as kubectl skips */
			gw_arena_free(arena);
			continue;
		}
		gw = NULL;
		if (!gw_validate(&diag, c->schema, doc)) {
			gw = gw_model_build(arena, src->name, doc);
			if (attach_control_plane(c, arena, &diag, gw,
						 &src->io_error) ||
			    gw_check_gateway(&diag, gw) ||
			    (gw->inject_preview &&
			     gw_preview_check(arena, &diag, gw,
					      c->no_file_reads,
					      &src->io_error)))
				gw = NULL;
		}
		if (gw) {
			pthread_mutex_lock(&c->lock);
			keep_gateway(c, src, gw);
			pthread_mutex_unlock(&c->lock);
			/* a gateway whose template waits for the control
			 * planes' plan, or with a preview: the whole
			 * source goes to the injection stage */
			if (gw->inject_preview || gw_model_replaces_template(gw))
				early = false;
			if (early && !diag.errors) {
				size_t from = set.n;

				if (admit_early(c, &diag, gw, &set, cache))
					early = false;
				else
					park(c, src, spill, &set, from, &how);
			} else if (gw->patches) {
				check_patches(&diag, gw);
			}
		}
		gw_arena_free(arena);
	}
	gw_docs_close(docs);
	if (got == 0 && ndocs && nempty == ndocs)
		gw_diag_add(&diag, GW_SEV_ERROR, first, "no spec in the file "
			    "(every YAML document is empty)");
	src->admitted = early && !diag.errors && src->ngateways;
	if (src->admitted && how == PARK_KEEP && c->render) {
		trim_rendered(&set);
		rare(src)->rendered = set;
		src->kept = true;
	} else {
		gw_fileset_release(&set);
	}
	src->fed = src->admitted && how == PARK_FEED;
	if (src->admitted && how == PARK_SPILL) {
		src->spilled = true;
		src->spill = *spill;
		src->spill_to = gw_spill_size(*spill);
	}
	pthread_mutex_lock(&c->lock);
	keep_messages(c, src, &diag, &src->notes, &src->nnotes);
	pthread_mutex_unlock(&c->lock);
	drop_bytes(c, src, !diag.errors);
	gw_diag_release(&diag);
	gw_arena_free(notes);
}

/*
 * True when SIGINT, SIGTERM or SIGHUP is pending: the caller holds them
 * off while gwc writes (main.c), and a run stops at the next spec rather
 * than finish work that will be thrown away.
 */
static bool signal_pending(void)
{
	sigset_t pending;

	return !sigpending(&pending) && (sigismember(&pending, SIGINT) == 1 ||
					 sigismember(&pending, SIGTERM) == 1 ||
					 sigismember(&pending, SIGHUP) == 1);
}

/* The next source for a worker of a pass, or NULL when none is left
 * (or the run was interrupted). */
static struct source *next_source(struct compilation *c)
{
	struct source *src = NULL;

	pthread_mutex_lock(&c->lock);
	/* looked for at every 16th source: a system call each time (a
	 * rebuild of 1000 unchanged specs made 2000 of them), and the
	 * writer looks again before it swaps anything in */
	if (!(c->next % 16))
		c->interrupted |= signal_pending();
	if (!c->interrupted && c->next < c->nsources)
		src = &c->sources[c->next++];
	pthread_mutex_unlock(&c->lock);
	return src;
}

/* What pass 1 found in @src, into the run's lists (lock held): its
 * messages (freed from the source: the run's list holds them), its
 * gateways, the files it read. */
static void merge_source(struct compilation *c, struct source *src)
{
	size_t k;

	if (src->ngateways) {	/* to size */
		struct gw_summary *fit = realloc(src->gateways,
			src->ngateways * sizeof(*src->gateways));

		if (fit)
			src->gateways = fit;
	}
	src->notes_at = add_messages(c, &src->notes, src->nnotes);
	for (k = 0; k < src->ngateways; k++)
		add_gateway(c, &src->gateways[k]);
	for (k = 0; src->rare && k < src->rare->nreads; k++)
		gw_fileset_add(c->reads, src->rare->reads[k], NULL, 0);
	c->io_error |= src->io_error;
}

/* Merges @src, checked now, and every checked source after it, when the
 * sources before it are merged: the run's lists stay in input order
 * while each source's messages are held once, not until pass 1 ends. */
static void merge_checked(struct compilation *c, struct source *src)
{
	pthread_mutex_lock(&c->lock);
	src->checked = true;
	while (c->merged < c->nsources && c->sources[c->merged].checked)
		merge_source(c, &c->sources[c->merged++]);
	pthread_mutex_unlock(&c->lock);
}

static void *check_worker(void *arg)
{
	struct compilation *c = arg;
	struct source *src;

	struct gw_preview_cache *cache = gw_preview_cache_new();
	struct gw_spill *spill = NULL;	/* this worker's */

	while ((src = next_source(c))) {
		check_source(c, src, cache, &spill);
		merge_checked(c, src);
	}
	gw_preview_cache_free(cache);
	if (spill)	/* a failure is seen by check_all() */
		gw_spill_flush(spill);
	return NULL;
}

static void *check_thread(void *arg)
{
	check_worker(arg);
	gw_validate_release();
	return NULL;
}

/* Runs @fn(@arg) in @jobs threads, the caller's one of them, at most one
 * per item of work; the threads it starts run @thread_fn(@arg). */
static void in_threads(unsigned jobs, size_t items, void *(*fn)(void *),
		       void *(*thread_fn)(void *), void *arg)
{
	pthread_t threads[GW_MAX_JOBS];
	unsigned i, started = 0;

	if (jobs > items)
		jobs = (unsigned)items;
	for (i = 1; i < jobs && i < GW_MAX_JOBS; i++)
		if (!pthread_create(&threads[started], NULL, thread_fn, arg))
			started++;
	fn(arg);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
}

/* Pass 1 over every source in @jobs threads, its findings merged in input
 * order as they come (merge_checked): the messages, the summaries, the
 * files read. */
static void check_all(struct compilation *c, unsigned jobs)
{
	size_t s;

	c->next = c->merged = 0;
	in_threads(jobs, c->nsources, check_worker, check_thread, c);
	/* the sources an interruption left unchecked */
	while (c->merged < c->nsources)
		merge_source(c, &c->sources[c->merged++]);
	/* folders a full spill file lost: rendered again */
	for (s = 0; s < c->nsources; s++)
		if (c->sources[s].spilled &&
		    gw_spill_failed(c->sources[s].spill))
			c->sources[s].spilled = false;
}

static void add_source(struct compilation *c, const char *name,
		       const char *data, size_t len, bool file)
{
	struct source *src;

	src = &c->sources[c->nsources++];
	src->name = name;
	src->data = data;
	src->len = len;
	src->file = file;
}

/*
 * OUT's cache, when the run may use it (a build into a folder, --check,
 * --dry-run; not with --stamp, whose manifest needs every file's bytes).
 * A build locks OUT now, so that the folders the cache vouches for stay
 * as they are until the commit; when OUT does not exist or cannot be
 * locked here, the run has no cache (and the writer, opened later as
 * without one, reports why).  --check reads the cache without the lock:
 * it compares with OUT as it is at that moment anyway.
 */
static struct gw_writer *open_cache(struct compilation *c,
				    const struct gw_options *opt)
{
	struct gw_writer *w = NULL;
	struct gw_diag scratch;
	struct stat st;

	if (!opt->outdir || !strcmp(opt->outdir, "-") || opt->result ||
	    opt->no_file_reads || opt->no_cache)
		return NULL;
	c->caching = !opt->check;
	if (lstat(opt->outdir, &st) || !S_ISDIR(st.st_mode))
		return NULL;
	if (!opt->check) {
		gw_diag_init(&scratch, c->arena);
		w = gw_writer_open(opt->outdir, opt->fsync ? GW_WRITE_FSYNC : 0,
				   &scratch);
		gw_diag_release(&scratch);
		if (!w)
			return NULL;
	}
	c->cache = gw_cache_open(opt->outdir);
	return w;
}

/*
 * A build into an OUT that does not exist yet: the writer is opened now
 * (it makes OUT) and pass 1 feeds it each folder as rendered (gen/feed.c),
 * in a thread beside pass 1's.  A failed run removes the OUT it made, so
 * nothing of it is left, as when the writer comes after pass 1; an OUT
 * that exists is not touched before every spec is checked (not even its
 * mtime), so it is staged in pass 2.  NULL when OUT exists, or cannot be
 * made now (pass 2's writer says why).
 */
static void write_cache(void *arg, int out, struct gw_writer *writer);

/* Spec bytes under which a new OUT is not fed (about 90 gateways): a
 * thread and a temporary file cost more than they save (a third more
 * time for one gateway). */
#define FEED_MIN ((uintmax_t)64 << 10)
/* Folders under which the writer takes no record of the files it
 * writes for OUT's cache: listing a few folders costs less than the
 * record's temporary file. */
#define RECORD_MIN 64

static struct gw_writer *feed_new_out(struct compilation *c,
				      const struct gw_options *opt)
{
	struct gw_writer *w;
	struct gw_diag scratch;
	struct stat st;

	if (!opt->outdir || !strcmp(opt->outdir, "-") || opt->result ||
	    opt->check || opt->no_file_reads || !lstat(opt->outdir, &st) ||
	    errno != ENOENT)
		return NULL;
	gw_diag_init(&scratch, c->arena);
	w = gw_writer_open(opt->outdir, opt->fsync ? GW_WRITE_FSYNC : 0,
			   &scratch);
	gw_diag_release(&scratch);
	if (!w)
		return NULL;
	if (c->caching) {	/* before the first stage */
		gw_writer_on_commit(w, write_cache, c);
		gw_writer_record(w);
	}
	c->feed = gw_feed_start(w, c->keep_limit);
	return w;
}

static struct control_plane *find_cp(struct compilation *c, const char *istio)
{
	size_t i;

	for (i = c->ncp_slots ? hash_text(istio) & (c->ncp_slots - 1) : 0;
	     c->ncp_slots && c->cp_slots[i]; i = (i + 1) & (c->ncp_slots - 1))
		if (!strcmp(c->cps[c->cp_slots[i] - 1].istio, istio))
			return &c->cps[c->cp_slots[i] - 1];
	return NULL;
}

/* A new control plane for @istio, found by find_cp() from now on (a
 * pointer to an earlier one may move). */
static struct control_plane *add_cp(struct compilation *c, const char *istio)
{
	size_t i, k;

	if (2 * (c->ncps + 1) > c->ncp_slots) {
		free(c->cp_slots);
		c->ncp_slots = c->ncp_slots ? 2 * c->ncp_slots : 16;
		c->cp_slots = calloc(c->ncp_slots, sizeof(*c->cp_slots));
		if (!c->cp_slots)
			gw_oom();
		for (k = 0; k < c->ncps; k++) {
			for (i = hash_text(c->cps[k].istio) &
				 (c->ncp_slots - 1);
			     c->cp_slots[i]; i = (i + 1) & (c->ncp_slots - 1))
				;
			c->cp_slots[i] = k + 1;
		}
	}
	c->cps = gw_grow(c->cps, c->ncps + 1, &c->cps_cap, sizeof(*c->cps));
	memset(&c->cps[c->ncps], 0, sizeof(*c->cps));
	c->cps[c->ncps].istio = istio;
	for (i = hash_text(istio) & (c->ncp_slots - 1); c->cp_slots[i];
	     i = (i + 1) & (c->ncp_slots - 1))
		;
	c->cp_slots[i] = ++c->ncps;
	return &c->cps[c->ncps - 1];
}

/* Reads the template a gateway asks for; the built-in one when none. */
/*
 * An injectionTemplate may also be the istio-sidecar-injector ConfigMap as
 * `kubectl get configmap -o yaml` exports it: its data.config, the
 * injector's config, holds templates.gateway, the text istiod runs.  On
 * such a file *@text becomes that template; a template is left alone.
 */
static int configmap_template(struct compilation *c, const struct gw_summary *gw,
			      const char **text, size_t *len)
{
	static const char *const why[] = {
		NULL, "no data.config string", "data.config is not YAML",
		"data.config has no templates.gateway string",
	};
	struct gw_arena *scratch;
	struct gw_diag quiet;
	struct gw_node **docs, *n = NULL;
	size_t ndocs;
	int fault = 0;

	if (!strstr(*text, "\nkind: ConfigMap") &&
	    strncmp(*text, "kind: ConfigMap", 15))
		return 0;
	scratch = gw_arena_new();
	gw_diag_init(&quiet, scratch);
	if (gw_load_bytes(c->arena, &quiet, gw->template_path, *text, *len,
			  &docs, &ndocs) || ndocs != 1 ||
	    docs[0]->kind != GW_MAP ||
	    !(n = gw_map_get(docs[0], "kind")) || n->kind != GW_STR ||
	    strcmp(n->u.str.s, "ConfigMap")) {
		n = NULL;		/* not one: a template after all */
	} else if (!(n = gw_map_get(gw_map_get(docs[0], "data"), "config")) ||
		   n->kind != GW_STR) {
		fault = 1;
	} else if (gw_load_bytes(c->arena, &quiet, gw->template_path,
				 n->u.str.s, n->u.str.len, &docs, &ndocs) ||
		   ndocs != 1 || docs[0]->kind != GW_MAP) {
		fault = 2;
	} else if (!(n = gw_map_get(gw_map_get(docs[0], "templates"),
				    "gateway")) || n->kind != GW_STR) {
		fault = 3;
	}
	gw_diag_release(&quiet);
	gw_arena_free(scratch);
	if (fault) {
		gw_diag_add(c->diag, GW_SEV_ERROR,
			    gw_summary_at(gw, gw->template_mark),
			    "spec.controlPlane.injectionTemplate: %s is a "
			    "ConfigMap but not istio-sidecar-injector's: %s",
			    gw->template_path, why[fault]);
		return -1;
	}
	if (n) {
		*text = n->u.str.s;
		*len = n->u.str.len;
	}
	return 0;
}

static int read_template(struct compilation *c, const struct gw_summary *gw,
			 const char **text, size_t *len, const char **source)
{
	char *data;

	if (!gw->template_path) {
		const struct gw_asset *a =
			gw_asset_get("gateway-injection-template.txt");

		*text = a->data;
		*len = a->len;
		*source = "the built-in template";
		return 0;
	}
	*source = gw->template_path;
	if (c->no_file_reads) {
		gw_diag_add(c->diag, GW_SEV_ERROR,
			    gw_summary_at(gw, gw->template_mark),
			    "spec.controlPlane.injectionTemplate: reading "
			    "files is disabled here");
		return -1;
	}
	if (gw_load_read_for(c->arena, c->diag, gw->template_path,
			     gw_summary_at(gw, gw->template_mark),
			     "spec.controlPlane.injectionTemplate", &data, len)) {
		c->io_error = true;
		return -1;
	}
	if (gw_load_gate(c->diag, gw->template_path, data, *len))
		return -1;
	if (c->reads)
		gw_fileset_add(c->reads, gw->template_path, NULL, 0);
	*text = data;
	return configmap_template(c, gw, text, len);
}

/* One template per control plane: the first gateway that needs one picks
 * it, every other must agree; the scenario covers every gateway. */
static void plan_control_planes(struct compilation *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct gw_summary *gw = c->gateways[i];
		struct control_plane *cp = find_cp(c, gw->istio);
		const char *text, *source;
		size_t len;

		if (!cp)
			cp = add_cp(c, gw->istio);
		if (!cp->istio_path)
			cp->istio_path = gw->istio_path;
		if (gw->overlay)
			cp->overlays |= 1u << gw->privileged;
		if (!gw->replaces)
			continue;
		cp->legacy |= gw->legacy;
		cp->bind |= gw->bind;
		if (cp->chooser && !gw->template_path &&
		    !cp->chooser->template_path)
			continue;	/* both the built-in one */
		if (read_template(c, gw, &text, &len, &source))
			continue;
		if (!cp->chooser) {
			cp->chooser = gw;
			cp->text = text;
			cp->len = len;
			cp->source = source;
		} else if (cp->len != len || memcmp(cp->text, text, len)) {
			gw_diag_add(c->diag, GW_SEV_ERROR,
				    gw_summary_at(gw, gw->template_demand_mark),
				    "spec.controlPlane: Istio '%s' would get "
				    "%s here but %s from %s:%d:%d (one gateway "
				    "template per control plane)", gw->istio,
				    source, cp->source, cp->chooser->file,
				    cp->chooser->template_demand_mark.line,
				    cp->chooser->template_demand_mark.col);
		}
	}
	for (i = 0; i < c->ncps; i++) {
		struct control_plane *cp = &c->cps[i];

		if (cp->legacy)
			cp->scenario = cp->bind ? GW_SCENARIO_BIND :
				GW_SCENARIO_SYSCTL;
	}
	/* a gateway's folder must not be a control plane's */
	for (i = 0; i < c->n; i++) {
		const struct gw_summary *gw = c->gateways[i];
		const struct control_plane *cp = find_cp(c, gw->name);

		if (!strcmp(gw->ns, "istio") && cp &&
		    (cp->chooser || cp->overlays))
			gw_diag_add(c->diag, GW_SEV_ERROR,
				    gw_summary_at(gw, gw->name_mark),
				    "metadata.name: the folder istio/%s of this "
				    "gateway is the folder of the control plane "
				    "'%s'", gw->name, gw->name);
	}
}

static void report_notes(struct compilation *c, const struct control_plane *cp)
{
	const struct gw_summary *gw = cp->chooser;

	if (!cp->legacy)
		gw_diag_add(c->diag, GW_SEV_NOTE,
			    gw_summary_at(gw, gw->template_path ?
					  gw->template_mark : gw->name_mark),
			    "Istio '%s': the installed gateway template "
			    "replaces istiod's own; keep it in step with the "
			    "istiod version in use", cp->istio);
}

/* The control-plane folders, into @set. */
static int render_control_planes(struct compilation *c, struct gw_fileset *set)
{
	static const enum gw_privileged by_name[] = {
		GW_PRIVILEGED_NONE, GW_PRIVILEGED_NET_BIND, GW_PRIVILEGED_ROOT,
	};
	size_t i;
	int err = 0;

	for (i = 0; i < c->ncps; i++) {
		struct control_plane *cp = &c->cps[i];
		struct gw_cp_template ts[1 + 3];
		char *out = NULL;
		const char *why;
		unsigned k, n = 0;

		if (!cp->chooser)
			goto overlays;
		if (gw_template_transform(cp->text, cp->len, cp->scenario,
					  &out, &why)) {
			const struct gw_summary *gw = cp->chooser;

			gw_diag_add(c->diag, GW_SEV_ERROR,
				    gw_summary_at(gw, gw->template_path ?
						  gw->template_mark :
						  gw->kernel_mark),
				    "spec.controlPlane.injectionTemplate: "
				    "cannot adapt %s for kernels older than "
				    "4.11: %s", cp->source, why);
			err = -1;
			continue;
		}
		cp->installed = gw_arena_strdup(c->arena, out);
		free(out);
		{
			unsigned char d[32];

			gw_sha256(cp->installed, strlen(cp->installed), d);
			digest_hex(d, cp->installed_digest);
		}
		ts[n++] = (struct gw_cp_template){ "gateway", cp->installed,
						   strlen(cp->installed) };
overlays:
		/* in the order of their names, as jq -S would list them */
		for (k = 0; k < 3; k++)
			if (cp->overlays & 1u << by_name[k]) {
				const struct gw_overlay *o =
					gw_template_overlay(by_name[k]);

				ts[n++] = (struct gw_cp_template){ o->name,
					o->text, strlen(o->text) };
			}
		if (n && gw_render_control_plane(cp->istio, ts, n, set)) {
			gw_diag_add(c->diag, GW_SEV_INTERNAL,
				    (struct gw_mark){ 0 }, "cannot emit the "
				    "patch of Istio '%s'", cp->istio);
			err = -1;
		}
	}
	for (i = 0; !err && i < c->ncps; i++)
		if (c->cps[i].chooser)
			report_notes(c, &c->cps[i]);
	return err;
}

/* ---- injection: the pod istiod will make ------------------------------- */

/*
 * Every gateway's Deployment is injected as istiod will inject it, with
 * the template its control plane gets (known only once pass 1 is over),
 * so that gwc knows the pod the cluster will admit or refuse: its Pod
 * Security (gen/preview.c), and, with spec.injectionPreview, the file
 * that shows it.  This runs between the passes, whether or not the run
 * writes: its errors (a template that fails on this gateway, a pod the
 * namespace's level rejects) are errors of the specs, reported with the
 * others in input order, and nothing is written when there is one.  A
 * run that writes keeps what this renders for pass 2 (a preview's
 * always, the rest within the budget).
 */

/* The template a gateway's preview injects with: the one this output
 * installs for its Istio, else the built-in one. */
static struct gw_preview_template preview_template(struct compilation *c,
						   const struct gw_gateway *gw)
{
	const struct control_plane *cp = find_cp(c, gw->istio);
	const struct gw_asset *a =
		gw_asset_get("gateway-injection-template.txt");
	struct gw_preview_template t = {
		"<built-in gateway-injection-template.txt>",
		a->data, a->data, a->len, a->len, NULL,
	};

	if (cp && cp->installed) {
		t.installed = cp->installed;
		t.installed_len = strlen(cp->installed);
		t.source = cp->text;
		t.source_len = cp->len;
		if (cp->chooser->template_path)
			t.name = cp->chooser->template_path;
	}
	if (gw_model_uses_overlay(gw))
		t.overlay = gw_template_overlay(gw->privileged);
	return t;
}

static void inject_source(struct compilation *c, struct source *src,
			  struct gw_preview_cache *cache)
{
	struct gw_arena *arena = NULL, *notes = gw_arena_new();
	struct gw_fileset set = { 0 };
	struct gw_diag diag;
	struct gw_docs *docs;
	unsigned errors, fed = 0;
	int err = 0, got;

	gw_diag_init(&diag, notes);
	if (source_bytes(c, src, &diag))
		err = -1;
	docs = err ? NULL : open_docs(src, &diag);
	while (!err) {
		const struct gw_gateway *gw;
		struct gw_preview_template t;
		struct gw_arena *scratch;	/* as in admit_early() */
		struct gw_node *doc;

		gw_arena_free(arena);
		arena = gw_arena_new();	/* one document's at a time */
		if ((got = gw_docs_next(docs, arena, &doc, NULL)) <= 0) {
			err = got;
			break;
		}
		if (doc->kind == GW_NULL)
			continue;
		gw = build_again(c, arena, src->name, doc);
		scratch = gw_arena_new();
		errors = diag.errors;
		if (!gw || gw_render_gateway(scratch, &diag, gw,
					     template_digest(find_cp(c, gw->istio),
							     gw), &set)) {
			if (diag.errors == errors)	/* else its patches' */
				gw_diag_add(&diag, GW_SEV_INTERNAL, doc->mark,
					    "cannot emit the objects of this "
					    "gateway");
			gw_arena_free(scratch);
			err = -1;
			continue;
		}
		t = preview_template(c, gw);
		if (gw_preview_render(scratch, &diag, gw, &t, cache, &set))
			err = -1;
		gw_arena_free(scratch);
		if (fed < src->nfed) {	/* staged in pass 1 already */
			fed++;
			gw_fileset_release(&set);
		}
	}
	gw_docs_close(docs);
	if (!err && c->render)
		keep_rendered(c, src, &set);
	else
		gw_fileset_release(&set);
	if (src->kept)		/* pass 2 needs no bytes; else held as before */
		drop_bytes(c, src, false);
	pthread_mutex_lock(&c->lock);
	if (diag.n)
		keep_messages(c, src, &diag, &rare(src)->previewed,
			      &rare(src)->npreviewed);
	pthread_mutex_unlock(&c->lock);
	gw_diag_release(&diag);
	gw_arena_free(notes);
	gw_arena_free(arena);
}

static void *inject_worker(void *arg)
{
	struct compilation *c = arg;
	struct gw_preview_cache *cache = gw_preview_cache_new();
	struct source *src;

	while ((src = next_source(c)))
		if (src->ngateways && !src->admitted)
			inject_source(c, src, cache);
	gw_preview_cache_free(cache);
	return NULL;
}

/* Every source with a gateway, in @jobs threads; the messages merged in
 * input order. */
static void inject_all(struct compilation *c, unsigned jobs)
{
	size_t s, n = 0;

	for (s = 0; s < c->nsources; s++)
		n += c->sources[s].ngateways && !c->sources[s].admitted;
	if (!n)
		return;
	c->next = 0;
	in_threads(jobs, n, inject_worker, inject_worker, c);
	for (s = 0; s < c->nsources; s++) {
		if (c->sources[s].rare)
			add_messages(c, &c->sources[s].rare->previewed,
				     c->sources[s].rare->npreviewed);
		/* a file that could not be read again, or changed since
		 * pass 1: not the spec's fault, exit 2 */
		c->io_error |= c->sources[s].io_error;
	}
}

/* ---- pass 2 ------------------------------------------------------------ */

/*
 * Where rendered folders go: the writer, folder by folder (a build into a
 * folder), or @collect, kept whole (a stream, --check, a caller's result).
 */
struct sink {
	struct compilation *c;
	struct gw_writer *writer;
	struct gw_fileset *collect;
	pthread_mutex_t lock;		/* collect, failed, diag */
	struct gw_diag diag;		/* internal errors of pass 2 */
	bool failed;
};

static int deliver(struct sink *k, struct gw_fileset *set)
{
	int err = 0;
	size_t i;

	if (k->writer) {
		gw_fileset_sort(set);
		err = gw_writer_stage(k->writer, set);
		gw_fileset_release(set);
		return err;
	}
	pthread_mutex_lock(&k->lock);
	for (i = 0; i < set->n; i++) {
		gw_fileset_add(k->collect, set->files[i].path,
			       set->files[i].data, set->files[i].len);
		k->collect->files[k->collect->n - 1].mode = set->files[i].mode;
		k->collect->files[k->collect->n - 1].control_plane =
			set->files[i].control_plane;
		k->collect->files[k->collect->n - 1].kept = set->files[i].kept;
	}
	pthread_mutex_unlock(&k->lock);
	for (i = 0; i < set->n; i++)
		free(set->files[i].path);	/* the data moved */
	free(set->files);
	memset(set, 0, sizeof(*set));
	return 0;
}

/* Pass 2 for a source whose folders pass 1 parked in a spill file: read
 * back group by group and delivered as render_input() does. */
static int deliver_spilled(struct sink *k, struct source *src)
{
	struct gw_spill_reader r;
	struct gw_fileset set = { 0 };
	int got, err = 0;

	gw_spill_reader_init(&r, src->spill, src->spill_from, src->spill_to);
	do {
		got = gw_spill_read(&r, &set);
		if (got < 0) {
			pthread_mutex_lock(&k->lock);
			gw_diag_add(&k->diag, GW_SEV_ERROR, (struct gw_mark){ 0 },
				    "cannot read back the folders of %s from "
				    "a temporary file: %s", src->name,
				    strerror(errno));
			pthread_mutex_unlock(&k->lock);
			err = -1;
		} else if (got == 0 || set.n > 64) {
			err = deliver(k, &set);
		}
	} while (!err && got > 0);
	gw_fileset_release(&set);
	gw_spill_reader_release(&r);
	return err;
}

/* Pass 2 for one input (checked by pass 1, its previews made): its
 * folders delivered, as kept, parked or rendered now. */
static int render_input(struct sink *k, struct source *src)
{
	struct gw_arena *arena, *notes;
	struct gw_diag quiet;	/* pass 1 reported all there is */
	struct gw_fileset set = { 0 };
	struct gw_docs *docs;
	size_t i;
	unsigned fed = 0;
	int err = 0, got;
	bool said = false;	/* a failure the writer or the reader said */

	if (src->fed)
		return 0;	/* staged by pass 1 */
	if (src->kept)
		return deliver(k, &src->rare->rendered);
	if (src->spilled)
		return deliver_spilled(k, src);
	if (src->cached) {	/* its folders, as they are */
		for (i = 0; i < src->ngateways; i++) {
			char *path;

			if (asprintf(&path, "%s/%s/%s", src->gateways[i].ns,
				     src->gateways[i].name, GW_MARKER) < 0)
				gw_oom();
			gw_fileset_add(&set, path, NULL, 0);
			set.files[set.n - 1].kept = true;
			free(path);
		}
		return deliver(k, &set);
	}
	notes = gw_arena_new();
	gw_diag_init(&quiet, notes);
	if (source_bytes(k->c, src, &quiet)) {	/* changed since pass 1 */
		pthread_mutex_lock(&k->lock);
		gw_diag_merge(&k->diag, &quiet);
		pthread_mutex_unlock(&k->lock);
		gw_diag_release(&quiet);
		gw_arena_free(notes);
		return -1;
	}
	docs = open_docs(src, &quiet);
	while (!err) {
		const struct gw_gateway *gw;
		struct gw_arena *scratch;	/* as in admit_early() */
		struct gw_node *doc;

		arena = gw_arena_new();	/* one document's at a time */
		if ((got = gw_docs_next(docs, arena, &doc, NULL)) <= 0) {
			gw_arena_free(arena);
			err = got;
			break;
		}
		if (doc->kind == GW_NULL || fed < src->nfed) {
			fed += doc->kind != GW_NULL;	/* staged in pass 1 */
			gw_arena_free(arena);
			continue;
		}
		gw = build_again(k->c, arena, src->name, doc);
		scratch = gw_arena_new();
		/* a preview's source was kept by inject_all() */
		if (!gw || gw->inject_preview ||
		    gw_render_gateway(scratch, NULL, gw,
				      template_digest(find_cp(k->c, gw->istio),
						      gw), &set))
			err = -1;
		gw_arena_free(scratch);
		gw_arena_free(arena);
		if (!err && k->writer && set.n > 64) {
			/* a file of many specs: to the writer as it goes */
			err = deliver(k, &set);
			said = err != 0;
			gw_fileset_release(&set);
		}
	}
	gw_docs_close(docs);
	if (err && !said && src->io_error) {	/* a stream's file changed */
		pthread_mutex_lock(&k->lock);
		gw_diag_merge(&k->diag, &quiet);
		pthread_mutex_unlock(&k->lock);
		said = true;
	}
	gw_diag_release(&quiet);
	if (err && !said) {
		pthread_mutex_lock(&k->lock);
		gw_diag_add(&k->diag, GW_SEV_INTERNAL, (struct gw_mark){ 0 },
			    "cannot emit the objects of %s", src->name);
		pthread_mutex_unlock(&k->lock);
	}
	if (!err)
		err = deliver(k, &set);
	gw_fileset_release(&set);
	gw_arena_free(notes);
	drop_bytes(k->c, src, false);
	return err;
}

static void *render_worker(void *arg)
{
	struct sink *k = arg;
	struct source *src;
	bool failed = false;

	while (!failed && (src = next_source(k->c))) {
		if (render_input(k, src)) {
			pthread_mutex_lock(&k->lock);
			k->failed = true;
			pthread_mutex_unlock(&k->lock);
		}
		pthread_mutex_lock(&k->lock);
		failed = k->failed;
		pthread_mutex_unlock(&k->lock);
	}
	return NULL;
}

/* Renders every source into the sink, in @jobs threads. */
static int render_all(struct sink *k, unsigned jobs)
{
	k->c->next = 0;
	in_threads(jobs, k->c->nsources, render_worker, render_worker, k);
	return k->failed || k->c->interrupted ? -1 : 0;
}

/* The files of a gateway folder, in the order kubectl should apply them;
 * not apply.sh, the preview, nor argocd-health.yaml (a patch of Argo CD's
 * argocd-cm: in a stream piped to `kubectl apply` it would replace it). */
static const char *const apply_order[] = {
	"namespace.yaml", "secret-reader.yaml", "gateway-networkpolicy.yaml",
	"gateway-options.yaml", "referencegrants.yaml",
	"gateway-deployment.yaml", "gateway-deployment-canary.yaml",
	"gateway-service.yaml", "gateway-hpa.yaml", "gateway-hpa-canary.yaml",
	"gateway-pdb.yaml",
	"gateway.yaml", "virtualservices.yaml", "httproutes.yaml",
};

/* True when the folder of set->files[@i] (its first @dir bytes) holds the
 * file @name. */
static bool holds(const struct gw_fileset *set, size_t i, size_t dir,
		  const char *name)
{
	const char *path = set->files[i].path;
	size_t j;

	for (j = i; j < set->n && !strncmp(set->files[j].path, path, dir + 1);
	     j++)
		if (!strcmp(set->files[j].path + dir + 1, name))
			return true;
	return false;
}

/*
 * `-o -` of a run that installs injection templates: the stream is
 * complete only with each control plane's Istio resource, patched, first
 * (its gateways' pods need the templates before they start).  gwc has
 * the resource when a gateway names it (spec.controlPlane.istioResource);
 * without it the stream would start pods that never get their template,
 * so that is an error.  Returns the objects printed, or -1.
 */
static int stream_control_planes(struct compilation *c,
				 const struct gw_fileset *set,
				 struct gw_buf *out)
{
	size_t i, d;
	int printed = 0, err = 0;

	for (i = 0; i < set->n; i++) {
		const struct gw_file *f = &set->files[i];
		const char *name = f->path + 6, *slash = strchr(name, '/');
		const struct control_plane *cp;
		struct gw_node **docs, **patch, *istio = NULL;
		size_t ndocs, npatch;
		const char *data = NULL;
		size_t len = 0;

		if (strncmp(f->path, "istio/", 6) || !slash ||
		    strcmp(slash, "/istio-patch.json"))
			continue;
		cp = find_cp(c, gw_arena_strndup(c->arena, name,
						 (size_t)(slash - name)));
		for (d = 0; cp && cp->istio_path && d < c->ncontrol_files; d++)
			if (!strcmp(c->control_files[d].path, cp->istio_path)) {
				data = c->control_files[d].data;
				len = c->control_files[d].len;
			}
		if (!data) {
			gw_diag_add(c->diag, GW_SEV_ERROR, (struct gw_mark){ 0 },
				    "-o -: Istio '%.*s' must get its gateways' "
				    "injection templates before their pods "
				    "start, and the stream has no Istio resource "
				    "to patch: name its file in "
				    "spec.controlPlane.istioResource, or write "
				    "with -o DIR", (int)(slash - name), name);
			err = -1;
			continue;
		}
		if (gw_load_bytes(c->arena, c->diag, cp->istio_path, data, len,
				  &docs, &ndocs) ||
		    gw_load_bytes(c->arena, c->diag, f->path, f->data, f->len,
				  &patch, &npatch) || npatch != 1) {
			err = -1;
			continue;
		}
		for (d = 0; d < ndocs && !istio; d++) {
			const struct gw_node *k = gw_map_get(docs[d], "kind");

			if (k && k->kind == GW_STR && !strcmp(k->u.str.s, "Istio"))
				istio = docs[d];
		}
		if (!istio || istio->kind != GW_MAP ||
		    patch[0]->kind != GW_MAP) {	/* pass 1 read it */
			gw_diag_add(c->diag, GW_SEV_INTERNAL, (struct gw_mark){ 0 },
				    "no Istio in %s to patch", cp->istio_path);
			err = -1;
			continue;
		}
		gw_node_merge(c->arena, istio, patch[0]);
		if (printed++)
			gw_buf_puts(out, "---\n");
		if (gw_emit_yaml(out, &istio, 1)) {
			gw_diag_add(c->diag, GW_SEV_INTERNAL, (struct gw_mark){ 0 },
				    "cannot emit the Istio resource %s",
				    cp->istio_path);
			err = -1;
		}
	}
	return err ? -1 : printed;
}

/* `-o -`: every Kubernetes object of @set as one YAML stream, into @out,
 * after @printed objects. */
static void stream_objects(const struct gw_fileset *set, struct gw_buf *out,
			   size_t printed)
{
	size_t i, k;

	for (i = 0; i < set->n; i++) {
		const char *path = set->files[i].path;
		size_t dir = (size_t)(strrchr(path, '/') - path);

		if (i && !strncmp(path, set->files[i - 1].path, dir) &&
		    set->files[i - 1].path[dir] == '/')
			continue;	/* this folder was printed */
		if (!strncmp(path, "istio/", 6) &&
		    holds(set, i, dir, "istio-patch.json"))
			continue;	/* stream_control_planes() */
		for (k = 0; k < sizeof(apply_order) / sizeof(*apply_order); k++) {
			size_t j;

			for (j = i; j < set->n &&
			     !strncmp(set->files[j].path, path, dir + 1); j++) {
				const struct gw_file *f = &set->files[j];

				if (strcmp(f->path + dir + 1, apply_order[k]))
					continue;
				if (printed++)
					gw_buf_puts(out, "---\n");
				gw_buf_add(out, f->data, f->len);
			}
		}
	}
}

/* The folder "a/b" of a path "a/b/file" below OUT: its length, or 0. */
static size_t folder_len(const char *path)
{
	const char *a = strchr(path, '/'), *b = a ? strchr(a + 1, '/') : NULL;

	return b ? (size_t)(b - path) : 0;
}

/* One folder's line of --dry-run. */
struct dry_folder {
	const char *name;	/* "ns/name", in the set's or the diff's bytes */
	size_t len;
	unsigned added, changed, removed, files;
	bool in_set;
};

static struct dry_folder *dry_find(struct dry_folder **v, size_t *n,
				   size_t *cap, const char *name, size_t len)
{
	size_t i;

	for (i = *n; i-- > 0;)	/* the diff and the set come sorted */
		if ((*v)[i].len == len && !memcmp((*v)[i].name, name, len))
			return &(*v)[i];
	*v = gw_grow(*v, *n + 1, cap, sizeof(**v));
	(*v)[*n] = (struct dry_folder){ name, len, 0, 0, 0, 0, false };
	return &(*v)[(*n)++];
}

/*
 * --dry-run: from the diff --check would print (@diff), one line per
 * folder saying what a build would do: create it, replace it (files
 * changed, added, removed), keep it, or, with --prune, remove it.
 */
static void dry_run(const char *outdir, const struct gw_fileset *set,
		    const struct gw_buf *diff, struct gw_buf *out)
{
	struct dry_folder *v = NULL;
	size_t n = 0, cap = 0, i, olen = strlen(outdir);
	const char *p = diff->data, *end = diff->data + diff->len;

	for (i = 0; i < set->n; i++) {
		size_t len = folder_len(set->files[i].path);
		struct dry_folder *f;

		if (!len)
			continue;
		f = dry_find(&v, &n, &cap, set->files[i].path, len);
		f->in_set = true;
		f->files++;
	}
	while (p && p < end) {	/* "--- OLD\n+++ NEW\n" per file */
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;

		if (next < end && !strncmp(p, "--- ", 4) &&
		    !strncmp(next, "+++ ", 4)) {
			bool added = !strncmp(p + 4, "/dev/null\n", 10);
			bool removed = !strncmp(next + 4, "/dev/null\n", 10);
			const char *path = added ? next + 4 : p + 4;
			size_t len;
			struct dry_folder *f;

			if (!strncmp(path, outdir, olen) && path[olen] == '/' &&
			    (len = folder_len(path + olen + 1))) {
				f = dry_find(&v, &n, &cap, path + olen + 1, len);
				if (added)
					f->added++;
				else if (removed)
					f->removed++;
				else
					f->changed++;
			}
		}
		p = next;
	}
	for (i = 0; i < n; i++) {
		const struct dry_folder *f = &v[i];

		if (!f->in_set)
			gw_buf_printf(out, "remove  %s/%.*s (--prune)\n", outdir,
				      (int)f->len, f->name);
		else if (f->added >= f->files && !f->changed && !f->removed)
			gw_buf_printf(out, "create  %s/%.*s (%u files)\n", outdir,
				      (int)f->len, f->name, f->added);
		else if (f->added || f->changed || f->removed)
			gw_buf_printf(out, "replace %s/%.*s (%u changed, %u "
				      "added, %u removed)\n", outdir,
				      (int)f->len, f->name, f->changed, f->added,
				      f->removed);
		else
			gw_buf_printf(out, "keep    %s/%.*s\n", outdir,
				      (int)f->len, f->name);
	}
	free(v);
}

/* Refuses an input that lies inside the output folder. */
/*
 * The real path of @path into @in (PATH_MAX bytes), as realpath(3) gives
 * it, false when there is none.  The folder part is resolved once for a
 * run of paths in one folder (@dir, @dir_len, @dir_real: the last one's),
 * the name itself only when it is a link: realpath costs a getcwd and a
 * readlink per part, 3 system calls a spec of 1000 in one folder.
 */
static bool real_path(const char *path, bool plain, char *in, char *dir,
		      size_t *dir_len, char *dir_real)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t len = slash ? (size_t)(slash - path) + 1 : 0;

	if (!plain || !*base || !strcmp(base, ".") || !strcmp(base, "..") ||
	    len >= PATH_MAX)
		return realpath(path, in) != NULL;
	if (*dir_len != len || memcmp(dir, path, len)) {
		char part[PATH_MAX];

		memcpy(part, path, len);
		part[len] = '\0';
		if (!realpath(len ? part : ".", dir_real))
			return false;
		memcpy(dir, path, len);
		*dir_len = len;
	}
	return (size_t)snprintf(in, PATH_MAX, "%s/%s", strcmp(dir_real, "/") ?
				dir_real : "", base) < PATH_MAX;
}

/* What one lstat (and a stat, for a link) tells of an input, for
 * check_inputs_outside() and given_twice(): one look per spec file. */
struct input_stat {
	dev_t dev;
	ino_t ino;
	off_t size;		/* a regular file's */
	bool file;		/* a regular file, links followed */
	bool plain;		/* there, and not a link */
};

/* The inputs' input_stat, malloc'ed. */
static struct input_stat *stat_inputs(const struct gw_options *opt)
{
	struct input_stat *v = gw_malloc((opt->ninputs + 1) * sizeof(*v));
	size_t i;

	for (i = 0; i < opt->ninputs; i++) {
		struct stat st;
		bool there = !lstat(opt->inputs[i], &st);

		v[i].plain = there && !S_ISLNK(st.st_mode);
		if (there && !v[i].plain)
			there = !stat(opt->inputs[i], &st);
		v[i].file = there && S_ISREG(st.st_mode);
		v[i].dev = there ? st.st_dev : 0;
		v[i].ino = there ? st.st_ino : 0;
		v[i].size = v[i].file ? st.st_size : 0;
	}
	return v;
}

static int check_inputs_outside(const struct gw_options *opt,
				const struct input_stat *st,
				struct gw_diag *diag)
{
	char out[PATH_MAX], in[PATH_MAX], dir[PATH_MAX], dir_real[PATH_MAX];
	size_t i, len, dir_len = SIZE_MAX;

	if (!realpath(opt->outdir, out))
		return 0;	/* not there yet: nothing can be inside */
	len = strlen(out);
	for (i = 0; i < opt->ninputs; i++)
		if (real_path(opt->inputs[i], st[i].plain, in, dir, &dir_len,
			      dir_real) &&
		    !strncmp(in, out, len) &&
		    (in[len] == '/' || in[len] == '\0')) {
			gw_diag_add(diag, GW_SEV_ERROR, (struct gw_mark){ 0 },
				    "input '%s' is inside the output folder "
				    "'%s'", opt->inputs[i], opt->outdir);
			return -1;
		}
	return 0;
}

/* The run's messages to the caller's, phases kept; the status they say. */

/* Pass 2 and the output: written, streamed, compared or collected. */
/* The spec files of a run, one at a time, for gw_cache_write(): the
 * record of each whose gateways were all checked, rendered and admitted
 * in pass 1 (or came from the cache). */
struct cache_walk {
	struct compilation *c;
	struct gw_cache_read *reads;	/* the record's, reused */
	size_t cap;
	struct gw_diag quiet;
};

static int cache_source(void *arg, size_t i, struct gw_cache_source *f)
{
	struct cache_walk *w = arg;
	struct compilation *c = w->c;
	struct source *src = &c->sources[i];
	const char **inputs = src->rare ? src->rare->inputs : NULL;
	size_t k, n = src->rare ? src->rare->ninputs : 0;

	if (!src->file)
		return 0;
	f->path = src->name;
	if (!src->admitted || !src->ngateways)
		return 0;
	memcpy(f->digest, src->digest, 32);
	w->reads = gw_grow(w->reads, n, &w->cap, sizeof(*w->reads));
	for (k = 0; k < n; k++) {
		const char *data;
		size_t len;
		bool io_error = false;

		if (control_file(c, &w->quiet, inputs[k],
				 (struct gw_mark){ 0 }, "", &data, &len,
				 &io_error))
			return 0;
		w->reads[k].path = inputs[k];
		gw_sha256(data, len, w->reads[k].digest);
	}
	f->reads = w->reads;
	f->nreads = n;
	f->gateways = src->gateways;
	f->ngateways = src->ngateways;
	f->notes = src->nnotes ? &c->diag->entries[src->notes_at] : NULL;
	f->nnotes = src->nnotes;
	f->stat_key = src->stat_key;
	f->cached = src->cached;
	return 1;
}

/* OUT's cache, rewritten as a build commits (gw_writer_on_commit). */
static void write_cache(void *arg, int out, struct gw_writer *writer)
{
	struct cache_walk w = { .c = arg };

	gw_diag_init(&w.quiet, w.c->arena);
	/* a cache that cannot be written costs the next run time only */
	gw_cache_write(out, writer, w.c->cache, w.c->nsources, cache_source,
		       &w);
	gw_diag_release(&w.quiet);
	free(w.reads);
}

static int output(struct compilation *c, const struct gw_options *opt,
		  struct gw_fileset *set, struct gw_buf *out,
		  struct gw_writer *early)
{
	struct gw_fileset cp_files = { 0 };
	struct sink k = { .c = c, .collect = set, .writer = early };
	struct gw_diag scratch;
	bool stream = !strcmp(opt->outdir ? opt->outdir : "", "-");
	bool direct = opt->outdir && !stream && !opt->check && !opt->result;
	int status = GW_EXIT_OK;

	if (render_control_planes(c, &cp_files)) {
		gw_fileset_release(&cp_files);
		goto unlock;
	}
	inject_all(c, opt->jobs ? opt->jobs : 1);
	if (opt->warnings_as_errors && c->diag->warnings && !c->diag->errors) {
		gw_diag_phase(c->diag);	/* after the warnings */
		gw_diag_add(c->diag, GW_SEV_ERROR, (struct gw_mark){ 0 },
			    "%u warning%s, and --warnings-as-errors: nothing "
			    "written", c->diag->warnings,
			    c->diag->warnings == 1 ? "" : "s");
	}
	if (c->diag->errors || !(opt->outdir || opt->result)) {
		gw_fileset_release(&cp_files);
		goto unlock;
	}
	/* the output's own messages come after the specs' */
	gw_diag_phase(c->diag);
	if (direct && !c->interrupted && !k.writer &&
	    !(k.writer = gw_writer_open(opt->outdir,
				    opt->fsync ? GW_WRITE_FSYNC : 0, c->diag))) {
		gw_fileset_release(&cp_files);
		return GW_EXIT_USAGE;
	}
	if (k.writer && c->caching) {
		gw_writer_on_commit(k.writer, write_cache, c);
		if (c->n + c->ncps >= RECORD_MIN)
			gw_writer_record(k.writer);
	}
	if (k.writer)	/* a folder per gateway, and the control planes' */
		gw_writer_expect(k.writer, c->n + c->ncps);
	pthread_mutex_init(&k.lock, NULL);
	gw_diag_init(&k.diag, c->arena);
	if (c->interrupted || c->feed_failed || deliver(&k, &cp_files) ||
	    render_all(&k, opt->jobs ? opt->jobs : 1))
		status = GW_EXIT_USAGE;
	gw_fileset_release(&cp_files);
	gw_diag_merge(c->diag, &k.diag);
	gw_diag_release(&k.diag);
	pthread_mutex_destroy(&k.lock);
	if (c->interrupted)
		gw_diag_add(c->diag, GW_SEV_ERROR, (struct gw_mark){ 0 },
			    "interrupted; '%s' is unchanged", opt->outdir ?
			    opt->outdir : "the output");
	if (k.writer) {
		if (status != GW_EXIT_OK)
			gw_writer_abort(k.writer, c->diag);
		else if (gw_writer_commit(k.writer, opt->prune, c->diag))
			status = GW_EXIT_USAGE;
	} else if (status == GW_EXIT_OK && stream) {
		gw_fileset_sort(set);
		int n = stream_control_planes(c, set, out);

		if (n < 0)
			status = GW_EXIT_SPEC;
		else
			stream_objects(set, out, (size_t)n);
	} else if (status == GW_EXIT_OK && opt->outdir && opt->check) {
		int r;

		struct gw_buf diff = { 0 };

		gw_fileset_sort(set);
		r = gw_write_check(opt->outdir, set, opt->prune,
				   opt->dry_run ? &diff : out, c->diag);
		status = r < 0 ? GW_EXIT_USAGE : r ? GW_EXIT_SPEC : GW_EXIT_OK;
		if (opt->dry_run && r >= 0) {
			dry_run(opt->outdir, set, &diff, out);
			status = GW_EXIT_OK;
		}
		gw_buf_release(&diff);
	} else if (status == GW_EXIT_OK && opt->outdir && opt->result) {
		gw_fileset_sort(set);
		if (gw_write_tree(opt->outdir, set, opt->prune,
				  opt->fsync ? GW_WRITE_FSYNC : 0, c->diag))
			status = GW_EXIT_USAGE;
	}
	return status;
unlock:	/* the writer opened early, for the cache: nothing staged yet */
	if (k.writer) {
		gw_diag_init(&scratch, c->arena);
		gw_writer_abort(k.writer, &scratch);
		gw_diag_release(&scratch);
	}
	return c->diag->errors ? GW_EXIT_SPEC : GW_EXIT_OK;
}

/* An input file's identity, for given_twice(). */
struct file_id {
	dev_t dev;
	ino_t ino;
	size_t index;
};

static int compare_ids(const void *pa, const void *pb)
{
	const struct file_id *a = pa, *b = pb;

	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->ino != b->ino)
		return a->ino < b->ino ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/*
 * Which inputs name a file an earlier input names too (the same device
 * and inode, under any name): an array of flags, malloc'ed.  Such a
 * file is read once, with a note, rather than have its gateways "also
 * defined at" themselves.  Sorting keeps it n log n.
 */
static bool *given_twice(struct compilation *c, const struct gw_options *opt,
			 const struct input_stat *st)
{
	bool *twice = gw_malloc(opt->ninputs + 1);
	struct file_id *ids = gw_malloc((opt->ninputs + 1) * sizeof(*ids));
	size_t i, n = 0, first = 0;

	memset(twice, 0, opt->ninputs + 1);
	for (i = 0; i < opt->ninputs; i++)
		if (st[i].file)
			ids[n++] = (struct file_id){ st[i].dev, st[i].ino, i };
	qsort(ids, n, sizeof(*ids), compare_ids);
	for (i = 1; i < n; i++) {
		if (ids[i].dev != ids[first].dev ||
		    ids[i].ino != ids[first].ino) {
			first = i;	/* a run of one file starts */
			continue;
		}
		twice[ids[i].index] = true;
		gw_diag_add(c->diag, GW_SEV_NOTE, (struct gw_mark){
			    opt->inputs[ids[i].index], 0, 0 }, "given again "
			    "(as '%s' before); read once",
			    opt->inputs[ids[first].index]);
	}
	free(ids);
	return twice;
}

int gw_compile(const struct gw_options *opt, struct gw_diag *diag,
	       struct gw_buf *out)
{
	struct compilation c = { 0 };
	struct gw_fileset own = { 0 }, *set = opt->result ? opt->result : &own;
	bool stream = opt->outdir && !strcmp(opt->outdir, "-");
	const char *stream_min;
	struct gw_writer *early;
	bool *twice;
	struct input_stat *inputs;
	uintmax_t input_bytes = 0;
	size_t i;
	int status = GW_EXIT_OK;

	c.arena = gw_arena_new();
	c.diag = diag;
	inputs = stat_inputs(opt);
	if (opt->outdir && !stream && check_inputs_outside(opt, inputs, c.diag)) {
		free(inputs);
		gw_arena_free(c.arena);
		return GW_EXIT_USAGE;
	}
	c.schema = gw_schema_tree(c.arena);
	if (!c.schema) {
		gw_diag_add(c.diag, GW_SEV_INTERNAL, (struct gw_mark){ 0 },
			    "the embedded schema does not load");
		free(inputs);
		gw_arena_free(c.arena);
		return GW_EXIT_USAGE;
	}
	c.no_file_reads = opt->no_file_reads;
	c.reads = opt->reads;
	early = open_cache(&c, opt);
	c.sources = gw_arena_alloc(c.arena, (opt->ninputs + opt->nbuffers + 1) *
				   sizeof(*c.sources));
	twice = given_twice(&c, opt, inputs);
	for (i = 0; i < opt->ninputs; i++)
		input_bytes += (uintmax_t)inputs[i].size;
	for (i = 0; i < opt->nbuffers; i++)
		input_bytes += opt->buffers[i].len;
	free(inputs);
	for (i = 0; i < opt->ninputs; i++) {
		if (twice[i])
			continue;
		/* read by the worker that checks it (source_bytes) */
		add_source(&c, opt->inputs[i], NULL, 0, true);
		if (opt->reads)
			gw_fileset_add(opt->reads, opt->inputs[i], NULL, 0);
	}
	free(twice);
	for (i = 0; i < opt->nbuffers; i++)
		add_source(&c, opt->buffers[i].name, opt->buffers[i].data,
			   opt->buffers[i].len, false);
	/* pass 1: every spec checked (and rendered, when the run writes) */
	c.render = opt->outdir || opt->result;
	c.keep_limit = opt->keep_rendered ? opt->keep_rendered : KEEP_RENDERED;
	c.hold_limit = opt->keep_bytes ? opt->keep_bytes : KEEP_BYTES;
	/* a test hook: GWC_TEST_STREAM_MIN=0 streams every spec file */
	stream_min = getenv("GWC_TEST_STREAM_MIN");
	c.stream_min = stream_min && *stream_min ?
		       strtoumax(stream_min, NULL, 10) : GW_STREAM_MIN;
	pthread_mutex_init(&c.lock, NULL);
	if (!early && c.render && input_bytes >= FEED_MIN)
		early = feed_new_out(&c, opt);
	check_all(&c, opt->jobs ? opt->jobs : 1);
	if (c.feed && gw_feed_finish(c.feed))
		c.feed_failed = true;
	c.feed = NULL;
	gw_across_check(c.diag, c.arena, c.gateways, c.n);
	if (!c.diag->errors)
		plan_control_planes(&c);
	/* the control planes and the previews (gwc validate too: a template
	 * that cannot be adapted, or fails on a gateway, is an error of the
	 * specs), then pass 2 */
	if (!c.diag->errors) {
		status = output(&c, opt, set, out, early);
	} else if (early) {
		struct gw_diag scratch;

		gw_diag_init(&scratch, c.arena);
		gw_writer_abort(early, &scratch);
		gw_diag_release(&scratch);
	}
	gw_cache_close(c.cache);
	gw_strset_release(&c.interned);
	pthread_mutex_destroy(&c.lock);
	if (c.diag->errors && status == GW_EXIT_OK)
		status = GW_EXIT_SPEC;
	if (c.diag->errors && c.io_error)
		status = GW_EXIT_USAGE;
	if (c.interrupted)
		status = GW_EXIT_USAGE;
	for (i = 0; i < c.nsources; i++) {	/* kept, not delivered */
		if (c.sources[i].rare)
			gw_fileset_release(&c.sources[i].rare->rendered);
		free(c.sources[i].rare);
		if (c.sources[i].owns)
			free((char *)c.sources[i].data);
		free(c.sources[i].gateways);
	}
	for (i = 0; i < c.nspills; i++)
		gw_spill_close(c.spills[i]);
	free(c.spills);
	free(c.gateways);
	free(c.cps);
	free(c.cp_slots);
	if (set == &own)
		gw_fileset_release(&own);
	else
		gw_fileset_sort(set);	/* a caller's result, sorted by path */

	gw_arena_free(c.arena);
	return status;
}
