/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Block I/O requests, the user side of the block tools (biolatency,
 * biosnoop; common/bio.h): a disk named as in /sys/block, and a kind of
 * request written as the kernel's block tracepoints write it (rwbs). */
#ifndef SONDE_LIB_BIO_H
#define SONDE_LIB_BIO_H

#include <stdint.h>
#include "lib/out.h"

/* --disk DISK: its dev_t (BIO_DEV), from /sys/block/DISK/dev ("/dev/"
 * before DISK is accepted). 0, or -EINVAL after saying on stderr that no
 * such disk exists. */
int bio_disk_parse(const char *disk, uint32_t *dev);

/* The name of disk dev (from the link /sys/dev/block/MAJOR:MINOR to its
 * device, remembered for the next calls) in column col; null, "?", when
 * the disk is gone. */
void bio_out_disk(struct out *o, unsigned col, uint32_t dev);

/* A kind of request (BIO_OP_* | BIO_F_*) in column col: F for a flush
 * before, the operation (R, W, D discard, E secure erase, F flush, N
 * another), then F for FUA, A read-ahead, S sync, M metadata. */
void bio_out_flags(struct out *o, unsigned col, uint32_t flags);

#endif
