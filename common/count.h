/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* System calls counted in the kernel (syscount, cgsyscount; BPF side:
 * bpf/lib/count.bpf.h, user side: lib/count.h): what one key counts. */
#ifndef SONDE_COMMON_COUNT_H
#define SONDE_COMMON_COUNT_H

#include "common/defs.h"

/* Slots of the per-syscall array: x86_64's own syscall numbers are below
 * 512 (x32's start there, with bit 30 set). */
#define COUNT_MAX_NR 512
/* A syscall return in [-COUNT_MAX_ERRNO, -1] is an error, as the kernel's
 * IS_ERR_VALUE() sees it. */
#define COUNT_MAX_ERRNO 4095

/* What is counted for a key, per CPU: summed by user space. Every field is a
 * __u64 counter, so that user space can add the CPUs' copies word by word. */
struct count_val {
	__u64 count;
	__u64 errors; /* returned an error */
	__u64 lat_ns; /* -L: time spent in the `timed` calls */
	__u64 timed;  /* -L: calls whose entry was seen */
};

_Static_assert(sizeof(struct count_val) == 32, "count_val layout");

#endif
