/*
 * template.c - the legacy-kernel transform of istiod's gateway injection
 * template (DESIGN section 5).
 *
 * Consumes the text of a gateway template (Go text/template producing a
 * pod overlay); produces the same text with, for scenario 1, the pod
 * securityContext's net.ipv4.ip_unprivileged_port_start sysctl replaced by
 * `sysctls: []`, and for scenario 2 also NET_BIND_SERVICE added to the
 * istio-proxy container's securityContext.  It works line by line on the
 * shape every istiod release since 1.22 has used, keeps every other byte
 * (including CRLF line ends) and refuses a template of another shape
 * rather than guess.
 */
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

#define SYSCTL "net.ipv4.ip_unprivileged_port_start"

struct line {
	const char *start;	/* first byte */
	size_t len;		/* without the line end */
	size_t full;		/* with the line end */
	size_t indent;
};

struct lines {
	struct line *v;
	size_t n;
};

static int split_lines(const char *text, size_t len, struct lines *ls)
{
	size_t cap = 64, i = 0;

	ls->n = 0;
	ls->v = malloc(cap * sizeof(*ls->v));
	if (!ls->v)
		gw_oom();
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		struct line *l;

		if (ls->n == cap) {
			cap *= 2;
			ls->v = realloc(ls->v, cap * sizeof(*ls->v));
			if (!ls->v)
				gw_oom();
		}
		l = &ls->v[ls->n++];
		l->start = text + i;
		l->full = (nl ? end + 1 : end) - i;
		l->len = end - i;
		if (l->len && l->start[l->len - 1] == '\r')
			l->len--;
		for (l->indent = 0; l->indent < l->len &&
		     l->start[l->indent] == ' '; l->indent++)
			;
		i += l->full;
	}
	return 0;
}

/* The line without indent and trailing spaces equals @s. */
static bool is(const struct line *l, const char *s)
{
	size_t len = l->len;

	while (len > l->indent && l->start[len - 1] == ' ')
		len--;
	return len - l->indent == strlen(s) &&
	       !memcmp(l->start + l->indent, s, len - l->indent);
}

static bool contains(const struct line *l, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= l->len; i++)
		if (!memcmp(l->start + i, s, n))
			return true;
	return false;
}

/* A line that holds only template actions, a comment or nothing: not YAML
 * structure. */
static bool is_action_or_blank(const struct line *l)
{
	return l->indent == l->len || l->start[l->indent] == '#' ||
	       (l->len - l->indent >= 2 && !memcmp(l->start + l->indent, "{{", 2));
}

/* A block mapping entry "key:" or "key: value" with a plain key. */
static bool is_block_key(const struct line *l)
{
	size_t i = l->indent;
	char c = i < l->len ? l->start[i] : '\0';

	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
		return false;
	for (; i < l->len; i++)
		if (l->start[i] == ':' && (i + 1 == l->len || l->start[i + 1] == ' '))
			return true;
	return false;
}

/* The nearest structural line before @i with indent below @indent. */
static long parent_of(const struct lines *ls, size_t i, size_t indent)
{
	while (i-- > 0)
		if (!is_action_or_blank(&ls->v[i]) && ls->v[i].indent < indent)
			return (long)i;
	return -1;
}

static void append_line(struct gw_buf *out, const struct line *l)
{
	gw_buf_add(out, l->start, l->full);
}

/* The line end of @l: "\r\n", "\n", or "" for a last line without one. */
static const char *line_end(const struct line *l)
{
	if (l->full == l->len)
		return "";
	return l->full - l->len == 2 ? "\r\n" : "\n";
}

/* The line end to use for lines inserted after @l. */
static const char *insert_end(const struct line *l)
{
	return *line_end(l) ? line_end(l) : "\n";
}

/* True when the structural line after the sysctl item at @i continues
 * the same list (another sysctl the template sets). */
static bool more_sysctls_follow(const struct lines *ls, size_t i)
{
	size_t j;

	for (j = i + 3; j < ls->n; j++) {
		const struct line *l = &ls->v[j];

		if (is_action_or_blank(l))
			continue;
		/* an item: "- x", or "-" alone with its node on the lines
		 * below (found by fuzz_template) */
		return l->indent == ls->v[i + 1].indent &&
		       l->start[l->indent] == '-' &&
		       (l->len == l->indent + 1 ||
			l->start[l->indent + 1] == ' ' ||
			l->start[l->indent + 1] == '\t');
	}
	return false;
}

static void append_indented(struct gw_buf *out, size_t indent, const char *s,
			    const char *eol)
{
	size_t i;

	for (i = 0; i < indent; i++)
		gw_buf_add(out, " ", 1);
	gw_buf_puts(out, s);
	gw_buf_puts(out, eol);
}

/* Finds the three sysctl lines; returns the index of `sysctls:` or -1. */
static long find_sysctl(const struct lines *ls, const char **why)
{
	long found = -1, parent, grand;
	size_t i, uses = 0;

	for (i = 0; i < ls->n; i++)
		uses += contains(&ls->v[i], SYSCTL);
	if (uses != 1) {
		*why = uses ? "the " SYSCTL " sysctl appears more than once" :
			"it does not set the " SYSCTL " sysctl in the pod "
			"securityContext";
		return -1;
	}
	for (i = 0; i + 2 < ls->n; i++) {
		const struct line *a = &ls->v[i], *b = &ls->v[i + 1],
				  *c = &ls->v[i + 2];

		if (is(a, "sysctls:") && is(b, "- name: " SYSCTL) &&
		    b->indent >= a->indent && b->indent <= a->indent + 2 &&
		    is(c, "value: \"0\"") && c->indent == b->indent + 2)
			found = (long)i;
	}
	if (found < 0) {
		*why = "its " SYSCTL " sysctl is not the list item "
		       "`- name: ...` / `value: \"0\"` under `sysctls:`";
		return -1;
	}
	for (i = (size_t)found + 3; i < ls->n; i++) {
		const struct line *l = &ls->v[i], *item = &ls->v[found + 1];

		if (is_action_or_blank(l))
			continue;
		/* deeper: more in the item; at the dash's indent: another
		 * item, or (for an indented list) something else in the list */
		if (l->indent > item->indent ||
		    (l->indent == item->indent &&
		     item->indent > ls->v[found].indent &&
		     (l->len - l->indent < 2 ||
		      memcmp(l->start + l->indent, "- ", 2)))) {
			*why = "its " SYSCTL " sysctl item holds more than "
			       "`name` and `value`";
			return -1;
		}
		break;
	}
	parent = parent_of(ls, (size_t)found, ls->v[found].indent);
	grand = parent < 0 ? -1 :
		parent_of(ls, (size_t)parent, ls->v[parent].indent);
	if (parent < 0 || !is(&ls->v[parent], "securityContext:") ||
	    grand < 0 || !is(&ls->v[grand], "spec:") ||
	    ls->v[grand].indent != 0) {
		*why = "its sysctl is not in the pod securityContext "
		       "(spec.securityContext)";
		return -1;
	}
	return found;
}

/* Finds the istio-proxy container's `securityContext:` line, or -1. */
static long find_proxy_security_context(const struct lines *ls,
					const char **why)
{
	long proxy = -1;
	size_t i;

	for (i = 0; i < ls->n; i++)
		if (is(&ls->v[i], "- name: istio-proxy")) {
			if (proxy >= 0) {
				*why = "it has more than one istio-proxy "
				       "container";
				return -1;
			}
			proxy = (long)i;
		}
	if (proxy < 0) {
		*why = "it has no `- name: istio-proxy` container";
		return -1;
	}
	for (i = (size_t)proxy + 1; i < ls->n; i++) {
		const struct line *l = &ls->v[i];

		if (is_action_or_blank(l))
			continue;
		if (l->indent <= ls->v[proxy].indent)
			break;	/* the container ended */
		if (l->indent == ls->v[proxy].indent + 2 &&
		    is(l, "securityContext:")) {
			size_t j;
			bool first = true;

			for (j = i + 1; j < ls->n; j++) {
				if (is_action_or_blank(&ls->v[j]))
					continue;
				if (first && ls->v[j].indent == l->indent &&
				    ls->v[j].len > l->indent + 1 &&
				    ls->v[j].start[l->indent] == '-' &&
				    (ls->v[j].start[l->indent + 1] == ' ' ||
				     ls->v[j].len == l->indent + 1)) {
					/* "key:" then "- x" at its indent: a
					 * list (found by fuzz_template) */
					*why = "its istio-proxy securityContext "
					       "is not a block mapping indented "
					       "by two spaces";
					return -1;
				}
				if (ls->v[j].indent <= l->indent)
					break;
				if (first && (ls->v[j].indent != l->indent + 2 ||
					      !is_block_key(&ls->v[j]))) {
					*why = "its istio-proxy securityContext "
					       "is not a block mapping indented "
					       "by two spaces";
					return -1;
				}
				first = false;
				if (is(&ls->v[j], "capabilities:")) {
					*why = "the istio-proxy container "
					       "already sets capabilities";
					return -1;
				}
			}
			return (long)i;
		}
	}
	*why = "its istio-proxy container has no securityContext";
	return -1;
}

int gw_template_transform(const char *text, size_t len,
			  enum gw_scenario scenario, char **out,
			  const char **why)
{
	struct lines ls;
	struct gw_buf buf = { 0 };
	long sysctl = -1, proxy_sc = -1;
	size_t i;

	*out = NULL;
	*why = NULL;
	/* a carriage return alone is a YAML line break that the line-based
	 * transform would not see (found by fuzz_template) */
	for (i = 0; scenario != GW_SCENARIO_NONE && i < len; i++)
		if (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n')) {
			*why = "a carriage return that does not end a line "
			       "(CRLF) breaks a line that gwc does not see";
			return -1;
		}
	split_lines(text, len, &ls);
	if (scenario != GW_SCENARIO_NONE) {
		sysctl = find_sysctl(&ls, why);
		if (sysctl < 0)
			goto fail;
	}
	if (scenario == GW_SCENARIO_BIND) {
		proxy_sc = find_proxy_security_context(&ls, why);
		if (proxy_sc < 0)
			goto fail;
	}
	gw_buf_add(&buf, "", 0);
	for (i = 0; i < ls.n; i++) {
		const struct line *l = &ls.v[i];

		if ((long)i == sysctl && more_sysctls_follow(&ls, i)) {
			append_line(&buf, l);	/* keep the others */
			i += 2;
			continue;
		}
		if ((long)i == sysctl) {
			append_indented(&buf, l->indent, "sysctls: []",
					line_end(&ls.v[i + 2]));
			i += 2;
			continue;
		}
		append_line(&buf, l);
		if ((long)i == proxy_sc && !*line_end(l))
			gw_buf_puts(&buf, "\n");
		if ((long)i == proxy_sc) {
			const char *eol = insert_end(l);

			append_indented(&buf, l->indent + 2, "capabilities:",
					eol);
			append_indented(&buf, l->indent + 4, "add:", eol);
			append_indented(&buf, l->indent + 4,
					"- NET_BIND_SERVICE", eol);
		}
	}
	free(ls.v);
	*out = buf.data;
	return 0;
fail:
	free(ls.v);
	gw_buf_release(&buf);
	return -1;
}

/* ---- the overlay templates --------------------------------------------- */

/*
 * istiod renders every template that inject.istio.io/templates names, in
 * order, and strategic-merges each over the pod; `sysctls` has no merge
 * key, so the overlay's empty list replaces the gateway template's.  The
 * istio-proxy entry merges by name into the gateway template's container.
 * No template actions: the text is the same for every gateway and Istio
 * release.  Root also needs NET_BIND_SERVICE: uid 0 keeps only what the
 * bounding set holds, and the Deployment drops ALL.
 */
#define NO_SYSCTL \
	"spec:\n" \
	"  securityContext:\n" \
	"    sysctls: []\n"
#define PROXY_NET_BIND_SERVICE \
	"  containers:\n" \
	"  - name: istio-proxy\n" \
	"    securityContext:\n" \
	"      capabilities:\n" \
	"        add:\n" \
	"        - NET_BIND_SERVICE\n"

static const struct gw_overlay overlays[] = {
	[GW_PRIVILEGED_NONE] = { "gwc-legacy-kernel",
		"# gwc: on nodes older than Linux 4.11, after istiod's gateway\n"
		"# template: no net.ipv4.ip_unprivileged_port_start sysctl.\n"
		NO_SYSCTL },
	[GW_PRIVILEGED_ROOT] = { "gwc-legacy-kernel-root",
		"# gwc: on nodes older than Linux 4.11, after istiod's gateway\n"
		"# template: no net.ipv4.ip_unprivileged_port_start sysctl, and\n"
		"# the proxy runs as root with NET_BIND_SERVICE to bind ports\n"
		"# below 1024 (spec.nodes.privilegedPorts: root).\n"
		NO_SYSCTL PROXY_NET_BIND_SERVICE
		"      runAsUser: 0\n"
		"      runAsGroup: 0\n"
		"      runAsNonRoot: false\n" },
	[GW_PRIVILEGED_NET_BIND] = { "gwc-legacy-kernel-netbind",
		"# gwc: on nodes older than Linux 4.11, after istiod's gateway\n"
		"# template: no net.ipv4.ip_unprivileged_port_start sysctl, and\n"
		"# NET_BIND_SERVICE on the proxy (spec.nodes.privilegedPorts:\n"
		"# netBindService; it binds below 1024 only where the runtime\n"
		"# sets ambient capabilities).\n"
		NO_SYSCTL PROXY_NET_BIND_SERVICE },
};

const struct gw_overlay *gw_template_overlay(enum gw_privileged privileged)
{
	return &overlays[privileged];
}
