/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Counters kept by the kernel in per-CPU maps, read and cleared by user
 * space once per interval (syscount, cgsyscount; the loop is lib/interval.h).
 *
 * Double buffering: the BPF programs count into the map that a one-slot
 * ARRAY_OF_MAPS points to (bpf/lib/count.bpf.h). dbuf_drain() points the
 * slot at the other map -- the kernel returns from that update only after an
 * RCU grace period, when no program can still hold the old map -- then reads
 * the old map and clears it. So no call is lost between the read and the
 * clear, none is counted in two intervals, and the BPF side needs no atomics.
 */
#ifndef SONDE_LIB_DBUF_H
#define SONDE_LIB_DBUF_H

#include <stdbool.h>
#include <stdint.h>
#include <bpf/libbpf.h>

struct dbuf {
	int outer_fd;
	int fds[2];
	unsigned active; /* fds[active]: the map the programs count into */
	/* NULL, or a word of the object's .bss that is set to the new active
	 * before each switch: counters kept beside the maps (cgsyscount's
	 * slots) take their half from it and are quiet after the switch too. */
	uint32_t *active_mirror;
	bool array;   /* per-CPU array (cleared by zeroing), else per-CPU hash */
	int max_word; /* the value word that is a maximum over CPUs, not a sum; -1: none */
	uint32_t key_size, value_size, entries, chunk;
	int ncpu;
	void *keys, *vals; /* one chunk of entries, the values per CPU */
	uint64_t *sum;
};

/* Called for each key whose value is not all zero; sum holds the value's
 * __u64 words, each added over the CPUs (the largest for max_word). */
typedef int (*dbuf_fn)(const void *key, const uint64_t *sum, void *ctx);

/* After load: `outer` is the ARRAY_OF_MAPS whose slot 0 holds `a`, or is
 * empty, which the programs take to mean `a` (bpf/lib/count.bpf.h); `b` is
 * the spare of the same kind. Values must be made of __u64 words. */
int dbuf_init(struct dbuf *d, struct bpf_map *outer, struct bpf_map *a, struct bpf_map *b);
void dbuf_free(struct dbuf *d);
/* Values whose word `word` is a maximum (struct hist's max), combined over
 * CPUs by taking the largest. */
void dbuf_max_word(struct dbuf *d, int word);
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

#endif
