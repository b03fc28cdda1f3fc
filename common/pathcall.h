/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Syscalls that name a path (opensnoop, statsnoop): one event per call, as
 * it returns, carrying the path it named: the opened file's, or the one the
 * caller's memory held (path_from says which). */
#ifndef SONDE_COMMON_PATHCALL_H
#define SONDE_COMMON_PATHCALL_H

#include "common/file.h"
#include "common/stream.h"

/* Bytes of path an event can carry, with its NUL: PATH_MAX, the longest path
 * the kernel takes. A longer one (which the call fails with ENAMETOOLONG) is
 * cut to PATHCALL_PATH_MAX - 1 bytes and the event marked truncated. */
#define PATHCALL_PATH_MAX 4096

/* The dirfd of calls that take none (open, creat, stat, ...): a relative
 * path is relative to the working directory. */
#define PATHCALL_AT_FDCWD FILE_AT_FDCWD

/* An event is this header followed by path_len bytes of path: only the
 * bytes used travel through the ring buffer. */
struct pathcall_event {
	struct stream_hdr h;
	__s32 ret;	/* the syscall's return: >= 0, or -errno */
	__u32 flags;	/* opensnoop: O_* flags; statsnoop: AT_* flags */
	__s32 dirfd;	/* what a relative path is relative to */
	__u16 mode;	/* opensnoop: the mode given with O_CREAT / O_TMPFILE */
	__u16 nr;	/* the syscall's number */
	__u16 path_len; /* bytes of path[] used, with the NUL; 0: unreadable */
	__u8 truncated; /* the path was longer than PATHCALL_PATH_MAX - 1 bytes */
	__u8 path_from; /* enum stream_from: the kernel's file, or the caller's memory */
	__u8 pad[4];
	char path[PATHCALL_PATH_MAX];
};

_Static_assert(sizeof(struct pathcall_event) == 72 + PATHCALL_PATH_MAX, "pathcall_event layout");

#endif
