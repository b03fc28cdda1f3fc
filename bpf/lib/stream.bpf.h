/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The "events" buffer and the per-CPU counters of what went unreported
 * that user space (lib/evloop.c) reads; every failed reserve or output is
 * counted. Their names are common/stream.h's, as are the counters' slots and
 * the header every event starts with.
 *
 * "events" is a BPF ring buffer, or, where the kernel has none or the user
 * asks for it (SONDE_OUTPUT=perfbuf), a per-CPU perf event array: user space
 * changes the map's type before load and sets STREAM_PERFBUF, and the
 * verifier sees only the branch of the transport in use. A tool's code is
 * the same for both: sonde_reserve() and sonde_submit(), or sonde_output().
 * The perf buffer has no reserve: an event is built in a per-CPU room of
 * STREAM_SCRATCH and copied out.
 *
 * Events are sent without waking the reader, which reads the buffer every
 * EVLOOP_POLL_MS anyway, until a quarter of the buffer waits unread: a
 * wakeup is an irq_work, which costs more than the rest of an event (on a
 * virtual machine, 16.5 us against 1.3 us per execsnoop event). The perf
 * buffer's events are opened with the same watermark (lib/perfread.c).
 * With --line-buffered (STREAM_WAKE_IDLE), an event wakes the reader when
 * it has read all there was and waits (the ring buffer's own rule): shown
 * at once on a quiet system, and no wakeup while the reader is busy. */
#ifndef SONDE_BPF_LIB_STREAM_BPF_H
#define SONDE_BPF_LIB_STREAM_BPF_H

#include "common/stream.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SONDE_RINGBUF_DEFAULT);
} STREAM_EVENTS SEC(".maps");

/* Rooms of STREAM_SCRATCH_SIZE bytes, one per level of nesting, and their
 * sizes: the room at `depth - 1` is the innermost program's. A program that
 * interrupts another between its reserve and its submit finishes before the
 * other goes on, so the rooms are used last in, first out. */
struct stream_scratch {
	__u32 depth;
	__u32 size[STREAM_SCRATCH_DEPTH];
	__u32 pad;
	__u8 room[STREAM_SCRATCH_DEPTH][STREAM_SCRATCH_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stream_scratch);
} STREAM_SCRATCH SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STREAM_NCOUNTS);
	__type(key, __u32);
	__type(value, __u64);
} STREAM_COUNTS SEC(".maps");

/* Unread bytes from which every event wakes the reader (a quarter of the
 * buffer; lib/loader.c sets it with --buffer). */
const volatile __u64 STREAM_WAKEUP_BYTES = SONDE_RINGBUF_DEFAULT / 4;
/* STREAM_EVENTS is a perf event array (lib/loader.c). */
const volatile bool STREAM_PERFBUF = false;
/* --line-buffered: wake a reader that waits, at every event. */
const volatile bool STREAM_WAKE_IDLE = false;

static __always_inline __u64 sonde_wakeup(void)
{
	/* 0: the ring buffer wakes the reader when its consumer position is
	 * this event's, that is, when it has read everything before. */
	if (STREAM_WAKE_IDLE)
		return 0;
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

static __always_inline struct stream_scratch *stream_scratch(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&STREAM_SCRATCH, &key);
}

static __always_inline void *scratch_reserve(__u32 size)
{
	struct stream_scratch *s = stream_scratch();
	__u32 d;

	if (!s || s->depth >= STREAM_SCRATCH_DEPTH)
		return NULL;
	d = s->depth++ & (STREAM_SCRATCH_DEPTH - 1);
	s->size[d] = size;
	return s->room[d];
}

static __always_inline void scratch_submit(void *ctx)
{
	struct stream_scratch *s = stream_scratch();
	__u32 d, size;

	if (!s || !s->depth)
		return;
	d = (s->depth - 1) & (STREAM_SCRATCH_DEPTH - 1);
	size = s->size[d];
	if (size > STREAM_SCRATCH_SIZE ||
	    bpf_perf_event_output(ctx, &STREAM_EVENTS, BPF_F_CURRENT_CPU, s->room[d], size))
		sonde_count_lost();
	s->depth--;
}

/* Room for an event of SIZE bytes (at most STREAM_SCRATCH_SIZE), to send
 * with sonde_submit(), or NULL: counted as lost. */
#define sonde_reserve(size)                                                                        \
	({                                                                                         \
		_Static_assert((size) <= STREAM_SCRATCH_SIZE, "an event too large to reserve");    \
		sonde_reserve_(size);                                                              \
	})

static __always_inline void *sonde_reserve_(__u32 size)
{
	void *e =
	    STREAM_PERFBUF ? scratch_reserve(size) : bpf_ringbuf_reserve(&STREAM_EVENTS, size, 0);

	if (!e)
		sonde_count_lost();
	return e;
}

/* Sends the event from sonde_reserve(); ctx: the program's. */
static __always_inline void sonde_submit(void *ctx, void *e)
{
	if (STREAM_PERFBUF)
		scratch_submit(ctx);
	else
		bpf_ringbuf_submit(e, sonde_wakeup());
}

/* Sends SIZE bytes at DATA as one event; ctx: the program's. */
static __always_inline void sonde_output(void *ctx, void *data, __u64 size)
{
	long err = STREAM_PERFBUF
		       ? bpf_perf_event_output(ctx, &STREAM_EVENTS, BPF_F_CURRENT_CPU, data, size)
		       : bpf_ringbuf_output(&STREAM_EVENTS, data, size, sonde_wakeup());

	if (err)
		sonde_count_lost();
}

/* sonde_output(), waking the reader at once: a record it must act on while
 * what the record names still lives (the stack tools' new processes, whose
 * maps it reads). 0, or the helper's error (counted as lost). */
static __always_inline long sonde_output_now(void *ctx, void *data, __u64 size)
{
	long err = STREAM_PERFBUF
		       ? bpf_perf_event_output(ctx, &STREAM_EVENTS, BPF_F_CURRENT_CPU, data, size)
		       : bpf_ringbuf_output(&STREAM_EVENTS, data, size, BPF_RB_FORCE_WAKEUP);

	if (err)
		sonde_count_lost();
	return err;
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
