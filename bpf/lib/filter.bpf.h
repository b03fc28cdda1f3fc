/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The in-kernel filter every sonde program shares: process (tgid), user and
 * cgroup v2 subtree. User space (lib/filter.c) writes the rodata before load
 * and -c's cgroup into FILTER_CGROUP_MAP after load; the names are
 * common/filter.h's. */
#ifndef SONDE_BPF_LIB_FILTER_BPF_H
#define SONDE_BPF_LIB_FILTER_BPF_H

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

#endif
