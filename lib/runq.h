/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Run-queue waits (bpf/lib/runq.bpf.h), user side: the table of the
 * waiting threads' starts, sized before the programs load. */
#ifndef SONDE_LIB_RUNQ_H
#define SONDE_LIB_RUNQ_H

#include <stdint.h>
#include <bpf/libbpf.h>

/* Gives start (the map runq_start) a slot for each thread ID the kernel
 * hands out: the power of two at or above /proc/sys/kernel/pid_max, within
 * common/runq.h's bounds, and *mask its slots less one (the rodata
 * runq_mask). 0, or -errno from libbpf. */
int runq_size(struct bpf_map *start, volatile uint32_t *mask);

#endif
