// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cpudist: how long tasks run on a CPU each time they get one (on-CPU
 * slices) or, with -O, how long they stay off it, counted in log-linear
 * histograms per CPU: one for the system, or one per process, thread or
 * cgroup (bpf/lib/hist_task.bpf.h). Hook: the BTF-typed sched_switch
 * tracepoint, where prev leaves its CPU and next gets it; neither need be
 * the current task as the filters see it, so both are tested themselves.
 *
 * Every slice is counted, however it ends: preempted, or gone to sleep.
 * (BCC's cpudist counts only the slices that end in a preemption.)
 *
 * Neither time is kept in task storage: task storage refuses every call on
 * a CPU while a program of any tool holds it there, and a syscall
 * tracepoint's program can be preempted holding it (6.18 runs them
 * preemptible). With opensnoop tracing a loop of opens on the same CPU, up
 * to 11 % of the slices went missing, unseen (a refused lookup cannot be
 * told from "nothing kept"). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/cpudist.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/hist_task.bpf.h"
#include "bpf/lib/task.bpf.h"
#include "bpf/lib/tidtime.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 offcpu = 0; /* -O */

/* The task on each CPU, since its switch in: a slice ends on the CPU where
 * it began, so the CPU's own slot is enough. */
struct on_cpu {
	__u32 tid; /* 0: nobody measured (idle, filtered out, or before the tool) */
	__u32 pad;
	__u64 since;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct on_cpu);
} running SEC(".maps");

/* -O: when each task off a CPU left it (bpf/lib/tidtime.bpf.h), taken
 * when it gets one again: the tasks asleep or waiting now. */

/* t (thread tid) is measured: not an idle task, and it passes the filters. */
static __always_inline bool measured(struct task_struct *t, __u32 tid)
{
	return tid && sonde_filter_task(t);
}

static __always_inline void on_cpu_switch(struct task_struct *prev, struct task_struct *next,
					  __u64 now)
{
	__u32 zero = 0, tid = next->pid;
	struct on_cpu *r = bpf_map_lookup_elem(&running, &zero);

	if (!r)
		return;
	if (r->tid && r->tid == prev->pid)
		hist_task_record(prev, now - r->since);
	r->tid = measured(next, tid) ? tid : 0;
	r->since = now;
}

static __always_inline void off_cpu_switch(struct task_struct *prev, struct task_struct *next,
					   __u64 now)
{
	__u32 prev_tid = prev->pid, tid = next->pid;
	__u64 off;

	/* A task that is dead (its last switch) is never switched in again. */
	if (measured(prev, prev_tid) && !(sonde_task_state_btf(prev) & SONDE_TASK_DEAD))
		tid_time_start(prev_tid, true, now);
	off = tid_time_take(tid, now);
	if (off)
		hist_task_record(next, off);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 now = bpf_ktime_get_ns();

	if (offcpu)
		off_cpu_switch(prev, next, now);
	else
		on_cpu_switch(prev, next, now);
	return 0;
}
