/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* runqlat: run-queue latency histograms, kept by the task that waited (what
 * the kernel and user space share is the task histograms' of
 * common/hist.h). */
#ifndef SONDE_COMMON_RUNQLAT_H
#define SONDE_COMMON_RUNQLAT_H

#include "common/hist.h"

#endif
