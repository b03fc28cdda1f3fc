// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* runqslower: each run-queue wait (bpf/lib/runq.bpf.h) longer than the
 * threshold, sent when the task that waited gets its CPU, with the task
 * that had the CPU until then. Hooks: the BTF-typed sched_wakeup,
 * sched_wakeup_new and sched_switch tracepoints. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/runqslower.h"
#include "bpf/lib/runq.bpf.h"
#include "bpf/lib/stream.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u64 min_ns = RUNQSLOWER_MIN_US_DEFAULT * 1000ull; /* [min_us] */

/* The header is next's, the task that waited: not the current task. */
static __always_inline void send(void *ctx, struct task_struct *prev, struct task_struct *next,
				 __u64 wait)
{
	struct runqslower_event *e = sonde_reserve(sizeof(*e));

	if (!e)
		return;
	e->h.ts_ns = bpf_ktime_get_ns();
	e->h.cgroup_id = BPF_CORE_READ(next, cgroups, dfl_cgrp, kn, id);
	e->h.pid = BPF_CORE_READ(next, tgid);
	e->h.tid = BPF_CORE_READ(next, pid);
	e->h.uid = 0;
	e->h.pad = 0;
	BPF_CORE_READ_STR_INTO(&e->h.comm, next, comm);
	e->wait_ns = wait;
	e->prev_pid = BPF_CORE_READ(prev, tgid);
	e->prev_tid = BPF_CORE_READ(prev, pid);
	BPF_CORE_READ_STR_INTO(&e->prev_comm, prev, comm);
	sonde_submit(ctx, e);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 wait = runq_switch(prev, next);

	if (wait && wait > min_ns)
		send(ctx, prev, next, wait);
	return 0;
}
