/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* filetop: reads and writes counted per process and file each interval
 * (common/top.h), and what each file counted is. */
#ifndef SONDE_COMMON_FILETOP_H
#define SONDE_COMMON_FILETOP_H

#include "common/file.h"
#include "common/top.h"

/* Keys counted in one interval; a call of one more is counted as lost. */
#define FILETOP_MAX_KEYS 10240
/* Files whose path is kept at once: the least recently counted goes. */
#define FILETOP_MAX_FILES 10240
/* Bytes of a file's path kept, with its NUL; a longer one is cut. */
#define FILETOP_PATH_MAX 256

/* A process (its cgroup, and the name of the thread that counted) and a
 * file, as the kernel names it (device, inode). */
struct filetop_key {
	__u64 ino;
	__u64 cgroup_id;
	__u32 dev;
	__u32 pid;
	char comm[TASK_COMM_LEN];
};

_Static_assert(sizeof(struct filetop_key) == 40, "filetop_key layout");

struct filetop_file_id {
	__u64 ino;
	__u32 dev;
	__u32 pad;
};

_Static_assert(sizeof(struct filetop_file_id) == 16, "filetop_file_id layout");

/* A file counted: its kind and path, as the first process that counted it
 * in an interval sees it. */
struct filetop_file {
	__u8 kind; /* enum file_kind */
	__u8 truncated;
	__u16 path_len; /* with the NUL; 0: no path */
	__u32 pad;
	char path[FILETOP_PATH_MAX];
};

_Static_assert(sizeof(struct filetop_file) == 8 + FILETOP_PATH_MAX, "filetop_file layout");

#endif
