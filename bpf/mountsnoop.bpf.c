// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* mountsnoop: mount(2), umount2(2) and the new mount API (fsopen, fsconfig,
 * fsmount, move_mount, open_tree, mount_setattr, open_tree_attr), from the
 * syscall tracepoints.
 *
 * The entry stashes the raw arguments per thread, for tasks that pass
 * -p/-u/-c; the exit reads the strings they point to, now that the kernel
 * has copied them in (their pages are resident), and sends the event with
 * the return value. User space turns off the pairs this kernel lacks. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/mountsnoop.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/syscall.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* include/uapi/linux/mount.h: fsconfig() commands whose value is a string. */
#define FSCONFIG_SET_STRING 1
#define FSCONFIG_SET_PATH 3
#define FSCONFIG_SET_PATH_EMPTY 4
/* The first three __u64 of struct mount_attr: attr_set, attr_clr, propagation. */
#define MOUNT_ATTR_READ (3 * sizeof(__u64))

/* -x: only calls that failed. */
const volatile __u8 failed_only = 0;

struct mount_call {
	__u64 args[5]; /* no call here has more */
	__u32 call;    /* enum mountsnoop_call */
	__u32 pad;
};

SONDE_STASH(calls, struct mount_call);

/* Only the call's own nargs arguments may be read: the kernel refuses to
 * attach a program that reads past the end of the tracepoint's record. */
static __always_inline void enter(const struct trace_event_raw_sys_enter *ctx, __u32 call,
				  const int nargs)
{
	struct mount_call c = { .call = call }, *s;

	if (!sonde_filter_pass())
		return;
	/* One by one: the verifier refuses a loop's moving pointer into ctx. */
	c.args[0] = ctx->args[0];
	c.args[1] = ctx->args[1];
	if (nargs > 2)
		c.args[2] = ctx->args[2];
	if (nargs > 3)
		c.args[3] = ctx->args[3];
	if (nargs > 4)
		c.args[4] = ctx->args[4];
	s = stash_new(&calls);
	if (s)
		*s = c;
}

static __always_inline void read_str(struct mountsnoop_event *e, const int i, __u64 ptr)
{
	__u8 cut = 0;

	if (!ptr)
		return;
	if (sonde_read_user_str(e->str[i], MOUNTSNOOP_STR_LEN, (const void *)ptr, &cut))
		e->present |= 1 << i;
	if (cut)
		e->truncated |= 1 << i;
}

/* mount_setattr(), open_tree_attr(): the struct mount_attr the call was given. */
static __always_inline void read_attr(struct mountsnoop_event *e, __u64 uattr, __u64 usize)
{
	if (uattr && usize >= MOUNT_ATTR_READ &&
	    bpf_probe_read_user(e->attr, MOUNT_ATTR_READ, (const void *)uattr))
		__builtin_memset(e->attr, 0, sizeof(e->attr));
}

/* The call's arguments into the event's strings, flags and fds. */
static __always_inline void fill_args(struct mountsnoop_event *e, const struct mount_call *c)
{
	const __u64 *a = c->args;

	switch (c->call) {
	case MOUNTSNOOP_MOUNT:
		read_str(e, MOUNTSNOOP_SOURCE, a[0]);
		read_str(e, MOUNTSNOOP_TARGET, a[1]);
		read_str(e, MOUNTSNOOP_FS, a[2]);
		read_str(e, MOUNTSNOOP_DATA, a[4]);
		e->flags = a[3];
		break;
	case MOUNTSNOOP_UMOUNT2:
		read_str(e, MOUNTSNOOP_TARGET, a[0]);
		e->flags = a[1];
		break;
	case MOUNTSNOOP_FSOPEN:
		read_str(e, MOUNTSNOOP_FS, a[0]);
		e->flags = a[1];
		break;
	case MOUNTSNOOP_FSCONFIG:
		e->fd[0] = a[0];
		e->flags = a[1];
		read_str(e, MOUNTSNOOP_SOURCE, a[2]);
		if (a[1] == FSCONFIG_SET_STRING || a[1] == FSCONFIG_SET_PATH ||
		    a[1] == FSCONFIG_SET_PATH_EMPTY)
			read_str(e, MOUNTSNOOP_DATA, a[3]);
		e->fd[1] = a[4];
		break;
	case MOUNTSNOOP_FSMOUNT:
		e->fd[0] = a[0];
		e->flags = a[1];
		e->attr[0] = a[2];
		break;
	case MOUNTSNOOP_MOVE_MOUNT:
		e->fd[0] = a[0];
		read_str(e, MOUNTSNOOP_SOURCE, a[1]);
		e->fd[1] = a[2];
		read_str(e, MOUNTSNOOP_TARGET, a[3]);
		e->flags = a[4];
		break;
	case MOUNTSNOOP_OPEN_TREE:
	case MOUNTSNOOP_OPEN_TREE_ATTR:
		e->fd[0] = a[0];
		read_str(e, MOUNTSNOOP_SOURCE, a[1]);
		e->flags = a[2];
		read_attr(e, a[3], a[4]); /* open_tree(): 0, 0 */
		break;
	case MOUNTSNOOP_MOUNT_SETATTR:
		e->fd[1] = a[0];
		read_str(e, MOUNTSNOOP_TARGET, a[1]);
		e->flags = a[2];
		read_attr(e, a[3], a[4]);
		break;
	}
}

static __always_inline void leave(const struct trace_event_raw_sys_exit *ctx)
{
	struct mount_call *stashed, c;
	struct mountsnoop_event *e;
	long ret = ctx->ret;

	stashed = stash_get(&calls);
	if (!stashed)
		return;
	c = *stashed;
	stash_drop(&calls);
	if (failed_only && ret >= 0)
		return;
	e = sonde_reserve(sizeof(*e));
	if (!e)
		return;
	stream_hdr_current(&e->h, bpf_get_current_pid_tgid(), STREAM_NO_UID);
	e->flags = 0;
	e->attr[0] = e->attr[1] = e->attr[2] = 0;
	e->ret = ret;
	e->fd[0] = e->fd[1] = MOUNTSNOOP_AT_FDCWD;
	e->call = c.call;
	e->present = 0;
	e->truncated = 0;
	for (int i = 0; i < MOUNTSNOOP_NSTRS; i++)
		e->str[i][0] = '\0';
	fill_args(e, &c);
	sonde_submit(e);
}

/* The entry and exit programs of the syscall NAME (NARGS arguments), call CALL. */
#define MOUNTSNOOP_HANDLERS(name, nargs, call)                                                     \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                                \
	int handle_enter_##name(struct trace_event_raw_sys_enter *ctx)                             \
	{                                                                                          \
		enter(ctx, call, nargs);                                                           \
		return SONDE_TP_KEEP;                                                              \
	}                                                                                          \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                                 \
	int handle_exit_##name(struct trace_event_raw_sys_exit *ctx)                               \
	{                                                                                          \
		leave(ctx);                                                                        \
		return SONDE_TP_KEEP;                                                              \
	}

MOUNTSNOOP_HANDLERS(mount, 5, MOUNTSNOOP_MOUNT)
/* umount2(2) is SYSCALL_DEFINE2(umount, ...) in fs/namespace.c. */
MOUNTSNOOP_HANDLERS(umount, 2, MOUNTSNOOP_UMOUNT2)
MOUNTSNOOP_HANDLERS(fsopen, 2, MOUNTSNOOP_FSOPEN)
MOUNTSNOOP_HANDLERS(fsconfig, 5, MOUNTSNOOP_FSCONFIG)
MOUNTSNOOP_HANDLERS(fsmount, 3, MOUNTSNOOP_FSMOUNT)
MOUNTSNOOP_HANDLERS(move_mount, 5, MOUNTSNOOP_MOVE_MOUNT)
MOUNTSNOOP_HANDLERS(open_tree, 3, MOUNTSNOOP_OPEN_TREE)
MOUNTSNOOP_HANDLERS(mount_setattr, 5, MOUNTSNOOP_MOUNT_SETATTR)
MOUNTSNOOP_HANDLERS(open_tree_attr, 5, MOUNTSNOOP_OPEN_TREE_ATTR)
