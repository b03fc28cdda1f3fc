/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Block I/O requests, the user side of the block tools (biolatency,
 * biosnoop; common/bio.h): a disk named as in /sys/block, and a kind of
 * request written as the kernel's block tracepoints write it (rwbs). */
#ifndef SONDE_LIB_BIO_H
#define SONDE_LIB_BIO_H

#include <stdint.h>
#include "lib/out.h"

/* --disk DISK, the option every block tool takes: its row of the tool's
 * argp options, and a SONDE_STORE(BIO_OPT_DISK, struct foo_opts, disk.name)
 * row; at ARGP_KEY_END, bio_disk_resolve(&o->disk). */
#define BIO_OPT_DISK 0x3d0
#define BIO_DISK_OPTION                                                                            \
	{                                                                                          \
		"disk", BIO_OPT_DISK, "DISK", 0,                                                   \
		    "Only this disk (as in /sys/block: sda, nvme0n1, loop0)", 0                    \
	}

struct bio_disk {
	const char *name; /* as typed; NULL: every disk */
	uint32_t dev;	  /* its dev_t (BIO_DEV), for the BPF side's bio_disk_dev; 0: every disk */
};

/* The dev_t of d->name, from /sys/block/NAME/dev ("/dev/" before NAME is
 * accepted), when one was given. An argp error: 0, or EINVAL after saying
 * on stderr that no such disk exists. */
int bio_disk_resolve(struct bio_disk *d);

/* The name of disk dev (from the link /sys/dev/block/MAJOR:MINOR to its
 * device, remembered for the next calls) in column col; null, "?", when
 * the disk is gone. */
void bio_out_disk(struct out *o, unsigned col, uint32_t dev);

/* A kind of request (BIO_OP_* | BIO_F_*) in column col: F for a flush
 * before, the operation (R, W, D discard, E secure erase, F flush, N
 * another), then F for FUA, A read-ahead, S sync, M metadata. */
void bio_out_flags(struct out *o, unsigned col, uint32_t flags);

#endif
