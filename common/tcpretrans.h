/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* tcpretrans: one event per TCP retransmission, and the per-flow counters of
 * --count. */
#ifndef SONDE_COMMON_TCPRETRANS_H
#define SONDE_COMMON_TCPRETRANS_H

#include "common/net.h"

/* What kind of retransmission, from the socket's congestion state at the
 * time (the kernel's tcp_ca_state). */
enum tcpretrans_type {
	TCPRETRANS_RTO,	   /* after a retransmission timeout (state Loss) */
	TCPRETRANS_FAST,   /* fast retransmit, in loss recovery (state Recovery) */
	TCPRETRANS_TLP,	   /* a tail loss probe (state Open or CWR) */
	TCPRETRANS_SYNACK, /* a listener's SYN-ACK, sent again */
	TCPRETRANS_OTHER,  /* any other state (Disorder) */
};

struct tcpretrans_event {
	struct stream_hdr h; /* the socket's owner; pid 0: not known */
	struct net_tuple t;  /* s: local end, d: remote end */
	__u8 state;	     /* TCP state of the socket */
	__u8 type;	     /* enum tcpretrans_type */
	__u8 owner_from;     /* enum net_owner_from */
	__u8 pad;
	__s32 err; /* 0: sent; else the errno of an attempt that failed (6.17+) */
};

_Static_assert(sizeof(struct tcpretrans_event) == 96, "tcpretrans_event layout");

/* --count: retransmissions by flow (the key is the flow's struct net_tuple). */
struct tcpretrans_count {
	__u64 retransmits;
	struct net_owner o;
};

_Static_assert(sizeof(struct tcpretrans_count) == 40, "tcpretrans_count layout");

#endif
