/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* In-kernel counting (the --count modes): a hash map whose values begin with
 * a 64-bit counter. */
#ifndef SONDE_BPF_LIB_NET_COUNT_BPF_H
#define SONDE_BPF_LIB_NET_COUNT_BPF_H

/* A map of counters: key_type -> value_type, whose first member is the
 * __u64 counter. */
#define NET_COUNTS(name, key_type, value_type, max)                                                \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_HASH);                                                   \
		__uint(max_entries, max);                                                          \
		__type(key, key_type);                                                             \
		__type(value, value_type);                                                         \
	} name SEC(".maps")

/* Adds one to map[key]'s counter. A new entry is *init, whose counter the
 * caller set to 1. Returns false when the map is full (the event is not
 * counted). */
static __always_inline bool net_count(void *map, const void *key, const void *init)
{
	__u64 *c = bpf_map_lookup_elem(map, key);

	if (c) {
		__sync_fetch_and_add(c, 1);
		return true;
	}
	if (!bpf_map_update_elem(map, key, init, BPF_NOEXIST))
		return true;
	/* Another CPU added it first (or the map is full). */
	c = bpf_map_lookup_elem(map, key);
	if (!c)
		return false;
	__sync_fetch_and_add(c, 1);
	return true;
}

#endif
