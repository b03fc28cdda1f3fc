// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* common/runq.h: a waiting thread's slot, one word that holds its thread ID
 * and the low bits of its start, and the wait read back from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "common/runq.h"

/* The largest thread ID the kernel hands out (PID_MAX_LIMIT - 1). */
#define TID_MAX ((1U << 22) - 1)

static void slot_keeps_the_thread(void **state)
{
	(void)state;
	assert_int_equal(RUNQ_SLOT_TID(RUNQ_SLOT(1, 0)), 1);
	assert_int_equal(RUNQ_SLOT_TID(RUNQ_SLOT(TID_MAX, ~0ULL)), TID_MAX);
	assert_int_equal(RUNQ_SLOT_TID(RUNQ_SLOT(12345, 1ULL << 50)), 12345);
	/* Thread 1 at time 0 is no "no wait". */
	assert_true(RUNQ_SLOT(1, 0) != 0);
}

static void wait_is_the_difference(void **state)
{
	uint64_t start = 987654321012ULL;

	(void)state;
	assert_int_equal(RUNQ_SLOT_WAIT(RUNQ_SLOT(TID_MAX, start), start + 4321), 4321);
	assert_int_equal(RUNQ_SLOT_WAIT(RUNQ_SLOT(7, start), start), 0);
}

/* The clock's low bits wrap between the start and the end: the wait is
 * still right, up to 2^42 ns. */
static void wait_across_a_wrap(void **state)
{
	uint64_t start = (5ULL << RUNQ_TIME_BITS) - 100;

	(void)state;
	assert_int_equal(RUNQ_SLOT_WAIT(RUNQ_SLOT(42, start), start + 250), 250);
	assert_int_equal(RUNQ_SLOT_WAIT(RUNQ_SLOT(42, start), start + RUNQ_TIME_MASK),
			 RUNQ_TIME_MASK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slot_keeps_the_thread),
		cmocka_unit_test(wait_is_the_difference),
		cmocka_unit_test(wait_across_a_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
