/*
 * test_quantity.c - gw_quantity_valid(), gw_quantity_cmp() and
 * gw_quantity_milli() on Kubernetes resource quantities.
 */
#include "unit.h"

static void test_valid_quantities(void **state)
{
	static const char *const ok[] = {
		"0", "1", "100m", "0.1", "1.5", ".5", "1.", "+1", "-1", "2e3",
		"1E3", "1e-3", "1e+3", "128Mi", "1Gi", "1024Mi", "1Ki", "1Ti",
		"1Pi", "1k", "1M", "1G", "1T", "1P", "1n", "1u", "0.0005m",
		"2000m", "9223372036854775807m",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		if (!gw_quantity_valid(ok[i]))
			fail_msg("'%s' should be a valid quantity", ok[i]);
	}
}

static void test_malformed_quantities(void **state)
{
	static const char *const bad[] = {
		"", "m", ".", "-", "+", "1.2.3", "1x", "1mi", "1KI", "1Gb",
		"1GB", "1e", "1e+", "1e3m", "1 ", " 1", "1 m", "0x10", "1,5",
		"1Mi ", "--1", "1ki", "Ki", "e3", "1e1.5", "100mm",
		/* beyond what fits */
		"1e41", "99999999999999999999999999999999999999999",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		long long milli = 42;

		if (gw_quantity_valid(bad[i]))
			fail_msg("'%s' should be malformed", bad[i]);
		assert_int_equal(gw_quantity_milli(bad[i], &milli), -1);
		assert_int_equal(milli, 42);
	}
}

static void test_exa_suffixes(void **state)
{
	(void)state;
	/* "E" followed by digits is an exponent */
	assert_true(gw_quantity_valid("1E3"));
	assert_int_equal(gw_quantity_cmp("1E3", "1k"), 0);
	assert_true(gw_quantity_valid("1E+3"));
	assert_true(gw_quantity_valid("1E-3"));
	assert_int_equal(gw_quantity_cmp("1E-3", "1m"), 0);
	/* else "E" is exa and "Ei" exbi, as the schema's pattern allows */
	assert_true(gw_quantity_valid("1E"));
	assert_true(gw_quantity_valid("1Ei"));
	assert_true(gw_quantity_valid("0.5Ei"));
	assert_int_equal(gw_quantity_cmp("1Ei", "1E"), 1);
	assert_int_equal(gw_quantity_cmp("1E", "1000P"), 0);
	assert_int_equal(gw_quantity_cmp("1Ei", "1024Pi"), 0);
	assert_int_equal(gw_quantity_cmp("2E", "1Ei"), 1);
	/* a lowercase "e" is only ever an exponent */
	assert_false(gw_quantity_valid("1e"));
	assert_false(gw_quantity_valid("1ei"));
	/* an exponent sign needs digits; "E" then a sign is not exa */
	assert_false(gw_quantity_valid("1E+"));
	assert_false(gw_quantity_valid("1E-"));
	assert_false(gw_quantity_valid("1Eix"));
	assert_false(gw_quantity_valid("1E3i"));
}

static void test_exa_milli(void **state)
{
	long long milli = 42;

	(void)state;
	/* 1E in thousandths is 1e21: beyond 64 bits */
	assert_int_equal(gw_quantity_milli("1E", &milli), -1);
	assert_int_equal(milli, 42);
	assert_int_equal(gw_quantity_milli("0.001E", &milli), 0);
	assert_int_equal(milli, 1000000000000000000LL);
}

static void test_equal_values_compare_equal(void **state)
{
	static const char *const same[][2] = {
		{ "100m", "0.1" }, { "1Gi", "1024Mi" }, { "1e3", "1k" },
		{ "2000m", "2" }, { "1Ki", "1024" }, { "0.5", "500m" },
		{ "1.5Gi", "1536Mi" }, { "1000n", "1u" }, { "1000u", "1m" },
		{ "1M", "1000k" }, { "1e-3", "1m" }, { "+1", "1" },
		{ "1.", "1" }, { ".5", "0.5" }, { "1Pi", "1024Ti" },
		{ "1T", "1e12" }, { "0", "0m" }, { "-0", "0" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(same) / sizeof(*same); i++) {
		if (gw_quantity_cmp(same[i][0], same[i][1]) != 0 ||
		    gw_quantity_cmp(same[i][1], same[i][0]) != 0)
			fail_msg("'%s' and '%s' should compare equal",
				 same[i][0], same[i][1]);
	}
}

static void test_ordering(void **state)
{
	/* each pair: first < second */
	static const char *const less[][2] = {
		{ "100m", "101m" }, { "999m", "1" }, { "1k", "1Ki" },
		{ "1000Mi", "1Gi" }, { "1G", "1Gi" }, { "1n", "1u" },
		{ "-1", "1" }, { "-2", "-1" }, { "1.999", "2" },
		{ "128Mi", "1024Mi" }, { "500m", "2000m" }, { "2e3", "3k" },
		{ "1", "1.000001" }, { "0.9999999", "1" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(less) / sizeof(*less); i++) {
		if (gw_quantity_cmp(less[i][0], less[i][1]) >= 0 ||
		    gw_quantity_cmp(less[i][1], less[i][0]) <= 0)
			fail_msg("'%s' should be below '%s'", less[i][0],
				 less[i][1]);
	}
	/* the result is exactly -1, 0 or 1 */
	assert_int_equal(gw_quantity_cmp("1", "1000"), -1);
	assert_int_equal(gw_quantity_cmp("1Ti", "1"), 1);
}

static void test_milli(void **state)
{
	static const struct { const char *s; long long milli; } cases[] = {
		{ "100m", 100 }, { "0.1", 100 }, { "2", 2000 },
		{ "2000m", 2000 }, { "1.5", 1500 }, { "1k", 1000000 },
		{ "1e3", 1000000 }, { "1Ki", 1024000 },
		{ "1Gi", 1073741824000LL }, { "128Mi", 134217728000LL },
		{ "0", 0 }, { "-1", -1000 }, { "-250m", -250 },
		/* rounded up, as Kubernetes' MilliValue() */
		{ "1n", 1 }, { "1u", 1 }, { "0.0001", 1 }, { "0.0005m", 1 },
		{ "1.0001m", 2 }, { "1001u", 2 },
		{ "9223372036854775807m", 9223372036854775807LL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		long long milli = -42;

		assert_int_equal(gw_quantity_milli(cases[i].s, &milli), 0);
		if (milli != cases[i].milli)
			fail_msg("milli of '%s' is %lld, not %lld", cases[i].s,
				 milli, cases[i].milli);
	}
}

static void test_milli_beyond_64_bits(void **state)
{
	long long milli = 42;

	(void)state;
	/* valid quantities whose thousandths do not fit in 64 bits */
	assert_true(gw_quantity_valid("9223372036854775807"));
	assert_int_equal(gw_quantity_milli("9223372036854775807", &milli), -1);
	assert_int_equal(gw_quantity_milli("1e19", &milli), -1);
	assert_int_equal(gw_quantity_milli("9223372036854775808m", &milli), -1);
	assert_int_equal(milli, 42);
	/* but they still compare exactly */
	assert_int_equal(gw_quantity_cmp("1e19", "10000P"), 0);
	assert_int_equal(gw_quantity_cmp("1e19", "9999999999999999999"), 1);
	assert_int_equal(gw_quantity_cmp("9223372036854775807",
					 "9223372036854775808"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_quantities),
		cmocka_unit_test(test_malformed_quantities),
		cmocka_unit_test(test_exa_suffixes),
		cmocka_unit_test(test_exa_milli),
		cmocka_unit_test(test_equal_values_compare_equal),
		cmocka_unit_test(test_ordering),
		cmocka_unit_test(test_milli),
		cmocka_unit_test(test_milli_beyond_64_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
