/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What bench/ringfill shares with its BPF producer (bpf/bench_ringfill.bpf.c):
 * the templates of the events it sends. */
#ifndef SONDE_BENCH_RINGFILL_H
#define SONDE_BENCH_RINGFILL_H

#include "common/defs.h"

/* Templates a run cycles through (a power of two). */
#define RINGFILL_NTPL 16
/* Bytes of one template: a path tool's header and a long path, or
 * execsnoop's header, a command line and the file it runs. */
#define RINGFILL_TPL_MAX 1024

struct ringfill_tpl {
	__u32 size; /* bytes sent: the record as the tool's BPF side sizes it */
	__u32 pad;
	__u8 bytes[RINGFILL_TPL_MAX];
};

_Static_assert(sizeof(struct ringfill_tpl) == 8 + RINGFILL_TPL_MAX, "ringfill_tpl layout");

#endif
