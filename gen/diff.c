/*
 * diff.c - unified diffs of two texts, for `gwc build --check`.
 *
 * Consumes the old and the new bytes of one file; produces the hunks of a
 * unified diff (3 lines of context) like `diff -u`, from a longest common
 * subsequence of lines.  Files larger than the table allows are shown as
 * one hunk that replaces every line.
 */
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

#define CONTEXT 3
#define TABLE_MAX (16u << 20)	/* cells of the LCS table */

struct text {
	const char **line;
	size_t *len;		/* with the line end */
	size_t n;
};

static void split(const char *data, size_t size, struct text *t)
{
	size_t i = 0, cap = 16;

	t->n = 0;
	t->line = malloc(cap * sizeof(*t->line));
	t->len = malloc(cap * sizeof(*t->len));
	if (!t->line || !t->len)
		gw_oom();
	while (i < size) {
		const char *nl = memchr(data + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - data) + 1 : size;

		if (t->n == cap) {
			cap *= 2;
			t->line = realloc(t->line, cap * sizeof(*t->line));
			t->len = realloc(t->len, cap * sizeof(*t->len));
			if (!t->line || !t->len)
				gw_oom();
		}
		t->line[t->n] = data + i;
		t->len[t->n++] = end - i;
		i = end;
	}
}

static bool same(const struct text *a, size_t i, const struct text *b,
		 size_t j)
{
	return a->len[i] == b->len[j] && !memcmp(a->line[i], b->line[j],
						 a->len[i]);
}

static void put_line(struct gw_buf *out, char tag, const char *s, size_t len)
{
	gw_buf_add(out, &tag, 1);
	gw_buf_add(out, s, len);
	if (!len || s[len - 1] != '\n')
		gw_buf_puts(out, "\n\\ No newline at end of file\n");
}

/* A hunk range as diff -u writes it: "start" alone for one line. */
static void put_range(struct gw_buf *out, size_t start, size_t count)
{
	if (count == 1)
		gw_buf_printf(out, "%zu", start);
	else
		gw_buf_printf(out, "%zu,%zu", start, count);
}

/* One edit script entry: ' ' kept, '-' removed, '+' added. */
struct edit {
	char tag;
	size_t a, b;	/* line indexes in the old and the new text */
};

static size_t edit_script(const struct text *a, const struct text *b,
			  struct edit *ed)
{
	size_t n = 0, i = 0, j = 0, w = b->n + 1;
	unsigned *lcs = NULL;

	if ((a->n + 1) * w <= TABLE_MAX)
		lcs = calloc((a->n + 1) * w, sizeof(*lcs));
	if (lcs) {
		for (i = a->n; i-- > 0;)
			for (j = b->n; j-- > 0;)
				lcs[i * w + j] = same(a, i, b, j) ?
					lcs[(i + 1) * w + j + 1] + 1 :
					lcs[(i + 1) * w + j] > lcs[i * w + j + 1] ?
					lcs[(i + 1) * w + j] : lcs[i * w + j + 1];
		i = j = 0;
		while (i < a->n && j < b->n) {
			if (same(a, i, b, j)) {
				ed[n++] = (struct edit){ ' ', i++, j++ };
			} else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
				ed[n++] = (struct edit){ '-', i++, j };
			} else {
				ed[n++] = (struct edit){ '+', i, j++ };
			}
		}
		free(lcs);
	}
	while (i < a->n)
		ed[n++] = (struct edit){ '-', i++, j };
	while (j < b->n)
		ed[n++] = (struct edit){ '+', i, j++ };
	return n;
}

void gw_diff_unified(struct gw_buf *out, const char *name_a,
		     const char *name_b, const char *a_data, size_t a_len,
		     const char *b_data, size_t b_len)
{
	struct text a, b;
	struct edit *ed;
	size_t n, k = 0;

	split(a_data, a_len, &a);
	split(b_data, b_len, &b);
	ed = malloc((a.n + b.n + 1) * sizeof(*ed));
	if (!ed)
		gw_oom();
	n = edit_script(&a, &b, ed);
	gw_buf_printf(out, "--- %s\n+++ %s\n", name_a, name_b);
	while (k < n) {
		size_t start, end, last, i, a_count = 0, b_count = 0;

		while (k < n && ed[k].tag == ' ')
			k++;
		if (k == n)
			break;
		/* a hunk: changes whose gaps are at most 2 * CONTEXT */
		start = k > CONTEXT ? k - CONTEXT : 0;
		while (start < k && ed[start].tag != ' ')
			start++;
		for (last = k, end = k; end < n; end++) {
			if (ed[end].tag != ' ')
				last = end;
			else if (end - last > 2 * CONTEXT)
				break;
		}
		end = last + CONTEXT + 1 < n ? last + CONTEXT + 1 : n;
		for (i = start; i < end; i++) {
			a_count += ed[i].tag != '+';
			b_count += ed[i].tag != '-';
		}
		gw_buf_puts(out, "@@ -");
		put_range(out, a_count ? ed[start].a + 1 : ed[start].a, a_count);
		gw_buf_puts(out, " +");
		put_range(out, b_count ? ed[start].b + 1 : ed[start].b, b_count);
		gw_buf_puts(out, " @@\n");
		for (i = start; i < end; i++) {
			if (ed[i].tag == '+')
				put_line(out, '+', b.line[ed[i].b], b.len[ed[i].b]);
			else
				put_line(out, ed[i].tag, a.line[ed[i].a],
					 a.len[ed[i].a]);
		}
		k = end;
	}
	free(ed);
	free(a.line);
	free(a.len);
	free(b.line);
	free(b.len);
}
