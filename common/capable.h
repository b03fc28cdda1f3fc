/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* capable: one event per capability check (cap_capable()). */
#ifndef SONDE_COMMON_CAPABLE_H
#define SONDE_COMMON_CAPABLE_H

#include "common/stack.h"
#include "common/stream.h"

/* include/linux/security.h: the opts argument of cap_capable() (since 5.1). */
#define CAPABLE_OPT_NOAUDIT (1u << 1)
#define CAPABLE_OPT_INSETID (1u << 2)

/* opts is known: the hook (fentry, kprobe) saw cap_capable()'s arguments.
 * The capability:cap_capable tracepoint does not carry them. */
#define CAPABLE_F_OPTS 0x1

struct capable_event {
	struct stream_hdr h;
	__s32 cap;
	__s32 ret;   /* 0: allowed; -EPERM: denied */
	__u32 opts;  /* CAPABLE_OPT_*, when flags has CAPABLE_F_OPTS */
	__u32 flags; /* CAPABLE_F_* */
};

_Static_assert(sizeof(struct capable_event) == 64, "capable_event layout");

/* With -K: the event, then the kernel stack that made the check. */
struct capable_stack_event {
	struct capable_event e;
	struct stack_kernel k;
};

_Static_assert(sizeof(struct capable_stack_event) == 64 + 1024, "capable_stack_event layout");

#endif
