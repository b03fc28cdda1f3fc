// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* execsnoop: execve()/execveat() as they return.
 *
 * A successful exec is reported from the syscall's exit tracepoint, already in
 * the new program: its arguments are read in one copy from the new stack
 * (mm->arg_start..arg_end), where the kernel has just written them. A failed
 * exec (-x) has no new stack, so its argv pointer is remembered at syscall
 * entry and walked at exit; the entry programs load only when -x is given. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/execsnoop.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/syscall.bpf.h"
#include "bpf/lib/task.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 trace_failed = 0;
const volatile __u32 max_args = 20;

/* argv of execs in flight, by thread (only with -x). The thread's own
 * storage follows it when a non-leader thread's exec takes the leader's ID. */
SONDE_STASH(argv_by_thread, __u64);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct execsnoop_event);
} scratch SEC(".maps");

static __always_inline void remember_argv(__u64 argv)
{
	__u64 *s;

	if (!sonde_filter_pass())
		return;
	s = stash_new(&argv_by_thread);
	if (s)
		*s = argv;
}

/* The argv remembered at entry (-x), into *argv; false when there is none. */
static __always_inline bool take_argv(__u64 *argv)
{
	__u64 *s = stash_get(&argv_by_thread);

	if (!s)
		return false;
	*argv = *s;
	stash_drop(&argv_by_thread);
	return true;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int handle_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	remember_argv(ctx->args[1]);
	return SONDE_TP_KEEP;
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int handle_enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	remember_argv(ctx->args[2]);
	return SONDE_TP_KEEP;
}

/* The new program's arguments, as the kernel laid them out. */
static __always_inline void read_new_args(struct execsnoop_event *e)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct mm_struct *mm = BPF_CORE_READ(task, mm);
	__u64 start = BPF_CORE_READ(mm, arg_start);
	__u64 len = BPF_CORE_READ(mm, arg_end) - start;

	if (len > EXECSNOOP_ARGS_SIZE) {
		len = EXECSNOOP_ARGS_SIZE;
		e->flags |= EXECSNOOP_F_TRUNCATED;
	}
	if (len == 0 || bpf_probe_read_user(e->args, len, (void *)start))
		return;
	e->args_size = len;
}

/* A failed exec's arguments, from the caller's argv. */
static __always_inline void read_old_args(struct execsnoop_event *e, __u64 argv)
{
	__u32 off = 0;

	for (__u32 i = 0; i < EXECSNOOP_MAX_ARGS; i++) {
		__u64 arg = 0;
		long n;

		if (bpf_probe_read_user(&arg, sizeof(arg), (void *)(argv + i * sizeof(arg))) ||
		    !arg)
			break;
		if (i >= max_args || off > EXECSNOOP_ARGS_SIZE - EXECSNOOP_ARG_LEN) {
			e->flags |= EXECSNOOP_F_TRUNCATED;
			break;
		}
		n = bpf_probe_read_user_str(&e->args[off], EXECSNOOP_ARG_LEN, (void *)arg);
		if (n <= 0)
			break;
		if (n == EXECSNOOP_ARG_LEN)
			e->flags |= EXECSNOOP_F_TRUNCATED;
		off += n;
	}
	e->args_size = off;
}

static __always_inline void report_exec(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct execsnoop_event *e;
	bool have_argv = false;
	__u64 argv = 0, size;
	__u32 zero = 0;

	if (trace_failed)
		have_argv = take_argv(&argv);
	if (ret < 0 && !have_argv)
		return;
	if (ret >= 0 && !sonde_filter_pass())
		return;
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return;

	stream_hdr_current(&e->h, pid_tgid, STREAM_UID);
	e->ppid = sonde_current_ppid();
	e->ret = ret;
	e->flags = 0;
	e->args_size = 0;
	if (ret >= 0)
		read_new_args(e);
	else
		read_old_args(e, argv);

	size =
	    offsetof(struct execsnoop_event, args) + (e->args_size & (EXECSNOOP_ARGS_SIZE * 2 - 1));
	if (size > sizeof(*e))
		size = sizeof(*e);
	sonde_output(e, size);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int handle_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	report_exec(ctx->ret);
	return SONDE_TP_KEEP;
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int handle_exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	report_exec(ctx->ret);
	return SONDE_TP_KEEP;
}
