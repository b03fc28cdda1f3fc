/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* softirqs: the time in (and the runs of) each softirq vector, kept by the
 * vector's number in the histograms of common/hist.h (count, total time,
 * buckets). */
#ifndef SONDE_COMMON_SOFTIRQS_H
#define SONDE_COMMON_SOFTIRQS_H

#include "common/hist.h"

/* Vectors counted: the kernel has 10 (NR_SOFTIRQS); room for more. */
#define SOFTIRQS_MAX_KEYS 64

#endif
