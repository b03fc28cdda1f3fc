/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Syscall tracing helpers: what a syscall's entry learns (its arguments) is
 * kept per thread until its exit reports the result, the syscall a thread is
 * in is known, and user strings are read with truncation made visible.
 *
 * Include after bpf/lib/stream.bpf.h. */
#ifndef SONDE_BPF_LIB_SYSCALL_BPF_H
#define SONDE_BPF_LIB_SYSCALL_BPF_H

#include "bpf/lib/stream.bpf.h"

/* Values remembered per thread from a syscall's entry to its exit, in the
 * thread's own storage: a map of fixed size would fill with the entries of
 * threads that never return (blocked for ever in a call, on a FUSE file
 * system a user mounted), and the calls of everyone else would then go
 * unseen. Task storage has no size to fill and goes away with its thread. */
#define SONDE_STASH(name, value_type)                                                              \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_TASK_STORAGE);                                           \
		__uint(map_flags, BPF_F_NO_PREALLOC);                                              \
		__type(key, int);                                                                  \
		__type(value, value_type);                                                         \
	} name SEC(".maps")

/* The current thread's value in map, made if need be, for the caller to
 * fill (a whole struct at once: `if (v) *v = val;`). NULL when it cannot be
 * made (no memory): the call will not be reported, and is counted lost. */
static __always_inline void *stash_new(void *map)
{
	void *v = bpf_task_storage_get(map, bpf_get_current_task_btf(), 0,
				       BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!v)
		sonde_count_lost();
	return v;
}

/* The value stashed at entry, or NULL (the entry was filtered out, or the
 * tool started between entry and exit). Call stash_drop() once used. */
static __always_inline void *stash_get(void *map)
{
	return bpf_task_storage_get(map, bpf_get_current_task_btf(), 0, 0);
}

static __always_inline void stash_drop(void *map)
{
	bpf_task_storage_delete(map, bpf_get_current_task_btf());
}

/* The saved registers' syscall number, as x86 and arm64 keep it (CO-RE
 * picks the one this kernel has). */
struct pt_regs___x86 {
	long orig_ax;
} __attribute__((preserve_access_index));

struct pt_regs___arm64 {
	int syscallno;
} __attribute__((preserve_access_index));

/* The number of the system call the current thread is in (as it entered
 * it); meaningless in a thread that never left the kernel (a kernel or
 * io_uring worker thread). */
static __always_inline long sonde_current_syscall(void)
{
	void *regs = (void *)bpf_task_pt_regs(bpf_get_current_task_btf());

	if (bpf_core_field_exists(((struct pt_regs___x86 *)regs)->orig_ax))
		return BPF_CORE_READ((struct pt_regs___x86 *)regs, orig_ax);
	return BPF_CORE_READ((struct pt_regs___arm64 *)regs, syscallno);
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
