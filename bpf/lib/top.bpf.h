/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Top tools (biotop, filetop): reads and writes counted per key in a
 * per-CPU hash, double-buffered (bpf/lib/dbuf.bpf.h) so that user space
 * reads and clears a quiet map each interval. A key the full map cannot hold
 * is counted as lost, which the tool says on stderr.
 *
 * Include after vmlinux.h and the bpf_*.h headers, with TOP_KEY and
 * TOP_MAX_KEYS defined. */
#ifndef SONDE_BPF_LIB_TOP_BPF_H
#define SONDE_BPF_LIB_TOP_BPF_H

#include "common/top.h"
#include "bpf/lib/dbuf.bpf.h"
#include "bpf/lib/stream.bpf.h"

/* The counting maps of a top tool, top_counts (the slot), top_counts_a and
 * top_counts_b, which lib/top.c finds by these names: per-CPU hashes of
 * TOP_MAX_KEYS keys of type TOP_KEY, which the tool defines before it
 * includes this. */
DBUF_MAPS(top_counts, BPF_MAP_TYPE_PERCPU_HASH, BPF_F_NO_PREALLOC, TOP_MAX_KEYS, TOP_KEY,
	  struct top_val);

/* add into key's counters of map; true when the key is new there (the tool
 * may then note what the key names). */
static __always_inline bool top_add_in(void *map, const void *key, const struct top_val *add)
{
	struct top_val *v = bpf_map_lookup_elem(map, key);

	if (!v) {
		/* Inserting sets this CPU's copy and zeroes the others'; a
		 * failure is another CPU's insert, or a full map. */
		if (!bpf_map_update_elem(map, key, add, BPF_NOEXIST))
			return true;
		v = bpf_map_lookup_elem(map, key);
		if (!v) {
			sonde_count_lost();
			return false;
		}
	}
	v->reads += add->reads;
	v->writes += add->writes;
	v->read_bytes += add->read_bytes;
	v->write_bytes += add->write_bytes;
	v->ns += add->ns;
	return false;
}

/* add into this interval's map: the slot's, or top_counts_a while the
 * slot is empty, each through a call site of its own (dbuf_current()). */
static __always_inline bool top_add(const void *key, const struct top_val *add)
{
	void *map = dbuf_current(&top_counts);
	bool fresh;

	if (map)
		return top_add_in(map, key, add);
	fresh = top_add_in(&top_counts_a, key, add);
	asm volatile("" ::: "memory");
	return fresh;
}

#endif
