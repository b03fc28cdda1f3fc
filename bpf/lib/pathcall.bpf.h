/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Syscalls that name a path (opensnoop, statsnoop), in one shape: each call
 * is seen at its entry and at its exit tracepoint, and reported as it
 * returns, with the path it named.
 *
 * Which path: the kernel's, where the call leaves an object that has one (a
 * successful open's new descriptor: its file's path, built from its
 * dentries by dpath.bpf.h). Otherwise (a failed open, a stat) what the
 * caller's memory held as the call entered: the entry program copies it
 * into the thread's entry store. Read at exit, it could be what another
 * thread wrote there while the call ran (tests/helpers/toctou.c). A page
 * not yet in memory cannot be read at entry (the program may not fault);
 * the exit reads it then, once the kernel has, and says so. Each event says
 * where its path came from (enum stream_from).
 *
 * With -F, a relative path the caller gave is reported joined to the
 * directory it starts from (the working directory, or the call's dirfd, as
 * they are at exit), found here in the kernel: by the time user space could
 * look in /proc, a short-lived process is gone.
 *
 * A tool defines each entry handler with PATHCALL_ENTER(); its body takes
 * the arguments from ctx->args and hands them to pathcall_enter(). Each exit
 * handler is one PATHCALL_EXIT() line.
 *
 * Include after vmlinux.h and the bpf_*.h headers. */
#ifndef SONDE_BPF_LIB_PATHCALL_BPF_H
#define SONDE_BPF_LIB_PATHCALL_BPF_H

#include "common/pathcall.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/syscall.bpf.h"
#include "bpf/lib/task.bpf.h"
#include "bpf/lib/dpath.bpf.h"
#include "bpf/lib/file.bpf.h"

/* -x: only calls that failed. */
const volatile __u8 pathcall_failed_only = 0;
/* The tool itself, whose own opens (tracefs, /proc, cgroups) are not news. */
const volatile __u32 pathcall_self_tgid = 0;

/* What a successful call returns. */
enum pathcall_ret {
	PATHCALL_RET_VALUE, /* 0 or a number: no object to read a path from */
	PATHCALL_RET_FD,    /* a new file descriptor: its file has the path */
};

/* The entry program of tracepoint syscalls/TP; its body follows the macro,
 * as a function's does. */
#define PATHCALL_ENTER(tp, name)                                                                   \
	static __always_inline void name##_body(const struct trace_event_raw_sys_enter *ctx);      \
	SEC("tracepoint/syscalls/" #tp)                                                            \
	int name(struct trace_event_raw_sys_enter *ctx)                                            \
	{                                                                                          \
		name##_body(ctx);                                                                  \
		return SONDE_TP_KEEP;                                                              \
	}                                                                                          \
	static __always_inline void name##_body(const struct trace_event_raw_sys_enter *ctx)

/* Two exit programs on tracepoint syscalls/TP: NAME, and NAME_full for -F,
 * of which user space loads one (lib/pathcall.c). Without -F, the directory
 * walk of a relative path is not in the program, so its kernel types are
 * not looked up at load (libbpf's search for each type costs about a
 * millisecond). ret: enum pathcall_ret. */
#define PATHCALL_EXIT(tp, name, ret)                                                               \
	SEC("tracepoint/syscalls/" #tp)                                                            \
	int name(struct trace_event_raw_sys_exit *ctx)                                             \
	{                                                                                          \
		pathcall_exit(ctx, false, ret);                                                    \
		return SONDE_TP_KEEP;                                                              \
	}                                                                                          \
	SEC("tracepoint/syscalls/" #tp)                                                            \
	int name##_full(struct trace_event_raw_sys_exit *ctx)                                      \
	{                                                                                          \
		pathcall_exit(ctx, true, ret);                                                     \
		return SONDE_TP_KEEP;                                                              \
	}

_Static_assert(DPATH_SIZE == PATHCALL_PATH_MAX, "a directory's path fits an event's");

/* Bytes of a path given that the thread's entry store holds itself; a
 * longer one goes to a second store of the thread's, made when it first
 * needs one. The kernel takes about 2 us plus 2 us a KiB to make a task's
 * store, and most threads that open files are new processes with short
 * paths: 4 KiB each would add 10 us to every process. */
#define PATHCALL_SHORT 256

/* The call as its entry saw it, kept per thread until its exit. */
struct pathcall_entry {
	struct entry_arm arm;
	__u64 path; /* the caller's pointer, for a read at exit */
	__u32 flags;
	__s32 dirfd;
	__u16 mode;
	__u16 path_len; /* bytes of the path given, with its NUL; 0: not read */
	__u8 truncated;
	__u8 from;    /* enum stream_from of the path given */
	__u8 is_long; /* the path given is in the thread's pathcall_long */
	__u8 pad[5];
	char path_start[PATHCALL_SHORT];
};

SONDE_ENTRY_STORE(pathcall_entries, struct pathcall_entry);

struct pathcall_long {
	char path[PATHCALL_PATH_MAX];
};

SONDE_ENTRY_STORE(pathcall_longs, struct pathcall_long);

/* Where an event is built: a directory's or a file's path walked into dir,
 * then copied into e. */
struct pathcall_scratch {
	struct pathcall_event e;
	/* Room after e.path, so that the verifier sees a string read at any
	 * offset into it fit (it does not relate the offset to the size). */
	char slack[PATHCALL_PATH_MAX];
	struct dpath dir;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pathcall_scratch);
} pathcall_scratch SEC(".maps");

/* The path given at ptr into the thread's stores; returns its length with
 * the NUL, 0 when it cannot be read. A path longer than the short store's
 * goes to the long one, or is cut when the kernel has no room for that. */
static __always_inline __u32 pathcall_read_given(struct pathcall_entry *in, __u64 ptr)
{
	struct pathcall_long *lp;
	__u8 cut = 0;
	__u32 n;

	in->is_long = 0;
	in->truncated = 0;
	n = sonde_read_user_str(in->path_start, sizeof(in->path_start), (const void *)ptr, &cut);
	if (!cut)
		return n;
	lp = bpf_task_storage_get(&pathcall_longs, bpf_get_current_task_btf(), 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!lp) {
		in->truncated = 1;
		return n;
	}
	in->is_long = 1;
	return sonde_read_user_str(lp->path, sizeof(lp->path), (const void *)ptr, &in->truncated);
}

/* At entry: the call's arguments and the path they name into the thread's
 * entry store, unless the call is not to be reported (the tool's own, or
 * the task fails -p/-u/-c). empty_is_fd: an empty path names dirfd itself
 * (AT_EMPTY_PATH), which is no call on a path. */
static __always_inline void pathcall_enter(const struct trace_event_raw_sys_enter *ctx, __u64 path,
					   __s32 dirfd, __u32 flags, __u16 mode, bool empty_is_fd)
{
	struct pathcall_entry *in;
	__u32 n;

	if ((bpf_get_current_pid_tgid() >> 32) == pathcall_self_tgid || !sonde_filter_pass())
		return;
	in = entry_store_get(&pathcall_entries);
	if (!in)
		return;
	n = pathcall_read_given(in, path);
	if (empty_is_fd && n <= 1)
		return;
	in->path = path;
	in->flags = flags;
	in->dirfd = dirfd;
	in->mode = mode;
	in->path_len = n;
	in->from = n ? STREAM_FROM_ENTRY : STREAM_FROM_EXIT;
	entry_store_arm(&in->arm, ctx->id);
}

/* The kernel's path of the file behind the new descriptor fd into e;
 * false when it cannot be built (deeper or longer than dpath_of() goes, or
 * outside the task's root). */
static __always_inline bool pathcall_file_path(struct pathcall_scratch *s, struct pathcall_event *e,
					       int fd)
{
	struct file *f = sonde_fd_file(fd);
	struct path p;
	__u32 len;
	int start;

	if (!f || BPF_CORE_READ_INTO(&p, f, f_path))
		return false;
	start = dpath_of(&s->dir, p.dentry, p.mnt);
	if (start < 0)
		return false;
	len = (DPATH_END - start) & (PATHCALL_PATH_MAX - 1);
	if (!len) {
		e->path[len++] = '/'; /* the root itself */
	} else if (bpf_probe_read_kernel(e->path, len, &s->dir.buf[start & (DPATH_SIZE - 1)])) {
		return false;
	}
	e->path[len & (PATHCALL_PATH_MAX - 1)] = '\0';
	e->path_len = len + 1;
	e->truncated = 0;
	e->path_from = STREAM_FROM_KERNEL;
	return true;
}

/* -F: "DIR/PATH" for the relative path given (len bytes with its NUL) into
 * s->e.path; returns its length with the NUL, or 0 when the directory
 * cannot be found (the path is then sent as it is). */
static __always_inline __u32 pathcall_join(struct pathcall_scratch *s, const char *given, __u32 len)
{
	struct pathcall_event *e = &s->e;
	__u32 dlen, off;
	int start;
	long n;

	if (!len || given[0] == '/' || !given[0])
		return 0;
	start = file_dir_of(&s->dir, e->dirfd);
	if (start < 0)
		return 0;
	dlen = (DPATH_END - start) & (PATHCALL_PATH_MAX - 1);
	bpf_probe_read_kernel(e->path, dlen, &s->dir.buf[start & (DPATH_SIZE - 1)]);
	e->path[dlen] = '/';
	off = dlen + 1;
	n = bpf_probe_read_kernel_str(e->path + off, PATHCALL_PATH_MAX - off, given);
	if (n <= 0)
		return 0;
	if (len > PATHCALL_PATH_MAX - off)
		e->truncated = 1;
	return off + n;
}

/* The path given, as the entry read it (or the exit, when the entry could
 * not), into e: joined to its directory with -F. Returns its length with
 * the NUL. */
static __always_inline __u32 pathcall_given(struct pathcall_scratch *s, struct pathcall_entry *in,
					    bool full)
{
	struct pathcall_event *e = &s->e;
	const char *given = in->path_start;
	struct pathcall_long *lp;
	__u32 len, n = 0;

	if (!in->path_len)
		in->path_len = pathcall_read_given(in, in->path);
	if (in->is_long) {
		lp = bpf_task_storage_get(&pathcall_longs, bpf_get_current_task_btf(), 0, 0);
		if (!lp)
			return 0;
		given = lp->path;
	}
	e->truncated = in->truncated;
	e->path_from = in->from;
	len = in->path_len;
	if (len > PATHCALL_PATH_MAX)
		len = PATHCALL_PATH_MAX;
	if (full)
		n = pathcall_join(s, given, len);
	if (!n && len && !bpf_probe_read_kernel(e->path, len, given))
		n = len;
	return n;
}

/* Sends e with its first n bytes of path; ctx: the program's. */
static __always_inline void pathcall_send(void *ctx, struct pathcall_event *e, __u32 n)
{
	/* The mask tells the verifier the size is bounded. */
	__u64 size = offsetof(struct pathcall_event, path) + (n & (PATHCALL_PATH_MAX * 2 - 1));

	e->path_len = n;
	if (size > sizeof(*e))
		size = sizeof(*e);
	sonde_output(ctx, e, size);
}

/* At exit: the event of the call whose entry pathcall_enter() kept, with
 * its result and its path. full: -F (PATHCALL_EXIT's). */
static __always_inline void pathcall_exit(const struct trace_event_raw_sys_exit *ctx, bool full,
					  const enum pathcall_ret ret)
{
	struct pathcall_entry *in = entry_store_take(&pathcall_entries, ctx->id);
	struct pathcall_scratch *s;
	struct pathcall_event *e;
	__u32 zero = 0;

	if (!in || (pathcall_failed_only && ctx->ret >= 0))
		return;
	s = bpf_map_lookup_elem(&pathcall_scratch, &zero);
	if (!s)
		return;
	e = &s->e;
	stream_hdr_current(&e->h, bpf_get_current_pid_tgid(), STREAM_UID);
	e->ret = ctx->ret;
	e->flags = in->flags;
	e->dirfd = in->dirfd;
	e->mode = in->mode;
	e->nr = ctx->id;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	if (ret == PATHCALL_RET_FD && ctx->ret >= 0 && pathcall_file_path(s, e, ctx->ret))
		pathcall_send((void *)ctx, e, e->path_len);
	else
		pathcall_send((void *)ctx, e, pathcall_given(s, in, full));
}

#endif
