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

#endif
