// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/flags.h: bit flags as names, in text and JSON, and names back to
 * table entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/array_size.h"
#include "lib/flags.h"

/* Shaped like open(2)'s flags: a field, a two-bit name before its one-bit
 * part, single bits. */
static const struct flag_name table[] = {
	FLAG_FIELD(3, 0, "O_RDONLY"), FLAG_FIELD(3, 1, "O_WRONLY"), FLAG_FIELD(3, 2, "O_RDWR"),
	FLAG_BITS(0x30, "O_BOTH"),    FLAG_BITS(0x10, "O_LOW"),	    FLAG_BITS(0x100, "O_HIGH"),
};

/* The names of v, joined by ','. */
static const char *names(uint64_t v, const char *prefix)
{
	static char joined[1024];
	struct flag_names n = { .len = 0 };

	flag_names_of(&n, v, table, ARRAY_SIZE(table), prefix);
	memcpy(joined, n.buf, n.len);
	for (size_t i = 0; i + 1 < n.len; i++)
		if (!joined[i])
			joined[i] = ',';
	joined[n.len ? n.len - 1 : 0] = '\0';
	return joined;
}

static void fields_bits_and_leftovers(void **state)
{
	(void)state;
	assert_string_equal(names(0, ""), "O_RDONLY");
	assert_string_equal(names(1 | 0x100, ""), "O_WRONLY,O_HIGH");
	/* A combined name takes its bits: O_LOW is not named again. */
	assert_string_equal(names(2 | 0x30, ""), "O_RDWR,O_BOTH");
	assert_string_equal(names(0x10, ""), "O_RDONLY,O_LOW");
	/* Bits without a name: one hex number, last. */
	assert_string_equal(names(0x10 | 0x4000 | 0x8, ""), "O_RDONLY,O_LOW,0x4008");
	/* Access mode 3 has no name: its bits join the leftovers. */
	assert_string_equal(names(3, "+"), "+0x3");
}

static void lookup_with_or_without_prefix(void **state)
{
	(void)state;
	assert_ptr_equal(flag_lookup("O_WRONLY", table, ARRAY_SIZE(table), "O_"), &table[1]);
	assert_ptr_equal(flag_lookup("wronly", table, ARRAY_SIZE(table), "O_"), &table[1]);
	assert_ptr_equal(flag_lookup("o_High", table, ARRAY_SIZE(table), "O_"), &table[5]);
	assert_null(flag_lookup("", table, ARRAY_SIZE(table), "O_"));
	assert_null(flag_lookup("O_", table, ARRAY_SIZE(table), "O_"));
	assert_null(flag_lookup("HIGHER", table, ARRAY_SIZE(table), "O_"));
}

static void full_buffer_drops_names_whole(void **state)
{
	struct flag_names n = { .len = 0 };
	char name[300];

	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (int i = 0; i < 10; i++)
		flag_names_add(&n, "", name);
	/* Three names of 300 bytes fit in 1024; the rest are left out. */
	assert_int_equal(n.len, 3 * sizeof(name));
	assert_int_equal(n.buf[n.len - 1], '\0');
}

/* out_flag_names() in each format, into memory. */
static char *render(bool json, const struct flag_names *n)
{
	static const struct out_col cols[] = {
		{ "FLAGS", NULL, 0, 0 },
		{ NULL, "flags_names", 0, 0 },
	};
	const struct out_cfg cfg = { .json = json };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out o;

	out_init(&o, f, cols, ARRAY_SIZE(cols), 0, &cfg);
	out_row_begin(&o);
	out_flag_names(&o, 0, 1, n);
	out_row_end(&o);
	fclose(f);
	return buf;
}

static void out_text_and_json(void **state)
{
	struct flag_names n = { .len = 0 };
	char *s;

	(void)state;
	s = render(false, &n);
	assert_string_equal(s, "0\n");
	free(s);
	s = render(true, &n);
	assert_string_equal(s, "{\"flags_names\":[]}\n");
	free(s);

	flag_names_of(&n, 1 | 0x100, table, ARRAY_SIZE(table), "");
	s = render(false, &n);
	assert_string_equal(s, "O_WRONLY|O_HIGH\n");
	free(s);
	s = render(true, &n);
	assert_string_equal(s, "{\"flags_names\":[\"O_WRONLY\",\"O_HIGH\"]}\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fields_bits_and_leftovers),
		cmocka_unit_test(lookup_with_or_without_prefix),
		cmocka_unit_test(full_buffer_drops_names_whole),
		cmocka_unit_test(out_text_and_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
