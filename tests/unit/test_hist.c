// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* common/hist.h and lib/hist.h: the log-linear buckets (every value in its
 * bucket's bounds, the bounds contiguous), percentiles within the stated
 * 12.5 % of the true value, log2 views that nest exactly, the text and JSON
 * a histogram row writes, and lib/dbuf.h's maximum word combined over CPUs
 * on real per-CPU maps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/array_size.h"
#include "lib/dbuf.h"
#include "lib/hist.h"

static void put(struct hist *h, uint64_t v)
{
	unsigned s = hist_slot(v);

	h->count++;
	h->sum += v * 1000;
	h->max = v > h->max ? v : h->max;
	h->slots[s]++;
}

/* ---- buckets ---- */

static void values_fall_in_their_bucket(void **state)
{
	uint64_t low, high, prev_high = 0;

	(void)state;
	for (unsigned s = 0; s < HIST_SLOTS; s++) {
		hist_bounds(s, &low, &high);
		assert_true(low <= high);
		if (s)
			assert_int_equal(low, prev_high + 1); /* contiguous */
		assert_int_equal(hist_slot(low), s);
		assert_int_equal(hist_slot(high), s);
		/* Width at most a quarter of the low bound. */
		assert_true(low < HIST_SUB || (high - low + 1) * 4 <= low);
		prev_high = high;
	}
	for (uint64_t v = 0; v < 100000; v += 1 + v / 7) {
		hist_bounds(hist_slot(v), &low, &high);
		assert_true(low <= v && v <= high);
	}
	assert_int_equal(hist_slot(UINT64_MAX), HIST_SLOTS - 1);
	assert_int_equal(hist_slot(0), 0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The true percentile of sorted values, as hist_percentile() ranks it. */
static uint64_t true_percentile(const uint64_t *v, size_t n, unsigned pct)
{
	size_t rank = (n * pct + 99) / 100;

	return v[(rank ? rank : 1) - 1];
}

static void percentiles_within_an_eighth(void **state)
{
	static const unsigned pcts[] = { 1, 25, 50, 90, 99, 100 };
	enum { N = 20000 };
	uint64_t *v = calloc(N, sizeof(*v));
	struct hist *h = calloc(1, sizeof(*h));

	(void)state;
	assert_non_null(v);
	assert_non_null(h);
	srandom(7);
	for (int round = 0; round < 3; round++) {
		memset(h, 0, sizeof(*h));
		for (size_t i = 0; i < N; i++) {
			/* Uniform, log-uniform and a two-peaked mix. */
			uint64_t r = (uint64_t)random();

			v[i] = round == 0   ? r % 5000
			       : round == 1 ? (uint64_t)1 << (r % 30) | (r >> 31) % 1024
					    : (i % 2 ? 30 + r % 10 : 90000 + r % 5000);
			put(h, v[i]);
		}
		qsort(v, N, sizeof(*v), cmp_u64);
		for (size_t p = 0; p < ARRAY_SIZE(pcts); p++) {
			double want = true_percentile(v, N, pcts[p]);
			double got = hist_percentile(h, pcts[p]);

			assert_true(got >= want * 0.875 - 0.5 && got <= want * 1.125 + 0.5);
		}
		assert_int_equal(hist_percentile(h, 100), v[N - 1]);
	}
	memset(h, 0, sizeof(*h));
	assert_int_equal(hist_percentile(h, 50), 0);
	/* Words read as the maps hold them need not agree: a maximum below
	 * the bucket of the median is still the most a percentile says. */
	h->count = 3;
	h->max = 10;
	h->slots[hist_slot(1000)] = 3;
	assert_int_equal(hist_percentile(h, 50), 10);
	free(v);
	free(h);
}

/* ---- rendering ---- */

enum { C_TIME, C_INTERVAL, C_PID, C_HIST, NCOLS = C_HIST + HIST_NCOLS };

static const struct out_col cols_us[] = {
	OUT_COLS_BLOCK_TIME,
	[C_PID] = { "PID", "pid", 7, 0 },
	HIST_COLS(C_HIST, "us"),
};

static const struct out_col cols_ms[] = {
	OUT_COLS_BLOCK_TIME,
	[C_PID] = { "PID", "pid", 7, 0 },
	HIST_COLS(C_HIST, "ms"),
};

/* One block with one histogram row, as a tool writes it (JSON: one object
 * per histogram); returns the text. */
static char *render_in(const struct hist *h, bool json, bool fine, const struct hist_unit *unit)
{
	const struct out_cfg cfg = { .json = json };
	struct out_block block;
	struct hist_out ho;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out_rows *rows;
	struct out *o;

	assert_non_null(f);
	out_block_init(&block, f, NULL, unit == &hist_ms ? cols_ms : cols_us, ARRAY_SIZE(cols_us),
		       0, &cfg);
	hist_out_init(&ho, f, &cfg, unit, fine);
	out_block_start(&block);
	rows = out_block_begin(&block);
	o = out_rows_row(rows);
	out_uint(o, C_PID, 42);
	out_hist(o, C_HIST, h, &ho);
	out_rows_row_end(rows);
	out_block_end(&block);
	fclose(f);
	return buf;
}

static char *render(const struct hist *h, bool json, bool fine)
{
	return render_in(h, json, fine, &hist_us);
}

static struct hist *sample(void)
{
	struct hist *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	for (uint64_t v = 1; v <= 100; v++)
		put(h, v);
	put(h, 5000);
	h->sum += 789;
	return h;
}

static void json_histogram_parses(void **state)
{
	struct hist *h = sample();
	char *s = render(h, true, false);
	json_error_t err;
	json_t *doc = json_loads(s, 0, &err), *row, *b;
	uint64_t total = 0;
	size_t i;

	(void)state;
	assert_non_null(doc);
	/* The sum to the nanosecond: 10050 us and 789 ns (sample()). */
	assert_non_null(strstr(s, "\"count\":101,\"sum_us\":10050.789,"));
	row = doc;
	assert_non_null(json_object_get(row, "time"));
	assert_non_null(json_object_get(row, "interval_ms"));
	assert_int_equal(json_integer_value(json_object_get(row, "pid")), 42);
	assert_int_equal(json_integer_value(json_object_get(row, "count")), 101);
	assert_int_equal(json_integer_value(json_object_get(row, "max_us")), 5000);
	assert_string_equal(json_string_value(json_object_get(row, "unit")), "us");
	assert_true(json_is_real(json_object_get(row, "avg_us")));
	assert_int_equal(json_integer_value(json_object_get(row, "p50_us")), 51); /* [48, 55] */
	json_array_foreach(json_object_get(row, "buckets"), i, b)
	{
		uint64_t low = json_integer_value(json_object_get(b, "low"));
		uint64_t high = json_integer_value(json_object_get(b, "high"));

		assert_true(json_integer_value(json_object_get(b, "count")) > 0);
		/* log2 by default: [0, 1], then powers of two. */
		assert_true((low == 0 && high == 1) || (high == 2 * low - 1));
		total += json_integer_value(json_object_get(b, "count"));
	}
	assert_int_equal(total, 101);
	json_decref(doc);
	free(s);
	free(h);
}

static void json_fine_buckets(void **state)
{
	struct hist *h = sample();
	char *s = render(h, true, true);
	json_error_t err;
	json_t *doc = json_loads(s, 0, &err), *buckets;

	(void)state;
	assert_non_null(doc);
	buckets = json_object_get(doc, "buckets");
	/* 1..7 singly, then groups of 4 per power of two, and 5000's. */
	assert_true(json_array_size(buckets) > 20);
	json_decref(doc);
	free(s);
	free(h);
}

/* In ms the sum keeps its nanoseconds too; avg and max are in ms. */
static void json_sum_in_ms(void **state)
{
	struct hist *h = calloc(1, sizeof(*h));
	char *s;

	(void)state;
	assert_non_null(h);
	h->count = 2;
	h->sum = 3000000001;
	h->max = 2;
	h->slots[hist_slot(1)] = 1;
	h->slots[hist_slot(2)] = 1;
	s = render_in(h, true, false, &hist_ms);
	assert_non_null(strstr(s, "\"count\":2,\"sum_ms\":3000.000001,\"avg_ms\":1500.0,"));
	assert_non_null(strstr(s, "\"max_ms\":2,\"unit\":\"ms\","));
	free(s);
	free(h);
}

static void text_histogram_layout(void **state)
{
	struct hist *h = sample();
	char *s = render(h, false, false);

	(void)state;
	assert_non_null(strstr(s, "PID          COUNT"));
	assert_non_null(strstr(s, "     101"));
	assert_non_null(strstr(s, "RANGE"));
	assert_non_null(strstr(s, "64 -> 127"));
	assert_non_null(strstr(s, "|****************************************|"));
	assert_non_null(strstr(s, " us\n"));
	for (const char *p = s; *p; p++)
		assert_true(*p == '\n' || (*p >= 0x20 && *p < 0x7f));
	free(s);
	free(h);
}

/* ---- the maximum over CPUs, on real maps ---- */

static int collect_one(const void *key, const uint64_t *sum, void *ctx)
{
	(void)key;
	memcpy(ctx, sum, sizeof(struct hist));
	return 0;
}

static void dbuf_takes_the_largest_max(void **state)
{
	int ncpu = libbpf_num_possible_cpus(), a, b, outer;
	struct hist *vals = calloc(ncpu, sizeof(*vals)), got;
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	uint32_t key = 0;
	struct dbuf d = { 0 };

	(void)state;
	if (ncpu < 2)
		skip();
	a = bpf_map_create(BPF_MAP_TYPE_PERCPU_HASH, "h_a", 4, sizeof(struct hist), 4, NULL);
	b = bpf_map_create(BPF_MAP_TYPE_PERCPU_HASH, "h_b", 4, sizeof(struct hist), 4, NULL);
	assert_true(a >= 0 && b >= 0);
	opts.inner_map_fd = a;
	outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "h", 4, 4, 1, &opts);
	assert_true(outer >= 0);
	for (int c = 0; c < ncpu; c++) {
		vals[c].count = 2;
		vals[c].sum = 10;
		vals[c].max = c == 1 ? 900 : 7;
		vals[c].slots[3] = 1;
	}
	assert_int_equal(bpf_map_update_elem(a, &key, vals, BPF_ANY), 0);
	d.outer_fd = outer;
	d.fds[0] = a;
	d.fds[1] = b;
	d.key_size = 4;
	d.value_size = sizeof(struct hist);
	d.entries = d.chunk = 4;
	d.ncpu = ncpu;
	d.max_word = -1;
	d.keys = calloc(4, 4);
	d.vals = calloc(4 * ncpu, sizeof(struct hist));
	d.sum = calloc(1, sizeof(struct hist));
	dbuf_max_word(&d, HIST_MAX_WORD);
	assert_int_equal(dbuf_drain(&d, collect_one, &got), 0);
	assert_int_equal(got.count, 2 * ncpu);
	assert_int_equal(got.sum, 10 * ncpu);
	assert_int_equal(got.max, 900);
	assert_int_equal(got.slots[3], ncpu);
	dbuf_free(&d);
	free(vals);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values_fall_in_their_bucket),
		cmocka_unit_test(percentiles_within_an_eighth),
		cmocka_unit_test(json_histogram_parses),
		cmocka_unit_test(json_fine_buckets),
		cmocka_unit_test(json_sum_in_ms),
		cmocka_unit_test(text_histogram_layout),
		cmocka_unit_test(dbuf_takes_the_largest_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
