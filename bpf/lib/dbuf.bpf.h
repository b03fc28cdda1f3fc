/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Double-buffered per-CPU maps, the kernel side of lib/dbuf.h: the
 * programs write into the map that a one-slot ARRAY_OF_MAPS points to, and
 * user space points the slot at the other map each interval before it reads
 * and clears the quiet one. No update is lost between the read and the
 * clear, none lands in two intervals, and the programs need no atomics. */
#ifndef SONDE_BPF_LIB_DBUF_BPF_H
#define SONDE_BPF_LIB_DBUF_BPF_H

/* The maps `name`_a and `name`_b (map_type, key_type -> value_type), and
 * `name`, the ARRAY_OF_MAPS whose one slot says which of them the programs
 * write into. The slot is empty at load, which means `name`_a: filling it
 * is an RCU grace period in the kernel (12-15 ms here, at every start), so
 * the first one is waited for at the first interval, not at start. */
#define DBUF_MAPS(name, map_type, flags, max, key_type, value_type)                                \
	struct name {                                                                              \
		__uint(type, map_type);                                                            \
		__uint(map_flags, flags);                                                          \
		__uint(max_entries, max);                                                          \
		__type(key, key_type);                                                             \
		__type(value, value_type);                                                         \
	} name##_a SEC(".maps"), name##_b SEC(".maps");                                            \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);                                          \
		__uint(max_entries, 1);                                                            \
		__type(key, __u32);                                                                \
		__array(values, struct name);                                                      \
	} name SEC(".maps")

/* The map of this interval: the one in outer's slot, or NULL while the slot
 * is empty (then `name`_a). Callers write through two call sites, one per
 * case, so that the verifier sees one map at each and inlines the lookups
 * (35 ns per run here against helper calls shared by both maps); an empty
 * asm between them keeps the compiler from merging the two back. */
static __always_inline void *dbuf_current(void *outer)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(outer, &zero);
}

#endif
