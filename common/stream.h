/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What every event tool shares between its BPF programs (bpf/lib/stream.bpf.h)
 * and user space (lib/stream.h, lib/evloop.c, lib/loader.c): the header each
 * event starts with, and the names of the ring buffer's maps and settings. */
#ifndef SONDE_COMMON_STREAM_H
#define SONDE_COMMON_STREAM_H

#include "common/defs.h"

/* The BPF side declares them with these identifiers and user space looks
 * them up by STREAM_NAME() of the same: a rename cannot reach one side only. */
#define STREAM_EVENTS events		       /* the ring buffer, or a perf event array */
#define STREAM_COUNTS sonde_counts	       /* per-CPU counters: enum stream_count */
#define STREAM_WAKEUP_BYTES sonde_wakeup_bytes /* rodata: unread bytes that wake the reader */
#define STREAM_PERFBUF sonde_perfbuf	       /* rodata: STREAM_EVENTS is a perf event array */
#define STREAM_WAKE_IDLE sonde_wake_idle       /* rodata: an event wakes a reader that waits */
#define STREAM_SCRATCH sonde_scratch	       /* per-CPU room to build events in, for it */

/* The largest event built in place (sonde_reserve()); a larger one is built
 * by the tool and sent whole (sonde_output()). A tool whose events are
 * larger defines its own before including this (capable and tcpdrop, whose
 * events can carry a kernel stack). */
#ifndef STREAM_SCRATCH_SIZE
#define STREAM_SCRATCH_SIZE 512
#endif
/* Programs that can run one inside another on a CPU (a task's, then a
 * softirq's, a hard irq's and an NMI's): each builds in a room of its own. */
#define STREAM_SCRATCH_DEPTH 4

#define STREAM_NAME(id) STREAM_NAME_(id)
#define STREAM_NAME_(id) #id

/* What a tool could not report, or not report as it should, counted in the
 * kernel (one slot of STREAM_COUNTS each) and said on stderr when the run
 * ends (lib/evloop.h): nothing goes unreported in silence. */
enum stream_count {
	/* Events not sent: the buffer was full, or the per-thread or per-socket
	 * record an event is built from could not be made. */
	STREAM_LOST,
	/* Events about a socket whose owner is not known (network tools). */
	STREAM_NO_OWNER,
	/* Connections accepted while the table of accepting processes was
	 * full: their events carry their listener's owner instead. */
	STREAM_OWNER_LISTENER,
	/* Stacks not stored: the stack tools' table of stacks was full (their
	 * samples are counted without that stack). */
	STREAM_STACK_MISSED,
	/* Samples not counted: the stack tools' table of keys was full. */
	STREAM_STACK_UNCOUNTED,
	STREAM_NCOUNTS
};

/* Who an event is about and when: the start of every event. Most tools fill
 * it from the current task (stream_hdr_current()), the network tools from a
 * socket's remembered owner (net_owner_hdr(): tid 0, pid 0 when not known),
 * exitsnoop from the exiting task and oomkill from its victim. A tool that
 * reports no UID leaves uid 0 rather than read it. */
struct stream_hdr {
	__u64 ts_ns; /* CLOCK_MONOTONIC */
	__u64 cgroup_id;
	__u32 pid; /* thread group ID */
	__u32 tid;
	__u32 uid;
	__u32 pad;
	char comm[TASK_COMM_LEN];
};

_Static_assert(sizeof(struct stream_hdr) == 48, "stream_hdr layout");

/* Where a value an event carries came from (the JSON keys ending in _from:
 * "kernel", "entry", "exit"). Another thread of the caller can rewrite the
 * caller's memory while a call runs: a value read there is what the memory
 * held at that moment, not necessarily what the kernel used. */
enum stream_from {
	STREAM_FROM_KERNEL, /* an object the kernel holds: the opened file, the bound socket */
	STREAM_FROM_ENTRY,  /* the caller's memory, read as the call entered */
	STREAM_FROM_EXIT,   /* the caller's memory, read as the call returned: it could not be
			     * read at entry (its page was not in memory yet) */
	STREAM_FROM_NONE,   /* nothing to read (no such argument) */
};

#endif
