#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "evloop.h"
#include "interval.h"
#include "loader.h"
#include "log.h"

/* Entries read per batch call. */
#define DBUF_CHUNK 256

int dbuf_init(struct dbuf *d, struct bpf_map *outer, struct bpf_map *a, struct bpf_map *b)
{
	memset(d, 0, sizeof(*d));
	d->outer_fd = bpf_map__fd(outer);
	d->fds[0] = bpf_map__fd(a);
	d->fds[1] = bpf_map__fd(b);
	d->array = bpf_map__type(a) == BPF_MAP_TYPE_PERCPU_ARRAY;
	d->key_size = bpf_map__key_size(a);
	d->value_size = bpf_map__value_size(a);
	d->chunk = bpf_map__max_entries(a) < DBUF_CHUNK ? bpf_map__max_entries(a) : DBUF_CHUNK;
	d->ncpu = libbpf_num_possible_cpus();
	if (d->ncpu <= 0 || d->value_size % 8)
		return -EINVAL;
	d->keys = calloc(d->chunk, d->key_size);
	d->vals = calloc((size_t)d->chunk * d->ncpu, d->value_size);
	d->sum = calloc(d->value_size / 8, sizeof(uint64_t));
	if (!d->keys || !d->vals || !d->sum) {
		dbuf_free(d);
		return -ENOMEM;
	}
	return 0;
}

void dbuf_free(struct dbuf *d)
{
	free(d->keys);
	free(d->vals);
	free(d->sum);
	d->keys = d->vals = d->sum = NULL;
}

/* Adds up entry i's per-CPU copies into d->sum; false when all are zero. */
static bool sum_entry(struct dbuf *d, uint32_t i)
{
	size_t words = d->value_size / 8;
	const uint64_t *v =
	    (const uint64_t *)((char *)d->vals + (size_t)i * d->ncpu * d->value_size);
	uint64_t any = 0;

	memset(d->sum, 0, words * sizeof(uint64_t));
	for (int cpu = 0; cpu < d->ncpu; cpu++, v += words)
		for (size_t w = 0; w < words; w++) {
			d->sum[w] += v[w];
			any |= v[w];
		}
	return any;
}

/* Hands entries [0, n) of the chunk to fn. For an array, the entries that
 * were counted are moved to the front of the chunk, *used of them. */
static int hand_out(struct dbuf *d, uint32_t n, dbuf_fn fn, void *ctx, uint32_t *used)
{
	int err = 0;

	*used = 0;
	for (uint32_t i = 0; i < n && !err; i++) {
		if (!sum_entry(d, i))
			continue;
		err = fn((char *)d->keys + (size_t)i * d->key_size, d->sum, ctx);
		if (i != *used)
			memcpy((char *)d->keys + (size_t)*used * d->key_size,
			       (char *)d->keys + (size_t)i * d->key_size, d->key_size);
		(*used)++;
	}
	return err;
}

/* Arrays cannot delete: the entries that were counted are set to zero. */
static int zero_entries(struct dbuf *d, int fd, uint32_t n)
{
	uint32_t count = n;

	if (!n)
		return 0;
	memset(d->vals, 0, (size_t)n * d->ncpu * d->value_size);
	if (!bpf_map_update_batch(fd, d->keys, d->vals, &count, NULL))
		return 0;
	return -errno;
}

/* One batch call after another (Linux 5.6 has them for every map kind used
 * here): lookup_and_delete for a hash, lookup then zeroing for an array. */
static int drain_batch(struct dbuf *d, int fd, dbuf_fn fn, void *ctx)
{
	uint64_t in = 0, out = 0;
	bool first = true;
	int err, ferr;

	for (;;) {
		uint32_t n = d->chunk, used;

		if (d->array)
			err = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, d->keys, d->vals,
						   &n, NULL);
		else
			err = bpf_map_lookup_and_delete_batch(fd, first ? NULL : &in, &out, d->keys,
							      d->vals, &n, NULL);
		err = err ? -errno : 0;
		if (err && err != -ENOENT)
			return err;
		first = false;
		ferr = hand_out(d, n, fn, ctx, &used);
		if (!ferr && d->array)
			ferr = zero_entries(d, fd, used);
		if (ferr || err)
			return ferr;
		in = out;
	}
}

int dbuf_drain(struct dbuf *d, dbuf_fn fn, void *ctx)
{
	unsigned old = d->active, zero = 0;
	int err;

	/* Returns after a grace period: the old map is quiet from here on. */
	if (bpf_map_update_elem(d->outer_fd, &zero, &d->fds[!old], BPF_ANY)) {
		err = -errno;
		log_err("cannot switch the counting maps: %s", strerror(-err));
		return err;
	}
	d->active = !old;
	err = drain_batch(d, d->fds[old], fn, ctx);
	if (err)
		log_err("cannot read the counting maps: %s", strerror(-err));
	return err;
}

struct interval_loop {
	const struct interval_cfg *cfg;
	uint32_t reports;
};

static int on_tick(void *vctx)
{
	struct interval_loop *l = vctx;

	l->reports++;
	return l->cfg->report(l->cfg->ctx, false);
}

int interval_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		 const struct interval_cfg *cfg)
{
	struct interval_loop l = { .cfg = cfg };
	struct evloop_cfg loop = {
		.obj = *s->obj,
		.on_tick = on_tick,
		.ctx = &l,
		.out = &cfg->block->head,
		.duration_s = o->duration_s,
		.interval_ms = cfg->interval_s * 1000,
		.count = cfg->count,
	};
	struct bpf_map *events = bpf_object__find_map_by_name(*s->obj, "events");
	int err;

	/* Counting tools send no events: only the lost-events counter is used. */
	if (events)
		bpf_map__set_autocreate(events, false);
	err = sonde_load(s, o);
	if (err)
		return err;
	err = dbuf_init(cfg->dbuf, cfg->outer, cfg->a, cfg->b);
	if (err) {
		log_err("cannot set up the counting maps: %s", strerror(-err));
		return err;
	}
	err = sonde_attach(s);
	if (err)
		goto out;
	out_block_start(cfg->block);
	err = evloop_run(&loop);
	sonde_detach(s);
	if (err || (cfg->count && l.reports >= cfg->count))
		goto out;
	/* What was counted since the last report: the whole run without an
	 * interval, otherwise the cut-short last interval. */
	err = cfg->report(cfg->ctx, cfg->interval_s != 0);
	if (!err)
		err = out_flush(&cfg->block->head);
out:
	dbuf_free(cfg->dbuf);
	return err;
}
