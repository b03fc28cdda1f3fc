// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* statsnoop: the stat family of syscalls as they return, with the path each
 * one named (the shape is lib/pathcall.bpf.h's): stat(), lstat(),
 * newfstatat(), statx() and statfs(). fstat() names no path and is not
 * traced; neither are its modern spellings, newfstatat() and statx() with
 * AT_EMPTY_PATH and an empty (or NULL) path, which is how glibc implements
 * fstat(). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "common/statsnoop.h"
#include "bpf/lib/pathcall.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* A call on a path: stat(), lstat(), statfs(). */
static __always_inline void report_path(const struct trace_event_raw_sys_exit *ctx, bool full)
{
	struct pt_regs *regs = pathcall_begin(ctx);

	if (!regs)
		return;
	pathcall_report(ctx, full, PATHCALL_ARG(regs, 1), PATHCALL_AT_FDCWD, 0, 0);
}

/* A call on dirfd and a path, unless it is an fstat() in disguise. */
static __always_inline void report_at(const struct trace_event_raw_sys_exit *ctx, bool full,
				      __s32 dirfd, __u64 path, __u32 flags)
{
	char c = 0;

	if ((flags & STATSNOOP_AT_EMPTY_PATH) &&
	    (!path || bpf_probe_read_user(&c, 1, (void *)path) || !c))
		return;
	pathcall_report(ctx, full, path, dirfd, flags, 0);
}

PATHCALL_PROG(sys_exit_newstat, handle_exit_newstat)
{
	report_path(ctx, full);
}

PATHCALL_PROG(sys_exit_newlstat, handle_exit_newlstat)
{
	report_path(ctx, full);
}

PATHCALL_PROG(sys_exit_statfs, handle_exit_statfs)
{
	report_path(ctx, full);
}

PATHCALL_PROG(sys_exit_newfstatat, handle_exit_newfstatat)
{
	struct pt_regs *regs = pathcall_begin(ctx);

	if (!regs)
		return;
	report_at(ctx, full, PATHCALL_ARG(regs, 1), PATHCALL_ARG(regs, 2), PATHCALL_ARG(regs, 4));
}

PATHCALL_PROG(sys_exit_statx, handle_exit_statx)
{
	struct pt_regs *regs = pathcall_begin(ctx);

	if (!regs)
		return;
	report_at(ctx, full, PATHCALL_ARG(regs, 1), PATHCALL_ARG(regs, 2), PATHCALL_ARG(regs, 3));
}
