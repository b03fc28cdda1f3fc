/* The "events" ring buffer and the per-CPU "lost_events" counter that user
 * space (lib/evloop.c) reads; every failed reserve or output is counted. */
#ifndef SONDE_EVENTS_BPF_H
#define SONDE_EVENTS_BPF_H

#include "defs.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SONDE_RINGBUF_DEFAULT);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost_events SEC(".maps");

static __always_inline void sonde_count_lost(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&lost_events, &zero);

	if (n)
		*n += 1;
}

static __always_inline void *sonde_reserve(__u64 size)
{
	void *e = bpf_ringbuf_reserve(&events, size, 0);

	if (!e)
		sonde_count_lost();
	return e;
}

static __always_inline void sonde_output(void *data, __u64 size)
{
	if (bpf_ringbuf_output(&events, data, size, 0))
		sonde_count_lost();
}

#endif
