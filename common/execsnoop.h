/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* execsnoop: one event per execve()/execveat() return. */
#ifndef SONDE_COMMON_EXECSNOOP_H
#define SONDE_COMMON_EXECSNOOP_H

#include "common/stream.h"

/* Bytes of NUL-separated arguments carried by one event (a power of two). */
#define EXECSNOOP_ARGS_SIZE 4096
/* Longest single argument read from a failed exec's argv. */
#define EXECSNOOP_ARG_LEN 256
/* Upper bound of --max-args. */
#define EXECSNOOP_MAX_ARGS 128

/* The argument area was cut: more bytes than EXECSNOOP_ARGS_SIZE, or an
 * argument longer than EXECSNOOP_ARG_LEN, or more than --max-args. */
#define EXECSNOOP_F_TRUNCATED 0x1

struct execsnoop_event {
	struct stream_hdr h;
	__u32 ppid;
	__s32 ret;
	__u32 args_size; /* bytes used in args[] */
	__u32 flags;	 /* EXECSNOOP_F_* */
	char args[EXECSNOOP_ARGS_SIZE];
};

_Static_assert(sizeof(struct execsnoop_event) == 64 + EXECSNOOP_ARGS_SIZE,
	       "execsnoop_event layout");

#endif
