// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* exitsnoop: process (or thread) exits, from sched:sched_process_exit.
 *
 * The tracepoint fires in do_exit() for every thread, after the thread has
 * decremented signal->live and set its exit_code, before it notifies its
 * parent. A process has exited when its LAST thread exits: the one that
 * brought signal->live to 0. The group leader is not that thread when it
 * called pthread_exit() early, and is not reported early either.
 *
 * Two threads that exit at the same time can both read live == 0 (each
 * decrements, then reads), so a process exit is claimed once in an LRU map
 * keyed by (tgid, leader start time): only the first claimer reports it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/exitsnoop.h"
#include "bpf/lib/btfsrc.bpf.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/task.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* include/linux/sched/signal.h; unchanged since 2.6. */
#define SIGNAL_GROUP_EXIT 0x00000004

const volatile __u8 failed_only = 0;
const volatile __u8 per_thread = 0;

struct exit_key {
	__u32 tgid;
	__u32 pad;
	__u64 start_ns; /* the leader's: a PID reused later differs here */
};

/* Process exits already reported; entries matter only for the instant two
 * threads race, so an LRU is big enough. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct exit_key);
	__type(value, __u8);
} reported SEC(".maps");

/* True for exactly one of the threads that see the group dead. */
static __always_inline bool claim_process_exit(struct task_struct *task, struct task_struct *leader)
{
	struct exit_key key = {
		.tgid = BPF_CORE_READ(task, tgid),
		.start_ns = BPF_CORE_READ(leader, start_time),
	};
	__u8 one = 1;

	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return false;
	return bpf_map_update_elem(&reported, &key, &one, BPF_NOEXIST) == 0;
}

/* What the parent's wait() gets, as the kernel's wait_task_zombie() picks it:
 * the group's exit code after exit_group() or a fatal signal, otherwise the
 * leader's own (the last thread of a process may not be the leader). */
static __always_inline __u32 process_status(struct task_struct *task, struct task_struct *leader)
{
	struct signal_struct *sig = BPF_CORE_READ(task, signal);

	if (BPF_CORE_READ(sig, flags) & SIGNAL_GROUP_EXIT)
		return BPF_CORE_READ(sig, group_exit_code);
	return BPF_CORE_READ(leader, exit_code);
}

SONDE_TP_BTF(handle_exit, sched_process_exit, struct task_struct *task)
{
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);
	struct task_struct *who = per_thread ? task : leader;
	struct exitsnoop_event *e;
	__u32 status;

	if (!sonde_filter_pass())
		return 0;
	status = per_thread ? BPF_CORE_READ(task, exit_code) : process_status(task, leader);
	if (failed_only && !status)
		return 0;
	if (!per_thread && !claim_process_exit(task, leader))
		return 0;
	e = sonde_reserve(sizeof(*e));
	if (!e)
		return 0;
	/* Not stream_hdr_current(): the name is the leader's, unless --threads. */
	e->h.ts_ns = bpf_ktime_get_ns();
	e->h.cgroup_id = bpf_get_current_cgroup_id();
	e->h.pid = BPF_CORE_READ(task, tgid);
	e->h.tid = BPF_CORE_READ(task, pid);
	e->h.uid = 0;
	e->h.pad = 0;
	BPF_CORE_READ_STR_INTO(&e->h.comm, who, comm);
	e->start_ns = BPF_CORE_READ(who, start_time);
	e->ppid = sonde_current_ppid();
	e->status = status;
	sonde_submit(ctx, e);
	return 0;
}
