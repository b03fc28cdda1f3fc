// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* filetop: the bytes each process reads and writes through a descriptor,
 * counted per process and file (device, inode) at the exit tracepoints of
 * the read and write calls (bpf/lib/top.bpf.h); the file of the descriptor
 * is found in the kernel (bpf/lib/file.bpf.h), and its path noted once an
 * interval. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/filetop.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/file.bpf.h"
#define TOP_KEY struct filetop_key
#define TOP_MAX_KEYS FILETOP_MAX_KEYS
#include "bpf/lib/top.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 all_kinds = 0; /* -a: not only regular files */
const volatile __u32 self_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FILETOP_MAX_FILES);
	__type(key, struct filetop_file_id);
	__type(value, struct filetop_file);
} files SEC(".maps");

/* Where a file's path is walked and its note made, per CPU. */
struct note {
	struct dpath d;
	struct filetop_file v;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct note);
} notes SEC(".maps");

/* Notes the kind and path of file f (once an interval). */
static __always_inline void note_file(struct file *f, const struct filetop_file_id *id, __u8 kind)
{
	__u32 zero = 0;
	struct note *n = bpf_map_lookup_elem(&notes, &zero);

	if (!n)
		return;
	n->v.kind = kind;
	n->v.pad = 0;
	n->v.path_len = file_path(&n->d, f, n->v.path, sizeof(n->v.path), &n->v.truncated);
	bpf_map_update_elem(&files, id, &n->v, BPF_ANY);
}

static __always_inline void count_call(long ret, bool write)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct filetop_file_id id = {};
	struct filetop_key key = {};
	struct top_val add = {};
	struct file *f;
	__u8 kind;

	if (ret <= 0 || (pid_tgid >> 32) == self_tgid || !sonde_filter_pass())
		return;
	f = sonde_fd_file(file_syscall_fd());
	if (!f)
		return;
	kind = file_kind(f);
	if (!all_kinds && kind != FILE_KIND_REGULAR)
		return;
	key.ino = id.ino = BPF_CORE_READ(f, f_inode, i_ino);
	key.dev = id.dev = BPF_CORE_READ(f, f_inode, i_sb, s_dev);
	key.cgroup_id = bpf_get_current_cgroup_id();
	key.pid = pid_tgid >> 32;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	if (write) {
		add.writes = 1;
		add.write_bytes = ret;
	} else {
		add.reads = 1;
		add.read_bytes = ret;
	}
	if (top_add(&key, &add))
		note_file(f, &id, kind);
}

#define FILETOP_EXIT(call, write)                                                                  \
	SEC("tracepoint/syscalls/sys_exit_" #call)                                                 \
	int handle_##call(struct trace_event_raw_sys_exit *ctx)                                    \
	{                                                                                          \
		count_call(ctx->ret, write);                                                       \
		return SONDE_TP_KEEP;                                                              \
	}

FILETOP_EXIT(read, false)
FILETOP_EXIT(pread64, false)
FILETOP_EXIT(readv, false)
FILETOP_EXIT(preadv, false)
FILETOP_EXIT(preadv2, false)
FILETOP_EXIT(write, true)
FILETOP_EXIT(pwrite64, true)
FILETOP_EXIT(writev, true)
FILETOP_EXIT(pwritev, true)
FILETOP_EXIT(pwritev2, true)
