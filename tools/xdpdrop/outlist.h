/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A column whose value is a list of records (per-rule counters, a top-N
 * table) for the output layer (out.h): in JSON an array of objects with the
 * keys of the records' columns; in text, below the row, a header line and
 * one line per record, indented. The list is the row's last column; an
 * empty list writes [] in JSON and nothing in text.
 *
 *	struct out rec;                    // out_init()ed with the record columns
 *	out_list_begin(row, C_RULES, &l, &rec);
 *	for (...) {
 *		out_list_item(&l);
 *		out_uint(&rec, R_RULE, nr); ...
 *	}
 *	out_list_end(&l);
 *	out_row_end(row);
 */
#ifndef SONDE_TOOLS_XDPDROP_OUTLIST_H
#define SONDE_TOOLS_XDPDROP_OUTLIST_H

#include "lib/out.h"

struct out_list {
	struct out *row;
	struct out *rec;
	unsigned items;
	bool on;
};

void out_list_begin(struct out *row, unsigned col, struct out_list *l, struct out *rec);
/* Starts the next record; write its fields into l->rec. */
void out_list_item(struct out_list *l);
void out_list_end(struct out_list *l);

#endif
