// SPDX-License-Identifier: GPL-2.0
/* cgsyscount: every system call counted as it returns, by the caller's
 * cgroup v2 ID (and, with --by-syscall, by syscall number) in a per-CPU
 * hash. See lib/syscount.bpf.h. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "cgsyscount.h"
#include "lib/syscount.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __u8 by_syscall = 0;

/* max_entries is raised before load with --by-syscall. */
SYSCOUNT_MAPS(counts, BPF_MAP_TYPE_PERCPU_HASH, BPF_F_NO_PREALLOC, CGSYSCOUNT_MAX_KEYS,
	      struct cgsyscount_key);

SEC("tp_btf/sys_exit")
int BPF_PROG(handle_sys_exit, struct pt_regs *regs, long ret)
{
	struct cgsyscount_key key = {};
	struct syscount_val add;

	if (!syscount_pass(ret))
		return 0;
	syscount_measure(&add, ret);
	key.cgroup_id = bpf_get_current_cgroup_id();
	if (by_syscall)
		key.nr = regs->orig_ax;
	syscount_count(&counts, &counts_a, &key, &add, true);
	return 0;
}
