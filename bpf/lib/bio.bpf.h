/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Block I/O requests from their start to their completion (biolatency,
 * biosnoop): the BTF-typed block_rq_insert, block_rq_issue and
 * block_rq_complete tracepoints, a request's times and the task that
 * submitted it kept in a hash keyed by the struct request. The hooks run in
 * whatever task or interrupt inserts, issues or completes a request, so it
 * has no owner whose storage could hold them. A request the full hash
 * cannot hold is counted as lost, and said on stderr. The insert and issue
 * programs are here; a tool adds its block_rq_complete program, which
 * takes the request's start with bio_complete(). */
#ifndef SONDE_BPF_LIB_BIO_BPF_H
#define SONDE_BPF_LIB_BIO_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/bio.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"

/* --disk: only this disk (BIO_DEV); 0: every one. */
const volatile __u32 bio_disk_dev = 0;

/* A request followed: inserted at insert_ns (0: issued without being
 * inserted, or inserted before the tool), issued at issue_ns (0: not yet),
 * submitted by the task running at the first of the two. */
struct bio_start {
	__u64 insert_ns;
	__u64 issue_ns;
	__u64 cgroup_id;
	__u32 pid;
	__u32 tid;
	char comm[TASK_COMM_LEN];
	__u32 skip; /* filtered out (-p, -c): kept so that its issue is not taken for a start */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIO_MAX_INFLIGHT);
	__type(key, __u64);
	__type(value, struct bio_start);
} bio_starts SEC(".maps");

static __always_inline __u32 bio_rq_dev(struct request *rq)
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

static __always_inline __u32 bio_rq_flags(struct request *rq)
{
	__u32 f = BPF_CORE_READ(rq, cmd_flags);

	return (f & BIO_OP_MASK) | BIO_FLAG(f, __REQ_SYNC, BIO_F_SYNC) |
	       BIO_FLAG(f, __REQ_META, BIO_F_META) | BIO_FLAG(f, __REQ_FUA, BIO_F_FUA) |
	       BIO_FLAG(f, __REQ_PREFLUSH, BIO_F_PREFLUSH) |
	       BIO_FLAG(f, __REQ_RAHEAD, BIO_F_RAHEAD);
}

/* A new start of rq, by the current task. */
static __always_inline void bio_start_new(struct request *rq, __u64 key, bool inserted)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct bio_start s = {};

	if (bio_disk_dev && bio_rq_dev(rq) != bio_disk_dev)
		return;
	s.skip = !sonde_filter_pass();
	if (inserted)
		s.insert_ns = now;
	else
		s.issue_ns = now;
	s.cgroup_id = bpf_get_current_cgroup_id();
	s.pid = pid_tgid >> 32;
	s.tid = (__u32)pid_tgid;
	bpf_get_current_comm(&s.comm, sizeof(s.comm));
	if (bpf_map_update_elem(&bio_starts, &key, &s, BPF_ANY))
		sonde_count_lost();
}

/* rq goes into a queue; inserted again after a requeue, it starts again. */
SEC("tp_btf/block_rq_insert")
int BPF_PROG(handle_insert, struct request *rq)
{
	bio_start_new(rq, (__u64)rq, true);
	return 0;
}

/* rq goes to the driver (again, after a requeue). */
SEC("tp_btf/block_rq_issue")
int BPF_PROG(handle_issue, struct request *rq)
{
	__u64 key = (__u64)rq;
	struct bio_start *s = bpf_map_lookup_elem(&bio_starts, &key);

	if (s)
		s->issue_ns = bpf_ktime_get_ns();
	else
		bio_start_new(rq, key, false);
	return 0;
}

/* block_rq_complete: rq's start, copied into s and forgotten; false when
 * rq was not followed (started before the tool, filtered out, not issued). */
static __always_inline bool bio_complete(struct request *rq, struct bio_start *s)
{
	__u64 key = (__u64)rq;
	struct bio_start *p = bpf_map_lookup_elem(&bio_starts, &key);

	if (!p)
		return false;
	__builtin_memcpy(s, p, sizeof(*s));
	bpf_map_delete_elem(&bio_starts, &key);
	return !s->skip && s->issue_ns;
}

#endif
