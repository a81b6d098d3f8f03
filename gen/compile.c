/*
 * compile.c - the pipeline, for main.c: every input through load,
 * validate, model and check; then the decisions that span specs (one
 * gateway per folder, one template per control plane, the legacy-kernel
 * scenario); then render and write.
 *
 * Nothing is written unless every spec of the run is free of errors.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

struct control_plane {
	const char *istio;
	const struct gw_gateway *chooser;	/* first gateway that needs it */
	const char *text;			/* template source text */
	size_t len;
	const char *source;			/* its path, or "built-in" */
	enum gw_scenario scenario;
	bool legacy;
	long lowest_port;
};

struct compilation {
	struct gw_arena *arena;
	struct gw_diag diag;
	const struct gw_node *schema;
	struct gw_gateway **gateways;
	size_t n, cap;
	struct control_plane *cps;
	size_t ncps;
	bool io_error;		/* an input could not be read: exit 2 */
	bool no_file_reads;
};

static void add_gateway(struct compilation *c, struct gw_gateway *gw)
{
	if (c->n == c->cap) {
		struct gw_gateway **bigger;

		c->cap = c->cap ? c->cap * 2 : 16;
		bigger = gw_arena_alloc(c->arena, c->cap * sizeof(*bigger));
		if (c->n)
			memcpy(bigger, c->gateways, c->n * sizeof(*bigger));
		c->gateways = bigger;
	}
	c->gateways[c->n++] = gw;
}

static void load_input(struct compilation *c, const char *path,
		       const char *data, size_t len)
{
	struct gw_node **docs;
	size_t ndocs, i;

	if (gw_load_bytes(c->arena, &c->diag, path, data, len, &docs, &ndocs))
		return;
	for (i = 0; i < ndocs && docs[i]->kind == GW_NULL; i++)
		;
	if (i == ndocs)
		gw_diag_add(&c->diag, GW_SEV_ERROR, docs[0]->mark, "no spec in "
			    "the file (every YAML document is empty)");
	for (i = 0; i < ndocs; i++) {
		struct gw_gateway *gw;

		if (docs[i]->kind == GW_NULL)
			continue;	/* an empty document, as kubectl skips */
		if (gw_validate(&c->diag, c->schema, docs[i]))
			continue;
		gw = gw_model_build(c->arena, path, docs[i]);
		if (gw_check_gateway(&c->diag, gw))
			continue;
		add_gateway(c, gw);
	}
}

static void check_unique_folders(struct compilation *c)
{
	size_t i, j;

	for (i = 0; i < c->n; i++)
		for (j = 0; j < i; j++) {
			const struct gw_gateway *a = c->gateways[j];
			const struct gw_gateway *b = c->gateways[i];

			if (!strcmp(a->ns, b->ns) && !strcmp(a->name, b->name)) {
				gw_diag_add(&c->diag, GW_SEV_ERROR, b->name_mark,
					    "metadata.name: gateway %s/%s is "
					    "also defined at %s:%d:%d", b->ns,
					    b->name, a->name_mark.file,
					    a->name_mark.line, a->name_mark.col);
				break;
			}
		}
}

static struct control_plane *find_cp(struct compilation *c, const char *istio)
{
	size_t i;

	for (i = 0; i < c->ncps; i++)
		if (!strcmp(c->cps[i].istio, istio))
			return &c->cps[i];
	return NULL;
}

/* Reads the template a gateway asks for; the built-in one when none. */
static int read_template(struct compilation *c, const struct gw_gateway *gw,
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
		gw_diag_add(&c->diag, GW_SEV_ERROR, gw->template_mark,
			    "spec.controlPlane.injectionTemplate: reading "
			    "files is disabled here");
		return -1;
	}
	if (gw_load_read_for(c->arena, &c->diag, gw->template_path,
			     gw->template_mark,
			     "spec.controlPlane.injectionTemplate", &data, len)) {
		c->io_error = true;
		return -1;
	}
	if (gw_load_gate(&c->diag, gw->template_path, data, *len))
		return -1;
	*text = data;
	return 0;
}

static bool needs_template(const struct gw_gateway *gw)
{
	return gw->legacy_kernel || gw->pin_template || gw->template_path;
}

/* One template per control plane: the first gateway that needs one picks
 * it, every other must agree; the scenario covers every gateway. */
static void plan_control_planes(struct compilation *c)
{
	size_t i;

	c->cps = gw_arena_alloc(c->arena, (c->n ? c->n : 1) * sizeof(*c->cps));
	for (i = 0; i < c->n; i++) {
		const struct gw_gateway *gw = c->gateways[i];
		struct control_plane *cp = find_cp(c, gw->istio);
		const char *text, *source;
		size_t len;

		if (!cp) {
			cp = &c->cps[c->ncps++];
			cp->istio = gw->istio;
			cp->lowest_port = 65536;
		}
		if (gw_model_lowest_target_port(gw) < cp->lowest_port)
			cp->lowest_port = gw_model_lowest_target_port(gw);
		if (!needs_template(gw))
			continue;
		cp->legacy |= gw->legacy_kernel;
		if (read_template(c, gw, &text, &len, &source))
			continue;
		if (!cp->chooser) {
			cp->chooser = gw;
			cp->text = text;
			cp->len = len;
			cp->source = source;
		} else if (cp->len != len || memcmp(cp->text, text, len)) {
			gw_diag_add(&c->diag, GW_SEV_ERROR,
				    gw->template_demand_mark,
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
			cp->scenario = cp->lowest_port < 1024 ?
				GW_SCENARIO_BIND : GW_SCENARIO_SYSCTL;
	}
}

static void report_notes(struct compilation *c, const struct control_plane *cp)
{
	const struct gw_gateway *gw = cp->chooser;

	if (cp->scenario == GW_SCENARIO_BIND)
		gw_diag_add(&c->diag, GW_SEV_NOTE, gw->kernel_version ?
			    gw->kernel_mark : gw->name_mark,
			    "Istio '%s': NET_BIND_SERVICE goes on the "
			    "istio-proxy container's securityContext, not the "
			    "pod's as the seed procedure shows (a pod "
			    "securityContext has no capabilities); it lets a "
			    "gateway listen on ports below 1024 where the "
			    "container runtime grants added capabilities to "
			    "the proxy's non-root user", cp->istio);
	if (!cp->legacy)
		gw_diag_add(&c->diag, GW_SEV_NOTE, gw->template_path ?
			    gw->template_mark : gw->name_mark,
			    "Istio '%s': the installed gateway template "
			    "replaces istiod's own; keep it in step with the "
			    "istiod version in use", cp->istio);
}

static int render_all(struct compilation *c, struct gw_fileset *set)
{
	size_t i;
	int err = 0;

	for (i = 0; i < c->ncps; i++) {
		struct control_plane *cp = &c->cps[i];
		char *out;
		const char *why;

		if (!cp->chooser)
			continue;
		if (gw_template_transform(cp->text, cp->len, cp->scenario,
					  &out, &why)) {
			const struct gw_gateway *gw = cp->chooser;

			gw_diag_add(&c->diag, GW_SEV_ERROR, gw->template_path ?
				    gw->template_mark : gw->kernel_mark,
				    "spec.controlPlane.injectionTemplate: "
				    "cannot adapt %s for kernels older than "
				    "4.11: %s", cp->source, why);
			err = -1;
			continue;
		}
		if (gw_render_control_plane(cp->istio, out, strlen(out), set)) {
			gw_diag_add(&c->diag, GW_SEV_ERROR, cp->chooser->mark,
				    "internal error: cannot emit the patch of "
				    "Istio '%s'", cp->istio);
			err = -1;
		}
		free(out);
	}
	for (i = 0; i < c->n; i++) {
		const struct gw_gateway *gw = c->gateways[i];

		if (!strcmp(gw->ns, "istio") && find_cp(c, gw->name) &&
		    find_cp(c, gw->name)->chooser) {
			gw_diag_add(&c->diag, GW_SEV_ERROR, gw->name_mark,
				    "metadata.name: the folder istio/%s of this "
				    "gateway is the folder of the control plane "
				    "'%s'", gw->name, gw->name);
			err = -1;
			continue;
		}
		if (gw_render_gateway(c->arena, gw, set)) {
			gw_diag_add(&c->diag, GW_SEV_ERROR, gw->mark,
				    "internal error: cannot emit the objects");
			err = -1;
		}
	}
	for (i = 0; !err && i < c->ncps; i++)
		if (c->cps[i].chooser)
			report_notes(c, &c->cps[i]);
	gw_fileset_sort(set);
	return err;
}

/* The files of a gateway folder, in the order kubectl should apply them. */
static const char *const apply_order[] = {
	"namespace.yaml", "secret-reader.yaml", "gateway-deployment.yaml",
	"gateway-service.yaml", "gateway-hpa.yaml", "gateway-pdb.yaml",
	"gateway.yaml", "virtualservices.yaml",
};

/* `-o -`: every Kubernetes object of @set as one YAML stream on stdout. */
static void print_stream(const struct gw_fileset *set, FILE *diag_stream)
{
	size_t i, k, printed = 0;

	for (i = 0; i < set->n; i++) {
		const char *path = set->files[i].path;
		size_t dir = (size_t)(strrchr(path, '/') - path);

		if (i && !strncmp(path, set->files[i - 1].path, dir) &&
		    set->files[i - 1].path[dir] == '/')
			continue;	/* this folder was printed */
		if (!strncmp(path, "istio/", 6) &&
		    strstr(path, "/gateway-injection-template.txt")) {
			fprintf(diag_stream, "gwc: note: %.*s holds the "
				"injection template and patch of a control "
				"plane, not Kubernetes objects; write them "
				"with -o DIR\n", (int)dir, path);
			continue;
		}
		for (k = 0; k < sizeof(apply_order) / sizeof(*apply_order); k++) {
			size_t j;

			for (j = i; j < set->n &&
			     !strncmp(set->files[j].path, path, dir + 1); j++) {
				const struct gw_file *f = &set->files[j];

				if (strcmp(f->path + dir + 1, apply_order[k]))
					continue;
				if (printed++)
					fputs("---\n", stdout);
				fwrite(f->data, 1, f->len, stdout);
			}
		}
	}
}

/* Refuses an input that lies inside the output folder. */
static int check_inputs_outside(const struct gw_options *opt)
{
	char out[PATH_MAX], in[PATH_MAX];
	size_t i, len;

	if (!realpath(opt->outdir, out))
		return 0;	/* not there yet: nothing can be inside */
	len = strlen(out);
	for (i = 0; i < opt->ninputs; i++)
		if (realpath(opt->inputs[i], in) && !strncmp(in, out, len) &&
		    (in[len] == '/' || in[len] == '\0')) {
			fprintf(stderr, "gwc: error: input '%s' is inside the "
				"output folder '%s'\n", opt->inputs[i],
				opt->outdir);
			return -1;
		}
	return 0;
}

int gw_compile(const struct gw_options *opt)
{
	struct compilation c = { 0 };
	struct gw_fileset own = { 0 }, *set = opt->result ? opt->result : &own;
	FILE *diag_stream = opt->diag_stream ? opt->diag_stream : stderr;
	size_t i;
	int status = GW_EXIT_OK;

	if (opt->outdir && strcmp(opt->outdir, "-") &&
	    check_inputs_outside(opt))
		return GW_EXIT_USAGE;
	c.arena = gw_arena_new();
	gw_diag_init(&c.diag, c.arena);
	c.schema = gw_schema_tree(c.arena);
	if (!c.schema) {
		gw_arena_free(c.arena);
		return GW_EXIT_USAGE;
	}
	c.no_file_reads = opt->no_file_reads;
	for (i = 0; i < opt->ninputs; i++) {
		char *data;
		size_t len;

		if (gw_load_read(c.arena, &c.diag, opt->inputs[i], &data, &len))
			c.io_error = true;
		else
			load_input(&c, opt->inputs[i], data, len);
	}
	for (i = 0; i < opt->nbuffers; i++)
		load_input(&c, opt->buffers[i].name, opt->buffers[i].data,
			   opt->buffers[i].len);
	check_unique_folders(&c);
	if (!c.diag.errors) {
		plan_control_planes(&c);
		if (!c.diag.errors)
			render_all(&c, set);
	}
	if (c.diag.errors)
		status = c.io_error ? GW_EXIT_USAGE : GW_EXIT_SPEC;
	if (gw_diag_print(&c.diag, diag_stream))
		status = GW_EXIT_USAGE;
	if (status == GW_EXIT_OK && opt->outdir && !strcmp(opt->outdir, "-")) {
		print_stream(set, diag_stream);
	} else if (status == GW_EXIT_OK && opt->outdir && opt->check) {
		struct gw_buf report = { 0 };
		int r = gw_write_check(opt->outdir, set, opt->prune, &report);

		if (report.len)
			fwrite(report.data, 1, report.len, stdout);
		status = r < 0 ? GW_EXIT_USAGE : r ? GW_EXIT_SPEC : GW_EXIT_OK;
		gw_buf_release(&report);
	} else if (status == GW_EXIT_OK && opt->outdir &&
		   gw_write_tree(opt->outdir, set, opt->prune)) {
		status = GW_EXIT_USAGE;
	}
	if (set == &own)
		gw_fileset_release(&own);
	gw_arena_free(c.arena);
	return status;
}
