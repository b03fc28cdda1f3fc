/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The BPF file system, where what must outlive the process is pinned.
 *
 * The pin root is /sys/fs/bpf, or the directory the environment variable
 * SONDE_BPFFS names (a bpffs mounted there). A pin outlives the command only
 * in the bpffs that the system sees (PID 1's), not in one of a private mount
 * namespace (ip netns exec, unshare -m), which goes away with the command:
 * such a root is refused. Below the root, every directory is opened with
 * openat(O_NOFOLLOW) from a directory already checked, and must be ours and
 * writable by no one else: on a bpffs mounted without mode= (the kernel
 * makes its root 1777) another user may have made it first, or put a
 * symlink there. Objects are pinned and opened through /proc/self/fd/N/NAME,
 * so that the kernel resolves no path component again. */
#ifndef SONDE_TOOLS_XDPDROP_BPFFS_H
#define SONDE_TOOLS_XDPDROP_BPFFS_H

#include <limits.h>
#include <stdbool.h>

#define SONDE_BPFFS "/sys/fs/bpf"
/* The environment variable naming another pin root (tests mount their own). */
#define SONDE_BPFFS_ENV "SONDE_BPFFS"

struct bpffs {
	int fd;		/* the root, checked */
	char path[256]; /* its path, for messages */
};

/* Opens the pin root; with mount (--pin), mounts bpffs at /sys/fs/bpf when
 * none is there. Refuses a root the system does not see and a root others
 * may change (-ENXIO, -EPERM); no bpffs is -ENODEV. 0 or -errno, after one
 * line on stderr. */
int bpffs_open(struct bpffs *fs, bool mount);
void bpffs_close(struct bpffs *fs);
/* The directory name in the checked directory at (whose path, for messages,
 * is path), made with mode 0700 when absent and create is set. Returns its
 * fd, -ENOENT when absent, or -EPERM after one line when it is not a
 * directory of ours that no one else may write in (or not a directory, a
 * symlink among them). */
int bpffs_dir(int at, const char *path, const char *name, bool create);
/* The directory at is still linked in parent as name (not removed, nor
 * replaced, since it was opened). */
bool bpffs_linked(int parent, const char *name, int at);
/* Pins the BPF object obj as name in the checked directory at; 0 or -errno. */
int bpffs_pin(int at, const char *name, int obj);
/* The BPF object pinned as name in the checked directory at: its fd, or
 * -errno. */
int bpffs_get(int at, const char *name);

#endif
