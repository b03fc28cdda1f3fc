/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The in-kernel filter every sonde program shares: process (tgid), user and
 * cgroup v2 subtree. User space (lib/filter.c) writes the rodata and the
 * FILTER_CGROUP_ID and _LEVEL globals before load and -c's cgroup into
 * FILTER_CGROUP_MAP after load; the names are common/filter.h's. */
#ifndef SONDE_BPF_LIB_FILTER_BPF_H
#define SONDE_BPF_LIB_FILTER_BPF_H

#include <bpf/bpf_core_read.h>
#include "common/filter.h"

const volatile __u32 FILTER_TGID = 0;
const volatile __u32 FILTER_UID = SONDE_UID_ANY;
const volatile __u8 FILTER_CGROUP = 0;

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} FILTER_CGROUP_MAP SEC(".maps");

/* -c's cgroup as sonde_filter_task() tests it: its ID and level (or
 * FILTER_LEVEL_WALK). Globals, not rodata: when -c --follow follows a cgroup
 * created again at the same path, lib/filter.c moves the ID while the
 * programs run (the level, a depth under the same path, stays). */
__u64 FILTER_CGROUP_ID = 0;
__u32 FILTER_CGROUP_LEVEL = 0;

/* Deepest cgroup nesting the walk of FILTER_LEVEL_WALK goes up (the
 * kernel's own limit, cgroup.max.depth, is unbounded by default; real
 * trees are a few levels deep). */
#define FILTER_CGROUP_MAX_DEPTH 32

/* What every `tracepoint` program returns. The kernel hands a tracepoint's
 * samples to its perf users (perf stat, perf record, another tracer) only
 * when every BPF program attached there returns non-zero: returning 0 would
 * blind them all, whatever this program filtered for itself. (raw_tp and
 * tp_btf programs' returns are ignored; sonde's kprobes are private events.) */
#define SONDE_TP_KEEP 1

/* True when the current task passes -p, -u and -c. */
static __always_inline bool sonde_filter_pass(void)
{
	if (FILTER_TGID && (bpf_get_current_pid_tgid() >> 32) != FILTER_TGID)
		return false;
	if (FILTER_UID != SONDE_UID_ANY && (__u32)bpf_get_current_uid_gid() != FILTER_UID)
		return false;
	if (FILTER_CGROUP && bpf_current_task_under_cgroup(&FILTER_CGROUP_MAP, 0) != 1)
		return false;
	return true;
}

/* Task t's cgroup v2 is -c's cgroup or below it. With the level known, one
 * read of its ancestor at that level (struct cgroup's ancestors[], Linux
 * 6.1+); otherwise a walk up its parents. */
static __always_inline bool sonde_task_in_filter_cgroup(struct task_struct *t)
{
	struct cgroup *cg = BPF_CORE_READ(t, cgroups, dfl_cgrp), *anc = NULL;
	__u32 level = FILTER_CGROUP_LEVEL;
	__u64 id = FILTER_CGROUP_ID;

	if (!cg)
		return false;
	if (level != FILTER_LEVEL_WALK && bpf_core_field_exists(cg->ancestors)) {
		if (BPF_CORE_READ(cg, level) < (int)level)
			return false;
		bpf_probe_read_kernel(&anc, sizeof(anc),
				      (void *)cg + bpf_core_field_offset(cg->ancestors) +
					  (__u64)level * sizeof(anc));
		return anc && BPF_CORE_READ(anc, kn, id) == id;
	}
	for (int i = 0; i < FILTER_CGROUP_MAX_DEPTH && cg; i++) {
		if (BPF_CORE_READ(cg, kn, id) == id)
			return true;
		cg = BPF_CORE_READ(cg, self.parent, cgroup);
	}
	return false;
}

/* True when task t, which need not be the current task (the task woken, the
 * task switched to), passes -p, -u and -c. Nothing is read without filters. */
static __always_inline bool sonde_filter_task(struct task_struct *t)
{
	if (FILTER_TGID && BPF_CORE_READ(t, tgid) != FILTER_TGID)
		return false;
	if (FILTER_UID != SONDE_UID_ANY && BPF_CORE_READ(t, cred, uid.val) != FILTER_UID)
		return false;
	if (FILTER_CGROUP && !sonde_task_in_filter_cgroup(t))
		return false;
	return true;
}

#endif
