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

static __always_inline bool state_wanted(unsigned int state)
{
	if (target_state == OFFCPU_STATE_ANY)
		return true;
	return target_state ? (state & target_state) != 0 : state == 0;
}

/* prev is the current task. */
static __always_inline void switched_out(void *ctx, struct task_struct *prev, unsigned int state)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct offcpu_start *s;

	if (!(__u32)pid_tgid || (pid_tgid >> 32) == self_tgid)
		return;
	if ((target_tid && (__u32)pid_tgid != target_tid) || !state_wanted(state) ||
	    !sonde_filter_pass())
		return;
	s = bpf_task_storage_get(&starts, prev, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s) {
		sonde_count(STREAM_STACK_UNCOUNTED);
		return;
	}
	stack_key_current(ctx, &s->key, pid_tgid);
	s->ts_ns = bpf_ktime_get_ns();
}

static __always_inline void switched_in(struct task_struct *next)
{
	struct offcpu_start *s = bpf_task_storage_get(&starts, next, 0, 0);
	__u64 delta;

	if (!s || !s->ts_ns)
		return;
	delta = bpf_ktime_get_ns() - s->ts_ns;
	s->ts_ns = 0;
	if (delta >= min_ns && delta <= max_ns)
		stack_add(&s->key, delta);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	switched_out(ctx, prev, prev_state);
	switched_in(next);
	return 0;
}
