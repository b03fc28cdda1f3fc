/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The kernel stack of an event (capable -K, tcpdrop -K), taken into the
 * event itself: an event tool needs none of the stack tools' tables
 * (bpf/lib/stack.bpf.h), and an event is larger by its stack only when -K
 * asks for it. Such a tool sets STREAM_SCRATCH_SIZE (common/stream.h) to
 * its largest event. User space: lib/stack.h's stack_event. */
#ifndef SONDE_BPF_LIB_STACK_EVENT_BPF_H
#define SONDE_BPF_LIB_STACK_EVENT_BPF_H

#include "common/stack.h"

/* -K: events carry their kernel stack. */
const volatile __u8 STACK_EVENT_KERNEL = 0;

static __always_inline void stack_event_kernel(void *ctx, struct stack_kernel *s)
{
	long bytes = bpf_get_stack(ctx, s->ip, sizeof(s->ip), 0);

	s->n = bytes > 0 ? bytes / sizeof(__u64) : 0;
	s->pad = 0;
}

#endif
