/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Rows inside other output, written with out.h's typed writers: the block
 * an interval tool prints per interval, and a table that is the value of a
 * row's last column (cgsyscount's top syscalls of a cgroup, xdpdrop's rules
 * of a row).
 *
 * Text: a block is a "[HH:MM:SS]" line, the column header, one line per
 * row, then an empty line. A nested table's rows are lines right under
 * their parent's, each after `indent` blanks, the first after a header line
 * of its own when `header` is set; no row, no header.
 * JSON: a block is one object a line, {"time":...,"interval_ms":...,
 * "<key>":[{row},...]}; a nested table is an array of objects, the value of
 * its column's key (an empty one is []).
 *
 *	out_block_init(&b, stdout, "cgroups", cols, ARRAY_SIZE(cols), 0, &cfg);
 *	out_rows_init(&kids, stdout, kid_cols, ARRAY_SIZE(kid_cols), 0, &cfg);
 *	out_block_start(&b);			// when counting starts
 *	rows = out_block_begin(&b);		// at the end of each interval
 *	for (...) {
 *		o = out_rows_row(rows);
 *		out_str(o, C_NAME, ...); out_uint(o, C_COUNT, ...);
 *		out_rows_nest(&kids, o, C_KIDS);	// the row's last value
 *		for (...) {
 *			k = out_rows_row(&kids);
 *			out_uint(k, K_COUNT, ...);
 *			out_rows_row_end(&kids);
 *		}
 *		out_rows_end(&kids);
 *		out_rows_row_end(rows);
 *	}
 *	out_block_end(&b);
 *
 * A nested table's parent may be any out's row (xdpdrop's are NDJSON lines
 * of a plain out). Everything goes straight to the parent's stream, so the
 * nested table is the last thing its parent's row writes. */
#ifndef SONDE_LIB_OUT_ROWS_H
#define SONDE_LIB_OUT_ROWS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "lib/out.h"

struct out_rows {
	struct out out; /* the current row: use out.h's writers on it */
	/* Text layout of a nested table; set after out_rows_init() (0: none). */
	unsigned indent;	       /* blanks before each line */
	bool header;		       /* a header line above the first row */
	bool nested;		       /* under a parent's row, not a block's rows */
	bool on;		       /* written: JSON has the parent column's key */
	bool flat;		       /* a block's rows as objects of their own (out_block_init) */
	uint64_t time_ns, interval_ms; /* flat: the block's, first in every row */
	unsigned n;		       /* rows written since the table began */
	unsigned ncols;		       /* out.ncols while on (0 while off: nothing written) */
	/* Rows past the first `limit` (0: none) are written only as series
	 * (out_rows_top()), to a stream that keeps nothing; f is the real one. */
	unsigned limit;
	FILE *f;
};

/* Rows written to f (stdout), columns as out_init() takes them. */
void out_rows_init(struct out_rows *r, FILE *f, const struct out_col *cols, unsigned ncols,
		   uint64_t show, const struct out_cfg *cfg);
/* Starts a row and returns the out to write its fields with. */
struct out *out_rows_row(struct out_rows *r);
void out_rows_row_end(struct out_rows *r);
/* Starts r as the value of column `col` of parent's current row, after the
 * row's other values: a JSON array under the column's key, or text lines
 * under the parent's (whatever the column: it needs no text form). Ended by
 * out_rows_end(r), before the parent's row ends. */
void out_rows_nest(struct out_rows *r, struct out *parent, unsigned col);
/* How many of a block's n rows (ranked) a tool writes, when it shows the
 * first `top` (0: all): every one when the rows are also Prometheus
 * series (out.prom: lib/prom.h), of which only the first `top` reach the
 * stream; else the first `top`. After out_block_begin(). */
size_t out_rows_top(struct out_rows *r, size_t top, size_t n);
void out_rows_end(struct out_rows *r);

#define OUT_COLS_BLOCK_TIME [0] = { NULL, "time", 0, 0 }, [1] = { NULL, "interval_ms", 0, 0 }

struct out_block {
	struct out head;
	struct out_col head_cols[3];
	struct out_rows rows;
	uint64_t last_ns; /* CLOCK_MONOTONIC of the previous block (or start) */
};

/* Blocks written to f (stdout); key: the JSON key of the rows' array
 * ("syscalls"); the rows' columns as out_init() takes them.
 * With a NULL key, JSON has no object per block but one per row, which
 * starts with the block's time and length: the rows' first two columns are
 * then OUT_COLS_BLOCK_TIME, which the block writes itself (text is as with
 * a key). For rows that stand alone, one histogram each (lib/hist.h). */
void out_block_init(struct out_block *b, FILE *f, const char *key, const struct out_col *cols,
		    unsigned ncols, uint64_t show, const struct out_cfg *cfg);
/* The first interval starts now. */
void out_block_start(struct out_block *b);
/* Starts the block of the interval ending now; returns its rows. */
struct out_rows *out_block_begin(struct out_block *b);
void out_block_end(struct out_block *b);

#endif
