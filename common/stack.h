/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The stack tools (profile, offcputime): what their BPF side
 * (bpf/lib/stack.bpf.h) and user side (lib/stack.h) share. The kernel
 * stores each distinct stack once, keyed by a hash of its addresses, and
 * adds samples (or blocked time) per struct stack_key; user space reads
 * both maps when the run ends. Each process image (a PID and its address
 * space, new at each exec) is announced once on the ring buffer, so that
 * user space reads its maps while it still lives. */
#ifndef SONDE_COMMON_STACK_H
#define SONDE_COMMON_STACK_H

#include "common/defs.h"

/* The BPF side declares them with these identifiers and user space looks
 * them up by STACK_NAME() of the same. */
#define STACK_STORE stack_store			 /* hash: stack hash -> struct stack_ips */
#define STACK_TOTALS stack_totals		 /* hash: struct stack_key -> __u64 */
#define STACK_PROCS stack_procs			 /* LRU hash: tgid -> struct stack_proc */
#define STACK_WANT_USER stack_want_user		 /* rodata __u8: user stacks (not -K) */
#define STACK_WANT_KERNEL stack_want_kernel	 /* rodata __u8: kernel stacks (not -U) */
#define STACK_BY_CGROUP stack_by_cgroup		 /* rodata __u8: key by cgroup */
#define STACK_BY_THREAD stack_by_thread		 /* rodata __u8: key by thread */
#define STACK_STORE_ERR stack_store_err		 /* .bss long: a store's last error */
#define STACK_UNWIND stack_unwind_mode		 /* rodata __u8: enum stack_unwind */
#define STACK_EVENT_KERNEL stack_event_kernel_on /* rodata __u8: events carry a kernel stack */

#define STACK_NAME(id) STACK_NAME_(id)
#define STACK_NAME_(id) #id

/* The deepest stack kept (the kernel's default perf_event_max_stack). */
#define STACK_MAX_DEPTH 127
/* Distinct stacks stored, and distinct keys counted: what does not fit is
 * counted (STREAM_STACK_MISSED, STREAM_STACK_UNCOUNTED) and said. Both
 * tables are allocated when the tool loads (17 MB and 1.8 MB). */
#define STACK_MAX_STACKS 16384
#define STACK_MAX_KEYS 16384
/* Process images remembered by the kernel; an older one pushed out is
 * announced again when it shows up. */
#define STACK_MAX_PROCS 8192

/* The addresses of one stack, innermost first, zero after the last. */
struct stack_ips {
	__u64 ip[STACK_MAX_DEPTH];
};

_Static_assert(sizeof(struct stack_ips) == 1016, "stack_ips layout");

enum stack_key_flags {
	STACK_USER_MISSED = 1 << 0,   /* a user stack was wanted, but none was stored */
	STACK_KERNEL_MISSED = 1 << 1, /* the same for the kernel stack */
	STACK_USER_UNWOUND = 1 << 2,  /* user: a hash of user space's store, not the kernel's */
};

/* What samples are added up by. */
struct stack_key {
	__u64 user;	 /* hash of the user stack in STACK_STORE; 0: none */
	__u64 kernel;	 /* hash of the kernel stack; 0: none */
	__u64 cgroup_id; /* with STACK_BY_CGROUP; else 0 */
	__u32 pid;	 /* thread group ID; 0: the idle task */
	__u32 tid;	 /* with STACK_BY_THREAD; else 0 */
	__u32 gen;	 /* the process image (struct stack_proc_rec); 0: none */
	__u32 flags;	 /* enum stack_key_flags */
	char comm[TASK_COMM_LEN];
};

_Static_assert(sizeof(struct stack_key) == 56, "stack_key layout");

/* How user stacks are walked (--unwind; STACK_UNWIND rodata). */
enum stack_unwind {
	STACK_UNWIND_AUTO,  /* per process: DWARF until user space finds frame pointers */
	STACK_UNWIND_FP,    /* the kernel follows frame pointers (bpf_get_stack) */
	STACK_UNWIND_DWARF, /* the stack is copied, user space unwinds it (.eh_frame) */
};

/* What the kernel remembers of a process image. An image is its address
 * space and its exec count: an exec frees the old mm_struct, and the next
 * exec's (of a shell that execs again at once) can be made at its address
 * (measured: one run in four of sh -c 'exec prog' named prog's frames from
 * the maps of the shell before it). */
struct stack_proc {
	__u64 mm;      /* the address space's kernel address */
	__u64 exec_id; /* the task's self_exec_id: one more at each exec */
	__u64 next_ns; /* when the image is announced again (see below) */
	__u32 gen;
	__u8 unwind; /* STACK_UNWIND_FP or _DWARF once user space chose; 0: not yet */
	__u8 rounds; /* announcements made after the first */
	__u8 pad[2];
};

_Static_assert(sizeof(struct stack_proc) == 32, "stack_proc layout");

/* An image is announced again STACK_PROC_ROUNDS times, STACK_PROC_FIRST_NS
 * after the first time, then ten times as long each time: the libraries a
 * program loads after it started (the dynamic loader's, dlopen's) are in
 * its maps when they are read again. */
#define STACK_PROC_ROUNDS 3
#define STACK_PROC_FIRST_NS 10000000ULL

enum stack_rec_type {
	STACK_REC_PROC = 1,   /* struct stack_proc_rec */
	STACK_REC_SAMPLE = 2, /* struct stack_sample_rec */
};

/* On the ring buffer: process `pid` has a new image numbered `gen`, whose
 * maps user space reads now (again). */
struct stack_proc_rec {
	__u32 type; /* STACK_REC_PROC */
	__u32 pid;
	__u32 gen;
	__u32 again; /* not the first announcement: maps to read again */
};

_Static_assert(sizeof(struct stack_proc_rec) == 16, "stack_proc_rec layout");

/* A user stack to unwind from DWARF call-frame information: the top of the
 * stack, copied from the stack pointer up, and the registers, as DWARF
 * numbers them. x86_64: rax, rdx, rcx, rbx, rsi, rdi, rbp, rsp, r8 to r15,
 * then rip (DWARF's return address column, 16); arm64: x0 to x30, sp (31),
 * then pc, which DWARF does not number (STACK_DWARF_NREGS: those it does). */
#define STACK_COPY_BYTES 16384
#if defined(__TARGET_ARCH_arm64) || defined(__aarch64__)
#define STACK_NREGS 33
#define STACK_DWARF_NREGS 32
#define STACK_REG_SP 31
#define STACK_REG_IP 32
#else
#define STACK_NREGS 17
#define STACK_DWARF_NREGS 17
#define STACK_REG_SP 7
#define STACK_REG_IP 16
#endif

struct stack_regs {
	__u64 r[STACK_NREGS];
};

/* On the ring buffer: one sample (or blocked time) whose user stack user
 * space unwinds; key.user is 0, the kernel stack is in STACK_STORE. Sent
 * up to the end of the stack copied. */
struct stack_sample_rec {
	__u32 type; /* STACK_REC_SAMPLE */
	__u32 size; /* bytes of stack copied */
	__u64 value;
	struct stack_key key;
	struct stack_regs regs;
	__u8 stack[STACK_COPY_BYTES];
};

_Static_assert(sizeof(struct stack_sample_rec) == 16 + 56 + 8 * STACK_NREGS + STACK_COPY_BYTES,
	       "stack_sample_rec layout");

/* A kernel stack an event carries (capable -K, tcpdrop -K): taken into the
 * event itself, innermost first. */
struct stack_kernel {
	__u32 n; /* addresses in ip */
	__u32 pad;
	__u64 ip[STACK_MAX_DEPTH];
};

_Static_assert(sizeof(struct stack_kernel) == 1024, "stack_kernel layout");

#endif
