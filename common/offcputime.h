/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* offcputime: its BPF side and user space share the stack family's layouts
 * (common/stack.h) and these. */
#ifndef SONDE_COMMON_OFFCPUTIME_H
#define SONDE_COMMON_OFFCPUTIME_H

#include "common/stack.h"

/* A thread switched out, kept in its task storage until it runs again. */
struct offcpu_start {
	struct stack_key key;
	__u64 ts_ns; /* CLOCK_MONOTONIC of the switch; 0: not blocked */
};

_Static_assert(sizeof(struct offcpu_start) == 64, "offcpu_start layout");

/* The same for a thread whose user stack is copied for user space to
 * unwind (--unwind dwarf, or auto without frame pointers): the copy waits
 * in its task storage for the time it blocked. */
struct offcpu_copy {
	__u64 ts_ns;
	__u64 pad;
	struct stack_sample_rec rec;
};

/* --state: the state the thread blocked in (include/linux/sched.h); the
 * value OFFCPU_STATE_ANY counts every state. */
#define OFFCPU_STATE_ANY 0xffffffffu

#endif
