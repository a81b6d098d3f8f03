/*
 * test_tmpl_limits.c - the bounds of one template execution (gen/tmpl.h:
 * GW_TMPL_OUTPUT_MAX, GW_TMPL_VALUE_MAX, GW_TMPL_WORK_MAX,
 * GW_TMPL_NEST_MAX).
 *
 * Each case is a template from issue 17's adversarial campaign that
 * overflowed the stack or ran for minutes and gigabytes; each must now
 * fail with the exact execution error at the action's line:col, or give
 * Go's own answer where Go has one (json.Marshal detects a cycle), and
 * finish within a few seconds (asserted on the CPU clock: the real limits,
 * not smaller ones for the tests, must fail fast).
 */
#include <time.h>

#include "unit.h"
#include "tmpl.h"

/* The longest a case may take, in CPU seconds (sanitizers included). */
#define CASE_SECONDS 5.0

/* Renders @tmpl over nil data; returns 0 or -1, with the output or the
 * error message (malloc'ed) in *@text. */
static int render(const char *tmpl, char **text)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_tmpl *set = gw_tmpl_new(arena);
	struct gw_buf out = {0};
	const char *err = NULL;
	clock_t start = clock();
	int rc;

	rc = gw_tmpl_parse(set, "t", tmpl, strlen(tmpl), &err);
	assert_int_equal(rc, 0);
	rc = gw_tmpl_exec(set, "t", NULL, &out, &err);
	if (rc == 0) {
		assert_null(err);
		*text = strndup(out.data ? out.data : "", out.len);
	} else {
		assert_int_equal(rc, -1);
		*text = strdup(err);
	}
	assert_non_null(*text);
	assert_true((double)(clock() - start) / CLOCKS_PER_SEC < CASE_SECONDS);
	gw_buf_release(&out);
	gw_arena_free(arena);
	return rc;
}

static void expect_error(const char *tmpl, const char *want)
{
	char *text;

	assert_int_equal(render(tmpl, &text), -1);
	assert_string_equal(text, want);
	free(text);
}

static void expect_output(const char *tmpl, const char *want)
{
	char *text;

	assert_int_equal(render(tmpl, &text), 0);
	assert_string_equal(text, want);
	free(text);
}

/* @head, then @n times @step, then @tail (malloc'ed). */
static char *repeated(const char *head, const char *step, int n,
		      const char *tail)
{
	struct gw_buf b = {0};

	gw_buf_puts(&b, head);
	for (int i = 0; i < n; i++)
		gw_buf_puts(&b, step);
	gw_buf_puts(&b, tail);
	gw_buf_add(&b, "", 1);
	return b.data;
}

#define CYCLE "{{$d := dict}}{{$_ := set $d \"a\" $d}}"

/* Go's fmt recurses until its stack overflows; gwc stopped with SIGSEGV. */
static void test_cyclic_dict_printed(void **state)
{
	(void)state;
	expect_error(CYCLE "{{print $d}}",
		     "template: t:1:39: executing \"t\" at <print $d>: error "
		     "calling print: cyclic value: a map contains itself");
	expect_error(CYCLE "{{printf \"%v\" $d}}",
		     "template: t:1:39: executing \"t\" at <printf \"%v\" $d>: "
		     "error calling printf: cyclic value: a map contains "
		     "itself");
	expect_error(CYCLE "{{eq $d $d}}",
		     "template: t:1:39: executing \"t\" at <eq $d $d>: error "
		     "calling eq: cyclic value: a map contains itself");
	expect_error(CYCLE "{{$d}}",
		     "template: t:1:39: executing \"t\" at <{{$d}}>: cyclic "
		     "value: a map contains itself");
	expect_error(CYCLE "{{cat 1 $d}}",
		     "template: t:1:39: executing \"t\" at <cat 1 $d>: error "
		     "calling cat: cyclic value: a map contains itself");
	expect_error(CYCLE "{{quote $d}}",
		     "template: t:1:39: executing \"t\" at <quote $d>: error "
		     "calling quote: cyclic value: a map contains itself");
	expect_error(CYCLE "{{join \",\" (list 1 $d)}}",
		     "template: t:1:39: executing \"t\" at <join \",\" (list 1 "
		     "$d)>: error calling join: cyclic value: a map contains "
		     "itself");
}

/* A cycle through a list, found at its first repetition. */
static void test_cyclic_through_list(void **state)
{
	(void)state;
	expect_error("{{$d := dict}}{{$_ := set $d \"l\" (list 1 $d)}}"
		     "{{print $d.l}}",
		     "template: t:1:48: executing \"t\" at <print $d.l>: error "
		     "calling print: cyclic value: a list contains itself");
}

/* encoding/json detects a cycle, so Go answers: Istio's toJson gives "{}",
 * toYaml and toJsonMap "" (they were unbounded in gwc). */
static void test_cyclic_dict_json_as_go(void **state)
{
	(void)state;
	expect_output(CYCLE "[{{toJson $d}}]", "[{}]");
	expect_output(CYCLE "[{{toYaml $d}}]", "[]");
	expect_output(CYCLE "[{{toJsonMap $d}}]", "[]");
	expect_output(CYCLE "[{{structToJSON $d}}]", "[{}]");
}

/* A value nested deeper than GW_TMPL_NEST_MAX without a cycle. */
static void test_deep_value(void **state)
{
	(void)state;
	expect_error("{{$d := dict}}{{range splitList \"\" (printf \"%1001s\" "
		     "\"\")}}{{$d = dict \"a\" $d}}{{end}}{{print $d}}",
		     "template: t:1:86: executing \"t\" at <print $d>: error "
		     "calling print: value nested deeper than 1000 (gwc's "
		     "limit)");
	/* 1000 levels are printed */
	expect_output("{{$d := 1}}{{range splitList \"\" (printf \"%999s\" "
		      "\"\")}}{{$d = dict \"a\" $d}}{{end}}"
		      "{{len (print $d)}}", "6994");
}

/* d1 = dict "a" d0 "b" d0 ... d40: 2^40 leaves to write. */
static void test_shared_subtree(void **state)
{
	static const struct {
		const char *call, *want;
	} cases[] = {
		{"{{toYaml $d}}", "<toYaml $d>: error calling toYaml"},
		{"{{toJson $d}}", "<toJson $d>: error calling toJson"},
		{"{{toJsonMap $d}}", "<toJsonMap $d>: error calling toJsonMap"},
		{"{{print $d}}", "<print $d>: error calling print"},
		{"{{eq $d $d}}", "<eq $d $d>: error calling eq"},
		{"{{join \",\" $d}}", "<join \",\" $d>: error calling join"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *tmpl = repeated("{{$d := dict}}",
				      "{{$d = dict \"a\" $d \"b\" $d}}", 40,
				      cases[i].call);
		char want[256];

		snprintf(want, sizeof(want), "template: t:1:1096: executing "
			 "\"t\" at %s: string longer than 16777216 bytes "
			 "(gwc's limit)", cases[i].want);
		expect_error(tmpl, want);
		free(tmpl);
	}
}

/* 839 MB in 15 s before. */
static void test_indent(void **state)
{
	(void)state;
	expect_error("{{$s := replace \" \" \"x\\n\" (printf \"%30000s\" "
		     "\"\")}}{{indent 100000 $s}}",
		     "template: t:1:51: executing \"t\" at <indent 100000 $s>: "
		     "error calling indent: string longer than 16777216 bytes "
		     "(gwc's limit)");
	expect_error("{{$s := replace \" \" \"x\\n\" (printf \"%30000s\" "
		     "\"\")}}{{nindent 100000 $s}}",
		     "template: t:1:51: executing \"t\" at <nindent 100000 $s>: "
		     "error calling nindent: string longer than 16777216 bytes "
		     "(gwc's limit)");
}

/* 1.27 GB before: each append copied the list.  Appending to the
 * latest list now fills its spare room, as Go's append does, so the
 * loop is linear and finishes (the older lists keep their values). */
static void test_append_in_range(void **state)
{
	(void)state;
	expect_output("{{$l := list}}{{$first := list}}{{range splitList "
		      "\"\" (printf \"%200000s\" \"\")}}{{$l = append $l .}}"
		      "{{if eq (len $l) 1}}{{$first = $l}}{{end}}{{end}}"
		      "{{len $l}} {{len $first}} {{len (append $first \"x\")}}",
		      "200000 1 2");
	/* an append to an older list copies: the newer keeps its element */
	expect_output("{{$a := list 1}}{{$b := append $a 2}}{{$c := append "
		      "$a 3}}{{$b}} {{$c}}", "[1 2] [1 3]");
}

/* 30 to 40 doublings: 134 s and 6.5 GB before, then exit 0. */
static void test_doubling(void **state)
{
	char *tmpl;

	(void)state;
	tmpl = repeated("{{$s := \"ab\"}}", "{{$s = print $s $s}}", 40,
			"{{len $s}}");
	expect_error(tmpl, "template: t:1:481: executing \"t\" at <print $s "
		     "$s>: error calling print: string longer than 16777216 "
		     "bytes (gwc's limit)");
	free(tmpl);
	tmpl = repeated("{{$s := \"ab\"}}", "{{$s = printf \"%s%s\" $s $s}}",
			30, "{{$s}}");
	expect_error(tmpl, "template: t:1:665: executing \"t\" at <printf "
		     "\"%s%s\" $s $s>: error calling printf: string longer than "
		     "16777216 bytes (gwc's limit)");
	free(tmpl);
	tmpl = repeated("{{$s := \"ab\"}}", "{{$s = cat $s $s}}", 30,
			"{{$s}}");
	expect_error(tmpl, "template: t:1:417: executing \"t\" at <cat $s "
		     "$s>: error calling cat: string longer than 16777216 bytes "
		     "(gwc's limit)");
	free(tmpl);
	tmpl = repeated("{{$s := \"ab\"}}",
			"{{$s = join \"\" (list $s $s)}}", 30, "{{$s}}");
	expect_error(tmpl, "template: t:1:688: executing \"t\" at <join \"\" "
		     "(list $s $s)>: error calling join: string longer than "
		     "16777216 bytes (gwc's limit)");
	free(tmpl);
}

/* 27 s and 2.2 GB before. */
static void test_chained_replace(void **state)
{
	char *tmpl;

	(void)state;
	tmpl = repeated("{{$s := printf \"%1000s\" \"\"}}",
			"{{$s = replace \" \" \"          \" $s}}", 8,
			"{{len $s}}");
	expect_error(tmpl, "template: t:1:179: executing \"t\" at <replace \" "
		     "\" \"          \" $s>: error calling replace: string longer "
		     "than 16777216 bytes (gwc's limit)");
	free(tmpl);
}

/* Many small strings: the values made, not one string, run out. */
static void test_values_made(void **state)
{
	(void)state;
	expect_error("{{$s := printf \"%1000000s\" \"\"}}{{$t := \"\"}}"
		     "{{range $i, $_ := splitList \"\" (printf \"%1000s\" "
		     "\"\")}}{{$t = print $s $i}}{{end}}",
		     "template: t:1:103: executing \"t\" at <print $s $i>: "
		     "error calling print: values made exceed 67108864 bytes "
		     "(gwc's limit)");
	expect_error("{{$l := splitList \"\" (printf \"%1100000s\" \"\")}}",
		     "template: t:1:8: executing \"t\" at <splitList \"\" "
		     "(printf \"%1100000s\" \"\")>: error calling splitList: "
		     "values made exceed 67108864 bytes (gwc's limit)");
}

static void test_output(void **state)
{
	(void)state;
	expect_error("{{$s := printf \"%1000000s\" \"\"}}{{range splitList \"\" "
		     "(printf \"%1000s\" \"\")}}{{$s}}{{end}}",
		     "template: t:1:76: executing \"t\" at <{{$s}}>: output "
		     "longer than 16777216 bytes (gwc's limit)");
}

static void test_steps(void **state)
{
	(void)state;
	expect_error("{{$l := splitList \"\" (printf \"%100000s\" \"\")}}"
		     "{{range $l}}{{range $l}}x{{end}}{{end}}",
		     "template: t:1:69: executing \"t\" at <x>: execution "
		     "exceeds 10000000 steps (gwc's limit)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cyclic_dict_printed),
		cmocka_unit_test(test_cyclic_through_list),
		cmocka_unit_test(test_cyclic_dict_json_as_go),
		cmocka_unit_test(test_deep_value),
		cmocka_unit_test(test_shared_subtree),
		cmocka_unit_test(test_indent),
		cmocka_unit_test(test_append_in_range),
		cmocka_unit_test(test_doubling),
		cmocka_unit_test(test_chained_replace),
		cmocka_unit_test(test_values_made),
		cmocka_unit_test(test_output),
		cmocka_unit_test(test_steps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
