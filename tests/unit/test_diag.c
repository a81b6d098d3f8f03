/*
 * test_diag.c - gw_diag_add() and gw_diag_print(): counting, the order of
 * output (file of first mention, line, column, arrival) and the formats.
 */
#include "unit.h"

static struct gw_mark at(const char *file, int line, int col)
{
	return (struct gw_mark){ file, line, col };
}

static void test_formats(void **state)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	char *text;

	(void)state;
	gw_diag_init(&diag, arena);
	gw_diag_add(&diag, GW_SEV_ERROR, at("a.yaml", 7, 15),
		    "spec.service.ports[1].port: %d is above the maximum %d",
		    70000, 65535);
	gw_diag_add(&diag, GW_SEV_WARNING, at("a.yaml", 8, 1), "suspicious");
	gw_diag_add(&diag, GW_SEV_NOTE, at("a.yaml", 9, 2), "advice");
	gw_diag_add(&diag, GW_SEV_ERROR, at("b.yaml", 0, 0), "cannot open: %s",
		    "No such file or directory");
	gw_diag_add(&diag, GW_SEV_ERROR, at(NULL, 0, 0), "out of %s", "luck");
	assert_int_equal(diag.errors, 3);
	assert_int_equal(diag.warnings, 1);
	assert_int_equal(diag.n, 5);
	text = unit_diag_text(&diag);
	assert_string_equal(text,
			    "gwc: error: out of luck\n"
			    "a.yaml:7:15: error: spec.service.ports[1].port: "
			    "70000 is above the maximum 65535\n"
			    "a.yaml:8:1: warning: suspicious\n"
			    "a.yaml:9:2: note: advice\n"
			    "b.yaml: error: cannot open: No such file or "
			    "directory\n");
	free(text);
	gw_arena_free(arena);
}

static void test_order_by_file_line_col(void **state)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	char *text;

	(void)state;
	gw_diag_init(&diag, arena);
	/* files rank in the order they are first mentioned, not by name */
	gw_diag_add(&diag, GW_SEV_ERROR, at("z.yaml", 5, 1), "z5");
	gw_diag_add(&diag, GW_SEV_ERROR, at("a.yaml", 1, 1), "a1");
	gw_diag_add(&diag, GW_SEV_ERROR, at("z.yaml", 2, 9), "z2.9");
	gw_diag_add(&diag, GW_SEV_WARNING, at("z.yaml", 2, 3), "z2.3");
	gw_diag_add(&diag, GW_SEV_ERROR, at("a.yaml", 0, 0), "a-whole");
	gw_diag_add(&diag, GW_SEV_ERROR, at("z.yaml", 10, 1), "z10");
	gw_diag_add(&diag, GW_SEV_ERROR, at("m.yaml", 1, 1), "m1");
	text = unit_diag_text(&diag);
	assert_string_equal(text,
			    "z.yaml:2:3: warning: z2.3\n"
			    "z.yaml:2:9: error: z2.9\n"
			    "z.yaml:5:1: error: z5\n"
			    "z.yaml:10:1: error: z10\n"
			    "a.yaml: error: a-whole\n"
			    "a.yaml:1:1: error: a1\n"
			    "m.yaml:1:1: error: m1\n");
	free(text);
	gw_arena_free(arena);
}

static void test_equal_positions_keep_arrival_order(void **state)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	struct gw_buf want = { 0 };
	char *text;
	int i;

	(void)state;
	gw_diag_init(&diag, arena);
	/* enough entries that an unstable sort would show */
	for (i = 0; i < 200; i++)
		gw_diag_add(&diag, i % 3 ? GW_SEV_ERROR : GW_SEV_NOTE,
			    at("s.yaml", 4 - i % 2, 2), "message %03d", i);
	for (i = 1; i < 200; i += 2)
		gw_buf_printf(&want, "s.yaml:3:2: %s: message %03d\n",
			      i % 3 ? "error" : "note", i);
	for (i = 0; i < 200; i += 2)
		gw_buf_printf(&want, "s.yaml:4:2: %s: message %03d\n",
			      i % 3 ? "error" : "note", i);
	text = unit_diag_text(&diag);
	assert_string_equal(text, want.data);
	free(text);
	gw_buf_release(&want);
	gw_arena_free(arena);
}

static void test_file_names_compare_by_content(void **state)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	char one[] = "x.yaml", two[] = "x.yaml";
	char *text;

	(void)state;
	gw_diag_init(&diag, arena);
	gw_diag_add(&diag, GW_SEV_ERROR, at(one, 2, 1), "second");
	gw_diag_add(&diag, GW_SEV_ERROR, at("y.yaml", 1, 1), "other");
	gw_diag_add(&diag, GW_SEV_ERROR, at(two, 1, 1), "first");
	text = unit_diag_text(&diag);
	assert_string_equal(text, "x.yaml:1:1: error: first\n"
			    "x.yaml:2:1: error: second\n"
			    "y.yaml:1:1: error: other\n");
	free(text);
	gw_arena_free(arena);
}

static void test_print_keeps_the_list(void **state)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	int i;

	(void)state;
	gw_diag_init(&diag, arena);
	gw_diag_add(&diag, GW_SEV_ERROR, at("a", 2, 1), "second");
	gw_diag_add(&diag, GW_SEV_WARNING, at("a", 1, 1), "first");
	/* printed twice: the same text, sorted, and the list stays */
	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	for (i = 0; i < 2; i++)
		assert_int_equal(gw_diag_print(&diag, fp), 0);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(text, "a:1:1: warning: first\n"
			    "a:2:1: error: second\n"
			    "a:1:1: warning: first\n"
			    "a:2:1: error: second\n");
	free(text);
	assert_int_equal(diag.n, 2);
	gw_diag_release(&diag);
	assert_int_equal(diag.n, 0);
	/* the counts stay: they say how the run went */
	assert_int_equal(diag.errors, 1);
	assert_int_equal(diag.warnings, 1);
	gw_arena_free(arena);
}

/* A later phase prints after an earlier one, whatever the positions;
 * merging keeps the phases, after the target's own. */
static void test_phases_and_merge(void **state)
{
	struct gw_arena *arena = gw_arena_new(), *other = gw_arena_new();
	struct gw_diag diag, job;
	char *text;

	(void)state;
	gw_diag_init(&diag, arena);
	gw_diag_init(&job, other);
	gw_diag_add(&diag, GW_SEV_NOTE, at("b", 9, 1), "run note");
	gw_diag_add(&job, GW_SEV_ERROR, at("a", 5, 1), "job a5");
	gw_diag_add(&job, GW_SEV_WARNING, at("b", 1, 1), "job b1");
	gw_diag_phase(&job);
	gw_diag_add(&job, GW_SEV_ERROR, at(NULL, 0, 0), "job output");
	gw_diag_merge(&diag, &job);
	gw_diag_release(&job);
	gw_arena_free(other);		/* merged messages are copies */
	gw_diag_add(&diag, GW_SEV_NOTE, at("a", 1, 1), "after merge");
	assert_int_equal(diag.errors, 2);
	assert_int_equal(diag.warnings, 1);
	text = unit_diag_text(&diag);
	assert_string_equal(text, "b:1:1: warning: job b1\n"
			    "b:9:1: note: run note\n"
			    "a:5:1: error: job a5\n"
			    "gwc: error: job output\n"
			    "a:1:1: note: after merge\n");
	free(text);
	gw_arena_free(arena);
}

static void test_long_message(void **state)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	struct gw_buf want = { 0 };
	char *text, *big = malloc(100001);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', 100000);
	big[100000] = '\0';
	gw_diag_init(&diag, arena);
	gw_diag_add(&diag, GW_SEV_ERROR, at("f", 1, 1), "[%s]", big);
	gw_buf_printf(&want, "f:1:1: error: [%s]\n", big);
	text = unit_diag_text(&diag);
	assert_string_equal(text, want.data);
	free(text);
	free(big);
	gw_buf_release(&want);
	gw_arena_free(arena);
}

static void test_print_reports_write_errors(void **state)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	FILE *full = fopen("/dev/full", "w");

	(void)state;
	if (!full) {
		print_message("skipped: /dev/full absent\n");
		gw_arena_free(arena);
		skip();
	}
	gw_diag_init(&diag, arena);
	gw_diag_add(&diag, GW_SEV_ERROR, at("a", 1, 1), "lost");
	assert_int_equal(gw_diag_print(&diag, full), -1);
	fclose(full);
	gw_diag_release(&diag);
	gw_arena_free(arena);
}

static void assert_show(const char *s, size_t len, const char *want)
{
	struct gw_arena *arena = gw_arena_new();

	assert_string_equal(gw_diag_show(arena, s, len), want);
	gw_arena_free(arena);
}

#define ASSERT_SHOW(lit, want) assert_show(lit, sizeof(lit) - 1, want)

static void test_show_user_strings(void **state)
{
	(void)state;
	/* printable, no quote or backslash: in single quotes, as it is */
	ASSERT_SHOW("banana", "'banana'");
	ASSERT_SHOW("a b/c:d#e", "'a b/c:d#e'");
	ASSERT_SHOW("v\xc3\xa9 \xe2\x82\xac", "'v\xc3\xa9 \xe2\x82\xac'");
	/* else a YAML double-quoted literal, on one line */
	ASSERT_SHOW("", "\"\"");
	ASSERT_SHOW("it's", "\"it's\"");
	ASSERT_SHOW("say \"hi\"", "\"say \\\"hi\\\"\"");
	ASSERT_SHOW("a\\b", "\"a\\\\b\"");
	ASSERT_SHOW("a\tb", "\"a\\tb\"");
	ASSERT_SHOW("a\nb", "\"a\\nb\"");
	ASSERT_SHOW("a\r\n", "\"a\\r\\n\"");
	ASSERT_SHOW("\x1b[31m", "\"\\x1B[31m\"");
	ASSERT_SHOW("a\0b", "\"a\\x00b\"");
	ASSERT_SHOW("\x7f", "\"\\x7F\"");
	/* only @len bytes count */
	assert_show("abc'", 3, "'abc'");
}

/* A message built with gw_diag_show() prints on one line. */
static void test_shown_string_in_a_message(void **state)
{
	struct gw_arena *arena = gw_arena_new();
	struct gw_diag diag;
	char *text;

	(void)state;
	gw_diag_init(&diag, arena);
	gw_diag_add(&diag, GW_SEV_ERROR, at("a.yaml", 2, 5), "key %s is bad",
		    gw_diag_show(arena, "x\ny", 3));
	gw_diag_add(&diag, GW_SEV_ERROR, at("a.yaml", 1, 1), "key %s is bad",
		    gw_diag_show(arena, "xy", 2));
	text = unit_diag_text(&diag);
	assert_string_equal(text, "a.yaml:1:1: error: key 'xy' is bad\n"
			    "a.yaml:2:5: error: key \"x\\ny\" is bad\n");
	free(text);
	gw_arena_free(arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_order_by_file_line_col),
		cmocka_unit_test(test_equal_positions_keep_arrival_order),
		cmocka_unit_test(test_file_names_compare_by_content),
		cmocka_unit_test(test_print_keeps_the_list),
		cmocka_unit_test(test_phases_and_merge),
		cmocka_unit_test(test_long_message),
		cmocka_unit_test(test_print_reports_write_errors),
		cmocka_unit_test(test_show_user_strings),
		cmocka_unit_test(test_shown_string_in_a_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
