/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Constants and types shared by BPF programs and user space. */
#ifndef SONDE_COMMON_DEFS_H
#define SONDE_COMMON_DEFS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define TASK_COMM_LEN 16

/* The value of sonde_filter_uid that means "any user". */
#define SONDE_UID_ANY ((__u32)-1)

/* Default size of a tool's "events" ring buffer (bytes, a power of two). */
#define SONDE_RINGBUF_DEFAULT (4u << 20)

#endif
