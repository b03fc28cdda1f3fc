/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The time of a section that runs alone on its CPU until it ends (a hard
 * interrupt handler: interrupts are off; a softirq: no other softirq
 * interrupts it), for hardirqs and softirqs (user side lib/hist_irq.h):
 * the CPU's own slot holds when the section running there began. */
#ifndef SONDE_BPF_LIB_HIST_IRQ_BPF_H
#define SONDE_BPF_LIB_HIST_IRQ_BPF_H

#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/hist.bpf.h"

/* When the section running on each CPU began; 0: none measured (the
 * interrupted task filtered out, or begun before the tool). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hist_irq_began SEC(".maps");

/* At the section's entry: the filters apply to the task interrupted. */
static __always_inline void hist_irq_enter(void)
{
	__u32 zero = 0;
	__u64 *t = bpf_map_lookup_elem(&hist_irq_began, &zero);

	if (t)
		*t = sonde_filter_pass() ? bpf_ktime_get_ns() : 0;
}

/* At its exit: the nanoseconds since its entry, or 0 when it was not
 * measured. */
static __always_inline __u64 hist_irq_exit(void)
{
	__u32 zero = 0;
	__u64 *t = bpf_map_lookup_elem(&hist_irq_began, &zero), now = bpf_ktime_get_ns(), ns;

	if (!t || !*t)
		return 0;
	ns = now - *t;
	*t = 0;
	return ns;
}

#endif
