/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* biotop: block I/O counted per process (or cgroup) and disk, each
 * interval (common/top.h). */
#ifndef SONDE_COMMON_BIOTOP_H
#define SONDE_COMMON_BIOTOP_H

#include "common/bio.h"
#include "common/top.h"

/* Keys counted in one interval; a request of one more is counted as lost. */
#define BIOTOP_MAX_KEYS 10240

/* Who submitted the requests, to which disk: the process (pid and name as
 * at the submission) or, with --by-cgroup, only its cgroup (pid 0, no
 * name). */
struct biotop_key {
	__u64 cgroup_id;
	__u32 pid;
	__u32 dev; /* BIO_DEV */
	char comm[TASK_COMM_LEN];
};

_Static_assert(sizeof(struct biotop_key) == 32, "biotop_key layout");

#endif
