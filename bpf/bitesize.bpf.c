// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* bitesize: the size of each block I/O request (bpf/lib/bio.bpf.h), counted
 * at its completion in log-linear histograms per CPU, in bytes: one per
 * process (or thread, or cgroup, or one for the system) of the task that
 * submitted it. Hooks: the BTF-typed block_rq_insert, block_rq_issue and
 * block_rq_complete tracepoints. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/bitesize.h"
#include "bpf/lib/bio.bpf.h"
#include "bpf/lib/hist_task.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The key of the submitting task's histogram (common/hist.h's enum
 * hist_by). */
static __always_inline __u64 task_key(const struct bio_start *s)
{
	if (hist_by == HIST_BY_PROCESS)
		return s->pid;
	if (hist_by == HIST_BY_THREAD)
		return s->tid;
	if (hist_by == HIST_BY_CGROUP)
		return s->cgroup_id;
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(handle_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	struct hist_task_name n = {};
	struct bio_start s;
	__u64 key;

	if (!bio_complete(ctx, &s))
		return 0;
	key = task_key(&s);
	if (!hist_record(&hists, &hists_a, &key, nr_bytes) ||
	    (hist_by != HIST_BY_PROCESS && hist_by != HIST_BY_THREAD))
		return 0;
	/* The submitting thread's name, with -P too: the task is gone from
	 * the hooks' reach by the completion. */
	n.cgroup_id = s.cgroup_id;
	n.pid = s.pid;
	__builtin_memcpy(n.comm, s.comm, sizeof(n.comm));
	bpf_map_update_elem(&hist_names, &key, &n, BPF_ANY);
	return 0;
}
