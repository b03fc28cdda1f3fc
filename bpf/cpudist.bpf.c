// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cpudist: how long tasks run on a CPU each time they get one (on-CPU
 * slices) or, with -O, how long they stay off it, counted in log-linear
 * histograms per CPU: one for the system, or one per process, thread or
 * cgroup (bpf/lib/hist_task.bpf.h). Hook: the BTF-typed sched_switch
 * tracepoint, where prev leaves its CPU and next gets it; neither need be
 * the current task as the filters see it, so both are tested themselves.
 *
 * Every slice is counted, however it ends: preempted, or gone to sleep.
 * (BCC's cpudist counts only the slices that end in a preemption.) The
 * time of the switch is kept in the task's own storage: no map to fill. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/cpudist.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/hist_task.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 offcpu = 0; /* -O */

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} switched SEC(".maps");

/* t's time starts now: it got its CPU (or, with -O, left it). The idle
 * tasks (pid 0) are not measured. */
static __always_inline void start(struct task_struct *t, __u64 now)
{
	__u64 *ts;

	if (!BPF_CORE_READ(t, pid) || !sonde_filter_task(t))
		return;
	ts = bpf_task_storage_get(&switched, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ts)
		*ts = now;
}

/* t's time ends now: counted when its start was seen. */
static __always_inline void end(struct task_struct *t, __u64 now)
{
	__u64 *ts = bpf_task_storage_get(&switched, t, 0, 0);

	if (!ts || !*ts)
		return;
	hist_task_record(t, now - *ts);
	*ts = 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 now = bpf_ktime_get_ns();

	if (offcpu) {
		start(prev, now);
		end(next, now);
	} else {
		end(prev, now);
		start(next, now);
	}
	return 0;
}
