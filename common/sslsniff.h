/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* sslsniff: one event per TLS read or write that moved bytes, with the
 * plaintext (or its first bytes). */
#ifndef SONDE_COMMON_SSLSNIFF_H
#define SONDE_COMMON_SSLSNIFF_H

#include "common/stream.h"

/* Most plaintext bytes an event carries (--max-bytes): what one output
 * line holds escaped (lib/out.h's OUT_MEM_MAX). */
#define SSLSNIFF_MAX_DATA 512

enum sslsniff_fn {
	SSLSNIFF_SSL_READ,
	SSLSNIFF_SSL_WRITE,
	SSLSNIFF_SSL_READ_EX,
	SSLSNIFF_SSL_WRITE_EX,
	SSLSNIFF_GNUTLS_RECV,
	SSLSNIFF_GNUTLS_SEND,
	SSLSNIFF_NFNS
};

struct sslsniff_event {
	struct stream_hdr h; /* at the return; the calling thread */
	__u64 lat_ns;	     /* from the call's entry to its return */
	__u32 len;	     /* bytes the call read or wrote */
	__u32 data_len;	     /* of them, in data */
	__u8 fn;	     /* enum sslsniff_fn */
	__u8 pad[7];
	__u8 data[SSLSNIFF_MAX_DATA];
};

_Static_assert(sizeof(struct sslsniff_event) == 584, "sslsniff_event layout");

#endif
