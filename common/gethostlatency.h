/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* gethostlatency: one event per name look-up through libc's resolver
 * functions, when it returns. */
#ifndef SONDE_COMMON_GETHOSTLATENCY_H
#define SONDE_COMMON_GETHOSTLATENCY_H

#include "common/stream.h"

/* Bytes of the name kept, with its NUL (a DNS name has at most 253). */
#define GETHOST_NAME_MAX 256

enum gethost_fn {
	GETHOST_GETADDRINFO,
	GETHOST_GETHOSTBYNAME,
	GETHOST_GETHOSTBYNAME2,
};

struct gethostlatency_event {
	struct stream_hdr h; /* at the return; the calling thread */
	__u64 lat_ns;	     /* from the call's entry to its return */
	__u8 fn;	     /* enum gethost_fn */
	__u8 cut;	     /* the name did not fit in host */
	__u8 pad[6];
	char host[GETHOST_NAME_MAX]; /* as the caller's memory held it at the call's entry */
};

_Static_assert(sizeof(struct gethostlatency_event) == 320, "gethostlatency_event layout");

#endif
