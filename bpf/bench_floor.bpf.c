// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The floor of scripts/bench: programs that do nothing, which bench/floor
 * attaches to the hooks of the tool being measured, so that the tool's cost
 * per run can be set against the least a program costs there. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Attached by hand to every classic tracepoint (tracepoint/CATEGORY/NAME). */
SEC("tracepoint")
int floor_tp(void *ctx)
{
	return 1; /* as every sonde tracepoint program: perf users keep their samples */
}

/* Attached by hand to every raw or BTF-typed tracepoint (raw_tp/NAME,
 * tp_btf/NAME): both run the same way, from the tracepoint's BPF stub. */
SEC("raw_tp")
int floor_raw(void *ctx)
{
	return 0;
}
