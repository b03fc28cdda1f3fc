// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "lib/dbuf.h"
#include "lib/log.h"

/* Entries read per batch call. */
#define DBUF_CHUNK 256

int dbuf_init(struct dbuf *d, struct bpf_map *outer, struct bpf_map *a, struct bpf_map *b)
{
	memset(d, 0, sizeof(*d));
	d->max_word = -1;
	d->outer_fd = bpf_map__fd(outer);
	d->fds[0] = bpf_map__fd(a);
	d->fds[1] = bpf_map__fd(b);
	d->array = bpf_map__type(a) == BPF_MAP_TYPE_PERCPU_ARRAY;
	d->key_size = bpf_map__key_size(a);
	d->value_size = bpf_map__value_size(a);
	d->entries = bpf_map__max_entries(a);
	d->chunk = d->entries < DBUF_CHUNK ? d->entries : DBUF_CHUNK;
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

/* Adds up one entry's per-CPU copies (vals) into d->sum; false when all
 * are zero. */
static bool sum_entry(struct dbuf *d, const void *vals)
{
	size_t words = d->value_size / 8;
	const uint64_t *v = vals;
	uint64_t any = 0;

	memset(d->sum, 0, words * sizeof(uint64_t));
	for (int cpu = 0; cpu < d->ncpu; cpu++, v += words)
		for (size_t w = 0; w < words; w++) {
			if ((int)w == d->max_word)
				d->sum[w] = v[w] > d->sum[w] ? v[w] : d->sum[w];
			else
				d->sum[w] += v[w];
			any |= v[w];
		}
	return any;
}

void dbuf_max_word(struct dbuf *d, int word)
{
	d->max_word = word >= 0 && (size_t)word < d->value_size / 8 ? word : -1;
}

int pcpu_array_drain(int fd, uint32_t first, uint32_t n, uint32_t value_size, int ncpu,
		     uint32_t *keys, void *vals, pcpu_entry_fn fn, void *ctx)
{
	size_t size = (size_t)ncpu * value_size;
	uint32_t in = first - 1, out, got = n, used = 0;

	/* The batch starts after in_batch: after first - 1, or at 0. */
	if (bpf_map_lookup_batch(fd, first ? &in : NULL, &out, keys, vals, &got, NULL) &&
	    errno != ENOENT)
		return -errno;
	for (uint32_t i = 0; i < got; i++) {
		int took = fn(keys[i], (const char *)vals + i * size, ctx);

		if (took < 0)
			return took;
		if (took)
			keys[used++] = keys[i];
	}
	if (!used)
		return 0;
	memset(vals, 0, used * size);
	return bpf_map_update_batch(fd, keys, vals, &used, NULL) ? -errno : 0;
}

struct array_walk {
	struct dbuf *d;
	dbuf_fn fn;
	void *ctx;
};

/* A counter array's entry: handed out, and cleared, when it counted. */
static int array_entry(uint32_t index, const void *vals, void *vctx)
{
	struct array_walk *w = vctx;
	int err;

	if (!sum_entry(w->d, vals))
		return 0;
	err = w->fn(&index, w->d->sum, w->ctx);
	return err ? err : 1;
}

/* An array: a chunk at a time (pcpu_array_drain). A hash: one
 * lookup_and_delete batch call after another (Linux 5.6 has them). */
static int drain_batch(struct dbuf *d, int fd, dbuf_fn fn, void *ctx)
{
	struct array_walk w = { d, fn, ctx };
	uint64_t in = 0, out = 0;
	bool first = true;
	int err;

	if (d->array) {
		err = 0;
		for (uint32_t i = 0; i < d->entries && !err; i += d->chunk)
			err = pcpu_array_drain(
			    fd, i, d->entries - i < d->chunk ? d->entries - i : d->chunk,
			    d->value_size, d->ncpu, d->keys, d->vals, array_entry, &w);
		return err;
	}
	for (;;) {
		uint32_t n = d->chunk;

		err = bpf_map_lookup_and_delete_batch(fd, first ? NULL : &in, &out, d->keys,
						      d->vals, &n, NULL);
		err = err ? -errno : 0;
		if (err && err != -ENOENT)
			return err;
		first = false;
		for (uint32_t i = 0; i < n; i++) {
			const char *v = (const char *)d->vals + (size_t)i * d->ncpu * d->value_size;
			int ferr;

			if (!sum_entry(d, v))
				continue;
			ferr = fn((char *)d->keys + (size_t)i * d->key_size, d->sum, ctx);
			if (ferr)
				return ferr;
		}
		if (err)
			return 0;
		in = out;
	}
}

int dbuf_drain(struct dbuf *d, dbuf_fn fn, void *ctx)
{
	unsigned old = d->active, zero = 0;
	int err;

	if (d->active_mirror)
		__atomic_store_n(d->active_mirror, !old, __ATOMIC_RELEASE);
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
