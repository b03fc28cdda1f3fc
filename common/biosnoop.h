/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* biosnoop: one event per block I/O request, at its completion. */
#ifndef SONDE_COMMON_BIOSNOOP_H
#define SONDE_COMMON_BIOSNOOP_H

#include "common/bio.h"
#include "common/stream.h"

/* h: the task that submitted the request (no uid), at its completion. */
struct biosnoop_event {
	struct stream_hdr h;
	__u64 sector;	  /* the first, in 512-byte sectors */
	__u64 queue_ns;	  /* from its insertion into a queue to its issue; 0: not inserted */
	__u64 service_ns; /* from its issue to its completion */
	__u32 bytes;	  /* completed */
	__u32 dev;	  /* BIO_DEV */
	__u32 flags;	  /* BIO_OP_* | BIO_F_* */
	__s32 error;	  /* the kernel's blk_status_t: 0, or which failure */
};

_Static_assert(sizeof(struct biosnoop_event) == 88, "biosnoop_event layout");

#endif
