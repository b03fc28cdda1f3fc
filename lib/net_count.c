// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "lib/log.h"
#include "lib/net_count.h"
#include "lib/stream.h"

/* The entries of a BPF hash map of counters, each record a key then its
 * value, sorted by the 64-bit count at a given offset of the value, highest
 * first. */
struct counts {
	uint8_t *recs;
	size_t n, key_size, rec_size;
};

#define COUNT_KEY(c, i) ((const void *)((c)->recs + (i) * (c)->rec_size))
#define COUNT_VAL(c, i) ((const void *)((c)->recs + (i) * (c)->rec_size + (c)->key_size))

static void counts_free(struct counts *c)
{
	free(c->recs);
	c->recs = NULL;
	c->n = 0;
}

static int count_cmp(const void *a, const void *b, void *arg)
{
	size_t off = *(const size_t *)arg;
	uint64_t x, y;

	memcpy(&x, (const uint8_t *)a + off, sizeof(x));
	memcpy(&y, (const uint8_t *)b + off, sizeof(y));
	return x < y ? 1 : x > y ? -1 : 0;
}

static int counts_read(int map_fd, size_t key_size, size_t val_size, size_t cnt_off,
		       struct counts *c)
{
	size_t rec = key_size + val_size, cap = 0, off = key_size + cnt_off;
	uint8_t *prev = NULL, *next;

	memset(c, 0, sizeof(*c));
	c->key_size = key_size;
	for (;;) {
		if (c->n == cap) {
			uint8_t *p = realloc(c->recs, (cap = cap ? cap * 2 : 64) * rec);

			if (!p) {
				counts_free(c);
				return -ENOMEM;
			}
			c->recs = p;
		}
		next = c->recs + c->n * rec;
		if (bpf_map_get_next_key(map_fd, prev, next))
			break;
		/* An entry deleted meanwhile is skipped, not an error. */
		if (bpf_map_lookup_elem(map_fd, next, next + key_size))
			continue;
		prev = next;
		c->n++;
	}
	if (errno != ENOENT) {
		int err = -errno;

		counts_free(c);
		return err;
	}
	if (c->n > 1)
		qsort_r(c->recs, c->n, rec, count_cmp, &off);
	c->rec_size = rec;
	return 0;
}

int net_count_run(struct bpf_object_skeleton *s, const struct sonde_opts *opts,
		  const struct net_count_table *t)
{
	struct out out;
	struct sonde_stream st = { t->cols, t->ncols, NULL, NULL, &out };
	struct counts c;
	int err;

	err = sonde_stream_run(s, opts, &st);
	if (err)
		return err;
	err = counts_read(bpf_map__fd(t->map), t->key_size, t->val_size, t->cnt_off, &c);
	if (err) {
		log_err("cannot read the counts: %s", strerror(-err));
		return err;
	}
	for (size_t i = 0; i < c.n; i++)
		t->row(&out, COUNT_KEY(&c, i), COUNT_VAL(&c, i), t->ctx);
	counts_free(&c);
	return out_flush(&out);
}
