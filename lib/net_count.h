/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The --count mode of the network tools (tcpconnect, tcpretrans, tcpdrop):
 * the kernel counts into a hash map (bpf/lib/net_count.bpf.h), and one table
 * of it is printed when the tool stops. */
#ifndef SONDE_LIB_NET_COUNT_H
#define SONDE_LIB_NET_COUNT_H

#include <stddef.h>
#include <bpf/libbpf.h>
#include "lib/opts.h"
#include "lib/out.h"

/* A --count mode: the table's header is printed once tracing (the sign that
 * it runs), its rows when it stops (a signal, -d): one per entry of map,
 * most counted first, each written by row() between out_row_begin() (or
 * net_row_begin()) and out_row_end(). */
struct net_count_table {
	const struct out_col *cols;
	unsigned ncols;
	struct bpf_map *map;
	size_t key_size, val_size;
	size_t cnt_off; /* where the 64-bit count is in the value */
	void (*row)(struct out *o, const void *key, const void *val, void *ctx);
	void *ctx;
};

/* Loads and attaches the opened skeleton, then counts until the end; 0 or
 * -errno, as sonde_stream_run(). */
int net_count_run(struct bpf_object_skeleton *s, const struct sonde_opts *opts,
		  const struct net_count_table *t);

#endif
