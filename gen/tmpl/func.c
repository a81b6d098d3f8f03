/*
 * func.c - the functions a template can call: Go's builtins (funcs.go),
 * Istio's injection function map (pkg/kube/inject/template.go) and the
 * part of sprig's TxtFuncMap that Istio's templates use.
 *
 * Consumes evaluated arguments (already converted to the parameter types by
 * exec.c, as Go's reflection does); produces one value, or an error text
 * that exec.c reports as "error calling NAME: ERR".  Where Istio and sprig
 * both define a name, Istio's wins (it is installed last).  Istio's
 * functions that take Kubernetes structs (annotation, isset) take the maps
 * the template data is made of here: ObjectMeta's "Annotations" key.
 * Names of sprig that are not implemented parse, and fail when called.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define A (tmpl_exec_arena(s))

/* ---- helpers ------------------------------------------------------------- */

/* A function's string result, made of @b (released): 0, or -1 with *@err
 * when it is longer than a string may be or the values made are too many
 * (tmpl.h). */
static int result(struct exec_state *s, struct gw_buf *b, struct val *out,
		  const char **err)
{
	if (tmpl_check_len(b->len, err) < 0 ||
	    tmpl_spend(s, b->len / 64, b->len, err) < 0) {
		gw_buf_release(b);
		return -1;
	}
	*out = tmpl_str(gw_arena_strndup(A, b->data ? b->data : "", b->len),
			b->len);
	gw_buf_release(b);
	return 0;
}

/* A result of @len bytes: 0 when a string may be that long, else -1 with
 * *@err; for the functions that know their result's length before they
 * make it. */
static int room(unsigned long long len, const char **err)
{
	return tmpl_check_len(len > GW_TMPL_OUTPUT_MAX ? (size_t)-1 :
			      (size_t)len, err);
}

/* A result growing in @b: -1 (@b released) with *@err once it is longer
 * than a string may be. */
static int grown(struct gw_buf *b, const char **err)
{
	if (tmpl_check_len(b->len, err) == 0)
		return 0;
	gw_buf_release(b);
	return -1;
}

/* Spends what @n new elements of a list or a map cost (tmpl.h). */
static int made(struct exec_state *s, size_t n, const char **err)
{
	return tmpl_spend(s, n, n * (size_t)GW_TMPL_ELEMENT_COST, err);
}

static struct val map_val(const struct gw_node *m)
{
	struct val v = {.kind = V_MAP};

	v.u.n = m;
	return v;
}

static struct val slice_val(const struct gw_node *seq, const char *type)
{
	struct val v = {.kind = V_SLICE, .type = type};

	v.u.n = seq;
	return v;
}

static bool is_nil(const struct val *v)
{
	return v->kind == V_INVALID || v->kind == V_NIL;
}

/* Go's fmt.Sprint of one value: 0, or -1 with *@err. */
static int sprint1(struct exec_state *s, const struct val *v,
		   struct val *out, const char **err)
{
	struct gw_buf b = {0};

	if (tmpl_sprint(s, &b, v, 1, err) < 0) {
		gw_buf_release(&b);
		return -1;
	}
	return result(s, &b, out, err);
}

/* sprig's strval: a string as it is, anything else as %v. */
static int strval(struct exec_state *s, const struct val *v, struct val *out,
		  const char **err)
{
	if (v->kind == V_STRING) {
		*out = *v;
		return 0;
	}
	return sprint1(s, v, out, err);
}

static bool str_eq(const struct val *v, const char *s)
{
	return v->kind == V_STRING && v->u.s.len == strlen(s) &&
	       !memcmp(v->u.s.s, s, v->u.s.len);
}

static const char *cstr(struct exec_state *s, const struct val *v)
{
	return gw_arena_strndup(A, v->u.s.s, v->u.s.len);
}

/* ---- JSON (Go's encoding/json: gen/go/json.c) --------------------------- */

/* Adds to *@size the least length of @n's JSON text: 0; 1 (*@err set)
 * when @n holds a cycle or is nested too deep; -1 with *@err when the text
 * would be longer than a string may be or the work is spent. */
static int json_size(struct exec_state *s, const struct gw_node *n,
		     size_t *size, const char **err)
{
	int r;

	if (!n) {
		*size += 4;
		return 0;
	}
	switch (n->kind) {
	case GW_STR:
		*size += n->u.str.len + 2;
		break;
	case GW_MAP:
		if ((r = tmpl_walk_enter(s, n, err)) != 0)
			return r;
		*size += 2;
		for (size_t i = 0; i < n->u.map.n; i++) {
			*size += n->u.map.pairs[i].key->u.str.len + 4;
			r = json_size(s, n->u.map.pairs[i].value, size, err);
			if (r)
				return r;
		}
		tmpl_walk_leave(s);
		break;
	case GW_SEQ:
		if ((r = tmpl_walk_enter(s, n, err)) != 0)
			return r;
		*size += 2;
		for (size_t i = 0; i < n->u.seq.n; i++) {
			*size += 1;
			r = json_size(s, n->u.seq.items[i], size, err);
			if (r)
				return r;
		}
		tmpl_walk_leave(s);
		break;
	default:
		*size += 1;
	}
	return tmpl_check_len(*size, err);
}

/*
 * Whether json.Marshal of @v can be written: 0; 1 when Go's fails (a
 * cycle, which Go's encoder detects, collections nested deeper than it
 * allows here, a NaN); -1 with *@err when its text would be longer than
 * a string may be (a map holding the same map twice, 40 levels deep: Go
 * would run out of memory).  The one traversal of @v that bounds the
 * writing after it.
 */
static int json_check(struct exec_state *s, const struct val *v,
		      const char **err)
{
	size_t size = 0;
	int r;

	if ((v->kind != V_MAP && v->kind != V_SLICE) || !v->u.n)
		return 0;
	tmpl_walk_start(s);
	r = json_size(s, v->u.n, &size, err);
	if (r)
		return r;
	if (tmpl_spend(s, size / 64, 0, err) < 0)
		return -1;
	return gw_go_json_ok(v->u.n) ? 0 : 1;
}

static void json_val(struct exec_state *s, struct gw_buf *b,
		     const struct val *v, bool sorted, bool html)
{
	if (v->kind == V_COMPLEX) {
		gw_buf_puts(b, "null");	/* json: unsupported type */
		return;
	}
	gw_go_json_write(b, tmpl_val_node(A, v),
			 (sorted ? GW_GO_JSON_SORTED : 0) |
			 (html ? GW_GO_JSON_HTML : 0));
}

/* A small JSON reader (numbers as float64, as Go's interface{} decoding). */
struct jreader {
	struct gw_arena *arena;
	struct exec_state *st;
	const char *s;
	size_t n, i;
	int depth;
	const char *err;	/* the values made are too many */
};

static void jskip(struct jreader *r)
{
	while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t' ||
			       r->s[r->i] == '\n' || r->s[r->i] == '\r'))
		r->i++;
}

static int j4(struct jreader *r, unsigned *u)
{
	*u = 0;
	if (r->n - r->i < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		int h = gw_go_hex_value((unsigned char)r->s[r->i + (size_t)k]);

		if (h < 0)
			return -1;
		*u = *u << 4 | (unsigned)h;
	}
	r->i += 4;
	return 0;
}

static struct gw_node *jvalue(struct jreader *r);

static struct gw_node *jstring(struct jreader *r)
{
	struct gw_buf b = {0};
	struct gw_node *n;

	r->i++;
	while (r->i < r->n && r->s[r->i] != '"') {
		unsigned char c = (unsigned char)r->s[r->i];

		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			gw_buf_add(&b, &r->s[r->i], 1);
			r->i++;
			continue;
		}
		if (++r->i >= r->n)
			goto bad;
		c = (unsigned char)r->s[r->i++];
		switch (c) {
		case '"': case '\\': case '/':
			gw_buf_add(&b, &c, 1);
			break;
		case 'b': gw_buf_add(&b, "\b", 1); break;
		case 'f': gw_buf_add(&b, "\f", 1); break;
		case 'n': gw_buf_add(&b, "\n", 1); break;
		case 'r': gw_buf_add(&b, "\r", 1); break;
		case 't': gw_buf_add(&b, "\t", 1); break;
		case 'u': {
			unsigned u, lo;

			if (j4(r, &u) < 0)
				goto bad;
			if (u >= 0xD800 && u < 0xDC00 && r->n - r->i >= 6 &&
			    r->s[r->i] == '\\' && r->s[r->i + 1] == 'u') {
				size_t save = r->i;

				r->i += 2;
				if (j4(r, &lo) == 0 && lo >= 0xDC00 &&
				    lo < 0xE000) {
					u = 0x10000 + ((u - 0xD800) << 10) +
					    (lo - 0xDC00);
				} else {
					r->i = save;
					u = 0xFFFD;
				}
			} else if (u >= 0xD800 && u < 0xE000) {
				u = 0xFFFD;
			}
			gw_utf8_put(&b, u);
			break;
		}
		default:
			goto bad;
		}
	}
	if (r->i >= r->n)
		goto bad;
	r->i++;
	n = gw_node_new(r->arena, GW_STR);
	n->u.str.s = gw_arena_strndup(r->arena, b.data ? b.data : "", b.len);
	n->u.str.len = b.len;
	gw_buf_release(&b);
	return n;
bad:
	gw_buf_release(&b);
	return NULL;
}

static struct gw_node *jnumber(struct jreader *r)
{
	size_t start = r->i;
	char buf[128];
	struct gw_node *n;

	if (r->i < r->n && r->s[r->i] == '-')
		r->i++;
	if (r->i < r->n && r->s[r->i] == '0') {
		r->i++;
	} else if (r->i < r->n && r->s[r->i] >= '1' && r->s[r->i] <= '9') {
		while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9')
			r->i++;
	} else {
		return NULL;
	}
	if (r->i < r->n && r->s[r->i] == '.') {
		r->i++;
		if (r->i >= r->n || r->s[r->i] < '0' || r->s[r->i] > '9')
			return NULL;
		while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9')
			r->i++;
	}
	if (r->i < r->n && (r->s[r->i] == 'e' || r->s[r->i] == 'E')) {
		r->i++;
		if (r->i < r->n && (r->s[r->i] == '+' || r->s[r->i] == '-'))
			r->i++;
		if (r->i >= r->n || r->s[r->i] < '0' || r->s[r->i] > '9')
			return NULL;
		while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9')
			r->i++;
	}
	if (r->i - start >= sizeof(buf))
		return NULL;
	memcpy(buf, r->s + start, r->i - start);
	buf[r->i - start] = '\0';
	n = gw_node_new(r->arena, GW_NUM);
	n->u.num = strtod(buf, NULL);
	if (isinf(n->u.num))
		return NULL;	/* Go: cannot unmarshal into float64 */
	return n;
}

static bool jword(struct jreader *r, const char *w)
{
	size_t n = strlen(w);

	if (r->n - r->i < n || memcmp(r->s + r->i, w, n))
		return false;
	r->i += n;
	return true;
}

static struct gw_node *jvalue(struct jreader *r)
{
	struct gw_node *n, *item;

	jskip(r);
	if (r->i >= r->n || ++r->depth > 10000)
		return NULL;
	if (made(r->st, 1, &r->err) < 0)
		return NULL;
	switch (r->s[r->i]) {
	case '{':
		n = gw_node_map(r->arena);
		r->i++;
		jskip(r);
		if (r->i < r->n && r->s[r->i] == '}') {
			r->i++;
			break;
		}
		for (;;) {
			struct gw_node *key;
			struct gw_pair *p;

			jskip(r);
			if (r->i >= r->n || r->s[r->i] != '"')
				return NULL;
			key = jstring(r);
			if (!key)
				return NULL;
			jskip(r);
			if (r->i >= r->n || r->s[r->i] != ':')
				return NULL;
			r->i++;
			item = jvalue(r);
			if (!item)
				return NULL;
			p = gw_map_pair(n, key->u.str.s);
			if (p && strlen(key->u.str.s) == key->u.str.len)
				p->value = item;
			else
				gw_map_put(r->arena, n, key->u.str.s, item);
			if (strlen(key->u.str.s) != key->u.str.len)
				n->u.map.pairs[n->u.map.n - 1].key = key;
			jskip(r);
			if (r->i < r->n && r->s[r->i] == ',') {
				r->i++;
				continue;
			}
			if (r->i < r->n && r->s[r->i] == '}') {
				r->i++;
				break;
			}
			return NULL;
		}
		break;
	case '[':
		n = gw_node_seq(r->arena);
		r->i++;
		jskip(r);
		if (r->i < r->n && r->s[r->i] == ']') {
			r->i++;
			break;
		}
		for (;;) {
			item = jvalue(r);
			if (!item)
				return NULL;
			gw_seq_push(r->arena, n, item);
			jskip(r);
			if (r->i < r->n && r->s[r->i] == ',') {
				r->i++;
				continue;
			}
			if (r->i < r->n && r->s[r->i] == ']') {
				r->i++;
				break;
			}
			return NULL;
		}
		break;
	case '"':
		n = jstring(r);
		break;
	case 't':
		n = jword(r, "true") ? gw_node_bool(r->arena, true) : NULL;
		break;
	case 'f':
		n = jword(r, "false") ? gw_node_bool(r->arena, false) : NULL;
		break;
	case 'n':
		n = jword(r, "null") ? gw_node_new(r->arena, GW_NULL) : NULL;
		break;
	default:
		n = jnumber(r);
	}
	r->depth--;
	return n;
}

/* json.Unmarshal into interface{}; NULL when invalid, or when the values
 * made are too many (then *@err is set). */
static struct gw_node *json_parse(struct exec_state *st, const char *s,
				  size_t n, const char **err)
{
	struct jreader r = {.arena = tmpl_exec_arena(st), .st = st, .s = s,
			    .n = n};
	struct gw_node *v = jvalue(&r);

	*err = r.err;
	if (!v)
		return NULL;
	jskip(&r);
	return r.i == r.n ? v : NULL;
}

/* ---- builtins ------------------------------------------------------------ */

static int fn_and_or(struct exec_state *s, struct val *a, size_t n,
		     struct val *out, const char **err)
{
	(void)s; (void)a; (void)n; (void)out; (void)err;
	return 0;	/* evaluated lazily by exec.c */
}

static int fn_not(struct exec_state *s, struct val *a, size_t n,
		  struct val *out, const char **err)
{
	(void)s; (void)n; (void)err;
	*out = tmpl_bool(!tmpl_truth(&a[0]));
	return 0;
}

static int fn_len(struct exec_state *s, struct val *a, size_t n,
		  struct val *out, const char **err)
{
	struct val v = a[0];

	(void)n;
	if (v.kind == V_NIL) {
		*err = "len of nil pointer";
		return -1;
	}
	v.iface = false;
	switch (v.kind) {
	case V_STRING:
		*out = tmpl_int((long long)v.u.s.len);
		return 0;
	case V_MAP:
		*out = tmpl_int(v.u.n ? (long long)v.u.n->u.map.n : 0);
		return 0;
	case V_SLICE:
		*out = tmpl_int(v.u.n ? (long long)v.u.n->u.seq.n : 0);
		return 0;
	case V_INVALID:
		*err = "reflect: call of reflect.Value.Type on zero Value";
		return -1;
	default:
		*err = tmpl_errorf(s, "len of type %s", tmpl_type_name(&v, true));
		return -1;
	}
}

static int index_arg(struct exec_state *s, const struct val *index,
		     long long cap, long long *x, const char **err)
{
	if (index->kind == V_INT) {
		*x = index->u.i;
	} else if (index->kind == V_INVALID || index->kind == V_NIL) {
		*err = "cannot index slice/array with nil";
		return -1;
	} else {
		*err = tmpl_errorf(s, "cannot index slice/array with type %s",
				   tmpl_type_name(index, true));
		return -1;
	}
	if (*x < 0 || *x > cap) {
		*err = tmpl_errorf(s, "index out of range: %lld", *x);
		return -1;
	}
	return 0;
}

static int fn_index(struct exec_state *s, struct val *a, size_t n,
		    struct val *out, const char **err)
{
	struct val item = a[0];

	if (item.kind == V_NIL || item.kind == V_INVALID) {
		*err = "index of untyped nil";
		return -1;
	}
	item.iface = false;
	for (size_t i = 1; i < n; i++) {
		struct val index = a[i];
		long long x;

		if (index.kind == V_NIL)
			index.kind = V_INVALID;
		index.iface = false;
		if (item.kind == V_NIL) {
			*err = "index of nil pointer";
			return -1;
		}
		item.iface = false;
		switch (item.kind) {
		case V_SLICE:
		case V_STRING: {
			long long len = item.kind == V_STRING ?
				(long long)item.u.s.len :
				item.u.n ? (long long)item.u.n->u.seq.n : 0;

			if (index_arg(s, &index, len, &x, err) < 0)
				return -1;
			if (x == len) {
				*err = item.kind == V_STRING ?
					"reflect: string index out of range" :
					"reflect: slice index out of range";
				return -1;
			}
			if (item.kind == V_STRING) {
				struct val b = tmpl_int((unsigned char)
							item.u.s.s[x]);

				b.type = "uint8";
				item = b;
			} else {
				item = tmpl_node_val(item.u.n->u.seq.items[x],
						     !item.type);
				if (item.kind == V_INVALID)
					item = tmpl_str("", 0);
			}
			break;
		}
		case V_MAP: {
			const struct gw_pair *p;

			if (index.kind == V_INVALID) {
				*err = "value is nil; should be of type string";
				return -1;
			}
			if (index.kind != V_STRING || index.type) {
				*err = tmpl_errorf(s, "value has type %s; should "
						   "be string",
						   tmpl_type_name(&index, true));
				return -1;
			}
			p = item.u.n ? gw_map_pair(item.u.n, cstr(s, &index)) :
				NULL;
			if (p && p->key->u.str.len != index.u.s.len)
				p = NULL;
			if (p) {
				item = tmpl_node_val(p->value, true);
			} else {
				item = (struct val){.kind = V_NIL,
						    .iface = true};
			}
			break;
		}
		default:
			*err = tmpl_errorf(s, "can't index item of type %s",
					   tmpl_type_name(&item, true));
			return -1;
		}
	}
	*out = item;
	return 0;
}

static int fn_print(struct exec_state *s, struct val *a, size_t n,
		    struct val *out, const char **err)
{
	struct gw_buf b = {0};

	if (tmpl_sprint(s, &b, a, n, err) < 0) {
		gw_buf_release(&b);
		return -1;
	}
	return result(s, &b, out, err);
}

static int fn_println(struct exec_state *s, struct val *a, size_t n,
		      struct val *out, const char **err)
{
	struct gw_buf b = {0};

	if (tmpl_sprintln(s, &b, a, n, err) < 0) {
		gw_buf_release(&b);
		return -1;
	}
	return result(s, &b, out, err);
}

static int fn_printf(struct exec_state *s, struct val *a, size_t n,
		     struct val *out, const char **err)
{
	struct gw_buf b = {0};

	if (tmpl_sprintf(s, &b, a[0].u.s.s, a[0].u.s.len, a + 1, n - 1,
			 err) < 0) {
		gw_buf_release(&b);
		return -1;
	}
	return result(s, &b, out, err);
}

/* text/template's evalArgs: the one string, or Sprint of the args: 0, or
 * -1 with *@err. */
static int eval_args(struct exec_state *s, struct val *a, size_t n,
		     struct val *out, const char **err)
{
	struct gw_buf b = {0};

	if (n == 1 && a[0].kind == V_STRING && !a[0].type) {
		*out = a[0];
		return 0;
	}
	for (size_t i = 0; i < n; i++)	/* printableValue: nil */
		if (is_nil(&a[i]))
			a[i] = tmpl_cstr("<no value>");
	if (tmpl_sprint(s, &b, a, n, err) < 0) {
		gw_buf_release(&b);
		return -1;
	}
	return result(s, &b, out, err);
}

static int fn_html(struct exec_state *s, struct val *a, size_t n,
		   struct val *out, const char **err)
{
	struct val v;
	struct gw_buf b = {0};

	if (eval_args(s, a, n, &v, err) < 0)
		return -1;
	for (size_t i = 0; i < v.u.s.len; i++) {
		if (grown(&b, err) < 0)
			return -1;
		switch (v.u.s.s[i]) {
		case '\0': gw_buf_puts(&b, "\xEF\xBF\xBD"); break;
		case '"': gw_buf_puts(&b, "&#34;"); break;
		case '\'': gw_buf_puts(&b, "&#39;"); break;
		case '&': gw_buf_puts(&b, "&amp;"); break;
		case '<': gw_buf_puts(&b, "&lt;"); break;
		case '>': gw_buf_puts(&b, "&gt;"); break;
		default: gw_buf_add(&b, v.u.s.s + i, 1);
		}
	}
	return result(s, &b, out, err);
}

static int fn_js(struct exec_state *s, struct val *a, size_t n,
		 struct val *out, const char **err)
{
	static const char hex[] = "0123456789ABCDEF";
	struct val v;
	struct gw_buf b = {0};

	if (eval_args(s, a, n, &v, err) < 0)
		return -1;
	for (size_t i = 0; i < v.u.s.len; i++) {
		if (grown(&b, err) < 0)
			return -1;
		unsigned char c = (unsigned char)v.u.s.s[i];
		char e[8];

		switch (c) {
		case '\\': gw_buf_puts(&b, "\\\\"); continue;
		case '\'': gw_buf_puts(&b, "\\'"); continue;
		case '"': gw_buf_puts(&b, "\\\""); continue;
		case '<': gw_buf_puts(&b, "\\u003C"); continue;
		case '>': gw_buf_puts(&b, "\\u003E"); continue;
		case '&': gw_buf_puts(&b, "\\u0026"); continue;
		case '=': gw_buf_puts(&b, "\\u003D"); continue;
		}
		if (c < ' ') {
			snprintf(e, sizeof(e), "\\u00%c%c", hex[c >> 4],
				 hex[c & 15]);
			gw_buf_puts(&b, e);
			continue;
		}
		if (c >= 0x80) {
			/* a rune: kept when unicode.IsPrint (an invalid
			 * byte is U+FFFD, printable), else \uXXXX */
			size_t w;
			uint32_t r = gw_go_rune(v.u.s.s + i, v.u.s.len - i, &w);

			if (gw_go_is_print(r)) {
				gw_buf_add(&b, &v.u.s.s[i], w);
			} else {
				snprintf(e, sizeof(e), "\\u%04X", (unsigned)r);
				gw_buf_puts(&b, e);
			}
			i += w - 1;
			continue;
		}
		gw_buf_add(&b, &v.u.s.s[i], 1);
	}
	return result(s, &b, out, err);
}

static int fn_urlquery(struct exec_state *s, struct val *a, size_t n,
		       struct val *out, const char **err)
{
	static const char hex[] = "0123456789ABCDEF";
	struct val v;
	struct gw_buf b = {0};

	if (eval_args(s, a, n, &v, err) < 0)
		return -1;
	for (size_t i = 0; i < v.u.s.len; i++) {
		if (grown(&b, err) < 0)
			return -1;
		unsigned char c = (unsigned char)v.u.s.s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			gw_buf_add(&b, &v.u.s.s[i], 1);
		} else if (c == ' ') {
			gw_buf_add(&b, "+", 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};

			gw_buf_add(&b, e, 3);
		}
	}
	return result(s, &b, out, err);
}

enum bkind { K_INVALID, K_BOOL, K_COMPLEX, K_INT, K_FLOAT, K_STRING, K_UINT };

static enum bkind basic_kind(const struct val *v)
{
	switch (v->kind) {
	case V_BOOL: return K_BOOL;
	case V_INT: return v->type && v->type[0] == 'u' ? K_UINT : K_INT;
	case V_FLOAT: return K_FLOAT;
	case V_COMPLEX: return K_COMPLEX;
	case V_STRING: return K_STRING;
	default: return K_INVALID;
	}
}

static bool strval_eq(const struct val *a, const struct val *b)
{
	return a->u.s.len == b->u.s.len &&
	       !memcmp(a->u.s.s, b->u.s.s, a->u.s.len);
}

static int strval_cmp(const struct val *a, const struct val *b)
{
	size_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
	int c = memcmp(a->u.s.s, b->u.s.s, n);

	if (c)
		return c;
	return a->u.s.len < b->u.s.len ? -1 : a->u.s.len > b->u.s.len;
}

static struct val unwrap(struct val v)
{
	if (v.kind == V_NIL)
		return (struct val){0};
	v.iface = false;
	return v;
}

int tmpl_compare_eq(const struct val *pa, const struct val *pb, bool *res,
		    const char **err)
{
	struct val a = unwrap(*pa), b = unwrap(*pb);
	enum bkind k1 = basic_kind(&a), k2 = basic_kind(&b);

	*res = false;
	if (k1 != k2) {
		if ((k1 == K_INT && k2 == K_UINT) || (k1 == K_UINT && k2 == K_INT))
			*res = a.u.i >= 0 && a.u.i == b.u.i;
		else if (a.kind != V_INVALID && b.kind != V_INVALID) {
			*err = "incompatible types for comparison";
			return -1;
		}
		return 0;
	}
	switch (k1) {
	case K_BOOL: *res = a.u.b == b.u.b; return 0;
	case K_COMPLEX:
		*res = a.u.c.re == b.u.c.re && a.u.c.im == b.u.c.im;
		return 0;
	case K_FLOAT: *res = a.u.f == b.u.f; return 0;
	case K_INT: case K_UINT: *res = a.u.i == b.u.i; return 0;
	case K_STRING: *res = strval_eq(&a, &b); return 0;
	case K_INVALID:
		break;
	}
	/* maps, slices and no value */
	if (a.kind != b.kind && a.kind != V_INVALID && b.kind != V_INVALID) {
		*err = "non-comparable types";
		return -1;
	}
	{
		bool na = a.kind == V_INVALID || !a.u.n;
		bool nb = b.kind == V_INVALID || !b.u.n;

		if (na || nb) {
			*res = na == nb;
			return 0;
		}
	}
	*err = "non-comparable type";
	return -1;
}

int tmpl_compare_lt(const struct val *pa, const struct val *pb, bool *res,
		    const char **err)
{
	struct val a = unwrap(*pa), b = unwrap(*pb);
	enum bkind k1 = basic_kind(&a), k2 = basic_kind(&b);

	*res = false;
	if (k1 == K_INVALID || k2 == K_INVALID) {
		*err = "invalid type for comparison";
		return -1;
	}
	if (k1 != k2) {
		if (k1 == K_INT && k2 == K_UINT)
			*res = a.u.i < 0 || a.u.i < b.u.i;
		else if (k1 == K_UINT && k2 == K_INT)
			*res = b.u.i >= 0 && a.u.i < b.u.i;
		else {
			*err = "incompatible types for comparison";
			return -1;
		}
		return 0;
	}
	switch (k1) {
	case K_BOOL: case K_COMPLEX:
		*err = "invalid type for comparison";
		return -1;
	case K_FLOAT: *res = a.u.f < b.u.f; return 0;
	case K_INT: case K_UINT: *res = a.u.i < b.u.i; return 0;
	case K_STRING: *res = strval_cmp(&a, &b) < 0; return 0;
	default: return 0;
	}
}

/* The texts of eq's errors about maps and slices (Go's %s of values). */
static const char *eq_error(struct exec_state *s, const char *err,
			    const struct val *a, const struct val *b)
{
	struct gw_buf x = {0};
	struct val ua = unwrap(*a), ub = unwrap(*b), text;
	const char *failed;
	int r;

	/* the values printed as Go prints them, within the bounds */
	if (!strcmp(err, "non-comparable types"))
		r = tmpl_sprintf(s, &x, "non-comparable types %s: %v, %s: %v",
			strlen("non-comparable types %s: %v, %s: %v"),
			(struct val[]){ua,
				tmpl_cstr(tmpl_type_name(&ua, true)),
				tmpl_cstr(tmpl_type_name(&ub, true)), ub}, 4,
			&failed);
	else if (!strcmp(err, "non-comparable type"))
		r = tmpl_sprintf(s, &x, "non-comparable type %s: %v",
			strlen("non-comparable type %s: %v"),
			(struct val[]){ub,
				tmpl_cstr(tmpl_type_name(&ub, true))}, 2,
			&failed);
	else
		return err;
	if (r < 0 || result(s, &x, &text, &failed) < 0) {
		gw_buf_release(&x);
		return failed;
	}
	return text.u.s.s;
}

static int fn_eq(struct exec_state *s, struct val *a, size_t n,
		 struct val *out, const char **err)
{
	if (n < 2) {
		*err = "missing argument for comparison";
		return -1;
	}
	for (size_t i = 1; i < n; i++) {
		bool r;

		if (tmpl_compare_eq(&a[0], &a[i], &r, err) < 0) {
			*err = eq_error(s, *err, &a[0], &a[i]);
			return -1;
		}
		if (r) {
			*out = tmpl_bool(true);
			return 0;
		}
	}
	*out = tmpl_bool(false);
	return 0;
}

static int fn_ne(struct exec_state *s, struct val *a, size_t n,
		 struct val *out, const char **err)
{
	int r = fn_eq(s, a, n, out, err);

	out->u.b = !out->u.b;
	if (r < 0)
		out->u.b = false;
	return r;
}

static int fn_lt(struct exec_state *s, struct val *a, size_t n,
		 struct val *out, const char **err)
{
	bool r;

	(void)s; (void)n;
	if (tmpl_compare_lt(&a[0], &a[1], &r, err) < 0)
		return -1;
	*out = tmpl_bool(r);
	return 0;
}

static int fn_le(struct exec_state *s, struct val *a, size_t n,
		 struct val *out, const char **err)
{
	bool r;

	(void)n;
	if (tmpl_compare_lt(&a[0], &a[1], &r, err) < 0)
		return -1;
	if (r) {
		*out = tmpl_bool(true);
		return 0;
	}
	return fn_eq(s, a, 2, out, err);
}

static int fn_gt(struct exec_state *s, struct val *a, size_t n,
		 struct val *out, const char **err)
{
	if (fn_le(s, a, n, out, err) < 0)
		return -1;
	out->u.b = !out->u.b;
	return 0;
}

static int fn_ge(struct exec_state *s, struct val *a, size_t n,
		 struct val *out, const char **err)
{
	bool r;

	(void)s; (void)n;
	if (tmpl_compare_lt(&a[0], &a[1], &r, err) < 0)
		return -1;
	*out = tmpl_bool(!r);
	return 0;
}

static int fn_call(struct exec_state *s, struct val *a, size_t n,
		   struct val *out, const char **err)
{
	struct val f = unwrap(a[0]);

	(void)n; (void)out;
	if (f.kind == V_INVALID) {
		*err = "call of nil";
		return -1;
	}
	*err = tmpl_errorf(s, "non-function of type %s",
			   tmpl_type_name(&f, true));
	return -1;
}

/* ---- Istio --------------------------------------------------------------- */

static int fn_isset(struct exec_state *s, struct val *a, size_t n,
		    struct val *out, const char **err)
{
	const struct gw_pair *p = a[0].u.n ? gw_map_pair(a[0].u.n,
						       cstr(s, &a[1])) : NULL;

	(void)n; (void)err;
	*out = tmpl_bool(p && p->key->u.str.len == a[1].u.s.len);
	return 0;
}

static int fn_exclude_inbound_port(struct exec_state *s, struct val *a,
				   size_t n, struct val *out, const char **err)
{
	struct val port;
	const char *ps, *ex = a[1].u.s.s;
	size_t pl, el = a[1].u.s.len, start = 0;
	struct gw_buf b = {0};
	bool first = true;

	(void)n;
	if (sprint1(s, &a[0], &port, err) < 0)
		return -1;
	ps = port.u.s.s;
	pl = port.u.s.len;
	while (pl && (*ps == ' ' || *ps == '\t' || *ps == '\n' || *ps == '\r')) {
		ps++;
		pl--;
	}
	while (pl && (ps[pl - 1] == ' ' || ps[pl - 1] == '\t' ||
		      ps[pl - 1] == '\n' || ps[pl - 1] == '\r'))
		pl--;
	if (pl == 0 || (pl == 1 && ps[0] == '0')) {
		*out = a[1];
		return 0;
	}
	/* splitPorts: strings.Split(ports, ",") */
	for (size_t i = 0; i <= el; i++) {
		const char *item;
		size_t il;

		if (i < el && ex[i] != ',')
			continue;
		item = ex + start;
		il = i - start;
		start = i + 1;
		if (il == pl && !memcmp(item, ps, pl)) {
			gw_buf_release(&b);
			*out = a[1];
			return 0;
		}
		while (il && (*item == ' ' || *item == '\t')) {
			item++;
			il--;
		}
		while (il && (item[il - 1] == ' ' || item[il - 1] == '\t'))
			il--;
		if (il) {
			if (!first)
				gw_buf_add(&b, ",", 1);
			gw_buf_add(&b, item, il);
			first = false;
		}
	}
	if (!first)
		gw_buf_add(&b, ",", 1);
	gw_buf_add(&b, ps, pl);
	return result(s, &b, out, err);
}

static int fn_annotation(struct exec_state *s, struct val *a, size_t n,
			 struct val *out, const char **err)
{
	struct val meta = a[0];

	(void)n; (void)err;
	if (meta.kind == V_MAP && meta.u.n) {
		const struct gw_node *ann = gw_map_get(meta.u.n, "Annotations");

		if (!ann)
			ann = gw_map_get(meta.u.n, "annotations");
		if (ann && ann->kind == GW_MAP) {
			const struct gw_pair *p = gw_map_pair(ann,
							      cstr(s, &a[1]));

			if (p && p->key->u.str.len == a[1].u.s.len) {
				struct val v = tmpl_node_val(p->value, false);

				return strval(s, &v, out, err);
			}
		}
	}
	return sprint1(s, &a[2], out, err);
}

static int fn_value_or_default(struct exec_state *s, struct val *a, size_t n,
			       struct val *out, const char **err)
{
	(void)s; (void)n; (void)err;
	if (is_nil(&a[0]) || str_eq(&a[0], ""))
		*out = a[1];
	else
		*out = a[0];
	return 0;
}

static int fn_to_json_map1(struct exec_state *s, struct val *a, size_t n,
			   struct val *out, const char **err)
{
	struct gw_buf b = {0};

	int r;

	(void)n;
	if (!a[0].u.n || (r = json_check(s, &a[0], err)) > 0) {
		*out = tmpl_cstr("{}");
		return 0;
	}
	if (r < 0)
		return -1;
	json_val(s, &b, &a[0], true, true);
	return result(s, &b, out, err);
}

static int fn_from_json(struct exec_state *s, struct val *a, size_t n,
			struct val *out, const char **err)
{
	struct gw_node *v = json_parse(s, a[0].u.s.s, a[0].u.s.len, err);

	(void)n;
	if (*err)
		return -1;
	if (!v) {
		*out = tmpl_cstr("{}");
		return 0;
	}
	*out = tmpl_node_val(v, false);
	if (out->kind == V_INVALID)
		out->kind = V_NIL;
	return 0;
}

static int fn_struct_to_json(struct exec_state *s, struct val *a, size_t n,
			     struct val *out, const char **err)
{
	struct gw_buf b = {0};

	int r = 0;

	(void)n;
	if (is_nil(&a[0]) || (r = json_check(s, &a[0], err)) > 0) {
		*out = tmpl_cstr("{}");
		return 0;
	}
	if (r < 0)
		return -1;
	/* a Go struct (gen/inject_k8s.c): its JSON bytes, as Go encodes it */
	if (a[0].kind == V_MAP && a[0].u.n && a[0].u.n->src) {
		*out = tmpl_cstr(a[0].u.n->src);
		return 0;
	}
	json_val(s, &b, &a[0], true, true);
	return result(s, &b, out, err);
}

static int fn_proto_to_json(struct exec_state *s, struct val *a, size_t n,
			    struct val *out, const char **err)
{
	struct gw_buf b = {0};

	int r = 0;

	(void)n;
	if (is_nil(&a[0]) || (r = json_check(s, &a[0], err)) > 0) {
		*out = tmpl_cstr("{}");
		return 0;
	}
	if (r < 0)
		return -1;
	/* a Go struct (gen/inject_k8s.c): its JSON bytes, as Go encodes it */
	if (a[0].kind == V_MAP && a[0].u.n && a[0].u.n->src) {
		*out = tmpl_cstr(a[0].u.n->src);
		return 0;
	}
	json_val(s, &b, &a[0], false, false);
	return result(s, &b, out, err);
}

static int fn_to_yaml(struct exec_state *s, struct val *a, size_t n,
		      struct val *out, const char **err)
{
	struct gw_buf b = {0};

	int r = 0;

	(void)n;
	if (a[0].kind == V_COMPLEX || (r = json_check(s, &a[0], err)) > 0) {
		*out = tmpl_cstr("");	/* json: unsupported type, cycle */
		return 0;
	}
	if (r < 0)
		return -1;
	if (gw_go_yaml_write_max(&b, is_nil(&a[0]) ? NULL :
				 tmpl_val_node(A, &a[0]),
				 GW_TMPL_OUTPUT_MAX) < 0) {
		gw_buf_release(&b);
		return tmpl_check_len((size_t)-1, err);
	}
	return result(s, &b, out, err);
}

static void add_spaces(struct gw_buf *b, long long n)
{
	for (long long i = 0; i < n; i++)
		gw_buf_add(b, " ", 1);
}

/* Istio's indent pads each line after the first with
 * fmt.Sprintf(fmt.Sprintf("%% %ds%%s", n), "", line): fmt's parsenum gives
 * up on a width that grows past 10^6 while it reads it ("%!(NOVERB)"). */
static int fn_indent_istio(struct exec_state *s, struct val *a, size_t n,
			   struct val *out, const char **err)
{
	long long spaces = a[0].u.i;
	unsigned long long mag = spaces < 0 ? 0 - (unsigned long long)spaces :
		(unsigned long long)spaces;
	char digits[24];
	long long width = 0;
	bool noverb = false;
	struct gw_buf b = {0};

	(void)n;
	snprintf(digits, sizeof(digits), "%llu", mag);
	for (const char *d = digits; *d; d++) {
		if (width > 1000000) {
			noverb = true;
			break;
		}
		width = width * 10 + (*d - '0');
	}
	if (!noverb && width > 20000000) {
		*err = "indent too large";
		return -1;
	}
	{
		/* the result's length: each line after the first padded */
		unsigned long long lines = 0, pad = noverb ?
			strlen("%!(NOVERB)%!(EXTRA string=, string=)") :
			(unsigned long long)width;

		for (size_t i = 0; i < a[1].u.s.len; i++)
			lines += a[1].u.s.s[i] == '\n';
		if (room(a[1].u.s.len + lines * pad, err) < 0)
			return -1;
	}
	for (size_t i = 0, start = 0; i <= a[1].u.s.len; i++) {
		if (i < a[1].u.s.len && a[1].u.s.s[i] != '\n')
			continue;
		if (start > 0) {
			gw_buf_add(&b, "\n", 1);
			if (noverb) {
				gw_buf_puts(&b, "%!(NOVERB)%!(EXTRA string=, "
					    "string=");
				gw_buf_add(&b, a[1].u.s.s + start, i - start);
				gw_buf_puts(&b, ")");
				start = i + 1;
				continue;
			}
			add_spaces(&b, width);
		}
		gw_buf_add(&b, a[1].u.s.s + start, i - start);
		start = i + 1;
	}
	return result(s, &b, out, err);
}

static int sprig_indent(struct exec_state *s, long long spaces,
			const struct val *str, bool newline, struct val *out,
			const char **err)
{
	struct gw_buf b = {0};
	unsigned long long lines = 1;

	if (spaces > 1000000) {
		*err = "indent too large";
		return -1;
	}
	for (size_t i = 0; i < str->u.s.len; i++)
		lines += str->u.s.s[i] == '\n';
	if (room(newline + str->u.s.len + lines * (unsigned long long)spaces,
		 err) < 0)
		return -1;
	if (newline)
		gw_buf_add(&b, "\n", 1);
	add_spaces(&b, spaces);
	for (size_t i = 0; i < str->u.s.len; i++) {
		gw_buf_add(&b, &str->u.s.s[i], 1);
		if (str->u.s.s[i] == '\n')
			add_spaces(&b, spaces);
	}
	return result(s, &b, out, err);
}

static int fn_nindent(struct exec_state *s, struct val *a, size_t n,
		      struct val *out, const char **err)
{
	(void)n;
	if (a[0].u.i < 0) {
		*err = "strings: negative Repeat count";
		return -1;
	}
	return sprig_indent(s, a[0].u.i, &a[1], true, out, err);
}

static int fn_directory(struct exec_state *s, struct val *a, size_t n,
			struct val *out, const char **err)
{
	const char *p = a[0].u.s.s;
	size_t i = a[0].u.s.len;

	(void)s; (void)n; (void)err;
	while (i > 0 && p[i - 1] != '/')
		i--;
	*out = tmpl_str(p, i);
	return 0;
}

static bool contains(const struct val *hay, const struct val *needle)
{
	if (needle->u.s.len == 0)
		return true;
	if (needle->u.s.len > hay->u.s.len)
		return false;
	for (size_t i = 0; i + needle->u.s.len <= hay->u.s.len; i++)
		if (!memcmp(hay->u.s.s + i, needle->u.s.s, needle->u.s.len))
			return true;
	return false;
}

static int fn_contains(struct exec_state *s, struct val *a, size_t n,
		       struct val *out, const char **err)
{
	(void)s; (void)n; (void)err;
	*out = tmpl_bool(contains(&a[1], &a[0]));
	return 0;
}

/* unicode.ToUpper / ToLower for Latin-1, Latin Extended-A, Greek and
 * Cyrillic (the rest of Unicode is kept as it is). */
static unsigned rune_case(unsigned r, bool up)
{
	if (r < 0x80) {
		if (up && r >= 'a' && r <= 'z')
			return r - 32;
		if (!up && r >= 'A' && r <= 'Z')
			return r + 32;
		return r;
	}
	if (up) {
		if ((r >= 0xE0 && r <= 0xFE && r != 0xF7) ||
		    (r >= 0x3B1 && r <= 0x3C9 && r != 0x3C2) ||
		    (r >= 0x430 && r <= 0x44F))
			return r - 32;
		if (r == 0xFF)
			return 0x178;
		if (r == 0xB5)
			return 0x39C;
		if (r >= 0x450 && r <= 0x45F)
			return r - 80;
		if (((r >= 0x101 && r <= 0x12F) || (r >= 0x133 && r <= 0x137) ||
		     (r >= 0x14B && r <= 0x177)) && (r & 1))
			return r - 1;
		if (((r >= 0x13A && r <= 0x148) || (r >= 0x17A && r <= 0x17E)) &&
		    !(r & 1))
			return r - 1;
		if (r == 0x131)
			return 'I';
		if (r == 0x17F)
			return 'S';
		return r;
	}
	if ((r >= 0xC0 && r <= 0xDE && r != 0xD7) ||
	    (r >= 0x391 && r <= 0x3A9 && r != 0x3A2) ||
	    (r >= 0x410 && r <= 0x42F))
		return r + 32;
	if (r == 0x178)
		return 0xFF;
	if (r >= 0x400 && r <= 0x40F)
		return r + 80;
	if (((r >= 0x100 && r <= 0x12E) || (r >= 0x132 && r <= 0x136) ||
	     (r >= 0x14A && r <= 0x176)) && !(r & 1))
		return r + 1;
	if (((r >= 0x139 && r <= 0x147) || (r >= 0x179 && r <= 0x17D)) &&
	    (r & 1))
		return r + 1;
	if (r == 0x130)
		return 'i';
	return r;
}

static int map_case(struct exec_state *s, struct val *a, struct val *out,
		    bool up, const char **err)
{
	const char *p = a[0].u.s.s;
	size_t n = a[0].u.s.len;
	struct gw_buf b = {0};

	/* strings.Map: an invalid byte is U+FFFD */
	for (size_t i = 0, w; i < n; i += w)
		gw_utf8_put(&b, rune_case(gw_go_rune(p + i, n - i, &w), up));
	return result(s, &b, out, err);
}

static int fn_to_lower(struct exec_state *s, struct val *a, size_t n,
		       struct val *out, const char **err)
{
	(void)n; (void)err;
	return map_case(s, a, out, false, err);
}

static int fn_to_upper(struct exec_state *s, struct val *a, size_t n,
		       struct val *out, const char **err)
{
	(void)n; (void)err;
	return map_case(s, a, out, true, err);
}

static int fn_env(struct exec_state *s, struct val *a, size_t n,
		  struct val *out, const char **err)
{
	const char *v = getenv(cstr(s, &a[0]));

	(void)n; (void)err;
	*out = v && *v ? tmpl_cstr(gw_arena_strdup(A, v)) : a[1];
	return 0;
}

static int fn_append_multus(struct exec_state *s, struct val *a, size_t n,
			    struct val *out, const char **err)
{
	const struct val *ex = &a[0], *net = &a[1];
	struct gw_buf b = {0};
	size_t last = ex->u.s.len;

	(void)n; (void)err;
	if (ex->u.s.len == 0) {
		*out = *net;
		return 0;
	}
	while (last > 0 && ex->u.s.s[last - 1] != ']')
		last--;
	if (last > 0) {
		struct gw_node *list = json_parse(s, ex->u.s.s, ex->u.s.len,
						  err);

		if (*err)
			return -1;
		if (!list || list->kind != GW_SEQ) {
			*out = *ex;
			return 0;
		}
		for (size_t i = 0; i < list->u.seq.n; i++) {
			struct gw_node *name;

			if (list->u.seq.items[i]->kind != GW_MAP) {
				*out = *ex;
				return 0;
			}
			name = gw_map_get(list->u.seq.items[i], "name");
			if (name && name->kind == GW_STR &&
			    name->u.str.len == net->u.s.len &&
			    !memcmp(name->u.str.s, net->u.s.s, net->u.s.len)) {
				*out = *ex;
				return 0;
			}
		}
		gw_buf_add(&b, ex->u.s.s, last - 1);
		gw_buf_puts(&b, ", {\"name\": \"");
		gw_buf_add(&b, net->u.s.s, net->u.s.len);
		gw_buf_puts(&b, "\"}");
		gw_buf_add(&b, ex->u.s.s + last - 1, ex->u.s.len - last + 1);
		return result(s, &b, out, err);
	}
	{
		size_t start = 0;

		for (size_t i = 0; i <= ex->u.s.len; i++) {
			const char *it;
			size_t il;

			if (i < ex->u.s.len && ex->u.s.s[i] != ',')
				continue;
			it = ex->u.s.s + start;
			il = i - start;
			start = i + 1;
			while (il && (*it == ' ' || *it == '\t' ||
				      *it == '\n' || *it == '\r')) {
				it++;
				il--;
			}
			while (il && (it[il - 1] == ' ' || it[il - 1] == '\t' ||
				      it[il - 1] == '\n' || it[il - 1] == '\r'))
				il--;
			if (il == net->u.s.len && !memcmp(it, net->u.s.s, il)) {
				*out = *ex;
				return 0;
			}
		}
	}
	gw_buf_add(&b, ex->u.s.s, ex->u.s.len);
	gw_buf_puts(&b, ", ");
	gw_buf_add(&b, net->u.s.s, net->u.s.len);
	return result(s, &b, out, err);
}

static int fn_omit(struct exec_state *s, struct val *a, size_t n,
		   struct val *out, const char **err)
{
	struct gw_node *m = gw_node_map(A);
	const struct gw_node *src = a[0].u.n;

	if (made(s, src ? src->u.map.n : 0, err) < 0)
		return -1;
	for (size_t i = 0; src && i < src->u.map.n; i++) {
		const struct gw_pair *p = &src->u.map.pairs[i];
		bool drop = false;

		for (size_t k = 1; k < n && !drop; k++)
			drop = p->key->u.str.len == a[k].u.s.len &&
			       !memcmp(p->key->u.str.s, a[k].u.s.s,
				       a[k].u.s.len);
		if (!drop)
			gw_map_put(A, m, p->key->u.str.s, p->value);
	}
	*out = map_val(m);
	return 0;
}

static int fn_strdict(struct exec_state *s, struct val *a, size_t n,
		      struct val *out, const char **err)
{
	struct gw_node *m = gw_node_map(A);

	if (made(s, n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		struct gw_node *v = i + 1 < n ? tmpl_val_node(A, &a[i + 1]) :
			gw_node_str(A, "");
		struct gw_pair *p = gw_map_pair(m, cstr(s, &a[i]));

		if (p)
			p->value = v;
		else
			gw_map_put(A, m, cstr(s, &a[i]), v);
	}
	*out = map_val(m);
	return 0;
}

/* NULL with *@err when the values made are too many. */
static struct gw_node *merge_maps(struct exec_state *s, struct val *a,
				  size_t n, const char **err)
{
	struct gw_node *m = gw_node_map(A);

	for (size_t i = 0; i < n; i++) {
		const struct gw_node *src = a[i].u.n;

		if (src && made(s, src->u.map.n, err) < 0)
			return NULL;

		for (size_t k = 0; src && k < src->u.map.n; k++) {
			const struct gw_pair *p = &src->u.map.pairs[k];
			struct gw_pair *q = gw_map_pair(m, p->key->u.str.s);

			if (q)
				q->value = p->value;
			else
				gw_map_put(A, m, p->key->u.str.s, p->value);
		}
	}
	return m;
}

static int fn_merge_maps(struct exec_state *s, struct val *a, size_t n,
			 struct val *out, const char **err)
{
	struct gw_node *m = merge_maps(s, a, n, err);

	if (!m)
		return -1;
	*out = map_val(m);
	return 0;
}

static int fn_to_json_map(struct exec_state *s, struct val *a, size_t n,
			  struct val *out, const char **err)
{
	struct gw_buf b = {0};
	struct gw_node *merged;
	struct val m;
	int r;

	if (n == 0) {
		*out = tmpl_cstr("null");
		return 0;
	}
	if (!(merged = merge_maps(s, a, n, err)))
		return -1;
	m = map_val(merged);
	if ((r = json_check(s, &m, err)) > 0) {
		*out = tmpl_cstr("");	/* Istio's, when json.Marshal fails */
		return 0;
	}
	if (r < 0)
		return -1;
	json_val(s, &b, &m, true, true);
	return result(s, &b, out, err);
}

static int fn_omit_nil(struct exec_state *s, struct val *a, size_t n,
		       struct val *out, const char **err)
{
	struct gw_node *m = gw_node_map(A);
	const struct gw_node *src = a[0].u.n;

	(void)n;
	if (made(s, src ? src->u.map.n : 0, err) < 0)
		return -1;
	for (size_t i = 0; src && i < src->u.map.n; i++)
		if (src->u.map.pairs[i].value &&
		    src->u.map.pairs[i].value->kind != GW_NULL)
			gw_map_put(A, m, src->u.map.pairs[i].key->u.str.s,
				   src->u.map.pairs[i].value);
	*out = map_val(m);
	return 0;
}

/* ---- sprig --------------------------------------------------------------- */

static bool empty(const struct val *v)
{
	switch (v->kind) {
	case V_INVALID: case V_NIL: return true;
	case V_MAP: case V_SLICE: return !v->u.n || v->u.n->u.seq.n == 0 ||
		(v->kind == V_MAP && v->u.n->u.map.n == 0);
	default: return !tmpl_truth(v);
	}
}

static int fn_default(struct exec_state *s, struct val *a, size_t n,
		      struct val *out, const char **err)
{
	(void)s; (void)err;
	if (n < 2 || empty(&a[1]))
		*out = a[0];
	else
		*out = a[1];
	return 0;
}

static int fn_empty(struct exec_state *s, struct val *a, size_t n,
		    struct val *out, const char **err)
{
	(void)s; (void)n; (void)err;
	*out = tmpl_bool(empty(&a[0]));
	return 0;
}

static int fn_coalesce(struct exec_state *s, struct val *a, size_t n,
		       struct val *out, const char **err)
{
	(void)s; (void)err;
	for (size_t i = 0; i < n; i++)
		if (!empty(&a[i])) {
			*out = a[i];
			return 0;
		}
	*out = (struct val){.kind = V_NIL};
	return 0;
}

static int fn_ternary(struct exec_state *s, struct val *a, size_t n,
		      struct val *out, const char **err)
{
	(void)s; (void)n; (void)err;
	*out = a[2].u.b ? a[0] : a[1];
	return 0;
}

static int fn_quote(struct exec_state *s, struct val *a, size_t n,
		    struct val *out, const char **err)
{
	struct gw_buf b = {0};
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		struct val v;

		if (is_nil(&a[i]))
			continue;
		if (grown(&b, err) < 0)
			return -1;
		if (strval(s, &a[i], &v, err) < 0) {
			gw_buf_release(&b);
			return -1;
		}
		if (!first)
			gw_buf_add(&b, " ", 1);
		gw_go_quote(&b, v.u.s.s, v.u.s.len);
		first = false;
	}
	return result(s, &b, out, err);
}

static int fn_squote(struct exec_state *s, struct val *a, size_t n,
		     struct val *out, const char **err)
{
	struct gw_buf b = {0};
	bool first = true;

	(void)err;
	for (size_t i = 0; i < n; i++) {
		if (is_nil(&a[i]))
			continue;
		if (!first)
			gw_buf_add(&b, " ", 1);
		gw_buf_add(&b, "'", 1);
		if (tmpl_print_value(s, &b, &a[i], err) < 0 ||
		    grown(&b, err) < 0) {
			gw_buf_release(&b);
			return -1;
		}
		gw_buf_add(&b, "'", 1);
		first = false;
	}
	return result(s, &b, out, err);
}

static int fn_list(struct exec_state *s, struct val *a, size_t n,
		   struct val *out, const char **err)
{
	struct gw_node *seq = gw_node_seq(A);

	if (made(s, n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		gw_seq_push(A, seq, tmpl_val_node(A, &a[i]));
	*out = slice_val(seq, NULL);
	return 0;
}

static int fn_append(struct exec_state *s, struct val *a, size_t n,
		     struct val *out, const char **err)
{
	struct gw_node *seq, **last;
	size_t len, last_n;

	(void)n;
	if (is_nil(&a[0])) {
		*err = "runtime error: invalid memory address or nil pointer "
		       "dereference";
		return -1;
	}
	if (a[0].kind != V_SLICE) {
		const char *kind = a[0].kind == V_MAP ? "map" :
			a[0].kind == V_INT ? (a[0].type ? a[0].type : "int") :
			tmpl_type_name(&a[0], true);

		*err = tmpl_errorf(s, "Cannot push on type %s", kind);
		return -1;
	}
	/* sprig copies the list (Go's collector frees the old ones); gwc's
	 * arena would keep every copy, so the latest list is extended in
	 * its spare room instead: the same values, in linear time */
	len = a[0].u.n ? a[0].u.n->u.seq.n : 0;
	last = tmpl_last_append(s, &last_n);
	seq = gw_node_new(A, GW_SEQ);
	if (len && a[0].u.n->u.seq.items == last && len == last_n &&
	    len < a[0].u.n->u.seq.cap) {
		if (made(s, 1, err) < 0)
			return -1;
		seq->u.seq.items = last;
		seq->u.seq.cap = a[0].u.n->u.seq.cap;
	} else {
		if (made(s, len + 1, err) < 0)
			return -1;
		seq->u.seq.cap = 2 * (len + 1);
		seq->u.seq.items = gw_arena_alloc(A, seq->u.seq.cap *
						  sizeof(*seq->u.seq.items));
		for (size_t i = 0; i < len; i++)
			seq->u.seq.items[i] = a[0].u.n->u.seq.items[i];
	}
	seq->u.seq.items[len] = tmpl_val_node(A, &a[1]);
	seq->u.seq.n = len + 1;
	tmpl_set_last_append(s, seq->u.seq.items, seq->u.seq.n);
	*out = slice_val(seq, NULL);
	return 0;
}

/* sprig's strslice: 0, or -1 with *@err. */
static int strslice(struct exec_state *s, const struct val *v,
		    struct gw_node *out, const char **err)
{
	struct val sv;

	if (v->kind == V_SLICE) {
		if (v->u.n && made(s, v->u.n->u.seq.n, err) < 0)
			return -1;
		for (size_t i = 0; v->u.n && i < v->u.n->u.seq.n; i++) {
			struct val e = tmpl_node_val(v->u.n->u.seq.items[i],
						     false);

			if (e.kind == V_INVALID)
				continue;
			if (strval(s, &e, &sv, err) < 0)
				return -1;
			gw_seq_push(A, out, tmpl_val_node(A, &sv));
		}
		return 0;
	}
	if (is_nil(v))
		return 0;
	if (strval(s, v, &sv, err) < 0)
		return -1;
	gw_seq_push(A, out, tmpl_val_node(A, &sv));
	return 0;
}

static int fn_join(struct exec_state *s, struct val *a, size_t n,
		   struct val *out, const char **err)
{
	struct gw_node *list = gw_node_seq(A);
	struct gw_buf b = {0};
	unsigned long long len = 0;

	(void)n;
	if (strslice(s, &a[1], list, err) < 0)
		return -1;
	for (size_t i = 0; i < list->u.seq.n; i++)
		len += (i ? a[0].u.s.len : 0) + list->u.seq.items[i]->u.str.len;
	if (room(len, err) < 0)
		return -1;
	for (size_t i = 0; i < list->u.seq.n; i++) {
		if (i)
			gw_buf_add(&b, a[0].u.s.s, a[0].u.s.len);
		gw_buf_add(&b, list->u.seq.items[i]->u.str.s,
			   list->u.seq.items[i]->u.str.len);
	}
	return result(s, &b, out, err);
}

static int fn_trunc(struct exec_state *s, struct val *a, size_t n,
		    struct val *out, const char **err)
{
	long long c = a[0].u.i, len = (long long)a[1].u.s.len;

	(void)s; (void)n; (void)err;
	if (c < 0 && len + c > 0)
		*out = tmpl_str(a[1].u.s.s + len + c, (size_t)-c);
	else if (c >= 0 && len > c)
		*out = tmpl_str(a[1].u.s.s, (size_t)c);
	else
		*out = a[1];
	return 0;
}

static bool has_prefix(const struct val *s, const struct val *p)
{
	return s->u.s.len >= p->u.s.len &&
	       !memcmp(s->u.s.s, p->u.s.s, p->u.s.len);
}

static bool has_suffix(const struct val *s, const struct val *p)
{
	return s->u.s.len >= p->u.s.len &&
	       !memcmp(s->u.s.s + s->u.s.len - p->u.s.len, p->u.s.s,
		       p->u.s.len);
}

static int fn_trim_suffix(struct exec_state *s, struct val *a, size_t n,
			  struct val *out, const char **err)
{
	(void)s; (void)n; (void)err;
	*out = a[1];
	if (has_suffix(&a[1], &a[0]))
		out->u.s.len -= a[0].u.s.len;
	return 0;
}

static int fn_trim_prefix(struct exec_state *s, struct val *a, size_t n,
			  struct val *out, const char **err)
{
	(void)s; (void)n; (void)err;
	*out = a[1];
	if (has_prefix(&a[1], &a[0])) {
		out->u.s.s += a[0].u.s.len;
		out->u.s.len -= a[0].u.s.len;
	}
	return 0;
}

static int fn_has_prefix(struct exec_state *s, struct val *a, size_t n,
			 struct val *out, const char **err)
{
	(void)s; (void)n; (void)err;
	*out = tmpl_bool(has_prefix(&a[1], &a[0]));
	return 0;
}

static int fn_has_suffix(struct exec_state *s, struct val *a, size_t n,
			 struct val *out, const char **err)
{
	(void)s; (void)n; (void)err;
	*out = tmpl_bool(has_suffix(&a[1], &a[0]));
	return 0;
}

static bool is_go_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

static int fn_trim(struct exec_state *s, struct val *a, size_t n,
		   struct val *out, const char **err)
{
	const char *p = a[0].u.s.s;
	size_t len = a[0].u.s.len;

	(void)s; (void)n; (void)err;
	while (len && is_go_space((unsigned char)*p)) {
		p++;
		len--;
	}
	while (len && is_go_space((unsigned char)p[len - 1]))
		len--;
	*out = tmpl_str(p, len);
	return 0;
}

static int fn_replace(struct exec_state *s, struct val *a, size_t n,
		      struct val *out, const char **err)
{
	const struct val *old = &a[0], *new = &a[1], *src = &a[2];
	struct gw_buf b = {0};
	unsigned long long count = 0;

	(void)n;
	/* the result's length first: new for each old (each rune, +1) */
	if (old->u.s.len == 0) {
		for (size_t i = 0, w; i < src->u.s.len; i += w, count++)
			gw_go_rune(src->u.s.s + i, src->u.s.len - i, &w);
		count++;
	} else {
		for (size_t i = 0; i + old->u.s.len <= src->u.s.len;)
			if (!memcmp(src->u.s.s + i, old->u.s.s, old->u.s.len)) {
				count++;
				i += old->u.s.len;
			} else {
				i++;
			}
	}
	if (room(src->u.s.len + count * new->u.s.len, err) < 0)
		return -1;
	if (old->u.s.len == 0) {
		/* strings.Replace with an empty old: around every rune */
		size_t i = 0;

		gw_buf_add(&b, new->u.s.s, new->u.s.len);
		while (i < src->u.s.len) {
			size_t w = 1;
			unsigned char c = (unsigned char)src->u.s.s[i];

			if (c >= 0xF0) w = 4;
			else if (c >= 0xE0) w = 3;
			else if (c >= 0xC0) w = 2;
			if (i + w > src->u.s.len)
				w = 1;
			gw_buf_add(&b, src->u.s.s + i, w);
			gw_buf_add(&b, new->u.s.s, new->u.s.len);
			i += w;
		}
		return result(s, &b, out, err);
	}
	for (size_t i = 0; i < src->u.s.len;) {
		if (i + old->u.s.len <= src->u.s.len &&
		    !memcmp(src->u.s.s + i, old->u.s.s, old->u.s.len)) {
			gw_buf_add(&b, new->u.s.s, new->u.s.len);
			i += old->u.s.len;
		} else {
			gw_buf_add(&b, src->u.s.s + i, 1);
			i++;
		}
	}
	return result(s, &b, out, err);
}

static int fn_split_list(struct exec_state *s, struct val *a, size_t n,
			 struct val *out, const char **err)
{
	struct gw_node *seq = gw_node_seq(A);
	const struct val *sep = &a[0], *str = &a[1];
	size_t start = 0, count = 1;

	(void)n;
	/* the elements first: one per rune, or one more than separators */
	if (sep->u.s.len == 0) {
		count = str->u.s.len;
	} else {
		for (size_t i = 0; i + sep->u.s.len <= str->u.s.len;)
			if (!memcmp(str->u.s.s + i, sep->u.s.s, sep->u.s.len)) {
				count++;
				i += sep->u.s.len;
			} else {
				i++;
			}
	}
	if (made(s, count, err) < 0)
		return -1;
	if (sep->u.s.len == 0) {
		/* strings.Split(s, ""): one element per UTF-8 sequence */
		for (size_t i = 0, w; i < str->u.s.len; i += w) {
			struct val c;

			gw_go_rune(str->u.s.s + i, str->u.s.len - i, &w);
			c = tmpl_str(str->u.s.s + i, w);
			gw_seq_push(A, seq, tmpl_val_node(A, &c));
		}
	} else {
		for (size_t i = 0; i + sep->u.s.len <= str->u.s.len;) {
			if (!memcmp(str->u.s.s + i, sep->u.s.s, sep->u.s.len)) {
				struct val p = tmpl_str(str->u.s.s + start,
							i - start);

				gw_seq_push(A, seq, tmpl_val_node(A, &p));
				i += sep->u.s.len;
				start = i;
			} else {
				i++;
			}
		}
		{
			struct val p = tmpl_str(str->u.s.s + start,
						str->u.s.len - start);

			gw_seq_push(A, seq, tmpl_val_node(A, &p));
		}
	}
	*out = slice_val(seq, "[]string");
	return 0;
}

static int fn_to_string(struct exec_state *s, struct val *a, size_t n,
			struct val *out, const char **err)
{
	(void)n;
	if (strval(s, &a[0], out, err) < 0)
		return -1;
	out->type = NULL;
	return 0;
}

static int fn_dict(struct exec_state *s, struct val *a, size_t n,
		   struct val *out, const char **err)
{
	struct gw_node *m = gw_node_map(A);

	if (made(s, n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		struct val k;
		const char *key;
		struct gw_node *v;
		struct gw_pair *p;

		if (strval(s, &a[i], &k, err) < 0)
			return -1;
		key = cstr(s, &k);
		v = i + 1 < n ? tmpl_val_node(A, &a[i + 1]) :
			gw_node_str(A, "");
		p = gw_map_pair(m, key);

		if (p)
			p->value = v;
		else
			gw_map_put(A, m, key, v);
	}
	*out = map_val(m);
	return 0;
}

static int fn_get(struct exec_state *s, struct val *a, size_t n,
		  struct val *out, const char **err)
{
	const struct gw_pair *p = a[0].u.n ? gw_map_pair(a[0].u.n,
						       cstr(s, &a[1])) : NULL;

	(void)n; (void)err;
	*out = p ? tmpl_node_val(p->value, false) : tmpl_str("", 0);
	if (out->kind == V_INVALID)
		out->kind = V_NIL;
	return 0;
}

static int fn_set(struct exec_state *s, struct val *a, size_t n,
		  struct val *out, const char **err)
{
	struct gw_node *m = (struct gw_node *)a[0].u.n;
	struct gw_pair *p;

	(void)n;
	if (!m) {
		*err = "assignment to entry in nil map";
		return -1;
	}
	if (made(s, 1, err) < 0)
		return -1;
	p = gw_map_pair(m, cstr(s, &a[1]));
	if (p)
		p->value = tmpl_val_node(A, &a[2]);
	else
		gw_map_put(A, m, cstr(s, &a[1]), tmpl_val_node(A, &a[2]));
	*out = a[0];
	return 0;
}

static int fn_has_key(struct exec_state *s, struct val *a, size_t n,
		      struct val *out, const char **err)
{
	return fn_isset(s, a, n, out, err);
}

static int fn_keys(struct exec_state *s, struct val *a, size_t n,
		   struct val *out, const char **err)
{
	struct gw_node *seq = gw_node_seq(A);

	for (size_t i = 0; i < n; i++)
		if (a[i].u.n && made(s, a[i].u.n->u.map.n, err) < 0)
			return -1;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; a[i].u.n && k < a[i].u.n->u.map.n; k++)
			gw_seq_push(A, seq, a[i].u.n->u.map.pairs[k].key);
	*out = slice_val(seq, "[]string");
	return 0;
}

/* spf13/cast's ToInt64 (errors give 0). */
static long long cast_int(const struct val *v)
{
	switch (v->kind) {
	case V_INT: return v->u.i;
	case V_FLOAT:
		/* Go's conversion on amd64: out of range gives MinInt64 */
		if (v->u.f > -9223372036854775808.0 &&
		    v->u.f < 9223372036854775808.0)
			return (long long)v->u.f;
		return INT64_MIN;
	case V_BOOL: return v->u.b;
	case V_STRING: {
		char *buf = strndup(v->u.s.s, v->u.s.len), *end;
		long long r;

		if (!buf)
			gw_oom();
		r = strtoll(buf, &end, 0);
		if (*end || !*buf)
			r = 0;
		free(buf);
		return r;
	}
	default: return 0;
	}
}

static int fn_int(struct exec_state *s, struct val *a, size_t n,
		  struct val *out, const char **err)
{
	(void)s; (void)n; (void)err;
	*out = tmpl_int(cast_int(&a[0]));
	return 0;
}

static int fn_int64(struct exec_state *s, struct val *a, size_t n,
		    struct val *out, const char **err)
{
	(void)s; (void)n; (void)err;
	*out = tmpl_int(cast_int(&a[0]));
	out->type = "int64";
	return 0;
}

static int fn_add(struct exec_state *s, struct val *a, size_t n,
		  struct val *out, const char **err)
{
	unsigned long long sum = 0;

	(void)s; (void)err;
	for (size_t i = 0; i < n; i++)
		sum += (unsigned long long)cast_int(&a[i]);
	*out = tmpl_int((long long)sum);
	out->type = "int64";
	return 0;
}

static int fn_b64enc(struct exec_state *s, struct val *a, size_t n,
		     struct val *out, const char **err)
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)a[0].u.s.s;
	size_t len = a[0].u.s.len;
	struct gw_buf b = {0};

	(void)n; (void)err;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		char q[4];

		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		q[0] = tbl[v >> 18 & 63];
		q[1] = tbl[v >> 12 & 63];
		q[2] = i + 1 < len ? tbl[v >> 6 & 63] : '=';
		q[3] = i + 2 < len ? tbl[v & 63] : '=';
		gw_buf_add(&b, q, 4);
	}
	return result(s, &b, out, err);
}

static int fn_cat(struct exec_state *s, struct val *a, size_t n,
		  struct val *out, const char **err)
{
	struct gw_buf b = {0};
	bool first = true;

	(void)err;
	for (size_t i = 0; i < n; i++) {
		if (is_nil(&a[i]))
			continue;
		if (!first)
			gw_buf_add(&b, " ", 1);
		if (tmpl_print_value(s, &b, &a[i], err) < 0 ||
		    grown(&b, err) < 0) {
			gw_buf_release(&b);
			return -1;
		}
		first = false;
	}
	return result(s, &b, out, err);
}

/* Go's reflect Kind name of a value, for sprig's messages. */
static const char *kind_name(const struct val *v)
{
	switch (v->kind) {
	case V_MAP: return "map";
	case V_SLICE: return "slice";
	case V_INT: return v->type ? v->type : "int";
	default: return tmpl_type_name(v, true);
	}
}

static int fn_sprig_slice(struct exec_state *s, struct val *a, size_t n,
			  struct val *out, const char **err)
{
	long long len, start = 0, end;
	struct gw_node *seq;

	if (is_nil(&a[0])) {
		*err = "runtime error: invalid memory address or nil pointer "
		       "dereference";
		return -1;
	}
	if (a[0].kind != V_SLICE) {
		*err = tmpl_errorf(s, "list should be type of slice or array "
				   "but %s", kind_name(&a[0]));
		return -1;
	}
	len = a[0].u.n ? (long long)a[0].u.n->u.seq.n : 0;
	if (len == 0) {
		*out = (struct val){.kind = V_NIL};
		return 0;
	}
	if (n > 1)
		start = cast_int(&a[1]);
	end = n < 3 ? len : cast_int(&a[2]);
	if (start < 0 || end < start || end > len) {
		*err = "reflect.Value.Slice: slice index out of bounds";
		return -1;
	}
	if (made(s, (size_t)(end - start), err) < 0)
		return -1;
	seq = gw_node_seq(A);
	for (long long i = start; i < end; i++)
		gw_seq_push(A, seq, a[0].u.n->u.seq.items[i]);
	*out = slice_val(seq, a[0].type);
	return 0;
}

/* ---- the table ----------------------------------------------------------- */

#define F(n, f, nin, var, ifc, ...) \
	{ n, f, nin, var, ifc, false, { __VA_ARGS__ }, NULL }
#define B(n, f, nin, var, ...) \
	{ n, f, nin, var, false, true, { __VA_ARGS__ }, NULL }
#define S(n) { n, NULL, 0, true, false, false, { P_ANY }, NULL }

static const struct tfunc funcs[] = {
	/* Go's builtins */
	B("and", fn_and_or, 2, true, P_VALUE, P_VALUE),
	B("call", fn_call, 2, true, P_VALUE, P_VALUE),
	B("html", fn_html, 1, true, P_ANY),
	B("index", fn_index, 2, true, P_VALUE, P_VALUE),
	B("js", fn_js, 1, true, P_ANY),
	B("len", fn_len, 1, false, P_VALUE),
	B("not", fn_not, 1, false, P_VALUE),
	B("or", fn_and_or, 2, true, P_VALUE, P_VALUE),
	/* slice: sprig's shadows the builtin (a function map wins) */
	B("print", fn_print, 1, true, P_ANY),
	B("printf", fn_printf, 2, true, P_STRING, P_ANY),
	B("println", fn_println, 1, true, P_ANY),
	B("urlquery", fn_urlquery, 1, true, P_ANY),
	B("eq", fn_eq, 2, true, P_VALUE, P_VALUE),
	B("ge", fn_ge, 2, false, P_VALUE, P_VALUE),
	B("gt", fn_gt, 2, false, P_VALUE, P_VALUE),
	B("le", fn_le, 2, false, P_VALUE, P_VALUE),
	B("lt", fn_lt, 2, false, P_VALUE, P_VALUE),
	B("ne", fn_ne, 2, false, P_VALUE, P_VALUE),
	/* Istio's injection function map */
	F("isset", fn_isset, 2, false, false, P_MAP, P_STRING),
	F("excludeInboundPort", fn_exclude_inbound_port, 2, false, false,
	  P_ANY, P_STRING),
	F("annotation", fn_annotation, 3, false, false, P_MAP, P_STRING,
	  P_ANY),
	F("valueOrDefault", fn_value_or_default, 2, false, true, P_ANY,
	  P_ANY),
	F("toJSON", fn_to_json_map1, 1, false, false, P_MAP),
	F("toJson", fn_to_json_map1, 1, false, false, P_MAP),
	F("fromJSON", fn_from_json, 1, false, true, P_STRING),
	F("structToJSON", fn_struct_to_json, 1, false, false, P_ANY),
	F("protoToJSON", fn_proto_to_json, 1, false, false, P_ANY),
	F("toYaml", fn_to_yaml, 1, false, false, P_ANY),
	F("indent", fn_indent_istio, 2, false, false, P_INT, P_STRING),
	F("directory", fn_directory, 1, false, false, P_STRING),
	F("contains", fn_contains, 2, false, false, P_STRING, P_STRING),
	F("toLower", fn_to_lower, 1, false, false, P_STRING),
	F("appendMultusNetwork", fn_append_multus, 2, false, false, P_STRING,
	  P_STRING),
	F("env", fn_env, 2, false, false, P_STRING, P_STRING),
	F("omit", fn_omit, 2, true, false, P_MAP, P_STRING),
	F("strdict", fn_strdict, 1, true, false, P_STRING),
	F("toJsonMap", fn_to_json_map, 1, true, false, P_MAP),
	F("mergeMaps", fn_merge_maps, 1, true, false, P_MAP),
	F("omitNil", fn_omit_nil, 1, false, false, P_MAP),
	/* sprig */
	F("default", fn_default, 2, true, true, P_ANY, P_ANY),
	F("empty", fn_empty, 1, false, false, P_ANY),
	F("coalesce", fn_coalesce, 1, true, true, P_ANY),
	F("ternary", fn_ternary, 3, false, true, P_ANY, P_ANY, P_BOOL),
	F("quote", fn_quote, 1, true, false, P_ANY),
	F("squote", fn_squote, 1, true, false, P_ANY),
	F("cat", fn_cat, 1, true, false, P_ANY),
	F("list", fn_list, 1, true, false, P_ANY),
	F("append", fn_append, 2, false, false, P_ANY, P_ANY),
	F("push", fn_append, 2, false, false, P_ANY, P_ANY),
	F("join", fn_join, 2, false, false, P_STRING, P_ANY),
	F("nindent", fn_nindent, 2, false, false, P_INT, P_STRING),
	F("trunc", fn_trunc, 2, false, false, P_INT, P_STRING),
	F("trimSuffix", fn_trim_suffix, 2, false, false, P_STRING, P_STRING),
	F("trimPrefix", fn_trim_prefix, 2, false, false, P_STRING, P_STRING),
	F("hasPrefix", fn_has_prefix, 2, false, false, P_STRING, P_STRING),
	F("hasSuffix", fn_has_suffix, 2, false, false, P_STRING, P_STRING),
	F("trim", fn_trim, 1, false, false, P_STRING),
	F("upper", fn_to_upper, 1, false, false, P_STRING),
	F("lower", fn_to_lower, 1, false, false, P_STRING),
	F("replace", fn_replace, 3, false, false, P_STRING, P_STRING,
	  P_STRING),
	F("splitList", fn_split_list, 2, false, false, P_STRING, P_STRING),
	F("toString", fn_to_string, 1, false, false, P_ANY),
	F("dict", fn_dict, 1, true, false, P_ANY),
	F("get", fn_get, 2, false, true, P_MAP, P_STRING),
	F("set", fn_set, 3, false, false, P_MAP, P_STRING, P_ANY),
	F("hasKey", fn_has_key, 2, false, false, P_MAP, P_STRING),
	F("keys", fn_keys, 1, true, false, P_MAP),
	F("int", fn_int, 1, false, false, P_ANY),
	F("int64", fn_int64, 1, false, false, P_ANY),
	F("add", fn_add, 1, true, false, P_ANY),
	F("b64enc", fn_b64enc, 1, false, false, P_STRING),
	F("slice", fn_sprig_slice, 1, true, true, P_ANY),
	/* the rest of sprig's names: they parse, and fail when called */
	S("hello"), S("ago"), S("date"), S("date_in_zone"), S("date_modify"),
	S("dateInZone"), S("dateModify"), S("duration"), S("durationRound"),
	S("htmlDate"), S("htmlDateInZone"), S("must_date_modify"),
	S("mustDateModify"), S("mustToDate"), S("now"), S("toDate"),
	S("unixEpoch"), S("abbrev"), S("abbrevboth"), S("title"),
	S("untitle"), S("substr"), S("repeat"), S("trimall"), S("trimAll"),
	S("nospace"), S("initials"), S("randAlphaNum"), S("randAlpha"),
	S("randAscii"), S("randNumeric"), S("swapcase"), S("shuffle"),
	S("snakecase"), S("camelcase"), S("kebabcase"), S("wrap"),
	S("wrapWith"), S("plural"), S("sha1sum"), S("sha256sum"),
	S("adler32sum"), S("atoi"), S("float64"), S("seq"), S("toDecimal"),
	S("split"), S("splitn"), S("toStrings"), S("until"), S("untilStep"),
	S("add1"), S("sub"), S("div"), S("mod"), S("mul"), S("randInt"),
	S("add1f"), S("addf"), S("subf"), S("divf"), S("mulf"), S("biggest"),
	S("max"), S("min"), S("maxf"), S("minf"), S("ceil"), S("floor"),
	S("round"), S("sortAlpha"), S("all"), S("any"), S("compact"),
	S("mustCompact"), S("fromJson"), S("toPrettyJson"), S("toRawJson"),
	S("mustFromJson"), S("mustToJson"), S("mustToPrettyJson"),
	S("mustToRawJson"), S("deepCopy"), S("mustDeepCopy"), S("typeOf"),
	S("typeIs"), S("typeIsLike"), S("kindOf"), S("kindIs"),
	S("deepEqual"), S("expandenv"), S("getHostByName"), S("base"),
	S("dir"), S("clean"), S("ext"), S("isAbs"), S("osBase"),
	S("osClean"), S("osDir"), S("osExt"), S("osIsAbs"), S("b64dec"),
	S("b32enc"), S("b32dec"), S("tuple"), S("unset"), S("pluck"),
	S("pick"), S("merge"), S("mergeOverwrite"), S("mustMerge"),
	S("mustMergeOverwrite"), S("values"), S("mustAppend"), S("prepend"),
	S("mustPrepend"), S("first"), S("mustFirst"), S("rest"),
	S("mustRest"), S("last"), S("mustLast"), S("initial"),
	S("mustInitial"), S("reverse"), S("mustReverse"), S("uniq"),
	S("mustUniq"), S("without"), S("mustWithout"), S("has"),
	S("mustHas"), S("mustSlice"), S("concat"), S("dig"),
	S("chunk"), S("mustChunk"), S("bcrypt"), S("htpasswd"),
	S("genPrivateKey"), S("derivePassword"), S("buildCustomCert"),
	S("genCA"), S("genCAWithKey"), S("genSelfSignedCert"),
	S("genSelfSignedCertWithKey"), S("genSignedCert"),
	S("genSignedCertWithKey"), S("encryptAES"), S("decryptAES"),
	S("randBytes"), S("uuidv4"), S("semver"), S("semverCompare"),
	S("fail"), S("regexMatch"), S("mustRegexMatch"), S("regexFindAll"),
	S("mustRegexFindAll"), S("regexFind"), S("mustRegexFind"),
	S("regexReplaceAll"), S("mustRegexReplaceAll"),
	S("regexReplaceAllLiteral"), S("mustRegexReplaceAllLiteral"),
	S("regexSplit"), S("mustRegexSplit"), S("regexQuoteMeta"),
	S("urlParse"), S("urlJoin"), S("formatDuration"),
	S("includeInboundPorts"), S("kubevirtInterfaces"),
	S("applicationPorts"), S("otelResourceAttributes"),
};

const struct tfunc *tmpl_func_find(const char *name)
{
	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		if (!strcmp(funcs[i].name, name))
			return &funcs[i];
	return NULL;
}

const char *tmpl_ptype_name(enum ptype t)
{
	switch (t) {
	case P_VALUE: return "reflect.Value";
	case P_ANY: return "interface {}";
	case P_STRING: return "string";
	case P_INT: return "int";
	case P_INT64: return "int64";
	case P_BOOL: return "bool";
	case P_FLOAT: return "float64";
	case P_MAP: return "map[string]interface {}";
	case P_MAPSS: return "map[string]string";
	case P_SLICE: return "[]interface {}";
	case P_SSLICE: return "[]string";
	}
	return "?";
}
