/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The BPF file system, for tools that pin programs and maps so that they
 * outlive the process. */
#ifndef SONDE_TOOLS_XDPDROP_BPFFS_H
#define SONDE_TOOLS_XDPDROP_BPFFS_H

#define SONDE_BPFFS "/sys/fs/bpf"

/* Mounts bpffs at /sys/fs/bpf unless it is mounted there (it is not at boot
 * on some systems); 0 or -errno, after one line on stderr. */
int bpffs_ensure(void);
/* Creates path and its missing parents below /sys/fs/bpf, each new one with
 * mode 0700; 0 or -errno. */
int bpffs_mkdirs(const char *path);
/* Removes the files named in names (NULL-terminated) from dir, then dir and
 * its parents up to (not including) stop while they are empty. A name that
 * is absent is fine. 0 or -errno. */
int bpffs_remove(const char *dir, const char *const *names, const char *stop);

#endif
