// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "tools/xdpdrop/outlist.h"

/* Text records sit under the row, indented. */
#define INDENT "    "

void out_list_begin(struct out *row, unsigned col, struct out_list *l, struct out *rec)
{
	l->row = row;
	l->rec = rec;
	l->items = 0;
	/* JSON: the column's key; text: lines of their own, whatever the column. */
	l->on = row->cfg.json ? out_key(row, col) : true;
	if (l->on && row->cfg.json)
		putc_unlocked('[', row->f);
}

void out_list_item(struct out_list *l)
{
	struct out *rec = l->rec;

	if (!l->on)
		return;
	if (rec->cfg.json) {
		/* Closes the previous record. */
		fputs_unlocked(l->items ? "},{" : "{", rec->f);
	} else {
		putc_unlocked('\n', rec->f);
		if (!l->items) {
			fputs_unlocked(INDENT, rec->f);
			out_header(rec);
		}
		fputs_unlocked(INDENT, rec->f);
	}
	rec->fields = 0;
	l->items++;
}

void out_list_end(struct out_list *l)
{
	if (!l->on || !l->row->cfg.json)
		return;
	if (l->items)
		putc_unlocked('}', l->row->f);
	putc_unlocked(']', l->row->f);
}
