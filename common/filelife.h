/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* filelife: files created and removed while it runs, with their age. */
#ifndef SONDE_COMMON_FILELIFE_H
#define SONDE_COMMON_FILELIFE_H

#include "common/stream.h"

/* Files created and not yet removed that can be followed at once; one
 * created while that many are is counted as lost. */
#define FILELIFE_MAX_FILES 16384
/* Bytes of a file's path an event carries, with its NUL; a longer one is
 * cut. */
#define FILELIFE_PATH_MAX 512

/* How a file's life ended. */
enum filelife_end {
	FILELIFE_UNLINK, /* unlink, unlinkat */
	FILELIFE_RENAME, /* replaced by another file renamed over it */
};

/* A file followed: when and by whom it was created, and its path then (the
 * kernel's, of the file the open created). */
struct filelife_birth {
	__u64 ns; /* CLOCK_MONOTONIC */
	__u32 pid;
	__u16 path_len; /* with the NUL; 0: none */
	__u8 truncated;
	__u8 pad;
	char path[FILELIFE_PATH_MAX];
};

_Static_assert(sizeof(struct filelife_birth) == 16 + FILELIFE_PATH_MAX, "filelife_birth layout");

/* A removal: the header is the task that removed the file. Only path_len
 * bytes of path travel. */
struct filelife_event {
	struct stream_hdr h;
	__u64 age_ns;
	__u32 creator_pid;
	__u8 end; /* enum filelife_end */
	__u8 truncated;
	__u16 path_len;
	char path[FILELIFE_PATH_MAX];
};

_Static_assert(sizeof(struct filelife_event) == 64 + FILELIFE_PATH_MAX, "filelife_event layout");

#endif
