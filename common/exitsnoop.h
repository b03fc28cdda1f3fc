/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* exitsnoop: one event per process exit (or, with --threads, thread exit). */
#ifndef SONDE_COMMON_EXITSNOOP_H
#define SONDE_COMMON_EXITSNOOP_H

#include "common/stream.h"

/* The exit status as wait(2) encodes it: the code in bits 8-15, or the
 * killing signal in bits 0-6 and "core dumped" in bit 7. */
#define EXITSNOOP_SIG_MASK 0x7f
#define EXITSNOOP_CORE_DUMPED 0x80

/* h: at the exit; tid is the thread that exited (the last one, without
 * --threads), comm the process's (the thread's, with --threads); no uid. */
struct exitsnoop_event {
	struct stream_hdr h;
	__u64 start_ns; /* CLOCK_MONOTONIC, when the process (thread) started */
	__u32 ppid;
	__u32 status; /* wait(2) status */
};

_Static_assert(sizeof(struct exitsnoop_event) == 64, "exitsnoop_event layout");

#endif
