// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/out_rows.h"

static int membuf_open(struct out_membuf *m)
{
	m->f = open_memstream(&m->buf, &m->size);
	return m->f ? 0 : -ENOMEM;
}

static void membuf_close(struct out_membuf *m)
{
	if (m->f)
		fclose(m->f);
	free(m->buf);
	m->f = NULL;
	m->buf = NULL;
}

/* Copies what was written since the last call into dst, less `drop` bytes
 * at the end, and starts over. */
static void membuf_move(struct out_membuf *m, FILE *dst, size_t drop)
{
	long n;

	fflush(m->f);
	n = ftell(m->f);
	if (n > (long)drop)
		fwrite_unlocked(m->buf, 1, n - drop, dst);
	rewind(m->f);
}

int out_rows_init(struct out_rows *r, FILE *f, const struct out_col *cols, unsigned ncols,
		  uint64_t show, const struct out_cfg *cfg)
{
	memset(r, 0, sizeof(*r));
	out_init(&r->out, f, cols, ncols, show, cfg);
	r->dst = f;
	if (membuf_open(&r->row) || membuf_open(&r->nested)) {
		out_rows_free(r);
		return -ENOMEM;
	}
	return 0;
}

void out_rows_free(struct out_rows *r)
{
	membuf_close(&r->row);
	membuf_close(&r->nested);
}

static void rows_begin(struct out_rows *r, FILE *dst)
{
	r->dst = dst;
	r->n = 0;
	if (r->out.cfg.json)
		putc_unlocked('[', dst);
}

struct out *out_rows_row(struct out_rows *r)
{
	r->out.f = r->out.cfg.json ? r->row.f : r->dst;
	out_row_begin(&r->out);
	return &r->out;
}

void out_rows_row_end(struct out_rows *r)
{
	out_row_end(&r->out);
	if (r->out.cfg.json) {
		if (r->n)
			putc_unlocked(',', r->dst);
		membuf_move(&r->row, r->dst, 1); /* without the '\n' */
	} else {
		membuf_move(&r->nested, r->dst, 0);
	}
	r->n++;
}

void out_rows_nest(struct out_rows *child, struct out_rows *parent, unsigned col)
{
	if (parent->out.cfg.json && out_key(&parent->out, col))
		rows_begin(child, parent->out.f);
	else
		rows_begin(child, parent->nested.f);
}

void out_rows_end(struct out_rows *r)
{
	if (r->out.cfg.json)
		putc_unlocked(']', r->dst);
}

enum { B_TIME, B_INTERVAL, B_ROWS };

int out_block_init(struct out_block *b, FILE *f, const char *key, const struct out_col *cols,
		   unsigned ncols, uint64_t show, const struct out_cfg *cfg)
{
	memset(b, 0, sizeof(*b));
	b->head_cols[B_TIME] = (struct out_col){ NULL, "time", 0, 0 };
	b->head_cols[B_INTERVAL] = (struct out_col){ NULL, "interval_ms", 0, 0 };
	b->head_cols[B_ROWS] = (struct out_col){ NULL, key, 0, 0 };
	out_init(&b->head, f, b->head_cols, 3, 0, cfg);
	b->last_ns = b->head.start_mono_ns;
	return out_rows_init(&b->rows, f, cols, ncols, show, cfg);
}

void out_block_free(struct out_block *b)
{
	out_rows_free(&b->rows);
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

	if (b->head.cfg.json) {
		out_row_begin(&b->head);
		out_time(&b->head, B_TIME, now);
		out_uint(&b->head, B_INTERVAL, (now - b->last_ns + 500000) / 1000000);
		out_key(&b->head, B_ROWS);
	} else {
		t = (now + b->head.mono_to_real_ns) / 1000000000;
		localtime_r(&t, &tm);
		strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
		fprintf(b->head.f, "[%s]\n", buf);
		b->rows.out.f = b->head.f;
		out_header(&b->rows.out);
	}
	b->last_ns = now;
	rows_begin(&b->rows, b->head.f);
	return &b->rows;
}

void out_block_end(struct out_block *b)
{
	out_rows_end(&b->rows);
	out_row_end(&b->head); /* JSON "}\n"; text the empty line after the block */
}
