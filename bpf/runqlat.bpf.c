// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* runqlat: run-queue latency, the time a runnable task waits for a CPU
 * (bpf/lib/runq.bpf.h), counted in log-linear histograms per CPU: one for
 * the system, or one per process, thread or cgroup of the task that waited
 * (bpf/lib/hist_task.bpf.h). Hooks: the BTF-typed sched_wakeup,
 * sched_wakeup_new and sched_switch tracepoints. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "common/runqlat.h"
#include "bpf/lib/hist_task.bpf.h"
#include "bpf/lib/runq.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 wait = runq_switch(prev, next);

	if (wait)
		hist_task_record(next, wait);
	return 0;
}
