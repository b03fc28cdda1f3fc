/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Top tools (biotop, filetop; common/top.h, bpf/lib/top.bpf.h): their
 * options (-r -s --noclear and [interval [count]]), the counters of each
 * key drained per interval (lib/dbuf.h), ranked, and written as a block a
 * tool fills row by row. */
#ifndef SONDE_LIB_TOP_H
#define SONDE_LIB_TOP_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/dbuf.h"
#include "lib/opts.h"
#include "lib/out.h"
#include "lib/out_rows.h"
#include "lib/prom.h"
#include "common/top.h"

/* -s: what rows are ranked by, highest first. */
enum top_sort {
	TOP_SORT_ALL,	 /* bytes read and written (the default) */
	TOP_SORT_READS,	 /* reads */
	TOP_SORT_WRITES, /* writes */
	TOP_SORT_RBYTES, /* bytes read */
	TOP_SORT_WBYTES, /* bytes written */
	TOP_SORT_IO,	 /* reads and writes */
	TOP_SORT_TIME,	 /* biotop: the time the requests took */
};

struct top_opts {
	uint32_t interval_s, count; /* [interval [count]]: 1 second, until stopped */
	uint32_t rows;		    /* -r: rows shown; 0: all */
	enum top_sort sort;	    /* -s */
	bool noclear;		    /* --noclear: a terminal is not cleared between intervals */
	struct prom_opts prom;	    /* --prometheus, --max-series */
};

#define TOP_OPTS_DEFAULTS                                                                          \
	{                                                                                          \
		.interval_s = 1, .rows = 20                                                        \
	}

/* -r -s --noclear --prometheus --max-series and [interval [count]], as the argp child of a tool's
 * parser, whose input is a struct top_opts (state->child_inputs[0] at
 * ARGP_KEY_INIT). */
extern const struct argp_child top_argp_children[];
#define TOP_ARGS_DOC "[interval [count]]"

/* The counters of an interval, one row per key (keys of key_size bytes). */
struct top_table {
	size_t key_size;
	size_t n, cap;
	unsigned char *keys;
	struct top_val *vals;
	size_t *order; /* the rows ranked (top_report) */
};

/* Writes one row: its key and what it counted, into o. */
typedef void (*top_row_fn)(void *ctx, struct out *o, const void *key, const struct top_val *v);

/* A top tool's run. */
struct top {
	const struct top_opts *opts;
	struct dbuf dbuf;
	struct top_table table;
	struct out_block block;
	top_row_fn write_row;
	void *ctx;
	unsigned reports; /* tables written */
};

/* Sets up t for keys of key_size bytes; its block is out_block_init()'s
 * with these arguments. */
void top_init(struct top *t, const struct top_opts *o, size_t key_size, const char *json_key,
	      const struct out_col *cols, unsigned ncols, uint64_t show, const struct out_cfg *cfg);
/* Loads and attaches the opened skeleton s, whose object has the maps of
 * TOP_MAPS() (bpf/lib/top.bpf.h), then reports every interval (lib/interval.h)
 * until the run ends: each report drains the counters, ranks the keys by -s
 * (ties in key order, so that the output is stable) and writes the first
 * -r of them with t->write_row; on a terminal, in text, the screen is
 * cleared first unless --noclear. A run shows one table at least: the
 * last, cut-short interval is left out when it counted nothing, unless it
 * is the first. Frees what t holds. 0 or -errno, as
 * interval_run(). */
int top_run(struct top *t, struct bpf_object_skeleton *s, const struct sonde_opts *o);

/* The columns of a top_val, consecutive from index `first`: READS, WRITES,
 * READ_KB and WRITE_KB in text (KiB), reads, writes, read_bytes and
 * write_bytes in JSON. */
#define TOP_COLS(first)                                                                            \
	[(first)] = { "READS", "reads", 8, OUT_RIGHT | OUT_COUNTER },                              \
	[(first) + 1] = { "WRITES", "writes", 8, OUT_RIGHT | OUT_COUNTER },                        \
	[(first) + 2] = { "READ_KB", NULL, 10, OUT_RIGHT },                                        \
	[(first) + 3] = { NULL, "read_bytes", 0, OUT_COUNTER },                                    \
	[(first) + 4] = { "WRITE_KB", NULL, 10, OUT_RIGHT },                                       \
	[(first) + 5] = { NULL, "write_bytes", 0, OUT_COUNTER }
#define TOP_NCOLS 6
void out_top(struct out *o, unsigned first, const struct top_val *v);

#endif
