// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/stack.h's writers: BCC-style text, folded lines (rows that fold to
 * the same functions merged, ';' and control bytes escaped), and JSON
 * that parses with frames as {"sym","off","module"}; the options that
 * exclude each other. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "lib/stack.h"

static const struct stack_opts sopts = { 0 };
static const struct stack_cfg cfg = { .opts = &sopts, .value = { "count", 1 } };

/* Two rows of one process whose user stacks differ only in an offset, and
 * one of a process with a hostile name and a kernel stack. */
static struct sym_frame f1[] = { { "spin", 0x12, "/bin/x", false },
				 { "cmp", 0x9, "/bin/x", false },
				 { "main", 0x40, "/bin/x", false } };
static struct sym_frame f2[] = { { "spin", 0x20, "/bin/x", false },
				 { "cmp", 0x9, "/bin/x", false },
				 { "main", 0x40, "/bin/x", false } };
static struct sym_frame f3[] = { { "schedule", 0x23, "[kernel]", false },
				 { NULL, 0x1234, "/lib/libc.so.6", false },
				 { "a;b", 1, NULL, false } };

static void rows_init(struct stack_row *r)
{
	memset(r, 0, 3 * sizeof(*r));
	r[0] = (struct stack_row){ .key = { .pid = 10 }, .total = 5, .frames = f1, .nuser = 3 };
	r[1] = (struct stack_row){ .key = { .pid = 10 }, .total = 2, .frames = f2, .nuser = 3 };
	r[2] = (struct stack_row){
		.key = { .pid = 11 }, .total = 1, .frames = f3, .nkernel = 1, .nuser = 2
	};
	memcpy(r[0].key.comm, "prog", 5);
	memcpy(r[1].key.comm, "prog", 5);
	memcpy(r[2].key.comm, "e\x1b\n;", 5);
}

static char *render(enum stack_format fmt)
{
	struct stack_row rows[3];
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	struct stack_out so = { f, fmt, &cfg, { 0 }, 0, 0 };

	assert_non_null(f);
	rows_init(rows);
	assert_int_equal(stack_out_write(&so, rows, 3), 0);
	fclose(f);
	return buf;
}

static void folded_merges_and_escapes(void **state)
{
	char *out = render(STACK_FMT_FOLDED);

	(void)state;
	/* Sorted lines; the two rows of prog are one line of 7; outermost
	 * first, kernel frames last and marked. */
	assert_string_equal(out, "e\\x1b\\x0a\\x3b;a\\x3bb;[libc.so.6];schedule_[k] 1\n"
				 "prog;main;cmp;spin 7\n");
	free(out);
}

static void text_like_bcc(void **state)
{
	char *out = render(STACK_FMT_TEXT);

	(void)state;
	assert_non_null(strstr(out, "    spin+0x12\n    cmp+0x9\n    main+0x40\n"
				    "    -                prog (10)\n        5\n\n"));
	assert_non_null(strstr(out, "    schedule+0x23\n    --\n"
				    "    [unknown] (/lib/libc.so.6+0x1234)\n"));
	assert_non_null(strstr(out, "    -                e\\x1b\\x0a; (11)\n        1\n"));
	free(out);
}

static void json_parses(void **state)
{
	char *out = render(STACK_FMT_JSON), *line = out;
	json_error_t err;
	unsigned n = 0;

	(void)state;
	while (*line) {
		char *nl = strchr(line, '\n');
		json_t *o, *fr;

		assert_non_null(nl);
		*nl = '\0';
		o = json_loads(line, 0, &err);
		assert_non_null(o);
		assert_true(json_is_integer(json_object_get(o, "count")));
		assert_true(json_is_array(json_object_get(o, "kernel_stack")));
		fr = json_array_get(json_object_get(o, "user_stack"), 0);
		assert_non_null(json_object_get(fr, "sym"));
		assert_true(json_is_integer(json_object_get(fr, "off")));
		assert_non_null(json_object_get(fr, "module"));
		if (n == 2) {
			assert_string_equal(json_string_value(json_object_get(o, "comm")),
					    "e\x1b\n;");
			assert_true(json_is_null(json_object_get(fr, "sym")));
			assert_int_equal(json_integer_value(json_object_get(fr, "off")), 0x1234);
		}
		json_decref(o);
		line = nl + 1;
		n++;
	}
	assert_int_equal(n, 3);
	free(out);
}

static void options_exclude(void **state)
{
	struct sonde_opts common = SONDE_OPTS_DEFAULTS;
	struct stack_opts o = { .user_only = true, .kernel_only = true };

	(void)state;
	assert_int_equal(stack_opts_check(&o, &common), -EINVAL);
	o = (struct stack_opts){ .folded = true, .format = "json" };
	assert_int_equal(stack_opts_check(&o, &common), -EINVAL);
	o = (struct stack_opts){ .format = "svgz" };
	assert_int_equal(stack_opts_check(&o, &common), -EINVAL);
	o = (struct stack_opts){ .folded = true };
	common.out.json = true;
	assert_int_equal(stack_opts_check(&o, &common), -EINVAL);
	o = (struct stack_opts){ .format = "json" };
	assert_int_equal(stack_opts_check(&o, &common), 0);
	assert_int_equal(o.fmt, STACK_FMT_JSON);
	common.out.json = false;
	o = (struct stack_opts){ .folded = true, .format = "folded" };
	assert_int_equal(stack_opts_check(&o, &common), 0);
	assert_int_equal(o.fmt, STACK_FMT_FOLDED);
}

static int hash_of(const void *key, void *value, void *arg)
{
	(void)value;
	memcpy(arg, key, sizeof(uint64_t));
	return 1;
}

/* Unwound stacks: one copy per distinct stack, totals per key, the table
 * grown past its first size, a key without a stack marked missed. */
static void agg_adds_up(void **state)
{
	struct stack_agg a;
	struct stack_key k = { .pid = 7 };
	uint64_t pcs[3] = { 0x1000, 0x2000, 0x3000 }, *total;
	const struct stack_pcs *s;

	(void)state;
	stack_agg_init(&a);
	for (unsigned i = 0; i < 1000; i++) {
		k.tid = i % 300;
		assert_int_equal(stack_agg_add(&a, &k, pcs, 3, 2), 0);
	}
	assert_int_equal(a.stacks.n, 1);
	assert_int_equal(a.totals.n, 300);
	k.tid = 5;
	k.flags = STACK_USER_UNWOUND;
	k.user = 0;
	/* Its user hash is the one stack's. */
	assert_int_equal(stack_tab_each(&a.stacks, hash_of, &k.user), 1);
	s = stack_agg_stack(&a, k.user);
	assert_non_null(s);
	assert_int_equal(s->n, 3);
	assert_int_equal(s->pc[2], 0x3000);
	total = stack_tab_get(&a.totals, &k, false);
	assert_non_null(total);
	assert_int_equal(*total, 8); /* tid 5: i = 5, 305, 605, 905 */
	k = (struct stack_key){ .pid = 7 };
	assert_int_equal(stack_agg_add(&a, &k, NULL, 0, 1), 0);
	k.flags = STACK_USER_UNWOUND | STACK_USER_MISSED;
	total = stack_tab_get(&a.totals, &k, false);
	assert_non_null(total);
	assert_int_equal(*total, 1);
	stack_agg_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folded_merges_and_escapes),
		cmocka_unit_test(text_like_bcc),
		cmocka_unit_test(json_parses),
		cmocka_unit_test(options_exclude),
		cmocka_unit_test(agg_adds_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
