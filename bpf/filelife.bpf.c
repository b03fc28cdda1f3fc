// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* filelife: files created and then removed, with their age. A file is
 * followed from the open that created it (the struct file the open returns
 * says so: FMODE_CREATED) to the unlink that removes it, or to the rename
 * that replaces it, which sends an event; a rename of a followed file takes
 * its record along.
 *
 * No tracepoint gives the inode an unlink removes, so a file is known by
 * its path, as the calls give it, made absolute in the kernel: the path of
 * the directory it is relative to (the call's dirfd, or the working
 * directory) walked from its dentries, a '/', then the name given, read at
 * the call's entry, its leading "./" dropped. The key is a 64-bit FNV-1a
 * hash of that path. A file created and removed through two different
 * spellings (a symbolic link on the way, a "..") is not matched.
 *
 * Hooks: the syscall tracepoints of open, openat, openat2, creat (with
 * O_CREAT), unlink, unlinkat, rename, renameat and renameat2. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/filelife.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/syscall.bpf.h"
#include "bpf/lib/file.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* include/linux/fs.h: the open created the file (bit 20 since 4.19). */
#define FMODE_CREATED 0x100000
/* include/uapi/asm-generic/fcntl.h */
#define FILELIFE_O_CREAT 0100
/* include/uapi/linux/fs.h */
#define FILELIFE_RENAME_EXCHANGE 2

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, FILELIFE_MAX_FILES);
	__type(key, __u64);
	__type(value, struct filelife_birth);
} births SEC(".maps");

/* A call in flight: the keys of the paths it names, and where they are in
 * the caller's memory, for a key the entry could not make: a path in a page
 * not yet in memory cannot be read there (the program may not fault), and
 * is read at the exit, once the kernel has. */
struct entry {
	struct entry_arm arm;
	__u64 key;  /* the path created or removed; a rename's old path; 0: not made */
	__u64 key2; /* a rename's new path */
	__u64 path, path2;
	__s32 dirfd, dirfd2;
	__u32 flags;
	__u32 pad;
};

SONDE_ENTRY_STORE(entries, struct entry);

/* Where paths are read, walked and built, per CPU. */
struct scratch {
	struct dpath d;
	char given[DPATH_SIZE];
	struct filelife_birth b;
	struct filelife_event e;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratches SEC(".maps");

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

struct fnv_ctx {
	__u64 h;
	const char *buf; /* DPATH_SIZE bytes */
	__u32 off;
};

static long fnv_step(__u32 i, void *vctx)
{
	struct fnv_ctx *c = vctx;

	c->h ^= (__u8)c->buf[(c->off + i) & (DPATH_SIZE - 1)];
	c->h *= FNV_PRIME;
	return 0;
}

/* h with the len bytes of buf from off (buf of DPATH_SIZE) hashed in:
 * through bpf_loop(), which the verifier checks once, not once a byte. */
static __always_inline __u64 fnv(__u64 h, const char *buf, __u32 off, __u32 len)
{
	struct fnv_ctx c = { .h = h, .buf = buf, .off = off };

	bpf_loop(len & (DPATH_SIZE - 1), fnv_step, &c, 0);
	return c.h;
}

/* The key of the path at upath (the caller's memory), relative to dirfd; 0
 * when it cannot be read or its directory walked. */
static __always_inline __u64 path_key(struct scratch *s, const void *upath, __s32 dirfd)
{
	long n = bpf_probe_read_user_str(s->given, sizeof(s->given), upath);
	__u64 h = FNV_OFFSET;
	__u32 off = 0;
	int start;

	if (n <= 1)
		return 0;
	if (s->given[0] != '/') {
		start = file_dir_of(&s->d, dirfd);
		if (start < 0)
			return 0;
		h = fnv(h, s->d.buf, start, DPATH_END - start);
		h = (h ^ '/') * FNV_PRIME;
		for (int i = 0; i < 8 && s->given[off & (DPATH_SIZE - 1)] == '.' &&
				s->given[(off + 1) & (DPATH_SIZE - 1)] == '/';
		     i++)
			off += 2;
	}
	h = fnv(h, s->given, off, n - 1 - off);
	return h ?: 1;
}

static __always_inline struct scratch *scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratches, &zero);
}

/* The programs that do the work, reached by tail calls from those on the
 * syscalls (below): the verifier checks each walk of paths once, not once
 * per syscall (18 programs took 1.8 s to load, 4 of them now do). */
enum { JUMP_ENTER, JUMP_EXIT_OPEN, JUMP_EXIT_UNLINK, JUMP_EXIT_RENAME, JUMPS };

int enter_keys(struct trace_event_raw_sys_enter *ctx);
int exit_open(struct trace_event_raw_sys_exit *ctx);
int exit_unlink(struct trace_event_raw_sys_exit *ctx);
int exit_rename(struct trace_event_raw_sys_exit *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, JUMPS);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} jumps SEC(".maps") = {
	.values = {
		[JUMP_ENTER] = (void *)&enter_keys,
		[JUMP_EXIT_OPEN] = (void *)&exit_open,
		[JUMP_EXIT_UNLINK] = (void *)&exit_unlink,
		[JUMP_EXIT_RENAME] = (void *)&exit_rename,
	},
};

/* At a call's entry: where its paths are (path2 only for a rename), kept
 * for enter_keys() and its exit. filtered: only calls of tasks that pass -p
 * and -c. */
static __always_inline void enter(void *ctx, long nr, const void *path, __s32 dirfd,
				  const void *path2, __s32 dirfd2, __u32 flags, bool filtered)
{
	struct entry *in;

	if (filtered && !sonde_filter_pass())
		return;
	in = entry_store_get(&entries);
	if (!in)
		return;
	in->key = 0;
	in->key2 = 0;
	in->path = (__u64)path;
	in->path2 = (__u64)path2;
	in->dirfd = dirfd;
	in->dirfd2 = dirfd2;
	in->flags = flags;
	entry_store_arm(&in->arm, nr);
	bpf_tail_call(ctx, &jumps, JUMP_ENTER);
}

/* The keys of the paths of the call entered, made while the paths are
 * still there (a removal's is gone at its exit). */
SEC("tracepoint")
int enter_keys(struct trace_event_raw_sys_enter *ctx)
{
	struct entry *in = bpf_task_storage_get(&entries, bpf_get_current_task_btf(), 0, 0);
	struct scratch *s = scratch();

	if (!in || !s)
		return SONDE_TP_KEEP;
	in->key = path_key(s, (const void *)in->path, in->dirfd);
	if (in->path2)
		in->key2 = path_key(s, (const void *)in->path2, in->dirfd2);
	return SONDE_TP_KEEP;
}

/* At the exit of a call that succeeded: its keys, those the entry could
 * not make made now; false when the first cannot be. */
static __always_inline bool exit_keys(struct scratch *s, struct entry *in)
{
	if (!in->key)
		in->key = path_key(s, (const void *)in->path, in->dirfd);
	if (!in->key2 && in->path2)
		in->key2 = path_key(s, (const void *)in->path2, in->dirfd2);
	return in->key;
}

/* An open's entry: followed only with O_CREAT, by tasks that pass -p and -c. */
static __always_inline void enter_open(void *ctx, long nr, const void *path, __s32 dirfd,
				       __u64 flags)
{
	if (flags & FILELIFE_O_CREAT)
		enter(ctx, nr, path, dirfd, NULL, 0, 0, true);
}

/* An open's exit: the file it created is followed. */
SEC("tracepoint")
int exit_open(struct trace_event_raw_sys_exit *ctx)
{
	struct entry *in = entry_store_take(&entries, ctx->id);
	struct scratch *s;
	struct file *f;

	if (!in || ctx->ret < 0)
		return SONDE_TP_KEEP;
	f = sonde_fd_file(ctx->ret);
	if (!f || !(BPF_CORE_READ(f, f_mode) & FMODE_CREATED))
		return SONDE_TP_KEEP;
	s = scratch();
	if (!s || !exit_keys(s, in))
		return SONDE_TP_KEEP;
	s->b.ns = bpf_ktime_get_ns();
	s->b.pid = bpf_get_current_pid_tgid() >> 32;
	s->b.pad = 0;
	s->b.path_len = file_path(&s->d, f, s->b.path, sizeof(s->b.path), &s->b.truncated);
	if (bpf_map_update_elem(&births, &in->key, &s->b, BPF_ANY))
		sonde_count_lost();
	return SONDE_TP_KEEP;
}

/* The end of the life of the file followed as key: its event. */
static __always_inline void send_end(void *ctx, struct scratch *s, __u64 key, __u8 end)
{
	struct filelife_birth *b = bpf_map_lookup_elem(&births, &key);
	struct filelife_event *e = &s->e;
	__u32 len;

	if (!b)
		return;
	stream_hdr_current(&e->h, bpf_get_current_pid_tgid(), STREAM_UID);
	e->age_ns = e->h.ts_ns - b->ns;
	e->creator_pid = b->pid;
	e->end = end;
	e->truncated = b->truncated;
	len = b->path_len;
	if (len > FILELIFE_PATH_MAX)
		len = FILELIFE_PATH_MAX;
	e->path_len = len;
	bpf_probe_read_kernel(e->path, len, b->path);
	bpf_map_delete_elem(&births, &key);
	sonde_output(ctx, e, offsetof(struct filelife_event, path) + len);
}

SEC("tracepoint")
int exit_unlink(struct trace_event_raw_sys_exit *ctx)
{
	struct entry *in = entry_store_take(&entries, ctx->id);
	struct scratch *s;

	if (!in || ctx->ret != 0)
		return SONDE_TP_KEEP;
	s = scratch();
	if (s && exit_keys(s, in))
		send_end((void *)ctx, s, in->key, FILELIFE_UNLINK);
	return SONDE_TP_KEEP;
}

/* A rename: a followed file renamed over ends; the renamed one moves. */
SEC("tracepoint")
int exit_rename(struct trace_event_raw_sys_exit *ctx)
{
	struct entry *in = entry_store_take(&entries, ctx->id);
	struct filelife_birth *old, *new;
	struct scratch *s;

	if (!in || ctx->ret != 0)
		return SONDE_TP_KEEP;
	s = scratch();
	if (!s || !exit_keys(s, in) || !in->key2 || in->key == in->key2)
		return SONDE_TP_KEEP;
	new = bpf_map_lookup_elem(&births, &in->key2);
	if (new && (in->flags & FILELIFE_RENAME_EXCHANGE))
		__builtin_memcpy(&s->b, new, sizeof(s->b));
	else if (new)
		send_end((void *)ctx, s, in->key2, FILELIFE_RENAME);
	old = bpf_map_lookup_elem(&births, &in->key);
	if (old) {
		if (bpf_map_update_elem(&births, &in->key2, old, BPF_ANY))
			sonde_count_lost();
		bpf_map_delete_elem(&births, &in->key);
	}
	if (new && (in->flags & FILELIFE_RENAME_EXCHANGE) &&
	    bpf_map_update_elem(&births, &in->key, &s->b, BPF_ANY))
		sonde_count_lost();
	return SONDE_TP_KEEP;
}

#define FILELIFE_ENTER(call)                                                                       \
	static __always_inline void call##_body(const struct trace_event_raw_sys_enter *ctx);      \
	SEC("tracepoint/syscalls/sys_enter_" #call)                                                \
	int handle_enter_##call(struct trace_event_raw_sys_enter *ctx)                             \
	{                                                                                          \
		call##_body(ctx);                                                                  \
		return SONDE_TP_KEEP;                                                              \
	}                                                                                          \
	static __always_inline void call##_body(const struct trace_event_raw_sys_enter *ctx)

#define FILELIFE_EXIT(call, jump)                                                                  \
	SEC("tracepoint/syscalls/sys_exit_" #call)                                                 \
	int handle_exit_##call(struct trace_event_raw_sys_exit *ctx)                               \
	{                                                                                          \
		bpf_tail_call(ctx, &jumps, jump);                                                  \
		return SONDE_TP_KEEP;                                                              \
	}

FILELIFE_ENTER(open)
{
	enter_open((void *)ctx, ctx->id, (void *)ctx->args[0], FILE_AT_FDCWD, ctx->args[1]);
}

FILELIFE_ENTER(openat)
{
	enter_open((void *)ctx, ctx->id, (void *)ctx->args[1], ctx->args[0], ctx->args[2]);
}

/* openat2's flags are the first field of its struct open_how. */
FILELIFE_ENTER(openat2)
{
	__u64 flags = 0;

	bpf_probe_read_user(&flags, sizeof(flags), (void *)ctx->args[2]);
	enter_open((void *)ctx, ctx->id, (void *)ctx->args[1], ctx->args[0], flags);
}

FILELIFE_ENTER(creat)
{
	enter_open((void *)ctx, ctx->id, (void *)ctx->args[0], FILE_AT_FDCWD, FILELIFE_O_CREAT);
}

/* A removal or a rename by any task: the file's life is its creator's. */
FILELIFE_ENTER(unlink)
{
	enter((void *)ctx, ctx->id, (void *)ctx->args[0], FILE_AT_FDCWD, NULL, 0, 0, false);
}

FILELIFE_ENTER(unlinkat)
{
	enter((void *)ctx, ctx->id, (void *)ctx->args[1], ctx->args[0], NULL, 0, 0, false);
}

FILELIFE_ENTER(rename)
{
	enter((void *)ctx, ctx->id, (void *)ctx->args[0], FILE_AT_FDCWD, (void *)ctx->args[1],
	      FILE_AT_FDCWD, 0, false);
}

FILELIFE_ENTER(renameat)
{
	enter((void *)ctx, ctx->id, (void *)ctx->args[1], ctx->args[0], (void *)ctx->args[3],
	      ctx->args[2], 0, false);
}

FILELIFE_ENTER(renameat2)
{
	enter((void *)ctx, ctx->id, (void *)ctx->args[1], ctx->args[0], (void *)ctx->args[3],
	      ctx->args[2], ctx->args[4], false);
}

FILELIFE_EXIT(open, JUMP_EXIT_OPEN)
FILELIFE_EXIT(openat, JUMP_EXIT_OPEN)
FILELIFE_EXIT(openat2, JUMP_EXIT_OPEN)
FILELIFE_EXIT(creat, JUMP_EXIT_OPEN)
FILELIFE_EXIT(unlink, JUMP_EXIT_UNLINK)
FILELIFE_EXIT(unlinkat, JUMP_EXIT_UNLINK)
FILELIFE_EXIT(rename, JUMP_EXIT_RENAME)
FILELIFE_EXIT(renameat, JUMP_EXIT_RENAME)
FILELIFE_EXIT(renameat2, JUMP_EXIT_RENAME)
