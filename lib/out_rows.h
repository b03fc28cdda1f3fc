/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Tables for interval tools, written with out.h's typed writers: one block
 * per interval, made of rows, and rows that may hold rows of their own.
 *
 * Text: a "[HH:MM:SS]" line, the column header, one line per row (the lines
 * of nested rows right after their parent's), then an empty line.
 * JSON: one object per block on one line, {"time":...,"interval_ms":...,
 * "<key>":[{row},...]}, a nested table being an array-valued key of its row.
 *
 *	out_block_init(&b, stdout, "syscalls", cols, ARRAY_SIZE(cols), 0,
 *		       &opts.common.out);
 *	out_block_start(&b);			// when counting starts
 *	rows = out_block_begin(&b);		// at the end of each interval
 *	for (...) {
 *		o = out_rows_row(rows);
 *		out_str(o, C_NAME, ...); out_uint(o, C_COUNT, ...);
 *		out_rows_row_end(rows);
 *	}
 *	out_block_end(&b);
 *
 * A JSON row is written to a memory stream first and copied into the array
 * without the newline out_row_end() ends it with. */
#ifndef SONDE_LIB_OUT_ROWS_H
#define SONDE_LIB_OUT_ROWS_H

#include <stdint.h>
#include <stdio.h>
#include "lib/out.h"

struct out_membuf {
	FILE *f;
	char *buf;
	size_t size;
};

struct out_rows {
	struct out out;		  /* the current row: use out.h's writers on it */
	FILE *dst;		  /* where finished rows go */
	struct out_membuf row;	  /* JSON: the row being written */
	struct out_membuf nested; /* text: lines of nested rows, after the row's own */
	unsigned n;		  /* rows in the current array */
};

/* Rows written to f (stdout), columns as out_init() takes them. 0 or -ENOMEM. */
int out_rows_init(struct out_rows *r, FILE *f, const struct out_col *cols, unsigned ncols,
		  uint64_t show, const struct out_cfg *cfg);
void out_rows_free(struct out_rows *r);
/* Starts a row and returns the out to write its fields with. */
struct out *out_rows_row(struct out_rows *r);
void out_rows_row_end(struct out_rows *r);
/* Starts `child` as the value of column `col` (which has a JSON key) of
 * parent's current row: a JSON array there, or text lines after the
 * parent's. Ended by out_rows_end(child), before the parent's row ends. */
void out_rows_nest(struct out_rows *child, struct out_rows *parent, unsigned col);
void out_rows_end(struct out_rows *r);

struct out_block {
	struct out head;
	struct out_col head_cols[3];
	struct out_rows rows;
	uint64_t last_ns; /* CLOCK_MONOTONIC of the previous block (or start) */
};

/* Blocks written to f (stdout); key: the JSON key of the rows' array
 * ("syscalls"). 0 or -ENOMEM. */
int out_block_init(struct out_block *b, FILE *f, const char *key, const struct out_col *cols,
		   unsigned ncols, uint64_t show, const struct out_cfg *cfg);
void out_block_free(struct out_block *b);
/* The first interval starts now. */
void out_block_start(struct out_block *b);
/* Starts the block of the interval ending now; returns its rows. */
struct out_rows *out_block_begin(struct out_block *b);
void out_block_end(struct out_block *b);

#endif
