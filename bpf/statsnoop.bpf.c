// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* statsnoop: the stat family of syscalls as they return, with the path each
 * one named (the shape is lib/pathcall.bpf.h's): stat(), lstat(),
 * newfstatat(), statx() and statfs(). A stat leaves no object behind: the
 * path is the one the caller's memory held as the call entered. fstat()
 * names no path and is not traced; neither are its modern spellings,
 * newfstatat() and statx() with AT_EMPTY_PATH and an empty (or NULL) path,
 * which is how glibc implements fstat(). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "common/statsnoop.h"
#include "bpf/lib/pathcall.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

PATHCALL_ENTER(sys_enter_newstat, handle_enter_newstat)
{
	pathcall_enter(ctx, ctx->args[0], PATHCALL_AT_FDCWD, 0, 0, false);
}

PATHCALL_ENTER(sys_enter_newlstat, handle_enter_newlstat)
{
	pathcall_enter(ctx, ctx->args[0], PATHCALL_AT_FDCWD, 0, 0, false);
}

PATHCALL_ENTER(sys_enter_statfs, handle_enter_statfs)
{
	pathcall_enter(ctx, ctx->args[0], PATHCALL_AT_FDCWD, 0, 0, false);
}

/* newfstatat(dirfd, path, buf, flags) */
PATHCALL_ENTER(sys_enter_newfstatat, handle_enter_newfstatat)
{
	__u32 flags = ctx->args[3];

	pathcall_enter(ctx, ctx->args[1], ctx->args[0], flags, 0, flags & STATSNOOP_AT_EMPTY_PATH);
}

/* statx(dirfd, path, flags, mask, buf) */
PATHCALL_ENTER(sys_enter_statx, handle_enter_statx)
{
	__u32 flags = ctx->args[2];

	pathcall_enter(ctx, ctx->args[1], ctx->args[0], flags, 0, flags & STATSNOOP_AT_EMPTY_PATH);
}

PATHCALL_EXIT(sys_exit_newstat, handle_exit_newstat, PATHCALL_RET_VALUE)
PATHCALL_EXIT(sys_exit_newlstat, handle_exit_newlstat, PATHCALL_RET_VALUE)
PATHCALL_EXIT(sys_exit_statfs, handle_exit_statfs, PATHCALL_RET_VALUE)
PATHCALL_EXIT(sys_exit_newfstatat, handle_exit_newfstatat, PATHCALL_RET_VALUE)
PATHCALL_EXIT(sys_exit_statx, handle_exit_statx, PATHCALL_RET_VALUE)
