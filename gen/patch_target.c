/*
 * patch_target.c - spec.patches: what a target selects by: its group,
 * version, kind, name and namespace as anchored regular expressions
 * (kustomize's types.SelectorRegex; the syntax RE2 and POSIX read
 * alike), and label and annotation selectors in Kubernetes' syntax
 * (labels.Parse).  gen/patch.c matches objects with them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "patch.h"

/* Kubernetes' IsDNS1123Subdomain, for a key's prefix. */
static bool dns_subdomain(const char *s, size_t len)
{
	size_t i;
	bool label_start = true;

	if (!len || len > 253)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (label_start && !alnum)
			return false;
		if (c == '.') {
			if (s[i - 1] == '-')
				return false;
			label_start = true;
			continue;
		}
		if (!alnum && c != '-')
			return false;
		label_start = false;
	}
	return s[len - 1] != '-' && s[len - 1] != '.';
}

/* A label value, or the name part of a key (@empty false). */
static bool label_name(const char *s, size_t len, bool empty)
{
	return len ? gw_label_value(s, len) : empty;
}

static bool label_key(const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);

	if (!slash)
		return label_name(s, len, false);
	return dns_subdomain(s, (size_t)(slash - s)) &&
	       label_name(slash + 1, len - (size_t)(slash - s) - 1, false);
}

/* A token of the selector syntax: an identifier, or one of ! != = == ( )
 * , > < (kind is its first character); kind 0 at the end. */
struct sel_token {
	char kind;		/* 'a': identifier */
	const char *s;
	size_t len, col;
};

static bool sel_special(char c)
{
	return strchr("=!(),<>", c) != NULL;
}

static bool sel_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static struct sel_token sel_next(const char *s, size_t len, size_t *i)
{
	struct sel_token t = { 0, s + len, 0, 0 };

	while (*i < len && sel_space(s[*i]))
		(*i)++;
	t.col = *i + 1;
	if (*i >= len)
		return t;
	t.s = s + *i;
	if (sel_special(s[*i])) {
		t.kind = s[*i];
		t.len = 1;
		if ((s[*i] == '!' || s[*i] == '=') && *i + 1 < len &&
		    s[*i + 1] == '=')
			t.len = 2;
	} else {
		t.kind = 'a';
		while (*i + t.len < len && !sel_space(s[*i + t.len]) &&
		       !sel_special(s[*i + t.len]))
			t.len++;
	}
	*i += t.len;
	return t;
}

static bool tok_is(const struct sel_token *t, const char *word)
{
	return t->kind == 'a' && t->len == strlen(word) &&
	       !memcmp(t->s, word, t->len);
}

static const char *tok_show(struct patcher *p, const struct sel_token *t)
{
	return t->kind ? gw_diag_show(p->arena, t->s, t->len) : "the end";
}

static struct gw_node *str_node(struct patcher *p, const char *s, size_t len)
{
	struct gw_node *n = gw_node_new(p->arena, GW_STR);

	n->u.str.s = gw_arena_strndup(p->arena, s, len);
	n->u.str.len = len;
	return n;
}

/* Checks a value of a requirement; -1 after an error. */
static int sel_value(struct patcher *p, const struct gw_node *at,
		     const struct sel_token *t)
{
	if (!label_name(t->s, t->len, true)) {
		fail(p, at->mark, "column %zu: %s is not a label value (at "
		     "most 63 letters, digits, '-', '_' and '.', starting "
		     "and ending with a letter or digit)", t->col,
		     tok_show(p, t));
		return -1;
	}
	return 0;
}

/*
 * Parses the selector @at (a string) as Kubernetes' labels.Parse does:
 * requirements separated by ',', each "key", "!key", "key=v", "key==v",
 * "key!=v", "key in (v,...)", "key notin (v,...)", "key>N", "key<N".
 */
int gw_patch_parse_selector(struct patcher *p, const struct gw_node *at,
			  struct selector *sel)
{
	const char *s = at->u.str.s;
	size_t len = at->u.str.len, i = 0, cap = 0;
	struct sel_token t;

	sel->given = true;
	t = sel_next(s, len, &i);
	while (t.kind) {
		struct requirement r = { 0 };
		size_t vcap = 0;
		bool negated = t.kind == '!' && t.len == 1;

		if (negated)
			t = sel_next(s, len, &i);
		if (t.kind != 'a' || !label_key(t.s, t.len)) {
			fail(p, at->mark, "column %zu: %s, where a label key "
			     "belongs ([prefix/]name)", t.col, tok_show(p, &t));
			return -1;
		}
		r.key = str_node(p, t.s, t.len);
		t = sel_next(s, len, &i);
		if (negated || !t.kind || t.kind == ',') {
			r.op = negated ? SEL_NOT_EXISTS : SEL_EXISTS;
		} else if (tok_is(&t, "in") || tok_is(&t, "notin")) {
			r.op = tok_is(&t, "in") ? SEL_IN : SEL_NOT_IN;
			t = sel_next(s, len, &i);
			if (t.kind != '(') {
				fail(p, at->mark, "column %zu: %s, where '(' "
				     "belongs", t.col, tok_show(p, &t));
				return -1;
			}
			for (;;) {
				t = sel_next(s, len, &i);
				if (t.kind == ')' && !r.n)
					break;
				if (t.kind != 'a' || sel_value(p, at, &t)) {
					if (t.kind != 'a')
						fail(p, at->mark, "column %zu: "
						     "%s, where a value belongs",
						     t.col, tok_show(p, &t));
					return -1;
				}
				r.values = gw_arena_grow(p->arena, r.values,
							 r.n, &vcap,
							 sizeof(*r.values));
				r.values[r.n++] = str_node(p, t.s, t.len);
				t = sel_next(s, len, &i);
				if (t.kind == ')')
					break;
				if (t.kind != ',') {
					fail(p, at->mark, "column %zu: %s, "
					     "where ',' or ')' belongs", t.col,
					     tok_show(p, &t));
					return -1;
				}
			}
			t = sel_next(s, len, &i);
		} else if (t.kind == '=' || (t.kind == '!' && t.len == 2) ||
			   t.kind == '>' || t.kind == '<') {
			char op = t.kind;

			r.op = op == '=' ? SEL_EQUALS : op == '!' ?
			       SEL_NOT_EQUALS : op == '>' ? SEL_GREATER :
			       SEL_LESS;
			t = sel_next(s, len, &i);
			if (op == '>' || op == '<') {
				char *end, *num;

				num = t.kind == 'a' ? gw_arena_strndup(p->arena,
					t.s, t.len) : NULL;
				if (num)
					r.number = strtoll(num, &end, 10);
				if (!num || *end || !t.len ||
				    !label_name(t.s, t.len, false)) {
					fail(p, at->mark, "column %zu: %s, "
					     "where an integer belongs", t.col,
					     tok_show(p, &t));
					return -1;
				}
				t = sel_next(s, len, &i);
			} else {
				struct sel_token v = t;

				if (t.kind == 'a') {
					if (sel_value(p, at, &t))
						return -1;
					t = sel_next(s, len, &i);
				} else if (t.kind && t.kind != ',') {
					fail(p, at->mark, "column %zu: %s, "
					     "where a value belongs", t.col,
					     tok_show(p, &t));
					return -1;
				} else {
					v.len = 0;	/* "k=": the empty value */
				}
				r.values = gw_arena_alloc(p->arena,
							  sizeof(*r.values));
				r.values[0] = str_node(p, v.s, v.len);
				r.n = 1;
			}
		} else {
			fail(p, at->mark, "column %zu: %s, where an operator "
			     "belongs (=, ==, !=, in, notin, >, <, or ',' "
			     "after a key alone)", t.col, tok_show(p, &t));
			return -1;
		}
		sel->r = gw_arena_grow(p->arena, sel->r, sel->n, &cap,
				       sizeof(*sel->r));
		sel->r[sel->n++] = r;
		if (t.kind == ',') {
			t = sel_next(s, len, &i);
			if (t.kind != 'a' && t.kind != '!') {
				fail(p, at->mark, "column %zu: %s, where a "
				     "requirement belongs after ','", t.col,
				     tok_show(p, &t));
				return -1;
			}
		} else if (t.kind) {
			fail(p, at->mark, "column %zu: %s, where ',' or the "
			     "end belongs", t.col, tok_show(p, &t));
			return -1;
		}
	}
	return 0;
}

/* True when @map (labels or annotations; NULL: none) meets @sel. */
bool gw_patch_selector_matches(struct patcher *p, const struct selector *sel,
			     const struct gw_node *map)
{
	struct gw_index ix = { 0 };
	size_t i, j, at;
	bool ok = true;

	if (!sel->given)
		return true;
	if (map && map->kind == GW_MAP) {
		spend(p, map->u.map.n);
		gw_index_map(&ix, map);
	}
	for (i = 0; ok && i < sel->n; i++) {
		const struct requirement *r = &sel->r[i];
		const struct gw_node *have = NULL;
		bool in = false;

		if (ix.n && gw_index_find(&ix, r->key, &at))
			have = map->u.map.pairs[at].value;
		for (j = 0; have && j < r->n; j++)
			in = in || gw_node_equal(have, r->values[j]);
		switch (r->op) {
		case SEL_IN:
		case SEL_EQUALS:
			ok = have && in;
			break;
		case SEL_NOT_IN:
		case SEL_NOT_EQUALS:
			ok = !have || !in;
			break;
		case SEL_EXISTS:
			ok = have != NULL;
			break;
		case SEL_NOT_EXISTS:
			ok = have == NULL;
			break;
		case SEL_GREATER:
		case SEL_LESS: {
			char *end = NULL;
			long long v = 0;

			ok = have && have->kind == GW_STR;
			if (ok)
				v = strtoll(have->u.str.s, &end, 10);
			ok = ok && have->u.str.len && !*end;
			ok = ok && (r->op == SEL_GREATER ? v > r->number :
				    v < r->number);
			break;
		}
		}
	}
	gw_index_release(&ix);
	return ok;
}

/*
 * Compiles the target pattern @n as kustomize anchors it ("^(?:P)$", Go's
 * RE2), in POSIX extended syntax, which reads alike what this accepts:
 * escapes of punctuation only, no (? groups, no backslash in brackets,
 * counted repeats that multiply to at most REPEAT_MAX (so that neither
 * library's compiled form grows large).
 */
int gw_patch_compile_pattern(struct patcher *p, const struct gw_node *n,
			   regex_t *re)
{
	const char *s = n->u.str.s, *why = NULL;
	size_t len = n->u.str.len, i, product = 1;
	char *anchored, msg[128];
	int rc;

	if (len > PATTERN_MAX)
		why = "longer than 1024 characters";
	else if (strlen(s) != len)
		why = "holds a NUL";
	for (i = 0; !why && i < len; i++) {
		char c = s[i];

		if (c == '\\') {
			char e = i + 1 < len ? s[i + 1] : '\0';

			if (!e || (e >= '0' && e <= '9') ||
			    (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z'))
				why = "has an escape other than of punctuation "
				      "(\\d, \\w, \\1 and the like read "
				      "differently in RE2 and POSIX)";
			i++;
		} else if (c == '(' && i + 1 < len && s[i + 1] == '?') {
			why = "has a (? group or flag, which POSIX lacks";
		} else if (c == '[') {
			for (i++; i < len && (s[i] == '^' || s[i] == ']'); i++)
				;
			for (; i < len && s[i] != ']'; i++) {
				if (s[i] == '\\')
					why = "has a backslash in brackets (RE2 "
					      "reads an escape, POSIX a "
					      "backslash)";
				/* a class, [:alpha:], may hold a ']' */
				if (s[i] == '[' && i + 1 < len &&
				    s[i + 1] == ':')
					for (i += 2; i + 1 < len &&
					     !(s[i] == ':' && s[i + 1] == ']');
					     i++)
						;
			}
		} else if (c == '{') {
			size_t count = 0, most = 0;

			if (i + 1 < len && s[i + 1] == ',')
				why = "has {,n}, which RE2 reads as text";
			for (i++; !why && i < len && s[i] != '}'; i++)
				if (s[i] >= '0' && s[i] <= '9') {
					count = count * 10 + (size_t)(s[i] - '0');
					if (count > REPEAT_MAX)
						count = REPEAT_MAX + 1;
					most = count > most ? count : most;
				} else {
					count = 0;
				}
			product *= most ? most : 1;
			if (product > REPEAT_MAX)
				why = "repeats more than 1000 times in all";
		}
	}
	if (why) {
		fail(p, n->mark, "%s as a regular expression %s", show(p, n),
		     why);
		return -1;
	}
	anchored = gw_arena_printf(p->arena, "^(%s)$", s);
	rc = regcomp(re, anchored, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		regerror(rc, re, msg, sizeof(msg));
		fail(p, n->mark, "%s is not a regular expression: %s",
		     show(p, n), msg);
		return -1;
	}
	return 0;
}

