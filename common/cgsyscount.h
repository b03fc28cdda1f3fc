/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* cgsyscount: system calls counted in the kernel, per cgroup (and syscall). */
#ifndef SONDE_COMMON_CGSYSCOUNT_H
#define SONDE_COMMON_CGSYSCOUNT_H

#include "common/count.h"

/* Keys counted in one interval: cgroups, or (cgroup, syscall) pairs with
 * --by-syscall. */
#define CGSYSCOUNT_MAX_KEYS 10240
#define CGSYSCOUNT_MAX_KEYS_BY_SYSCALL 65536

struct cgsyscount_key {
	__u64 cgroup_id;
	__u32 nr; /* the syscall with --by-syscall, else 0 */
	__u32 pad;
};

_Static_assert(sizeof(struct cgsyscount_key) == 16, "cgsyscount_key layout");

/* Without --by-syscall, a cgroup is first counted in a slot of a per-CPU
 * array, CGSYSCOUNT_SLOTS for each of two intervals (halves); the hash
 * holds only the cgroups whose slot another cgroup took first. */
#define CGSYSCOUNT_SLOTS 1024

struct cgsyscount_slot {
	__u64 cgroup_id; /* 0: free */
	struct count_val v;
};

_Static_assert(sizeof(struct cgsyscount_slot) == 40, "cgsyscount_slot layout");

#endif
