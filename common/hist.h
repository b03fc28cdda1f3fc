/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Latency and size histograms counted in the kernel (runqlat, cpudist,
 * hardirqs, softirqs, biolatency, ...; BPF side bpf/lib/hist.bpf.h, user
 * side lib/hist.h): log-linear buckets, each power of two split into
 * HIST_SUB sub-buckets, so that a percentile read from them is within
 * 1 / (2 * HIST_SUB) of the true value (12.5 %), where log2 buckets are off
 * by up to a half.
 *
 * Values are counted in the tool's unit (us, or ms with -m): v below
 * HIST_SUB has a bucket of its own; above, bucket (m - HIST_SUB_BITS + 1) *
 * HIST_SUB + the HIST_SUB_BITS bits after the leading one of v, m being the
 * leading one's position. Values past the last bucket count in it; `max`
 * holds the largest exactly, `sum` the total (in nanoseconds for a time, so
 * that it can be set against the kernel's own accounting). */
#ifndef SONDE_COMMON_HIST_H
#define SONDE_COMMON_HIST_H

#include "common/defs.h"

#define HIST_SUB_BITS 2
#define HIST_SUB (1 << HIST_SUB_BITS)
/* Powers of two covered: values up to 2^HIST_RANGE_BITS - 1 units (in us,
 * about 4.9 hours). */
#define HIST_RANGE_BITS 44
#define HIST_SLOTS ((HIST_RANGE_BITS - HIST_SUB_BITS + 1) * HIST_SUB)

/* One histogram, per CPU in the kernel. User space adds the CPUs' copies
 * word by word, except `max`, the largest of them (lib/dbuf.h). */
struct hist {
	__u64 count;
	__u64 sum; /* the values' total: in ns for times (whatever the unit), else in the unit */
	__u64 max; /* in the unit */
	__u64 slots[HIST_SLOTS];
};

_Static_assert(sizeof(struct hist) == 24 + 8 * HIST_SLOTS, "hist layout");

/* The word of struct hist that is a maximum, not a sum. */
#define HIST_MAX_WORD 2

/* Position of the leading one of v (v > 0), without a count-leading-zeros
 * instruction (BPF has none). */
static __always_inline __u32 hist_msb(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) {
		v >>= 32;
		r += 32;
	}
	if (v >> 16) {
		v >>= 16;
		r += 16;
	}
	if (v >> 8) {
		v >>= 8;
		r += 8;
	}
	if (v >> 4) {
		v >>= 4;
		r += 4;
	}
	if (v >> 2) {
		v >>= 2;
		r += 2;
	}
	if (v >> 1)
		r += 1;
	return r;
}

/* The bucket of value v. */
static __always_inline __u32 hist_slot(__u64 v)
{
	__u32 m, slot;

	if (v < HIST_SUB)
		return v;
	m = hist_msb(v);
	slot = (m - HIST_SUB_BITS + 1) * HIST_SUB + ((v >> (m - HIST_SUB_BITS)) & (HIST_SUB - 1));
	return slot < HIST_SLOTS ? slot : HIST_SLOTS - 1;
}

/* Histograms of task times (runqlat, cpudist; BPF side
 * bpf/lib/hist_task.bpf.h, user side lib/hist_task.h): one for the whole
 * system, or one per process, thread or cgroup, keyed by a __u64 (0, the
 * tgid, the thread ID or the cgroup ID). */
enum hist_by {
	HIST_BY_ALL,
	HIST_BY_PROCESS, /* -P */
	HIST_BY_THREAD,	 /* -L */
	HIST_BY_CGROUP,	 /* --by-cgroup */
};

/* Keys counted in one interval; a value of a key past them is counted as
 * lost. Each key costs a struct hist per possible CPU. */
#define HIST_TASK_MAX_KEYS 10240

/* -P and -L: who a key was when it was first counted in an interval. */
struct hist_task_name {
	__u64 cgroup_id;
	__u32 pid; /* the thread group */
	__u32 pad;
	char comm[TASK_COMM_LEN]; /* the process's (its leader's) with -P, the thread's with -L */
};

_Static_assert(sizeof(struct hist_task_name) == 32, "hist_task_name layout");

#endif
