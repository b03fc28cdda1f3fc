// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "lib/log.h"
#include "lib/net_count.h"
#include "lib/stream.h"

void net_counts_free(struct net_counts *c)
{
	free(c->recs);
	c->recs = NULL;
	c->n = 0;
}

/* Where a record's key ends and its count is. */
struct counts_order {
	size_t key_size, cnt_off;
};

static uint64_t rec_count(const void *rec, const struct counts_order *o)
{
	uint64_t v;

	memcpy(&v, (const uint8_t *)rec + o->key_size + o->cnt_off, sizeof(v));
	return v;
}

/* Highest count first. */
static int count_cmp(const void *a, const void *b, void *arg)
{
	uint64_t x = rec_count(a, arg), y = rec_count(b, arg);

	return x < y ? 1 : x > y ? -1 : 0;
}

/* The same key together, its highest count first. */
static int key_cmp(const void *a, const void *b, void *arg)
{
	const struct counts_order *o = arg;
	int d = memcmp(a, b, o->key_size);

	return d ? d : count_cmp(a, b, arg);
}

/* A walk whose last key is deleted before the next call starts again from
 * the first key (the kernel's hash map does), and reads entries twice: each
 * is kept once, with its highest count, the one read last. */
static void counts_dedup(struct net_counts *c, struct counts_order *o)
{
	size_t n = 0;

	qsort_r(c->recs, c->n, c->rec_size, key_cmp, o);
	for (size_t i = 0; i < c->n; i++) {
		const uint8_t *rec = c->recs + i * c->rec_size;

		if (n && !memcmp(rec, c->recs + (n - 1) * c->rec_size, c->key_size))
			continue;
		if (n != i)
			memcpy(c->recs + n * c->rec_size, rec, c->rec_size);
		n++;
	}
	c->n = n;
}

/* Room for one more record: the block doubles when full. 0 or -ENOMEM. */
static int counts_grow(struct net_counts *c, size_t *cap)
{
	size_t more = *cap ? *cap * 2 : 64;
	uint8_t *p;

	if (c->n < *cap)
		return 0;
	p = realloc(c->recs, more * c->rec_size);
	if (!p)
		return -ENOMEM;
	c->recs = p;
	*cap = more;
	return 0;
}

int net_counts_read(const struct net_counts_src *src, size_t key_size, size_t val_size,
		    size_t cnt_off, struct net_counts *c)
{
	struct counts_order order = { key_size, cnt_off };
	size_t cap = 0;
	uint8_t *prev, *next;
	int err;

	memset(c, 0, sizeof(*c));
	c->key_size = key_size;
	c->rec_size = key_size + val_size;
	for (;;) {
		err = counts_grow(c, &cap);
		if (err)
			break;
		/* The walk goes on from the last key kept, found where it is
		 * now: counts_grow() may have moved the records. */
		next = c->recs + c->n * c->rec_size;
		prev = c->n ? next - c->rec_size : NULL;
		if (src->next_key(src->fd, prev, next)) {
			err = errno == ENOENT ? 0 : -errno;
			break;
		}
		/* An entry deleted meanwhile is skipped, not an error. */
		if (!src->lookup(src->fd, next, next + key_size))
			c->n++;
	}
	if (err) {
		net_counts_free(c);
		return err;
	}
	if (c->n > 1) {
		counts_dedup(c, &order);
		qsort_r(c->recs, c->n, c->rec_size, count_cmp, &order);
	}
	return 0;
}

int net_count_check(bool count, const struct prom_opts *p)
{
	if (count || !p->path)
		return 0;
	log_err("--prometheus needs --count: the series are the counts");
	return -EINVAL;
}

/* Every row of the table, as t->row() writes it, into o. */
static int write_table(const struct net_count_table *t, struct out *o)
{
	struct net_counts_src src = { bpf_map__fd(t->map), bpf_map_get_next_key,
				      bpf_map_lookup_elem };
	struct net_counts c;
	int err;

	err = net_counts_read(&src, t->key_size, t->val_size, t->cnt_off, &c);
	if (err) {
		log_err("cannot read the counts: %s", strerror(-err));
		return err;
	}
	for (size_t i = 0; i < c.n; i++)
		t->row(o, net_counts_key(&c, i), net_counts_val(&c, i), t->ctx);
	net_counts_free(&c);
	return 0;
}

/* --prometheus: the rows written nowhere but as series. */
struct net_count_prom {
	const struct net_count_table *t;
	struct out out;
};

/* The map holds totals: the series are set to them, not added to. */
static int prom_tick(void *vctx)
{
	struct net_count_prom *np = vctx;
	int err;

	prom_restart(np->out.prom);
	err = write_table(np->t, &np->out);
	return err ?: prom_write(np->out.prom);
}

static int prom_setup(struct net_count_prom *np, struct sonde_stream *st,
		      const struct sonde_opts *opts)
{
	const struct net_count_table *t = np->t;
	int err;

	if (!t->prom || !t->prom->path)
		return 0;
	if (!out_nowhere())
		return -errno;
	out_init(&np->out, out_nowhere(), t->cols, t->ncols, 0, &opts->out);
	err = prom_open(&np->out.prom, t->prom, log_tool(), opts->out.labels);
	if (err)
		return err;
	st->on_tick = prom_tick;
	st->ctx = np;
	st->interval_ms = NET_COUNT_PROM_MS;
	return 0;
}

int net_count_run(struct bpf_object_skeleton *s, const struct sonde_opts *opts,
		  const struct net_count_table *t)
{
	struct out out;
	struct sonde_stream st = {
		.cols = t->cols, .ncols = t->ncols, .out = &out, .notes = t->notes
	};
	struct net_count_prom np = { .t = t };
	int err;

	err = prom_setup(&np, &st, opts);
	if (!err)
		err = sonde_stream_run(s, opts, &st);
	prom_free(np.out.prom);
	/* The map has its fd once loaded, by sonde_stream_run(). */
	if (!err)
		err = write_table(t, &out);
	return err ?: out_flush(&out);
}
