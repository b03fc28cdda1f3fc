// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/uprobe.h: which mapped files are a library to probe, and out_mem()
 * (lib/out.h), which writes sslsniff's bytes: every byte escaped, NULs
 * too, in text and in JSON that parses back to the same bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "lib/out.h"
#include "lib/uprobe.h"

static const char *const stems[] = { "libssl.so.", "libgnutls.so.", NULL };

static void path_matches_library_names(void **state)
{
	(void)state;
	assert_true(uprobe_path_matches("/usr/lib/x86_64-linux-gnu/libssl.so.3", stems));
	assert_true(uprobe_path_matches("/opt/app/lib/libgnutls.so.30.34.3", stems));
	/* Not the library: a prefix of its name, another library, a
	 * directory named like it, a relative or deleted file. */
	assert_false(uprobe_path_matches("/usr/lib/libssl.so", stems));
	assert_false(uprobe_path_matches("/usr/lib/libssl3.so", stems));
	assert_false(uprobe_path_matches("/usr/lib/libgnutls-openssl.so.27", stems));
	assert_false(uprobe_path_matches("/libssl.so.3/x.so", stems));
	assert_false(uprobe_path_matches("libssl.so.3", stems));
	assert_false(uprobe_path_matches("/usr/lib/libssl.so.3 (deleted)", stems));
	assert_false(uprobe_path_matches("[vdso]", stems));
}

enum { C_DATA, NCOLS };

static const struct out_col cols[] = {
	[C_DATA] = { "DATA", "data", 0, 0 },
};

static char *render(const struct out_cfg *cfg, const void *d, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out o;

	assert_non_null(f);
	out_init(&o, f, cols, NCOLS, 0, cfg);
	out_row_begin(&o);
	out_mem(&o, C_DATA, d, n);
	out_row_end(&o);
	assert_int_equal(out_flush(&o), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static const unsigned char bytes[] = { 'a', 0, '\n', 0x1b, '\\', 0xff, 'z' };

static void mem_text_escapes_every_byte(void **state)
{
	const struct out_cfg cfg = { 0 };
	char *s = render(&cfg, bytes, sizeof(bytes));

	(void)state;
	assert_string_equal(s, "a\\x00\\x0a\\x1b\\\\\\xffz\n");
	free(s);
}

static void mem_json_parses_to_the_bytes(void **state)
{
	const struct out_cfg cfg = { .json = true };
	char *s = render(&cfg, bytes, sizeof(bytes));
	json_error_t err;
	json_t *j = json_loads(s, JSON_ALLOW_NUL, &err);
	json_t *v;

	(void)state;
	assert_non_null(j);
	v = json_object_get(j, "data");
	assert_non_null(v);
	/* Bytes that are not UTF-8 come back as the code point of their
	 * value (0xff as U+00FF, two bytes in UTF-8); the others as they were. */
	assert_int_equal(json_string_length(v), sizeof(bytes) + 1);
	assert_memory_equal(json_string_value(v), "a\0\n\x1b\\\xc3\xbfz", sizeof(bytes) + 1);
	json_decref(j);
	free(s);
}

static void mem_is_cut_at_its_limit(void **state)
{
	const struct out_cfg cfg = { 0 };
	unsigned char big[OUT_MEM_MAX + 10];
	char *s;

	(void)state;
	memset(big, 'x', sizeof(big));
	s = render(&cfg, big, sizeof(big));
	assert_int_equal(strlen(s), OUT_MEM_MAX + 1);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_matches_library_names),
		cmocka_unit_test(mem_text_escapes_every_byte),
		cmocka_unit_test(mem_json_parses_to_the_bytes),
		cmocka_unit_test(mem_is_cut_at_its_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
