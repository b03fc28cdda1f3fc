/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* hardirqs: the time in (and the number of calls to) each hard interrupt
 * handler, kept by the handler's name as /proc/interrupts shows it, in the
 * histograms of common/hist.h (count, total time, buckets). */
#ifndef SONDE_COMMON_HARDIRQS_H
#define SONDE_COMMON_HARDIRQS_H

#include "common/hist.h"

/* Bytes of a handler's name kept (its irqaction's name, "virtio1-req.0"). */
#define HARDIRQ_NAME_LEN 32
/* Handlers counted in one interval (a system has tens to a few hundred). */
#define HARDIRQS_MAX_KEYS 1024

struct hardirq_key {
	char name[HARDIRQ_NAME_LEN];
};

_Static_assert(sizeof(struct hardirq_key) == 32, "hardirq_key layout");

#endif
