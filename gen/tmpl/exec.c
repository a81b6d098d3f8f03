/*
 * exec.c - trees + data -> text, as Go's text/template/exec.go.
 *
 * Consumes a parsed set and a gw_node tree as dot; appends the output to a
 * gw_buf.  Values follow Go's reflection rules as the templates see them
 * (see struct val): a map's or a slice's element sits in an interface{},
 * a pipeline's result is taken out of it, a missing key is no value.  An
 * error unwinds with longjmp() to gw_tmpl_exec() with Go's message, which
 * names the template, the position and the node being evaluated.
 *
 * Depth: {{template}} calls nest at most GW_TMPL_DEPTH_MAX deep, and the
 * evaluation recursion as a whole at most EVAL_DEPTH_MAX, so that the C
 * stack cannot overflow (Go's own limit is 100000 template calls on a
 * growable stack).
 *
 * Bounds (tmpl.h): the execution state keeps the steps spent and the bytes
 * of values made; enter() spends a step for each node and pipeline, and
 * the functions spend through tmpl_spend() what they make and visit.  The
 * output is checked after each piece of text written.  A traversal of a
 * value keeps the containers it is inside in a stack with a small hash
 * index (struct walk), so that a cycle is found at its first repetition.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define EVAL_DEPTH_MAX 10000
#define WALK_BUCKETS 256
#define STR(x) #x
#define NUM(x) STR(x)	/* a limit's digits */

struct var {
	const char *name;
	struct val v;
};

enum control { CTL_NONE, CTL_BREAK, CTL_CONTINUE };

/* The containers a traversal of a value is inside, innermost last; each
 * entry links to the one before it in its bucket, so that the entries of a
 * bucket are a chain from head[] (-1: none). */
struct walk {
	const struct gw_node *node[GW_TMPL_NEST_MAX];
	int next[GW_TMPL_NEST_MAX];
	int head[WALK_BUCKETS];
	int depth;
};

struct exec_state {
	struct gw_tmpl *set;
	struct gw_arena *arena;
	const char *tmpl_name;
	const struct node *node;
	struct var *vars;	/* malloc'ed; freed by gw_tmpl_exec() */
	size_t nvars, capvars;
	size_t base;		/* the current template's first variable */
	int depth;
	int eval_depth;
	unsigned long long work;	/* steps spent: GW_TMPL_WORK_MAX */
	unsigned long long made;	/* bytes of values: GW_TMPL_VALUE_MAX */
	struct gw_node **append_items;	/* tmpl_last_append() */
	size_t append_n;
	struct walk walk;
	enum control control;
	struct gw_buf *out;
	size_t out_start;		/* out->len before the execution */
	jmp_buf jmp;
	const char *err;
};

static const struct val invalid_val;

/* ---- values -------------------------------------------------------------- */

struct val tmpl_str(const char *s, size_t len)
{
	struct val v = {.kind = V_STRING};

	v.u.s.s = s;
	v.u.s.len = len;
	return v;
}

struct val tmpl_cstr(const char *s)
{
	return tmpl_str(s, strlen(s));
}

struct val tmpl_int(long long i)
{
	struct val v = {.kind = V_INT};

	v.u.i = i;
	return v;
}

struct val tmpl_bool(bool b)
{
	struct val v = {.kind = V_BOOL};

	v.u.b = b;
	return v;
}

struct val tmpl_node_val(const struct gw_node *n, bool iface)
{
	struct val v = {.iface = iface};

	if (!n) {
		v.kind = iface ? V_NIL : V_INVALID;
		v.iface = iface;
		return v;
	}
	switch (n->kind) {
	case GW_NULL:
		v.kind = iface ? V_NIL : V_INVALID;
		break;
	case GW_BOOL:
		v.kind = V_BOOL;
		v.u.b = n->u.b;
		break;
	case GW_INT:
		v.kind = V_INT;
		v.u.i = n->u.i;
		break;
	case GW_NUM:
		v.kind = V_FLOAT;
		v.u.f = n->u.num;
		break;
	case GW_STR:
		v.kind = V_STRING;
		v.u.s.s = n->u.str.s;
		v.u.s.len = n->u.str.len;
		break;
	case GW_SEQ:
		v.kind = V_SLICE;
		v.u.n = n;
		break;
	case GW_MAP:
		v.kind = V_MAP;
		v.u.n = n;
		break;
	}
	return v;
}

struct gw_node *tmpl_val_node(struct gw_arena *arena, const struct val *v)
{
	struct gw_node *n;

	switch (v->kind) {
	case V_BOOL:
		return gw_node_bool(arena, v->u.b);
	case V_INT:
		return gw_node_int(arena, v->u.i);
	case V_FLOAT:
		n = gw_node_new(arena, GW_NUM);
		n->u.num = v->u.f;
		return n;
	case V_STRING:
		n = gw_node_new(arena, GW_STR);
		n->u.str.s = v->u.s.s;
		n->u.str.len = v->u.s.len;
		return n;
	case V_MAP:
		return v->u.n ? (struct gw_node *)v->u.n : gw_node_map(arena);
	case V_SLICE:
		return v->u.n ? (struct gw_node *)v->u.n : gw_node_seq(arena);
	case V_COMPLEX:	/* not in the data model: as its text */
	case V_INVALID:
	case V_NIL:
		break;
	}
	return gw_node_new(arena, GW_NULL);
}

const char *tmpl_type_name(const struct val *v, bool elem)
{
	if (v->iface && !elem)
		return "interface {}";
	if (v->type)
		return v->type;
	switch (v->kind) {
	case V_INVALID: return "<nil>";
	case V_NIL: return "interface {}";
	case V_BOOL: return "bool";
	case V_INT: return "int";
	case V_FLOAT: return "float64";
	case V_COMPLEX: return "complex128";
	case V_STRING: return "string";
	case V_MAP: return "map[string]interface {}";
	case V_SLICE: return "[]interface {}";
	}
	return "?";
}

static size_t val_len(const struct val *v)
{
	switch (v->kind) {
	case V_STRING: return v->u.s.len;
	case V_MAP: return v->u.n ? v->u.n->u.map.n : 0;
	case V_SLICE: return v->u.n ? v->u.n->u.seq.n : 0;
	default: return 0;
	}
}

bool tmpl_truth(const struct val *v)
{
	switch (v->kind) {
	case V_INVALID: case V_NIL: return false;
	case V_BOOL: return v->u.b;
	case V_INT: return v->u.i != 0;
	case V_FLOAT: return v->u.f != 0;
	case V_COMPLEX: return v->u.c.re != 0 || v->u.c.im != 0;
	case V_STRING: case V_MAP: case V_SLICE: return val_len(v) > 0;
	}
	return false;
}

/* The value out of its interface{} (Go's indirectInterface). */
static struct val elem(struct val v)
{
	if (v.kind == V_NIL)
		return invalid_val;
	v.iface = false;
	return v;
}

/* ---- errors -------------------------------------------------------------- */

struct gw_arena *tmpl_exec_arena(struct exec_state *s)
{
	return s->arena;
}

const char *tmpl_errorf(struct exec_state *s, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	const char *m;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		gw_oom();
	va_end(ap);
	m = gw_arena_strdup(s->arena, msg);
	free(msg);
	return m;
}

static _Noreturn void errorf(struct exec_state *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static _Noreturn void errorf(struct exec_state *s, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		gw_oom();
	va_end(ap);
	if (!s->node) {
		s->err = gw_arena_printf(s->arena, "template: %s: %s",
					 s->tmpl_name, msg);
	} else {
		struct gw_buf q = {0};

		gw_go_quote(&q, s->tmpl_name, strlen(s->tmpl_name));
		s->err = gw_arena_printf(s->arena,
			"template: %s: executing %.*s at <%s>: %s",
			tmpl_node_location(s->arena, s->node), (int)q.len,
			q.data, tmpl_node_string(s->arena, s->node), msg);
		gw_buf_release(&q);
	}
	free(msg);
	longjmp(s->jmp, 1);
}

/* ---- bounds -------------------------------------------------------------- */

int tmpl_spend(struct exec_state *s, size_t work, size_t made,
	       const char **err)
{
	s->work += work;
	s->made += made;
	if (s->work > GW_TMPL_WORK_MAX) {
		*err = "execution exceeds " NUM(GW_TMPL_WORK_MAX) " steps (gwc's "
		       "limit)";
		return -1;
	}
	if (s->made > GW_TMPL_VALUE_MAX) {
		*err = "values made exceed " NUM(GW_TMPL_VALUE_MAX) " bytes (gwc's "
		       "limit)";
		return -1;
	}
	return 0;
}

struct gw_node **tmpl_last_append(struct exec_state *s, size_t *n)
{
	*n = s->append_n;
	return s->append_items;
}

void tmpl_set_last_append(struct exec_state *s, struct gw_node **items,
			  size_t n)
{
	s->append_items = items;
	s->append_n = n;
}

int tmpl_check_len(size_t len, const char **err)
{
	if (len <= GW_TMPL_OUTPUT_MAX)
		return 0;
	*err = "string longer than " NUM(GW_TMPL_OUTPUT_MAX) " bytes (gwc's "
	       "limit)";
	return -1;
}

static size_t bucket(const struct gw_node *n)
{
	return ((uintptr_t)n / sizeof(void *)) % WALK_BUCKETS;
}

void tmpl_walk_start(struct exec_state *s)
{
	s->walk.depth = 0;
	for (size_t i = 0; i < WALK_BUCKETS; i++)
		s->walk.head[i] = -1;
}

int tmpl_walk_enter(struct exec_state *s, const struct gw_node *n,
		    const char **err)
{
	struct walk *w = &s->walk;
	size_t h = bucket(n);
	size_t elems = n->kind == GW_MAP ? n->u.map.n : n->u.seq.n;

	for (int i = w->head[h]; i >= 0; i = w->next[i])
		if (w->node[i] == n) {
			*err = n->kind == GW_MAP ?
				"cyclic value: a map contains itself" :
				"cyclic value: a list contains itself";
			return 1;
		}
	if (w->depth == GW_TMPL_NEST_MAX) {
		*err = "value nested deeper than " NUM(GW_TMPL_NEST_MAX)
			       " (gwc's limit)";
		return 1;
	}
	if (tmpl_spend(s, 1 + elems, 0, err) < 0)
		return -1;
	w->node[w->depth] = n;
	w->next[w->depth] = w->head[h];
	w->head[h] = w->depth;
	w->depth++;
	return 0;
}

void tmpl_walk_leave(struct exec_state *s)
{
	struct walk *w = &s->walk;
	int i = --w->depth;

	w->head[bucket(w->node[i])] = w->next[i];
}

static void check_output(struct exec_state *s)
{
	if (s->out->len - s->out_start > GW_TMPL_OUTPUT_MAX)
		errorf(s, "output longer than %d bytes (gwc's limit)",
		       GW_TMPL_OUTPUT_MAX);
}

static const char *quoted(struct exec_state *s, const char *str)
{
	struct gw_buf q = {0};
	const char *r;

	gw_go_quote(&q, str, strlen(str));
	r = gw_arena_strndup(s->arena, q.data, q.len);
	gw_buf_release(&q);
	return r;
}

/* %v of a value, in the arena. */
static const char *sprint_v(struct exec_state *s, const struct val *v)
{
	struct gw_buf b = {0};
	const char *r, *err;

	if (tmpl_print_value(s, &b, v, &err) < 0) {
		gw_buf_release(&b);
		errorf(s, "%s", err);
	}
	r = gw_arena_strndup(s->arena, b.data ? b.data : "", b.len);
	gw_buf_release(&b);
	return r;
}

/* ---- variables ----------------------------------------------------------- */

static void push(struct exec_state *s, const char *name, struct val v)
{
	if (s->nvars == s->capvars) {
		size_t cap = s->capvars ? s->capvars * 2 : 64;
		struct var *vars = realloc(s->vars, cap * sizeof(*vars));

		if (!vars)
			gw_oom();
		s->vars = vars;
		s->capvars = cap;
	}
	s->vars[s->nvars].name = name;
	s->vars[s->nvars].v = v;
	s->nvars++;
}

static void set_var(struct exec_state *s, const char *name, struct val v)
{
	for (size_t i = s->nvars; i-- > s->base;)
		if (!strcmp(s->vars[i].name, name)) {
			s->vars[i].v = v;
			return;
		}
	errorf(s, "undefined variable: %s", name);
}

static struct val var_value(struct exec_state *s, const char *name)
{
	for (size_t i = s->nvars; i-- > s->base;)
		if (!strcmp(s->vars[i].name, name))
			return s->vars[i].v;
	errorf(s, "undefined variable: %s", name);
}

/* ---- evaluation ---------------------------------------------------------- */

static struct val eval_pipeline(struct exec_state *s, struct val dot,
				const struct node *pipe);
static struct val eval_arg(struct exec_state *s, struct val dot,
			   int type, const struct node *n);
static struct val eval_function(struct exec_state *s, struct val dot,
				const struct node *ident,
				const struct node *cmd,
				struct node *const *args, size_t nargs,
				const struct val *final);

#define P_NONE (-1)	/* evalArg with a nil type */

static void enter(struct exec_state *s)
{
	const char *err;

	if (++s->eval_depth > EVAL_DEPTH_MAX)
		errorf(s, "exceeded maximum template depth (%d)",
		       GW_TMPL_DEPTH_MAX);
	if (tmpl_spend(s, 1, 0, &err) < 0)
		errorf(s, "%s", err);
}

static void not_a_function(struct exec_state *s, struct node *const *args,
			   size_t nargs, const struct val *final)
{
	if (nargs > 1 || final)
		errorf(s, "can't give argument to non-function %s",
		       tmpl_node_string(s->arena, args[0]));
}

static bool can_be_nil(int type)
{
	switch (type) {
	case P_VALUE: case P_ANY: case P_MAP: case P_MAPSS: case P_SLICE:
	case P_SSLICE:
		return true;
	default:
		return false;
	}
}

static struct val zero_of(int type)
{
	struct val v = {0};

	switch (type) {
	case P_ANY:
		v.kind = V_NIL;
		break;
	case P_MAP:
		v.kind = V_MAP;
		break;
	case P_MAPSS:
		v.kind = V_MAP;
		v.type = "map[string]string";
		break;
	case P_SLICE:
		v.kind = V_SLICE;
		break;
	case P_SSLICE:
		v.kind = V_SLICE;
		v.type = "[]string";
		break;
	default:
		break;
	}
	return v;
}

static bool assignable(const struct val *v, int type)
{
	if (v->iface)
		return false;
	switch (type) {
	case P_STRING: return v->kind == V_STRING && !v->type;
	case P_INT: return v->kind == V_INT && !v->type;
	case P_INT64:
		return v->kind == V_INT && v->type && !strcmp(v->type, "int64");
	case P_BOOL: return v->kind == V_BOOL;
	case P_FLOAT: return v->kind == V_FLOAT;
	case P_MAP: return v->kind == V_MAP && !v->type;
	case P_MAPSS:
		return v->kind == V_MAP && v->type &&
		       !strcmp(v->type, "map[string]string");
	case P_SLICE: return v->kind == V_SLICE && !v->type;
	case P_SSLICE:
		return v->kind == V_SLICE && v->type &&
		       !strcmp(v->type, "[]string");
	default: return false;
	}
}

static struct val validate_type(struct exec_state *s, struct val v, int type)
{
	if (v.kind == V_INVALID) {
		if (type == P_NONE || type == P_VALUE)
			return v;
		if (can_be_nil(type))
			return zero_of(type);
		errorf(s, "invalid value; expected %s",
		       tmpl_ptype_name((enum ptype)type));
	}
	if (type == P_NONE || type == P_VALUE)
		return v;
	if (type == P_ANY) {
		if (v.kind != V_NIL)
			v.iface = false;
		return v;
	}
	if (!assignable(&v, type)) {
		if (v.iface && v.kind != V_NIL) {
			v.iface = false;
			if (assignable(&v, type))
				return v;
		}
		errorf(s, "wrong type for value; expected %s; got %s",
		       tmpl_ptype_name((enum ptype)type),
		       tmpl_type_name(&v, false));
	}
	return v;
}

static struct val eval_call(struct exec_state *s, struct val dot,
			    const struct tfunc *f, const struct node *node,
			    const char *name, struct node *const *args,
			    size_t nargs, const struct val *final);

/* A method of a value: only String() of a string (Istio's enums). */
static bool find_method(const struct val *recv, const char *name)
{
	return recv->kind == V_STRING && !strcmp(name, "String");
}

static struct val eval_field(struct exec_state *s, struct val dot,
			     const char *field, const struct node *node,
			     struct node *const *args, size_t nargs,
			     const struct val *final, struct val receiver)
{
	const char *typ;
	bool has_args;

	(void)dot;
	(void)node;
	if (receiver.kind == V_INVALID) {
		if (s->set->missingkey == GW_TMPL_MISSINGKEY_ERROR)
			errorf(s, "nil data; no entry for key %s",
			       quoted(s, field));
		return invalid_val;
	}
	typ = tmpl_type_name(&receiver, false);
	if (receiver.kind == V_NIL)
		errorf(s, "nil pointer evaluating %s.%s", typ, field);
	receiver.iface = false;
	if (find_method(&receiver, field)) {
		/* func (string) String() string: no arguments */
		size_t num_in = (args ? nargs - 1 : 0) + (final ? 1 : 0);

		if (num_in != 0)
			errorf(s, "wrong number of args for %s: want 0 got %zu",
			       field, num_in);
		return receiver;
	}
	has_args = nargs > 1 || final;
	if (receiver.kind == V_MAP && !receiver.type) {
		const struct gw_node *m = receiver.u.n;
		const struct gw_pair *p;

		if (has_args)
			errorf(s, "%s is not a method but has arguments", field);
		p = m ? gw_map_pair(m, field) : NULL;
		if (p)
			return tmpl_node_val(p->value, true);
		switch (s->set->missingkey) {
		case GW_TMPL_MISSINGKEY_DEFAULT:
			return invalid_val;
		case GW_TMPL_MISSINGKEY_ZERO: {
			struct val z = {.kind = V_NIL, .iface = true};

			return z;
		}
		case GW_TMPL_MISSINGKEY_ERROR:
			errorf(s, "map has no entry for key %s", quoted(s, field));
		}
	}
	errorf(s, "can't evaluate field %s in type %s", field, typ);
}

static struct val eval_field_chain(struct exec_state *s, struct val dot,
				   struct val receiver, const struct node *node,
				   const char *const *ident, size_t n,
				   struct node *const *args, size_t nargs,
				   const struct val *final)
{
	for (size_t i = 0; i + 1 < n; i++)
		receiver = eval_field(s, dot, ident[i], node, NULL, 0, NULL,
				      receiver);
	return eval_field(s, dot, ident[n - 1], node, args, nargs, final,
			  receiver);
}

static struct val eval_field_node(struct exec_state *s, struct val dot,
				  const struct node *field,
				  struct node *const *args, size_t nargs,
				  const struct val *final)
{
	s->node = field;
	return eval_field_chain(s, dot, dot, field, field->ident,
				field->nident, args, nargs, final);
}

static struct val eval_chain_node(struct exec_state *s, struct val dot,
				  const struct node *chain,
				  struct node *const *args, size_t nargs,
				  const struct val *final)
{
	struct val pipe;

	s->node = chain;
	if (chain->nident == 0)
		errorf(s, "internal error: no fields in evalChainNode");
	if (chain->pipe->type == NODE_NIL)
		errorf(s, "indirection through explicit nil in %s",
		       tmpl_node_string(s->arena, chain));
	pipe = eval_arg(s, dot, P_NONE, chain->pipe);
	return eval_field_chain(s, dot, pipe, chain, chain->ident,
				chain->nident, args, nargs, final);
}

static struct val eval_variable_node(struct exec_state *s, struct val dot,
				     const struct node *var,
				     struct node *const *args, size_t nargs,
				     const struct val *final)
{
	struct val value;

	s->node = var;
	value = var_value(s, var->ident[0]);
	if (var->nident == 1) {
		not_a_function(s, args, nargs, final);
		return value;
	}
	return eval_field_chain(s, dot, value, var, var->ident + 1,
				var->nident - 1, args, nargs, final);
}

static bool is_hex_int(const char *t)
{
	return strlen(t) > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') &&
	       !strpbrk(t, "pP");
}

static struct val ideal_constant(struct exec_state *s, const struct node *c)
{
	struct val v = {0};

	s->node = c;
	if (c->is_complex) {
		v.kind = V_COMPLEX;
		v.u.c.re = c->f64;
		v.u.c.im = c->imag;
		return v;
	}
	if (c->is_float && !is_hex_int(c->text) && c->text[0] != '\'' &&
	    strpbrk(c->text, ".eEpP")) {
		v.kind = V_FLOAT;
		v.u.f = c->f64;
		return v;
	}
	if (c->is_int)
		return tmpl_int(c->i64);
	if (c->is_uint)
		errorf(s, "%s overflows int", c->text);
	return invalid_val;
}

static struct val eval_empty_interface(struct exec_state *s, struct val dot,
				       const struct node *n)
{
	s->node = n;
	switch (n->type) {
	case NODE_BOOL:
		return tmpl_bool(n->truth);
	case NODE_DOT:
		return dot;
	case NODE_FIELD:
		return eval_field_node(s, dot, n, NULL, 0, NULL);
	case NODE_IDENTIFIER:
		return eval_function(s, dot, n, n, NULL, 0, NULL);
	case NODE_NIL:
		errorf(s, "evalEmptyInterface: nil (can't happen)");
	case NODE_NUMBER:
		return ideal_constant(s, n);
	case NODE_STRING:
		return tmpl_str(n->text, n->len);
	case NODE_VARIABLE:
		return eval_variable_node(s, dot, n, NULL, 0, NULL);
	case NODE_PIPE:
		return eval_pipeline(s, dot, n);
	default:
		break;
	}
	errorf(s, "can't handle assignment of %s to empty interface argument",
	       tmpl_node_string(s->arena, n));
}

static struct val eval_arg(struct exec_state *s, struct val dot, int type,
			   const struct node *n)
{
	struct node *const self[1] = {(struct node *)n};
	struct val v;

	s->node = n;
	switch (n->type) {
	case NODE_DOT:
		return validate_type(s, dot, type);
	case NODE_NIL:
		if (type == P_NONE)
			break;
		if (can_be_nil(type))
			return type == P_VALUE ? invalid_val : zero_of(type);
		errorf(s, "cannot assign nil to %s",
		       tmpl_ptype_name((enum ptype)type));
	case NODE_FIELD:
		return validate_type(s, eval_field_node(s, dot, n, self, 1,
							NULL), type);
	case NODE_VARIABLE:
		return validate_type(s, eval_variable_node(s, dot, n, NULL, 0,
							   NULL), type);
	case NODE_PIPE:
		return validate_type(s, eval_pipeline(s, dot, n), type);
	case NODE_IDENTIFIER:
		return validate_type(s, eval_function(s, dot, n, n, NULL, 0,
						      NULL), type);
	case NODE_CHAIN:
		return validate_type(s, eval_chain_node(s, dot, n, NULL, 0,
							NULL), type);
	default:
		break;
	}
	switch (type) {
	case P_BOOL:
		if (n->type == NODE_BOOL)
			return tmpl_bool(n->truth);
		errorf(s, "expected bool; found %s",
		       tmpl_node_string(s->arena, n));
	case P_FLOAT:
		if (n->type == NODE_NUMBER && n->is_float) {
			v.kind = V_FLOAT;
			v.iface = false;
			v.type = NULL;
			v.u.f = n->f64;
			return v;
		}
		errorf(s, "expected float; found %s",
		       tmpl_node_string(s->arena, n));
	case P_INT:
	case P_INT64:
		if (n->type == NODE_NUMBER && n->is_int) {
			v = tmpl_int(n->i64);
			if (type == P_INT64)
				v.type = "int64";
			return v;
		}
		errorf(s, "expected integer; found %s",
		       tmpl_node_string(s->arena, n));
	case P_ANY:
	case P_VALUE:
		return eval_empty_interface(s, dot, n);
	case P_STRING:
		if (n->type == NODE_STRING)
			return tmpl_str(n->text, n->len);
		errorf(s, "expected string; found %s",
		       tmpl_node_string(s->arena, n));
	case P_NONE:
		errorf(s, "can't handle %s for arg of type <nil>",
		       tmpl_node_string(s->arena, n));
	default:
		break;
	}
	errorf(s, "can't handle %s for arg of type %s",
	       tmpl_node_string(s->arena, n), tmpl_ptype_name((enum ptype)type));
}

static struct val eval_call(struct exec_state *s, struct val dot,
			    const struct tfunc *f, const struct node *node,
			    const char *name, struct node *const *args,
			    size_t nargs, const struct val *final)
{
	struct node *const *a = args ? args + 1 : NULL;
	size_t na = args ? nargs - 1 : 0;
	size_t num_in = na + (final ? 1 : 0), num_fixed = na, i;
	struct val *argv, out = {0}, small[8];
	const char *err = NULL;

	if (f->variadic) {
		num_fixed = (size_t)f->nin - 1;
		if (num_in < num_fixed)
			errorf(s, "wrong number of args for %s: want at least "
			       "%d got %zu", name, f->nin - 1, na);
	} else if (num_in != (size_t)f->nin) {
		errorf(s, "wrong number of args for %s: want %d got %zu", name,
		       f->nin, num_in);
	}
	if (f->builtin && (!strcmp(name, "and") || !strcmp(name, "or"))) {
		bool want = !strcmp(name, "or");
		struct val v = invalid_val;

		for (i = 0; i < na; i++) {
			v = eval_arg(s, dot, P_VALUE, a[i]);
			if (tmpl_truth(&v) == want)
				return v;
		}
		if (final)
			v = *final;
		return v;
	}
	argv = num_in < 8 ? small : gw_arena_alloc(s->arena, (num_in + 1) *
							      sizeof(*argv));
	for (i = 0; i < num_fixed && i < na; i++)
		argv[i] = eval_arg(s, dot, f->in[i], a[i]);
	if (f->variadic)
		for (; i < na; i++)
			argv[i] = eval_arg(s, dot, f->in[f->nin - 1], a[i]);
	if (final) {
		int t = f->nin > 0 ? f->in[f->nin - 1] : P_ANY;

		if (f->variadic && num_in - 1 < num_fixed)
			t = f->in[num_in - 1];
		argv[i] = validate_type(s, *final, t);
	}
	if (tmpl_spend(s, 1, 0, &err) < 0 ||
	    f->fn(s, argv, num_in, &out, &err) < 0) {
		s->node = node;
		errorf(s, "error calling %s: %s", name, err);
	}
	if (f->iface_result) {
		if (out.kind == V_INVALID)
			out.kind = V_NIL;
		out.iface = true;
	}
	return out;
}

static struct val eval_function(struct exec_state *s, struct val dot,
				const struct node *ident,
				const struct node *cmd,
				struct node *const *args, size_t nargs,
				const struct val *final)
{
	const struct tfunc *f;

	s->node = ident;
	f = ident->func;
	if (!f || !f->fn)
		errorf(s, "%s is not a defined function",
		       quoted(s, ident->text));
	return eval_call(s, dot, f, cmd, ident->text, args, nargs, final);
}

static struct val eval_command(struct exec_state *s, struct val dot,
			       const struct node *cmd, const struct val *final)
{
	const struct node *first = cmd->kids[0];

	switch (first->type) {
	case NODE_FIELD:
		return eval_field_node(s, dot, first, cmd->kids, cmd->nkids,
				       final);
	case NODE_CHAIN:
		return eval_chain_node(s, dot, first, cmd->kids, cmd->nkids,
				       final);
	case NODE_IDENTIFIER:
		return eval_function(s, dot, first, cmd, cmd->kids, cmd->nkids,
				     final);
	case NODE_PIPE:
		not_a_function(s, cmd->kids, cmd->nkids, final);
		return eval_pipeline(s, dot, first);
	case NODE_VARIABLE:
		return eval_variable_node(s, dot, first, cmd->kids, cmd->nkids,
					  final);
	default:
		break;
	}
	s->node = first;
	not_a_function(s, cmd->kids, cmd->nkids, final);
	switch (first->type) {
	case NODE_BOOL:
		return tmpl_bool(first->truth);
	case NODE_DOT:
		return dot;
	case NODE_NIL:
		errorf(s, "nil is not a command");
	case NODE_NUMBER:
		return ideal_constant(s, first);
	case NODE_STRING:
		return tmpl_str(first->text, first->len);
	default:
		break;
	}
	errorf(s, "can't evaluate command %s",
	       quoted(s, tmpl_node_string(s->arena, first)));
}

static struct val eval_pipeline(struct exec_state *s, struct val dot,
				const struct node *pipe)
{
	struct val value = invalid_val;

	if (!pipe)
		return value;
	enter(s);
	s->node = pipe;
	for (size_t i = 0; i < pipe->nkids; i++) {
		value = eval_command(s, dot, pipe->kids[i], i ? &value : NULL);
		if (value.iface)
			value = elem(value);
	}
	for (size_t i = 0; i < pipe->ndecl; i++) {
		if (pipe->is_assign)
			set_var(s, pipe->decl[i]->ident[0], value);
		else
			push(s, pipe->decl[i]->ident[0], value);
	}
	s->eval_depth--;
	return value;
}

/* ---- walking ------------------------------------------------------------- */

static void walk(struct exec_state *s, struct val dot, const struct node *n);

static void print_value(struct exec_state *s, const struct node *n,
			struct val v)
{
	const char *err;

	s->node = n;
	if (v.kind == V_INVALID) {
		gw_buf_puts(s->out, "<no value>");
	} else if (tmpl_print_value(s, s->out, &v, &err) < 0) {
		check_output(s);
		errorf(s, "%s", err);
	}
	check_output(s);
}

static void walk_if_or_with(struct exec_state *s, enum node_type type,
			    struct val dot, const struct node *n)
{
	size_t mark = s->nvars;
	struct val val = eval_pipeline(s, dot, n->pipe);
	struct val e = val.iface ? elem(val) : val;

	if (tmpl_truth(&e)) {
		walk(s, type == NODE_WITH ? val : dot, n->list);
	} else if (n->else_list) {
		walk(s, dot, n->else_list);
	}
	s->nvars = mark;
}

/* One iteration of a range; false when it ended with {{break}}. */
static bool one_iteration(struct exec_state *s, const struct node *r,
			  size_t mark, struct val index, struct val el)
{
	if (r->pipe->ndecl > 0)
		s->vars[s->nvars - 1].v = el;
	if (r->pipe->ndecl > 1)
		s->vars[s->nvars - 2].v = index;
	walk(s, el, r->list);
	s->nvars = mark;
	if (s->control == CTL_BREAK) {
		s->control = CTL_NONE;
		return false;
	}
	s->control = CTL_NONE;
	return true;
}

static int cmp_pairs(const void *a, const void *b)
{
	const struct gw_pair *pa = *(const struct gw_pair *const *)a;
	const struct gw_pair *pb = *(const struct gw_pair *const *)b;
	size_t la = pa->key->u.str.len, lb = pb->key->u.str.len;
	int c = memcmp(pa->key->u.str.s, pb->key->u.str.s, la < lb ? la : lb);

	if (c)
		return c;
	return la < lb ? -1 : la > lb;
}

void tmpl_sort_pairs(const struct gw_pair **p, size_t n)
{
	if (n > 1)
		qsort(p, n, sizeof(*p), cmp_pairs);
}

const struct gw_pair **tmpl_sorted_pairs(struct gw_arena *arena,
					 const struct gw_node *m)
{
	size_t n = m ? m->u.map.n : 0;
	const struct gw_pair **p = gw_arena_alloc(arena, (n + 1) * sizeof(*p));

	for (size_t i = 0; i < n; i++)
		p[i] = &m->u.map.pairs[i];
	tmpl_sort_pairs(p, n);
	return p;
}

static void walk_range(struct exec_state *s, struct val dot,
		       const struct node *r)
{
	size_t mark0 = s->nvars, mark;
	struct val val;

	s->node = r;
	val = eval_pipeline(s, dot, r->pipe);
	if (val.iface && val.kind != V_NIL)
		val.iface = false;
	mark = s->nvars;
	switch (val.kind) {
	case V_SLICE: {
		size_t n = val_len(&val);
		bool elems_iface = !val.type;

		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			struct val el = tmpl_node_val(val.u.n->u.seq.items[i],
						      elems_iface);

			if (!elems_iface && el.kind == V_INVALID)
				el = tmpl_str("", 0);
			if (!one_iteration(s, r, mark, tmpl_int((long long)i),
					   el))
				break;
		}
		s->nvars = mark0;
		return;
	}
	case V_MAP: {
		size_t n = val_len(&val);
		const struct gw_pair **pairs;

		if (n == 0)
			break;
		{
			const char *err;

			if (tmpl_spend(s, n, 0, &err) < 0)
				errorf(s, "%s", err);
		}
		pairs = tmpl_sorted_pairs(s->arena, val.u.n);
		for (size_t i = 0; i < n; i++) {
			struct val key = tmpl_str(pairs[i]->key->u.str.s,
						  pairs[i]->key->u.str.len);

			if (!one_iteration(s, r, mark, key,
					   tmpl_node_val(pairs[i]->value,
							 !val.type)))
				break;
		}
		s->nvars = mark0;
		return;
	}
	case V_INVALID:
		break;
	default:
		errorf(s, "range can't iterate over %s", sprint_v(s, &val));
	}
	if (r->else_list)
		walk(s, dot, r->else_list);
	s->nvars = mark0;
}

static void walk_template(struct exec_state *s, struct val dot,
			  const struct node *t)
{
	struct tree *tree;
	size_t nvars = s->nvars, base = s->base;
	const char *name = s->tmpl_name;

	s->node = t;
	tree = tmpl_lookup(s->set, t->text);
	if (!tree)
		errorf(s, "template %s not defined", quoted(s, t->text));
	if (s->depth == GW_TMPL_DEPTH_MAX)
		errorf(s, "exceeded maximum template depth (%d)",
		       GW_TMPL_DEPTH_MAX);
	dot = eval_pipeline(s, dot, t->pipe);
	s->depth++;
	s->tmpl_name = t->text;
	s->base = s->nvars;
	push(s, "$", dot);
	walk(s, dot, tree->root);
	s->depth--;
	s->tmpl_name = name;
	s->nvars = nvars;
	s->base = base;
}

static void walk(struct exec_state *s, struct val dot, const struct node *n)
{
	enter(s);
	s->node = n;
	switch (n->type) {
	case NODE_ACTION: {
		struct val v = eval_pipeline(s, dot, n->pipe);

		if (n->pipe->ndecl == 0)
			print_value(s, n, v);
		break;
	}
	case NODE_BREAK:
		s->control = CTL_BREAK;
		break;
	case NODE_CONTINUE:
		s->control = CTL_CONTINUE;
		break;
	case NODE_COMMENT:
		break;
	case NODE_IF:
	case NODE_WITH:
		walk_if_or_with(s, n->type, dot, n);
		break;
	case NODE_LIST:
		for (size_t i = 0; i < n->nkids && s->control == CTL_NONE; i++)
			walk(s, dot, n->kids[i]);
		break;
	case NODE_RANGE:
		walk_range(s, dot, n);
		break;
	case NODE_TEMPLATE:
		walk_template(s, dot, n);
		break;
	case NODE_TEXT:
		gw_buf_add(s->out, n->text, n->len);
		check_output(s);
		break;
	default:
		errorf(s, "unknown node: %s", tmpl_node_string(s->arena, n));
	}
	s->eval_depth--;
}

int gw_tmpl_exec(struct gw_tmpl *set, const char *name,
		 const struct gw_node *data, struct gw_buf *out,
		 const char **err)
{
	struct exec_state *s = gw_arena_alloc(set->arena, sizeof(*s));
	struct tree *tree = tmpl_lookup(set, name);
	struct val dot = tmpl_node_val(data, false);

	*err = NULL;
	if (!tree) {
		struct gw_buf q = {0}, r = {0};

		gw_go_quote(&q, name, strlen(name));
		gw_go_quote(&r, set->name ? set->name : "", set->name ?
			   strlen(set->name) : 0);
		*err = gw_arena_printf(set->arena, "template: no template %.*s "
				       "associated with template %.*s",
				       (int)q.len, q.data, (int)r.len, r.data);
		gw_buf_release(&q);
		gw_buf_release(&r);
		return -1;
	}
	s->set = set;
	s->arena = set->arena;
	s->tmpl_name = tree->name;
	s->out = out;
	s->out_start = out->len;
	push(s, "$", dot);
	if (setjmp(s->jmp)) {
		free(s->vars);
		*err = s->err;
		return -1;
	}
	if (!tree->root)
		errorf(s, "%s is an incomplete or empty template",
		       quoted(s, name));
	walk(s, dot, tree->root);
	free(s->vars);
	return 0;
}
