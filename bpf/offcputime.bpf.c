// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* offcputime: time blocked, by stack. At sched_switch, the thread going
 * off the CPU (the current task still) has its stacks taken and kept in its
 * task storage with the time; when it is switched in again, the time it was
 * off is added to those stacks' total (bpf/lib/stack.bpf.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/offcputime.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stack.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* -t: only this thread; 0 for every one. */
const volatile __u32 target_tid = 0;
/* --state: the state blocked in (0: preempted, runnable); ANY for all. */
const volatile __u32 target_state = OFFCPU_STATE_ANY;
/* -m, -M: the blocked times counted, in ns. */
const volatile __u64 min_ns = 1;
const volatile __u64 max_ns = ~0ULL;
/* The tool's own process: its waits are not the user's. */
const volatile __u32 self_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct offcpu_start);
} starts SEC(".maps");

/* 16 KiB per thread, made only for threads whose stacks are copied. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct offcpu_copy);
} copies SEC(".maps");

static __always_inline bool state_wanted(unsigned int state)
{
	if (target_state == OFFCPU_STATE_ANY)
		return true;
	return target_state ? (state & target_state) != 0 : state == 0;
}

/* The stack copied into the thread's copy storage; false without one. */
static __always_inline bool copy_out(struct task_struct *prev, const struct stack_key *k, __u64 ts)
{
	struct offcpu_copy *c =
	    bpf_task_storage_get(&copies, prev, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!c)
		return false;
	c->rec.key = *k;
	stack_copy_user(&c->rec);
	c->ts_ns = ts;
	return true;
}

/* prev is the current task. */
static __always_inline void switched_out(void *ctx, struct task_struct *prev, unsigned int state)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct offcpu_start *s;
	struct stack_key k;

	if (!(__u32)pid_tgid || (pid_tgid >> 32) == self_tgid)
		return;
	if ((target_tid && (__u32)pid_tgid != target_tid) || !state_wanted(state) ||
	    !sonde_filter_pass())
		return;
	if (stack_key_current(ctx, &k, pid_tgid)) {
		if (!copy_out(prev, &k, bpf_ktime_get_ns()))
			sonde_count(STREAM_STACK_UNCOUNTED);
		return;
	}
	s = bpf_task_storage_get(&starts, prev, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s) {
		sonde_count(STREAM_STACK_UNCOUNTED);
		return;
	}
	s->key = k;
	s->ts_ns = bpf_ktime_get_ns();
}

static __always_inline bool in_range(__u64 delta)
{
	return delta >= min_ns && delta <= max_ns;
}

static __always_inline void switched_in(struct task_struct *next)
{
	struct offcpu_start *s = bpf_task_storage_get(&starts, next, 0, 0);
	struct offcpu_copy *c = bpf_task_storage_get(&copies, next, 0, 0);
	__u64 now = bpf_ktime_get_ns(), delta;

	if (s && s->ts_ns) {
		delta = now - s->ts_ns;
		s->ts_ns = 0;
		if (in_range(delta))
			stack_add(&s->key, delta);
	}
	if (c && c->ts_ns) {
		delta = now - c->ts_ns;
		c->ts_ns = 0;
		c->rec.value = delta;
		if (in_range(delta))
			stack_send(&c->rec);
	}
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	switched_out(ctx, prev, prev_state);
	switched_in(next);
	return 0;
}
