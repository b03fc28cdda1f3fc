// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* opensnoop: open(), openat(), openat2() and creat() as they return, with
 * the path each one named (the shape is lib/pathcall.bpf.h's). */
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

static __always_inline void report_open(const struct trace_event_raw_sys_exit *ctx, bool full,
					__u64 path, __s32 dirfd, __u32 flags, __u16 mode)
{
	if (!flags_wanted(flags))
		return;
	pathcall_report(ctx, full, path, dirfd, flags, mode);
}

PATHCALL_PROG(sys_exit_open, handle_exit_open)
{
	struct pt_regs *regs = pathcall_begin(ctx);

	if (!regs)
		return;
	report_open(ctx, full, PATHCALL_ARG(regs, 1), PATHCALL_AT_FDCWD, PATHCALL_ARG(regs, 2),
		    PATHCALL_ARG(regs, 3));
}

PATHCALL_PROG(sys_exit_openat, handle_exit_openat)
{
	struct pt_regs *regs = pathcall_begin(ctx);

	if (!regs)
		return;
	report_open(ctx, full, PATHCALL_ARG(regs, 2), PATHCALL_ARG(regs, 1), PATHCALL_ARG(regs, 3),
		    PATHCALL_ARG(regs, 4));
}

PATHCALL_PROG(sys_exit_openat2, handle_exit_openat2)
{
	struct pt_regs *regs = pathcall_begin(ctx);
	struct open_how how = {};

	if (!regs)
		return;
	/* The flags are in user memory; when it cannot be read, the call
	 * failed (EFAULT) and is reported with flags 0. */
	bpf_probe_read_user(&how, sizeof(how.flags) + sizeof(how.mode),
			    (void *)PATHCALL_ARG(regs, 3));
	report_open(ctx, full, PATHCALL_ARG(regs, 2), PATHCALL_ARG(regs, 1), how.flags, how.mode);
}

PATHCALL_PROG(sys_exit_creat, handle_exit_creat)
{
	struct pt_regs *regs = pathcall_begin(ctx);

	if (!regs)
		return;
	/* creat() is open() with these flags. */
	report_open(ctx, full, PATHCALL_ARG(regs, 1), PATHCALL_AT_FDCWD,
		    OPENSNOOP_O_CREAT | OPENSNOOP_O_WRONLY | OPENSNOOP_O_TRUNC,
		    PATHCALL_ARG(regs, 2));
}
