/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* statsnoop: one event per stat(), lstat(), newfstatat(), statx() or
 * statfs() return (struct pathcall_event). */
#ifndef SONDE_COMMON_STATSNOOP_H
#define SONDE_COMMON_STATSNOOP_H

#include "common/pathcall.h"

/* fstatat()/statx() flag: an empty path means dirfd itself (fstat). */
#define STATSNOOP_AT_EMPTY_PATH 0x1000

#endif
