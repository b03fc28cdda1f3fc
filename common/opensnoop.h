/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* opensnoop: one event per open(), openat(), openat2() or creat() return
 * (struct pathcall_event). */
#ifndef SONDE_COMMON_OPENSNOOP_H
#define SONDE_COMMON_OPENSNOOP_H

#include "common/pathcall.h"

/* open(2) flags as x86_64 numbers them (include/uapi/asm-generic/fcntl.h),
 * for the BPF side, which has no libc headers. */
#define OPENSNOOP_O_ACCMODE 00000003
#define OPENSNOOP_O_WRONLY 00000001
#define OPENSNOOP_O_CREAT 00000100
#define OPENSNOOP_O_TRUNC 00001000

/* Most -f flags one run can ask for. */
#define OPENSNOOP_MAX_FLAGS 16

#endif
