/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* profile: its BPF side and user space share the stack family's layouts
 * (common/stack.h) and these limits. */
#ifndef SONDE_COMMON_PROFILE_H
#define SONDE_COMMON_PROFILE_H

#include "common/stack.h"

/* -F: samples per second and CPU. */
#define PROFILE_HZ_DEFAULT 49
#define PROFILE_HZ_MAX 10000

#endif
