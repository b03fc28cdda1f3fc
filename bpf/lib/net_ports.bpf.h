/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The local and remote port filters of tcplife, tcpstates and tcprtt:
 * rodata that lib/net.h's NET_PORTS_RODATA() writes from a struct
 * net_ports, and the one test of a socket's tuple against them. */
#ifndef SONDE_BPF_LIB_NET_PORTS_BPF_H
#define SONDE_BPF_LIB_NET_PORTS_BPF_H

#include "bpf/lib/net.bpf.h"

const volatile __u16 lports[NET_MAX_PORTS] = {};
const volatile __u32 nlports = 0;
const volatile __u16 rports[NET_MAX_PORTS] = {};
const volatile __u32 nrports = 0;

/* The tuple's family (-4/-6) and its ports pass the tool's filters. */
static __always_inline bool net_ports_pass(const struct net_tuple *t)
{
	return net_family_pass(t->family) && net_port_pass(lports, nlports, t->sport) &&
	       net_port_pass(rports, nrports, t->dport);
}

#endif
