/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What the syscall counting tools (syscount, cgsyscount) share in user
 * space: their options (-i -T -x -e -L -m and [interval [count]]), the
 * settings of the BPF side (bpf/lib/count.bpf.h), and the counters
 * (common/count.h's struct count_val) as rows keyed by an ID (a
 * syscall number, a PID, a cgroup ID) and a syscall number: collected,
 * merged, ranked and written as columns. */
#ifndef SONDE_LIB_COUNT_H
#define SONDE_LIB_COUNT_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "lib/out.h"
#include "lib/prom.h"
#include "common/count.h"

struct count_opts {
	uint32_t interval_s, count; /* [interval [count]], -i */
	uint32_t top;		    /* -T: rows shown; 0: all */
	uint32_t errno_v;	    /* -e: 0 = any */
	bool failed;		    /* -x */
	bool latency;		    /* -L */
	bool ms;		    /* -m */
	struct prom_opts prom;	    /* --prometheus, --max-series */
};

#define COUNT_OPTS_DEFAULTS                                                                        \
	{                                                                                          \
		.top = 10                                                                          \
	}

/* -i -T -x -e -L -m, --prometheus, --max-series and [interval [count]], as the argp children of a
 * tool's parser (its argp's `children`), whose input is a struct count_opts:
 * the tool's parser passes it on with `state->child_inputs[0] =
 * &opts->count` at ARGP_KEY_INIT. */
extern const struct argp_child count_argp_children[];
#define COUNT_ARGS_DOC "[interval [count]]"
/* Before load: -x, -e and -L into the object's rodata; the syscall entry
 * program loads only with -L. 0 or -EIO (an object without them). */
int count_bpf_setup(struct bpf_object *obj, const struct count_opts *o);

struct count_row {
	uint64_t id;
	uint32_t nr;
	struct count_val v;
};

struct count_table {
	struct count_row *rows;
	size_t n, cap;
};

/* Adds a row; sum is a struct count_val as __u64 words. 0 or -ENOMEM. */
int count_table_add(struct count_table *t, uint64_t id, uint32_t nr, const uint64_t *sum);
void count_table_free(struct count_table *t);
/* Sorts the rows by (id, nr) and merges those with the same key. */
void count_table_merge(struct count_table *t);
/* Ranks rows, highest first: by time spent with by_time (-L), else by calls;
 * ties in key order, so that the output is stable. */
void count_rows_rank(struct count_row *rows, size_t n, bool by_time);
/* The order count_rows_rank() sorts in (qsort-style). */
int count_row_cmp(const struct count_row *x, const struct count_row *y, bool by_time);

/* The columns of a count, consecutive from index `first`: the calls (text
 * `head`, JSON `key`), the errors and, with -L, the time spent and its
 * average in microseconds (JSON total_us, avg_us; in text TIME(us) and
 * AVG(us), or TIME(ms) and AVG(ms) with -m: see count_cols_shown). */
#define COUNT_COLS(first, head, key)                                                               \
	[(first)] = { head, key, 10, OUT_RIGHT },                                                  \
	[(first) + 1] = { "ERRORS", "errors", 8, OUT_RIGHT },                                      \
	[(first) + 2] = { "TIME(us)", "total_us", 14, OUT_RIGHT | OUT_HIDDEN },                    \
	[(first) + 3] = { "TIME(ms)", NULL, 11, OUT_RIGHT | OUT_HIDDEN },                          \
	[(first) + 4] = { "AVG(us)", "avg_us", 10, OUT_RIGHT | OUT_HIDDEN },                       \
	[(first) + 5] = { "AVG(ms)", NULL, 8, OUT_RIGHT | OUT_HIDDEN }
#define COUNT_NCOLS 6

/* The text columns of the time spent (latency), in ms or in us, as a mask
 * for out_init()'s `show`. */
uint64_t count_cols_shown(unsigned first, bool latency, bool ms);
/* Writes the columns; the time ones only with latency. */
void out_count(struct out *o, unsigned first, const struct count_val *v, bool latency);

/* A syscall by name (text "[unknown: N]", JSON null when it has none) in
 * col_name, and its number in col_nr. */
void out_syscall(struct out *o, unsigned col_name, unsigned col_nr, uint32_t nr);

#endif
