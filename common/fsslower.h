/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* fsslower: file reads, writes, opens and syncs slower than a threshold,
 * with the file's path and file system. */
#ifndef SONDE_COMMON_FSSLOWER_H
#define SONDE_COMMON_FSSLOWER_H

#include "common/file.h"
#include "common/stream.h"

/* Bytes of path an event can carry, with its NUL (PATH_MAX); a longer one
 * is cut. */
#define FSSLOWER_PATH_MAX 4096

/* What the call did (the OP column). */
enum fsslower_op {
	FSSLOWER_READ,
	FSSLOWER_WRITE,
	FSSLOWER_OPEN,
	FSSLOWER_FSYNC, /* fsync, fdatasync */
};

/* An event is this header followed by path_len bytes of path. */
struct fsslower_event {
	struct stream_hdr h;
	__u64 lat_ns;
	__s64 offset; /* reads and writes: where in the file; -1 otherwise */
	__s64 ret;    /* bytes read or written, the descriptor opened, or 0 */
	__u16 nr;     /* the syscall's number */
	__u8 op;      /* enum fsslower_op */
	__u8 truncated;
	__u16 path_len; /* with the NUL; 0: no path */
	__u16 pad;
	char fstype[FILE_FSTYPE_LEN];
	char path[FSSLOWER_PATH_MAX];
};

_Static_assert(sizeof(struct fsslower_event) == 96 + FSSLOWER_PATH_MAX, "fsslower_event layout");

#endif
