/*
 * load.c - the first stage: spec bytes -> data trees with line:col marks.
 *
 * Consumes a file (regular files only: a spec file of any size, read
 * whole up to GW_STREAM_MIN bytes and as it is parsed past that; each YAML
 * document of at most GW_DOC_MAX, a file a spec names of at most
 * GW_FILE_MAX, standard input of at most GW_INPUT_MAX) and
 * produces one tree per YAML document.  The bytes pass a gate before the
 * parser sees them: strict UTF-8 (a leading BOM allowed), no NUL, no C0
 * control but TAB, LF and CR, no DEL, C1, U+2028, U+2029 or stray U+FEFF,
 * no `%` directives.  Parsing uses libyaml's event parser (linear, with a
 * mark on every event) behind our own checks: anchors, aliases, tags,
 * non-string and complex keys are rejected where they appear, duplicate
 * keys are found in linear time, nesting is capped at GW_DEPTH_MAX.
 *
 * libyaml reads the specs and (gen/emit.c) writes the output; libfyaml,
 * which gwc does not use, is the independent reader of the output in the
 * tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "gwc.h"

struct loader {
	struct gw_arena *arena;
	struct gw_diag *diag;
	const char *name;
	const char *data;	/* the input, for messages: bytes base.. */
	size_t len;
	size_t base;		/* a stream's: offset of data[0] in the input */
	size_t base_line;	/* ...and its line (0-based) */
	yaml_parser_t parser;
	yaml_event_t event;
	bool have_event;
	unsigned errors;
	int depth_max;		/* GW_DEPTH_MAX, or more for gwc's output */
	bool own;		/* gwc's output: big integers are floats */
	size_t doc_start;	/* byte offset of the current document */
	yaml_mark_t doc_mark;	/* ...and its position */
	bool input_failed;	/* a stream's reading failed, and said why */
};

static struct gw_mark mark_of(const struct loader *ld, yaml_mark_t m)
{
	return (struct gw_mark){ ld->name, (int)m.line + 1, (int)m.column + 1 };
}

static void error_at(struct loader *ld, struct gw_mark mark,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void error_at(struct loader *ld, struct gw_mark mark,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (ld->diag)	/* none: a check whose failure says something else */
		gw_diag_vadd(ld->diag, GW_SEV_ERROR, mark, fmt, ap);
	va_end(ap);
	ld->errors++;
}

/* ---- the gate ---------------------------------------------------------- */

/*
 * Why character @cp may not be in a spec, or NULL when it may.  NUL, C0
 * controls but TAB, LF and CR, DEL and C1 break kubectl or kustomize even
 * when escaped; readers disagree on U+2028, U+2029 and U+FEFF; PyYAML and
 * go-yaml refuse the noncharacters U+FFFE and U+FFFF.
 */
static const char *forbidden(uint32_t cp)
{
	if (cp == 0)
		return "NUL character";
	if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
	    (cp >= 0x7f && cp <= 0x9f))
		return "control character";
	if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff)
		return "character";	/* readers disagree on it */
	if (cp == 0xfffe || cp == 0xffff)
		return "noncharacter";
	return NULL;
}

/*
 * Checks the encoding and the characters of @data, whole lines from line
 * *@at_line (1-based; the line after them on return); reports the first
 * offence at its line:col (columns count characters) and returns -1.
 */
static int gate_lines(struct loader *ld, const char *data, size_t len,
		      int *at_line)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t i = 0;
	int line = *at_line, col = 1;
	bool line_start = true;

	while (i < len) {
		struct gw_mark here = { ld->name, line, col };
		uint32_t cp;
		size_t n;

		if (s[i] >= 0x20 && s[i] < 0x7f && (s[i] != '%' || !line_start)) {
			line_start = false;	/* printable ASCII: the most */
			col++;
			i++;
			continue;
		}
		n = gw_utf8_decode(s + i, len - i, &cp);

		if (!n) {
			error_at(ld, here, "invalid UTF-8 (byte 0x%02X)", s[i]);
			return -1;
		}
		if (cp == '\n' || (cp == '\r' && (i + 1 == len || s[i + 1] != '\n'))) {
			line++, col = 1, line_start = true;	/* LF, CRLF or CR */
			i += n;
			continue;
		}
		if (cp == 0) {
			error_at(ld, here, "NUL character in input");
			return -1;
		}
		if (forbidden(cp) && cp != 0x2028 && cp != 0x2029 &&
		    cp != 0xfeff) {
			error_at(ld, here, "%s U+%04X in input", forbidden(cp),
				 (unsigned)cp);
			return -1;
		}
		if (forbidden(cp)) {
			error_at(ld, here, "character U+%04X in input "
				 "(readers disagree on it)", (unsigned)cp);
			return -1;
		}
		if (line_start && cp == '%') {
			error_at(ld, here, "YAML directives are not supported");
			return -1;
		}
		if (cp != '\r')
			line_start = false;
		col++;
		i += n;
	}
	*at_line = line;
	return 0;
}

/* The gate over a whole input (a leading BOM allowed). */
static int gate_bytes(struct loader *ld, const char *data, size_t len)
{
	int line = 1;

	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		data += 3, len -= 3;
	return gate_lines(ld, data, len, &line);
}

/* ---- the parser -------------------------------------------------------- */

/* The character at a 0-based line and column of the input, or -1. */
static int char_at(const struct loader *ld, yaml_mark_t m)
{
	size_t i = 0, line = ld->base_line, col = 0;

	if (m.line < line)
		return -1;	/* a stream dropped it */
	while (i < ld->len && line < m.line)
		if (ld->data[i++] == '\n')
			line++;
	while (i < ld->len && col < m.column && ld->data[i] != '\n')
		if (++i < ld->len && ((unsigned char)ld->data[i] & 0xc0) != 0x80)
			col++;
	return i < ld->len ? (unsigned char)ld->data[i] : -1;
}

/* The characters, on its line, of the plain key that ends before @m
 * (back to an indentation, '{', '[' or ','). */
static size_t key_before(const struct loader *ld, yaml_mark_t m)
{
	size_t i = 0, line = ld->base_line, start, end, n = 0;

	if (m.line < line)
		return 0;
	while (i < ld->len && line < m.line)
		if (ld->data[i++] == '\n')
			line++;
	start = i;
	while (i < ld->len && ld->data[i] != '\n' && n < m.column)
		if (++i < ld->len && ((unsigned char)ld->data[i] & 0xc0) != 0x80)
			n++;
	end = i;
	for (n = 0; end > start; end--) {
		char c = ld->data[end - 1];

		if (c == '{' || c == '[' || c == ',' ||
		    (c == ' ' && (end - 1 == start || ld->data[end - 2] == ' ')))
			break;
		n += ((unsigned char)c & 0xc0) != 0x80;
	}
	return n;
}

static void report_parse_error(struct loader *ld)
{
	const yaml_parser_t *p = &ld->parser;
	struct gw_mark m = mark_of(ld, p->problem_mark);
	const char *problem = p->problem ? p->problem : "malformed YAML";

	if (p->error == YAML_MEMORY_ERROR)
		gw_oom();
	if (p->error == YAML_READER_ERROR && ld->input_failed)
		return;		/* the stream said why */
	if (char_at(ld, p->problem_mark) == ':' &&
	    key_before(ld, p->problem_mark) > 1024)
		error_at(ld, m, "a key longer than 1024 characters: YAML reads "
			 "a key of one line up to 1024 (write '? ' before "
			 "a longer one, or shorten it)");
	else if (!strcmp(problem, "found character that cannot start any "
			 "token") && char_at(ld, p->problem_mark) == '\t')
		error_at(ld, m, "found a tab character that cannot start any "
			 "token (YAML indents with spaces, not tabs)");
	else if (p->context && (p->context_mark.line != p->problem_mark.line ||
				p->context_mark.column != p->problem_mark.column))
		error_at(ld, m, "%s %s that starts at line %d, column %d",
			 problem, p->context, (int)p->context_mark.line + 1,
			 (int)p->context_mark.column + 1);
	else if (p->context)
		error_at(ld, m, "%s %s", problem, p->context);
	else
		error_at(ld, m, "%s", problem);
}

static int next_event(struct loader *ld)
{
	if (ld->have_event)
		yaml_event_delete(&ld->event);
	ld->have_event = false;
	if (!yaml_parser_parse(&ld->parser, &ld->event)) {
		report_parse_error(ld);
		return -1;
	}
	ld->have_event = true;
	return 0;
}

static bool is_canonical_int(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		return s[1] == '\0';
	if (*s < '1' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	return *s == '\0';
}

static bool is_json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* Types a plain scalar by the JSON rules; anything else is a string. */
static void type_plain(struct gw_node *n, const char *s, size_t len)
{
	if (len == 0 || !strcmp(s, "~") || !strcmp(s, "null")) {
		n->kind = GW_NULL;
	} else if (!strcmp(s, "true") || !strcmp(s, "false")) {
		n->kind = GW_BOOL;
		n->u.b = s[0] == 't';
	} else if (is_canonical_int(s)) {
		errno = 0;
		n->u.i = strtoll(s, NULL, 10);
		n->kind = GW_INT;
		if (errno == ERANGE) {	/* reported, but in gwc's output */
			n->kind = GW_NUM;
			n->u.num = strtod(s, NULL);
		}
	} else if (is_json_number(s)) {
		n->kind = GW_NUM;	/* out of range: reported */
		n->u.num = strtod(s, NULL);
	}
}

/* True when the number @s, a JSON number, reads as 0 or infinity though
 * it is neither: 1e400, 1e-400 (JSON and YAML readers disagree on them,
 * and Go's reads the first as an error). */
static bool out_of_range(const char *s, double num)
{
	if (!isfinite(num))
		return true;
	if (num != 0)
		return false;
	for (; *s && *s != 'e' && *s != 'E'; s++)
		if (*s >= '1' && *s <= '9')
			return true;
	return false;
}

static int reject_properties(struct loader *ld, const yaml_char_t *anchor,
			     const yaml_char_t *tag)
{
	struct gw_mark m = mark_of(ld, ld->event.start_mark);

	if (anchor) {
		error_at(ld, m, "anchors are not supported (&%s)",
			 (const char *)anchor);
		return -1;
	}
	if (tag) {
		const char *t = (const char *)tag;
		const char *core = "tag:yaml.org,2002:";

		if (!strncmp(t, core, strlen(core)))
			error_at(ld, m, "tags are not supported (!!%s)",
				 t + strlen(core));
		else
			error_at(ld, m, "tags are not supported (%s)", t);
		return -1;
	}
	return 0;
}

/* An open-addressing set of the keys of one mapping, for duplicates. */
struct keyset {
	struct gw_node **slots;
	size_t cap, n;
};

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603u;

	while (len--)
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	return h;
}

/* Adds @key; returns the earlier equal key if there is one. */
static struct gw_node *keyset_add(struct keyset *set, struct gw_node *key)
{
	size_t i;

	if (set->n * 2 >= set->cap) {
		struct keyset bigger = { NULL, set->cap ? set->cap * 2 : 16, 0 };

		bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
		if (!bigger.slots)
			gw_oom();
		for (i = 0; i < set->cap; i++)
			if (set->slots[i])
				keyset_add(&bigger, set->slots[i]);
		free(set->slots);
		*set = bigger;
	}
	i = hash_bytes(key->u.str.s, key->u.str.len) & (set->cap - 1);
	while (set->slots[i]) {
		struct gw_node *k = set->slots[i];

		if (k->u.str.len == key->u.str.len &&
		    !memcmp(k->u.str.s, key->u.str.s, k->u.str.len))
			return k;
		i = (i + 1) & (set->cap - 1);
	}
	set->slots[i] = key;
	set->n++;
	return NULL;
}

static struct gw_node *parse_node(struct loader *ld, int depth);

/* The same rules for a scalar's value, where escapes could hide them. */
static int check_value(struct loader *ld, struct gw_mark at, const char *s,
		       size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = gw_utf8_decode((const unsigned char *)s + i, len - i,
				       &cp);

		if (!n)
			cp = (unsigned char)s[i], n = 1;
		if (forbidden(cp)) {
			bool disputed = !strcmp(forbidden(cp), "character");

			error_at(ld, at, "%s U+%04X in a value (written as an "
				 "escape%s)", forbidden(cp), (unsigned)cp,
				 disputed ? "; readers disagree on it" : "");
			return -1;
		}
		i += n;
	}
	return 0;
}

/*
 * The column (1-based) where the text of the literal block scalar whose
 * '|' is at byte @at starts: the indentation of its first line that is
 * not blank.  0 when an indentation indicator ('|2') sets it, or it has
 * no such line before @end.  So a position in the text (a patch given as
 * a string) maps back to the file.
 */
static int block_column(const struct loader *ld, size_t at, size_t end)
{
	size_t i = at + 1 - ld->base, spaces;	/* to the bytes held */

	end -= ld->base;

	for (; i < end && ld->data[i] != '\n'; i++)
		if (ld->data[i] >= '1' && ld->data[i] <= '9')
			return 0;
		else if (ld->data[i] == '#')
			break;
	while (i < end && ld->data[i] != '\n')
		i++;
	while (i < end) {
		i++;	/* past the line break */
		for (spaces = 0; i < end && ld->data[i] == ' '; i++)
			spaces++;
		if (i < end && ld->data[i] != '\n' && ld->data[i] != '\r')
			return spaces < 0x7fff ? (int)spaces + 1 : 0;
		while (i < end && ld->data[i] != '\n')
			i++;
	}
	return 0;
}

static struct gw_node *parse_scalar(struct loader *ld)
{
	const yaml_event_t *ev = &ld->event;
	struct gw_node *n = gw_node_new(ld->arena, GW_STR);
	const char *s;
	size_t len = ev->data.scalar.length;

	n->mark = mark_of(ld, ev->start_mark);
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
	    check_value(ld, n->mark, (const char *)ev->data.scalar.value, len))
		return NULL;
	s = gw_arena_strndup(ld->arena, (const char *)ev->data.scalar.value,
			     len);
	n->u.str.s = s;
	n->u.str.len = len;
	if (ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE &&
	    ev->start_mark.index >= ld->base &&
	    ev->start_mark.index - ld->base < ld->len &&
	    ld->data[ev->start_mark.index - ld->base] == '|')
		n->block_col = block_column(ld, ev->start_mark.index,
					    ev->end_mark.index - ld->base <
					    ld->len ? ev->end_mark.index :
					    ld->base + ld->len);
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		n->src = s;
		type_plain(n, s, len);
		/* a float gwc wrote as jq does (1.1e23 as 111...0000000)
		 * reads back as the float it is; in a spec, an integer that
		 * large is refused */
		if (n->kind == GW_NUM && is_canonical_int(s) && !ld->own) {
			error_at(ld, n->mark, "integer %s is out of range "
				 "(64 bits)", s);
			return NULL;
		}
		if (n->kind == GW_NUM && out_of_range(s, n->u.num)) {
			error_at(ld, n->mark, "number %s is out of range (a "
				 "64-bit float %s)", s, isfinite(n->u.num) ?
				 "reads it as 0" : "overflows");
			return NULL;
		}
	}
	return n;
}

static struct gw_node *parse_sequence(struct loader *ld, int depth)
{
	struct gw_node *seq = gw_node_seq(ld->arena);

	seq->mark = mark_of(ld, ld->event.start_mark);
	for (;;) {
		struct gw_node *item;

		if (next_event(ld))
			return NULL;
		if (ld->event.type == YAML_SEQUENCE_END_EVENT)
			return seq;
		item = parse_node(ld, depth + 1);
		if (!item)
			return NULL;
		gw_seq_push(ld->arena, seq, item);
	}
}

static struct gw_node *parse_mapping(struct loader *ld, int depth)
{
	struct gw_node *map = gw_node_map(ld->arena);
	struct keyset keys = { NULL, 0, 0 };
	struct gw_node *result = NULL;

	map->mark = mark_of(ld, ld->event.start_mark);
	for (;;) {
		struct gw_node *key, *value, *earlier;
		struct gw_pair *p;
		const char *text;

		if (next_event(ld))
			goto out;
		if (ld->event.type == YAML_MAPPING_END_EVENT)
			break;
		if (ld->event.type != YAML_SCALAR_EVENT &&
		    ld->event.type != YAML_ALIAS_EVENT) {
			error_at(ld, mark_of(ld, ld->event.start_mark),
				 "complex mapping keys are not supported");
			goto out;
		}
		text = ld->event.type == YAML_SCALAR_EVENT ?
			gw_arena_strdup(ld->arena,
					(const char *)ld->event.data.scalar.value) :
			"";
		key = parse_node(ld, depth + 1);
		if (!key)
			goto out;
		if (key->kind != GW_STR) {
			error_at(ld, key->mark, "mapping key %s is %s, not a "
				 "string (quote it)", gw_diag_show(ld->arena, text,
				 strlen(text)),
				 key->kind == GW_NULL ? "null" :
				 key->kind == GW_INT ? "an integer" :
				 key->kind == GW_BOOL ? "a boolean" : "a number");
			goto out;
		}
		earlier = keyset_add(&keys, key);
		if (earlier) {
			error_at(ld, key->mark, "duplicate key %s (first at "
				 "line %d, column %d)", gw_diag_show(ld->arena,
				 key->u.str.s, key->u.str.len),
				 earlier->mark.line, earlier->mark.col);
			goto out;
		}
		if (next_event(ld))
			goto out;
		value = parse_node(ld, depth + 1);
		if (!value)
			goto out;
		gw_map_put(ld->arena, map, "", value);
		p = &map->u.map.pairs[map->u.map.n - 1];
		p->key = key;
	}
	result = map;
out:
	free(keys.slots);
	return result;
}

/* Parses the node whose first event is the current one. */
static struct gw_node *parse_node(struct loader *ld, int depth)
{
	const yaml_event_t *ev = &ld->event;

	if (depth > ld->depth_max) {
		error_at(ld, mark_of(ld, ev->start_mark),
			 "nesting deeper than %d levels", ld->depth_max);
		return NULL;
	}
	/* a bound per document, not per file: many honest documents make a
	 * big file, and one document is all that is in memory at a time */
	if (ev->start_mark.index - ld->doc_start > GW_DOC_MAX) {
		error_at(ld, mark_of(ld, ld->doc_mark), "this YAML document is "
			 "larger than the limit of %u bytes", GW_DOC_MAX);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (reject_properties(ld, ev->data.scalar.anchor,
				      ev->data.scalar.tag))
			return NULL;
		return parse_scalar(ld);
	case YAML_SEQUENCE_START_EVENT:
		if (reject_properties(ld, ev->data.sequence_start.anchor,
				      ev->data.sequence_start.tag))
			return NULL;
		return parse_sequence(ld, depth);
	case YAML_MAPPING_START_EVENT:
		if (reject_properties(ld, ev->data.mapping_start.anchor,
				      ev->data.mapping_start.tag))
			return NULL;
		return parse_mapping(ld, depth);
	case YAML_ALIAS_EVENT:
		error_at(ld, mark_of(ld, ev->start_mark),
			 "aliases are not supported (*%s)",
			 (const char *)ev->data.alias.anchor);
		return NULL;
	default:
		error_at(ld, mark_of(ld, ev->start_mark), "unexpected YAML event");
		return NULL;
	}
}

/* ---- a spec file read as it is parsed ------------------------------------
 *
 * A spec file larger than GW_STREAM_MIN is never held whole (100,000 specs
 * in one file are 70 MB): gw_load_scan() reads it once in pieces for its
 * digest and the gate, as a whole input is gated before it is parsed,
 * and gw_docs_stream() reads it again as libyaml asks for bytes.  It
 * holds the bytes from the current document's start on (what messages
 * point into), in a window bounded by GW_DOC_MAX and a piece, gates them
 * again a whole line at a time (a file changed since the scan never gets
 * past the gate) and takes their digest, which must be the scan's when
 * the stream ends, else the file changed while gwc read it.
 */
#define FEED_PIECE 65536

struct feed {
	struct loader *ld;	/* for the gate's messages */
	int fd;
	struct gw_sha256 sha;	/* of every byte read */
	char *buf;		/* bytes [base, base + len) of the input */
	size_t base, len, cap;
	size_t gated;		/* bytes before it passed the gate */
	size_t fed;		/* ...and before it went to libyaml */
	size_t keep_from;	/* bytes before it may be dropped */
	size_t base_line;	/* the line (0-based) of buf[0] */
	int gate_line;		/* the line (1-based) at gated */
	uint64_t total;		/* bytes read, a BOM too */
	uint64_t size;		/* the file's size when it was opened */
	bool started;		/* past a BOM, if any */
	bool eof;
	bool io;		/* failed reading (else at the gate) */
	bool scanned;		/* gw_load_scan() gated these bytes */
};

/*
 * Where the bytes of @f may end for the gate: after the last line break
 * (a CR only when a byte follows it: it may be a CRLF's), or all of them
 * at the end of the file.
 */
static size_t gate_end(const struct feed *f)
{
	size_t i = f->len;

	if (f->eof)
		return f->base + f->len;
	while (i > f->gated - f->base) {
		char c = f->buf[i - 1];

		if (c == '\n' || (c == '\r' && i < f->len))
			return f->base + i;
		i--;
	}
	return f->gated;
}

/* Reads a piece of @f's file, drops what it may first, and gates what is
 * a whole line now: 0, or -1 after an error (reported). */
static int feed_more(struct feed *f)
{
	struct loader *ld = f->ld;
	size_t drop = f->keep_from - f->base, end, k;
	ssize_t n;

	if (drop && f->len + FEED_PIECE > f->cap) {
		for (k = 0; k < drop; k++)
			f->base_line += f->buf[k] == '\n';
		memmove(f->buf, f->buf + drop, f->len - drop);
		f->len -= drop;
		f->base += drop;
	}
	if (f->len + FEED_PIECE > f->cap) {
		f->cap = f->cap ? 2 * f->cap : 2 * FEED_PIECE;
		while (f->cap < f->len + FEED_PIECE)
			f->cap *= 2;
		f->buf = realloc(f->buf, f->cap);
		if (!f->buf)
			gw_oom();
	}
	do
		n = read(f->fd, f->buf + f->len, FEED_PIECE);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		error_at(ld, (struct gw_mark){ ld->name, 0, 0 },
			 "cannot read: %s", strerror(errno));
		f->io = true;
		return -1;
	}
	f->eof = n == 0;
	f->total += (uint64_t)n;
	gw_sha256_update(&f->sha, f->buf + f->len, (size_t)n);
	/* no bound on the size but the file's own: one that grows while
	 * it is read would be read for ever */
	if (f->total > f->size || (f->eof && f->total != f->size)) {
		error_at(ld, (struct gw_mark){ ld->name, 0, 0 }, "changed while "
			 "gwc was reading it; run the build again");
		f->io = true;
		return -1;
	}
	f->len += (size_t)n;
	if (!f->started && (f->len >= 3 || f->eof)) {
		f->started = true;	/* libyaml would count a BOM as a column */
		if (f->len >= 3 && !memcmp(f->buf, "\xef\xbb\xbf", 3)) {
			memmove(f->buf, f->buf + 3, f->len - 3);
			f->len -= 3;
		}
	}
	if (!f->started)
		return 0;
	end = gate_end(f);
	if (f->scanned) {	/* passed before: a fault now is a change */
		struct loader silent = { .name = ld->name };

		if (gate_lines(&silent, f->buf + (f->gated - f->base),
			       end - f->gated, &f->gate_line)) {
			error_at(ld, (struct gw_mark){ ld->name, 0, 0 },
				 "changed while gwc was reading it; run the "
				 "build again");
			f->io = true;
			return -1;
		}
	} else if (gate_lines(ld, f->buf + (f->gated - f->base),
			      end - f->gated, &f->gate_line)) {
		return -1;
	}
	f->gated = end;
	/* one line, or one document, past the bound of a document */
	if (f->base + f->len - f->keep_from > (size_t)GW_DOC_MAX + FEED_PIECE) {
		error_at(ld, (struct gw_mark){ ld->name, f->gate_line, 1 },
			 "this YAML document is larger than the limit of %u "
			 "bytes", GW_DOC_MAX);
		return -1;
	}
	return 0;
}

/* Opens @path for a feed: 0, or -1 after an error (reported). */
static int feed_open(struct feed *f, struct loader *ld, const char *path)
{
	struct stat st;

	memset(f, 0, sizeof(*f));
	f->ld = ld;
	f->gate_line = 1;
	f->io = true;	/* until it is open */
	gw_sha256_init(&f->sha);
	f->fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (f->fd < 0) {
		error_at(ld, (struct gw_mark){ path, 0, 0 }, "cannot open: %s",
			 strerror(errno));
		return -1;
	}
	if (fstat(f->fd, &st) || !S_ISREG(st.st_mode)) {
		error_at(ld, (struct gw_mark){ path, 0, 0 }, "changed while gwc "
			 "was reading it; run the build again");
		close(f->fd);
		f->fd = -1;
		return -1;
	}
	f->size = (uint64_t)st.st_size;
	f->io = false;
	return 0;
}

static void feed_close(struct feed *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->buf);
	f->fd = -1;
	f->buf = NULL;
}

int gw_load_scan(struct gw_diag *diag, const char *path,
		 unsigned char digest[32])
{
	struct loader ld = { .diag = diag, .name = path };
	struct feed f;
	int err = feed_open(&f, &ld, path);

	while (!err && !f.eof) {
		f.keep_from = f.gated;	/* nothing is kept */
		err = feed_more(&f);
	}
	if (!err)
		gw_sha256_final(&f.sha, digest);
	feed_close(&f);
	return err && f.io ? -1 : err ? 1 : 0;
}

/* The documents of a stream, one at a time (gw_docs_next). */
struct gw_docs {
	struct loader ld;
	size_t ndocs;
	bool failed, ended, parser;
	struct feed feed;	/* a file read as it is parsed, or fd -1 */
	unsigned char want[32];	/* ...and the digest its bytes must have */
	bool *changed;		/* set when they do not */
};

/* libyaml's input handler for a stream: the gated bytes not yet given. */
static int feed_parser(void *arg, unsigned char *buffer, size_t size,
		       size_t *size_read)
{
	struct gw_docs *r = arg;
	struct feed *f = &r->feed;
	size_t n;

	while (f->fed == f->gated && !f->eof)
		if (feed_more(f)) {
			r->ld.input_failed = true;
			*r->changed |= f->io;
			return 0;
		}
	n = f->gated - f->fed < size ? f->gated - f->fed : size;
	memcpy(buffer, f->buf + (f->fed - f->base), n);
	f->fed += n;
	*size_read = n;
	/* what messages may point into */
	r->ld.data = f->buf;
	r->ld.len = f->len;
	r->ld.base = f->base;
	r->ld.base_line = f->base_line;
	return 1;
}

static struct gw_docs *docs_open(struct gw_diag *diag, const char *name,
				 const char *data, size_t len, int depth_max)
{
	struct gw_docs *r = gw_malloc(sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->feed.fd = -1;
	r->ld = (struct loader){ .diag = diag, .name = name, .data = data,
				 .len = len, .depth_max = depth_max,
				 .own = depth_max != GW_DEPTH_MAX };
	if (gate_bytes(&r->ld, data, len)) {
		r->failed = true;
		return r;
	}
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) {
		data += 3;	/* libyaml would count the BOM as a column */
		len -= 3;
		r->ld.data = data;
		r->ld.len = len;
	}
	if (!yaml_parser_initialize(&r->ld.parser))
		gw_oom();
	r->parser = true;
	yaml_parser_set_input_string(&r->ld.parser,
				     (const unsigned char *)data, len);
	yaml_parser_set_encoding(&r->ld.parser, YAML_UTF8_ENCODING);
	if (next_event(&r->ld))
		r->failed = true;	/* STREAM-START */
	return r;
}

struct gw_docs *gw_docs_open(struct gw_diag *diag, const char *name,
			     const char *data, size_t len)
{
	return docs_open(diag, name, data, len, GW_DEPTH_MAX);
}

struct gw_docs *gw_docs_stream(struct gw_diag *diag, const char *path,
			       const unsigned char digest[32], bool *changed)
{
	struct gw_docs *r = gw_malloc(sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->ld = (struct loader){ .diag = diag, .name = path,
				 .depth_max = GW_DEPTH_MAX };
	memcpy(r->want, digest, 32);
	r->changed = changed;
	if (feed_open(&r->feed, &r->ld, path)) {
		*changed = true;
		r->failed = true;
		return r;
	}
	r->feed.scanned = true;
	if (!yaml_parser_initialize(&r->ld.parser))
		gw_oom();
	r->parser = true;
	yaml_parser_set_input(&r->ld.parser, feed_parser, r);
	yaml_parser_set_encoding(&r->ld.parser, YAML_UTF8_ENCODING);
	if (next_event(&r->ld))
		r->failed = true;	/* STREAM-START */
	return r;
}

/* At a stream's end: its bytes are those gw_load_scan() hashed. */
static int stream_ended(struct gw_docs *r)
{
	unsigned char d[32];

	if (r->feed.fd < 0)
		return 0;
	gw_sha256_final(&r->feed.sha, d);
	if (!memcmp(d, r->want, 32))
		return 0;
	error_at(&r->ld, (struct gw_mark){ r->ld.name, 0, 0 }, "changed while "
		 "gwc was reading it; run the build again");
	*r->changed = true;
	return -1;
}

int gw_docs_next(struct gw_docs *r, struct gw_arena *arena,
		 struct gw_node **doc, size_t *offset)
{
	struct loader *ld = &r->ld;

	*doc = NULL;
	if (r->failed)
		return -1;
	if (r->ended)
		return 0;
	ld->arena = arena;
	if (next_event(ld))
		goto failed;
	if (ld->event.type == YAML_STREAM_END_EVENT) {
		r->ended = true;
		if (stream_ended(r))
			goto failed;
		if (r->ndocs)
			return 0;
		error_at(ld, (struct gw_mark){ ld->name, 1, 1 },
			 "no YAML document (the file is empty or holds only "
			 "comments)");
		goto failed;
	}
	if (ld->event.data.document_start.version_directive ||
	    ld->event.data.document_start.tag_directives.start) {
		error_at(ld, mark_of(ld, ld->event.start_mark),
			 "YAML directives are not supported");
		goto failed;
	}
	ld->doc_start = ld->event.start_mark.index;
	ld->doc_mark = ld->event.start_mark;
	r->feed.keep_from = ld->doc_start;	/* a stream's bytes before go */
	if (offset)
		*offset = ld->doc_start + (size_t)(ld->data - r->ld.data);
	if (next_event(ld))
		goto failed;
	*doc = parse_node(ld, 0);
	if (!*doc || next_event(ld))	/* DOCUMENT-END */
		goto failed;
	r->ndocs++;
	return 1;
failed:
	*doc = NULL;
	r->failed = true;
	return -1;
}

void gw_docs_close(struct gw_docs *r)
{
	if (!r)
		return;
	if (r->ld.have_event)
		yaml_event_delete(&r->ld.event);
	if (r->parser)
		yaml_parser_delete(&r->ld.parser);
	feed_close(&r->feed);
	free(r);
}

static int load_bytes(struct gw_arena *arena, struct gw_diag *diag,
		      const char *name, const char *data, size_t len,
		      int depth_max, struct gw_node ***docs, size_t *ndocs)
{
	struct gw_docs *r = docs_open(diag, name, data, len, depth_max);
	struct gw_node *doc;
	size_t cap = 0;
	int got;

	*docs = NULL;
	*ndocs = 0;
	while ((got = gw_docs_next(r, arena, &doc, NULL)) > 0) {
		*docs = gw_arena_grow(arena, *docs, *ndocs, &cap,
				      sizeof(**docs));
		(*docs)[(*ndocs)++] = doc;
	}
	gw_docs_close(r);
	if (got < 0) {
		*docs = NULL;
		*ndocs = 0;
	}
	return got < 0 ? -1 : 0;
}

int gw_load_bytes(struct gw_arena *arena, struct gw_diag *diag,
		  const char *name, const char *data, size_t len,
		  struct gw_node ***docs, size_t *ndocs)
{
	return load_bytes(arena, diag, name, data, len, GW_DEPTH_MAX, docs,
			  ndocs);
}

int gw_load_output(struct gw_arena *arena, struct gw_diag *diag,
		   const char *name, const char *data, size_t len,
		   struct gw_node ***docs, size_t *ndocs)
{
	return load_bytes(arena, diag, name, data, len, GW_DEPTH_OUTPUT, docs,
			  ndocs);
}

/*
 * Reports a failure to read @path: against the file itself, or, when a
 * spec key named the file, at that key as "@what: <problem with PATH>".
 * @verb is "cannot open" or "cannot read" (with @detail) or a state
 * ("is a directory, not a file") without one.
 */
static void read_error(struct gw_diag *diag, const char *path,
		       struct gw_mark at, const char *what, const char *verb,
		       const char *detail)
{
	bool action = !strncmp(verb, "cannot", 6);

	if (!what)
		gw_diag_add(diag, GW_SEV_ERROR, (struct gw_mark){ path, 0, 0 },
			    "%s%s%s", verb, !detail ? "" : action ? ": " : " ",
			    detail ? detail : "");
	else if (action)
		gw_diag_add(diag, GW_SEV_ERROR, at, "%s: %s %s: %s", what,
			    verb, path, detail);
	else
		gw_diag_add(diag, GW_SEV_ERROR, at, "%s: %s %s%s%s", what,
			    path, verb, detail ? " " : "", detail ? detail : "");
}

static int load_read(struct gw_arena *arena, struct gw_diag *diag,
		     const char *path, struct gw_mark at, const char *what,
		     char **data, size_t *len, unsigned max,
		     uintmax_t whole_max, struct stat *out_st);

int gw_load_read(struct gw_arena *arena, struct gw_diag *diag,
		 const char *path, char **data, size_t *len)
{
	return load_read(arena, diag, path, (struct gw_mark){ 0 }, NULL, data,
			 len, GW_INPUT_MAX, UINTMAX_MAX, NULL);
}

int gw_load_read_upto(struct gw_diag *diag, const char *path,
		      uintmax_t whole_max, char **data, size_t *len,
		      struct stat *st)
{
	return load_read(NULL, diag, path, (struct gw_mark){ 0 }, NULL, data,
			 len, GW_INPUT_MAX, whole_max, st);
}

int gw_load_read_for(struct gw_arena *arena, struct gw_diag *diag,
		     const char *path, struct gw_mark at, const char *what,
		     char **data, size_t *len)
{
	return load_read(arena, diag, path, at, what, data, len, GW_FILE_MAX,
			 UINTMAX_MAX, NULL);
}

static int load_read(struct gw_arena *arena, struct gw_diag *diag,
		     const char *path, struct gw_mark at, const char *what,
		     char **data, size_t *len, unsigned max,
		     uintmax_t whole_max, struct stat *out_st)
{
	struct stat st;
	size_t got = 0;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		read_error(diag, path, at, what, "cannot open",
			   strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		read_error(diag, path, at, what, S_ISDIR(st.st_mode) ?
			   "is a directory, not a file" : "is not a regular file",
			   NULL);
		close(fd);
		return -1;
	}
	if (out_st)
		*out_st = st;
	if ((uintmax_t)st.st_size > whole_max) {
		close(fd);
		return 1;
	}
	if (st.st_size > (off_t)max) {
		char limit[48];

		snprintf(limit, sizeof(limit), "the limit of %u bytes", max);
		read_error(diag, path, at, what, "is larger than", limit);
		close(fd);
		return -1;
	}
	buf = arena ? gw_arena_alloc(arena, (size_t)st.st_size + 1) :
		      gw_malloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			read_error(diag, path, at, what, "cannot read",
				   n ? strerror(errno) : "the file shrank");
			close(fd);
			if (!arena)
				free(buf);
			return -1;
		}
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

int gw_load_file(struct gw_arena *arena, struct gw_diag *diag,
		 const char *path, struct gw_node ***docs, size_t *ndocs)
{
	char *data;
	size_t len;

	*docs = NULL;
	*ndocs = 0;
	if (gw_load_read(arena, diag, path, &data, &len))
		return -1;
	return gw_load_bytes(arena, diag, path, data, len, docs, ndocs);
}

int gw_load_gate(struct gw_diag *diag, const char *name, const char *data,
		 size_t len)
{
	struct loader ld = { .diag = diag, .name = name };

	return gate_bytes(&ld, data, len);
}
