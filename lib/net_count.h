/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The --count mode of the network tools (tcpconnect, tcpretrans, tcpdrop):
 * the kernel counts into a hash map (bpf/lib/net_count.bpf.h), and one table
 * of it is printed when the tool stops; with --prometheus (its argp child
 * prom_argp_children), its rows are also written as Prometheus series every
 * second. */
#ifndef SONDE_LIB_NET_COUNT_H
#define SONDE_LIB_NET_COUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "lib/opts.h"
#include "lib/out.h"
#include "lib/prom.h"

/* A --count mode: the table's header is printed once tracing (the sign that
 * it runs), its rows when it stops (a signal, -d): one per entry of map,
 * most counted first, each written by row() between out_row_begin() (or
 * net_count_row_begin()) and out_row_end(). */
struct net_count_table {
	const struct out_col *cols;
	unsigned ncols;
	struct bpf_map *map;
	size_t key_size, val_size;
	size_t cnt_off; /* where the 64-bit count is in the value */
	void (*row)(struct out *o, const void *key, const void *val, void *ctx);
	void *ctx;
	const char *const *notes; /* as struct sonde_stream's */
	/* --prometheus: every second and at the end, the table's rows as
	 * series (lib/prom.h): its OUT_LABEL columns the labels, its
	 * OUT_COUNTER ones the counters */
	const struct prom_opts *prom;
};

/* Loads and attaches the opened skeleton, then counts until the end; 0 or
 * -errno, as sonde_stream_run(). */
/* --prometheus (PROM_OPTIONS, PROM_STORES) without --count is a usage
 * error: the events of a trace are no series. 0 or -EINVAL, said. */
int net_count_check(bool count, const struct prom_opts *p);
/* Interval of the --prometheus file of a --count mode, which has none of
 * its own: a map of a few thousand entries read in a few ms. */
#define NET_COUNT_PROM_MS 1000
int net_count_run(struct bpf_object_skeleton *s, const struct sonde_opts *opts,
		  const struct net_count_table *t);

/* The entries of a map of counters in one block, each record a key then its
 * value, sorted by the 64-bit count in the value, highest first. */
struct net_counts {
	uint8_t *recs;
	size_t n, key_size, rec_size;
};

/* Where net_counts_read() finds them: libbpf's bpf_map_get_next_key() and
 * bpf_map_lookup_elem() on a map's fd (tests bring their own). Each returns 0,
 * or a negative value with errno set: ENOENT after the last key, or for an
 * entry deleted since its key was read. */
struct net_counts_src {
	int fd;
	int (*next_key)(int fd, const void *key, void *next_key);
	int (*lookup)(int fd, const void *key, void *value);
};

/* Every entry of src once, its count at cnt_off in the value. 0 or -errno;
 * net_counts_free() frees what it read. */
int net_counts_read(const struct net_counts_src *src, size_t key_size, size_t val_size,
		    size_t cnt_off, struct net_counts *c);
void net_counts_free(struct net_counts *c);

static inline const void *net_counts_key(const struct net_counts *c, size_t i)
{
	return c->recs + i * c->rec_size;
}

static inline const void *net_counts_val(const struct net_counts *c, size_t i)
{
	return c->recs + i * c->rec_size + c->key_size;
}

#endif
