/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Per-thread start times (bpf/lib/tidtime.bpf.h), user side: the table,
 * sized before the programs load. */
#ifndef SONDE_LIB_TIDTIME_H
#define SONDE_LIB_TIDTIME_H

#include <stdint.h>
#include <bpf/libbpf.h>

/* Gives times (the map tid_times) a slot for each thread ID the kernel
 * hands out: the power of two at or above /proc/sys/kernel/pid_max, within
 * common/tidtime.h's bounds, and *mask its slots less one (the rodata
 * tid_time_mask). 0, or -errno from libbpf. */
int tid_time_size(struct bpf_map *times, volatile uint32_t *mask);

#endif
