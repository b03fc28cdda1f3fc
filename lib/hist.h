/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Histograms counted in the kernel (common/hist.h), read per interval by
 * lib/interval.h and written here: a histogram is a row of an interval's
 * block (the tool's key columns, then HIST_COLS) whose last value is its
 * table of non-empty buckets, log2 (the look BCC's tools have) or, with
 * --fine, the log-linear buckets the kernel counts.
 *
 * Text:
 *	[12:00:01]
 *	PID     COMM              COUNT      AVG    P50    P90    P99    MAX UNIT
 *	1234    nginx               812     41.3     27     95    410    902 us
 *	          RANGE      COUNT DISTRIBUTION
 *	         8 -> 15        93 |*********                               |
 *	        16 -> 31       401 |****************************************|
 *
 * JSON, one object per histogram, the values' unit in their keys and the
 * buckets' bounds in `unit`:
 *	{"pid":1234,"comm":"nginx","count":812,"sum_us":33535.612,"avg_us":41.3,"p50_us":27,
 *	 "p90_us":95,"p99_us":410,"max_us":902,"unit":"us",
 *	 "buckets":[{"low":8,"high":15,"count":93},...]}
 *
 * Percentiles are the middle of the bucket holding them (no more than the
 * largest value seen): within 12.5 % of the true value with the
 * log-linear buckets; max and the average (from the exact sum) are exact,
 * and so is the sum, a time written to the nanosecond in the unit
 * (JSON only: for setting against the kernel's own accounting). */
#ifndef SONDE_LIB_HIST_H
#define SONDE_LIB_HIST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "common/hist.h"
#include "lib/out.h"
#include "lib/out_rows.h"

/* The columns of a histogram, consecutive from index `first` of a tool's
 * table, after its key columns; unit is the name of the unit written
 * (struct hist_unit's, a string literal), which JSON keys of values in it
 * end with: a table per unit. */
#define HIST_COLS(first, unit)                                                                     \
	[(first)] = { "COUNT", "count", 10, OUT_RIGHT },                                           \
	[(first) + 1] = { NULL, "sum_" unit, 0, 0 },                                               \
	[(first) + 2] = { "AVG", "avg_" unit, 10, OUT_RIGHT },                                     \
	[(first) + 3] = { "P50", "p50_" unit, 8, OUT_RIGHT },                                      \
	[(first) + 4] = { "P90", "p90_" unit, 8, OUT_RIGHT },                                      \
	[(first) + 5] = { "P99", "p99_" unit, 8, OUT_RIGHT },                                      \
	[(first) + 6] = { "MAX", "max_" unit, 8, OUT_RIGHT },                                      \
	[(first) + 7] = { "UNIT", "unit", 4, 0 }, [(first) + 8] = { NULL, "buckets", 0, 0 }
#define HIST_NCOLS 9

/* The unit a tool counts in. */
struct hist_unit {
	const char *name; /* "us", "ms", "ns", "bytes", "tasks" */
	uint64_t ns;	  /* nanoseconds per unit (struct hist's sum is in ns); 0: not a time */
};

extern const struct hist_unit hist_us, hist_ms, hist_ns, hist_bytes, hist_tasks;

struct hist_out {
	struct out_rows buckets;
	const struct hist_unit *unit;
	bool fine;
};

/* Bucket tables written to f, the text layout of a nested table under its
 * histogram's row. */
void hist_out_init(struct hist_out *ho, FILE *f, const struct out_cfg *cfg,
		   const struct hist_unit *unit, bool fine);
/* Writes h as columns first .. first + HIST_NCOLS - 1 of o's current row
 * (HIST_COLS), its bucket table last. */
void out_hist(struct out *o, unsigned first, const struct hist *h, struct hist_out *ho);

/* The bounds of log-linear bucket slot, inclusive. */
void hist_bounds(unsigned slot, uint64_t *low, uint64_t *high);
/* The value at percentile pct (0-100) of h: the middle of its bucket, and
 * no more than h->max. 0 for an empty histogram. */
uint64_t hist_percentile(const struct hist *h, unsigned pct);
/* Adds b into a (the max as a maximum). */
void hist_add(struct hist *a, const struct hist *b);

#endif
