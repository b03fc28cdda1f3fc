// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* capable: capability checks, as cap_capable() decides them.
 *
 * Three ways in, one per kind of kernel; user space loads exactly one:
 * - the capability:cap_capable tracepoint (Linux 6.13+), as tp_btf: the
 *   capability and the verdict, not the audit/insetid options;
 * - fexit on cap_capable() (older kernels with BPF trampolines): arguments
 *   and return value in one program;
 * - kprobe + kretprobe on cap_capable() (kernels with kprobes only): the
 *   arguments are kept per thread from entry to return.
 * Before 6.13 cap_capable() is (cred, target_ns, cap, opts) on every kernel
 * with a BPF ring buffer (5.8+), which is all the fallbacks read. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
/* Events reserved whole with their kernel stack (-K): 1088 bytes. */
#define STREAM_SCRATCH_SIZE 1152
#include "common/capable.h"
#include "bpf/lib/btfsrc.bpf.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stack_event.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/syscall.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* -x: only denied checks. */
const volatile __u8 denied_only = 0;
/* --unique: each capability once per process. */
const volatile __u8 unique = 0;
/* The tool's own process: its checks are not the user's. */
const volatile __u32 self_tgid = 0;

/* --unique: the capabilities already reported for a process (bit n:
 * capability n), in its group leader's task storage. An LRU of (process,
 * capability) pairs let any user push the pairs of others out with pairs of
 * its own, so they showed again; this has no size, and goes with the
 * process (a reused PID is another task). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} seen SEC(".maps");

/* Capabilities that fit the bitmap: all of them (CAP_LAST_CAP is 40). */
#define CAPABLE_SEEN_BITS 64

/* kprobe path: cap_capable()'s arguments, by thread, until it returns. */
struct cap_call {
	struct entry_arm arm;
	__s32 cap;
	__u32 opts;
};

SONDE_ENTRY_STORE(calls, struct cap_call);

/* What the kprobe pair arms its entry with: a function's call, not a
 * syscall's, so a number no syscall has. */
#define CAP_CALL_ENTRY 0x10000

static __always_inline bool wanted(void)
{
	return (bpf_get_current_pid_tgid() >> 32) != self_tgid && sonde_filter_pass();
}

/* --unique: true the first time this process checks this capability (and
 * when that cannot be remembered: a repeat at worst, never a check unseen). */
static __always_inline bool first_time(int cap)
{
	struct task_struct *leader = bpf_get_current_task_btf()->group_leader;
	__u64 *caps, bit;

	if (cap < 0 || cap >= CAPABLE_SEEN_BITS)
		return true;
	caps = bpf_task_storage_get(&seen, leader, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!caps)
		return true;
	bit = 1ULL << cap;
	return !(__sync_fetch_and_or(caps, bit) & bit);
}

static __always_inline int report(void *ctx, int cap, int ret, __u32 opts, __u32 flags)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct capable_stack_event *se = NULL;
	struct capable_event *e;

	if (denied_only && ret == 0)
		return 0;
	if (!wanted())
		return 0;
	if (unique && !first_time(cap))
		return 0;
	if (STACK_EVENT_KERNEL) {
		se = sonde_reserve(sizeof(*se));
		e = se ? &se->e : NULL;
	} else {
		e = sonde_reserve(sizeof(*e));
	}
	if (!e)
		return 0;
	stream_hdr_current(&e->h, pid_tgid, STREAM_UID);
	e->cap = cap;
	e->ret = ret;
	e->opts = opts;
	e->flags = flags;
	if (se)
		stack_event_kernel(ctx, &se->k);
	sonde_submit(ctx, e);
	return 0;
}

SONDE_TP_BTF(handle_cap_tp, cap_capable, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	return report(ctx, cap, ret, 0, 0);
}

SEC("fexit/cap_capable")
int BPF_PROG(handle_cap_fexit, const struct cred *cred, struct user_namespace *target_ns, int cap,
	     unsigned int opts, int ret)
{
	return report(ctx, cap, ret, opts, CAPABLE_F_OPTS);
}

SEC("kprobe/cap_capable")
int BPF_KPROBE(handle_cap_kprobe, const struct cred *cred, struct user_namespace *target_ns,
	       int cap, unsigned int opts)
{
	struct cap_call *c;

	if (!wanted())
		return 0;
	c = entry_store_get(&calls);
	if (!c)
		return 0;
	c->cap = cap;
	c->opts = opts;
	entry_store_arm(&c->arm, CAP_CALL_ENTRY);
	return 0;
}

SEC("kretprobe/cap_capable")
int BPF_KRETPROBE(handle_cap_kretprobe, int ret)
{
	struct cap_call *c = entry_store_take(&calls, CAP_CALL_ENTRY);

	if (!c)
		return 0;
	return report(ctx, c->cap, ret, c->opts, CAPABLE_F_OPTS);
}
