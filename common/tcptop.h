/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* tcptop: TCP bytes sent and received per flow and process, counted in the
 * kernel per interval (double-buffered per-CPU hashes, lib/dbuf.h). */
#ifndef SONDE_COMMON_TCPTOP_H
#define SONDE_COMMON_TCPTOP_H

#include "common/net.h"

/* Flows counted in one interval; the bytes of a flow past them are counted
 * as lost. Each costs a struct tcptop_val per possible CPU. */
#define TCPTOP_MAX_FLOWS 10240

/* A flow of a process: the socket's ends, and who sent or received. */
struct tcptop_key {
	struct net_tuple t; /* s: local end, d: remote end */
	__u64 cgroup_id;
	__u32 pid; /* thread group */
	__u32 pad;
	char comm[TASK_COMM_LEN];
};

_Static_assert(sizeof(struct tcptop_key) == 72, "tcptop_key layout");

struct tcptop_val {
	__u64 tx_bytes; /* returned by sendmsg() and what writes to a socket go through */
	__u64 rx_bytes; /* returned by recvmsg() and the like, MSG_PEEK left out */
};

_Static_assert(sizeof(struct tcptop_val) == 16, "tcptop_val layout");

#endif
