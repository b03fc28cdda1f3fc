// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* softirqs: the time each softirq vector's handler runs, counted per CPU in
 * log-linear histograms by the vector (bpf/lib/hist.bpf.h): its runs,
 * their total time and their buckets. Hooks: the BTF-typed softirq_entry
 * and softirq_exit tracepoints, which the kernel fires around each
 * vector's action.
 *
 * A softirq interrupts no other softirq on its CPU (a hard interrupt may
 * interrupt it, and its handler's time is then counted in the softirq's
 * too, as in BCC's), so entry and exit on a CPU pair up one at a time
 * (bpf/lib/hist_irq.bpf.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "common/softirqs.h"
#include "bpf/lib/btfsrc.bpf.h"
#include "bpf/lib/hist_irq.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

HIST_MAPS(hists, SOFTIRQS_MAX_KEYS, __u32);

SONDE_TP_BTF(handle_softirq_entry, softirq_entry, unsigned int vec_nr)
{
	hist_irq_enter();
	return 0;
}

SONDE_TP_BTF(handle_softirq_exit, softirq_exit, unsigned int vec_nr)
{
	__u32 vec = vec_nr;
	__u64 ns = hist_irq_exit();

	if (ns)
		hist_record(&hists, &hists_a, &vec, ns);
	return 0;
}
