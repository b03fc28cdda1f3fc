/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Per-thread start times (common/tidtime.h): runqlat's and runqslower's
 * waits for a CPU, cpudist -O's times off one. One 64-bit word per thread
 * ID, in the slot of its low bits (the thread ID's other bits above the
 * low TIDTIME_BITS bits of the start, 0 for none), so that one store sets it
 * and the scheduler's hot path takes no lock and calls no hash. lib/tidtime.c
 * gives the table a slot for every thread ID the kernel hands out (pid_max,
 * up to TIDTIME_SLOTS_MAX): then no two threads share one. Past that, a
 * start that takes the slot of another thread's (a thread ID equal in its
 * low bits, started and not yet taken) ends the other's, counted as lost.
 * Not task storage: it refuses every call on a CPU while a program of any
 * tool holds it there, and a syscall tracepoint's program can be preempted
 * holding it (6.18 runs them preemptible): up to 5 % of runqlat's waits
 * went missing, unseen, beside opensnoop. */
#ifndef SONDE_BPF_LIB_TIDTIME_BPF_H
#define SONDE_BPF_LIB_TIDTIME_BPF_H

#include "common/tidtime.h"
#include "bpf/lib/stream.bpf.h"

/* The slots of tid_times less one (lib/tidtime.c sizes the table). */
const volatile __u32 tid_time_mask = TIDTIME_SLOTS_MIN - 1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TIDTIME_SLOTS_MIN);
	__type(key, __u32);
	__type(value, __u64);
} tid_times SEC(".maps");

static __always_inline __u64 *tid_time_slot(__u32 tid)
{
	__u32 i = tid & tid_time_mask;

	return bpf_map_lookup_elem(&tid_times, &i);
}

/* Thread tid (not 0) starts at now (0: read the clock); restart: even if
 * it has a start already (else that one stays). */
static __always_inline void tid_time_start(__u32 tid, bool restart, __u64 now)
{
	__u64 *slot = tid_time_slot(tid), old;

	if (!slot)
		return;
	old = *slot;
	if (old && TIDTIME_SLOT_TAG(old) == TIDTIME_TAG(tid)) {
		if (!restart)
			return;
	} else if (old) {
		sonde_count_lost(); /* another thread's start, not to be seen */
	}
	*slot = TIDTIME_SLOT(tid, now ?: bpf_ktime_get_ns());
}

/* The time since thread tid's start at now, its start forgotten; 0 when it
 * has none (tid 0 neither). */
static __always_inline __u64 tid_time_take(__u32 tid, __u64 now)
{
	__u64 *slot = tid ? tid_time_slot(tid) : NULL, v;

	if (!slot)
		return 0;
	v = *slot;
	if (!v || TIDTIME_SLOT_TAG(v) != TIDTIME_TAG(tid))
		return 0;
	*slot = 0;
	return TIDTIME_SINCE(v, now);
}

#endif
