// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A histogram as the kernel hands it (common/hist.h), any words, written as
 * a tool writes it (lib/hist.h's out_hist() in a block's row). The words
 * are read from the maps as they are: the count need not be the buckets'
 * sum, nor the maximum in the last of them. Properties: a text block is
 * printable ASCII lines; a JSON line is one object that jansson parses, its
 * percentiles no more than each other and than max_us, its buckets non-empty,
 * in order, holding the histogram's counts (log2 or fine).
 *
 * Input: byte 0 chooses JSON, --fine and -m (bits 0, 1, 2); the rest is
 * the struct hist's words, little-endian, zero past the input. Counts and
 * sums are cut to what a kernel could count (2^40 values, 2^62 ns), which
 * JSON's integers hold. */
#include <jansson.h>
#include <stdint.h>
#include "lib/array_size.h"
#include "lib/hist.h"
#include "tests/fuzz/fuzz.h"

enum { C_TIME, C_INTERVAL, C_HIST };

static const struct out_col cols_us[] = { OUT_COLS_BLOCK_TIME, HIST_COLS(C_HIST, "us") };
static const struct out_col cols_ms[] = { OUT_COLS_BLOCK_TIME, HIST_COLS(C_HIST, "ms") };

#define WORDS (sizeof(struct hist) / 8)

static void read_hist(struct hist *h, const unsigned char *data, size_t size)
{
	uint64_t *w = (uint64_t *)h;

	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < size && i / 8 < WORDS; i++)
		w[i / 8] |= (uint64_t)data[i] << (i % 8 * 8);
	h->count &= (1ull << 40) - 1;
	h->sum &= (1ull << 62) - 1;
	h->max &= (1ull << HIST_RANGE_BITS) - 1;
	for (size_t s = 0; s < HIST_SLOTS; s++)
		h->slots[s] &= (1ull << 40) - 1;
}

static char *render(const struct hist *h, bool json, bool fine, bool ms)
{
	const struct out_cfg cfg = { .json = json };
	struct out_block block;
	struct hist_out ho;
	struct out_rows *rows;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	FUZZ_CHECK(f);
	out_block_init(&block, f, NULL, ms ? cols_ms : cols_us, ARRAY_SIZE(cols_us), 0, &cfg);
	hist_out_init(&ho, f, &cfg, ms ? &hist_ms : &hist_us, fine);
	out_block_start(&block);
	rows = out_block_begin(&block);
	out_hist(out_rows_row(rows), C_HIST, h, &ho);
	out_rows_row_end(rows);
	out_block_end(&block);
	fclose(f);
	return buf;
}

static uint64_t key_uint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	FUZZ_CHECK(json_is_integer(v) && json_integer_value(v) >= 0);
	return json_integer_value(v);
}

static void check_json(const char *s, const struct hist *h, bool ms)
{
	static const char *const stats[] = { "p50", "p90", "p99", "max" };
	const char *u = ms ? "ms" : "us";
	char k[16];
	uint64_t total = 0, slots = 0, last = 0, p[4];
	json_error_t err;
	json_t *o = json_loads(s, 0, &err), *b;
	size_t i;

	if (!o)
		fprintf(stderr, "not JSON: %s: %s", err.text, s);
	FUZZ_CHECK(o && json_is_object(o) && strchr(s, '\n') == s + strlen(s) - 1);
	FUZZ_CHECK(key_uint(o, "count") == h->count);
	for (i = 0; i < 4; i++) {
		snprintf(k, sizeof(k), "%s_%s", stats[i], u);
		p[i] = key_uint(o, k);
	}
	FUZZ_CHECK(p[0] <= p[1] && p[1] <= p[2] && p[2] <= p[3] && p[3] == h->max);
	json_array_foreach(json_object_get(o, "buckets"), i, b)
	{
		uint64_t low = key_uint(b, "low"), high = key_uint(b, "high");
		uint64_t n = key_uint(b, "count");

		FUZZ_CHECK(n > 0 && low <= high && (i == 0 || low > last));
		last = high;
		total += n;
	}
	for (size_t s = 0; s < HIST_SLOTS; s++)
		slots += h->slots[s];
	FUZZ_CHECK(total == slots);
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	bool json, fine, ms;
	struct hist *h;
	char *s;

	if (!size)
		return 0;
	json = data[0] & 1, fine = data[0] & 2, ms = data[0] & 4;
	h = malloc(sizeof(*h));
	FUZZ_CHECK(h);
	read_hist(h, data + 1, size - 1);
	s = render(h, json, fine, ms);
	if (json) {
		check_json(s, h, ms);
	} else {
		for (const char *c = s; *c; c++)
			FUZZ_CHECK(*c == '\n' || (*c >= 0x20 && *c <= 0x7e));
	}
	free(s);
	free(h);
	return 0;
}
