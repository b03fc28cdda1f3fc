/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Run-queue waits, shared by runqlat and runqslower: how long a task that
 * can run waits for a CPU. The wait starts when the task is woken
 * (sched_wakeup, sched_wakeup_new) or switched out still runnable (it was
 * preempted, or yielded), and ends when it is switched in (sched_switch).
 *
 * The start is kept in the task's own storage: no map to fill, and it goes
 * with the task. Waits are counted as the kernel's schedstat counts them
 * (run_delay in /proc/PID/schedstat): a second wakeup of a task already
 * waiting does not restart its wait, and a task woken while still on its
 * CPU (it had not gone to sleep yet) does not start one. So a start, once
 * set, always ends at the task's next switch in.
 *
 * The filters (-p, -u, -c, --tid) are tested on the waiting task, which in
 * these hooks is not the current one: the waker, or the task switched out. */
#ifndef SONDE_BPF_LIB_RUNQ_BPF_H
#define SONDE_BPF_LIB_RUNQ_BPF_H

#include <bpf/bpf_core_read.h>
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/task.bpf.h"

const volatile __u32 runq_tid = 0; /* --tid: only this thread */

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} runq_start SEC(".maps");

static __always_inline bool runq_watched(struct task_struct *t)
{
	__u32 tid = BPF_CORE_READ(t, pid);

	/* The idle tasks (0) run when nothing waits: they never wait. */
	if (!tid || (runq_tid && tid != runq_tid))
		return false;
	return sonde_filter_task(t);
}

/* t starts waiting now; restart: even if it was waiting already. */
static __always_inline void runq_wait(struct task_struct *t, bool restart)
{
	__u64 *ts;

	if (!runq_watched(t))
		return;
	ts = bpf_task_storage_get(&runq_start, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ts && (restart || !*ts))
		*ts = bpf_ktime_get_ns();
}

/* sched_wakeup, sched_wakeup_new: p can run. */
static __always_inline void runq_woken(struct task_struct *p)
{
	if (!BPF_CORE_READ(p, on_cpu))
		runq_wait(p, false);
}

/* sched_switch: prev leaves its CPU (and waits again if still runnable),
 * next gets it. Returns how long next waited in ns; 0 when its wait was not
 * seen to start (it began before the tool attached, or next is filtered
 * out). */
static __always_inline __u64 runq_switch(struct task_struct *prev, struct task_struct *next)
{
	__u64 *ts, wait;

	if (sonde_task_state(prev) == SONDE_TASK_RUNNING)
		runq_wait(prev, true);
	ts = bpf_task_storage_get(&runq_start, next, 0, 0);
	if (!ts || !*ts)
		return 0;
	wait = bpf_ktime_get_ns() - *ts;
	*ts = 0;
	return wait;
}

#endif
