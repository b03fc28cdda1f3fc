/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Stack capture for the stack tools (profile, offcputime): the stacks of
 * the current task, each stored once by a hash of its addresses, and the
 * samples (or time) added up per struct stack_key. common/stack.h has the
 * names and layouts; lib/stack.c reads it all when the run ends.
 *
 * Why not BPF_MAP_TYPE_STACK_TRACE (bpf_get_stackid): it is a table indexed
 * by the hash, one stack a bucket, so a new stack whose bucket is taken is
 * lost (-EEXIST): with 1,000 distinct stacks in 16,384 buckets, about one
 * new stack in 16 collides. Keyed by a 64-bit hash in a hash map, a stack
 * is lost only when the table is full, and that is counted. */
#ifndef SONDE_BPF_LIB_STACK_BPF_H
#define SONDE_BPF_LIB_STACK_BPF_H

#include "common/stack.h"
#include "bpf/lib/stream.bpf.h"

#ifndef EEXIST
#define EEXIST 17 /* the map helpers' -errno: vmlinux.h has no errno.h */
#endif

const volatile __u8 STACK_WANT_USER = 1;
const volatile __u8 STACK_WANT_KERNEL = 1;
const volatile __u8 STACK_BY_CGROUP = 0;
const volatile __u8 STACK_BY_THREAD = 0;
const volatile __u8 STACK_UNWIND = STACK_UNWIND_FP;

/* Preallocated: an element allocated at run time comes from a per-CPU
 * cache that the kernel refills after the program returns, and for an
 * element of this size it holds one, so a sample that stores its kernel and
 * its user stack found it empty at the second (measured: one stack missed
 * in every run). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STACK_MAX_STACKS);
	__type(key, __u64);
	__type(value, struct stack_ips);
} STACK_STORE SEC(".maps");

/* Preallocated too (1.8 MB): a perf_event program may use no other hash
 * map before Linux 6.1. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, STACK_MAX_KEYS);
	__type(key, struct stack_key);
	__type(value, __u64);
} STACK_TOTALS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, STACK_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct stack_proc);
} STACK_PROCS SEC(".maps");

/* Where a stack is taken before it is hashed (too big for the BPF stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stack_ips);
} stack_scratch SEC(".maps");

/* Where a sample whose user stack is copied is built. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stack_sample_rec);
} stack_sample_scratch SEC(".maps");

/* The last process image number given out. */
__u32 stack_gen_last;
/* The last error of a stack's store, said with -v. */
long STACK_STORE_ERR;

/* A 64-bit hash of the first n addresses; never 0 (0 means no stack). */
static __always_inline __u64 stack_hash(const struct stack_ips *s, __u32 n)
{
	__u64 h = 0x9e3779b97f4a7c15ULL ^ n;

	for (__u32 i = 0; i < STACK_MAX_DEPTH; i++) {
		if (i >= n)
			break;
		h ^= s->ip[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h ? h : 1;
}

/* Takes the current stack (flags: 0 for the kernel's, BPF_F_USER_STACK) and
 * stores it; returns its hash, or 0 when there is none (the kernel stack of
 * a sample taken in user mode, the user stack of a kernel thread). Sets
 * *missed when there was one that could not be stored. */
static __always_inline __u64 stack_take(void *ctx, __u64 flags, bool *missed)
{
	__u32 zero = 0;
	struct stack_ips *s = bpf_map_lookup_elem(&stack_scratch, &zero);
	long bytes;
	__u64 h;
	int err;

	if (!s)
		return 0;
	bytes = bpf_get_stack(ctx, s->ip, sizeof(s->ip), flags);
	if (bytes <= 0)
		return 0;
	h = stack_hash(s, bytes / sizeof(__u64));
	/* An int: before Linux 6.4 the map's update function returned an int
	 * that the JIT's direct call left in the low half of the register
	 * (measured on 6.1: -EEXIST seen as 4294967279). */
	err = bpf_map_update_elem(&STACK_STORE, &h, s, BPF_NOEXIST);
	if (err && err != -EEXIST) {
		STACK_STORE_ERR = err;
		sonde_count(STREAM_STACK_MISSED);
		*missed = true;
		return 0;
	}
	return h;
}

/* Announces image gen of process tgid; the reader is woken at once: a
 * short-lived process must not exit before its maps are read (a wakeup
 * costs microseconds, a few times per process). */
static __always_inline long stack_announce(void *ctx, __u32 tgid, __u32 gen, bool again)
{
	struct stack_proc_rec rec = {
		.type = STACK_REC_PROC, .pid = tgid, .gen = gen, .again = again
	};

	return sonde_output_now(ctx, &rec, sizeof(rec));
}

/* A known image announced again when it is time (struct stack_proc). */
static __always_inline void stack_reannounce(void *ctx, __u32 tgid, struct stack_proc *p)
{
	__u64 now;

	if (p->rounds >= STACK_PROC_ROUNDS || (now = bpf_ktime_get_ns()) < p->next_ns)
		return;
	if (stack_announce(ctx, tgid, p->gen, true))
		return;
	p->rounds++;
	/* 10 ms, then 100 ms, then 1 s after the one before. */
	p->next_ns = now + STACK_PROC_FIRST_NS * (p->rounds == 1 ? 10 : 100);
}

/* The number of the current process's image; announced on the ring buffer
 * the first time it is seen. 0 for a task without an address space.
 * *unwind: how user space chose to walk its user stacks (0: not yet). */
static __always_inline __u32 stack_proc_gen(void *ctx, __u32 tgid, __u8 *unwind)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 mm = (__u64)BPF_CORE_READ(task, mm);
	__u64 exec_id = BPF_CORE_READ(task, self_exec_id);
	struct stack_proc *p, np = { .mm = mm, .exec_id = exec_id };

	*unwind = 0;
	if (!mm)
		return 0;
	p = bpf_map_lookup_elem(&STACK_PROCS, &tgid);
	if (p && p->mm == mm && p->exec_id == exec_id) {
		*unwind = p->unwind;
		stack_reannounce(ctx, tgid, p);
		return p->gen;
	}
	np.gen = __sync_fetch_and_add(&stack_gen_last, 1) + 1;
	np.next_ns = bpf_ktime_get_ns() + STACK_PROC_FIRST_NS;
	/* Remembered only once announced: a full buffer means another try at
	 * the next sample, and the counted "lost" event meanwhile. */
	if (!stack_announce(ctx, tgid, np.gen, false))
		bpf_map_update_elem(&STACK_PROCS, &tgid, &np, BPF_ANY);
	return np.gen;
}

/* Whether a process's user stacks are copied for user space to unwind:
 * with --unwind=auto, until user space found that all its code keeps frame
 * pointers (so nothing is lost before it looked). */
static __always_inline bool stack_copies(__u8 unwind)
{
	if (STACK_UNWIND == STACK_UNWIND_AUTO)
		return unwind != STACK_UNWIND_FP;
	return STACK_UNWIND == STACK_UNWIND_DWARF;
}

/* The key of a sample of the current task, its kernel stack stored; its
 * user stack stored too, or (true returned) to be copied for user space to
 * unwind: stack_copy_user(). */
static __always_inline bool stack_key_current(void *ctx, struct stack_key *k, __u64 pid_tgid)
{
	bool umiss = false, kmiss = false, copy = false;
	__u8 unwind;

	__builtin_memset(k, 0, sizeof(*k));
	k->pid = pid_tgid >> 32;
	if (STACK_BY_THREAD)
		k->tid = (__u32)pid_tgid;
	if (STACK_BY_CGROUP)
		k->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(k->comm, sizeof(k->comm));
	if (STACK_WANT_USER) {
		k->gen = stack_proc_gen(ctx, k->pid, &unwind);
		copy = k->gen && stack_copies(unwind);
		if (k->gen && !copy)
			k->user = stack_take(ctx, BPF_F_USER_STACK, &umiss);
		if (k->gen && !copy && !k->user)
			umiss = true;
	}
	if (STACK_WANT_KERNEL)
		k->kernel = stack_take(ctx, 0, &kmiss);
	k->flags = (umiss ? STACK_USER_MISSED : 0) | (kmiss ? STACK_KERNEL_MISSED : 0);
	return copy;
}

/* The registers of pt_regs in DWARF's order (common/stack.h). */
#if defined(__TARGET_ARCH_arm64)
static __always_inline void stack_regs_read(struct stack_regs *out, struct pt_regs *regs)
{
	bpf_probe_read_kernel(out->r, 31 * sizeof(__u64),
			      __builtin_preserve_access_index(&regs->regs));
	out->r[STACK_REG_SP] = BPF_CORE_READ(regs, sp);
	out->r[STACK_REG_IP] = BPF_CORE_READ(regs, pc);
}
#else
static __always_inline void stack_regs_read(struct stack_regs *out, struct pt_regs *regs)
{
	out->r[0] = BPF_CORE_READ(regs, ax);
	out->r[1] = BPF_CORE_READ(regs, dx);
	out->r[2] = BPF_CORE_READ(regs, cx);
	out->r[3] = BPF_CORE_READ(regs, bx);
	out->r[4] = BPF_CORE_READ(regs, si);
	out->r[5] = BPF_CORE_READ(regs, di);
	out->r[6] = BPF_CORE_READ(regs, bp);
	out->r[7] = BPF_CORE_READ(regs, sp);
	out->r[8] = BPF_CORE_READ(regs, r8);
	out->r[9] = BPF_CORE_READ(regs, r9);
	out->r[10] = BPF_CORE_READ(regs, r10);
	out->r[11] = BPF_CORE_READ(regs, r11);
	out->r[12] = BPF_CORE_READ(regs, r12);
	out->r[13] = BPF_CORE_READ(regs, r13);
	out->r[14] = BPF_CORE_READ(regs, r14);
	out->r[15] = BPF_CORE_READ(regs, r15);
	out->r[16] = BPF_CORE_READ(regs, ip);
}
#endif

/* The current task's user registers (where it entered the kernel) in
 * DWARF's order, and its stack from the stack pointer up: a page at a time,
 * until STACK_COPY_BYTES or the first page that cannot be read (the end of
 * the stack, or a page not in memory: no fault can be taken here). */
static __always_inline void stack_copy_user(struct stack_sample_rec *r)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	__u64 sp, first, off;

	stack_regs_read(&r->regs, regs);
	sp = r->regs.r[STACK_REG_SP];
	r->size = 0;
	/* To the end of the stack pointer's page, then whole pages. */
	first = 4096 - (sp & 4095);
	if (bpf_probe_read_user(r->stack, first, (void *)sp))
		return;
	r->size = first;
	for (__u32 i = 0; i < STACK_COPY_BYTES / 4096 - 1; i++) {
		off = first + i * 4096;
		if (off > STACK_COPY_BYTES - 4096 ||
		    bpf_probe_read_user(r->stack + off, 4096, (void *)(sp + off)))
			break;
		r->size = off + 4096;
	}
}

/* Sends a sample built by stack_copy_user(), up to the end of its copy. */
static __always_inline void stack_send(void *ctx, struct stack_sample_rec *r)
{
	__u64 size = r->size;

	if (size > STACK_COPY_BYTES)
		size = STACK_COPY_BYTES;
	r->type = STACK_REC_SAMPLE;
	sonde_output(ctx, r, __builtin_offsetof(struct stack_sample_rec, stack) + size);
}

/* A sample of the current task, of value v, whose user stack is copied and
 * sent now (profile). */
static __always_inline void stack_copy_send(void *ctx, const struct stack_key *k, __u64 v)
{
	__u32 zero = 0;
	struct stack_sample_rec *r = bpf_map_lookup_elem(&stack_sample_scratch, &zero);

	if (!r)
		return;
	r->key = *k;
	r->value = v;
	stack_copy_user(r);
	stack_send(ctx, r);
}

/* Adds v to the key's total. */
static __always_inline void stack_add(const struct stack_key *k, __u64 v)
{
	__u64 *total = bpf_map_lookup_elem(&STACK_TOTALS, k);
	int err;

	if (total) {
		__sync_fetch_and_add(total, v);
		return;
	}
	err = bpf_map_update_elem(&STACK_TOTALS, k, &v, BPF_NOEXIST);
	if (err == -EEXIST) {
		total = bpf_map_lookup_elem(&STACK_TOTALS, k);
		if (total)
			__sync_fetch_and_add(total, v);
	} else if (err) {
		sonde_count(STREAM_STACK_UNCOUNTED);
	}
}

#endif
