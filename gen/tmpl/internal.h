/*
 * internal.h - what the stages of the template engine share (gen/tmpl/).
 *
 * lex.c turns text into items, parse.c items into node trees, exec.c walks
 * trees over values, func.c and fmt.c hold the functions and Go's fmt
 * formatting.  Every allocation comes from the set's arena.  Errors unwind
 * with longjmp() to the entry point (gw_tmpl_parse / gw_tmpl_exec), as
 * Go's parser and executor unwind with panic(); so no stage keeps malloc'ed
 * memory across a call that can fail.
 */
#ifndef GWC_TMPL_INTERNAL_H
#define GWC_TMPL_INTERNAL_H

#include <setjmp.h>

#include "go.h"
#include "tmpl.h"

/* ---- lex.c --------------------------------------------------------------- */

enum item_type {
	ITEM_ERROR, ITEM_BOOL, ITEM_CHAR, ITEM_CHAR_CONSTANT, ITEM_COMMENT,
	ITEM_COMPLEX, ITEM_ASSIGN, ITEM_DECLARE, ITEM_EOF, ITEM_FIELD,
	ITEM_IDENTIFIER, ITEM_LEFT_DELIM, ITEM_LEFT_PAREN, ITEM_NUMBER,
	ITEM_PIPE, ITEM_RAW_STRING, ITEM_RIGHT_DELIM, ITEM_RIGHT_PAREN,
	ITEM_SPACE, ITEM_STRING, ITEM_TEXT, ITEM_VARIABLE,
	ITEM_KEYWORD,		/* keywords follow */
	ITEM_BLOCK, ITEM_BREAK, ITEM_CONTINUE, ITEM_DOT, ITEM_DEFINE,
	ITEM_ELSE, ITEM_END, ITEM_IF, ITEM_NIL, ITEM_RANGE, ITEM_TEMPLATE,
	ITEM_WITH,
};

struct item {
	enum item_type typ;
	int pos;		/* byte offset in the input */
	const char *val;	/* into the input, or an error message */
	size_t len;
	int line;
};

/* Lexes all of @text into *@items (ending with ITEM_EOF or ITEM_ERROR). */
void tmpl_lex(struct gw_arena *arena, const char *text, size_t len,
	      struct item **items, size_t *n);
/* Go's item.String(), for "unexpected %s" messages. */
const char *tmpl_item_string(struct gw_arena *arena, const struct item *it);

/* ---- parse.c ------------------------------------------------------------- */

enum node_type {
	NODE_TEXT, NODE_ACTION, NODE_BOOL, NODE_CHAIN, NODE_COMMAND, NODE_DOT,
	NODE_ELSE, NODE_END, NODE_FIELD, NODE_IDENTIFIER, NODE_IF, NODE_LIST,
	NODE_NIL, NODE_NUMBER, NODE_PIPE, NODE_RANGE, NODE_STRING,
	NODE_TEMPLATE, NODE_VARIABLE, NODE_WITH, NODE_COMMENT, NODE_BREAK,
	NODE_CONTINUE,
};

struct tree;
struct tfunc;

/* One node of every kind; which fields are used depends on @type. */
struct node {
	enum node_type type;
	int pos;
	struct tree *tree;
	/* TEXT, STRING (Text), IDENTIFIER, NUMBER (Text), TEMPLATE (Name) */
	const char *text;
	size_t len;
	const char *quoted;	/* STRING: as written */
	/* FIELD, VARIABLE, CHAIN: identifiers (CHAIN: the fields) */
	const char **ident;
	size_t nident;
	/* LIST: nodes; COMMAND: args; PIPE: commands */
	struct node **kids;
	size_t nkids, capkids;
	/* PIPE */
	struct node **decl;
	size_t ndecl;
	bool is_assign;
	/* ACTION, IF/RANGE/WITH, TEMPLATE: the pipeline; CHAIN: its node */
	struct node *pipe;
	struct node *list, *else_list;	/* IF/RANGE/WITH */
	/* IDENTIFIER: the function, looked up once */
	const struct tfunc *func;
	/* BOOL */
	bool truth;
	/* NUMBER */
	bool is_int, is_uint, is_float, is_complex;
	long long i64;
	unsigned long long u64;
	double f64;
	double imag;
};

struct tree {
	const char *name;
	const char *parse_name;
	const char *text;	/* the whole input, for positions in errors */
	size_t text_len;
	struct node *root;
};

/* Go's Node.String(). */
const char *tmpl_node_string(struct gw_arena *arena, const struct node *n);
/* The text of a node's position: "NAME:LINE:COL" (Go's ErrorContext). */
const char *tmpl_node_location(struct gw_arena *arena, const struct node *n);

/* A named template of a set. */
struct tmpl_entry {
	const char *name;
	struct tree *tree;
};

struct gw_tmpl {
	struct gw_arena *arena;
	const char *name;	/* the first name parsed: the set's own */
	struct tmpl_entry *entries;
	size_t n, cap;
	enum gw_tmpl_missingkey missingkey;
};

struct tree *tmpl_lookup(const struct gw_tmpl *set, const char *name);

/* ---- values (exec.c) ----------------------------------------------------- */

enum vkind {
	V_INVALID,	/* no value (Go's zero reflect.Value) */
	V_NIL,		/* a nil interface{} */
	V_BOOL, V_INT, V_FLOAT, V_COMPLEX, V_STRING, V_MAP, V_SLICE,
};

/*
 * A Go value.  @iface: the value sits in an interface{} (a map's or a
 * slice's element, a function's interface{} result), as Go's reflect.Value
 * of kind Interface does; @type: its Go type's name when not the kind's
 * usual one (e.g. "int64", "[]string").
 */
struct val {
	enum vkind kind;
	bool iface;
	const char *type;
	union {
		bool b;
		long long i;
		double f;
		struct { double re, im; } c;
		struct { const char *s; size_t len; } s;
		const struct gw_node *n;	/* V_MAP, V_SLICE */
	} u;
};

/* The Go name of a value's type ("interface {}" when @iface is set and
 * @elem is false). */
const char *tmpl_type_name(const struct val *v, bool elem);
/* A gw_node as a value (an element of a map or a slice: @iface). */
struct val tmpl_node_val(const struct gw_node *n, bool iface);
/* A value as a gw_node (for lists and maps made by functions). */
struct gw_node *tmpl_val_node(struct gw_arena *arena, const struct val *v);
struct val tmpl_str(const char *s, size_t len);
struct val tmpl_cstr(const char *s);
struct val tmpl_int(long long i);
struct val tmpl_bool(bool b);
/* A map's pairs, @n of them, in Go's sorted order (fmtsort: bytewise
 * keys); the same in a new array in @arena. */
void tmpl_sort_pairs(const struct gw_pair **p, size_t n);
const struct gw_pair **tmpl_sorted_pairs(struct gw_arena *arena,
					 const struct gw_node *m);
/* Go's truth (template.IsTrue of the value without its interface). */
bool tmpl_truth(const struct val *v);

/* ---- fmt.c: Go's fmt ----------------------------------------------------- */

struct exec_state;

/*
 * fmt.Sprint, Sprintln and Sprintf of @args, appended to @out; %v of one
 * value.  Each is one traversal of the values (tmpl_walk_start) and appends
 * at most GW_TMPL_OUTPUT_MAX bytes: 0, or -1 with *@err set (a cyclic or too
 * deep value, a string too long, the work spent), @out then holding part of
 * the text.
 */
int tmpl_sprint(struct exec_state *s, struct gw_buf *out,
		const struct val *args, size_t n, const char **err);
int tmpl_sprintln(struct exec_state *s, struct gw_buf *out,
		  const struct val *args, size_t n, const char **err);
int tmpl_sprintf(struct exec_state *s, struct gw_buf *out, const char *format,
		 size_t flen, const struct val *args, size_t n,
		 const char **err);
int tmpl_print_value(struct exec_state *s, struct gw_buf *out,
		     const struct val *v, const char **err);

/* ---- func.c -------------------------------------------------------------- */

/* The Go type of a function parameter. */
enum ptype {
	P_VALUE,	/* reflect.Value: anything, nil as no value */
	P_ANY,		/* interface{} */
	P_STRING, P_INT, P_INT64, P_BOOL, P_FLOAT,
	P_MAP,		/* map[string]interface{} */
	P_MAPSS,	/* map[string]string */
	P_SLICE,	/* []interface{} */
	P_SSLICE,	/* []string */
};

/* Returns 0, or -1 with *@err set (Go's "error calling NAME: ERR"). */
typedef int (*tmpl_fn)(struct exec_state *s, struct val *args, size_t n,
		       struct val *out, const char **err);

struct tfunc {
	const char *name;
	tmpl_fn fn;
	signed char nin;		/* parameters, the variadic one included */
	bool variadic;
	bool iface_result;		/* returns interface{} */
	bool builtin;
	enum ptype in[4];		/* the last is the variadic's element */
	const char *result;		/* Go type of the result, for messages */
};

const struct tfunc *tmpl_func_find(const char *name);
const char *tmpl_ptype_name(enum ptype t);

/* ---- exec.c, for the functions ------------------------------------------ */

/*
 * The bounds of one execution (tmpl.h).  tmpl_spend() spends @work steps
 * and @made bytes of values made: 0, or -1 with *@err set when the
 * execution has not that many left.  tmpl_check_len(): 0 when a string of
 * @len bytes is within GW_TMPL_OUTPUT_MAX, else -1 with *@err.
 */
int tmpl_spend(struct exec_state *s, size_t work, size_t made,
	       const char **err);
int tmpl_check_len(size_t len, const char **err);
/*
 * The list the execution's last `append` made: its items and length.  A
 * next append to that very list may put its element in the spare room
 * after them (as Go's append does with a slice's capacity), so that
 * `$l = append $l $x` in a range is linear; an append to any other list,
 * an older one included, copies.
 */
struct gw_node **tmpl_last_append(struct exec_state *s, size_t *n);
void tmpl_set_last_append(struct exec_state *s, struct gw_node **items,
			  size_t n);

/*
 * A traversal of a value, one at a time per execution: tmpl_walk_start()
 * begins one; tmpl_walk_enter() enters container @n (a GW_MAP or a GW_SEQ
 * node) and spends a step for it and each of its elements: 0; 1 with *@err
 * set when @n is one of the containers the traversal is inside (a cycle) or
 * would be the GW_TMPL_NEST_MAX + 1st (json.Marshal fails on both too); -1
 * with *@err when the work is spent.  tmpl_walk_leave() leaves the last
 * container entered.
 */
void tmpl_walk_start(struct exec_state *s);
int tmpl_walk_enter(struct exec_state *s, const struct gw_node *n,
		    const char **err);
void tmpl_walk_leave(struct exec_state *s);

struct gw_arena *tmpl_exec_arena(struct exec_state *s);
/* Go's error: the text as fmt.Errorf would give it, in the arena. */
const char *tmpl_errorf(struct exec_state *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Go's eq/lt for the comparison builtins: 0, or -1 with *err. */
int tmpl_compare_eq(const struct val *a, const struct val *b, bool *res,
		    const char **err);
int tmpl_compare_lt(const struct val *a, const struct val *b, bool *res,
		    const char **err);

#endif
