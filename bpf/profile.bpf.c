// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* profile: on-CPU stacks, sampled by a perf event per CPU (the CPU clock
 * at -F HZ; user space opens and attaches them), counted per stack in the
 * kernel (bpf/lib/stack.bpf.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/profile.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stack.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* -L: only this thread; 0 for every one. */
const volatile __u32 target_tid = 0;
/* -I: the idle task's samples too. */
const volatile __u8 include_idle = 0;

SEC("perf_event")
int handle_sample(struct bpf_perf_event_data *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct stack_key k;

	if (!include_idle && !pid_tgid)
		return 0;
	if (target_tid && (__u32)pid_tgid != target_tid)
		return 0;
	if (!sonde_filter_pass())
		return 0;
	if (stack_key_current(ctx, &k, pid_tgid))
		stack_copy_send(ctx, &k, 1);
	else
		stack_add(&k, 1);
	return 0;
}
