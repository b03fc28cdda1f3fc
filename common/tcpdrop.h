/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* tcpdrop: one event per TCP packet the kernel drops, and the per-reason
 * counters of --count. */
#ifndef SONDE_COMMON_TCPDROP_H
#define SONDE_COMMON_TCPDROP_H

#include "common/stack.h"
#include "common/net.h"

/* Most reasons -r takes. */
#define TCPDROP_MAX_REASONS 16

/* TCP header flags, as in the header's 14th byte. */
#define TCPDROP_FIN 0x01
#define TCPDROP_SYN 0x02
#define TCPDROP_RST 0x04
#define TCPDROP_PSH 0x08
#define TCPDROP_ACK 0x10
#define TCPDROP_URG 0x20
#define TCPDROP_ECE 0x40
#define TCPDROP_CWR 0x80

struct tcpdrop_event {
	struct stream_hdr h; /* the socket's owner; pid 0: not known */
	struct net_tuple t;  /* the packet: s is its source, d its destination */
	__u64 location;	     /* kernel address that dropped it */
	__u32 reason;	     /* this kernel's enum skb_drop_reason */
	__u8 state;	     /* TCP state of the packet's socket; 0: no socket */
	__u8 flags;	     /* TCPDROP_* */
	__u8 owner_from;     /* enum net_owner_from */
	__u8 pad;
};

_Static_assert(sizeof(struct tcpdrop_event) == 104, "tcpdrop_event layout");

/* With -K: the event, then the kernel stack that dropped the packet. */
struct tcpdrop_stack_event {
	struct tcpdrop_event e;
	struct stack_kernel k;
};

_Static_assert(sizeof(struct tcpdrop_stack_event) == 104 + 1024, "tcpdrop_stack_event layout");

/* --count: drops by reason. */
struct tcpdrop_count_key {
	__u32 reason;
	__u32 pad;
};

struct tcpdrop_count {
	__u64 drops;
};

_Static_assert(sizeof(struct tcpdrop_count_key) == 8, "tcpdrop_count_key layout");
_Static_assert(sizeof(struct tcpdrop_count) == 8, "tcpdrop_count layout");

#endif
