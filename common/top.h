/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Top tools (biotop, filetop; BPF side bpf/lib/top.bpf.h, user side
 * lib/top.h): reads and writes counted in the kernel per key each interval,
 * and ranked by user space. */
#ifndef SONDE_COMMON_TOP_H
#define SONDE_COMMON_TOP_H

#include "common/defs.h"

/* What a key did in an interval, per CPU: summed by user space word by
 * word, so every field is a __u64 counter. */
struct top_val {
	__u64 reads;
	__u64 writes;
	__u64 read_bytes;
	__u64 write_bytes;
	__u64 ns; /* biotop: the time the requests took, issue to completion */
};

_Static_assert(sizeof(struct top_val) == 40, "top_val layout");

#endif
