/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* syscount: system calls counted in the kernel, per syscall or per process. */
#ifndef SONDE_COMMON_SYSCOUNT_H
#define SONDE_COMMON_SYSCOUNT_H

#include "common/count.h"

/* Processes counted in one interval (-P). */
#define SYSCOUNT_MAX_PIDS 10240
/* Distinct syscall numbers at or above COUNT_MAX_NR counted in a run (x32's,
 * numbers no syscall has, -1 for a call seccomp or ptrace skipped); calls of
 * more numbers than this are counted as lost. */
#define SYSCOUNT_MAX_FAR 256

/* -P: what a process was when it was last counted. */
struct syscount_proc {
	__u64 cgroup_id;
	char comm[TASK_COMM_LEN];
};

_Static_assert(sizeof(struct syscount_proc) == 24, "syscount_proc layout");

#endif
