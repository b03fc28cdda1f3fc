/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Syscall tracing helpers: what a syscall's entry learns (its arguments) is
 * kept per thread until its exit reports the result, and user strings are
 * read with truncation made visible. */
#ifndef SONDE_BPF_LIB_SYSCALL_BPF_H
#define SONDE_BPF_LIB_SYSCALL_BPF_H

/* A per-thread map of values remembered from entry to exit. */
#define SONDE_STASH(name, value_type)                                                              \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_HASH);                                                   \
		__uint(max_entries, 10240);                                                        \
		__type(key, __u32);                                                                \
		__type(value, value_type);                                                         \
	} name SEC(".maps")

static __always_inline __u32 sonde_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

static __always_inline void stash_put(void *map, const void *val)
{
	__u32 tid = sonde_tid();

	bpf_map_update_elem(map, &tid, val, BPF_ANY);
}

/* The value stashed at entry, or NULL (the entry was filtered out, or the
 * tool started between entry and exit). Call stash_drop() once used. */
static __always_inline void *stash_get(void *map)
{
	__u32 tid = sonde_tid();

	return bpf_map_lookup_elem(map, &tid);
}

static __always_inline void stash_drop(void *map)
{
	__u32 tid = sonde_tid();

	bpf_map_delete_elem(map, &tid);
}

/* Reads a NUL-terminated user string into buf[size]; returns its length
 * with the NUL, or 0 on a fault. *cut is set when the string did not fit. */
static __always_inline __u32 sonde_read_user_str(char *buf, __u32 size, const void *src, __u8 *cut)
{
	long n = bpf_probe_read_user_str(buf, size, src);
	char last = 0;

	if (n <= 0) {
		buf[0] = '\0';
		return 0;
	}
	/* A full buffer is a cut string, unless its last byte was the NUL: a
	 * string of exactly size - 1 bytes fits. */
	if ((__u32)n == size && (bpf_probe_read_user(&last, 1, src + size - 1) || last))
		*cut = 1;
	return n;
}

#endif
