/*
 * fuzz_template.c - libFuzzer target: gw_template_transform, the
 * legacy-kernel transform of an istiod gateway injection template, for
 * every scenario on the input bytes.
 *
 * Invariants, each a trap when violated:
 *   - a refusal leaves *out NULL and gives a non-empty reason that is a
 *     static string (it lies in the program image, not on the heap);
 *   - scenario NONE gives the input back byte for byte;
 *   - SYSCTL and BIND: the output no longer holds the
 *     net.ipv4.ip_unprivileged_port_start sysctl (in particular no
 *     `- name: ...` item right after a `sysctls:` line); one `value: "0"`
 *     line is gone, and either `sysctls:` became `sysctls: []` (exactly one
 *     more of those than the input had) or the `sysctls:` line stayed
 *     because other sysctls follow;
 *   - BIND also adds exactly one `capabilities:` / `add:` /
 *     `- NET_BIND_SERVICE` block, right below a `securityContext:` line;
 *   - read as YAML (libyaml): when the input is one YAML document, so is
 *     the output; and when the input has the shape the transform looks for
 *     (spec.securityContext.sysctls holding the item {name: ..., value:
 *     "0"}; for BIND one spec.containers item named istio-proxy with a
 *     securityContext), the output is exactly the input's tree without
 *     that item and, for BIND, with capabilities: {add: [NET_BIND_SERVICE]}
 *     first in the proxy's securityContext;
 *   - every other byte is kept: the output without the lines of those
 *     kinds equals the input without them (line ends included), except
 *     for the one newline that ends a last line when lines go after it;
 *     lines end as in YAML, at LF, CRLF or a lone CR (the transform
 *     splits at LF only, and after a last line that ends in a lone CR it
 *     inserts lines directly: a YAML line break, but mixed line ends);
 *   - nothing leaks (LeakSanitizer).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "gwc.h"

#define SYSCTL "net.ipv4.ip_unprivileged_port_start"
#define CHECK(cond) do { if (!(cond)) fail(#cond, __LINE__, scenario); } \
	while (0)

static _Noreturn void fail(const char *what, int line, int scenario)
{
	fprintf(stderr, "fuzz_template: invariant violated at line %d "
		"(scenario %d): %s\n", line, scenario, what);
	fflush(stderr);
	__builtin_trap();
}

/* The kinds of line the transform removes or inserts. */
enum kind {
	K_OTHER, K_SYSCTLS, K_EMPTY, K_NAME, K_VALUE, K_CAP, K_ADD, K_NBS,
	K_SC, NKINDS
};

static const char *const kind_text[NKINDS] = {
	[K_SYSCTLS] = "sysctls:",
	[K_EMPTY] = "sysctls: []",
	[K_NAME] = "- name: " SYSCTL,
	[K_VALUE] = "value: \"0\"",
	[K_CAP] = "capabilities:",
	[K_ADD] = "add:",
	[K_NBS] = "- NET_BIND_SERVICE",
	[K_SC] = "securityContext:",	/* kept: not filtered */
};

struct line {
	const char *start;
	size_t full;		/* with its line end */
	size_t indent;
	enum kind kind;
};

struct lines {
	struct line *v;
	size_t n;
	size_t count[NKINDS];
};

static void split(const char *text, size_t len, struct lines *ls)
{
	size_t i = 0, cap = 16;

	memset(ls, 0, sizeof(*ls));
	ls->v = malloc(cap * sizeof(*ls->v));
	if (!ls->v)
		abort();
	while (i < len) {
		size_t end = i, a, b, k;
		struct line *l;

		/* LF, CRLF or a lone CR ends a line, as in YAML */
		while (end < len && text[end] != '\n' && text[end] != '\r')
			end++;
		if (end < len && text[end] == '\r' && end + 1 < len &&
		    text[end + 1] == '\n')
			end++;
		if (end < len)
			end++;

		if (ls->n == cap) {
			cap *= 2;
			ls->v = realloc(ls->v, cap * sizeof(*ls->v));
			if (!ls->v)
				abort();
		}
		l = &ls->v[ls->n++];
		l->start = text + i;
		l->full = end - i;
		/* the content: no indent, line end or trailing spaces */
		a = i;
		while (a < end && text[a] == ' ')
			a++;
		b = end;
		if (b > a && text[b - 1] == '\n')
			b--;
		if (b > a && text[b - 1] == '\r')
			b--;
		while (b > a && text[b - 1] == ' ')
			b--;
		l->indent = a - i;
		l->kind = K_OTHER;
		for (k = 1; k < NKINDS; k++)
			if (strlen(kind_text[k]) == b - a &&
			    !memcmp(text + a, kind_text[k], b - a))
				l->kind = (enum kind)k;
		ls->count[l->kind]++;
		i = end;
	}
}

/* The text without the lines that the transform may remove or insert. */
static void filtered(const struct lines *ls, struct gw_buf *out)
{
	size_t i;

	gw_buf_add(out, "", 0);
	for (i = 0; i < ls->n; i++)
		if (ls->v[i].kind == K_OTHER || ls->v[i].kind == K_SC)
			gw_buf_add(out, ls->v[i].start, ls->v[i].full);
}

static size_t occurrences(const char *s, size_t len, const char *needle)
{
	size_t n = 0, k = strlen(needle);
	const char *p = s, *end = s + len;

	while ((size_t)(end - p) >= k &&
	       (p = memmem(p, (size_t)(end - p), needle, k))) {
		n++;
		p += k;
	}
	return n;
}

/* The reason is a static string: it lies inside a loaded object. */
static bool is_static(const char *s)
{
	Dl_info info;

	return dladdr(s, &info) != 0 && info.dli_fname;
}

/* The line end of @l: "\r\n", "\n", "\r" or "". */
static const char *eol(const struct line *l)
{
	if (l->full >= 2 && !memcmp(l->start + l->full - 2, "\r\n", 2))
		return "\r\n";
	if (l->full >= 1 && l->start[l->full - 1] == '\n')
		return "\n";
	if (l->full >= 1 && l->start[l->full - 1] == '\r')
		return "\r";
	return "";
}

/* A capabilities block right below a securityContext line, indented and
 * ended as the transform inserts one: the line end of the securityContext
 * line, "\n" after one without LF. */
static size_t nbs_blocks(const struct lines *ls)
{
	size_t i, k, n = 0;

	for (i = 3; i < ls->n; i++) {
		const struct line *sc = &ls->v[i - 3];
		const char *end = strchr(eol(sc), '\n') ? eol(sc) : "\n";
		bool ends = true;

		for (k = i - 2; k <= i; k++)
			ends &= !strcmp(eol(&ls->v[k]), end) ||
				(k == ls->n - 1 && !*eol(&ls->v[k]));
		if (ls->v[i].kind == K_NBS && ls->v[i - 1].kind == K_ADD &&
		    ls->v[i - 2].kind == K_CAP && sc->kind == K_SC &&
		    ls->v[i - 2].indent == sc->indent + 2 &&
		    ls->v[i - 1].indent == sc->indent + 4 &&
		    ls->v[i].indent == sc->indent + 4 && ends)
			n++;
	}
	return n;
}

/* ---- the YAML differential --------------------------------------------- */

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

/* A YAML node as libyaml reads it; a mapping's v holds key, value, ... */
struct ynode {
	enum ykind kind;
	char *s;
	size_t len;
	bool plain;
	struct ynode **v;
	size_t n, cap;
};

static void yfree(struct ynode *y)
{
	size_t i;

	if (!y)
		return;
	for (i = 0; i < y->n; i++)
		yfree(y->v[i]);
	free(y->v);
	free(y->s);
	free(y);
}

static struct ynode *ynew(enum ykind kind)
{
	struct ynode *y = calloc(1, sizeof(*y));

	if (!y)
		abort();
	y->kind = kind;
	return y;
}

static void ypush(struct ynode *parent, struct ynode *kid)
{
	if (parent->n == parent->cap) {
		parent->cap = parent->cap ? parent->cap * 2 : 8;
		parent->v = realloc(parent->v, parent->cap * sizeof(*parent->v));
		if (!parent->v)
			abort();
	}
	parent->v[parent->n++] = kid;
}

static struct ynode *yscalar(const char *s, size_t len, bool plain)
{
	struct ynode *y = ynew(Y_SCALAR);

	y->s = malloc(len + 1);
	if (!y->s)
		abort();
	memcpy(y->s, s, len);
	y->s[len] = '\0';
	y->len = len;
	y->plain = plain;
	return y;
}

/* The node starting with @ev (consumed); NULL on an error or an alias. */
static struct ynode *yparse_node(yaml_parser_t *p, yaml_event_t *ev,
				 int depth)
{
	struct ynode *y;

	if (depth > 200) {
		yaml_event_delete(ev);	/* a leak of the harness, fuzzing found */
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		y = yscalar((const char *)ev->data.scalar.value,
			    ev->data.scalar.length,
			    ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
		yaml_event_delete(ev);
		return y;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		y = ynew(ev->type == YAML_MAPPING_START_EVENT ? Y_MAP : Y_SEQ);
		yaml_event_delete(ev);
		for (;;) {
			yaml_event_t kid;
			struct ynode *k;

			if (!yaml_parser_parse(p, &kid)) {
				yfree(y);
				return NULL;
			}
			if (kid.type == YAML_SEQUENCE_END_EVENT ||
			    kid.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&kid);
				return y;
			}
			k = yparse_node(p, &kid, depth + 1);
			if (!k) {
				yfree(y);
				return NULL;
			}
			ypush(y, k);
		}
	default:
		yaml_event_delete(ev);
		return NULL;
	}
}

/* The tree of @text when it is exactly one YAML document, else NULL. */
static struct ynode *yparse(const char *text, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct ynode *root = NULL;
	int docs = 0;
	bool ok = true;

	if (!yaml_parser_initialize(&p))
		abort();
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	/* as gwc reads its input: UTF-8 (no UTF-16 by a BOM) */
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (ok) {
		if (!yaml_parser_parse(&p, &ev)) {
			ok = false;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT && ++docs > 1)
			ok = false;
		if (ev.type == YAML_SCALAR_EVENT ||
		    ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT ||
		    ev.type == YAML_ALIAS_EVENT) {
			root = yparse_node(&p, &ev, 0);
			ok = root != NULL;
			continue;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (!ok || docs != 1) {
		yfree(root);
		return NULL;
	}
	return root;
}

static bool yequal(const struct ynode *a, const struct ynode *b)
{
	size_t i;

	if (a->kind != b->kind || a->n != b->n)
		return false;
	if (a->kind == Y_SCALAR)
		return a->plain == b->plain && a->len == b->len &&
		       !memcmp(a->s, b->s, a->len);
	for (i = 0; i < a->n; i++)
		if (!yequal(a->v[i], b->v[i]))
			return false;
	return true;
}

static bool yis(const struct ynode *y, const char *s)
{
	return y && y->kind == Y_SCALAR && y->len == strlen(s) &&
	       !memcmp(y->s, s, y->len);
}

/* The value of the one key @key of mapping @map; NULL if not one. */
static struct ynode **yget(struct ynode *map, const char *key)
{
	struct ynode **found = NULL;
	size_t i;

	if (!map || map->kind != Y_MAP)
		return NULL;
	for (i = 0; i + 1 < map->n; i += 2)
		if (yis(map->v[i], key)) {
			if (found)
				return NULL;
			found = &map->v[i + 1];
		}
	return found;
}

/* The index of the one item of sequence @seq whose name is @name, or -1. */
static long yitem(struct ynode *seq, const char *name)
{
	long found = -1;
	size_t i;

	if (!seq || seq->kind != Y_SEQ)
		return -1;
	for (i = 0; i < seq->n; i++) {
		struct ynode **n = yget(seq->v[i], "name");

		if (n && yis(*n, name)) {
			if (found >= 0)
				return -1;
			found = (long)i;
		}
	}
	return found;
}

/*
 * Turns @root (the input's tree) into the tree the transform should give
 * for @scenario; false when the input lacks the shape.
 */
static bool yexpect(struct ynode *root, int scenario)
{
	struct ynode **spec = yget(root, "spec"), **sc, **sysctls, *item;
	struct ynode **containers, **proxy_sc, *caps, *add, *pair;
	long k;

	sc = spec ? yget(*spec, "securityContext") : NULL;
	sysctls = sc ? yget(*sc, "sysctls") : NULL;
	k = sysctls ? yitem(*sysctls, SYSCTL) : -1;
	if (k < 0)
		return false;
	item = (*sysctls)->v[k];
	if (item->n != 4 || !yis(item->v[0], "name") ||
	    !yis(item->v[2], "value") || !yis(item->v[3], "0") ||
	    item->v[3]->plain)
		return false;
	if (scenario == GW_SCENARIO_BIND) {
		containers = yget(*spec, "containers");
		k = containers ? yitem(*containers, "istio-proxy") : -1;
		proxy_sc = k >= 0 ? yget((*containers)->v[k],
					 "securityContext") : NULL;
		if (!proxy_sc || yget(*proxy_sc, "capabilities") ||
		    !(((*proxy_sc)->kind == Y_MAP) ||
		      ((*proxy_sc)->kind == Y_SCALAR && (*proxy_sc)->plain &&
		       (*proxy_sc)->len == 0)))
			return false;
		if ((*proxy_sc)->kind == Y_SCALAR) {
			yfree(*proxy_sc);
			*proxy_sc = ynew(Y_MAP);
		}
		add = ynew(Y_SEQ);
		ypush(add, yscalar("NET_BIND_SERVICE", 16, true));
		caps = ynew(Y_MAP);
		ypush(caps, yscalar("add", 3, true));
		ypush(caps, add);
		/* first in the securityContext: make room for two */
		pair = yscalar("capabilities", 12, true);
		ypush(*proxy_sc, pair);
		ypush(*proxy_sc, caps);
		memmove((*proxy_sc)->v + 2, (*proxy_sc)->v,
			((*proxy_sc)->n - 2) * sizeof(*(*proxy_sc)->v));
		(*proxy_sc)->v[0] = pair;
		(*proxy_sc)->v[1] = caps;
	}
	/* the sysctl item goes (found again: the proxy part moved nothing) */
	k = yitem(*sysctls, SYSCTL);
	yfree((*sysctls)->v[k]);
	memmove((*sysctls)->v + k, (*sysctls)->v + k + 1,
		((*sysctls)->n - (size_t)k - 1) * sizeof(*(*sysctls)->v));
	(*sysctls)->n--;
	return true;
}

static void check_yaml(int scenario, const char *in, size_t in_len,
		       const char *out, size_t out_len)
{
	struct ynode *a = yparse(in, in_len), *b;

	if (!a)
		return;		/* not one YAML document: nothing to compare */
	b = yparse(out, out_len);
	CHECK(b != NULL);	/* one YAML document stays one */
	if (yexpect(a, scenario))
		CHECK(yequal(a, b));
	yfree(a);
	yfree(b);
}

static void check_output(int scenario, const char *in, size_t in_len,
			 const char *out, size_t out_len)
{
	struct lines a, b;
	struct gw_buf fa = { 0 }, fb = { 0 };
	bool replaced, kept, last_nl;
	size_t i;

	CHECK(occurrences(out, out_len, SYSCTL) == 0);
	split(in, in_len, &a);
	split(out, out_len, &b);
	for (i = 1; i < b.n; i++)
		CHECK(!(b.v[i - 1].kind == K_SYSCTLS &&
			memmem(b.v[i].start, b.v[i].full, SYSCTL,
			       strlen(SYSCTL))));
	CHECK(a.count[K_NAME] == 1 && b.count[K_NAME] == 0);
	CHECK(b.count[K_VALUE] + 1 == a.count[K_VALUE]);
	replaced = b.count[K_SYSCTLS] + 1 == a.count[K_SYSCTLS] &&
		   b.count[K_EMPTY] == a.count[K_EMPTY] + 1;
	kept = b.count[K_SYSCTLS] == a.count[K_SYSCTLS] &&
	       b.count[K_EMPTY] == a.count[K_EMPTY];
	CHECK(replaced || kept);
	if (scenario == GW_SCENARIO_BIND) {
		CHECK(b.count[K_CAP] == a.count[K_CAP] + 1);
		CHECK(b.count[K_ADD] == a.count[K_ADD] + 1);
		CHECK(b.count[K_NBS] == a.count[K_NBS] + 1);
		CHECK(nbs_blocks(&b) == nbs_blocks(&a) + 1);
	} else {
		CHECK(b.count[K_CAP] == a.count[K_CAP]);
		CHECK(b.count[K_ADD] == a.count[K_ADD]);
		CHECK(b.count[K_NBS] == a.count[K_NBS]);
	}
	filtered(&a, &fa);
	filtered(&b, &fb);
	/* a last securityContext: line without a line end gets one when the
	 * block goes after it (the output then ends with the block) */
	last_nl = scenario == GW_SCENARIO_BIND && in_len &&
		  in[in_len - 1] != '\n' && in[in_len - 1] != '\r' &&
		  a.v[a.n - 1].kind == K_SC && b.n &&
		  b.v[b.n - 1].kind == K_NBS;
	if (last_nl)
		gw_buf_add(&fa, "\n", 1);
	CHECK(fa.len == fb.len);
	CHECK(!memcmp(fa.data, fb.data, fa.len));
	gw_buf_release(&fa);
	gw_buf_release(&fb);
	free(a.v);
	free(b.v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum gw_scenario scenarios[] = {
		GW_SCENARIO_NONE, GW_SCENARIO_SYSCTL, GW_SCENARIO_BIND,
	};
	const char *text = (const char *)data;
	bool has_nul = memchr(text, '\0', size) != NULL;
	size_t i;

	for (i = 0; i < sizeof(scenarios) / sizeof(*scenarios); i++) {
		int scenario = (int)scenarios[i];
		char *out = (char *)"unset";
		const char *why = "unset";

		if (gw_template_transform(text, size, scenarios[i], &out,
					  &why)) {
			CHECK(scenario != GW_SCENARIO_NONE);
			CHECK(out == NULL);
			CHECK(why != NULL && *why != '\0');
			CHECK(is_static(why));
			continue;
		}
		CHECK(out != NULL);
		if (scenario == GW_SCENARIO_NONE) {
			CHECK(!memcmp(out, text, size) && out[size] == '\0');
		} else if (!has_nul) {
			/* (the output's length is strlen: C strings only) */
			check_output(scenario, text, size, out, strlen(out));
			check_yaml(scenario, text, size, out, strlen(out));
		}
		free(out);
	}
	return 0;
}
