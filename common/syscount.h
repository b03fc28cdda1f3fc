/* syscount: system calls counted in the kernel, per syscall or per process. */
#ifndef SONDE_COMMON_SYSCOUNT_H
#define SONDE_COMMON_SYSCOUNT_H

#include "defs.h"

/* Slots of the per-syscall array: x86_64's own syscall numbers are below
 * 512 (x32's start there, with bit 30 set). */
#define SYSCOUNT_MAX_NR 512
/* Processes counted in one interval (-P). */
#define SYSCOUNT_MAX_PIDS 10240
/* A syscall return in [-SYSCOUNT_MAX_ERRNO, -1] is an error, as the kernel's
 * IS_ERR_VALUE() sees it. */
#define SYSCOUNT_MAX_ERRNO 4095

/* What is counted for a key, per CPU: summed by user space. Every field is a
 * __u64 counter, so that user space can add the CPUs' copies word by word. */
struct syscount_val {
	__u64 count;
	__u64 errors; /* returned an error */
	__u64 lat_ns; /* -L: time spent in the `timed` calls */
	__u64 timed;  /* -L: calls whose entry was seen */
};

_Static_assert(sizeof(struct syscount_val) == 32, "syscount_val layout");

/* x86_64's exec calls: -P notes a process's new name when one succeeds. */
#define SYSCOUNT_NR_EXECVE 59
#define SYSCOUNT_NR_EXECVEAT 322

/* -P: what a process was when it was last counted. */
struct syscount_proc {
	__u64 cgroup_id;
	char comm[TASK_COMM_LEN];
};

_Static_assert(sizeof(struct syscount_proc) == 24, "syscount_proc layout");

#endif
