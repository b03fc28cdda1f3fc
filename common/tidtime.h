/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Per-thread start times (runqlat and runqslower: when a wait for a CPU
 * began; cpudist -O: when a task left its CPU). BPF side
 * bpf/lib/tidtime.bpf.h, user side lib/tidtime.h: one 64-bit word per
 * thread, in the slot of its thread ID's low bits. */
#ifndef SONDE_COMMON_TIDTIME_H
#define SONDE_COMMON_TIDTIME_H

#include "common/defs.h"

/* The table's slots: a power of two, pid_max's (the kernel's default is
 * 32768; systemd sets 4194304, PID_MAX_LIMIT) within these bounds: 256 KiB
 * to 8 MiB. */
#define TIDTIME_SLOTS_MIN (1U << 15)
#define TIDTIME_SLOTS_MAX (1U << 20)

/* A slot: the bits of the thread ID above the 15 its slot's index always
 * holds (a thread ID is below 2^22, PID_MAX_LIMIT: 7 bits) above the low
 * TIDTIME_BITS bits of the start in ns; so a time is right up to 2^57 ns
 * (4.5 years). 0: no start (a start's low 57 bits are never all 0: the
 * clock counts from boot). */
#define TIDTIME_TAG_SHIFT 15
#define TIDTIME_BITS 57
#define TIDTIME_MASK ((1ULL << TIDTIME_BITS) - 1)
#define TIDTIME_TAG(tid) ((__u32)(tid) >> TIDTIME_TAG_SHIFT)
#define TIDTIME_SLOT(tid, ns) (((__u64)TIDTIME_TAG(tid) << TIDTIME_BITS) | ((ns)&TIDTIME_MASK))
#define TIDTIME_SLOT_TAG(v) ((__u32)((v) >> TIDTIME_BITS))
#define TIDTIME_SINCE(v, now) (((now) - (v)) & TIDTIME_MASK)

_Static_assert((1U << TIDTIME_TAG_SHIFT) == TIDTIME_SLOTS_MIN, "the tag: the bits above the index");

#endif
