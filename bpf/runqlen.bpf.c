// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* runqlen: the length of each CPU's run queue, sampled on that CPU by its
 * CPU clock (a perf event at -F HZ; user space opens and attaches them),
 * counted in a histogram of lengths (bpf/lib/hist.bpf.h) per CPU
 * (--per-cpu) or for the whole system.
 *
 * The length is the number of tasks runnable on the CPU and waiting for
 * it: the run queue's nr_running (every scheduling class), without the task
 * the sample interrupted. The run queue is reached through that task
 * (its scheduling entity's cfs_rq, and the rq that holds it), with CO-RE
 * reads only: no per-CPU kernel symbol, so a kernel whose BTF is only a
 * file given with --btf serves too. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/runqlen.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/hist.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 per_cpu = 0; /* --per-cpu */

HIST_MAPS(hists, RUNQLEN_MAX_KEYS, __u32);

/* The run queue of the CPU that task t runs on. Every task's entity points
 * at a cfs_rq of that CPU (the idle task's and a real-time task's too):
 * with group scheduling, that of its task group, which points at the rq;
 * without, the rq's own, inside it. */
static __always_inline struct rq *task_rq(struct task_struct *t)
{
	struct cfs_rq *cfs = BPF_CORE_READ(t, se.cfs_rq);

	if (!cfs)
		return NULL;
	if (bpf_core_field_exists(cfs->rq))
		return BPF_CORE_READ(cfs, rq);
	return (void *)cfs - bpf_core_field_offset(struct rq, cfs);
}

SEC("perf_event")
int handle_sample(struct bpf_perf_event_data *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 key = per_cpu ? bpf_get_smp_processor_id() : 0;
	struct rq *rq;
	__u64 n;

	if (!sonde_filter_pass())
		return 0;
	rq = task_rq(t);
	if (!rq)
		return 0;
	n = BPF_CORE_READ(rq, nr_running);
	/* The idle task (PID 0) is not counted in nr_running; any other task
	 * the sample interrupted is, and is running, not waiting. */
	if (BPF_CORE_READ(t, pid) && n)
		n--;
	hist_record(&hists, &hists_a, &key, n);
	return 0;
}
