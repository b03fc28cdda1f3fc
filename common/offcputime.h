/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* offcputime: its BPF side and user space share the stack family's layouts
 * (common/stack.h) and these. */
#ifndef SONDE_COMMON_OFFCPUTIME_H
#define SONDE_COMMON_OFFCPUTIME_H

#include "common/stack.h"

/* A thread switched out, kept until it runs again. */
struct offcpu_start {
	struct stack_key key;
	__u64 ts_ns;  /* CLOCK_MONOTONIC of the switch */
	__u64 ran_ns; /* the thread's CPU time then (se.sum_exec_runtime) */
	__u32 copied; /* its user stack waits in the copies too */
	__u32 pad;
};

_Static_assert(sizeof(struct offcpu_start) == 80, "offcpu_start layout");

/* --state: the state the thread blocked in (include/linux/sched.h); the
 * value OFFCPU_STATE_ANY counts every state. */
#define OFFCPU_STATE_ANY 0xffffffffu

#endif
