// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* hardirqs: the time each hard interrupt handler runs, counted per CPU in
 * log-linear histograms by the handler's name (bpf/lib/hist.bpf.h): its
 * calls, their total time and their buckets. Hooks: the BTF-typed
 * irq_handler_entry and irq_handler_exit tracepoints, which the kernel
 * fires around each handler (each irqaction) it calls.
 * Handlers run with interrupts off on their CPU, so entry and exit on a
 * CPU pair up one at a time (bpf/lib/hist_irq.bpf.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/hardirqs.h"
#include "bpf/lib/btfsrc.bpf.h"
#include "bpf/lib/hist_irq.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

HIST_MAPS(hists, HARDIRQS_MAX_KEYS, struct hardirq_key);

SONDE_TP_BTF(handle_irq_entry, irq_handler_entry, int irq, struct irqaction *action)
{
	hist_irq_enter();
	return 0;
}

SONDE_TP_BTF(handle_irq_exit, irq_handler_exit, int irq, struct irqaction *action, int ret)
{
	struct hardirq_key key = {};
	__u64 ns = hist_irq_exit();

	if (!ns)
		return 0;
	bpf_probe_read_kernel_str(key.name, sizeof(key.name), BPF_CORE_READ(action, name));
	hist_record(&hists, &hists_a, &key, ns);
	return 0;
}
