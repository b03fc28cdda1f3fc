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

/* Bytes of the path of the file executed an event carries, with its NUL. */
#define EXECSNOOP_EXE_MAX 4096

/* The argument area was cut: more bytes than EXECSNOOP_ARGS_SIZE, or an
 * argument longer than EXECSNOOP_ARG_LEN, or more than --max-args. */
#define EXECSNOOP_F_TRUNCATED 0x1

/* An event is this header followed by args_size bytes of arguments, then
 * exe_len bytes of path: only the bytes used travel through the ring
 * buffer. */
struct execsnoop_event {
	struct stream_hdr h;
	__u32 ppid;
	__s32 ret;
	__u32 args_size; /* bytes of data[] that are the arguments, NUL-separated */
	__u32 flags;	 /* EXECSNOOP_F_* */
	__u16 exe_len;	 /* bytes of data[] after them: the file executed, with its NUL; 0: none */
	__u8 args_from;	 /* enum stream_from: the new program's stack, or the caller's argv */
	__u8 pad[5];
	char data[EXECSNOOP_ARGS_SIZE + EXECSNOOP_EXE_MAX];
};

_Static_assert(sizeof(struct execsnoop_event) == 72 + EXECSNOOP_ARGS_SIZE + EXECSNOOP_EXE_MAX,
	       "execsnoop_event layout");

#endif
