/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* runqslower: one event per run-queue wait longer than the threshold. */
#ifndef SONDE_COMMON_RUNQSLOWER_H
#define SONDE_COMMON_RUNQSLOWER_H

#include "common/stream.h"

/* The default threshold, [min_us]. */
#define RUNQSLOWER_MIN_US_DEFAULT 10000

/* h: the task that waited, when it got the CPU (no uid); prev_*: the task
 * that had the CPU until then. */
struct runqslower_event {
	struct stream_hdr h;
	__u64 wait_ns;
	__u32 prev_pid; /* its thread group */
	__u32 prev_tid;
	char prev_comm[TASK_COMM_LEN];
};

_Static_assert(sizeof(struct runqslower_event) == 80, "runqslower_event layout");

#endif
