/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* tcpconnect: one event per active TCP connect (or, with -L, per outcome),
 * and the per-destination counters of --count. */
#ifndef SONDE_COMMON_TCPCONNECT_H
#define SONDE_COMMON_TCPCONNECT_H

#include "common/net.h"

/* What became of a connect (-L). */
enum tcpconnect_result {
	TCPCONNECT_CALLED,	/* no -L: the connect() call returned (or, for a
				 * connect made another way, its handshake ended) */
	TCPCONNECT_ESTABLISHED, /* the handshake completed */
	TCPCONNECT_FAILED,	/* the socket closed in SYN_SENT; err says why */
	TCPCONNECT_UNSENT,	/* connect() failed before a SYN was sent; err says why */
};

/* What connect() returns for a socket closed without an error (the kernel's
 * ECONNABORTED, vmlinux.h has no errno macros). */
#define TCPCONNECT_ECONNABORTED 103

struct tcpconnect_event {
	struct stream_hdr h; /* the caller; with -L, the socket's owner */
	struct net_tuple t;
	__u64 lat_ns;	/* -L: from SYN_SENT (or connect()'s entry) to the outcome */
	__s32 ret;	/* connect()'s return; with -L, the socket error (errno) */
	__u32 result;	/* enum tcpconnect_result */
	__u8 addr_from; /* enum stream_from of daddr and dport */
	__u8 pad[7];
};

_Static_assert(sizeof(struct tcpconnect_event) == 112, "tcpconnect_event layout");

/* --count: connects by process and destination. */
struct tcpconnect_key {
	__u8 daddr[16];
	__u32 pid;
	__u16 dport;
	__u16 family;
};

struct tcpconnect_count {
	__u64 connects;
	struct net_owner o; /* the last connecting thread's name */
};

_Static_assert(sizeof(struct tcpconnect_key) == 24, "tcpconnect_key layout");
_Static_assert(sizeof(struct tcpconnect_count) == 40, "tcpconnect_count layout");

#endif
