/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What every event tool shares between its BPF programs (bpf/lib/stream.bpf.h)
 * and user space (lib/evloop.c, lib/loader.c): the names of the ring buffer's
 * maps and settings. */
#ifndef SONDE_COMMON_STREAM_H
#define SONDE_COMMON_STREAM_H

#include "common/defs.h"

/* The BPF side declares them with these identifiers and user space looks
 * them up by STREAM_NAME() of the same: a rename cannot reach one side only. */
#define STREAM_EVENTS events		       /* the ring buffer */
#define STREAM_LOST_EVENTS lost_events	       /* per-CPU count of events not sent */
#define STREAM_WAKEUP_BYTES sonde_wakeup_bytes /* rodata: unread bytes that wake the reader */

#define STREAM_NAME(id) STREAM_NAME_(id)
#define STREAM_NAME_(id) #id

#endif
