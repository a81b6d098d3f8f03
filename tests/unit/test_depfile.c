/*
 * test_depfile.c - the stamp and the depfile: SHA-256 against the FIPS
 * 180-4 example vectors (and the padding boundaries), Make escaping as gcc
 * writes it, the exact depfile and stamp texts, and gw_depfile_write()
 * replacing files in a mkdtemp folder.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "unit.h"

static char *hex_of(const char *data, size_t len)
{
	unsigned char d[32];
	char *s = malloc(65);
	size_t i;

	assert_non_null(s);
	gw_sha256(data, len, d);
	for (i = 0; i < 32; i++)
		sprintf(s + 2 * i, "%02x", d[i]);
	return s;
}

static void expect_sha(const char *data, size_t len, const char *want)
{
	char *got = hex_of(data, len);

	assert_string_equal(got, want);
	free(got);
}

static void test_sha256_vectors(void **state)
{
	char *million = malloc(1000000);

	(void)state;
	expect_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* 56 bytes: the length no longer fits the first padding block */
	expect_sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
		   "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	expect_sha("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		   112, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	assert_non_null(million);
	memset(million, 'a', 1000000);
	expect_sha(million, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}

/* Bytes given in pieces of every size from 1 to 130 (across the 64-byte
 * blocks and the padding) hash as the whole does; a million 'a's in
 * 4096-byte pieces give the standard's vector. */
static void test_sha256_pieces(void **state)
{
	unsigned char text[300], whole[32], got[32];
	char *million = malloc(1000000);
	struct gw_sha256 s;
	size_t piece, at, len, i;

	(void)state;
	for (i = 0; i < sizeof(text); i++)
		text[i] = (unsigned char)(i * 7 + 3);
	for (len = 0; len <= sizeof(text); len += 37) {
		gw_sha256(text, len, whole);
		for (piece = 1; piece <= 130; piece++) {
			gw_sha256_init(&s);
			for (at = 0; at < len; at += piece)
				gw_sha256_update(&s, text + at,
						 len - at < piece ? len - at :
						 piece);
			gw_sha256_final(&s, got);
			assert_memory_equal(got, whole, 32);
		}
	}
	assert_non_null(million);
	memset(million, 'a', 1000000);
	gw_sha256_init(&s);
	for (at = 0; at < 1000000; at += 4096)
		gw_sha256_update(&s, million + at,
				 1000000 - at < 4096 ? 1000000 - at : 4096);
	gw_sha256_final(&s, got);
	free(million);
	gw_sha256("", 0, whole);	/* as a check that final is not */
	assert_memory_not_equal(got, whole, 32);	/* the empty digest */
	for (i = 0; i < 32; i++)
		sprintf((char *)text + 2 * i, "%02x", got[i]);
	assert_string_equal((char *)text, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static char *escaped(const char *path, int *ret)
{
	struct gw_buf b = { 0 };

	*ret = gw_depfile_escape(&b, path);
	gw_buf_puts(&b, "");
	return b.data;
}

static void expect_escape(const char *path, const char *want)
{
	int ret;
	char *got = escaped(path, &ret);

	assert_int_equal(ret, 0);
	assert_string_equal(got, want);
	free(got);
}

static void test_escape_as_gcc(void **state)
{
	int ret;
	char *got;

	(void)state;
	expect_escape("specs/a.yaml", "specs/a.yaml");
	expect_escape("my spec.yaml", "my\\ spec.yaml");
	expect_escape("tab\there", "tab\\\there");
	expect_escape("a\\ b", "a\\\\\\ b");	/* gcc: a\\\ b */
	expect_escape("cost$1.yaml", "cost$$1.yaml");
	expect_escape("#1.yaml", "\\#1.yaml");
	expect_escape("a:b.yaml", "a\\:b.yaml");
	expect_escape("c:\\dir\\x", "c\\:\\dir\\x");
	expect_escape("a\\:b", "a\\\\\\:b");	/* a\\\:b */
	got = escaped("two\nlines", &ret);
	assert_int_equal(ret, -1);
	free(got);
}

static void test_depfile_text(void **state)
{
	struct gw_fileset reads = { 0 };
	struct gw_buf b = { 0 };
	const char *bad = "unset";

	(void)state;
	gw_fileset_add(&reads, "a b.yaml", NULL, 0);
	gw_fileset_add(&reads, "t/custom.txt", NULL, 0);
	gw_fileset_add(&reads, "a b.yaml", NULL, 0);	/* read twice */
	gw_fileset_add(&reads, "$x.yaml", NULL, 0);
	assert_int_equal(gw_depfile_text(&b, "build/gw stamp", &reads, &bad), 0);
	assert_null(bad);
	gw_buf_puts(&b, "");
	assert_string_equal(b.data,
		"build/gw\\ stamp: \\\n a\\ b.yaml \\\n t/custom.txt \\\n $$x.yaml\n"
		"\na\\ b.yaml:\n\nt/custom.txt:\n\n$$x.yaml:\n");
	gw_buf_release(&b);
	gw_fileset_add(&reads, "new\nline.yaml", NULL, 0);
	assert_int_equal(gw_depfile_text(&b, "s", &reads, &bad), -1);
	assert_string_equal(bad, "new\nline.yaml");
	gw_buf_release(&b);
	gw_fileset_release(&reads);
}

static void test_stamp_text(void **state)
{
	struct gw_fileset set = { 0 };
	struct gw_buf b = { 0 };

	(void)state;
	gw_fileset_add(&set, "ns/gw/a.yaml", strdup("abc"), 3);
	gw_fileset_add(&set, "ns/gw/empty", strdup(""), 0);
	gw_depfile_stamp_text(&b, &set);
	gw_buf_puts(&b, "");
	assert_string_equal(b.data,
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  ns/gw/a.yaml\n"
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  ns/gw/empty\n");
	gw_buf_release(&b);
	gw_fileset_release(&set);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *data = calloc(1, 4096);
	size_t n;

	assert_non_null(fp);
	assert_non_null(data);
	n = fread(data, 1, 4095, fp);
	data[n] = '\0';
	fclose(fp);
	return data;
}

static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void test_write_replaces(void **state)
{
	char dir[] = "/tmp/gwc-test-depfile-XXXXXX";
	char stamp[64], dep[64], want[160], *text;
	struct gw_fileset set = { 0 }, reads = { 0 };
	struct stat st;
	struct unit_diag u;
	mode_t old = umask(077);
	char *msg;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(stamp, sizeof(stamp), "%s/gw.stamp", dir);
	snprintf(dep, sizeof(dep), "%s/gw.d", dir);
	gw_fileset_add(&set, "ns/gw/a.yaml", strdup("abc"), 3);
	gw_fileset_add(&reads, "spec.yaml", NULL, 0);
	assert_int_equal(gw_depfile_write(stamp, dep, false, &set, &reads,
					  unit_diag_open(&u)), 0);
	assert_int_equal(gw_depfile_write(stamp, dep, false, &set, &reads, &u.diag),
			 0);
	msg = unit_diag_close(&u);
	assert_string_equal(msg, "");
	free(msg);
	text = slurp(stamp);
	assert_string_equal(text, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  ns/gw/a.yaml\n");
	free(text);
	text = slurp(dep);
	snprintf(want, sizeof(want), "%s: \\\n spec.yaml\n\nspec.yaml:\n", stamp);
	assert_string_equal(text, want);
	free(text);
	umask(old);
	/* a file as any other: the umask applies (0644 & ~077) */
	assert_int_equal(stat(stamp, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* the folder holds the two files and no temporary leftover */
	assert_int_equal(count_entries(dir), 2);
	assert_int_equal(unlink(stamp), 0);
	assert_int_equal(unlink(dep), 0);
	assert_int_equal(rmdir(dir), 0);
	/* a folder that is not there: reported, -1 */
	assert_int_equal(gw_depfile_write(stamp, NULL, false, &set, &reads,
					  unit_diag_open(&u)), -1);
	msg = unit_diag_close(&u);
	snprintf(want, sizeof(want), "gwc: error: cannot create '%s': No such "
		 "file or directory\n", stamp);
	assert_string_equal(msg, want);
	free(msg);
	gw_fileset_release(&set);
	gw_fileset_release(&reads);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_sha256_pieces),
		cmocka_unit_test(test_escape_as_gcc),
		cmocka_unit_test(test_depfile_text),
		cmocka_unit_test(test_stamp_text),
		cmocka_unit_test(test_write_replaces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
