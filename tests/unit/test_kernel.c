/*
 * test_kernel.c - gw_kernel_parse(), gw_kernel_cmp() and
 * gw_kernel_is_legacy() on `uname -r` strings.
 */
#include "unit.h"

/* "M.m.p legacy|current", or "invalid". */
static void assert_kernel(const char *s, const char *want)
{
	struct gw_kernel k = { -1, -1, -1 };
	char got[64];

	if (gw_kernel_parse(s, &k))
		snprintf(got, sizeof(got), "invalid");
	else
		snprintf(got, sizeof(got), "%d.%d.%d %s", k.major, k.minor,
			 k.patch, gw_kernel_is_legacy(&k) ? "legacy" :
			 "current");
	if (strcmp(got, want))
		fail_msg("'%s': got %s, want %s", s, got, want);
}

static void test_real_uname_strings(void **state)
{
	(void)state;
	assert_kernel("3.10.0-1160.el7.x86_64", "3.10.0 legacy");
	assert_kernel("2.6.32-754.el6.x86_64", "2.6.32 legacy");
	assert_kernel("4.10.0", "4.10.0 legacy");
	assert_kernel("4.9.337", "4.9.337 legacy");
	assert_kernel("4.11", "4.11.0 current");
	assert_kernel("4.11.0-rc1", "4.11.0 current");
	assert_kernel("4.11.0", "4.11.0 current");
	assert_kernel("5.15.0-91-generic", "5.15.0 current");
	assert_kernel("6.1.0-13-amd64", "6.1.0 current");
	assert_kernel("4.18.0-513.5.1.el8_9.x86_64", "4.18.0 current");
	assert_kernel("5.10.198-187.748.amzn2.x86_64", "5.10.198 current");
	assert_kernel("10.0", "10.0.0 current");
	assert_kernel("3.10.0.1", "3.10.0 legacy");
	assert_kernel("4.11.0_custom", "4.11.0 current");
	assert_kernel("4.11.0-rc1+", "4.11.0 current");
	/* kernels built from a modified git tree (Raspberry Pi OS) */
	assert_kernel("4.19.66+", "4.19.66 current");
	assert_kernel("4.9.80+", "4.9.80 legacy");
	assert_kernel("5.10", "5.10.0 current");
	assert_kernel("5.10+", "5.10.0 current");
}

static void test_garbage(void **state)
{
	static const char *const bad[] = {
		"", "garbage", "4", "4.", "4.x", "v4.11", "linux-4.11",
		"4.11 ", " 4.11", "0.1", "0.0.0", "-4.11", "4..11", ".4.11",
		"100001.1", "4.100001", "4,11", "4.11#1",
		/* one separator with nothing after it */
		"4.19-", "4.19.66-", "4.19_", "4.19.", "4.19.66.",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_kernel(bad[i], "invalid");
}

static void test_compare(void **state)
{
	static const char *const order[] = {
		"2.6.32", "3.10.0-1160.el7.x86_64", "3.10.1", "4.9.337",
		"4.10", "4.11", "4.11.1", "4.18.0", "5.4", "5.15.0-91-generic",
		"10.0",
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(order) / sizeof(*order); i++)
		for (j = 0; j < sizeof(order) / sizeof(*order); j++) {
			struct gw_kernel a, b;
			int want = i < j ? -1 : i > j;

			assert_int_equal(gw_kernel_parse(order[i], &a), 0);
			assert_int_equal(gw_kernel_parse(order[j], &b), 0);
			if (gw_kernel_cmp(&a, &b) != want)
				fail_msg("cmp(%s, %s) is %d, not %d", order[i],
					 order[j], gw_kernel_cmp(&a, &b), want);
		}
}

static void test_suffix_does_not_count(void **state)
{
	struct gw_kernel a, b;

	(void)state;
	assert_int_equal(gw_kernel_parse("4.11.0-rc1", &a), 0);
	assert_int_equal(gw_kernel_parse("4.11", &b), 0);
	assert_int_equal(gw_kernel_cmp(&a, &b), 0);
}

static void test_legacy_boundary(void **state)
{
	struct gw_kernel k;

	(void)state;
	k = (struct gw_kernel){ 4, 10, 99999 };
	assert_true(gw_kernel_is_legacy(&k));
	k = (struct gw_kernel){ 4, 11, 0 };
	assert_false(gw_kernel_is_legacy(&k));
	k = (struct gw_kernel){ 3, 99, 0 };
	assert_true(gw_kernel_is_legacy(&k));
	k = (struct gw_kernel){ 5, 0, 0 };
	assert_false(gw_kernel_is_legacy(&k));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_uname_strings),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_suffix_does_not_count),
		cmocka_unit_test(test_legacy_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
