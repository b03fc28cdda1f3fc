/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Histograms of task times (runqlat, cpudist): what a tool measures for a
 * task is counted in one histogram, or in one per process, thread or cgroup
 * of that task (common/hist.h's enum hist_by, rodata set by lib/hist_task.c),
 * with the name of each process or thread kept beside for user space.
 * The task is the one the time belongs to, which in a scheduler hook is
 * often not the current one. */
#ifndef SONDE_BPF_LIB_HIST_TASK_BPF_H
#define SONDE_BPF_LIB_HIST_TASK_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "bpf/lib/btfsrc.bpf.h"
#include "bpf/lib/hist.bpf.h"

const volatile __u8 hist_by = HIST_BY_ALL;

HIST_MAPS(hists, HIST_TASK_MAX_KEYS, __u64);

/* -P and -L: each key's name, written when the key is first counted in an
 * interval and again when its task execs (a process counted before its exec
 * is shown by the name it took); the least recently written go first. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, HIST_TASK_MAX_KEYS);
	__type(key, __u64);
	__type(value, struct hist_task_name);
} hist_names SEC(".maps");

static __always_inline __u64 hist_task_key(struct task_struct *t)
{
	if (hist_by == HIST_BY_PROCESS)
		return BPF_CORE_READ(t, tgid);
	if (hist_by == HIST_BY_THREAD)
		return BPF_CORE_READ(t, pid);
	if (hist_by == HIST_BY_CGROUP)
		return BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
	return 0;
}

static __always_inline void hist_task_name(struct task_struct *t, __u64 key)
{
	struct hist_task_name n = {};

	n.cgroup_id = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
	n.pid = BPF_CORE_READ(t, tgid);
	if (hist_by == HIST_BY_PROCESS)
		BPF_CORE_READ_STR_INTO(&n.comm, t, group_leader, comm);
	else
		BPF_CORE_READ_STR_INTO(&n.comm, t, comm);
	bpf_map_update_elem(&hist_names, &key, &n, BPF_ANY);
}

/* A task that execs takes a new name: its key's, if it is counted in this
 * interval already, follows. */
SONDE_TP_BTF(hist_task_exec, sched_process_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	__u64 key;

	if (hist_by != HIST_BY_PROCESS && hist_by != HIST_BY_THREAD)
		return 0;
	key = hist_task_key(p);
	if (bpf_map_lookup_elem(&hist_names, &key))
		hist_task_name(p, key);
	return 0;
}

/* hist_task_key() of a BTF pointer (a tp_btf program's argument): plain
 * loads, no helper calls. */
static __always_inline __u64 hist_task_key_btf(struct task_struct *t)
{
	if (hist_by == HIST_BY_PROCESS)
		return t->tgid;
	if (hist_by == HIST_BY_THREAD)
		return t->pid;
	if (hist_by == HIST_BY_CGROUP)
		return t->cgroups->dfl_cgrp->kn->id;
	return 0;
}

/* Counts ns, a time of task t (a BTF pointer), in t's histogram of this
 * interval. */
static __always_inline void hist_task_record(struct task_struct *t, __u64 ns)
{
	__u64 key = hist_task_key_btf(t);

	if (hist_record(&hists, &hists_a, &key, ns) &&
	    (hist_by == HIST_BY_PROCESS || hist_by == HIST_BY_THREAD))
		hist_task_name(t, key);
}

#endif
