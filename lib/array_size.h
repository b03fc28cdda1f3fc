/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The number of elements of an array (not of a pointer), as the kernel's
 * linux/array_size.h. User space only: no BPF program needs it, and
 * common/defs.h stays what both sides share. */
#ifndef SONDE_LIB_ARRAY_SIZE_H
#define SONDE_LIB_ARRAY_SIZE_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
