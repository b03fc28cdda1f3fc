// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* mountsnoop: mount(2), umount2(2) and the new mount API (fsopen, fsconfig,
 * fsmount, move_mount, open_tree, mount_setattr, open_tree_attr), from the
 * syscall tracepoints.
 *
 * The entry (for tasks that pass -p/-u/-c) builds the event in the thread's
 * entry store: the call's flags and descriptors, and the strings and
 * struct mount_attr its arguments point to, copied from the caller's memory
 * as the call enters. Read as the call returns, they could be what another
 * thread wrote there while it ran; a mount leaves no object behind to read
 * them back from. The exit adds the return value, reads what could not be
 * read at entry (a page not in memory yet, which the program may not fault
 * in, but the kernel has by then) and sends the event. User space turns
 * off the pairs this kernel lacks. */
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
/* The bit of `pending` for the struct mount_attr. */
#define PENDING_ATTR (1 << MOUNTSNOOP_NSTRS)

/* -x: only calls that failed. */
const volatile __u8 failed_only = 0;

struct mount_entry {
	struct entry_arm arm;
	__u64 ptr[MOUNTSNOOP_NSTRS]; /* where each string is in the caller's memory */
	__u64 attr_ptr;
	__u8 pending; /* bit i: str[i] (PENDING_ATTR: attr) was unreadable at entry */
	__u8 pad[7];
	struct mountsnoop_event e;
};

SONDE_ENTRY_STORE(calls, struct mount_entry);

/* The value a read of the caller's memory makes strings_from, given where
 * the others came from: "exit" once any came from there. */
static __always_inline void read_from(struct mountsnoop_event *e, __u8 from)
{
	if (e->strings_from == STREAM_FROM_NONE || from == STREAM_FROM_EXIT)
		e->strings_from = from;
}

static __always_inline bool read_str_now(struct mount_entry *m, const int i, __u8 from)
{
	struct mountsnoop_event *e = &m->e;
	__u8 cut = 0;

	if (!sonde_read_user_str(e->str[i], MOUNTSNOOP_STR_LEN, (const void *)m->ptr[i], &cut))
		return false;
	e->present |= 1 << i;
	if (cut)
		e->truncated |= 1 << i;
	read_from(e, from);
	return true;
}

static __always_inline void read_str(struct mount_entry *m, const int i, __u64 ptr)
{
	if (!ptr)
		return;
	m->ptr[i] = ptr;
	if (!read_str_now(m, i, STREAM_FROM_ENTRY))
		m->pending |= 1 << i;
}

static __always_inline bool read_attr_now(struct mount_entry *m, __u8 from)
{
	if (bpf_probe_read_user(m->e.attr, MOUNT_ATTR_READ, (const void *)m->attr_ptr)) {
		__builtin_memset(m->e.attr, 0, sizeof(m->e.attr));
		return false;
	}
	read_from(&m->e, from);
	return true;
}

/* mount_setattr(), open_tree_attr(): the struct mount_attr the call was given. */
static __always_inline void read_attr(struct mount_entry *m, __u64 uattr, __u64 usize)
{
	if (!uattr || usize < MOUNT_ATTR_READ)
		return;
	m->attr_ptr = uattr;
	if (!read_attr_now(m, STREAM_FROM_ENTRY))
		m->pending |= PENDING_ATTR;
}

/* The call's arguments into the event's strings, flags and fds. */
static __always_inline void fill_args(struct mount_entry *m, const __u64 *a)
{
	struct mountsnoop_event *e = &m->e;

	switch (e->call) {
	case MOUNTSNOOP_MOUNT:
		read_str(m, MOUNTSNOOP_SOURCE, a[0]);
		read_str(m, MOUNTSNOOP_TARGET, a[1]);
		read_str(m, MOUNTSNOOP_FS, a[2]);
		read_str(m, MOUNTSNOOP_DATA, a[4]);
		e->flags = a[3];
		break;
	case MOUNTSNOOP_UMOUNT2:
		read_str(m, MOUNTSNOOP_TARGET, a[0]);
		e->flags = a[1];
		break;
	case MOUNTSNOOP_FSOPEN:
		read_str(m, MOUNTSNOOP_FS, a[0]);
		e->flags = a[1];
		break;
	case MOUNTSNOOP_FSCONFIG:
		e->fd[0] = a[0];
		e->flags = a[1];
		read_str(m, MOUNTSNOOP_SOURCE, a[2]);
		if (a[1] == FSCONFIG_SET_STRING || a[1] == FSCONFIG_SET_PATH ||
		    a[1] == FSCONFIG_SET_PATH_EMPTY)
			read_str(m, MOUNTSNOOP_DATA, a[3]);
		e->fd[1] = a[4];
		break;
	case MOUNTSNOOP_FSMOUNT:
		e->fd[0] = a[0];
		e->flags = a[1];
		e->attr[0] = a[2];
		break;
	case MOUNTSNOOP_MOVE_MOUNT:
		e->fd[0] = a[0];
		read_str(m, MOUNTSNOOP_SOURCE, a[1]);
		e->fd[1] = a[2];
		read_str(m, MOUNTSNOOP_TARGET, a[3]);
		e->flags = a[4];
		break;
	case MOUNTSNOOP_OPEN_TREE:
	case MOUNTSNOOP_OPEN_TREE_ATTR:
		e->fd[0] = a[0];
		read_str(m, MOUNTSNOOP_SOURCE, a[1]);
		e->flags = a[2];
		read_attr(m, a[3], a[4]); /* open_tree(): 0, 0 */
		break;
	case MOUNTSNOOP_MOUNT_SETATTR:
		e->fd[1] = a[0];
		read_str(m, MOUNTSNOOP_TARGET, a[1]);
		e->flags = a[2];
		read_attr(m, a[3], a[4]);
		break;
	}
}

static __always_inline void event_init(struct mountsnoop_event *e, __u32 call)
{
	e->flags = 0;
	e->attr[0] = e->attr[1] = e->attr[2] = 0;
	e->fd[0] = e->fd[1] = MOUNTSNOOP_AT_FDCWD;
	e->call = call;
	e->strings_from = STREAM_FROM_NONE;
	e->present = 0;
	e->truncated = 0;
	for (int i = 0; i < MOUNTSNOOP_NSTRS; i++)
		e->str[i][0] = '\0';
}

/* Only the call's own nargs arguments may be read: the kernel refuses to
 * attach a program that reads past the end of the tracepoint's record. */
static __always_inline void enter(const struct trace_event_raw_sys_enter *ctx, __u32 call,
				  const int nargs)
{
	__u64 a[5] = {};
	struct mount_entry *m;

	if (!sonde_filter_pass())
		return;
	m = entry_store_get(&calls);
	if (!m)
		return;
	/* One by one: the verifier refuses a loop's moving pointer into ctx. */
	a[0] = ctx->args[0];
	a[1] = ctx->args[1];
	if (nargs > 2)
		a[2] = ctx->args[2];
	if (nargs > 3)
		a[3] = ctx->args[3];
	if (nargs > 4)
		a[4] = ctx->args[4];
	m->pending = 0;
	event_init(&m->e, call);
	fill_args(m, a);
	entry_store_arm(&m->arm, ctx->id);
}

/* What could not be read at entry, read now that the kernel has. */
static __always_inline void read_pending(struct mount_entry *m)
{
	for (int i = 0; i < MOUNTSNOOP_NSTRS; i++)
		if (m->pending & (1 << i))
			read_str_now(m, i, STREAM_FROM_EXIT);
	if (m->pending & PENDING_ATTR)
		read_attr_now(m, STREAM_FROM_EXIT);
}

static __always_inline void leave(const struct trace_event_raw_sys_exit *ctx)
{
	struct mount_entry *m = entry_store_take(&calls, ctx->id);
	long ret = ctx->ret;

	if (!m || (failed_only && ret >= 0))
		return;
	stream_hdr_current(&m->e.h, bpf_get_current_pid_tgid(), STREAM_NO_UID);
	m->e.ret = ret;
	if (m->pending)
		read_pending(m);
	sonde_output((void *)ctx, &m->e, sizeof(m->e));
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
