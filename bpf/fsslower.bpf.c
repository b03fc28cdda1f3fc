// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* fsslower: reads, writes, opens and syncs of regular files that take
 * longer than a threshold, on the syscall tracepoints: each call's entry
 * keeps its start (and a read's or write's position, when the call gives
 * one) in the thread's task storage; its exit finds the file in the
 * kernel, the descriptor's struct file as the call returns (the one an
 * open made), with its file system's type (sb->s_type->name) and its path
 * walked from its dentries (bpf/lib/file.bpf.h). Nothing is read from the
 * caller's memory. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/fsslower.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/syscall.bpf.h"
#include "bpf/lib/file.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u64 min_ns = 0;		   /* [min_ms] */
const volatile char fs_only[FILE_FSTYPE_LEN] = {}; /* -t; empty: every one */
const volatile __u32 self_tgid = 0;

struct entry {
	struct entry_arm arm;
	__u64 start_ns;
	__s64 pos; /* the position the call gives (pread64, ...); -1: the file's own */
	__s32 fd;  /* -1: an open */
	__u32 pad;
};

SONDE_ENTRY_STORE(entries, struct entry);

struct scratch {
	struct fsslower_event e;
	struct dpath d;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratches SEC(".maps");

static __always_inline void enter(long nr, __s32 fd, __s64 pos)
{
	struct entry *in;

	if ((bpf_get_current_pid_tgid() >> 32) == self_tgid || !sonde_filter_pass())
		return;
	in = entry_store_get(&entries);
	if (!in)
		return;
	in->start_ns = bpf_ktime_get_ns();
	in->fd = fd;
	in->pos = pos;
	entry_store_arm(&in->arm, nr);
}

/* The file system's type is -t's. */
static __always_inline bool fs_passes(const char *fstype)
{
	if (!fs_only[0])
		return true;
	for (int i = 0; i < FILE_FSTYPE_LEN; i++) {
		if (fstype[i] != fs_only[i])
			return false;
		if (!fstype[i])
			return true;
	}
	return true;
}

/* Where a read or write began: the position it was given, or the file's
 * own less the bytes it moved (the file's position after an append is
 * past the bytes written too). */
static __always_inline __s64 offset_of(struct file *f, const struct entry *in, long ret, __u8 op)
{
	if (op != FSSLOWER_READ && op != FSSLOWER_WRITE)
		return -1;
	if (in->pos >= 0)
		return in->pos;
	return BPF_CORE_READ(f, f_pos) - (ret > 0 ? ret : 0);
}

static __always_inline void leave(const struct trace_event_raw_sys_exit *ctx, __u8 op)
{
	struct entry *in = entry_store_take(&entries, ctx->id);
	struct scratch *s;
	struct file *f;
	__u64 lat;
	__u32 zero = 0, len;
	__u64 size;

	if (!in)
		return;
	lat = bpf_ktime_get_ns() - in->start_ns;
	if (lat < min_ns)
		return;
	f = sonde_fd_file(op == FSSLOWER_OPEN ? ctx->ret : in->fd);
	if (!f || (op == FSSLOWER_OPEN && ctx->ret < 0) || file_kind(f) != FILE_KIND_REGULAR)
		return;
	s = bpf_map_lookup_elem(&scratches, &zero);
	if (!s)
		return;
	file_fstype(f, s->e.fstype);
	if (!fs_passes(s->e.fstype))
		return;
	stream_hdr_current(&s->e.h, bpf_get_current_pid_tgid(), STREAM_UID);
	s->e.lat_ns = lat;
	s->e.ret = ctx->ret;
	s->e.offset = offset_of(f, in, ctx->ret, op);
	s->e.nr = ctx->id;
	s->e.op = op;
	s->e.pad = 0;
	len = file_path(&s->d, f, s->e.path, sizeof(s->e.path), &s->e.truncated);
	s->e.path_len = len;
	/* The mask and the test tell the verifier the size is bounded. */
	size = offsetof(struct fsslower_event, path) + (len & (FSSLOWER_PATH_MAX * 2 - 1));
	if (size > sizeof(s->e))
		size = sizeof(s->e);
	sonde_output((void *)ctx, &s->e, size);
}

#define FSSLOWER_CALL(call, op, fd, pos)                                                           \
	SEC("tracepoint/syscalls/sys_enter_" #call)                                                \
	int handle_enter_##call(struct trace_event_raw_sys_enter *ctx)                             \
	{                                                                                          \
		enter(ctx->id, fd, pos);                                                           \
		return SONDE_TP_KEEP;                                                              \
	}                                                                                          \
	SEC("tracepoint/syscalls/sys_exit_" #call)                                                 \
	int handle_exit_##call(struct trace_event_raw_sys_exit *ctx)                               \
	{                                                                                          \
		leave(ctx, op);                                                                    \
		return SONDE_TP_KEEP;                                                              \
	}

FSSLOWER_CALL(read, FSSLOWER_READ, ctx->args[0], -1)
FSSLOWER_CALL(readv, FSSLOWER_READ, ctx->args[0], -1)
FSSLOWER_CALL(pread64, FSSLOWER_READ, ctx->args[0], ctx->args[3])
FSSLOWER_CALL(preadv, FSSLOWER_READ, ctx->args[0], ctx->args[3])
/* preadv2's -1 is the file's own position, as the entry's is. */
FSSLOWER_CALL(preadv2, FSSLOWER_READ, ctx->args[0], ctx->args[3])
FSSLOWER_CALL(write, FSSLOWER_WRITE, ctx->args[0], -1)
FSSLOWER_CALL(writev, FSSLOWER_WRITE, ctx->args[0], -1)
FSSLOWER_CALL(pwrite64, FSSLOWER_WRITE, ctx->args[0], ctx->args[3])
FSSLOWER_CALL(pwritev, FSSLOWER_WRITE, ctx->args[0], ctx->args[3])
FSSLOWER_CALL(pwritev2, FSSLOWER_WRITE, ctx->args[0], ctx->args[3])
FSSLOWER_CALL(fsync, FSSLOWER_FSYNC, ctx->args[0], -1)
FSSLOWER_CALL(fdatasync, FSSLOWER_FSYNC, ctx->args[0], -1)
FSSLOWER_CALL(open, FSSLOWER_OPEN, -1, -1)
FSSLOWER_CALL(openat, FSSLOWER_OPEN, -1, -1)
FSSLOWER_CALL(openat2, FSSLOWER_OPEN, -1, -1)
FSSLOWER_CALL(creat, FSSLOWER_OPEN, -1, -1)
