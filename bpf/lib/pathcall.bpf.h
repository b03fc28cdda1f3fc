/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Syscalls that name a path (opensnoop, statsnoop), in one shape: each call
 * is seen once, at its exit tracepoint, and reported with the path it named.
 *
 * Why no entry tracepoint: the arguments are still in the user registers the
 * kernel saved at entry (the syscall ABI preserves them, so at exit they hold
 * what the call was given), and the path is best read after the call, once
 * the kernel has copied it in and its page is resident. One program per call
 * instead of two, and no per-thread map to fill and empty: about half the
 * cost, and no entry whose exit is never seen.
 *
 * With -F, a relative path is reported joined to the directory it starts
 * from (the working directory, or the call's dirfd), found here in the
 * kernel: by the time user space could look in /proc, a short-lived process
 * is gone.
 *
 * A tool defines each exit handler with PATHCALL_PROG(); the body gets the
 * saved registers from pathcall_begin() (NULL: the call is filtered out by
 * -p/-u/-c or -x), takes the arguments it needs with PATHCALL_ARG() and
 * hands them to pathcall_report().
 *
 * Include after vmlinux.h and the bpf_*.h headers. */
#ifndef SONDE_BPF_LIB_PATHCALL_BPF_H
#define SONDE_BPF_LIB_PATHCALL_BPF_H

#include <bpf/bpf_tracing.h>
#include "common/pathcall.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/syscall.bpf.h"
#include "bpf/lib/dpath.bpf.h"

/* -x: only calls that failed. */
const volatile __u8 pathcall_failed_only = 0;
/* The tool itself, whose own opens (tracefs, /proc, cgroups) are not news. */
const volatile __u32 pathcall_self_tgid = 0;

/* Two programs on tracepoint syscalls/TP: NAME, and NAME_full for -F, of
 * which user space loads one (lib/pathcall.c). Their body follows the
 * macro, as a function's does, and sees `full` constant: without -F, the
 * directory walk is not in the program, so its kernel types are not looked
 * up at load (libbpf's search for each type costs about a millisecond). */
#define PATHCALL_PROG(tp, name)                                                                    \
	static __always_inline void name##_body(const struct trace_event_raw_sys_exit *ctx,        \
						bool full);                                        \
	SEC("tracepoint/syscalls/" #tp)                                                            \
	int name(struct trace_event_raw_sys_exit *ctx)                                             \
	{                                                                                          \
		name##_body(ctx, false);                                                           \
		return SONDE_TP_KEEP;                                                              \
	}                                                                                          \
	SEC("tracepoint/syscalls/" #tp)                                                            \
	int name##_full(struct trace_event_raw_sys_exit *ctx)                                      \
	{                                                                                          \
		name##_body(ctx, true);                                                            \
		return SONDE_TP_KEEP;                                                              \
	}                                                                                          \
	static __always_inline void name##_body(const struct trace_event_raw_sys_exit *ctx,        \
						bool full)

/* Argument N (1-6) of the syscall, from its saved registers. */
#define PATHCALL_ARG(regs, n) PT_REGS_PARM##n##_SYSCALL(regs)

_Static_assert(DPATH_SIZE == PATHCALL_PATH_MAX, "a directory's path fits an event's");

/* The event is built here, then only its used bytes are copied out. */
struct pathcall_scratch {
	struct pathcall_event e;
	/* Room after e.path, so that the verifier sees a string read at any
	 * offset into it fit (it does not relate the offset to the size). */
	char slack[PATHCALL_PATH_MAX];
	struct dpath dir; /* -F */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pathcall_scratch);
} pathcall_scratch SEC(".maps");

/* The returning call's saved user registers, or NULL when it is not to be
 * reported: -x and the call succeeded, the tool's own call, or the task fails
 * -p/-u/-c. */
static __always_inline struct pt_regs *pathcall_begin(const struct trace_event_raw_sys_exit *ctx)
{
	if (pathcall_failed_only && ctx->ret >= 0)
		return NULL;
	if ((bpf_get_current_pid_tgid() >> 32) == pathcall_self_tgid || !sonde_filter_pass())
		return NULL;
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

/* -F: the directory a relative path starts from, in d; returns where its
 * path starts in d->buf, or -1. */
static __always_inline int pathcall_dir(struct dpath *d, __s32 dirfd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file **fds, *f = NULL;
	struct fdtable *fdt;
	struct path p;

	if (dirfd == PATHCALL_AT_FDCWD) {
		if (BPF_CORE_READ_INTO(&p, task, fs, pwd))
			return -1;
		return dpath_of(d, p.dentry, p.mnt);
	}
	fdt = BPF_CORE_READ(task, files, fdt);
	fds = BPF_CORE_READ(fdt, fd);
	if (dirfd < 0 || (__u32)dirfd >= BPF_CORE_READ(fdt, max_fds) ||
	    bpf_probe_read_kernel(&f, sizeof(f), &fds[dirfd]) || !f ||
	    BPF_CORE_READ_INTO(&p, f, f_path))
		return -1;
	return dpath_of(d, p.dentry, p.mnt);
}

/* -F: "DIR/PATH" for a relative path into s->e.path; returns its length with
 * the NUL, or 0 when it cannot be built (the path is then read as it is). */
static __always_inline __u32 pathcall_read_full(struct pathcall_scratch *s, __u64 path, __s32 dirfd)
{
	struct pathcall_event *e = &s->e;
	__u32 len, off, n;
	char first = 0;
	int start;

	if (bpf_probe_read_user(&first, 1, (const void *)path) || first == '/' || !first)
		return 0;
	start = pathcall_dir(&s->dir, dirfd);
	if (start < 0)
		return 0;
	len = (DPATH_END - start) & (PATHCALL_PATH_MAX - 1);
	bpf_probe_read_kernel(e->path, len, &s->dir.buf[start & (DPATH_SIZE - 1)]);
	e->path[len] = '/';
	off = len + 1;
	n = sonde_read_user_str(e->path + off, PATHCALL_PATH_MAX - off, (const void *)path,
				&e->truncated);
	return n ? off + n : 0;
}

/* full: -F (PATHCALL_PROG's). */
static __always_inline void pathcall_report(const struct trace_event_raw_sys_exit *ctx, bool full,
					    __u64 path, __s32 dirfd, __u32 flags, __u16 mode)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pathcall_scratch *s;
	struct pathcall_event *e;
	__u32 zero = 0, n = 0;
	__u64 size;

	s = bpf_map_lookup_elem(&pathcall_scratch, &zero);
	if (!s)
		return;
	e = &s->e;
	stream_hdr_current(&e->h, pid_tgid, STREAM_UID);
	e->ret = ctx->ret;
	e->flags = flags;
	e->dirfd = dirfd;
	e->mode = mode;
	e->nr = ctx->id;
	e->truncated = 0;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	if (full)
		n = pathcall_read_full(s, path, dirfd);
	if (!n)
		n = sonde_read_user_str(e->path, sizeof(e->path), (const void *)path,
					&e->truncated);
	e->path_len = n;

	/* The mask tells the verifier the size is bounded. */
	size = offsetof(struct pathcall_event, path) + (n & (PATHCALL_PATH_MAX * 2 - 1));
	if (size > sizeof(*e))
		size = sizeof(*e);
	sonde_output(e, size);
}

#endif
