/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Block I/O requests from their start to their completion (biolatency,
 * biosnoop, biotop, bitesize): the BTF-typed block_rq_insert,
 * block_rq_issue and block_rq_complete tracepoints, a request's times and
 * the task that submitted it kept in a table of BIO_SLOTS slots, in the
 * one of the two slots the struct request's address hashes to: no hash
 * map's lock, allocation or delete on the path of every request. The hooks run in
 * whatever task or interrupt inserts, issues or completes a request, so it
 * has no owner whose storage could hold them. A request that starts while
 * two others in flight hold its slots takes the first; that one's
 * completion is then not seen, and counted as lost (said on stderr). The insert and issue
 * programs are here; a tool adds its block_rq_complete program, which
 * takes the request's start with bio_complete(). */
#ifndef SONDE_BPF_LIB_BIO_BPF_H
#define SONDE_BPF_LIB_BIO_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/bio.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"

/* Whether a start keeps its task's IDs and name (pid, tid, comm): a tool
 * that shows none of them (biolatency) defines BIO_TASK 0 before it
 * includes this file, and spares each request two helper calls. */
#ifndef BIO_TASK
#define BIO_TASK 1
#endif

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

/* A slot: the request that holds it (its address; 0: none) and its start. */
struct bio_slot {
	__u64 rq;
	struct bio_start s;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BIO_SLOTS);
	__type(key, __u32);
	__type(value, struct bio_slot);
} bio_slots SEC(".maps");

/* The address of the request, the tracepoint's first argument (ctx[0]),
 * as a number: the verifier lets no arithmetic touch a pointer. */
static __always_inline __u64 bio_rq_key(unsigned long long *ctx)
{
	__u64 key = 0;

	bpf_probe_read_kernel(&key, sizeof(key), ctx);
	return key;
}

/* The slot that holds the request at address key, or (take) the one it
 * may take. Its hash (the top bits of a Fibonacci hash, which spreads the
 * requests of a tag set, one array a fixed size apart, over the table)
 * names two neighbouring slots: the one holding it, else a free one, else
 * the first, whose request then goes unseen. NULL: none. */
static __always_inline struct bio_slot *bio_slot_find(__u64 key, bool take)
{
	__u32 i = (key * 0x9E3779B97F4A7C15ULL) >> (64 - BIO_SLOT_BITS), j = i ^ 1;
	struct bio_slot *a = bpf_map_lookup_elem(&bio_slots, &i);
	struct bio_slot *b = bpf_map_lookup_elem(&bio_slots, &j);

	if (!a || !b)
		return NULL;
	if (a->rq == key)
		return a;
	if (b->rq == key)
		return b;
	if (!take)
		return NULL;
	return a->rq && !b->rq ? b : a;
}

/* rq's disk as BIO_DEV; rq is a BTF pointer (a tp_btf program's
 * argument): plain loads, no helper calls. */
static __always_inline __u32 bio_rq_dev(struct request *rq)
{
	struct gendisk *disk = rq->q->disk;

	if (!disk)
		return 0;
	return BIO_DEV(disk->major, disk->first_minor);
}

/* The kernel's flag bit `bit` of enum req_flag_bits, as this kernel numbers
 * it, as sonde's `mine`. */
#define BIO_FLAG(f, bit, mine)                                                                     \
	(((f) >> bpf_core_enum_value(enum req_flag_bits, bit)) & 1 ? (mine) : 0)

static __always_inline __u32 bio_rq_flags(struct request *rq)
{
	__u32 f = rq->cmd_flags;

	return (f & BIO_OP_MASK) | BIO_FLAG(f, __REQ_SYNC, BIO_F_SYNC) |
	       BIO_FLAG(f, __REQ_META, BIO_F_META) | BIO_FLAG(f, __REQ_FUA, BIO_F_FUA) |
	       BIO_FLAG(f, __REQ_PREFLUSH, BIO_F_PREFLUSH) |
	       BIO_FLAG(f, __REQ_RAHEAD, BIO_F_RAHEAD);
}

/* A new start of rq, by the current task, in its slot. */
static __always_inline void bio_start_new(struct request *rq, struct bio_slot *slot, __u64 key,
					  bool inserted)
{
	__u64 now = bpf_ktime_get_ns(), pid_tgid;
	struct bio_start *s = &slot->s;

	if (bio_disk_dev && bio_rq_dev(rq) != bio_disk_dev)
		return;
	if (slot->rq && slot->rq != key)
		sonde_count_lost(); /* another request in flight: its end goes unseen */
	slot->rq = 0;
	s->skip = !sonde_filter_pass();
	s->insert_ns = inserted ? now : 0;
	s->issue_ns = inserted ? 0 : now;
	s->cgroup_id = bpf_get_current_cgroup_id();
	if (BIO_TASK) {
		pid_tgid = bpf_get_current_pid_tgid();
		s->pid = pid_tgid >> 32;
		s->tid = (__u32)pid_tgid;
		bpf_get_current_comm(&s->comm, sizeof(s->comm));
	}
	/* The slot is the request's once its start is whole. */
	asm volatile("" ::: "memory");
	slot->rq = key;
}

/* rq goes into a queue; inserted again after a requeue, it starts again. */
SEC("tp_btf/block_rq_insert")
int BPF_PROG(handle_insert, struct request *rq)
{
	__u64 key = bio_rq_key(ctx);
	struct bio_slot *slot = bio_slot_find(key, true);

	if (slot)
		bio_start_new(rq, slot, key, true);
	return 0;
}

/* rq goes to the driver (again, after a requeue). */
SEC("tp_btf/block_rq_issue")
int BPF_PROG(handle_issue, struct request *rq)
{
	__u64 key = bio_rq_key(ctx);
	struct bio_slot *slot = bio_slot_find(key, true);

	if (!slot)
		return 0;
	if (slot->rq == key)
		slot->s.issue_ns = bpf_ktime_get_ns();
	else
		bio_start_new(rq, slot, key, false);
	return 0;
}

/* block_rq_complete (ctx: its arguments): the request's start, copied into
 * s and forgotten; false when it was not followed (started before the
 * tool, filtered out, not issued, or its slot taken by another request
 * since). */
static __always_inline bool bio_complete(unsigned long long *ctx, struct bio_start *s)
{
	__u64 key = bio_rq_key(ctx);
	struct bio_slot *slot = bio_slot_find(key, false);

	if (!slot)
		return false;
	__builtin_memcpy(s, &slot->s, sizeof(*s));
	slot->rq = 0;
	return !s->skip && s->issue_ns;
}

#endif
