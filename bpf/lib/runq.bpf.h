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
#include "common/runq.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/task.bpf.h"

const volatile __u32 runq_tid = 0; /* -t: only this thread */
/* The slots of runq_start less one (lib/runq.c sizes the table). */
const volatile __u32 runq_mask = RUNQ_SLOTS_MIN - 1;

/* When each waiting task started to wait: one 64-bit word per thread ID,
 * in the slot of its low bits (the thread ID above the time's low
 * RUNQ_TIME_BITS bits of ns, 0 for none), so that one store sets it and
 * the hot path takes no lock and calls no hash. lib/runq.c gives the table
 * a slot for every thread ID the kernel hands out (pid_max, up to
 * RUNQ_SLOTS_MAX): then no two threads share one. Past that, a wait whose
 * start takes the slot of another thread's (a thread ID equal in its low
 * bits, waiting at the same time) ends the other's and is counted as lost.
 * Not task storage: it refuses every call on a CPU while a program of any
 * tool holds it there, and a syscall tracepoint's program can be preempted
 * holding it (6.18 runs them preemptible): up to 5 % of the waits went
 * missing, unseen, beside opensnoop. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RUNQ_SLOTS_MIN);
	__type(key, __u32);
	__type(value, __u64);
} runq_start SEC(".maps");

/* t, thread tid, passes -t and the common filters. */
static __always_inline bool runq_watched(struct task_struct *t, __u32 tid)
{
	/* The idle tasks (0) run when nothing waits: they never wait. */
	if (!tid || (runq_tid && tid != runq_tid))
		return false;
	return sonde_filter_task(t);
}

/* Thread tid's slot. */
static __always_inline __u64 *runq_slot(__u32 tid)
{
	__u32 i = tid & runq_mask;

	return bpf_map_lookup_elem(&runq_start, &i);
}

/* t starts waiting at now (0: read the clock); restart: even if it was
 * waiting already. */
static __always_inline void runq_wait(struct task_struct *t, bool restart, __u64 now)
{
	__u32 tid = t->pid;
	__u64 *slot, old;

	if (!runq_watched(t, tid) || !(slot = runq_slot(tid)))
		return;
	old = *slot;
	if (old && RUNQ_SLOT_TID(old) == tid) {
		if (!restart)
			return;
	} else if (old) {
		sonde_count_lost(); /* another thread's wait, not to be seen */
	}
	*slot = RUNQ_SLOT(tid, now ?: bpf_ktime_get_ns());
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
	__u64 now = bpf_ktime_get_ns(), *slot, v;
	__u32 tid = next->pid;

	if (sonde_task_state_btf(prev) == SONDE_TASK_RUNNING)
		runq_wait(prev, true, now);
	slot = tid ? runq_slot(tid) : NULL;
	if (!slot)
		return 0;
	v = *slot;
	if (!v || RUNQ_SLOT_TID(v) != tid)
		return 0;
	*slot = 0;
	return RUNQ_SLOT_WAIT(v, now);
}

#endif
