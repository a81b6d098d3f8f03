/*
 * across.c - the checks that span the specs of a run: what no one spec
 * can be wrong about alone.
 *
 * Consumes the summaries pass 1 keeps of every checked gateway (struct
 * gw_summary, in input order); reports an error at the later of two
 * gateways that cannot both be right: one folder, one selector label per
 * gateway name, one update strategy per Istio.  Sorting makes each check
 * n log n in the gateways; equal keys stay in input order, so the later
 * spec is the one blamed, whatever the number of jobs.
 */
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

/* A run's gateways and where their faults go. */
struct across {
	struct gw_diag *diag;
	struct gw_arena *arena;
	const struct gw_summary *const *gateways;
	size_t n;
};

/*
 * The sorts below order slots of the run's list (struct across.gateways,
 * in input order), not the summaries they point to, which live wherever
 * their source keeps them: a slot's address is its input position.
 */
typedef const struct gw_summary *const *slot;

static int input_order(const void *a, const void *b)
{
	slot x = *(const slot *)a, y = *(const slot *)b;

	return x < y ? -1 : x > y;
}

static int compare_folders(const void *a, const void *b)
{
	const struct gw_summary *x = **(const slot *)a;
	const struct gw_summary *y = **(const slot *)b;
	int d = strcmp(x->ns, y->ns);

	if (!d)
		d = strcmp(x->name, y->name);
	return d ? d : input_order(a, b);
}

/* The gateways sorted by @compare (input order among equals),
 * malloc'ed. */
static const struct gw_summary **sorted_gateways(struct across *c,
			int (*compare)(const void *, const void *))
{
	slot *slots = gw_malloc((c->n + 1) * sizeof(*slots));
	const struct gw_summary **v = gw_malloc((c->n + 1) * sizeof(*v));
	size_t i;

	for (i = 0; i < c->n; i++)
		slots[i] = &c->gateways[i];
	qsort(slots, c->n, sizeof(*slots), compare);
	for (i = 0; i < c->n; i++)
		v[i] = *slots[i];
	free(slots);
	return v;
}

/* Two gateways in one folder: the later one is the error. */
static void check_unique_folders(struct across *c)
{
	const struct gw_summary **by_folder;
	size_t i, first = 0;

	if (c->n < 2)
		return;
	by_folder = sorted_gateways(c, compare_folders);
	for (i = 1; i < c->n; i++) {
		const struct gw_summary *a = by_folder[first], *b = by_folder[i];

		if (strcmp(a->ns, b->ns) || strcmp(a->name, b->name)) {
			first = i;
			continue;
		}
		gw_diag_add(c->diag, GW_SEV_ERROR,
			    gw_summary_at(b, b->name_mark),
			    "metadata.name: gateway %s/%s is also defined at "
			    "%s:%d:%d", b->ns, b->name, a->file,
			    a->name_mark.line, a->name_mark.col);
	}
	free(by_folder);
}

static int compare_names(const void *a, const void *b)
{
	const struct gw_summary *x = **(const slot *)a;
	const struct gw_summary *y = **(const slot *)b;
	int d = strcmp(x->name, y->name);

	return d ? d : input_order(a, b);
}

/*
 * Two gateways of one name in two namespaces: their pods both get
 * istio: <name>, and an Istio Gateway's selector matches pods in every
 * namespace (unless istiod scopes it with PILOT_SCOPE_GATEWAY_TO_NAMESPACE),
 * so each team's hosts and certificates would reach the other's pods.
 * gwc keeps the seed's selector label, istio: <name>, which users and
 * their Gateways know, and asks for distinct names.
 */
static void check_shared_selectors(struct across *c)
{
	const struct gw_summary **v;
	size_t i, first = 0;

	if (c->n < 2)
		return;
	v = sorted_gateways(c, compare_names);
	for (i = 1; i < c->n; i++) {
		const struct gw_summary *a = v[first], *b = v[i];

		if (strcmp(a->name, b->name)) {
			first = i;
			continue;
		}
		if (!strcmp(a->ns, b->ns) || (a->scoped && b->scoped))
			continue;	/* one folder: check_unique_folders */
		/* istiod's pods of a Gateway API gateway carry no istio:
		 * <name>, and its Gateway binds to them alone */
		if (a->gateway_api || b->gateway_api)
			continue;
		gw_diag_add(c->diag, GW_SEV_ERROR,
			    gw_summary_at(b, b->name_mark),
			    "metadata.name: the pods of gateway %s/%s get "
			    "istio: %s, as do those of %s/%s (%s:%d:%d), and "
			    "an Istio Gateway's selector matches pods in every "
			    "namespace: each gateway would serve the other's "
			    "hosts and certificates; give the gateways "
			    "different names (or scope Gateways with "
			    "PILOT_SCOPE_GATEWAY_TO_NAMESPACE in the "
			    "spec.values.pilot.env of their Istio resource)",
			    b->ns, b->name, b->name, a->ns, a->name,
			    a->file, a->name_mark.line, a->name_mark.col);
	}
	free(v);
}

static int compare_istios(const void *a, const void *b)
{
	const struct gw_summary *x = **(const slot *)a;
	const struct gw_summary *y = **(const slot *)b;
	int d = strcmp(x->istio, y->istio);

	return d ? d : input_order(a, b);
}

/*
 * One Istio has one update strategy: sidecar.istio.io/inject reaches only
 * the default revision (an InPlace Istio named default, or a tag named
 * default), so a gateway relying on it and another naming a RevisionBased
 * revision of the same Istio cannot both be right.
 */
static void check_strategies(struct across *c)
{
	const struct gw_summary **v;
	size_t i, start = 0;

	if (c->n < 2)
		return;
	v = sorted_gateways(c, compare_istios);
	for (i = 0; i <= c->n; i++) {
		const struct gw_summary *inplace = NULL, *based = NULL, *later;
		size_t k, inplace_at = 0, based_at = 0;

		if (i < c->n && !strcmp(v[start]->istio, v[i]->istio))
			continue;
		for (k = start; k < i; k++) {
			if (!v[k]->revision && !v[k]->istio_path && !inplace) {
				inplace = v[k];
				inplace_at = k;
			}
			if (gw_istio_revision_based(v[k]->istio,
						     v[k]->revision) &&
			    !based) {
				based = v[k];
				based_at = k;
			}
		}
		start = i;
		if (!inplace || !based)
			continue;
		/* v is in input order among one Istio's gateways */
		later = inplace_at > based_at ? inplace : based;
		gw_diag_add(c->diag, GW_SEV_ERROR,
			    gw_summary_at(later, later->revision_given ?
					  later->revision_mark :
					  later->name_mark),
			    "spec.controlPlane: Istio '%s' would be both "
			    "InPlace and RevisionBased: the gateway at "
			    "%s:%d:%d gets istio.io/rev: %s, a RevisionBased "
			    "revision, and the one at %s:%d:%d gets "
			    "sidecar.istio.io/inject: \"true\", which only "
			    "the default revision (an InPlace Istio named "
			    "default) injects; give both the revision, or "
			    "name the Istio's file in "
			    "spec.controlPlane.istioResource", based->istio,
			    based->file, based->name_mark.line,
			    based->name_mark.col, based->revision,
			    inplace->file, inplace->name_mark.line,
			    inplace->name_mark.col);
	}
	free(v);
}

struct gw_mark gw_summary_at(const struct gw_summary *s, struct gw_spot at)
{
	return (struct gw_mark){ at.line ? s->file : NULL, at.line, at.col };
}

struct gw_spot gw_spot_of(struct gw_mark m)
{
	return (struct gw_spot){ m.file ? m.line : 0, m.col };
}

void gw_across_check(struct gw_diag *diag, struct gw_arena *arena,
		     const struct gw_summary *const *gateways, size_t n)
{
	struct across c = { diag, arena, gateways, n };

	check_unique_folders(&c);
	check_shared_selectors(&c);
	check_strategies(&c);
}
