/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* tcpstates: one event per TCP state change. */
#ifndef SONDE_COMMON_TCPSTATES_H
#define SONDE_COMMON_TCPSTATES_H

#include "common/net.h"

/* dur_ns of a change whose previous one was not seen (the socket's first
 * change since tcpstates started: the time in its old state is not known). */
#define TCPSTATES_DUR_UNKNOWN (~0ULL)

struct tcpstates_event {
	struct stream_hdr h; /* at the change; the socket's owner, pid 0: not known */
	struct net_tuple t;  /* s: local end, d: remote end */
	__u64 cookie;	     /* the socket's cookie (ss -e shows it as sk:) */
	__u64 dur_ns;	     /* time spent in oldstate, or TCPSTATES_DUR_UNKNOWN */
	__u8 oldstate;
	__u8 newstate;
	__u8 owner_from; /* enum net_owner_from */
	__u8 pad[5];
};

_Static_assert(sizeof(struct tcpstates_event) == 112, "tcpstates_event layout");

#endif
