// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* cgsyscount: every system call counted as it returns, by the caller's
 * cgroup v2 ID (and, with --by-syscall, by syscall number) in a per-CPU
 * hash (see lib/syscount.bpf.h), in front of which a per-CPU array of
 * slots counts most cgroups for the price of an array lookup. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "common/cgsyscount.h"
#include "bpf/lib/count.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 by_syscall = 0;

/* max_entries is raised before load with --by-syscall. */
COUNT_MAPS(counts, BPF_MAP_TYPE_PERCPU_HASH, BPF_F_NO_PREALLOC, CGSYSCOUNT_MAX_KEYS,
	   struct cgsyscount_key);

/* Two halves of CGSYSCOUNT_SLOTS slots; the programs count into the half
 * slot_half names, which user space sets to the hashes' new index just
 * before it switches them (lib/dbuf.h: the switch's RCU grace period
 * quiets the old half too), then reads and clears the old half. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2 * CGSYSCOUNT_SLOTS);
	__type(key, __u32);
	__type(value, struct cgsyscount_slot);
} slots SEC(".maps");

__u32 slot_half = 0;

/* The slot a cgroup is counted in, within its half: the top bits of a
 * multiplicative hash (IDs are kernfs node numbers, a few dozen apart). */
static __always_inline __u32 cgsyscount_slot_of(__u64 cgroup_id)
{
	return (__u32)((cgroup_id * 0x9E3779B97F4A7C15ULL) >> 54) & (CGSYSCOUNT_SLOTS - 1);
}

/* Counts the call in the cgroup's slot, unless another cgroup has it.
 * (Per CPU, the slot is taken and counted without atomics, as the hash's
 * counters are.) */
static __always_inline bool count_in_slot(__u64 cgroup_id, const struct count_val *add)
{
	__u32 i = cgsyscount_slot_of(cgroup_id) + (slot_half & 1) * CGSYSCOUNT_SLOTS;
	struct cgsyscount_slot *s = bpf_map_lookup_elem(&slots, &i);

	if (!s || (s->cgroup_id != cgroup_id && s->cgroup_id))
		return false;
	s->cgroup_id = cgroup_id;
	count_add(&s->v, add);
	return true;
}

SONDE_TP_BTF(handle_sys_exit, sys_exit, struct pt_regs *regs, long ret)
{
	struct cgsyscount_key key = {};
	struct count_val add;

	if (!count_pass(ret))
		return 0;
	count_measure(&add, ret);
	key.cgroup_id = bpf_get_current_cgroup_id();
	if (by_syscall)
		key.nr = sonde_regs_syscall(regs, sonde_raw);
	else if (count_in_slot(key.cgroup_id, &add))
		return 0;
	count_call(&counts, &counts_a, &key, &add, true);
	return 0;
}
