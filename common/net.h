/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the network tools (tcpconnect, tcpaccept, tcplife, tcpretrans,
 * tcpdrop, bindsnoop, tcpstates) share between their BPF programs and user space: a
 * connection's addresses and the process that owns a socket. Their events
 * start with a struct stream_hdr. */
#ifndef SONDE_COMMON_NET_H
#define SONDE_COMMON_NET_H

#include "common/stream.h"

/* Address families as the kernel numbers them (vmlinux.h has no macros). */
#define NET_AF_INET 2
#define NET_AF_INET6 10

/* Most ports -P/-L/-D take. */
#define NET_MAX_PORTS 16

/* Both ends of a connection or packet. For a socket, s is the local end and d
 * the remote one; for a packet (tcpdrop), s is its source. An IPv4 address
 * is in the first 4 bytes, network order; ports are in host order. */
struct net_tuple {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u16 family; /* NET_AF_INET or NET_AF_INET6 */
	__u16 pad;
};

_Static_assert(sizeof(struct net_tuple) == 40, "net_tuple layout");

/* The process a socket belongs to, remembered when it connected, accepted or
 * listened (bpf/lib/net_owner.bpf.h). pid 0: not known. An event about the
 * socket carries it in its struct stream_hdr (tid 0: the thread is not
 * remembered). */
struct net_owner {
	__u64 cgroup_id;
	__u32 pid; /* thread group ID */
	__u32 uid;
	char comm[TASK_COMM_LEN];
};

_Static_assert(sizeof(struct net_owner) == 32, "net_owner layout");

/* Where a socket's owner came from (JSON owner_from): the process that
 * connected the socket, the one that accepted it, or the owner of its
 * listener (the listener itself, or a connection nobody has accepted yet:
 * it was born with a copy of its listener's). */
enum net_owner_from {
	NET_OWNER_NONE, /* not known */
	NET_OWNER_CONNECT,
	NET_OWNER_ACCEPT,
	NET_OWNER_LISTENER,
};

#endif
