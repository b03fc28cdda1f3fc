/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* killsnoop: one event per signal sent (or kill-family syscall that failed). */
#ifndef SONDE_COMMON_KILLSNOOP_H
#define SONDE_COMMON_KILLSNOOP_H

#include "common/stream.h"

/* Where the event comes from. */
enum killsnoop_source {
	KILLSNOOP_SYSCALL = 0, /* kill(2), tkill(2) or tgkill(2) */
	KILLSNOOP_KERNEL = 1,  /* any other signal the kernel generated */
};

/* signal:signal_generate's result (TRACE_SIGNAL_* in the kernel). */
enum killsnoop_delivery {
	KILLSNOOP_DELIVERED = 0,
	KILLSNOOP_IGNORED = 1,
	KILLSNOOP_ALREADY_PENDING = 2,
	KILLSNOOP_OVERFLOW_FAIL = 3,
	KILLSNOOP_LOSE_INFO = 4,
};

struct killsnoop_event {
	struct stream_hdr h; /* the sender; no uid */
	__s32 tpid;	     /* target: a thread ID, or kill(2)'s pid argument */
	__s32 sig;
	__s32 result; /* syscall: 0 or -errno; signal_generate: enum killsnoop_delivery */
	__u8 source;  /* enum killsnoop_source */
	__u8 pad[3];
};

_Static_assert(sizeof(struct killsnoop_event) == 64, "killsnoop_event layout");

#endif
