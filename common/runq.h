/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Run-queue waits as runqlat and runqslower see them (BPF side
 * bpf/lib/runq.bpf.h, user side lib/runq.h): the start of each waiting
 * thread's wait, one 64-bit word in the slot of its thread ID's low bits. */
#ifndef SONDE_COMMON_RUNQ_H
#define SONDE_COMMON_RUNQ_H

#include "common/defs.h"

/* The table's slots: a power of two, pid_max's (the kernel's default is
 * 32768; systemd sets 4194304, PID_MAX_LIMIT) within these bounds: 256 KiB
 * to 8 MiB. */
#define RUNQ_SLOTS_MIN (1U << 15)
#define RUNQ_SLOTS_MAX (1U << 20)

/* A slot: the thread ID (below 2^22, PID_MAX_LIMIT) above the low
 * RUNQ_TIME_BITS bits of the start in ns; so a wait is right up to 2^42 ns
 * (73 minutes). 0: no wait. */
#define RUNQ_TIME_BITS 42
#define RUNQ_TIME_MASK ((1ULL << RUNQ_TIME_BITS) - 1)
#define RUNQ_SLOT(tid, ns) (((__u64)(tid) << RUNQ_TIME_BITS) | ((ns)&RUNQ_TIME_MASK))
#define RUNQ_SLOT_TID(v) ((__u32)((v) >> RUNQ_TIME_BITS))
#define RUNQ_SLOT_WAIT(v, now) (((now) - (v)) & RUNQ_TIME_MASK)

#endif
