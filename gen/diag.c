/*
 * diag.c - diagnostics, gcc style: "file:line:col: error: message".
 *
 * Consumes messages from every stage; produces them on a stream sorted by
 * phase, file (in the order files were first mentioned), line and column,
 * keeping arrival order for equal positions.  Messages are lowercase, no
 * period.  A struct gw_diag is one job's: one thread adds to it at a time,
 * and jobs that run at once each fill their own, merged afterwards
 * (gw_diag_merge) in input order.  No state outside the struct.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

void gw_diag_init(struct gw_diag *diag, struct gw_arena *arena)
{
	memset(diag, 0, sizeof(*diag));
	diag->arena = arena;
}

void gw_diag_release(struct gw_diag *diag)
{
	free(diag->entries);
	free(diag->file_order);
	free(diag->file_slots);
	gw_strset_release(&diag->msgs);
	diag->entries = NULL;
	diag->file_order = NULL;
	diag->file_slots = NULL;
	diag->nslots = 0;
	diag->n = diag->cap = 0;
	diag->files = diag->files_cap = 0;
}

void gw_diag_phase(struct gw_diag *diag)
{
	diag->phase++;
}

static size_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

/* Enters file_order[@i] in the hash table (room assured). */
static void slot_in(struct gw_diag *diag, size_t i)
{
	size_t s = hash_name(diag->file_order[i]) & (diag->nslots - 1);

	while (diag->file_slots[s])
		s = (s + 1) & (diag->nslots - 1);
	diag->file_slots[s] = i + 1;
}

/* The rank of @file: the order in which files were first mentioned (a
 * run of 100,000 spec files with a note each must not compare each name
 * with every earlier one). */
static unsigned file_rank(struct gw_diag *diag, const char *file)
{
	size_t s, i;

	if (diag->nslots)
		for (s = hash_name(file) & (diag->nslots - 1);
		     diag->file_slots[s]; s = (s + 1) & (diag->nslots - 1))
			if (!strcmp(diag->file_order[diag->file_slots[s] - 1],
				    file))
				return (unsigned)(diag->file_slots[s] - 1);
	if (2 * (diag->files + 1) > diag->nslots) {
		free(diag->file_slots);
		diag->nslots = diag->nslots ? 2 * diag->nslots : 16;
		diag->file_slots = calloc(diag->nslots,
					  sizeof(*diag->file_slots));
		if (!diag->file_slots)
			gw_oom();
		for (i = 0; i < diag->files; i++)
			slot_in(diag, i);
	}
	diag->file_order = gw_grow(diag->file_order, diag->files + 1,
				   &diag->files_cap,
				   sizeof(*diag->file_order));
	diag->file_order[diag->files] = gw_arena_strdup(diag->arena, file);
	slot_in(diag, diag->files);
	return (unsigned)diag->files++;
}

/* Appends an entry whose message is already in diag->arena. */
static void add_entry(struct gw_diag *diag, enum gw_severity sev,
		      struct gw_mark mark, const char *msg)
{
	struct gw_diag_entry *e;

	diag->entries = gw_grow(diag->entries, diag->n + 1, &diag->cap,
				sizeof(*diag->entries));
	e = &diag->entries[diag->n];
	e->mark = mark;
	e->severity = sev;
	e->msg = msg;
	e->seq = (unsigned)diag->n++;
	e->phase = diag->phase;
	/* no file: before the first file's messages, as a whole-run one */
	e->file = mark.file ? file_rank(diag, mark.file) : 0;
	/* the name as the diag keeps it: the caller's may not live as long
	 * (a spec file's documents are freed one by one) */
	if (mark.file)
		e->mark.file = diag->file_order[e->file];
	if (sev == GW_SEV_ERROR || sev == GW_SEV_INTERNAL)
		diag->errors++;
	else if (sev == GW_SEV_WARNING)
		diag->warnings++;
}

void gw_diag_vadd(struct gw_diag *diag, enum gw_severity sev,
		  struct gw_mark mark, const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	char small[512], *msg = small;

	va_copy(aq, ap);
	n = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (n < 0)
		gw_oom();
	if ((size_t)n >= sizeof(small)) {
		msg = gw_malloc((size_t)n + 1);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
	}
	/* one copy per distinct text: 100,000 specs giving one note hold
	 * one message (the entries say where each was) */
	add_entry(diag, sev, mark, gw_strset_intern(&diag->msgs, diag->arena,
						    msg));
	if (msg != small)
		free(msg);
}

void gw_diag_add_kept(struct gw_diag *diag, enum gw_severity sev,
		      struct gw_mark mark, const char *msg)
{
	add_entry(diag, sev, mark, msg);
}

void gw_diag_add(struct gw_diag *diag, enum gw_severity sev,
		 struct gw_mark mark, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gw_diag_vadd(diag, sev, mark, fmt, ap);
	va_end(ap);
}

void gw_diag_merge(struct gw_diag *into, const struct gw_diag *from)
{
	unsigned base = into->phase;
	size_t i;

	for (i = 0; i < from->n; i++) {
		const struct gw_diag_entry *e = &from->entries[i];
		struct gw_mark mark = e->mark;

		if (mark.file)
			mark.file = gw_arena_strdup(into->arena, mark.file);
		into->phase = base + e->phase;
		add_entry(into, e->severity, mark,
			  gw_strset_intern(&into->msgs, into->arena, e->msg));
	}
	into->phase = base + from->phase;
}

/*
 * Unicode's format characters (category Cf, Unicode 15): invisible, some
 * reorder the text around them (bidi controls), so a name holding one
 * looks like another name.  Messages show them escaped.
 */
static bool is_format(uint32_t cp)
{
	static const uint32_t ranges[][2] = {
		{ 0x00AD, 0x00AD }, { 0x0600, 0x0605 }, { 0x061C, 0x061C },
		{ 0x06DD, 0x06DD }, { 0x070F, 0x070F }, { 0x0890, 0x0891 },
		{ 0x08E2, 0x08E2 }, { 0x180E, 0x180E }, { 0x200B, 0x200F },
		{ 0x202A, 0x202E }, { 0x2060, 0x2064 }, { 0x2066, 0x206F },
		{ 0xFEFF, 0xFEFF }, { 0xFFF9, 0xFFFB }, { 0x110BD, 0x110BD },
		{ 0x110CD, 0x110CD }, { 0x13430, 0x1343F },
		{ 0x1BCA0, 0x1BCA3 }, { 0x1D173, 0x1D17A },
		{ 0xE0001, 0xE0001 }, { 0xE0020, 0xE007F },
	};
	size_t i;

	for (i = 0; i < sizeof(ranges) / sizeof(*ranges); i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return true;
	return false;
}

/* The length of the character at @p (@left bytes) when a message must
 * show it escaped as \uXXXX (its code point in *@cp), else 0: C1
 * controls, the line and paragraph separators, format characters and
 * the noncharacters U+FFFE and U+FFFF (readers refuse them raw). */
static size_t escaped_char(const unsigned char *p, size_t left, uint32_t *cp)
{
	size_t n;

	if (p[0] < 0x80)
		return 0;
	n = gw_utf8_decode(p, left, cp);
	if (!n)
		return 0;
	if ((*cp >= 0x80 && *cp <= 0x9f) || *cp == 0x2028 || *cp == 0x2029 ||
	    *cp == 0xfffe || *cp == 0xffff || is_format(*cp))
		return n;
	return 0;
}

void gw_diag_quote(struct gw_buf *buf, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n;
	uint32_t cp;

	gw_buf_add(buf, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned c = p[i];

		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };

			gw_buf_add(buf, esc, 2);
		} else if (c == '\n') {
			gw_buf_add(buf, "\\n", 2);
		} else if (c == '\t') {
			gw_buf_add(buf, "\\t", 2);
		} else if (c == '\r') {
			gw_buf_add(buf, "\\r", 2);
		} else if (c < 0x20 || c == 0x7f) {
			gw_buf_printf(buf, "\\x%02X", c);
		} else if ((n = escaped_char(p + i, len - i, &cp))) {
			if (cp > 0xffff)
				gw_buf_printf(buf, "\\U%08X", (unsigned)cp);
			else
				gw_buf_printf(buf, "\\u%04X", (unsigned)cp);
			i += n - 1;
		} else {
			gw_buf_add(buf, p + i, 1);
		}
	}
	gw_buf_add(buf, "\"", 1);
}

const char *gw_diag_show(struct gw_arena *arena, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct gw_buf buf = { 0 };
	const char *shown;
	uint32_t cp;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (c < 0x20 || c == 0x7f || c == '\'' || c == '"' ||
		    c == '\\' || escaped_char(p + i, len - i, &cp))
			break;
	}
	if (i == len && len) {
		gw_buf_puts(&buf, "'");
		gw_buf_add(&buf, s, len);
		gw_buf_puts(&buf, "'");
	} else {
		gw_diag_quote(&buf, s, len);
	}
	shown = gw_arena_strndup(arena, buf.data, buf.len);
	gw_buf_release(&buf);
	return shown;
}

/* Phase, then file of first mention, line, column, arrival.  The keys
 * are in the entries, so the sort needs no state beside them. */
static int compare_entries(const void *pa, const void *pb)
{
	const struct gw_diag_entry *a = pa, *b = pb;

	if (a->phase != b->phase)
		return a->phase < b->phase ? -1 : 1;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->mark.line != b->mark.line)
		return a->mark.line < b->mark.line ? -1 : 1;
	if (a->mark.col != b->mark.col)
		return a->mark.col < b->mark.col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static const char *const severity_names[] = {
	[GW_SEV_ERROR] = "error",
	[GW_SEV_WARNING] = "warning",
	[GW_SEV_NOTE] = "note",
	[GW_SEV_INTERNAL] = "internal error",
};

/*
 * True when the sorted entry @i says what an earlier one at the same
 * place said: a file that several specs read (their Istio resource) is
 * checked for each of them, and its faults are printed once.
 */
static bool said_before(const struct gw_diag_entry *e, size_t i)
{
	size_t j;

	for (j = i; j-- > 0;) {
		if (e[j].phase != e[i].phase || e[j].file != e[i].file ||
		    e[j].mark.line != e[i].mark.line ||
		    e[j].mark.col != e[i].mark.col)
			return false;
		if (e[j].severity == e[i].severity &&
		    !strcmp(e[j].msg, e[i].msg))
			return true;
	}
	return false;
}

/* FNV-1a of a severity and a message, for repeats(). */
static size_t hash_message(const struct gw_diag_entry *e)
{
	size_t h = 14695981039346656037u ^ (size_t)e->severity;
	const unsigned char *p;

	for (p = (const unsigned char *)e->msg; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	return h;
}

/*
 * For each sorted entry, how many later warnings or notes say the same
 * words elsewhere (other specs, the same cause: 1000 specs with the
 * seed's autoscaling defaults get one warning, not 1000), or -1 for such
 * a later one, which is not printed; errors are always printed where
 * they are.  malloc'ed, NULL when nothing repeats (or out of memory).
 */
static long *repeats(const struct gw_diag *diag)
{
	size_t cap = 16, i, j;
	size_t *slots;
	long *count;

	while (cap < 2 * diag->n)
		cap *= 2;
	slots = malloc(cap * sizeof(*slots));
	count = calloc(diag->n + 1, sizeof(*count));
	if (!slots || !count) {
		free(slots);
		free(count);
		return NULL;
	}
	for (j = 0; j < cap; j++)
		slots[j] = SIZE_MAX;
	for (i = 0; i < diag->n; i++) {
		const struct gw_diag_entry *e = &diag->entries[i];

		if (e->severity != GW_SEV_WARNING && e->severity != GW_SEV_NOTE)
			continue;
		for (j = hash_message(e) & (cap - 1); slots[j] != SIZE_MAX;
		     j = (j + 1) & (cap - 1)) {
			const struct gw_diag_entry *f = &diag->entries[slots[j]];

			if (f->severity == e->severity && !strcmp(f->msg, e->msg))
				break;
		}
		if (slots[j] == SIZE_MAX) {
			slots[j] = i;
		} else if (!said_before(diag->entries, i)) {
			count[slots[j]]++;
			count[i] = -1;
		}
	}
	free(slots);
	return count;
}

int gw_diag_print(struct gw_diag *diag, void *stream)
{
	FILE *fp = stream;
	long *count;
	size_t i;

	if (diag->n > 1)
		qsort(diag->entries, diag->n, sizeof(*diag->entries),
		      compare_entries);
	count = repeats(diag);
	for (i = 0; i < diag->n; i++) {
		const struct gw_diag_entry *e = &diag->entries[i];
		const char *sev = severity_names[e->severity];
		long more = count ? count[i] : 0;

		if (said_before(diag->entries, i) || more < 0)
			continue;
		if (!e->mark.file)
			fprintf(fp, "gwc: %s: %s", sev, e->msg);
		else if (e->mark.line <= 0)
			fprintf(fp, "%s: %s: %s", e->mark.file, sev, e->msg);
		else if (e->mark.col <= 0)	/* a line, no column known */
			fprintf(fp, "%s:%d: %s: %s", e->mark.file,
				e->mark.line, sev, e->msg);
		else
			fprintf(fp, "%s:%d:%d: %s: %s", e->mark.file,
				e->mark.line, e->mark.col, sev, e->msg);
		if (more)
			fprintf(fp, " [and %ld more like it]", more);
		fputc('\n', fp);
	}
	free(count);
	return fflush(fp) || ferror(fp) ? -1 : 0;
}
