/*
 * test_tmpl.c - the Go text/template engine (gen/tmpl.h, gen/tmpl/).
 *
 * Each case renders a template with one data document (DATA) as template
 * "t" and asserts the exact output or the exact error text.  The expected
 * values are Go's: go1.19 text/template with sprig's TxtFuncMap and Istio's
 * injection functions (for isset/valueOrDefault/indent/structToJSON, maps
 * in place of Kubernetes structs) gave them when the cases were written.
 * The cases where gwc deliberately differs from Go (.String on a string,
 * the template depth limit) are separate tests below.  The last tests parse
 * every upstream Istio injection template in ../shared/upstream and render
 * the gateway templates with plausible data (skipped when absent).
 */
#include <dirent.h>

#include "unit.h"
#include "tmpl.h"

static const char DATA[] =
	"{\"a\": 1, \"b\": [\"x\", \"y\", 2.5], \"m\": {\"k\": \"v\", \"z\": null}, \""
	"s\": \"hello\", \"f\": 1.5, \"t\": true, \"e\": \"\", \"n\": null, \"l\": ["
	"], \"mm\": {}, \"i\": [3, 1, 2], \"o\": {\"zeta\": 1, \"alpha\": 2, \"M"
	"id\": 3, \"_u\": 4, \"a b\": 5}, \"ObjectMeta\": {\"Annotations\": {\""
	"x\": \"1\"}, \"Labels\": {\"app\": \"a\"}}, \"neg\": -7, \"big\": 1234567"
	"8}";

struct tcase {
	const char *tmpl;
	const char *out;	/* NULL: an error is expected */
	const char *err;
};

/* Renders @tmpl over @data (YAML/JSON); returns 0 or -1, with the output
 * or the error message (malloc'ed) in *@text. */
static int render_mode(const char *tmpl, const char *data, char **text,
		       enum gw_tmpl_missingkey mode)
{
	struct unit_load u;
	struct gw_tmpl *set;
	struct gw_buf out = {0};
	const char *err = NULL;
	int rc;

	unit_load(&u, data);
	assert_int_equal(u.status, 0);
	set = gw_tmpl_new(u.arena);
	gw_tmpl_set_missingkey(set, mode);
	rc = gw_tmpl_parse(set, "t", tmpl, strlen(tmpl), &err);
	if (rc == 0)
		rc = gw_tmpl_exec(set, "t", u.ndocs ? u.docs[0] : NULL, &out,
				  &err);
	if (rc == 0) {
		assert_null(err);
		*text = strndup(out.data ? out.data : "", out.len);
	} else {
		assert_int_equal(rc, -1);
		assert_non_null(err);
		assert_true(err[0] != '\0');
		*text = strdup(err);
	}
	assert_non_null(*text);
	gw_buf_release(&out);
	unit_load_done(&u);
	return rc;
}

static int render(const char *tmpl, char **text)
{
	return render_mode(tmpl, DATA, text, GW_TMPL_MISSINGKEY_DEFAULT);
}

static void run_cases_on(const char *data, const struct tcase *cases,
			 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *text;
		int rc = render_mode(cases[i].tmpl, data, &text,
				     GW_TMPL_MISSINGKEY_DEFAULT);

		if (cases[i].out) {
			if (rc != 0 || strcmp(text, cases[i].out))
				print_error("template %s\n", cases[i].tmpl);
			assert_int_equal(rc, 0);
			assert_string_equal(text, cases[i].out);
		} else {
			if (rc != -1 || strcmp(text, cases[i].err))
				print_error("template %s\n", cases[i].tmpl);
			assert_int_equal(rc, -1);
			assert_string_equal(text, cases[i].err);
		}
		free(text);
	}
}

static void run_cases(const struct tcase *cases, size_t n)
{
	run_cases_on(DATA, cases, n);
}

static const struct tcase trim_markers_and_comments_cases[] = {
	{"a {{- /* x */}} b {{/* y */ -}} c",
	 "a b c", NULL},
	{"a  {{- /* x */ -}}  b",
	 "ab", NULL},
	{"{{/* c */}}x{{- /* multi\nline */ -}}\n y",
	 "xy", NULL},
	{"{{- 3 -}}  {{- 4}} {{5 -}}  x",
	 "34 5x", NULL},
	{"{{-3}} {{3-}}",
	 NULL, "template: t:1: bad number syntax: \"3-\""},
	{"a\n\n  {{- .s }}  \n\n  {{- \"x\" -}}\n\n  b",
	 "ahelloxb", NULL},
	{"{{/* unclosed",
	 NULL, "template: t:1: unclosed comment"},
	{"{{/* c */ x}}",
	 NULL, "template: t:1: comment ends before closing delimiter"},
};

static void test_trim_markers_and_comments(void **state)
{
	(void)state;
	run_cases(trim_markers_and_comments_cases, sizeof(trim_markers_and_comments_cases) / sizeof(trim_markers_and_comments_cases[0]));
}

static const struct tcase eq_with_several_args_cases[] = {
	{"{{eq .a 2 3 1}} {{eq .s \"a\" \"b\"}} {{eq .s \"hello\"}} {{ne .s \"hello\"}}",
	 "true false true false", NULL},
	{"{{eq .a \"x\" 1}}",
	 NULL, "template: t:1:2: executing \"t\" at <eq .a \"x\" 1>: error calling eq: incompatible types for comparison"},
	{"{{eq .n nil}} {{eq .nope nil}} {{eq .nope .n}}",
	 "true true true", NULL},
	{"{{eq 1}}",
	 NULL, "template: t:1:2: executing \"t\" at <eq 1>: error calling eq: missing argument for comparison"},
};

static void test_eq_with_several_args(void **state)
{
	(void)state;
	run_cases(eq_with_several_args_cases, sizeof(eq_with_several_args_cases) / sizeof(eq_with_several_args_cases[0]));
}

static const struct tcase index_on_missing_keys_cases[] = {
	{"{{index .m \"k\"}} {{index .m \"nope\"}} {{index .nope \"k\"}}",
	 NULL, "template: t:1:39: executing \"t\" at <index .nope \"k\">: error calling index: index of untyped nil"},
	{"{{index .m \"nope\" \"deeper\"}}",
	 NULL, "template: t:1:2: executing \"t\" at <index .m \"nope\" \"deeper\">: error calling index: index of nil pointer"},
	{"{{index .b 1}} {{index .b -1}}",
	 NULL, "template: t:1:17: executing \"t\" at <index .b -1>: error calling index: index out of range: -1"},
	{"{{index .b 3}}",
	 NULL, "template: t:1:2: executing \"t\" at <index .b 3>: error calling index: reflect: slice index out of range"},
	{"{{index .b \"x\"}}",
	 NULL, "template: t:1:2: executing \"t\" at <index .b \"x\">: error calling index: cannot index slice/array with type string"},
	{"{{index .m 1}}",
	 NULL, "template: t:1:2: executing \"t\" at <index .m 1>: error calling index: value has type int; should be string"},
	{"{{index .a 0}}",
	 NULL, "template: t:1:2: executing \"t\" at <index .a 0>: error calling index: can't index item of type int"},
	{"{{index .s 0}}",
	 "104", NULL},
};

static void test_index_on_missing_keys(void **state)
{
	(void)state;
	run_cases(index_on_missing_keys_cases, sizeof(index_on_missing_keys_cases) / sizeof(index_on_missing_keys_cases[0]));
}

static const struct tcase printf_verbs_cases[] = {
	{"{{printf \"%s|%d|%v|%q|%t|%x|%f|%g|%%\" \"s\" 42 .b \"q\\\"\" true \"hi\" 2.5 0.000012345}}",
	 "s|42|[x y 2.5]|\"q\\\"\"|true|6869|2.500000|1.2345e-05|%", NULL},
	{"{{printf \"%5.2f|%-4s|%04d|%+d|%X|%o|%b|%c|%U|%e\" 3.14159 \"ab\" 42 42 255 8 5 9731 9731 123456.789}}",
	 " 3.14|ab  |0042|+42|FF|10|101|\342\230\203|U+2603|1.234568e+05", NULL},
	{"{{printf \"%d %s\" \"x\" 1}} {{printf \"%d\"}} {{printf \"x\" 1 \"y\"}} {{printf \"%v %v\" .n .mm}}",
	 "%!d(string=x) %!s(int=1) %!d(MISSING) x%!(EXTRA int=1, string=y) <nil> map[]", NULL},
	{"{{printf \"%v|%s|%d\" .m .b .i}}",
	 "map[k:v z:<nil>]|[x y %!s(float64=2.5)]|[3 1 2]", NULL},
	{"{{printf \"%6.2v|%.3v|%10.4q|%-8t|\" 3.14159 \"abcdef\" \"abcdef\" true}}",
	 "   3.1|abc|    \"abcd\"|true    |", NULL},
	{"{{printf \"%T %T %T %T %T %T\" 1 \"a\" 1.5 .m .b true}}",
	 "int string float64 map[string]interface {} []interface {} bool", NULL},
};

static void test_printf_verbs(void **state)
{
	(void)state;
	run_cases(printf_verbs_cases, sizeof(printf_verbs_cases) / sizeof(printf_verbs_cases[0]));
}

static const struct tcase floats_and_numbers_printed_cases[] = {
	{"{{ 1.0 }} {{ 3.0e2 }} {{ 1e21 }} {{ 1e20 }} {{ 0.0001 }} {{ 0.00001 }} {{ 100000.0 }} {{ 1000000.0 }} {{ .f }} {{ .big }}",
	 "1 300 1e+21 1e+20 0.0001 1e-05 100000 1e+06 1.5 12345678", NULL},
	{"{{ 0x10 }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000 }} {{ 'a' }} {{ '\n' }} {{ 0x1p-2 }} {{ -5 }} {{ +5 }}",
	 NULL, "template: t:1: unterminated character constant"},
};

static void test_floats_and_numbers_printed(void **state)
{
	(void)state;
	run_cases(floats_and_numbers_printed_cases, sizeof(floats_and_numbers_printed_cases) / sizeof(floats_and_numbers_printed_cases[0]));
}

static const struct tcase range_over_maps_in_sorted_order_cases[] = {
	{"{{range $k, $v := .o}}{{$k}}={{$v}} {{end}}",
	 "Mid=3 _u=4 a b=5 alpha=2 zeta=1 ", NULL},
	{"{{range .o}}{{.}},{{end}}",
	 "3,4,5,2,1,", NULL},
	{"{{.o}}",
	 "map[Mid:3 _u:4 a b:5 alpha:2 zeta:1]", NULL},
	{"{{range $i, $v := .b}}{{$i}}:{{$v}} {{end}}",
	 "0:x 1:y 2:2.5 ", NULL},
	{"{{range .l}}x{{else}}empty{{end}} {{range .n}}x{{else}}nil{{end}} {{range .mm}}x{{else}}nomap{{end}}",
	 "empty nil nomap", NULL},
	{"{{range .a}}x{{end}}",
	 NULL, "template: t:1:8: executing \"t\" at <.a>: range can't iterate over 1"},
	{"{{range .s}}x{{end}}",
	 NULL, "template: t:1:8: executing \"t\" at <.s>: range can't iterate over hello"},
};

static void test_range_over_maps_in_sorted_order(void **state)
{
	(void)state;
	run_cases(range_over_maps_in_sorted_order_cases, sizeof(range_over_maps_in_sorted_order_cases) / sizeof(range_over_maps_in_sorted_order_cases[0]));
}

static const struct tcase break_and_continue_cases[] = {
	{"{{range $i, $v := .i}}{{if eq $v 1}}{{continue}}{{end}}{{$i}}{{end}}",
	 "02", NULL},
	{"{{range .i}}{{if eq . 1}}{{break}}{{end}}{{.}}{{end}}",
	 "3", NULL},
	{"{{range .i}}{{range .$}}{{end}}{{end}}",
	 NULL, "template: t:1: bad character U+0024 '$'"},
	{"{{break}}",
	 NULL, "template: t:1: {{break}} outside {{range}}"},
	{"{{range .i}}{{break 1}}{{end}}",
	 NULL, "template: t:1: unexpected \"1\" in {{break}}"},
	{"{{if true}}{{continue}}{{end}}",
	 NULL, "template: t:1: {{continue}} outside {{range}}"},
};

static void test_break_and_continue(void **state)
{
	(void)state;
	run_cases(break_and_continue_cases, sizeof(break_and_continue_cases) / sizeof(break_and_continue_cases[0]));
}

static const struct tcase variables_scoping_cases[] = {
	{"{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}",
	 "21", NULL},
	{"{{$x := 1}}{{if true}}{{$x = 2}}{{$x}}{{end}}{{$x}}",
	 "22", NULL},
	{"{{$x := 1}}{{with .s}}{{$x = .}}{{end}}{{$x}}",
	 "hello", NULL},
	{"{{$x := 0}}{{range .i}}{{$x = .}}{{end}}{{$x}}",
	 "2", NULL},
	{"{{range $x := .i}}{{$x}}{{end}}{{$x}}",
	 NULL, "template: t:1: undefined variable \"$x\""},
	{"{{with $y := .s}}{{$y}}{{end}}{{$y}}",
	 NULL, "template: t:1: undefined variable \"$y\""},
	{"{{$}} {{$.a}}",
	 "map[ObjectMeta:map[Annotations:map[x:1] Labels:map[app:a]] a:1 b:[x y 2.5] big:12345678 e: f:1.5 i:[3 1 2] l:[] m:map[k:v z:<nil>] mm:map[] n:<nil> neg:-7 o:map[Mid:3 _u:4 a b:5 alpha:2 zeta:1] s:hello t:true] 1", NULL},
	{"{{$x = 1}}",
	 NULL, "template: t:1:7: executing \"t\" at <1>: undefined variable: $x"},
	{"{{range $a, $b, $c := .i}}{{end}}",
	 NULL, "template: t:1: too many declarations in range"},
	{"{{$a, $b := 1}}",
	 NULL, "template: t:1: too many declarations in command"},
};

static void test_variables_scoping(void **state)
{
	(void)state;
	run_cases(variables_scoping_cases, sizeof(variables_scoping_cases) / sizeof(variables_scoping_cases[0]));
}

static const struct tcase if_else_with_cases[] = {
	{"{{if .a}}A{{else if .b}}B{{else}}C{{end}} {{if not .a}}A{{else if .e}}B{{else}}C{{end}}",
	 "A C", NULL},
	{"{{with .m}}{{.k}}{{else}}none{{end}} {{with .mm}}x{{else}}empty{{end}} {{with .nope}}x{{end}}",
	 "v empty ", NULL},
	{"{{if .e}}x{{end}}{{if .l}}x{{end}}{{if .n}}x{{end}}{{if 0.0}}x{{end}}{{if .t}}T{{end}}",
	 "T", NULL},
};

static void test_if_else_with(void **state)
{
	(void)state;
	run_cases(if_else_with_cases, sizeof(if_else_with_cases) / sizeof(if_else_with_cases[0]));
}

static const struct tcase define_template_block_cases[] = {
	{"{{define \"a\"}}A{{.}}{{end}}{{template \"a\" 5}}{{template \"a\"}}{{template \"a\" .s}}",
	 "A5A<no value>Ahello", NULL},
	{"{{block \"b\" .a}}B{{.}}{{end}}|{{template \"b\" 2}}",
	 "B1|B2", NULL},
	{"{{define \"r\"}}{{if gt . 0}}{{.}}{{template \"r\" (add . -1)}}{{end}}{{end}}{{template \"r\" 3}}",
	 "321", NULL},
	{"{{template \"nope\"}}",
	 NULL, "template: t:1:11: executing \"t\" at <{{template \"nope\"}}>: template \"nope\" not defined"},
	{"{{define \"a\"}}1{{end}}{{define \"a\"}}2{{end}}",
	 NULL, "template: t:1: template: multiple definition of template \"a\""},
	{"{{define \"a\"}}1{{end}}{{define \"a\"}} {{end}}{{template \"a\"}}",
	 "1", NULL},
	{"{{define \"a\"}}x{{else}}y{{end}}",
	 NULL, "template: t:1: unexpected {{else}} in define clause"},
	{"{{define \"a\"}}",
	 NULL, "template: t:1: unexpected EOF"},
	{"{{define 3}}{{end}}",
	 NULL, "template: t:1: unexpected \"3\" in define clause"},
	{"{{template 3}}",
	 NULL, "template: t:1: unexpected \"3\" in template clause"},
	{"{{block \"b\"}}{{end}}",
	 NULL, "template: t:1: missing value for block clause"},
};

static void test_define_template_block(void **state)
{
	(void)state;
	run_cases(define_template_block_cases, sizeof(define_template_block_cases) / sizeof(define_template_block_cases[0]));
}

static const struct tcase field_chains_maps_cases[] = {
	{"{{.m.k}} {{.m.nope}} {{.nope.k}} {{(.m).k}} {{.ObjectMeta.Labels.app}}",
	 "v <no value> <no value> v a", NULL},
	{"{{.m.z.x}}",
	 NULL, "template: t:1:4: executing \"t\" at <.m.z.x>: nil pointer evaluating interface {}.x"},
	{"{{.s.x}}",
	 NULL, "template: t:1:4: executing \"t\" at <.s.x>: can't evaluate field x in type interface {}"},
	{"{{.a.b}}",
	 NULL, "template: t:1:4: executing \"t\" at <.a.b>: can't evaluate field b in type interface {}"},
	{"{{$x := \"s\"}}{{$x.y}}",
	 NULL, "template: t:1:17: executing \"t\" at <$x.y>: can't evaluate field y in type string"},
	{"{{.a 1}}",
	 NULL, "template: t:1:2: executing \"t\" at <.a>: a is not a method but has arguments"},
	{"{{1 | .m.k}}",
	 NULL, "template: t:1:8: executing \"t\" at <.m.k>: k is not a method but has arguments"},
	{"{{.m.k 1}}",
	 NULL, "template: t:1:4: executing \"t\" at <.m.k>: k is not a method but has arguments"},
	{"{{ nil.x }}",
	 NULL, "template: t:1: unexpected . after term \"nil\""},
	{"{{ \"a\".x }}",
	 NULL, "template: t:1: unexpected . after term \"\\\"a\\\"\""},
	{"{{ 1.x }}",
	 NULL, "template: t:1: bad number syntax: \"1.x\""},
};

static void test_field_chains_maps(void **state)
{
	(void)state;
	run_cases(field_chains_maps_cases, sizeof(field_chains_maps_cases) / sizeof(field_chains_maps_cases[0]));
}

static const struct tcase literals_cases[] = {
	{"{{ \"a\\tb\\u00e9\\x41\" }} {{ `raw\n` }} {{ true }} {{ false }}",
	 "a\tb\303\251A raw\n true false", NULL},
	{"{{ \"\\q\" }}",
	 NULL, "template: t:1: invalid syntax"},
	{"{{ 08 }}",
	 NULL, "template: t:1: integer overflow: \"08\""},
	{"{{ 1__0 }}",
	 NULL, "template: t:1: illegal number syntax: \"1__0\""},
	{"{{ 3abc }}",
	 NULL, "template: t:1: bad number syntax: \"3a\""},
	{"{{ 9223372036854775807 }}",
	 "9223372036854775807", NULL},
	{"{{ 9223372036854775808 }}",
	 NULL, "template: t:1:3: executing \"t\" at <9223372036854775808>: 9223372036854775808 overflows int"},
	{"{{ 'ab' }}",
	 NULL, "template: t:1: malformed character constant: 'ab'"},
	{"{{ \"abc }}",
	 NULL, "template: t:1: unterminated quoted string"},
	{"{{ `abc }}",
	 NULL, "template: t:1: unterminated raw quoted string"},
	{"{{ 'a }}",
	 NULL, "template: t:1: unterminated character constant"},
	{"{{ nil }}",
	 NULL, "template: t:1:3: executing \"t\" at <nil>: nil is not a command"},
	{"{{ 1i }}",
	 "(0+1i)", NULL},
};

static void test_literals(void **state)
{
	(void)state;
	run_cases(literals_cases, sizeof(literals_cases) / sizeof(literals_cases[0]));
}

static const struct tcase pipelines_and_commands_cases[] = {
	{"{{\"x\" | printf \"%s-%s\" \"y\"}} {{.a | printf \"%d\"}} {{. | len}}",
	 "y-x 1 15", NULL},
	{"{{ .a | 1 }}",
	 NULL, "template: t:1: non executable command in pipeline stage 2"},
	{"{{ .a | \"x\" }}",
	 NULL, "template: t:1: non executable command in pipeline stage 2"},
	{"{{ foo }}",
	 NULL, "template: t:1: function \"foo\" not defined"},
	{"{{ $x := }}",
	 NULL, "template: t:1: missing value for command"},
	{"{{ ( }}",
	 NULL, "template: t:1: unclosed left paren"},
	{"{{ ) }}",
	 NULL, "template: t:1: unexpected \")\" in command"},
	{"{{ (1) 2 }}",
	 NULL, "template: t:1:3: executing \"t\" at <(1) 2>: can't give argument to non-function 1"},
	{"{{ | }}",
	 NULL, "template: t:1: unexpected \"|\" in command"},
	{"{{ . . }}",
	 NULL, "template: t:1:3: executing \"t\" at <.>: can't give argument to non-function ."},
	{"{{ .a . }}",
	 NULL, "template: t:1:3: executing \"t\" at <.a>: a is not a method but has arguments"},
	{"{{ ,}}",
	 NULL, "template: t:1: unexpected \",\" in command"},
	{"{{ \303\251 }}",
	 NULL, "template: t:1: function \"\303\251\" not defined"},
	{"{{ \\x01 }}",
	 NULL, "template: t:1: unexpected \"\\\\\" in command"},
	{"{{end}}",
	 NULL, "template: t:1: unexpected {{end}}"},
	{"{{else}}",
	 NULL, "template: t:1: unexpected {{else}}"},
	{"{{if 1}}",
	 NULL, "template: t:1: unexpected EOF"},
	{"{{if 1}}{{else}}{{else}}{{end}}",
	 NULL, "template: t:1: expected end; found {{else}}"},
	{"{{range 1}}{{else if 1}}{{end}}",
	 NULL, "template: t:1: unexpected <if> in input"},
	{"{{with 1}}{{else if 1}}{{end}}",
	 NULL, "template: t:1: unexpected <if> in input"},
	{"{{ .a }",
	 NULL, "template: t:1: unexpected \"}\" in operand"},
	{"{{ .a",
	 NULL, "template: t:1: unclosed action"},
	{"{{ .a -}",
	 NULL, "template: t:1: illegal number syntax: \"-\""},
};

static void test_pipelines_and_commands(void **state)
{
	(void)state;
	run_cases(pipelines_and_commands_cases, sizeof(pipelines_and_commands_cases) / sizeof(pipelines_and_commands_cases[0]));
}

static const struct tcase builtins_cases[] = {
	{"{{and 1 0 2}} {{or 0 \"\" \"x\"}} {{and 1 2}} {{or 0 \"\"}} {{not 0}} {{not .s}}",
	 "0 x 2  true false", NULL},
	{"{{and}}",
	 NULL, "template: t:1:2: executing \"t\" at <and>: wrong number of args for and: want at least 1 got 0"},
	{"{{or (index .nope 1) 1}}",
	 NULL, "template: t:1:6: executing \"t\" at <index .nope 1>: error calling index: index of untyped nil"},
	{"{{and 0 (index .nope 1)}}",
	 "0", NULL},
	{"{{len .b}} {{len .m}} {{len .s}} {{len .l}}",
	 "3 2 5 0", NULL},
	{"{{len .a}}",
	 NULL, "template: t:1:2: executing \"t\" at <len .a>: error calling len: len of type int"},
	{"{{len nil}}",
	 NULL, "template: t:1:2: executing \"t\" at <len nil>: error calling len: reflect: call of reflect.Value.Type on zero Value"},
	{"{{len .n}}",
	 NULL, "template: t:1:2: executing \"t\" at <len .n>: error calling len: len of nil pointer"},
	{"{{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1.5 2.5}} {{lt .a 5}}",
	 "true true true false true", NULL},
	{"{{lt 1 2.0}}",
	 NULL, "template: t:1:2: executing \"t\" at <lt 1 2.0>: error calling lt: incompatible types for comparison"},
	{"{{lt true false}}",
	 NULL, "template: t:1:2: executing \"t\" at <lt true false>: error calling lt: invalid type for comparison"},
	{"{{lt .m .m}}",
	 NULL, "template: t:1:2: executing \"t\" at <lt .m .m>: error calling lt: invalid type for comparison"},
	{"{{lt nil 1}}",
	 NULL, "template: t:1:2: executing \"t\" at <lt nil 1>: error calling lt: invalid type for comparison"},
	{"{{eq .m .b}}",
	 NULL, "template: t:1:2: executing \"t\" at <eq .m .b>: error calling eq: non-comparable types map[k:v z:<nil>]: map[string]interface {}, []interface {}: [x y 2.5]"},
	{"{{eq .m .m}}",
	 NULL, "template: t:1:2: executing \"t\" at <eq .m .m>: error calling eq: non-comparable type map[k:v z:<nil>]: map[string]interface {}"},
	{"{{print 1 2 \"a\" \"b\" 3 .n}}|{{println 1 \"a\"}}|{{print}}",
	 "1 2ab3 <nil>|1 a\n|", NULL},
	{"{{html \"<a href='x'>&\\\"</a>\"}} {{js \"a'b\\\"<>=\n\"}} {{urlquery \"a b&c=d/\303\251\"}} {{html 1 \"x\"}}",
	 NULL, "template: t:1: unterminated quoted string"},
	{"{{call 1}}",
	 NULL, "template: t:1:2: executing \"t\" at <call 1>: error calling call: non-function of type int"},
	{"{{call nil}}",
	 NULL, "template: t:1:2: executing \"t\" at <call nil>: error calling call: call of nil"},
	{"{{not}}",
	 NULL, "template: t:1:2: executing \"t\" at <not>: wrong number of args for not: want 1 got 0"},
	{"{{not 1 2}}",
	 NULL, "template: t:1:2: executing \"t\" at <not>: wrong number of args for not: want 1 got 2"},
	{"{{len 1 2}}",
	 NULL, "template: t:1:2: executing \"t\" at <len>: wrong number of args for len: want 1 got 2"},
	{"{{index}}",
	 NULL, "template: t:1:2: executing \"t\" at <index>: wrong number of args for index: want at least 1 got 0"},
	{"{{printf}}",
	 NULL, "template: t:1:2: executing \"t\" at <printf>: wrong number of args for printf: want at least 1 got 0"},
	{"{{printf 1}}",
	 NULL, "template: t:1:9: executing \"t\" at <1>: expected string; found 1"},
	{"{{printf .s}}",
	 "hello", NULL},
	{"{{printf .nope}}",
	 NULL, "template: t:1:9: executing \"t\" at <.nope>: invalid value; expected string"},
	{"{{printf nil}}",
	 NULL, "template: t:1:9: executing \"t\" at <nil>: cannot assign nil to string"},
	{"{{printf .n}}",
	 NULL, "template: t:1:9: executing \"t\" at <.n>: wrong type for value; expected string; got interface {}"},
	{"{{nil}}",
	 NULL, "template: t:1:2: executing \"t\" at <nil>: nil is not a command"},
};

static void test_builtins(void **state)
{
	(void)state;
	run_cases(builtins_cases, sizeof(builtins_cases) / sizeof(builtins_cases[0]));
}

static const struct tcase sprig_and_istio_cases[] = {
	{"{{ default \"d\" .e }} {{ default \"d\" .s }} {{ default \"d\" .nope }} {{ default \"d\" 0 }} {{ default \"d\" .l }}",
	 "d hello d d d", NULL},
	{"{{ quote .s .a .n }} {{ squote .s 1 }}",
	 "\"hello\" \"1\" 'hello' '1'", NULL},
	{"{{ list 1 \"a\" .n }} {{ list }} {{ $l := list }}{{ $l = append $l \"x\" }}{{ $l | join \",\" }}",
	 "[1 a <nil>] [] x", NULL},
	{"{{ append .b 3 }}",
	 "[x y 2.5 3]", NULL},
	{"{{ append .nope 3 }}",
	 NULL, "template: t:1:3: executing \"t\" at <append .nope 3>: error calling append: runtime error: invalid memory address or nil pointer dereference"},
	{"{{ append .s 3 }}",
	 NULL, "template: t:1:3: executing \"t\" at <append .s 3>: error calling append: Cannot push on type string"},
	{"{{ join \",\" .b }} {{ join \"-\" .s }} {{ join \",\" .i }}",
	 "x,y,2.5 hello 3,1,2", NULL},
	{"{{ toLower \"ABC\" }} {{ upper \"abc\" }} {{ contains \"ll\" .s }} {{ contains \"zz\" .s }}",
	 "abc ABC true false", NULL},
	{"{{ trunc 3 \"abcdef\" }} {{ trunc -2 \"abcdef\" }} {{ trunc 10 \"ab\" }} {{ trimSuffix \"-\" \"ab-\" }} {{ trimPrefix \"a\" \"ab\" }}",
	 "abc ef ab ab b", NULL},
	{"{{ nindent 2 \"a\nb\" }}|{{ indent 2 \"a\nb\" }}|{{ indent 0 \"a\nb\" }}",
	 NULL, "template: t:1: unterminated quoted string"},
	{"{{ valueOrDefault .e \"d\" }} {{ valueOrDefault .s \"d\" }} {{ valueOrDefault .n \"d\" }} {{ valueOrDefault 0 \"d\" }}",
	 "d hello d 0", NULL},
	{"{{ isset .m \"k\" }} {{ isset .m \"q\" }} {{ isset .nope \"q\" }}",
	 "true false false", NULL},
	{"{{ isset .s \"k\" }}",
	 NULL, "template: t:1:9: executing \"t\" at <.s>: wrong type for value; expected map[string]interface {}; got string"},
	{"{{ hasKey .m \"k\" }} {{ empty .l }} {{ empty 1 }} {{ coalesce .e .n \"x\" }}",
	 "true true false x", NULL},
	{"{{ splitList \",\" \"a,b,,c\" }} {{ replace \"a\" \"b\" \"banana\" }} {{ dict \"a\" 1 \"b\" }} {{ toString 1.5 }}",
	 "[a b  c] bbnbnb map[a:1 b:] 1.5", NULL},
	{"{{ int \"12\" }} {{ add 1 2 3 }} {{ b64enc \"hello\" }} {{ cat \"a\" 1 .n \"b\" }} {{ ternary \"a\" \"b\" true }}",
	 "12 6 aGVsbG8= a 1 b a", NULL},
	{"{{ indent .a \"x\" }}",
	 "x", NULL},
	{"{{ indent \"x\" \"y\" }}",
	 NULL, "template: t:1:10: executing \"t\" at <\"x\">: expected integer; found \"x\""},
	{"{{ indent 1.5 \"y\" }}",
	 NULL, "template: t:1:10: executing \"t\" at <1.5>: expected integer; found 1.5"},
	{"{{ indent (add 1 1) \"y\" }}",
	 NULL, "template: t:1:17: executing \"t\" at <1>: wrong type for value; expected int; got int64"},
	{"{{ trunc .nope \"y\" }}",
	 NULL, "template: t:1:9: executing \"t\" at <.nope>: invalid value; expected int"},
	{"{{ contains 1 \"y\" }}",
	 NULL, "template: t:1:12: executing \"t\" at <1>: expected string; found 1"},
	{"{{ contains .a \"y\" }}",
	 NULL, "template: t:1:12: executing \"t\" at <.a>: wrong type for value; expected string; got int"},
	{"{{ contains .n \"y\" }}",
	 NULL, "template: t:1:12: executing \"t\" at <.n>: wrong type for value; expected string; got interface {}"},
	{"{{ quote }}",
	 "", NULL},
	{"{{ structToJSON .m }} {{ structToJSON .nope }} {{ structToJSON \"x<>&\" }} {{ structToJSON .b }} {{ structToJSON 1.5 }}",
	 "{\"k\":\"v\",\"z\":null} {} \"x\\u003c\\u003e\\u0026\" [\"x\",\"y\",2.5] 1.5", NULL},
	{"{{ slice .b 1 }} {{ slice .b 1 2 }} {{ slice .l }}",
	 "[y 2.5] [y] <no value>", NULL},
	{"{{ slice .s 1 }}",
	 NULL, "template: t:1:3: executing \"t\" at <slice .s 1>: error calling slice: list should be type of slice or array but string"},
	{"{{ get .m \"k\" }} {{ get .m \"x\" }}",
	 "v ", NULL},
};

static void test_sprig_and_istio(void **state)
{
	(void)state;
	run_cases(sprig_and_istio_cases, sizeof(sprig_and_istio_cases) / sizeof(sprig_and_istio_cases[0]));
}

static const char YDATA[] =
	"{\"y\": {\"multi\": \"line1\\nline2\", \"multi2\": \"a\\n\", \"multi3"
	"\": \"a\\n\\n\", \"lead\": \" x\\ny\", \"trail\": \"x \\ny\", \"long\": \""
	"word word word word word word word word word word word w"
	"ord word word word word word word word word word word wo"
	"rd word word word word word word word \", \"longq\": \"'w: w"
	"ord word word word word word word word word word word wo"
	"rd word word word word word word word word word word wor"
	"d word word end\", \"tab\": \"a\\tb\", \"num\": \"123\", \"bool\": \""
	"true\", \"yes\": \"yes\", \"nul\": \"null\", \"oct\": \"0o17\", \"date"
	"\": \"2001-12-14\", \"star\": \"*x\", \"colon\": \"a: b\", \"hash\": "
	"\"a #b\", \"dash\": \"- x\", \"q\": \"'q'\", \"dq\": \"\\\"q\\\"\", \"uni\":"
	" \"h\303\251llo\", \"emoji\": \"\360\237\230\200\", \"nested\": {\"list\": [{\"a\": 1,"
	" \"b\": [1, 2]}, [1, [2, 3]], {}, [], null, \"x\"], \"deep\": "
	"{\"deeper\": {\"k\": \"v\"}}}, \"float\": 1e+21, \"small\": 1e-07,"
	" \"int\": 100000000, \"fl\": 100000000.0, \"half\": 0.5, \"long"
	"keykkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
	"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\": \"v\", \"spaces\": \""
	"a  b\", \"longdq\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx y\", \"lon"
	"gnum\": \"1 2222222222222222222222222222222222222222222222"
	"222222222222222222222222222222222222222222222222222222\"}"
	", \"o\": {\"zeta\": 1, \"alpha\": 2, \"Mid\": 3, \"_u\": 4, \"a b\":"
	" 5, \"a10\": 6, \"a2\": 7, \"a02\": 8, \"1x\": 9, \"-x\": 10, \"\303\251\""
	": 11}, \"b\": [\"x\", \"y\", 2.5], \"s\": \"hello\", \"a\": 1, \"n\": "
	"null, \"l\": [], \"mm\": {}, \"f\": 1.5, \"e\": \"\", \"i\": [3, 1, "
	"2]}";

/* toYaml: sigs.k8s.io/yaml (encoding/json, then yaml.v2) of the values. */
static const struct tcase to_yaml_cases[] = {
	{"{{toYaml .y}}",
	 "bool: \"true\"\ncolon: 'a: b'\ndash: '- x'\ndate: \"2001"
	 "-12-14\"\ndq: '\"q\"'\nemoji: \"\\U0001F600\"\nfl: 10000000"
	 "0\nfloat: 1e+21\nhalf: 0.5\nhash: 'a #b'\nint: 1000000"
	 "00\nlead: |2-\n   x\n  y\nlong: 'word word word word w"
	 "ord word word word word word word word word word w"
	 "ord\n  word word word word word word word word word"
	 " word word word word word word '\nlongdq: xxxxxxxxx"
	 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	 "xxxxxxxxxxxxxxxxxxxxxxxxxx\n  y\nlongkeykkkkkkkkkkkk"
	 "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"
	 "kkkkkkkkkkkkkkkkkkkkkkkkkkkk: v\nlongnum: 1 2222222"
	 "22222222222222222222222222222222222222222222222222"
	 "2222222222222222222222222222222222222222222\nlongq:"
	 " '''w: word word word word word word word word wor"
	 "d word word word word word\n  word word word word w"
	 "ord word word word word word word end'\nmulti: |-\n "
	 " line1\n  line2\nmulti2: |\n  a\nmulti3: |+\n  a\n\nneste"
	 "d:\n  deep:\n    deeper:\n      k: v\n  list:\n  - a: 1"
	 "\n    b:\n    - 1\n    - 2\n  - - 1\n    - - 2\n      - "
	 "3\n  - {}\n  - []\n  - null\n  - x\nnul: \"null\"\nnum: \"1"
	 "23\"\noct: \"0o17\"\nq: '''q'''\nsmall: 1e-07\nspaces: a "
	 " b\nstar: '*x'\ntab: \"a\\tb\"\ntrail: \"x \\ny\"\nuni: h\303\251l"
	 "lo\n\"yes\": \"yes\"\n", NULL},
	{"{{toYaml .o}}",
	 "-x: 10\n_u: 4\n1x: 9\nMid: 3\na b: 5\na2: 7\na02: 8\na10:"
	 " 6\nalpha: 2\nzeta: 1\n\303\251: 11\n", NULL},
	{"{{toYaml .b}}",
	 "- x\n- \"y\"\n- 2.5\n", NULL},
	{"{{toYaml .s}}|{{toYaml .a}}|{{toYaml .n}}|{{toYaml .l}}|{{toYaml .mm}}|{{toYaml .f}}|{{toYaml .e}}",
	 "hello\n|1\n|null\n|[]\n|{}\n|1.5\n|\"\"\n", NULL},
	{"{{toYaml .y.multi}}|{{toYaml .y.multi3}}|{{toYaml .y.lead}}",
	 "|-\n  line1\n  line2\n||+\n  a\n\n||2-\n   x\n  y\n", NULL},
	{"{{toYaml .y.long}}",
	 "'word word word word word word word word word word"
	 " word word word word word word word\n  word word wo"
	 "rd word word word word word word word word word wo"
	 "rd '\n", NULL},
	{"{{toYaml .i}}",
	 "- 3\n- 1\n- 2\n", NULL},
	{"{{toYaml (list .y.multi .y.long (list 1 2) (dict \"a\" .y.multi))}}",
	 "- |-\n  line1\n  line2\n- 'word word word word word w"
	 "ord word word word word word word word word word w"
	 "ord\n  word word word word word word word word word"
	 " word word word word word '\n- - 1\n  - 2\n- a: |-\n  "
	 "  line1\n    line2\n", NULL},
};

static void test_to_yaml(void **state)
{
	(void)state;
	run_cases_on(YDATA, to_yaml_cases,
		     sizeof(to_yaml_cases) / sizeof(to_yaml_cases[0]));
}

/* ---- where gwc deliberately differs from Go, and the API ---------------- */

/* Istio's enums print through .String; a string's .String is the string. */
static void test_string_method(void **state)
{
	char *text;

	(void)state;
	assert_int_equal(render("{{.s.String}} {{.m.k.String}}", &text), 0);
	assert_string_equal(text, "hello v");
	free(text);
	assert_int_equal(render("{{.s.String 1}}", &text), -1);
	assert_string_equal(text, "template: t:1:4: executing \"t\" at "
			    "<.s.String>: wrong number of args for String: "
			    "want 0 got 1");
	free(text);
	assert_int_equal(render("{{.a.String}}", &text), -1);
	assert_string_equal(text, "template: t:1:4: executing \"t\" at "
			    "<.a.String>: can't evaluate field String in type "
			    "interface {}");
	free(text);
}

/* Go allows 100000 nested {{template}} calls; gwc 1000 (GW_TMPL_DEPTH_MAX),
 * so that the C stack cannot overflow. */
static void test_depth_limit(void **state)
{
	char *text;

	(void)state;
	assert_int_equal(render("{{define \"r\"}}{{template \"r\" .}}{{end}}"
				"{{template \"r\" .}}", &text), -1);
	assert_string_equal(text, "template: t:1:25: executing \"r\" at "
			    "<{{template \"r\" .}}>: exceeded maximum template "
			    "depth (1000)");
	free(text);
	/* 999 levels are fine */
	assert_int_equal(render("{{define \"r\"}}{{if lt . 999}}{{template "
				"\"r\" (add . 1)}}{{else}}{{.}}{{end}}{{end}}"
				"{{template \"r\" 0}}", &text), 0);
	assert_string_equal(text, "999");
	free(text);
}

/* Option("missingkey=zero") and ("missingkey=error"). */
static void test_missingkey(void **state)
{
	char *text;

	(void)state;
	assert_int_equal(render_mode("{{.nope}} {{.m.nope}}", DATA, &text,
				     GW_TMPL_MISSINGKEY_ZERO), 0);
	assert_string_equal(text, "<no value> <no value>");
	free(text);
	assert_int_equal(render_mode("{{.m.k}} {{.m.nope}}", DATA, &text,
				     GW_TMPL_MISSINGKEY_ERROR), -1);
	assert_string_equal(text, "template: t:1:13: executing \"t\" at "
			    "<.m.nope>: map has no entry for key \"nope\"");
	free(text);
	assert_int_equal(render_mode("{{.x.y}}", "null", &text,
				     GW_TMPL_MISSINGKEY_ERROR), -1);
	assert_string_equal(text, "template: t:1:4: executing \"t\" at "
			    "<.x.y>: nil data; no entry for key \"x\"");
	free(text);
}

#define PARSE(name, text) gw_tmpl_parse(set, name, text, strlen(text), &err)

/* A set: several parse calls, redefinition, lookups, errors. */
static void test_set(void **state)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_tmpl *set = gw_tmpl_new(arena);
	struct gw_buf out = {0};
	const char *err = NULL;

	(void)state;
	assert_int_equal(PARSE("main", "[{{template \"x\"}}]"), 0);
	assert_false(gw_tmpl_defined(set, "x"));
	assert_int_equal(gw_tmpl_exec(set, "main", NULL, &out, &err), -1);
	assert_string_equal(err, "template: main:1:12: executing \"main\" at "
			    "<{{template \"x\"}}>: template \"x\" not defined");
	/* what was written before the error stays, as with Go */
	assert_int_equal(out.len, 1);
	out.len = 0;
	assert_int_equal(PARSE("lib", "{{define \"x\"}}1{{end}}"), 0);
	assert_true(gw_tmpl_defined(set, "x"));
	assert_int_equal(gw_tmpl_exec(set, "main", NULL, &out, &err), 0);
	assert_int_equal(out.len, 3);
	assert_memory_equal(out.data, "[1]", 3);
	/* a redefinition replaces; an empty one does not */
	assert_int_equal(PARSE("lib2", "{{define \"x\"}}2{{end}}"), 0);
	assert_int_equal(PARSE("lib3", "{{define \"x\"}} {{end}}"), 0);
	out.len = 0;
	assert_int_equal(gw_tmpl_exec(set, "main", NULL, &out, &err), 0);
	assert_memory_equal(out.data, "[2]", 3);
	/* a syntax error leaves the set as it was */
	assert_int_equal(PARSE("bad", "{{define \"x\"}}3{{end}}"
				       "{{if}}"), -1);
	assert_string_equal(err, "template: bad:1: missing value for if");
	out.len = 0;
	assert_int_equal(gw_tmpl_exec(set, "main", NULL, &out, &err), 0);
	assert_memory_equal(out.data, "[2]", 3);
	assert_int_equal(gw_tmpl_exec(set, "nope", NULL, &out, &err), -1);
	assert_string_equal(err, "template: no template \"nope\" associated "
			    "with template \"main\"");
	/* the text is not read past its length */
	assert_int_equal(gw_tmpl_parse(set, "n", "{{1}}{{2}}", 5, &err), 0);
	out.len = 0;
	assert_int_equal(gw_tmpl_exec(set, "n", NULL, &out, &err), 0);
	assert_int_equal(out.len, 1);
	assert_memory_equal(out.data, "1", 1);
	gw_buf_release(&out);
	gw_arena_free(arena);
}

/* Positions of errors in multi-line text. */
static void test_error_positions(void **state)
{
	char *text;

	(void)state;
	assert_int_equal(render("a\nb {{.a}}\n  {{.s.x}}", &text), -1);
	assert_string_equal(text, "template: t:3:6: executing \"t\" at "
			    "<.s.x>: can't evaluate field x in type interface "
			    "{}");
	free(text);
	assert_int_equal(render("a\n{{if 1}}\nx\n", &text), -1);
	assert_string_equal(text, "template: t:4: unexpected EOF");
	free(text);
	assert_int_equal(render("{{ .a\n\n}}{{ 1 2 3\n\n .x }}", &text), -1);
	assert_string_equal(text, "template: t:3:5: executing \"t\" at <1>: "
			    "can't give argument to non-function 1");
	free(text);
	assert_int_equal(render("{{.a\n|\nprintf \"%d %d\" 1\n| len}}", &text),
			 0);
	assert_string_equal(text, "3");
	free(text);
}

/* ---- upstream Istio templates (../shared) -------------------------------- */

/* Loads a YAML file of ../shared into @u; false (and a skip) if absent. */
static bool load_shared(struct unit_load *u, const char *path)
{
	size_t len;
	char *data = unit_read_file(path, &len);

	if (!data)
		return false;
	unit_load_bytes(u, data, len);
	free(data);
	if (u->status != 0 || u->ndocs != 1)
		print_error("%s: %s\n", path, u->text);
	assert_int_equal(u->status, 0);
	assert_int_equal(u->ndocs, 1);
	return true;
}

static const char *const releases[] = {"1.22.0", "1.24.0", "pre-1.25-7d57428"};

/* Every template of every default.template.gen.yaml parses. */
static void test_upstream_injector_templates_parse(void **state)
{
	char path[512];
	size_t parsed = 0;

	(void)state;
	for (size_t r = 0; r < sizeof(releases) / sizeof(releases[0]); r++) {
		struct unit_load u;
		struct gw_node *templates;
		struct gw_tmpl *set;

		snprintf(path, sizeof(path), "%s/upstream/istio/injection-"
			 "conformance/%s/default.template.gen.yaml",
			 unit_shared_dir(), releases[r]);
		if (!load_shared(&u, path))
			skip();
		templates = gw_map_get(u.docs[0], "templates");
		assert_non_null(templates);
		assert_int_equal(templates->kind, GW_MAP);
		assert_true(templates->u.map.n >= 5);
		set = gw_tmpl_new(u.arena);
		for (size_t i = 0; i < templates->u.map.n; i++) {
			const struct gw_pair *p = &templates->u.map.pairs[i];
			const char *err = NULL;

			assert_int_equal(p->value->kind, GW_STR);
			if (gw_tmpl_parse(set, p->key->u.str.s,
					  p->value->u.str.s,
					  p->value->u.str.len, &err) < 0)
				print_error("%s: %s: %s\n", path,
					    p->key->u.str.s, err);
			assert_null(err);
			assert_true(gw_tmpl_defined(set, p->key->u.str.s));
			parsed++;
		}
		unit_load_done(&u);
	}
	assert_int_equal(parsed, 18);
}

/* The template data istiod gives a gateway pod, plausibly filled. */
static struct gw_node *gateway_data(struct gw_arena *arena,
				    struct gw_node *values)
{
	static const char yaml[] =
		"ObjectMeta:\n"
		"  Name: gw\n"
		"  Namespace: ns\n"
		"  Labels: {app: gw, istio: ingressgateway}\n"
		"  Annotations: {inject.istio.io/templates: gateway}\n"
		"Spec:\n"
		"  Containers: [{Name: istio-proxy, Image: auto}]\n"
		"  ServiceAccountName: gw\n"
		"DeploymentMeta: {Name: gw, Namespace: ns}\n"
		"TypeMeta: {APIVersion: apps/v1, Kind: Deployment}\n"
		"MeshConfig: {TrustDomain: cluster.local}\n"
		"ProxyConfig:\n"
		"  InterceptionMode: REDIRECT\n"
		"  ProxyMetadata: {}\n"
		"  DiscoveryAddress: istiod.istio-system.svc:15012\n"
		"Revision: ''\n"
		"ProxyImage: docker.io/istio/proxyv2:1.24.0\n"
		"ProxyUID: 1337\n"
		"ProxyGID: 1337\n"
		"CompliancePolicy: ''\n";
	struct gw_diag diag;
	struct gw_node **docs;
	size_t ndocs;

	gw_diag_init(&diag, arena);
	assert_int_equal(gw_load_bytes(arena, &diag, "data.yaml", yaml,
				       strlen(yaml), &docs, &ndocs), 0);
	assert_int_equal(diag.n, 0);
	gw_map_put(arena, docs[0], "Values", values);
	return docs[0];
}

/* Every gateway template of ../shared renders with plausible data, to text
 * that is one YAML mapping with the proxy container in it. */
static void test_upstream_gateway_templates_render(void **state)
{
	char dir[512], path[1024], values_path[512];
	struct unit_load values;
	struct dirent **names;
	int n, rendered = 0;

	(void)state;
	snprintf(values_path, sizeof(values_path), "%s/upstream/istio/"
		 "injection-conformance/1.24.0/default.values.gen.yaml",
		 unit_shared_dir());
	if (!load_shared(&values, values_path))
		skip();
	snprintf(dir, sizeof(dir), "%s/upstream/istio/injection-templates",
		 unit_shared_dir());
	n = scandir(dir, &names, NULL, alphasort);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		struct gw_arena *arena;
		struct gw_tmpl *set;
		struct gw_buf out = {0};
		struct unit_load check;
		const char *err = NULL;
		char *text;
		size_t len;

		if (names[i]->d_name[0] == '.') {
			free(names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		free(names[i]);
		text = unit_read_file(path, &len);
		assert_non_null(text);
		arena = gw_arena_new();
		set = gw_tmpl_new(arena);
		if (gw_tmpl_parse(set, "gateway", text, len, &err) < 0 ||
		    gw_tmpl_exec(set, "gateway",
				 gateway_data(arena, values.docs[0]), &out,
				 &err) < 0)
			print_error("%s: %s\n", path, err);
		assert_null(err);
		unit_load_bytes(&check, out.data, out.len);
		assert_int_equal(check.status, 0);
		assert_int_equal(check.ndocs, 1);
		assert_non_null(strstr(out.data, "  - name: istio-proxy\n"
				       "    image: \"docker.io/istio/proxyv2:"
				       "1.24.0\"\n"));
		assert_non_null(strstr(out.data, "service.istio.io/canonical-"
				       "name: \"gw\"\n"));
		unit_load_done(&check);
		gw_buf_release(&out);
		gw_arena_free(arena);
		free(text);
		rendered++;
	}
	free(names);
	unit_load_done(&values);
	assert_true(rendered >= 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_trim_markers_and_comments),
	cmocka_unit_test(test_eq_with_several_args),
	cmocka_unit_test(test_index_on_missing_keys),
	cmocka_unit_test(test_printf_verbs),
	cmocka_unit_test(test_floats_and_numbers_printed),
	cmocka_unit_test(test_range_over_maps_in_sorted_order),
	cmocka_unit_test(test_break_and_continue),
	cmocka_unit_test(test_variables_scoping),
	cmocka_unit_test(test_if_else_with),
	cmocka_unit_test(test_define_template_block),
	cmocka_unit_test(test_field_chains_maps),
	cmocka_unit_test(test_literals),
	cmocka_unit_test(test_pipelines_and_commands),
	cmocka_unit_test(test_builtins),
	cmocka_unit_test(test_sprig_and_istio),
		cmocka_unit_test(test_to_yaml),
		cmocka_unit_test(test_string_method),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_missingkey),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_error_positions),
		cmocka_unit_test(test_upstream_injector_templates_parse),
		cmocka_unit_test(test_upstream_gateway_templates_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
