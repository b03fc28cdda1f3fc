// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "lib/out_rows.h"
#include "lib/prom.h"

size_t out_rows_top(struct out_rows *r, size_t top, size_t n)
{
	if (!r->out.prom)
		return top && top < n ? top : n;
	r->limit = top < n ? (unsigned)top : 0;
	return n;
}

void out_rows_init(struct out_rows *r, FILE *f, const struct out_col *cols, unsigned ncols,
		   uint64_t show, const struct out_cfg *cfg)
{
	memset(r, 0, sizeof(*r));
	out_init(&r->out, f, cols, ncols, show, cfg);
	/* --label: in the objects of a line, not in those of its arrays */
	r->out.cfg.labels = NULL;
	r->ncols = r->out.ncols;
}

static void rows_begin(struct out_rows *r, FILE *f, bool nested, bool on)
{
	r->out.f = r->f = f;
	r->limit = 0;
	r->nested = nested;
	r->on = on;
	/* Off, the typed writers find no column and write nothing. */
	r->out.ncols = on ? r->ncols : 0;
	r->n = 0;
	if (on && r->out.cfg.json && !r->flat)
		putc_unlocked('[', f);
}

struct out *out_rows_row(struct out_rows *r)
{
	struct out *o = &r->out;

	if (!r->on)
		return o;
	if (r->limit && r->n == r->limit && out_nowhere())
		o->f = out_nowhere();
	if (o->cfg.json && r->n && !r->flat) {
		putc_unlocked(',', o->f);
	} else if (!o->cfg.json && r->nested) {
		/* Ends the line above: the parent's, or the previous row's. */
		putc_unlocked('\n', o->f);
		if (r->header && !r->n) {
			fprintf(o->f, "%*s", (int)r->indent, "");
			out_header(o);
		}
		fprintf(o->f, "%*s", (int)r->indent, "");
	}
	out_row_begin(o);
	if (r->flat) {
		out_time(o, 0, r->time_ns);
		out_uint(o, 1, r->interval_ms);
	}
	return o;
}

void out_rows_row_end(struct out_rows *r)
{
	if (!r->on)
		return;
	if (r->out.prom)
		prom_row_end(r->out.prom);
	/* Not out_row_end(): a row inside an array or under a line ends no
	 * line of its own, but a block's row in text does. */
	out_push(&r->out);
	if (r->out.cfg.json)
		fputs_unlocked(r->flat ? "}\n" : "}", r->out.f);
	else if (!r->nested)
		putc_unlocked('\n', r->out.f);
	r->n++;
}

void out_rows_nest(struct out_rows *r, struct out *parent, unsigned col)
{
	/* The rows follow what the parent's row holds so far. */
	out_push(parent);
	rows_begin(r, parent->f, true, !parent->cfg.json || out_key(parent, col));
}

void out_rows_end(struct out_rows *r)
{
	r->out.f = r->f;
	if (r->on && r->out.cfg.json && !r->flat)
		putc_unlocked(']', r->out.f);
}

enum { B_TIME, B_INTERVAL, B_ROWS };

void out_block_init(struct out_block *b, FILE *f, const char *key, const struct out_col *cols,
		    unsigned ncols, uint64_t show, const struct out_cfg *cfg)
{
	memset(b, 0, sizeof(*b));
	b->head_cols[B_TIME] = (struct out_col){ NULL, "time", 0, 0 };
	b->head_cols[B_INTERVAL] = (struct out_col){ NULL, "interval_ms", 0, 0 };
	b->head_cols[B_ROWS] = (struct out_col){ NULL, key, 0, 0 };
	out_init(&b->head, f, b->head_cols, 3, 0, cfg);
	b->last_ns = b->head.start_mono_ns;
	out_rows_init(&b->rows, f, cols, ncols, show, cfg);
	b->rows.flat = !key;
	if (b->rows.flat)
		b->rows.out.cfg.labels = cfg->labels;
}

void out_block_start(struct out_block *b)
{
	b->last_ns = mono_now_ns();
}

struct out_rows *out_block_begin(struct out_block *b)
{
	uint64_t now = mono_now_ns();
	char buf[16];
	time_t t;
	struct tm tm;

	if (b->head.cfg.json && b->rows.flat) {
		b->rows.time_ns = now;
		b->rows.interval_ms = (now - b->last_ns + 500000) / 1000000;
	} else if (b->head.cfg.json) {
		out_row_begin(&b->head);
		out_time(&b->head, B_TIME, now);
		out_uint(&b->head, B_INTERVAL, (now - b->last_ns + 500000) / 1000000);
		out_key(&b->head, B_ROWS);
	} else {
		t = (now + b->head.mono_to_real_ns) / 1000000000;
		localtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
		fprintf(b->head.f, "[%s]\n", buf);
		out_header(&b->rows.out);
	}
	b->last_ns = now;
	rows_begin(&b->rows, b->head.f, false, true);
	return &b->rows;
}

void out_block_end(struct out_block *b)
{
	out_rows_end(&b->rows);
	if (!(b->head.cfg.json && b->rows.flat))
		out_row_end(&b->head); /* JSON "}\n"; text the empty line after the block */
}
