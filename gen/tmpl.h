/*
 * tmpl.h - a Go text/template engine with Istio's injection function map.
 *
 * One section per file under gen/tmpl/, in pipeline order:
 *
 *   lex    template text -> items (Go's parse/lex.go)
 *   parse  items         -> node trees, one per named template
 *   exec   trees + data  -> text (Go's exec.go)
 *   func   the builtins and Istio's/sprig's functions
 *
 * Values: a gw_node GW_MAP is a Go map[string]interface{}, GW_SEQ a
 * []interface{}, GW_INT an int, GW_NUM a float64, GW_STR a string, GW_BOOL a
 * bool, GW_NULL (or a NULL pointer) an untyped nil.
 *
 * Ownership: a set, its trees, every value made while executing and every
 * error message live in the arena given to gw_tmpl_new() and are freed with
 * it.  Only @out of gw_tmpl_exec() is malloc'ed (a struct gw_buf).
 */
#ifndef GWC_TMPL_H
#define GWC_TMPL_H

#include "gwc.h"

/* A set of named templates, like Go's *template.Template and its
 * associates. */
struct gw_tmpl;

/* A new, empty set; all its memory comes from @arena. */
struct gw_tmpl *gw_tmpl_new(struct gw_arena *arena);

/*
 * Parses @len bytes of @text as template @name into @set; {{define}} and
 * {{block}} add more names, and a redefinition replaces as Go's does.
 * Returns 0, or -1 on a syntax error with *@err set to Go's message (e.g.
 * "template: gateway:12: unexpected \"}\" in operand"), arena-owned.
 */
int gw_tmpl_parse(struct gw_tmpl *set, const char *name, const char *text,
		  size_t len, const char **err);

/*
 * Executes template @name of @set with @data as dot (NULL is nil),
 * appending the text to @out.  Returns 0, or -1 with *@err set to Go's
 * execution error text (e.g. "template: gateway:3:10: executing
 * \"gateway\" at <.Foo.Bar>: nil pointer evaluating interface {}.Bar");
 * what was written before the error stays in @out, as with Go.
 */
int gw_tmpl_exec(struct gw_tmpl *set, const char *name,
		 const struct gw_node *data, struct gw_buf *out,
		 const char **err);

/* Go's Option("missingkey=..."): how a missing map key evaluates. */
enum gw_tmpl_missingkey {
	GW_TMPL_MISSINGKEY_DEFAULT,	/* "<no value>" (the zero: nil) */
	GW_TMPL_MISSINGKEY_ZERO,	/* the zero value: nil for our maps */
	GW_TMPL_MISSINGKEY_ERROR,	/* an execution error */
};

void gw_tmpl_set_missingkey(struct gw_tmpl *set,
			    enum gw_tmpl_missingkey mode);

/* True when @set holds a template @name with a body. */
bool gw_tmpl_defined(const struct gw_tmpl *set, const char *name);

/*
 * Execution depth bound of {{template}} calls (Go's maxExecDepth is 100000;
 * ours is smaller so that the C stack cannot overflow).  Exceeding it gives
 * Go's error "exceeded maximum template depth (N)".
 */
#define GW_TMPL_DEPTH_MAX 1000

/*
 * Bounds of one execution.  A template can come from the user's spec
 * (spec.controlPlane.injectionTemplate), and a few lines of one can ask
 * for 2^40 bytes or steps: a string doubled 40 times, a map that holds
 * itself, a map holding the same map twice 40 levels deep.  Go has no
 * bound: it runs until memory or its stack is exhausted.  gwc stops with an
 * execution error at the action's line:col instead, in Go's form (a
 * function's as "error calling NAME: ..."):
 *
 *   template: t:1:9: executing "t" at <print $s $s>: error calling print:
 *   string longer than 16777216 bytes (gwc's limit)
 *
 * GW_TMPL_OUTPUT_MAX  bytes of output, and of any one string a function
 *                     makes (print, printf, indent, replace, join, ...) or
 *                     the JSON that toJson and toYaml write; "output longer
 *                     than N bytes" or "string longer than N bytes".
 * GW_TMPL_VALUE_MAX   bytes of the values the functions of one execution
 *                     make, all of them together: a string counts its
 *                     length, an element of a list or a map it makes
 *                     GW_TMPL_ELEMENT_COST; "values made exceed N bytes".
 * GW_TMPL_WORK_MAX    steps of one execution: one per node walked,
 *                     pipeline, range iteration and function call, one per
 *                     element of a value a function makes or visits, one per
 *                     64 bytes of a string it makes; "execution exceeds N
 *                     steps".
 * GW_TMPL_NEST_MAX    how deep a traversal of a value (%v and print of it,
 *                     eq's message, toJson, toYaml) follows maps and lists
 *                     within maps and lists.  The containers it is inside are
 *                     kept, so a value that holds itself (`set $d "a" $d`)
 *                     is the error "cyclic value: a map contains itself"
 *                     where Go's fmt recurses until its stack overflows;
 *                     deeper values are "value nested deeper than N".
 *
 * Where Go does answer, gwc answers as Go: encoding/json detects a cycle
 * (Go's json.Marshal fails, so Istio's toJson gives "{}", toYaml "" and
 * toJsonMap ""), and gwc does the same.  gwc differs from Go only in
 * failing where Go would exhaust memory or time, or overflow its stack.
 */
#define GW_TMPL_OUTPUT_MAX 16777216	/* 16 MiB */
#define GW_TMPL_VALUE_MAX 67108864	/* 64 MiB */
#define GW_TMPL_ELEMENT_COST 64
#define GW_TMPL_WORK_MAX 10000000
#define GW_TMPL_NEST_MAX 1000

#endif
