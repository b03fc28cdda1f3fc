/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Syscall tracing helpers: what a syscall's entry learns (its arguments) is
 * kept per thread until its exit reports the result (and hooks inside the
 * call find it), and user strings are read with truncation made visible.
 *
 * Include after bpf/lib/stream.bpf.h. */
#ifndef SONDE_BPF_LIB_SYSCALL_BPF_H
#define SONDE_BPF_LIB_SYSCALL_BPF_H

#include <bpf/bpf_core_read.h>
#include "bpf/lib/stream.bpf.h"

/* What a syscall's entry keeps for its exit, per thread, in task storage:
 * a map of fixed size would fill with the entries of threads that never
 * return (blocked for ever in a call, on a FUSE file system a user
 * mounted), and the calls of everyone else would then go unseen; task
 * storage has no size to fill and goes with its thread. It is not deleted
 * at exit (making it again costs about 2 us): an entry arms it, its exit
 * disarms it.
 * For values read from the caller's memory, which another thread can
 * rewrite while the call runs: the exit reports what the memory held at
 * entry. The value starts with a struct entry_arm. */
#define SONDE_ENTRY_STORE(name, value_type)                                                        \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_TASK_STORAGE);                                           \
		__uint(map_flags, BPF_F_NO_PREALLOC);                                              \
		__type(key, int);                                                                  \
		__type(value, value_type);                                                         \
	} name SEC(".maps")

/* Whether an entry waits for its exit, and which syscall's: an exit whose
 * entry was not seen (a call in flight when the tool started) finds none. */
struct entry_arm {
	__u32 nr1; /* the syscall's number + 1; 0: none */
	__u32 pad;
};

/* The current thread's value, to fill at entry and then arm with
 * entry_store_arm(); NULL when task storage has no room, counted as a lost
 * event (the call will not be reported). Include after stream.bpf.h. */
static __always_inline void *entry_store_get(void *map)
{
	void *v = bpf_task_storage_get(map, bpf_get_current_task_btf(), 0,
				       BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!v)
		sonde_count_lost();
	return v;
}

static __always_inline void entry_store_arm(struct entry_arm *a, long nr)
{
	a->nr1 = nr + 1;
}

/* At exit: the value the entry of syscall nr armed, now disarmed; NULL when
 * there is none. It stays the thread's until its next entry. */
static __always_inline void *entry_store_take(void *map, long nr)
{
	struct entry_arm *a = bpf_task_storage_get(map, bpf_get_current_task_btf(), 0, 0);

	if (!a || a->nr1 != (__u32)(nr + 1))
		return NULL;
	a->nr1 = 0;
	return a;
}

/* While a call is in flight (an entry armed it): the value, still armed;
 * else NULL. For hooks that run inside the call (killsnoop's signal). */
static __always_inline void *entry_store_peek(void *map)
{
	struct entry_arm *a = bpf_task_storage_get(map, bpf_get_current_task_btf(), 0, 0);

	return a && a->nr1 ? a : NULL;
}

/* The saved registers' syscall number, as x86 and arm64 keep it (CO-RE
 * picks the one this kernel has). */
struct pt_regs___sonde_x86 {
	long orig_ax;
} __attribute__((preserve_access_index));

struct pt_regs___sonde_arm64 {
	int syscallno;
} __attribute__((preserve_access_index));

/* The number of the system call whose saved registers regs are (what
 * raw_syscalls' sys_enter and sys_exit hand over): a plain load where regs
 * is a BTF pointer, a helper call where the verifier sees a number (raw:
 * bpf/lib/btfsrc.bpf.h). */
static __always_inline long sonde_regs_syscall(struct pt_regs *regs, bool raw)
{
	struct pt_regs___sonde_x86 *x86 = (void *)regs;
	struct pt_regs___sonde_arm64 *arm64 = (void *)regs;

	if (bpf_core_field_exists(x86->orig_ax))
		return raw ? BPF_CORE_READ(x86, orig_ax) : x86->orig_ax;
	return raw ? BPF_CORE_READ(arm64, syscallno) : arm64->syscallno;
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
