/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* oomkill: one event per OOM kill (oom:mark_victim). */
#ifndef SONDE_COMMON_OOMKILL_H
#define SONDE_COMMON_OOMKILL_H

#include "common/stream.h"

/* Which parts of the event are known. */
#define OOMKILL_F_VICTIM 0x1 /* the victim's task was found: h.pid is its tgid; h.cgroup_id */
#define OOMKILL_F_COMM 0x2   /* h.comm */
#define OOMKILL_F_MEM 0x4    /* total_vm_kb .. pgtables_kb */
#define OOMKILL_F_CRED 0x8   /* h.uid, oom_score_adj */

/* h is the victim's: pid its thread group ID (its thread ID if not
 * OOMKILL_F_VICTIM), tid the victim thread the kernel marked. */
struct oomkill_event {
	struct stream_hdr h;
	__u64 trigger_cgroup_id;
	__u64 total_vm_kb;
	__u64 anon_rss_kb;
	__u64 file_rss_kb;
	__u64 shmem_rss_kb;
	__u64 pgtables_kb;
	__u32 trigger_pid; /* the task that ran the OOM killer: thread group ID */
	__u32 trigger_tid;
	__s16 oom_score_adj;
	__u16 flags; /* OOMKILL_F_* */
	__u32 pad;
	char trigger_comm[TASK_COMM_LEN];
};

_Static_assert(sizeof(struct oomkill_event) == 128, "oomkill_event layout");

#endif
