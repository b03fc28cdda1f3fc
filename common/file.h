/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Files as the file tools (filetop, fsslower; BPF side bpf/lib/file.bpf.h)
 * see them: the struct file behind a descriptor, its kind, its path and its
 * file system. */
#ifndef SONDE_COMMON_FILE_H
#define SONDE_COMMON_FILE_H

#include "common/defs.h"

/* A file's kind, from its inode's mode. */
enum file_kind {
	FILE_KIND_OTHER,
	FILE_KIND_REGULAR,
	FILE_KIND_DIR,
	FILE_KIND_CHAR,
	FILE_KIND_BLOCK,
	FILE_KIND_FIFO,
	FILE_KIND_SOCKET,
	FILE_KIND_LINK,
};

/* The dirfd that means the working directory (AT_FDCWD). */
#define FILE_AT_FDCWD (-100)

/* Bytes of a file system type's name kept, with its NUL (the kernel's
 * are short: "ext4", "tmpfs", "fuse.sshfs"). */
#define FILE_FSTYPE_LEN 16

#endif
