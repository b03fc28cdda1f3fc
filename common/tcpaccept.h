/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* tcpaccept: one event per accepted TCP connection. */
#ifndef SONDE_COMMON_TCPACCEPT_H
#define SONDE_COMMON_TCPACCEPT_H

#include "common/net.h"

struct tcpaccept_event {
	struct net_tuple t; /* s: local end, d: remote end */
	struct net_owner o; /* the accepting process */
	__u64 ts_ns;	    /* CLOCK_MONOTONIC */
};

_Static_assert(sizeof(struct tcpaccept_event) == 80, "tcpaccept_event layout");

#endif
