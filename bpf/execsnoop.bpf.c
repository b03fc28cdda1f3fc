// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* execsnoop: execve()/execveat() as they return.
 *
 * A successful exec is reported from the syscall's exit tracepoint, already in
 * the new program: its arguments are read in one copy from the new stack
 * (mm->arg_start..arg_end), where the kernel has just written them, and the
 * file it runs is the new mm's exe_file, which the exec has just set from its
 * linux_binprm (what /proc/PID/exe shows): neither the name the caller gave
 * (comm) nor argv[0], which exec -a chooses, says which file that is.
 *
 * A failed exec (-x) leaves no new program: its arguments are what the
 * caller's argv held as the call entered, copied then into the thread's
 * entry store (another thread could have rewritten them by the exit). The
 * entry programs load only with -x. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/execsnoop.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/syscall.bpf.h"
#include "bpf/lib/task.bpf.h"
#include "bpf/lib/dpath.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 trace_failed = 0;
const volatile __u32 max_args = 20;

_Static_assert(DPATH_SIZE == EXECSNOOP_EXE_MAX, "a walked path fits an event's");

/* A failed exec's arguments, copied at entry (-x). */
struct exec_entry {
	struct entry_arm arm;
	__u64 argv;
	__u32 size;  /* bytes of args used */
	__u32 flags; /* EXECSNOOP_F_* */
	__u8 fault;  /* a read failed: the page was not in memory */
	__u8 pad[7];
	char args[EXECSNOOP_ARGS_SIZE];
};

SONDE_ENTRY_STORE(execs, struct exec_entry);

struct exec_scratch {
	struct execsnoop_event e;
	struct dpath dir;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_scratch);
} scratch SEC(".maps");

/* ------------------------------------------------------ a caller's argv --- */

/* bpf_loop()'s context: the store being filled. */
struct argv_walk {
	struct exec_entry *x;
};

/* bpf_loop()'s step: argument i into x->args at x->size; 1 stops the
 * walk. A loop of the program's own would make the verifier walk every
 * iteration (128 arguments went past its limit of a million
 * instructions); the offset is kept in the map value, which the verifier
 * does not follow from one step to the next, so that one pass over the
 * step is enough. */
static long read_arg(__u32 i, void *ctx)
{
	struct exec_entry *x = ((struct argv_walk *)ctx)->x;
	__u32 off = x->size;
	__u64 arg = 0;
	long n;

	if (bpf_probe_read_user(&arg, sizeof(arg), (void *)(x->argv + i * sizeof(arg)))) {
		x->fault = 1;
		return 1;
	}
	if (!arg)
		return 1;
	if (i >= max_args || off > EXECSNOOP_ARGS_SIZE - EXECSNOOP_ARG_LEN) {
		x->flags |= EXECSNOOP_F_TRUNCATED;
		return 1;
	}
	n = bpf_probe_read_user_str(&x->args[off], EXECSNOOP_ARG_LEN, (void *)arg);
	if (n <= 0) {
		x->fault = 1;
		return 1;
	}
	if (n == EXECSNOOP_ARG_LEN)
		x->flags |= EXECSNOOP_F_TRUNCATED;
	x->size = off + n;
	return 0;
}

/* The caller's argv, from x->argv, into x (one more look than --max-args,
 * to see whether there were more). */
static __always_inline void read_argv(struct exec_entry *x)
{
	struct argv_walk w = { .x = x };

	x->size = 0;
	x->flags = 0;
	x->fault = 0;
	bpf_loop(max_args + 1, read_arg, &w, 0);
}

static __always_inline void remember_argv(const struct trace_event_raw_sys_enter *ctx, __u64 argv)
{
	struct exec_entry *x;

	if (!sonde_filter_pass())
		return;
	x = entry_store_get(&execs);
	if (!x)
		return;
	x->argv = argv;
	read_argv(x);
	entry_store_arm(&x->arm, ctx->id);
}

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	remember_argv(ctx, ctx->args[1]);
	return SONDE_TP_KEEP;
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int handle_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	remember_argv(ctx, ctx->args[2]);
	return SONDE_TP_KEEP;
}

/* A failed exec's arguments as the entry copied them or, when a page was
 * not in memory then, as the caller's argv holds them now. */
static __always_inline void old_args(struct execsnoop_event *e, struct exec_entry *x)
{
	__u32 size;

	e->args_from = STREAM_FROM_ENTRY;
	if (x->fault) {
		read_argv(x);
		e->args_from = STREAM_FROM_EXIT;
	}
	size = x->size;
	if (size > EXECSNOOP_ARGS_SIZE)
		size = EXECSNOOP_ARGS_SIZE;
	if (bpf_probe_read_kernel(e->data, size, x->args))
		size = 0;
	e->args_size = size;
	e->flags = x->flags;
}

/* -------------------------------------------------------- a new program --- */

/* Its arguments, as the kernel laid them out. */
static __always_inline void new_args(struct execsnoop_event *e)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	__u64 start = BPF_CORE_READ(mm, arg_start);
	__u64 len = BPF_CORE_READ(mm, arg_end) - start;

	e->args_from = STREAM_FROM_KERNEL;
	if (len > EXECSNOOP_ARGS_SIZE) {
		len = EXECSNOOP_ARGS_SIZE;
		e->flags |= EXECSNOOP_F_TRUNCATED;
	}
	if (len == 0 || bpf_probe_read_user(e->data, len, (void *)start))
		return;
	e->args_size = len;
}

/* The file it runs: its path after the arguments. A file of no directory
 * the task can reach (a memfd's, say) is given by its name alone. */
static __always_inline void new_exe(struct exec_scratch *s)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct execsnoop_event *e = &s->e;
	__u32 off = e->args_size, len;
	struct path p;
	struct qstr name;
	int start;

	if (off > EXECSNOOP_ARGS_SIZE)
		off = EXECSNOOP_ARGS_SIZE;
	if (BPF_CORE_READ_INTO(&p, task, mm, exe_file, f_path))
		return;
	start = dpath_of(&s->dir, p.dentry, p.mnt);
	if (start >= 0) {
		len = (DPATH_END - start) & (EXECSNOOP_EXE_MAX - 1);
		if (bpf_probe_read_kernel(&e->data[off], len,
					  &s->dir.buf[start & (DPATH_SIZE - 1)]))
			return;
	} else {
		if (BPF_CORE_READ_INTO(&name, p.dentry, d_name))
			return;
		len = name.len & DPATH_NAME_MAX;
		if (bpf_probe_read_kernel(&e->data[off], len, name.name))
			return;
	}
	e->data[(off + len) & (sizeof(e->data) - 1)] = '\0';
	e->exe_len = len + 1;
}

/* Frees the thread's entry store: after its exec it may live long, and
 * not exec again. */
static __always_inline void forget_argv(void)
{
	bpf_task_storage_delete(&execs, bpf_get_current_task_btf());
}

static __always_inline void report_exec(const struct trace_event_raw_sys_exit *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	long ret = ctx->ret;
	struct exec_entry *x = NULL;
	struct exec_scratch *s;
	struct execsnoop_event *e;
	__u32 zero = 0;
	__u64 size;

	if (trace_failed)
		x = entry_store_take(&execs, ctx->id);
	if (ret < 0 && !x)
		return;
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s || (ret >= 0 && !sonde_filter_pass()))
		goto out;
	e = &s->e;
	stream_hdr_current(&e->h, pid_tgid, STREAM_UID);
	e->ppid = sonde_current_ppid();
	e->ret = ret;
	e->flags = 0;
	e->args_size = 0;
	e->exe_len = 0;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	if (ret >= 0) {
		new_args(e);
		new_exe(s);
	} else {
		old_args(e, x);
	}
	size = offsetof(struct execsnoop_event, data) +
	       ((e->args_size + e->exe_len) & (sizeof(e->data) * 2 - 1));
	if (size > sizeof(*e))
		size = sizeof(*e);
	sonde_output((void *)ctx, e, size);
out:
	if (x)
		forget_argv();
}

SEC("tracepoint/syscalls/sys_exit_execve")
int handle_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	report_exec(ctx);
	return SONDE_TP_KEEP;
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int handle_exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	report_exec(ctx);
	return SONDE_TP_KEEP;
}
