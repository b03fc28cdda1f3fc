/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* exitsnoop: one event per process exit (or, with --threads, thread exit). */
#ifndef SONDE_COMMON_EXITSNOOP_H
#define SONDE_COMMON_EXITSNOOP_H

#include "common/defs.h"

/* The exit status as wait(2) encodes it: the code in bits 8-15, or the
 * killing signal in bits 0-6 and "core dumped" in bit 7. */
#define EXITSNOOP_SIG_MASK 0x7f
#define EXITSNOOP_CORE_DUMPED 0x80

struct exitsnoop_event {
	__u64 ts_ns;	/* CLOCK_MONOTONIC, at the exit */
	__u64 start_ns; /* CLOCK_MONOTONIC, when the process (thread) started */
	__u64 cgroup_id;
	__u32 pid; /* thread group ID */
	__u32 tid; /* the thread that exited (the last one, without --threads) */
	__u32 ppid;
	__u32 status; /* wait(2) status */
	char comm[TASK_COMM_LEN];
};

_Static_assert(sizeof(struct exitsnoop_event) == 56, "exitsnoop_event layout");

#endif
