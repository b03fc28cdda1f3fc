/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* bindsnoop: one event per bind() on an IPv4 or IPv6 socket. */
#ifndef SONDE_COMMON_BINDSNOOP_H
#define SONDE_COMMON_BINDSNOOP_H

#include "common/net.h"

/* Socket options in force at bind (OPTS column, letters "FTNRr"). */
#define BINDSNOOP_OPT_FREEBIND 0x01		/* F: IP_FREEBIND */
#define BINDSNOOP_OPT_TRANSPARENT 0x02		/* T: IP_TRANSPARENT */
#define BINDSNOOP_OPT_BIND_ADDRESS_NO_PORT 0x04 /* N: IP_BIND_ADDRESS_NO_PORT */
#define BINDSNOOP_OPT_REUSEADDR 0x08		/* R: SO_REUSEADDR */
#define BINDSNOOP_OPT_REUSEPORT 0x10		/* r: SO_REUSEPORT */

struct bindsnoop_event {
	struct stream_hdr h; /* the caller */
	__u8 addr[16];	     /* network order: bound to, or (failed) asked for */
	__u16 port;	     /* host order: bound to, or (failed) asked for (0: any) */
	__u16 family;	     /* NET_AF_INET or NET_AF_INET6 */
	__u16 protocol;	     /* IPPROTO_TCP, IPPROTO_UDP, ... */
	__u8 opts;	     /* BINDSNOOP_OPT_* */
	__u8 addr_from;	     /* enum stream_from: the socket, or the caller's sockaddr */
	__s32 ret;	     /* bind()'s return */
	__s32 ifindex;	     /* SO_BINDTODEVICE's interface, 0 for none */
};

_Static_assert(sizeof(struct bindsnoop_event) == 80, "bindsnoop_event layout");

#endif
