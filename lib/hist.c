// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include "lib/array_size.h"
#include "lib/hist.h"
#include "lib/prom.h"

const struct hist_unit hist_us = { "us", 1000 };
const struct hist_unit hist_ms = { "ms", 1000000 };
const struct hist_unit hist_ns = { "ns", 1 };
const struct hist_unit hist_bytes = { "bytes", 0 };
const struct hist_unit hist_tasks = { "tasks", 0 };

/* Text width of the bars: as BCC's tools draw them. */
#define HIST_BAR 40

enum { B_RANGE, B_LOW, B_HIGH, B_COUNT, B_BAR };

static const struct out_col bucket_cols[] = {
	[B_RANGE] = { "RANGE", NULL, 24, OUT_RIGHT },
	[B_LOW] = { NULL, "low", 0, 0 },
	[B_HIGH] = { NULL, "high", 0, 0 },
	[B_COUNT] = { "COUNT", "count", 10, OUT_RIGHT },
	[B_BAR] = { "DISTRIBUTION", NULL, 0, 0 },
};

void hist_bounds(unsigned slot, uint64_t *low, uint64_t *high)
{
	unsigned m = slot / HIST_SUB + HIST_SUB_BITS - 1, sub = slot % HIST_SUB;

	if (slot < HIST_SUB) {
		*low = *high = slot;
		return;
	}
	*low = (uint64_t)(HIST_SUB + sub) << (m - HIST_SUB_BITS);
	*high = *low + ((uint64_t)1 << (m - HIST_SUB_BITS)) - 1;
}

uint64_t hist_percentile(const struct hist *h, unsigned pct)
{
	/* The rank of the value: the smallest with pct % of the values at or
	 * below it (at least the first). */
	uint64_t rank = (h->count * pct + 99) / 100, seen = 0, low, high, mid;

	if (!h->count)
		return 0;
	if (!rank)
		rank = 1;
	if (rank >= h->count)
		return h->max;
	for (unsigned s = 0; s < HIST_SLOTS; s++) {
		seen += h->slots[s];
		if (seen < rank)
			continue;
		/* No value of the bucket is above the largest one seen (nor
		 * the bucket, in words read from a map as they are). */
		hist_bounds(s, &low, &high);
		if (h->max < low)
			return h->max;
		high = high < h->max ? high : h->max;
		mid = low + (high - low) / 2;
		return mid;
	}
	return h->max;
}

void hist_add(struct hist *a, const struct hist *b)
{
	a->count += b->count;
	a->sum += b->sum;
	if (b->max > a->max)
		a->max = b->max;
	for (unsigned s = 0; s < HIST_SLOTS; s++)
		a->slots[s] += b->slots[s];
}

void hist_out_init(struct hist_out *ho, FILE *f, const struct out_cfg *cfg,
		   const struct hist_unit *unit, bool fine)
{
	out_rows_init(&ho->buckets, f, bucket_cols, ARRAY_SIZE(bucket_cols), 0, cfg);
	ho->buckets.indent = 2;
	ho->buckets.header = true;
	ho->unit = unit;
	ho->fine = fine;
}

/* log2 bucket b: 0 and 1 in bucket 0, then [2^b, 2^(b+1) - 1]. The
 * log-linear buckets nest in them exactly. */
static unsigned log2_of_slot(unsigned slot)
{
	uint64_t low, high;

	hist_bounds(slot, &low, &high);
	return low < 2 ? 0 : hist_msb(low);
}

static void bucket_row(struct hist_out *ho, uint64_t low, uint64_t high, uint64_t n, uint64_t most)
{
	struct out *o = out_rows_row(&ho->buckets);
	char range[48], bar[HIST_BAR + 3];
	unsigned stars = most ? (unsigned)(n * HIST_BAR / most) : 0;
	int len;

	len = snprintf(range, sizeof(range), "%llu -> %llu", (unsigned long long)low,
		       (unsigned long long)high);
	out_str(o, B_RANGE, range, len);
	out_uint(o, B_LOW, low);
	out_uint(o, B_HIGH, high);
	out_uint(o, B_COUNT, n);
	bar[0] = '|';
	memset(bar + 1, '*', stars);
	memset(bar + 1 + stars, ' ', HIST_BAR - stars);
	bar[HIST_BAR + 1] = '|';
	out_str(o, B_BAR, bar, HIST_BAR + 2);
	out_rows_row_end(&ho->buckets);
}

/* The buckets as the view asks: log2 sums of the log-linear ones, or
 * those themselves; empty ones left out. */
static void write_buckets(struct hist_out *ho, const struct hist *h)
{
	uint64_t sums[64] = { 0 }, most = 0, low, high;
	unsigned b;

	if (ho->fine) {
		for (unsigned s = 0; s < HIST_SLOTS; s++)
			most = h->slots[s] > most ? h->slots[s] : most;
		for (unsigned s = 0; s < HIST_SLOTS; s++) {
			if (!h->slots[s])
				continue;
			hist_bounds(s, &low, &high);
			bucket_row(ho, low, high, h->slots[s], most);
		}
		return;
	}
	for (unsigned s = 0; s < HIST_SLOTS; s++) {
		b = log2_of_slot(s);
		sums[b] += h->slots[s];
		most = sums[b] > most ? sums[b] : most;
	}
	for (b = 0; b < ARRAY_SIZE(sums); b++)
		if (sums[b])
			bucket_row(ho, b ? (uint64_t)1 << b : 0, ((uint64_t)2 << b) - 1, sums[b],
				   most);
}

/* The sum in the unit, to the nanosecond for a time (3 decimals in us, 6 in
 * ms): a double's 15 digits keep it exact up to totals of 50 days. */
static void out_sum(struct out *o, unsigned col, const struct hist *h, const struct hist_unit *u)
{
	int decimals = 0;

	if (u->ns <= 1) {
		out_uint(o, col, h->sum);
		return;
	}
	for (uint64_t d = u->ns; d > 1; d /= 10)
		decimals++;
	out_double(o, col, (double)h->sum / u->ns, decimals);
}

void out_hist(struct out *o, unsigned first, const struct hist *h, struct hist_out *ho)
{
	double avg = 0;

	if (o->prom)
		prom_hist(o->prom, h, ho->unit->ns, ho->unit->name);
	if (h->count)
		avg = ho->unit->ns ? (double)h->sum / ho->unit->ns / h->count
				   : (double)h->sum / h->count;
	out_uint(o, first, h->count);
	out_sum(o, first + 1, h, ho->unit);
	out_double(o, first + 2, avg, 1);
	out_uint(o, first + 3, hist_percentile(h, 50));
	out_uint(o, first + 4, hist_percentile(h, 90));
	out_uint(o, first + 5, hist_percentile(h, 99));
	out_uint(o, first + 6, h->max);
	out_str(o, first + 7, ho->unit->name, strlen(ho->unit->name));
	out_rows_nest(&ho->buckets, o, first + 8);
	write_buckets(ho, h);
	out_rows_end(&ho->buckets);
}
