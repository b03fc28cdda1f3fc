/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The in-kernel filter every tool shares (-p, -u, -c): the names of what its
 * BPF side declares (bpf/lib/filter.bpf.h) and its user side writes before
 * and after load (lib/filter.c). */
#ifndef SONDE_COMMON_FILTER_H
#define SONDE_COMMON_FILTER_H

#include "common/defs.h"

/* The BPF side declares and reads them by these identifiers, and user space
 * looks them up by FILTER_NAME() of the same: a rename cannot reach one
 * side only. */
#define FILTER_TGID sonde_filter_tgid	      /* rodata __u32: -p, 0 for every process */
#define FILTER_UID sonde_filter_uid	      /* rodata __u32: -u, SONDE_UID_ANY for every user */
#define FILTER_CGROUP sonde_filter_cgroup     /* rodata __u8: 1 with -c */
#define FILTER_CGROUP_MAP sonde_cgroup_filter /* cgroup array: -c's cgroup at key 0 */
/* .bss, for the filters on a task other than the current one
 * (sonde_filter_task(), bpf/lib/filter.bpf.h): __u64 -c's cgroup ID, kept
 * current when -c's cgroup is created again (--follow), and __u32 its level
 * in the cgroup2 tree (0: the root) or FILTER_LEVEL_WALK; a cgroup created
 * again at the same path has the same level. */
#define FILTER_CGROUP_ID sonde_filter_cgroup_id
#define FILTER_CGROUP_LEVEL sonde_filter_cgroup_level

/* The level of -c's cgroup is not known (the tool runs in a cgroup namespace
 * of its own, whose root is not the tree's): the BPF side walks up from the
 * task's cgroup instead of reading its ancestor at that level. */
#define FILTER_LEVEL_WALK ((__u32)-1)

#define FILTER_NAME(id) FILTER_NAME_(id)
#define FILTER_NAME_(id) #id

#endif
