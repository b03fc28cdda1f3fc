// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* offcputime: time blocked, by stack. At sched_switch, the thread going
 * off the CPU (the current task still) has its stacks taken and kept by
 * thread ID with the time; when it is switched in again, the time it was
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

/* Threads switched out, by thread ID, until they run again. Hashes, not
 * task storage, which refuses calls while another tool's program holds it
 * on the CPU (bpf/lib/runq.bpf.h). A thread that the full table cannot
 * hold is counted as lost. */
#define OFFCPU_MAX_BLOCKED 16384

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OFFCPU_MAX_BLOCKED);
	__type(key, __u32);
	__type(value, struct offcpu_start);
} starts SEC(".maps");

/* The user stacks copied of threads in starts with copied set, until they
 * run again (rec.value: the time blocked, once known). 16 KiB an entry,
 * allocated as used: at most 4096 blocked at once. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct stack_sample_rec);
} copies SEC(".maps");

static __always_inline bool state_wanted(unsigned int state)
{
	if (target_state == OFFCPU_STATE_ANY)
		return true;
	return target_state ? (state & target_state) != 0 : state == 0;
}

static __always_inline bool in_range(__u64 delta)
{
	return delta >= min_ns && delta <= max_ns;
}

/* The thread's stack copied, kept until it runs again; false when it
 * cannot be. */
static __always_inline bool copy_out(__u32 tid, const struct stack_key *k)
{
	__u32 zero = 0;
	struct stack_sample_rec *r = bpf_map_lookup_elem(&stack_sample_scratch, &zero);

	if (!r)
		return false;
	r->key = *k;
	stack_copy_user(r);
	return !bpf_map_update_elem(&copies, &tid, r, BPF_ANY);
}

/* Thread tid's wait, kept in s, ended `delta` ns after it began: counted
 * on its stacks, and forgotten. */
static __always_inline void wait_ended(void *ctx, __u32 tid, struct offcpu_start *s, __u64 delta)
{
	struct stack_sample_rec *c;

	if (!s->copied) {
		if (in_range(delta))
			stack_add(&s->key, delta);
	} else if ((c = bpf_map_lookup_elem(&copies, &tid))) {
		c->value = delta;
		if (in_range(delta))
			stack_send(ctx, c);
		bpf_map_delete_elem(&copies, &tid);
	}
	bpf_map_delete_elem(&starts, &tid);
}

/* prev goes off the CPU. */
static __always_inline void switched_out(void *ctx, struct task_struct *prev, unsigned int state)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	__u64 ran = BPF_CORE_READ(prev, se.sum_exec_runtime);
	struct offcpu_start s = {}, *old;
	__u32 tid = pid_tgid;

	if (!tid || (pid_tgid >> 32) == self_tgid)
		return;
	/* Still kept: its switch-in was not seen (a CPU can switch from a
	 * task whose own switch the tracepoint does not report; measured
	 * here: one 50 ms sleep in ten runs). It was off the CPU since, less
	 * the CPU time it ran. */
	old = bpf_map_lookup_elem(&starts, &tid);
	if (old && now - old->ts_ns > ran - old->ran_ns)
		wait_ended(ctx, tid, old, now - old->ts_ns - (ran - old->ran_ns));
	if ((target_tid && tid != target_tid) || !state_wanted(state) || !sonde_filter_pass())
		return;
	s.copied = stack_key_current(ctx, &s.key, pid_tgid);
	if (s.copied && !copy_out(tid, &s.key)) {
		sonde_count_lost();
		return;
	}
	s.ts_ns = now;
	s.ran_ns = ran;
	if (bpf_map_update_elem(&starts, &tid, &s, BPF_ANY)) {
		if (s.copied)
			bpf_map_delete_elem(&copies, &tid);
		sonde_count_lost();
	}
}

/* next runs again: the time it was off goes to its stacks. */
static __always_inline void switched_in(void *ctx, struct task_struct *next)
{
	__u32 tid = BPF_CORE_READ(next, pid);
	struct offcpu_start *s = bpf_map_lookup_elem(&starts, &tid);

	if (s)
		wait_ended(ctx, tid, s, bpf_ktime_get_ns() - s->ts_ns);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(handle_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	switched_out(ctx, prev, prev_state);
	switched_in(ctx, next);
	return 0;
}
