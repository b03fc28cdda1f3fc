/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Run-queue waits, shared by runqlat and runqslower: how long a task that
 * can run waits for a CPU. The wait starts when the task is woken
 * (sched_wakeup, sched_wakeup_new) or switched out still runnable (it was
 * preempted, or yielded), and ends when it is switched in (sched_switch).
 *
 * Waits are counted as the kernel's schedstat counts them (run_delay in
 * /proc/PID/schedstat): a second wakeup of a task already waiting does not
 * restart its wait, and a task woken while still on its CPU (it had not
 * gone to sleep yet) does not start one. So a start, once set, always ends
 * at the task's next switch in.
 *
 * The filters (-p, -u, -c, -t) are tested on the waiting task, which in
 * these hooks is not the current one: the waker, or the task switched out.
 *
 * The wakeup programs are here; a tool adds its sched_switch program, which
 * calls runq_switch(). */
#ifndef SONDE_BPF_LIB_RUNQ_BPF_H
#define SONDE_BPF_LIB_RUNQ_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/task.bpf.h"
#include "bpf/lib/tidtime.bpf.h"

const volatile __u32 runq_tid = 0; /* -t: only this thread */

/* t, thread tid, passes -t and the common filters. */
static __always_inline bool runq_watched(struct task_struct *t, __u32 tid)
{
	/* The idle tasks (0) run when nothing waits: they never wait. */
	if (!tid || (runq_tid && tid != runq_tid))
		return false;
	return sonde_filter_task(t);
}

/* t starts waiting at now (0: read the clock); restart: even if it was
 * waiting already (bpf/lib/tidtime.bpf.h keeps the start). */
static __always_inline void runq_wait(struct task_struct *t, bool restart, __u64 now)
{
	__u32 tid = t->pid;

	if (runq_watched(t, tid))
		tid_time_start(tid, restart, now);
}

/* sched_wakeup, sched_wakeup_new: p can run. */
static __always_inline void runq_woken(struct task_struct *p)
{
	if (!p->on_cpu)
		runq_wait(p, false, 0);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(handle_wakeup, struct task_struct *p)
{
	runq_woken(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(handle_wakeup_new, struct task_struct *p)
{
	runq_woken(p);
	return 0;
}

/* sched_switch: prev leaves its CPU (and waits again if still runnable),
 * next gets it. Returns how long next waited in ns; 0 when its wait was not
 * seen to start (it began before the tool attached, or next is filtered
 * out). */
static __always_inline __u64 runq_switch(struct task_struct *prev, struct task_struct *next)
{
	__u64 now = bpf_ktime_get_ns();

	if (sonde_task_state_btf(prev) == SONDE_TASK_RUNNING)
		runq_wait(prev, true, now);
	return tid_time_take(next->pid, now);
}

#endif
