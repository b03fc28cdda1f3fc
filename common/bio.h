/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Block I/O requests as the block tools (biolatency, biosnoop; BPF side
 * bpf/lib/bio.bpf.h, user side lib/bio.h) see them: a disk by its dev_t,
 * a kind of request as an operation and flags of sonde's own. */
#ifndef SONDE_COMMON_BIO_H
#define SONDE_COMMON_BIO_H

#include "common/defs.h"

/* The kernel's dev_t: 12 bits of major above 20 bits of minor. */
#define BIO_MINOR_BITS 20
#define BIO_DEV(major, minor) (((__u32)(major) << BIO_MINOR_BITS) | (__u32)(minor))

/* A request's operation (the kernel's REQ_OP_*, whose numbers are stable)
 * in the low byte, and the flags below, which the kernel numbers anew from
 * release to release, as bits of sonde's own. */
#define BIO_OP_MASK 0xff
#define BIO_OP_READ 0
#define BIO_OP_WRITE 1
#define BIO_OP_FLUSH 2
#define BIO_OP_DISCARD 3
#define BIO_OP_SECURE_ERASE 5
#define BIO_F_SYNC (1u << 8)
#define BIO_F_META (1u << 9)
#define BIO_F_FUA (1u << 10)
#define BIO_F_PREFLUSH (1u << 11)
#define BIO_F_RAHEAD (1u << 12)

/* The slots of the table of requests in flight (a power of two): each
 * request in one of the two its address hashes to; one started while two
 * other requests in flight hold them takes the first, and that one's is
 * counted as lost. */
#define BIO_SLOTS 65536
#define BIO_SLOT_BITS 16

#endif
