/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* mountsnoop: one event per mount-family system call, as it returns. */
#ifndef SONDE_COMMON_MOUNTSNOOP_H
#define SONDE_COMMON_MOUNTSNOOP_H

#include "common/stream.h"

enum mountsnoop_call {
	MOUNTSNOOP_MOUNT,
	MOUNTSNOOP_UMOUNT2,
	MOUNTSNOOP_FSOPEN,
	MOUNTSNOOP_FSCONFIG,
	MOUNTSNOOP_FSMOUNT,
	MOUNTSNOOP_MOVE_MOUNT,
	MOUNTSNOOP_OPEN_TREE,
	MOUNTSNOOP_MOUNT_SETATTR,
	MOUNTSNOOP_OPEN_TREE_ATTR, /* Linux 6.15+ */
	MOUNTSNOOP_NCALLS
};

/* The strings an event carries; which argument fills which depends on the call. */
enum mountsnoop_str {
	MOUNTSNOOP_SOURCE, /* mount: source; move_mount: from; open_tree*: path; fsconfig: key */
	MOUNTSNOOP_TARGET, /* mount, umount2, mount_setattr: path; move_mount: to */
	MOUNTSNOOP_FS,	   /* mount: fstype; fsopen: fs name */
	MOUNTSNOOP_DATA,   /* mount: data (options); fsconfig: a string or path value */
	MOUNTSNOOP_NSTRS
};

/* Bytes of each string, with its NUL. A longer string is cut to
 * MOUNTSNOOP_STR_LEN - 1 bytes and its bit set in `truncated`. */
#define MOUNTSNOOP_STR_LEN 256

/* The dirfd of a path relative to the working directory. */
#define MOUNTSNOOP_AT_FDCWD (-100)

struct mountsnoop_event {
	struct stream_hdr h; /* no uid */
	__u64 flags;	     /* the call's flags argument; fsconfig: its command */
	__u64 attr[3];	     /* fsmount: attr_flags; mount_setattr, open_tree_attr: attr_set,
			      * attr_clr, propagation */
	__s32 ret;
	__s32 fd[2];	   /* the dirfd (or fd) of SOURCE and of TARGET; fsconfig: fd, aux */
	__u8 call;	   /* enum mountsnoop_call */
	__u8 strings_from; /* enum stream_from of str[] and attr: "exit" if any came from there */
	__u8 present;	   /* bit i: str[i] was given and could be read */
	__u8 truncated;	   /* bit i: str[i] was cut */
	char str[MOUNTSNOOP_NSTRS][MOUNTSNOOP_STR_LEN];
};

_Static_assert(sizeof(struct mountsnoop_event) == 96 + MOUNTSNOOP_NSTRS * MOUNTSNOOP_STR_LEN,
	       "mountsnoop_event layout");

#endif
