/*
 * fuzz_compile.c - libFuzzer target: the whole in-memory pipeline (gate,
 * parse, validate, model, check, plan, template, render, emit) on one spec,
 * with no filesystem (gw_options.buffers, no_file_reads, result).
 *
 * Invariants, each a trap when violated:
 *   - gw_compile returns 0, 1 or 2;
 *   - status 1 or 2 comes with an error diagnostic, status 0 without one,
 *     and status 0 with at least one rendered file;
 *   - on status 0 a second run gives the same file set (paths and bytes)
 *     and the same diagnostics;
 *   - every path is <a>/<b>/<file>, relative, without empty, `.` or `..`
 *     components;
 *   - every .yaml file parses with libfyaml's event parser (not libyaml,
 *     the library that read the spec and emitted it), has only mapping
 *     documents, no anchors, aliases or tags, no duplicate keys, no plain
 *     key that a YAML 1.1 reader types as
 *     non-string, and only plain scalars gwc means as plain (plain-safe
 *     strings, null, booleans, numbers);
 *   - every apply.sh is a bash script (mode 0755, no NUL byte);
 *   - every istio-patch.json is valid JSON (RFC 8259, strict UTF-8) whose
 *     .spec.values.sidecarInjectorWebhook.templates.NAME strings (one at
 *     least) are the folder's gateway-injection-template.txt (NAME
 *     gateway) or injection-template-NAME.txt without trailing newlines;
 *   - everything is released (LeakSanitizer checks each input under
 *     libFuzzer, and at exit under replay in `make debug test`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfyaml.h>

#include "gwc.h"

#define CHECK(cond) do { if (!(cond)) fail(#cond, __LINE__); } while (0)

static const char *current_path;	/* the file being checked */

static _Noreturn void fail(const char *what, int line)
{
	fprintf(stderr, "fuzz_compile: invariant violated at line %d: %s%s%s\n",
		line, what, current_path ? " in " : "",
		current_path ? current_path : "");
	fflush(stderr);
	__builtin_trap();
}

static int compile(const uint8_t *data, size_t size, struct gw_fileset *set,
		   char **diag, size_t *diag_len)
{
	struct gw_input in = { "fuzz.yaml", (const char *)data, size };
	FILE *stream = open_memstream(diag, diag_len);
	struct gw_options opt = {
		.buffers = &in, .nbuffers = 1, .no_file_reads = true,
		.result = set,
	};
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag messages;
	int status;

	if (!stream)
		abort();
	gw_diag_init(&messages, arena);
	status = gw_compile(&opt, &messages, NULL);
	if (gw_diag_print(&messages, stream))
		abort();
	gw_diag_release(&messages);
	gw_arena_free(arena);
	if (fclose(stream))
		abort();
	return status;
}

/* ---- diagnostics ------------------------------------------------------- */

static bool is_digits(const char *s, const char *end)
{
	if (s == end)
		return false;
	for (; s < end; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* A line "fuzz.yaml:L:C: error: ", "fuzz.yaml: error: " or "gwc: error: ". */
static bool is_error_line(const char *s, size_t len)
{
	const char *end = s + len, *p, *q;

	if (len >= 12 && !memcmp(s, "gwc: error: ", 12))
		return true;
	if (len < 10 || memcmp(s, "fuzz.yaml:", 10))
		return false;
	p = s + 10;
	if (end - p >= 8 && !memcmp(p, " error: ", 8))
		return true;
	q = memchr(p, ':', (size_t)(end - p));
	if (!q || !is_digits(p, q))
		return false;
	p = q + 1;
	q = memchr(p, ':', (size_t)(end - p));
	if (!q || !is_digits(p, q))
		return false;
	return end - q >= 9 && !memcmp(q, ": error: ", 9);
}

static size_t count_error_lines(const char *s, size_t len)
{
	size_t n = 0, i = 0;

	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;

		n += is_error_line(s + i, end - i);
		i = end + 1;
	}
	return n;
}

/* ---- paths ------------------------------------------------------------- */

static void check_path(const char *path)
{
	const char *p = path;
	int parts = 0;

	CHECK(*path && *path != '/');
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		CHECK(n > 0);
		CHECK(!(n == 1 && p[0] == '.'));
		CHECK(!(n == 2 && p[0] == '.' && p[1] == '.'));
		parts++;
		if (!slash)
			break;
		p = slash + 1;
	}
	CHECK(parts == 3);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* ---- YAML, read back with libfyaml ------------------------------------- */

/* True when a YAML 1.1 reader (go-yaml v2, PyYAML) could take the plain
 * scalar @s for something other than a string; written independently of
 * gwc's own plain-safe rule. */
static bool plain_not_string(const char *s, size_t len)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null",
		"~", ".inf", "-.inf", "+.inf", ".nan", "<<", "=",
	};
	const char *p;
	char *end;
	size_t i;

	if (len == 0)
		return true;
	for (i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == len && !strncasecmp(s, words[i], len))
			return true;
	if (!((s[0] >= '0' && s[0] <= '9') ||
	      ((s[0] == '-' || s[0] == '+' || s[0] == '.') && len > 1 &&
	       ((s[1] >= '0' && s[1] <= '9') || s[1] == '.'))))
		return false;
	/* decimal, hexadecimal and exponent forms strtod reads */
	if ((strtod(s, &end), end == s + len))
		return true;
	/* YAML 1.1 integers and floats with `_`, sexagesimals (1:20) */
	if (strspn(s, "0123456789_:.+-") == len)
		return true;
	/* 0x1F, 0o17, 0b101, with a sign and `_` */
	p = s + (s[0] == '-' || s[0] == '+');
	if (p[0] == '0' && p[1] && strchr("xXoObB", p[1]) && p[2] &&
	    strspn(p + 2, "0123456789abcdefABCDEF_") == len - (size_t)(p + 2 - s))
		return true;
	/* timestamps: 2001-12-14, 2001-12-14t21:59:43.10-05:00 */
	if (len >= 8 && strspn(s, "0123456789") == 4 && s[4] == '-' &&
	    strspn(s, "0123456789-:.TtZz +") == len)
		return true;
	return false;
}

/* A number as gwc writes one: -?digits, optional fraction and exponent. */
static bool is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
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

struct key {
	const char *s;
	size_t len;
};

struct frame {
	bool map, want_key;
	struct key *keys;
	size_t n, cap;
};

static int compare_keys(const void *pa, const void *pb)
{
	const struct key *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->s, b->s, n);

	return c ? c : (a->len > b->len) - (a->len < b->len);
}

static void frame_release(struct frame *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free((void *)f->keys[i].s);
	free(f->keys);
}

/* Pops a mapping's frame: sorted, no two keys may be equal. */
static void check_unique_keys(struct frame *f)
{
	size_t i;

	if (f->n > 1)
		qsort(f->keys, f->n, sizeof(*f->keys), compare_keys);
	for (i = 1; i < f->n; i++)
		CHECK(compare_keys(&f->keys[i - 1], &f->keys[i]) != 0);
}

/* The libfyaml event parser reads gwc's output: libyaml wrote it, and the
 * output holds no directive (the `%` hang of libfyaml 0.7.12 needs one)
 * and only valid UTF-8.  A parse error is printed on stderr, then traps. */
static void check_yaml(const char *data, size_t len)
{
	struct fy_parse_cfg cfg = { .flags = FYPCF_DEFAULT_PARSE };
	struct fy_parser *fyp = fy_parser_create(&cfg);
	struct fy_event *ev;
	struct frame *stack = NULL;
	struct gw_buf text = { 0 };	/* the scalar, NUL-terminated */
	size_t depth = 0, cap = 0, docs = 0;
	bool done = false;

	CHECK(fyp);
	CHECK(fy_parser_set_string(fyp, data, len) == 0);
	while (!done) {
		struct frame *top = depth ? &stack[depth - 1] : NULL;
		bool is_key = top && top->map && top->want_key;

		ev = fy_parser_parse(fyp);
		CHECK(ev);				/* it parses */
		if (top && top->map && ev->type != FYET_MAPPING_END)
			top->want_key = !top->want_key;
		switch (ev->type) {
		case FYET_STREAM_END:
			done = true;
			break;
		case FYET_DOCUMENT_START:
			docs++;
			break;
		case FYET_ALIAS:
			CHECK(!"an alias in the output");
			break;
		case FYET_SCALAR: {
			const char *s;
			size_t n = 0;

			CHECK(!ev->scalar.anchor);
			CHECK(!ev->scalar.tag);
			CHECK(depth > 0);	/* documents are mappings */
			s = fy_token_get_text(ev->scalar.value, &n);
			CHECK(s || !n);
			text.len = 0;
			gw_buf_add(&text, s ? s : "", s ? n : 0);
			s = text.data;
			if (fy_scalar_token_get_style(ev->scalar.value) ==
			    FYSS_PLAIN) {
				if (is_key)
					CHECK(!plain_not_string(s, n));
				else
					CHECK(gw_emit_plain_safe(s, n) ||
					      !strcmp(s, "null") ||
					      !strcmp(s, "true") ||
					      !strcmp(s, "false") ||
					      is_number(s));
			}
			if (is_key) {
				struct key k = { malloc(n ? n : 1), n };

				if (!k.s)
					abort();
				memcpy((void *)k.s, s, n);
				if (top->n == top->cap) {
					top->cap = top->cap ? top->cap * 2 : 16;
					top->keys = realloc(top->keys, top->cap *
							    sizeof(*top->keys));
					if (!top->keys)
						abort();
				}
				top->keys[top->n++] = k;
			}
			break;
		}
		case FYET_SEQUENCE_START:
		case FYET_MAPPING_START: {
			bool map = ev->type == FYET_MAPPING_START;

			CHECK(!is_key);		/* no complex keys */
			CHECK(!(map ? ev->mapping_start.anchor :
				ev->sequence_start.anchor));
			CHECK(!(map ? ev->mapping_start.tag :
				ev->sequence_start.tag));
			CHECK(depth > 0 || map);	/* documents are mappings */
			if (depth == cap) {
				cap = cap ? cap * 2 : 16;
				stack = realloc(stack, cap * sizeof(*stack));
				if (!stack)
					abort();
			}
			stack[depth++] = (struct frame){ map, map, NULL, 0, 0 };
			break;
		}
		case FYET_MAPPING_END:
			check_unique_keys(top);
			/* fall through */
		case FYET_SEQUENCE_END:
			frame_release(top);
			depth--;
			break;
		default:
			break;
		}
		fy_parser_event_free(fyp, ev);
	}
	CHECK(depth == 0);
	CHECK(docs > 0);
	CHECK(!fy_parser_get_stream_error(fyp));
	free(stack);
	gw_buf_release(&text);
	fy_parser_destroy(fyp);
}

/* ---- JSON, a strict RFC 8259 reader ------------------------------------ */

struct json {
	const unsigned char *s, *end;
	int depth;
	/* keys from the root to the current value */
	const char *path[8];
	int npath;
	/* the templates the patch sets: names and decoded strings */
	size_t ntemplates;
	char names[8][64];
	struct gw_buf templates[8];
};

static const char *const template_path[] = {
	"spec", "values", "sidecarInjectorWebhook", "templates",
};

static void ws(struct json *j)
{
	while (j->s < j->end && (*j->s == ' ' || *j->s == '\t' ||
				 *j->s == '\n' || *j->s == '\r'))
		j->s++;
}

static bool lit(struct json *j, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(j->end - j->s) < n || memcmp(j->s, word, n))
		return false;
	j->s += n;
	return true;
}

static int hex4(struct json *j)
{
	int v = 0, i;

	if (j->end - j->s < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		unsigned char c = *j->s++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static void put_utf8(struct gw_buf *b, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80)
		u[0] = (char)cp, n = 1;
	else if (cp < 0x800)
		u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f)),
		n = 2;
	else if (cp < 0x10000)
		u[0] = (char)(0xe0 | cp >> 12),
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f)),
		u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	else
		u[0] = (char)(0xf0 | cp >> 18),
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f)),
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f)),
		u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	gw_buf_add(b, u, n);
}

/* One UTF-8 sequence, strictly; its length or 0. */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	uint32_t c = s[0], min;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		n = 2, c &= 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		n = 3, c &= 0x0f, min = 0x800;
	else if ((c & 0xf8) == 0xf0)
		n = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

/* A string; decoded into @out. */
static bool json_string(struct json *j, struct gw_buf *out)
{
	if (j->s >= j->end || *j->s != '"')
		return false;
	j->s++;
	gw_buf_add(out, "", 0);
	for (;;) {
		unsigned char c;

		if (j->s >= j->end)
			return false;
		c = *j->s;
		if (c == '"') {
			j->s++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			int v, lo;

			if (++j->s >= j->end)
				return false;
			c = *j->s++;
			switch (c) {
			case '"': case '\\': case '/':
				gw_buf_add(out, &c, 1);
				break;
			case 'b': gw_buf_add(out, "\b", 1); break;
			case 'f': gw_buf_add(out, "\f", 1); break;
			case 'n': gw_buf_add(out, "\n", 1); break;
			case 'r': gw_buf_add(out, "\r", 1); break;
			case 't': gw_buf_add(out, "\t", 1); break;
			case 'u':
				v = hex4(j);
				if (v < 0 || (v >= 0xdc00 && v <= 0xdfff))
					return false;
				if (v >= 0xd800 && v <= 0xdbff) {
					if (!lit(j, "\\u"))
						return false;
					lo = hex4(j);
					if (lo < 0xdc00 || lo > 0xdfff)
						return false;
					v = 0x10000 + ((v - 0xd800) << 10) +
					    (lo - 0xdc00);
				}
				put_utf8(out, (uint32_t)v);
				break;
			default:
				return false;
			}
			continue;
		}
		{
			size_t n = utf8_len(j->s, (size_t)(j->end - j->s));

			if (!n)
				return false;
			gw_buf_add(out, j->s, n);
			j->s += n;
		}
	}
}

static bool json_number(struct json *j)
{
	const unsigned char *s = j->s;

	if (s < j->end && *s == '-')
		s++;
	if (s < j->end && *s == '0')
		s++;
	else if (s < j->end && *s >= '1' && *s <= '9')
		while (s < j->end && *s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (s < j->end && *s == '.') {
		if (++s >= j->end || *s < '0' || *s > '9')
			return false;
		while (s < j->end && *s >= '0' && *s <= '9')
			s++;
	}
	if (s < j->end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < j->end && (*s == '+' || *s == '-'))
			s++;
		if (s >= j->end || *s < '0' || *s > '9')
			return false;
		while (s < j->end && *s >= '0' && *s <= '9')
			s++;
	}
	j->s = s;
	return true;
}

static bool at_template_path(const struct json *j)
{
	int i;

	if (j->npath != 5 || !j->path[4])
		return false;
	for (i = 0; i < 4; i++)
		if (!j->path[i] || strcmp(j->path[i], template_path[i]))
			return false;
	return true;
}

static bool json_value(struct json *j)
{
	bool ok = false;

	ws(j);
	if (j->s >= j->end || ++j->depth > 200)
		return false;
	if (*j->s == '{') {
		j->s++;
		ws(j);
		if (j->s < j->end && *j->s == '}') {
			j->s++;
			ok = true;
			goto out;
		}
		for (;;) {
			struct gw_buf key = { 0 };
			int slot = j->npath;
			bool good;

			ws(j);
			good = json_string(j, &key);
			if (good) {
				ws(j);
				good = j->s < j->end && *j->s++ == ':';
			}
			if (good && slot < 8) {
				/* a key with a NUL matches no path key */
				j->path[slot] = memchr(key.data, '\0', key.len) ?
					NULL : key.data;
				j->npath++;
			}
			good = good && json_value(j);
			if (slot < 8 && j->npath > slot)
				j->npath = slot;
			gw_buf_release(&key);
			if (!good)
				goto out;
			ws(j);
			if (j->s < j->end && *j->s == ',') {
				j->s++;
				continue;
			}
			ok = j->s < j->end && *j->s++ == '}';
			goto out;
		}
	} else if (*j->s == '[') {
		int saved = j->npath;

		j->npath = 99;	/* inside an array: no key path */
		j->s++;
		ws(j);
		if (j->s < j->end && *j->s == ']') {
			j->s++;
			ok = true;
		} else {
			for (;;) {
				if (!json_value(j))
					break;
				ws(j);
				if (j->s < j->end && *j->s == ',') {
					j->s++;
					continue;
				}
				ok = j->s < j->end && *j->s++ == ']';
				break;
			}
		}
		j->npath = saved;
	} else if (*j->s == '"') {
		struct gw_buf str = { 0 };

		ok = json_string(j, &str);
		if (ok && at_template_path(j) && j->ntemplates < 8) {
			snprintf(j->names[j->ntemplates],
				 sizeof(j->names[0]), "%s", j->path[4]);
			j->templates[j->ntemplates++] = str;
		} else if (ok && at_template_path(j)) {
			ok = false;	/* more than gwc ever writes */
			gw_buf_release(&str);
		} else {
			gw_buf_release(&str);
		}
	} else if (*j->s == '-' || (*j->s >= '0' && *j->s <= '9')) {
		ok = json_number(j);
	} else {
		ok = lit(j, "true") || lit(j, "false") || lit(j, "null");
	}
out:
	j->depth--;
	return ok;
}

static void check_patch(const struct gw_fileset *set, const struct gw_file *f)
{
	struct json j = { .s = (const unsigned char *)f->data,
			  .end = (const unsigned char *)f->data + f->len };
	size_t i, k, dir = strlen(f->path) - strlen("istio-patch.json"), len;
	bool ok;

	ok = json_value(&j);
	ws(&j);
	CHECK(ok);
	CHECK(j.s == j.end);		/* nothing after the value */
	CHECK(j.ntemplates > 0);
	for (k = 0; k < j.ntemplates; k++) {
		const struct gw_file *tmpl = NULL;
		char want[128];

		snprintf(want, sizeof(want), strcmp(j.names[k], "gateway") ?
			 "injection-template-%s.txt" :
			 "%.0sgateway-injection-template.txt", j.names[k]);
		for (i = 0; i < set->n; i++)
			if (!strncmp(set->files[i].path, f->path, dir) &&
			    !strcmp(set->files[i].path + dir, want))
				tmpl = &set->files[i];
		CHECK(tmpl);
		for (len = tmpl->len; len && tmpl->data[len - 1] == '\n'; len--)
			;
		CHECK(j.templates[k].len == len);
		CHECK(!memcmp(j.templates[k].data, tmpl->data, len));
		gw_buf_release(&j.templates[k]);
	}
}

/* ---- the target -------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gw_fileset a = { 0 }, b = { 0 };
	char *diag_a = NULL, *diag_b = NULL;
	size_t diag_a_len = 0, diag_b_len = 0, i;
	int status, again;

	current_path = NULL;
	status = compile(data, size, &a, &diag_a, &diag_a_len);
	CHECK(status == 0 || status == 1 || status == 2);
	if (status != 0) {
		CHECK(count_error_lines(diag_a, diag_a_len) > 0);
		goto out;
	}
	CHECK(count_error_lines(diag_a, diag_a_len) == 0);
	CHECK(a.n > 0);

	again = compile(data, size, &b, &diag_b, &diag_b_len);
	CHECK(again == 0);
	CHECK(a.n == b.n);
	CHECK(diag_a_len == diag_b_len && !memcmp(diag_a, diag_b, diag_a_len));
	for (i = 0; i < a.n; i++) {
		const struct gw_file *f = &a.files[i];

		current_path = f->path;
		CHECK(!strcmp(f->path, b.files[i].path));
		CHECK(f->len == b.files[i].len);
		CHECK(!memcmp(f->data, b.files[i].data, f->len));
		CHECK(i == 0 || strcmp(a.files[i - 1].path, f->path) < 0);
		check_path(f->path);
		if (ends_with(f->path, ".yaml"))
			check_yaml(f->data, f->len);
		else if (ends_with(f->path, "/istio-patch.json"))
			check_patch(&a, f);
		else if (ends_with(f->path, "/apply.sh"))	/* applyScript */
			CHECK(f->mode == 0755 && f->len > 20 &&
			      !memcmp(f->data, "#!/usr/bin/env bash\n", 20) &&
			      !memchr(f->data, '\0', f->len));
		else
			CHECK(ends_with(f->path,
					"/gateway-injection-template.txt") ||
			      (strstr(f->path, "/injection-template-") &&
			       ends_with(f->path, ".txt")));
	}
	current_path = NULL;
out:
	gw_fileset_release(&a);
	gw_fileset_release(&b);
	free(diag_a);
	free(diag_b);
	return 0;
}
