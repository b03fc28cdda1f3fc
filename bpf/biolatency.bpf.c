// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* biolatency: block I/O latency, from a request's issue to the driver (or,
 * with -Q, its insertion into a queue) to its completion
 * (bpf/lib/bio.bpf.h), counted in log-linear histograms per CPU: one for
 * the system, or one per disk, per kind of request or per cgroup
 * (common/biolatency.h). Hooks: the BTF-typed block_rq_insert,
 * block_rq_issue and block_rq_complete tracepoints. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/biolatency.h"
/* Histograms by disk, kind or cgroup: no task's IDs or name. */
#define BIO_TASK 0
#include "bpf/lib/bio.bpf.h"
#include "bpf/lib/hist.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 bio_by = BIO_BY_ALL;
const volatile __u8 queued = 0; /* -Q */

HIST_MAPS(hists, HIST_TASK_MAX_KEYS, __u64);

static __always_inline __u64 hist_key(struct request *rq, const struct bio_start *s)
{
	if (bio_by == BIO_BY_DISK)
		return bio_rq_dev(rq);
	if (bio_by == BIO_BY_FLAGS)
		return bio_rq_flags(rq);
	if (bio_by == BIO_BY_CGROUP)
		return s->cgroup_id;
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(handle_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	struct bio_start s;
	__u64 key;

	if (!bio_complete(ctx, &s))
		return 0;
	key = hist_key(rq, &s);
	hist_record(&hists, &hists_a, &key,
		    bpf_ktime_get_ns() - (queued && s.insert_ns ? s.insert_ns : s.issue_ns));
	return 0;
}
