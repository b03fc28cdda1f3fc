/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* biolatency: block I/O latency histograms (common/hist.h), one for the
 * system or one per disk, per kind of request or per cgroup, each keyed by
 * a __u64. */
#ifndef SONDE_COMMON_BIOLATENCY_H
#define SONDE_COMMON_BIOLATENCY_H

#include "common/bio.h"
#include "common/hist.h"

enum bio_by {
	BIO_BY_ALL,
	BIO_BY_DISK,   /* -D: the key is the disk's dev_t (BIO_DEV) */
	BIO_BY_FLAGS,  /* -F: the key is BIO_OP_* | BIO_F_* */
	BIO_BY_CGROUP, /* --by-cgroup: the cgroup v2 ID of the task that submitted the request */
};

#endif
