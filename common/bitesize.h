/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* bitesize: block I/O size histograms in bytes, kept by the task that
 * submitted each request (the task histograms of common/hist.h, the
 * requests of common/bio.h). */
#ifndef SONDE_COMMON_BITESIZE_H
#define SONDE_COMMON_BITESIZE_H

#include "common/bio.h"
#include "common/hist.h"

#endif
