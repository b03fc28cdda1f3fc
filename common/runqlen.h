/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* runqlen: run-queue lengths sampled on each CPU, counted in the histograms
 * of common/hist.h (in tasks) by CPU (--per-cpu) or all in one (key 0). */
#ifndef SONDE_COMMON_RUNQLEN_H
#define SONDE_COMMON_RUNQLEN_H

#include "common/hist.h"

/* CPUs counted (keys of --per-cpu): libbpf's possible CPUs, at most. */
#define RUNQLEN_MAX_KEYS 4096
/* -F: samples a second on each CPU. */
#define RUNQLEN_HZ_DEFAULT 99
#define RUNQLEN_HZ_MAX 10000

#endif
