// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* opensnoop: open(), openat(), openat2() and creat(), reported as they
 * return: a successful one with the path of the file it opened, a failed
 * one with the path its caller's memory held as it entered (the shape is
 * lib/pathcall.bpf.h's). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "common/opensnoop.h"
#include "bpf/lib/pathcall.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* -f: an open passes when it has all the bits of one of the first
 * want_nflags masks, or when its access mode is one of want_accmodes (bit
 * 1 << mode: O_RDONLY is 0 and has no bit of its own). Neither given: every
 * open passes. */
const volatile __u32 want_flags[OPENSNOOP_MAX_FLAGS] = {};
const volatile __u8 want_nflags = 0;
const volatile __u8 want_accmodes = 0;

static __always_inline bool flags_wanted(__u32 flags)
{
	if (!want_nflags && !want_accmodes)
		return true;
	if (want_accmodes & (1 << (flags & OPENSNOOP_O_ACCMODE)))
		return true;
	for (int i = 0; i < OPENSNOOP_MAX_FLAGS && i < want_nflags; i++)
		if ((flags & want_flags[i]) == want_flags[i])
			return true;
	return false;
}

/* -f is checked at entry: a call it drops costs no copy of its path. */
static __always_inline void enter_open(const struct trace_event_raw_sys_enter *ctx, __u64 path,
				       __s32 dirfd, __u32 flags, __u16 mode)
{
	if (flags_wanted(flags))
		pathcall_enter(ctx, path, dirfd, flags, mode, false);
}

PATHCALL_ENTER(sys_enter_open, handle_enter_open)
{
	enter_open(ctx, ctx->args[0], PATHCALL_AT_FDCWD, ctx->args[1], ctx->args[2]);
}

PATHCALL_ENTER(sys_enter_openat, handle_enter_openat)
{
	enter_open(ctx, ctx->args[1], ctx->args[0], ctx->args[2], ctx->args[3]);
}

PATHCALL_ENTER(sys_enter_openat2, handle_enter_openat2)
{
	struct open_how how = {};

	/* The flags are in the caller's memory, read as the path is; when it
	 * cannot be read, the call fails (EFAULT) and is reported with flags 0. */
	bpf_probe_read_user(&how, sizeof(how.flags) + sizeof(how.mode), (void *)ctx->args[2]);
	enter_open(ctx, ctx->args[1], ctx->args[0], how.flags, how.mode);
}

PATHCALL_ENTER(sys_enter_creat, handle_enter_creat)
{
	/* creat() is open() with these flags. */
	enter_open(ctx, ctx->args[0], PATHCALL_AT_FDCWD,
		   OPENSNOOP_O_CREAT | OPENSNOOP_O_WRONLY | OPENSNOOP_O_TRUNC, ctx->args[1]);
}

PATHCALL_EXIT(sys_exit_open, handle_exit_open, PATHCALL_RET_FD)
PATHCALL_EXIT(sys_exit_openat, handle_exit_openat, PATHCALL_RET_FD)
PATHCALL_EXIT(sys_exit_openat2, handle_exit_openat2, PATHCALL_RET_FD)
PATHCALL_EXIT(sys_exit_creat, handle_exit_creat, PATHCALL_RET_FD)
