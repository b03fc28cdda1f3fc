/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The in-kernel filter every sonde program shares: process (tgid), user and
 * cgroup v2 subtree. User space writes the rodata before load (lib/loader.c)
 * and the cgroup into sonde_cgroup_filter after load. */
#ifndef SONDE_BPF_LIB_FILTER_BPF_H
#define SONDE_BPF_LIB_FILTER_BPF_H

#include "common/defs.h"

const volatile __u32 sonde_filter_tgid = 0;
const volatile __u32 sonde_filter_uid = SONDE_UID_ANY;
const volatile __u8 sonde_filter_cgroup = 0;

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} sonde_cgroup_filter SEC(".maps");

/* True when the current task passes -p, -u and -c. */
static __always_inline bool sonde_filter_pass(void)
{
	if (sonde_filter_tgid && (bpf_get_current_pid_tgid() >> 32) != sonde_filter_tgid)
		return false;
	if (sonde_filter_uid != SONDE_UID_ANY &&
	    (__u32)bpf_get_current_uid_gid() != sonde_filter_uid)
		return false;
	if (sonde_filter_cgroup && bpf_current_task_under_cgroup(&sonde_cgroup_filter, 0) != 1)
		return false;
	return true;
}

#endif
