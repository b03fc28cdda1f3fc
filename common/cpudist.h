/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* cpudist: on-CPU (or, with -O, off-CPU) time histograms, kept by the task
 * whose time it is (what the kernel and user space share is the task
 * histograms' of common/hist.h). */
#ifndef SONDE_COMMON_CPUDIST_H
#define SONDE_COMMON_CPUDIST_H

#include "common/hist.h"

#endif
