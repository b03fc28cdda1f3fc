// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* biosnoop: each block I/O request (bpf/lib/bio.bpf.h), sent at its
 * completion with the task that submitted it, its disk, kind, sector and
 * size, and the times it spent queued and in service. Hooks: the
 * BTF-typed block_rq_insert, block_rq_issue and block_rq_complete
 * tracepoints. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/biosnoop.h"
#include "bpf/lib/bio.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u64 min_ns = 0; /* --min-us */
const volatile __u8 queued = 0;	 /* -Q: --min-us counts the time queued too */

SEC("tp_btf/block_rq_complete")
int BPF_PROG(handle_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	struct biosnoop_event *e;
	struct bio_start s;
	__u64 now = bpf_ktime_get_ns(), queue, service;

	if (!bio_complete(ctx, &s))
		return 0;
	service = now - s.issue_ns;
	queue = s.insert_ns ? s.issue_ns - s.insert_ns : 0;
	if (service + (queued ? queue : 0) < min_ns)
		return 0;
	e = sonde_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->h.ts_ns = now;
	e->h.cgroup_id = s.cgroup_id;
	e->h.pid = s.pid;
	e->h.tid = s.tid;
	e->h.uid = 0;
	e->h.pad = 0;
	__builtin_memcpy(e->h.comm, s.comm, sizeof(e->h.comm));
	e->sector = BPF_CORE_READ(rq, __sector);
	e->queue_ns = queue;
	e->service_ns = service;
	e->bytes = nr_bytes;
	e->dev = bio_rq_dev(rq);
	e->flags = bio_rq_flags(rq);
	e->error = error;
	sonde_submit(ctx, e);
	return 0;
}
