/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* oomkill: one event per OOM kill (oom:mark_victim). */
#ifndef SONDE_COMMON_OOMKILL_H
#define SONDE_COMMON_OOMKILL_H

#include "common/defs.h"

/* Which parts of the event are known. */
#define OOMKILL_F_VICTIM 0x1 /* the victim's task was found: pid is its tgid; cgroup_id */
#define OOMKILL_F_COMM 0x2   /* comm */
#define OOMKILL_F_MEM 0x4    /* total_vm_kb .. pgtables_kb */
#define OOMKILL_F_CRED 0x8   /* uid, oom_score_adj */

struct oomkill_event {
	__u64 ts_ns;	 /* CLOCK_MONOTONIC */
	__u64 cgroup_id; /* the victim's cgroup */
	__u64 trigger_cgroup_id;
	__u64 total_vm_kb;
	__u64 anon_rss_kb;
	__u64 file_rss_kb;
	__u64 shmem_rss_kb;
	__u64 pgtables_kb;
	__u32 pid;	   /* victim's thread group ID (its thread ID if not OOMKILL_F_VICTIM) */
	__u32 tid;	   /* the victim thread the kernel marked */
	__u32 trigger_pid; /* the task that ran the OOM killer: thread group ID */
	__u32 trigger_tid;
	__u32 uid;
	__s16 oom_score_adj;
	__u16 flags; /* OOMKILL_F_* */
	char comm[TASK_COMM_LEN];
	char trigger_comm[TASK_COMM_LEN];
};

_Static_assert(sizeof(struct oomkill_event) == 120, "oomkill_event layout");

#endif
