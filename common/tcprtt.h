/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* tcprtt: histograms of TCP's smoothed round-trip time (common/hist.h), one
 * for the system or one per local address, remote address or cgroup, each
 * keyed by a __u64. */
#ifndef SONDE_COMMON_TCPRTT_H
#define SONDE_COMMON_TCPRTT_H

#include "common/hist.h"
#include "common/net.h"

enum tcprtt_by {
	TCPRTT_BY_ALL,
	TCPRTT_BY_LADDR,  /* -a: the key is the local address (TCPRTT_ADDR_KEY) */
	TCPRTT_BY_RADDR,  /* -A: the remote address */
	TCPRTT_BY_CGROUP, /* --by-cgroup: the socket's cgroup v2 ID */
};

/* An address's key: an IPv4 address itself, under the family in the top
 * byte; an IPv6 address hashed (FNV-1a, 64 bits) under its family. The
 * address of each key is in the map "addrs" (struct tcprtt_addr). */
#define TCPRTT_ADDR_KEY(family, low) (((__u64)(family) << 56) | ((low) & ((1ULL << 56) - 1)))

/* Keys whose address is kept: the keys of two intervals (the one read and
 * the one counting), twice over for the LRU's slack. */
#define TCPRTT_ADDRS_MAX (4 * HIST_TASK_MAX_KEYS)

struct tcprtt_addr {
	__u8 addr[16]; /* network order; IPv4 in the first 4 bytes */
	__u16 family;  /* NET_AF_INET or NET_AF_INET6 */
	__u8 pad[6];
};

_Static_assert(sizeof(struct tcprtt_addr) == 24, "tcprtt_addr layout");

#endif
