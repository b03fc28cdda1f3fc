// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* syscount: every system call counted as it returns, by syscall number (a
 * per-CPU array indexed by the number: no hashing) or, with -P, by process
 * (a per-CPU hash keyed by tgid). See bpf/lib/count.bpf.h. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "common/syscount.h"
#include "bpf/lib/count.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 by_process = 0; /* -P */
/* This architecture's exec calls: -P notes a process's new name when one
 * succeeds. */
const volatile __u32 nr_execve = 0;
const volatile __u32 nr_execveat = 0;

COUNT_MAPS(nr_counts, BPF_MAP_TYPE_PERCPU_ARRAY, 0, COUNT_MAX_NR, __u32);
COUNT_MAPS(pid_counts, BPF_MAP_TYPE_PERCPU_HASH, BPF_F_NO_PREALLOC, SYSCOUNT_MAX_PIDS, __u32);

/* -P: the name and cgroup of each process counted, written when it is first
 * counted in an interval and after each exec (not on every call). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SYSCOUNT_MAX_PIDS);
	__type(key, __u32);
	__type(value, struct syscount_proc);
} procs SEC(".maps");

/* Calls numbered past the array, by number, for the whole run: this hash is
 * not switched each interval; user space reports what each entry grew by. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, SYSCOUNT_MAX_FAR);
	__type(key, __u32);
	__type(value, struct count_val);
} far_nrs SEC(".maps");

static __always_inline void count_syscall(__u32 nr, const struct count_val *add)
{
	if (nr < COUNT_MAX_NR)
		count_call(&nr_counts, &nr_counts_a, &nr, add, false);
	else
		count_bump(&far_nrs, &nr, add);
}

static __always_inline bool is_exec(__u32 nr, long ret)
{
	return ret == 0 && (nr == nr_execve || nr == nr_execveat);
}

static __always_inline void count_process(__u32 nr, long ret, const struct count_val *add)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct syscount_proc p = {};

	if (!count_call(&pid_counts, &pid_counts_a, &tgid, add, true) && !is_exec(nr, ret))
		return;
	p.cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(p.comm, sizeof(p.comm));
	bpf_map_update_elem(&procs, &tgid, &p, BPF_ANY);
}

SONDE_TP_BTF(handle_sys_exit, sys_exit, struct pt_regs *regs, long ret)
{
	struct count_val add;

	if (!count_pass(ret))
		return 0;
	count_measure(&add, ret);
	if (by_process)
		count_process(sonde_regs_syscall(regs, sonde_raw), ret, &add);
	else
		count_syscall(sonde_regs_syscall(regs, sonde_raw), &add);
	return 0;
}
