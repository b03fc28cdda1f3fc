/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* tcplife: one event per TCP session, when it closes. */
#ifndef SONDE_COMMON_TCPLIFE_H
#define SONDE_COMMON_TCPLIFE_H

#include "common/net.h"

struct tcplife_event {
	struct stream_hdr h; /* at close; the socket's owner, pid 0: not known */
	struct net_tuple t;  /* s: local end, d: remote end */
	__u64 dur_ns;	     /* from SYN_SENT or SYN_RECV to CLOSE */
	__u64 tx_bytes;	     /* tcp_sock bytes_acked (SYN and FIN count one) */
	__u64 rx_bytes;	     /* tcp_sock bytes_received (the same) */
	__u8 owner_from;     /* enum net_owner_from */
	__u8 pad[7];
};

_Static_assert(sizeof(struct tcplife_event) == 120, "tcplife_event layout");

#endif
