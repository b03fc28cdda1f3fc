/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Histograms counted per CPU in the kernel, by a key of the tool's
 * (common/hist.h has the buckets, lib/hist.h reads and writes them): a
 * double-buffered per-CPU hash of struct hist (bpf/lib/dbuf.bpf.h). */
#ifndef SONDE_BPF_LIB_HIST_BPF_H
#define SONDE_BPF_LIB_HIST_BPF_H

#include "common/hist.h"
#include "bpf/lib/dbuf.bpf.h"
#include "bpf/lib/stream.bpf.h"

/* The histograms of a tool by key_type, at most max keys per interval. */
#define HIST_MAPS(name, max, key_type)                                                             \
	DBUF_MAPS(name, BPF_MAP_TYPE_PERCPU_HASH, BPF_F_NO_PREALLOC, max, key_type, struct hist)

/* Nanoseconds per unit of the buckets (1000: us; -m: 1000000). */
const volatile __u64 hist_unit_ns = 1000;

/* A new key's histogram starts as this zeroed one: a struct hist is too
 * big for the BPF stack. Never written. Its value is declared as an array
 * of one, whose element type the compiler must write out whole: clang 14
 * writes struct hist as a forward declaration only in an object whose one
 * program inlines hist_record() once (runqlen's), and libbpf then cannot
 * size the values of the histograms' maps. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hist[1]);
} hist_zero SEC(".maps");

static __always_inline void hist_put(struct hist *h, __u64 ns)
{
	__u64 v = hist_unit_ns ? ns / hist_unit_ns : ns;
	__u32 slot = hist_slot(v);

	h->count++;
	h->sum += ns;
	if (v > h->max)
		h->max = v;
	if (slot < HIST_SLOTS)
		h->slots[slot]++;
}

/* Counts ns for key in map; a key the full map has no room for is counted
 * as lost (lib/evloop.c says so on stderr). True when this call made the
 * key (its first value in this interval). */
static __always_inline bool hist_record_in(void *map, const void *key, __u64 ns)
{
	__u32 zero = 0;
	struct hist *h = bpf_map_lookup_elem(map, key);
	const struct hist *z;
	bool made = false;

	if (!h) {
		z = bpf_map_lookup_elem(&hist_zero, &zero);
		/* Inserting sets this CPU's copy and zeroes the others'; an
		 * insert that fails because another CPU made the key is fine. */
		if (z)
			made = !bpf_map_update_elem(map, key, z, BPF_NOEXIST);
		h = bpf_map_lookup_elem(map, key);
		if (!h) {
			sonde_count_lost();
			return false;
		}
	}
	hist_put(h, ns);
	return made;
}

/* Counts ns for key in this interval's map of outer (first while outer's
 * slot is empty). True when key is new in this interval. */
static __always_inline bool hist_record(void *outer, void *first, const void *key, __u64 ns)
{
	void *map = dbuf_current(outer);
	bool made;

	if (map)
		return hist_record_in(map, key, ns);
	made = hist_record_in(first, key, ns);
	asm volatile("" ::: "memory");
	return made;
}

#endif
