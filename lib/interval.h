/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Interval tools (syscount, cgsyscount): counters kept by the kernel in
 * per-CPU maps, read and cleared by user space once per interval, and the
 * loop that prints one block per interval.
 *
 * Double buffering: the BPF programs count into the map that a one-slot
 * ARRAY_OF_MAPS points to (bpf/lib/count.bpf.h). dbuf_drain() points the
 * slot at the other map -- the kernel returns from that update only after an
 * RCU grace period, when no program can still hold the old map -- then reads
 * the old map and clears it. So no call is lost between the read and the
 * clear, none is counted in two intervals, and the BPF side needs no atomics.
 */
#ifndef SONDE_LIB_INTERVAL_H
#define SONDE_LIB_INTERVAL_H

#include <stdbool.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "lib/opts.h"
#include "lib/out_rows.h"

struct dbuf {
	int outer_fd;
	int fds[2];
	unsigned active; /* fds[active]: the map the programs count into */
	/* NULL, or a word of the object's .bss that is set to the new active
	 * before each switch: counters kept beside the maps (cgsyscount's
	 * slots) take their half from it and are quiet after the switch too. */
	uint32_t *active_mirror;
	bool array; /* per-CPU array (cleared by zeroing), else per-CPU hash */
	uint32_t key_size, value_size, entries, chunk;
	int ncpu;
	void *keys, *vals; /* one chunk of entries, the values per CPU */
	uint64_t *sum;
};

/* Called for each key whose value is not all zero; sum holds the value's
 * __u64 words, each added over the CPUs. */
typedef int (*dbuf_fn)(const void *key, const uint64_t *sum, void *ctx);

/* After load: `outer` is the ARRAY_OF_MAPS whose slot 0 holds `a`, or is
 * empty, which the programs take to mean `a` (lib/syscount.bpf.h); `b` is
 * the spare of the same kind. Values must be made of __u64 words. */
int dbuf_init(struct dbuf *d, struct bpf_map *outer, struct bpf_map *a, struct bpf_map *b);
void dbuf_free(struct dbuf *d);
/* Swaps the maps, then hands every counted key of the old one to fn and
 * clears it. 0 or -errno (fn's negative return stops it). */
int dbuf_drain(struct dbuf *d, dbuf_fn fn, void *ctx);

/* Called for entry INDEX of a per-CPU array with its values on every CPU,
 * one after the other; returns 1 when the entry is to be cleared, 0 to
 * leave it, or -errno. */
typedef int (*pcpu_entry_fn)(uint32_t index, const void *vals, void *ctx);
/* Entries [first, first + n) of the per-CPU array fd, read with one batch
 * call into keys (n of them) and vals (n x ncpu x value_size): each handed
 * to fn, then those fn took zeroed. 0 or -errno. */
int pcpu_array_drain(int fd, uint32_t first, uint32_t n, uint32_t value_size, int ncpu,
		     uint32_t *keys, void *vals, pcpu_entry_fn fn, void *ctx);

struct interval_cfg {
	uint32_t interval_s; /* 0: a single report, when the run ends */
	uint32_t count;	     /* reports before stopping; 0: until stopped */
	/* Reads the counters and prints one block. With skip_empty (the
	 * remainder of an interval at the end of a run) it prints nothing when
	 * nothing was counted. 0 or -errno. */
	int (*report)(void *ctx, bool skip_empty);
	void *ctx;
	struct out_block *block; /* its clock starts at attach; flushed after each report */
	/* Set up after load (dbuf_init on the three maps), freed at the end. */
	struct dbuf *dbuf;
	struct bpf_map *outer, *a, *b;
	uint32_t *active_mirror; /* for dbuf: NULL, or as there */
};

/* Loads the opened skeleton (common filters in rodata), sets up cfg->dbuf,
 * attaches it and reports every interval until a signal, --duration, `count` reports or
 * the reader going away; then reports what the last interval counted. The
 * object's "events" ring buffer, if it has one, is not created. 0 or -errno
 * as evloop_run(). */
int interval_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		 const struct interval_cfg *cfg);

#endif
