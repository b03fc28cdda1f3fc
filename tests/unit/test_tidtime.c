// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* common/tidtime.h: a thread's slot, one word that holds the bits of its
 * thread ID its slot's index does not and the low bits of its start, and
 * the time since then read back from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "common/tidtime.h"

/* The largest thread ID the kernel hands out (PID_MAX_LIMIT - 1). */
#define TID_MAX ((1U << 22) - 1)

static void slot_keeps_the_thread(void **state)
{
	(void)state;
	assert_int_equal(TIDTIME_SLOT_TAG(TIDTIME_SLOT(1, 5)), TIDTIME_TAG(1));
	assert_int_equal(TIDTIME_SLOT_TAG(TIDTIME_SLOT(TID_MAX, ~0ULL)), TIDTIME_TAG(TID_MAX));
	assert_int_equal(TIDTIME_SLOT_TAG(TIDTIME_SLOT(12345 + (3U << 15), 1ULL << 60)),
			 TIDTIME_TAG(12345 + (3U << 15)));
	/* Two threads in the same smallest table's slot are told apart. */
	assert_true(TIDTIME_SLOT_TAG(TIDTIME_SLOT(7, 9)) !=
		    TIDTIME_SLOT_TAG(TIDTIME_SLOT(7 + (1U << 15), 9)));
	/* A thread below 2^15 started at a time is no "no start". */
	assert_true(TIDTIME_SLOT(1, 5) != 0);
}

static void since_is_the_difference(void **state)
{
	uint64_t start = 987654321012ULL;

	(void)state;
	assert_int_equal(TIDTIME_SINCE(TIDTIME_SLOT(TID_MAX, start), start + 4321), 4321);
	assert_int_equal(TIDTIME_SINCE(TIDTIME_SLOT(7, start), start), 0);
	/* Three hours off a CPU (cpudist -O) are three hours. */
	assert_int_equal(TIDTIME_SINCE(TIDTIME_SLOT(TID_MAX, start), start + 10800000000000ULL),
			 10800000000000ULL);
}

/* The clock's low bits wrap between the start and the end: the time is
 * still right, up to 2^57 ns. */
static void since_across_a_wrap(void **state)
{
	uint64_t start = (5ULL << TIDTIME_BITS) - 100;

	(void)state;
	assert_int_equal(TIDTIME_SINCE(TIDTIME_SLOT(42, start), start + 250), 250);
	assert_int_equal(TIDTIME_SINCE(TIDTIME_SLOT(42, start), start + TIDTIME_MASK),
			 TIDTIME_MASK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slot_keeps_the_thread),
		cmocka_unit_test(since_is_the_difference),
		cmocka_unit_test(since_across_a_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
