/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* tcpaccept: one event per accepted TCP connection. */
#ifndef SONDE_COMMON_TCPACCEPT_H
#define SONDE_COMMON_TCPACCEPT_H

#include "common/net.h"

struct tcpaccept_event {
	struct stream_hdr h; /* the accepting process */
	struct net_tuple t;  /* s: local end, d: remote end */
};

_Static_assert(sizeof(struct tcpaccept_event) == 88, "tcpaccept_event layout");

#endif
