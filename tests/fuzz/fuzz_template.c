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
	/* a last securityContext: line without a line end gets one */
	last_nl = scenario == GW_SCENARIO_BIND && in_len &&
		  in[in_len - 1] != '\n' && in[in_len - 1] != '\r' &&
		  a.v[a.n - 1].kind == K_SC;
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
		}
		free(out);
	}
	return 0;
}
