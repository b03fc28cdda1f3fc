// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The producer of bench/ringfill: one event per run, sent the way every
 * tool sends one (sonde_output() of bpf/lib/stream.bpf.h), into a running
 * tool's own "events" buffer, which bench/ringfill puts in place of this
 * object's before load. Run by BPF_PROG_TEST_RUN with a repeat count, on
 * one CPU, as fast as the kernel runs it: a tool's reader can be driven
 * past what any real workload on the same machine could make.
 *
 * The events are templates user space writes into ringfill_tpl (records
 * shaped as the tool's BPF side makes them); each run sends the next one,
 * its header's time the time of the run. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "bpf/lib/stream.bpf.h"
#include "bench/ringfill.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct ringfill_tpl ringfill_tpl[RINGFILL_NTPL];
__u64 ringfill_seq;

SEC("tc")
int ringfill(struct __sk_buff *ctx)
{
	struct ringfill_tpl *t = &ringfill_tpl[ringfill_seq++ & (RINGFILL_NTPL - 1)];
	struct stream_hdr *h = (void *)t->bytes;
	__u32 size = t->size;

	if (size < sizeof(*h) || size > sizeof(t->bytes))
		return 2; /* TC_ACT_SHOT */
	h->ts_ns = bpf_ktime_get_ns();
	sonde_output(ctx, t->bytes, size);
	return 2; /* TC_ACT_SHOT */
}
