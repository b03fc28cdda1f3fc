// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* biolatency: block I/O latency, from a request's issue to the driver (or,
 * with -Q, its insertion into the queue) to its completion, counted in
 * log-linear histograms per CPU: one for the system, or one per disk, per
 * kind of request or per cgroup (common/biolatency.h). Hooks: the BTF-typed
 * block_rq_insert, block_rq_issue and block_rq_complete tracepoints.
 *
 * A request's start is kept in a hash keyed by the struct request: the
 * hooks run in whatever task or interrupt submits or completes it, so it
 * has no owner's storage to live in. A start the full hash cannot hold is
 * counted as lost, and said on stderr. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/biolatency.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/hist.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 bio_by = BIO_BY_ALL;
const volatile __u8 queued = 0;	   /* -Q */
const volatile __u32 disk_dev = 0; /* --disk: only this disk (BIO_DEV); 0: every one */

HIST_MAPS(hists, HIST_TASK_MAX_KEYS, __u64);

struct start {
	__u64 ns;
	__u64 cgroup_id; /* of the task that started the request */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIO_MAX_INFLIGHT);
	__type(key, __u64);
	__type(value, struct start);
} starts SEC(".maps");

static __always_inline __u32 rq_dev(struct request *rq)
{
	struct gendisk *disk = BPF_CORE_READ(rq, q, disk);

	if (!disk)
		return 0;
	return BIO_DEV(BPF_CORE_READ(disk, major), BPF_CORE_READ(disk, first_minor));
}

/* The kernel's flag bit `bit` of enum req_flag_bits, as this kernel numbers
 * it, as sonde's `mine`. */
#define BIO_FLAG(f, bit, mine)                                                                     \
	(((f) >> bpf_core_enum_value(enum req_flag_bits, bit)) & 1 ? (mine) : 0)

static __always_inline __u32 rq_flags(struct request *rq)
{
	__u32 f = BPF_CORE_READ(rq, cmd_flags);

	return (f & BIO_OP_MASK) | BIO_FLAG(f, __REQ_SYNC, BIO_F_SYNC) |
	       BIO_FLAG(f, __REQ_META, BIO_F_META) | BIO_FLAG(f, __REQ_FUA, BIO_F_FUA) |
	       BIO_FLAG(f, __REQ_PREFLUSH, BIO_F_PREFLUSH) |
	       BIO_FLAG(f, __REQ_RAHEAD, BIO_F_RAHEAD);
}

/* rq starts now; again: even if it had started (issued again after a
 * requeue, or issued after its insertion without -Q). */
static __always_inline void rq_start(struct request *rq, bool again)
{
	__u64 key = (__u64)rq;
	struct start s;

	if ((disk_dev && rq_dev(rq) != disk_dev) || !sonde_filter_pass())
		return;
	if (!again && bpf_map_lookup_elem(&starts, &key))
		return;
	s.ns = bpf_ktime_get_ns();
	s.cgroup_id = bpf_get_current_cgroup_id();
	if (bpf_map_update_elem(&starts, &key, &s, BPF_ANY))
		sonde_count_lost();
}

static __always_inline __u64 hist_key(struct request *rq, const struct start *s)
{
	if (bio_by == BIO_BY_DISK)
		return rq_dev(rq);
	if (bio_by == BIO_BY_FLAGS)
		return rq_flags(rq);
	if (bio_by == BIO_BY_CGROUP)
		return s->cgroup_id;
	return 0;
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(handle_insert, struct request *rq)
{
	if (queued)
		rq_start(rq, false);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(handle_issue, struct request *rq)
{
	/* With -Q a request inserted keeps its insertion time; one issued
	 * directly, never inserted, starts here. */
	rq_start(rq, !queued);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(handle_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	__u64 rkey = (__u64)rq, key, ns;
	struct start *s = bpf_map_lookup_elem(&starts, &rkey);

	if (!s)
		return 0;
	ns = bpf_ktime_get_ns() - s->ns;
	key = hist_key(rq, s);
	bpf_map_delete_elem(&starts, &rkey);
	hist_record(&hists, &hists_a, &key, ns);
	return 0;
}
