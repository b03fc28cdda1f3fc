/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The "events" ring buffer and the per-CPU counters of what went unreported
 * that user space (lib/evloop.c) reads; every failed reserve or output is
 * counted. Their names are common/stream.h's, as are the counters' slots and
 * the header every event starts with.
 *
 * Events are sent without waking the reader, which reads the buffer every
 * EVLOOP_POLL_MS anyway, until a quarter of the buffer waits unread: a
 * wakeup is an irq_work, which costs more than the rest of an event (on a
 * virtual machine, 16.5 us against 1.3 us per execsnoop event). */
#ifndef SONDE_BPF_LIB_STREAM_BPF_H
#define SONDE_BPF_LIB_STREAM_BPF_H

#include "common/stream.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SONDE_RINGBUF_DEFAULT);
} STREAM_EVENTS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STREAM_NCOUNTS);
	__type(key, __u32);
	__type(value, __u64);
} STREAM_COUNTS SEC(".maps");

/* Unread bytes from which every event wakes the reader (a quarter of the
 * buffer; lib/loader.c sets it with --buffer). */
const volatile __u64 STREAM_WAKEUP_BYTES = SONDE_RINGBUF_DEFAULT / 4;

static __always_inline __u64 sonde_wakeup(void)
{
	return bpf_ringbuf_query(&STREAM_EVENTS, BPF_RB_AVAIL_DATA) >= STREAM_WAKEUP_BYTES
		   ? BPF_RB_FORCE_WAKEUP
		   : BPF_RB_NO_WAKEUP;
}

static __always_inline void sonde_count(enum stream_count what)
{
	__u32 key = what;
	__u64 *n = bpf_map_lookup_elem(&STREAM_COUNTS, &key);

	if (n)
		*n += 1;
}

static __always_inline void sonde_count_lost(void)
{
	sonde_count(STREAM_LOST);
}

static __always_inline void *sonde_reserve(__u64 size)
{
	void *e = bpf_ringbuf_reserve(&STREAM_EVENTS, size, 0);

	if (!e)
		sonde_count_lost();
	return e;
}

/* Sends an event from sonde_reserve(). */
static __always_inline void sonde_submit(void *e)
{
	bpf_ringbuf_submit(e, sonde_wakeup());
}

static __always_inline void sonde_output(void *data, __u64 size)
{
	if (bpf_ringbuf_output(&STREAM_EVENTS, data, size, sonde_wakeup()))
		sonde_count_lost();
}

/* Whether stream_hdr_current() reads the task's UID: only tools that report
 * one pay for the call. */
enum stream_uid { STREAM_NO_UID, STREAM_UID };

/* The header of an event about the current task. pid_tgid is
 * bpf_get_current_pid_tgid(), which most callers have already read. */
static __always_inline void stream_hdr_current(struct stream_hdr *h, __u64 pid_tgid,
					       const enum stream_uid uid)
{
	h->ts_ns = bpf_ktime_get_ns();
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->pid = pid_tgid >> 32;
	h->tid = (__u32)pid_tgid;
	h->uid = uid == STREAM_UID ? (__u32)bpf_get_current_uid_gid() : 0;
	h->pad = 0;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

#endif
