// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* killsnoop: signals as they are sent.
 *
 * Two sources, each signal reported once:
 * - signal:signal_generate fires in the sender's context for every signal
 *   the kernel generates, kill() or not (faults, SIGCHLD, SIGPIPE, timers,
 *   the OOM killer), with the kernel's delivery result;
 * - the exits of kill(), tkill() and tgkill() give the calls that generated
 *   nothing: a failure (ESRCH: no such process; EPERM) or signal 0.
 * The entry of a kill-family call stashes its arguments per thread; a
 * signal_generate inside it marks the stash "generated" and is reported
 * (source "syscall"), so the call's exit stays silent. With -k, only the
 * syscall hooks load and every call is reported at its exit. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "common/killsnoop.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/syscall.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 failed_only = 0;
const volatile __s32 target_sig = 0; /* -s; 0: every signal */

struct kill_call {
	struct entry_arm arm;
	__s32 tpid;
	__s32 sig;
	__u32 generated; /* signal_generate fired inside this call */
	__u32 pad;
};

SONDE_ENTRY_STORE(calls, struct kill_call);

static __always_inline void report(void *ctx, __s32 tpid, __s32 sig, __s32 result, __u8 source)
{
	struct killsnoop_event *e = sonde_reserve(sizeof(*e));

	if (!e)
		return;
	stream_hdr_current(&e->h, bpf_get_current_pid_tgid(), STREAM_NO_UID);
	e->tpid = tpid;
	e->sig = sig;
	e->result = result;
	e->source = source;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	sonde_submit(ctx, e);
}

static __always_inline void enter_kill(long nr, __s32 tpid, __s32 sig)
{
	struct kill_call *c;

	if (!sonde_filter_pass() || (target_sig && sig != target_sig))
		return;
	c = entry_store_get(&calls);
	if (!c)
		return;
	c->tpid = tpid;
	c->sig = sig;
	c->generated = 0;
	entry_store_arm(&c->arm, nr);
}

static __always_inline void exit_kill(struct trace_event_raw_sys_exit *ctx)
{
	struct kill_call *c = entry_store_take(&calls, ctx->id);
	long ret = ctx->ret;
	struct kill_call call;

	if (!c)
		return;
	call = *c;
	/* Its signals were reported as they were generated. */
	if (call.generated)
		return;
	if (failed_only && ret >= 0)
		return;
	report(ctx, call.tpid, call.sig, ret, KILLSNOOP_SYSCALL);
}

SEC("tracepoint/syscalls/sys_enter_kill")
int handle_enter_kill(struct trace_event_raw_sys_enter *ctx)
{
	enter_kill(ctx->id, ctx->args[0], ctx->args[1]);
	return SONDE_TP_KEEP;
}

SEC("tracepoint/syscalls/sys_enter_tkill")
int handle_enter_tkill(struct trace_event_raw_sys_enter *ctx)
{
	enter_kill(ctx->id, ctx->args[0], ctx->args[1]);
	return SONDE_TP_KEEP;
}

SEC("tracepoint/syscalls/sys_enter_tgkill")
int handle_enter_tgkill(struct trace_event_raw_sys_enter *ctx)
{
	enter_kill(ctx->id, ctx->args[1], ctx->args[2]);
	return SONDE_TP_KEEP;
}

SEC("tracepoint/syscalls/sys_exit_kill")
int handle_exit_kill(struct trace_event_raw_sys_exit *ctx)
{
	exit_kill(ctx);
	return SONDE_TP_KEEP;
}

SEC("tracepoint/syscalls/sys_exit_tkill")
int handle_exit_tkill(struct trace_event_raw_sys_exit *ctx)
{
	exit_kill(ctx);
	return SONDE_TP_KEEP;
}

SEC("tracepoint/syscalls/sys_exit_tgkill")
int handle_exit_tgkill(struct trace_event_raw_sys_exit *ctx)
{
	exit_kill(ctx);
	return SONDE_TP_KEEP;
}

/* Not loaded with -k. The current task is the sender; for a signal raised
 * in interrupt context (a timer), it is whichever task was interrupted. */
static __always_inline void generate(struct trace_event_raw_signal_generate *ctx)
{
	struct kill_call *c = entry_store_peek(&calls);
	__u8 source = KILLSNOOP_KERNEL;
	__s32 sig = ctx->sig;

	/* Only calls that passed the filters are armed. The signal
	 * must match: an interrupt can generate another one in its middle. */
	if (c && c->sig == sig) {
		c->generated = 1;
		source = KILLSNOOP_SYSCALL;
	} else if (!sonde_filter_pass()) {
		return;
	}
	if (target_sig && sig != target_sig)
		return;
	if (failed_only && ctx->result != KILLSNOOP_OVERFLOW_FAIL)
		return;
	report(ctx, ctx->pid, sig, ctx->result, source);
}

SEC("tracepoint/signal/signal_generate")
int handle_generate(struct trace_event_raw_signal_generate *ctx)
{
	generate(ctx);
	return SONDE_TP_KEEP;
}
