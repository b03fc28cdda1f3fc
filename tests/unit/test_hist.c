/* lib/hist.h: the slot maths the kernel side shares, and the two renderings
 * (BCC-style bars, a JSON array of {low,high,count}). */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "hist.h"

static const struct hist_spec log2_usecs = { .kind = HIST_LOG2, .unit = "usecs" };
static const struct hist_spec linear_ms = {
	.kind = HIST_LINEAR, .min = 100, .step = 10, .unit = "msecs"
};

static void assert_in_slot(const struct hist_spec *h, unsigned slot, uint64_t v)
{
	uint64_t low, high;

	hist_bounds(h, slot, &low, &high);
	if (v < low || v > high)
		fail_msg("%" PRIu64 " went to slot %u [%" PRIu64 ", %" PRIu64 "]", v, slot, low,
			 high);
}

static void log2_slots(void **state)
{
	(void)state;
	assert_int_equal(hist_log2_slot(0), 0);
	assert_int_equal(hist_log2_slot(1), 0);
	assert_int_equal(hist_log2_slot(2), 1);
	assert_int_equal(hist_log2_slot(3), 1);
	assert_int_equal(hist_log2_slot(4), 2);
	assert_int_equal(hist_log2_slot(1023), 9);
	assert_int_equal(hist_log2_slot(1024), 10);
	assert_int_equal(hist_log2_slot(1ULL << 63), 63);
	assert_int_equal(hist_log2_slot(UINT64_MAX), 63);
}

static void log2_bounds_tile(void **state)
{
	uint64_t low, high, next_low, next_high;

	(void)state;
	hist_bounds(&log2_usecs, 0, &low, &high);
	assert_int_equal(low, 0);
	assert_int_equal(high, 1);
	/* Slots cover 0..UINT64_MAX with no gap and no overlap. */
	for (unsigned i = 0; i < HIST_LOG2_SLOTS - 1; i++) {
		hist_bounds(&log2_usecs, i, &low, &high);
		hist_bounds(&log2_usecs, i + 1, &next_low, &next_high);
		assert_true(low <= high);
		assert_true(high + 1 == next_low);
	}
	hist_bounds(&log2_usecs, HIST_LOG2_SLOTS - 1, &low, &high);
	assert_true(low == 1ULL << 63);
	assert_true(high == UINT64_MAX);
}

static void log2_values_land_in_bounds(void **state)
{
	uint64_t x = 88172645463325252ULL;

	(void)state;
	for (uint64_t v = 0; v < 5000; v++)
		assert_in_slot(&log2_usecs, hist_log2_slot(v), v);
	/* The edges of every slot. */
	for (unsigned s = 1; s < 64; s++) {
		uint64_t p = 1ULL << s;

		assert_in_slot(&log2_usecs, hist_log2_slot(p - 1), p - 1);
		assert_in_slot(&log2_usecs, hist_log2_slot(p), p);
		assert_in_slot(&log2_usecs, hist_log2_slot(p + 1), p + 1);
		assert_int_equal(hist_log2_slot(p), s);
	}
	assert_in_slot(&log2_usecs, hist_log2_slot(UINT64_MAX), UINT64_MAX);
	/* And values of every magnitude (fixed-seed xorshift, shifted to vary size). */
	for (int i = 0; i < 100000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		assert_in_slot(&log2_usecs, hist_log2_slot(x >> (i % 64)), x >> (i % 64));
	}
}

static void linear_slots(void **state)
{
	const unsigned n = 5; /* 100-109, 110-119, ..., 140-149 */
	uint64_t low, high, next_low, next_high;

	(void)state;
	assert_int_equal(hist_linear_slot(&linear_ms, 0, n), 0);
	assert_int_equal(hist_linear_slot(&linear_ms, 99, n), 0);
	assert_int_equal(hist_linear_slot(&linear_ms, 100, n), 0);
	assert_int_equal(hist_linear_slot(&linear_ms, 109, n), 0);
	assert_int_equal(hist_linear_slot(&linear_ms, 110, n), 1);
	assert_int_equal(hist_linear_slot(&linear_ms, 149, n), 4);
	/* Beyond the last slot: counted there, not lost. */
	assert_int_equal(hist_linear_slot(&linear_ms, 150, n), 4);
	assert_int_equal(hist_linear_slot(&linear_ms, UINT64_MAX, n), 4);
	hist_bounds(&linear_ms, 0, &low, &high);
	assert_int_equal(low, 100);
	assert_int_equal(high, 109);
	for (unsigned i = 0; i + 1 < n; i++) {
		hist_bounds(&linear_ms, i, &low, &high);
		hist_bounds(&linear_ms, i + 1, &next_low, &next_high);
		assert_int_equal(high + 1, next_low);
	}
	for (uint64_t v = 100; v < 150; v++)
		assert_in_slot(&linear_ms, hist_linear_slot(&linear_ms, v, n), v);
}

/* ---- rendering ---- */

enum { C_INTERVAL, C_DIST };

static const struct out_col cols[] = {
	[C_INTERVAL] = { NULL, "interval", 0, 0 },
	[C_DIST] = { "DIST", "dist", 0, 0 },
};

/* One row holding the histogram, rendered into memory; the caller frees it. */
static char *render(bool json, const struct hist_spec *h, const uint64_t *slots, unsigned n)
{
	const struct sonde_opts opts = { .json = json };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out o;

	assert_non_null(f);
	out_init(&o, f, cols, 2, &opts);
	out_row_begin(&o);
	out_uint(&o, C_INTERVAL, 1);
	out_hist(&o, C_DIST, h, slots, n);
	out_row_end(&o);
	assert_int_equal(out_flush(&o), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* Parses the JSON row and returns its "dist" array (a new reference). */
static json_t *json_dist(const char *buf)
{
	json_error_t err;
	json_t *row, *dist;

	/* One line: the row. */
	assert_non_null(strchr(buf, '\n'));
	assert_int_equal(strchr(buf, '\n')[1], '\0');
	row = json_loads(buf, JSON_REJECT_DUPLICATES, &err);
	if (!row)
		fail_msg("does not parse (%s): %s", err.text, buf);
	assert_int_equal(json_integer_value(json_object_get(row, "interval")), 1);
	dist = json_object_get(row, "dist");
	assert_true(json_is_array(dist));
	json_incref(dist);
	json_decref(row);
	return dist;
}

static void assert_bucket(json_t *b, uint64_t low, uint64_t high, uint64_t count)
{
	assert_true(json_is_object(b));
	assert_int_equal(json_object_size(b), 3);
	assert_true(json_is_integer(json_object_get(b, "low")));
	assert_int_equal(json_integer_value(json_object_get(b, "low")), low);
	assert_int_equal(json_integer_value(json_object_get(b, "high")), high);
	assert_int_equal(json_integer_value(json_object_get(b, "count")), count);
}

static void json_log2_first_to_last(void **state)
{
	uint64_t slots[HIST_LOG2_SLOTS] = { 0 };
	char *buf;
	json_t *dist;

	(void)state;
	slots[3] = 5;
	slots[5] = 10;
	slots[20] = 1;
	buf = render(true, &log2_usecs, slots, HIST_LOG2_SLOTS);
	dist = json_dist(buf);
	/* From the first non-empty slot to the last, empty ones in between kept. */
	assert_int_equal(json_array_size(dist), 20 - 3 + 1);
	assert_bucket(json_array_get(dist, 0), 8, 15, 5);
	assert_bucket(json_array_get(dist, 1), 16, 31, 0);
	assert_bucket(json_array_get(dist, 2), 32, 63, 10);
	assert_bucket(json_array_get(dist, 17), 1 << 20, (1 << 21) - 1, 1);
	json_decref(dist);
	free(buf);
}

static void json_linear(void **state)
{
	const uint64_t slots[5] = { 0, 7, 0, 2, 0 };
	char *buf = render(true, &linear_ms, slots, 5);
	json_t *dist = json_dist(buf);

	(void)state;
	assert_int_equal(json_array_size(dist), 3);
	assert_bucket(json_array_get(dist, 0), 110, 119, 7);
	assert_bucket(json_array_get(dist, 1), 120, 129, 0);
	assert_bucket(json_array_get(dist, 2), 130, 139, 2);
	json_decref(dist);
	free(buf);
}

static void json_empty_is_empty_array(void **state)
{
	uint64_t slots[HIST_LOG2_SLOTS] = { 0 };
	char *buf = render(true, &log2_usecs, slots, HIST_LOG2_SLOTS);
	json_t *dist = json_dist(buf);

	(void)state;
	assert_int_equal(json_array_size(dist), 0);
	json_decref(dist);
	free(buf);
}

/* Text lines of the rendering: "", the title, then one line per slot. */
static unsigned split_lines(char *buf, char **lines, unsigned max)
{
	unsigned n = 0;
	char *save = NULL;

	/* The histogram starts on a line of its own. */
	assert_int_equal(buf[0], '\n');
	for (char *l = strtok_r(buf, "\n", &save); l && n < max; l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	return n;
}

static void assert_text_slot(const char *line, uint64_t low, uint64_t high, uint64_t count,
			     unsigned stars)
{
	unsigned long long l, h, c;
	char bar[64] = "";
	int end = 0;

	if (sscanf(line, "%llu -> %llu : %llu |%63[* ]|%n", &l, &h, &c, bar, &end) != 4 || !end)
		fail_msg("not a histogram line: '%s'", line);
	assert_int_equal(l, low);
	assert_int_equal(h, high);
	assert_int_equal(c, count);
	assert_int_equal(strlen(bar), 40);
	assert_int_equal(strspn(bar, "*"), stars);
	assert_int_equal(strspn(bar + stars, " "), 40 - stars);
}

static void text_log2_bars(void **state)
{
	uint64_t slots[HIST_LOG2_SLOTS] = { 0 };
	char *buf, *lines[80];
	unsigned n;

	(void)state;
	slots[2] = 10;
	slots[4] = 40;
	slots[6] = 20;
	buf = render(false, &log2_usecs, slots, HIST_LOG2_SLOTS);
	n = split_lines(buf, lines, 80);
	assert_string_equal(lines[0], "                   usecs : count      distribution");
	/* log2 starts at slot 0 even when it is empty, and stops at the last count. */
	assert_int_equal(n, 1 + 7);
	assert_text_slot(lines[1], 0, 1, 0, 0);
	assert_text_slot(lines[2], 2, 3, 0, 0);
	assert_text_slot(lines[3], 4, 7, 10, 10);
	assert_text_slot(lines[4], 8, 15, 0, 0);
	assert_text_slot(lines[5], 16, 31, 40, 40);
	assert_text_slot(lines[6], 32, 63, 0, 0);
	assert_text_slot(lines[7], 64, 127, 20, 20);
	free(buf);
}

static void text_linear_bars(void **state)
{
	const uint64_t slots[5] = { 0, 3, 0, 1, 0 };
	char *buf = render(false, &linear_ms, slots, 5), *lines[16];
	unsigned n = split_lines(buf, lines, 16);

	(void)state;
	assert_string_equal(lines[0], "                   msecs : count      distribution");
	assert_int_equal(n, 1 + 3);
	assert_text_slot(lines[1], 110, 119, 3, 40);
	assert_text_slot(lines[2], 120, 129, 0, 0);
	assert_text_slot(lines[3], 130, 139, 1, 13);
	free(buf);
}

static void text_empty_has_title_only(void **state)
{
	uint64_t slots[HIST_LOG2_SLOTS] = { 0 };
	char *buf = render(false, &log2_usecs, slots, HIST_LOG2_SLOTS), *lines[8];

	(void)state;
	assert_int_equal(split_lines(buf, lines, 8), 1);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(log2_slots),
		cmocka_unit_test(log2_bounds_tile),
		cmocka_unit_test(log2_values_land_in_bounds),
		cmocka_unit_test(linear_slots),
		cmocka_unit_test(json_log2_first_to_last),
		cmocka_unit_test(json_linear),
		cmocka_unit_test(json_empty_is_empty_array),
		cmocka_unit_test(text_log2_bars),
		cmocka_unit_test(text_linear_bars),
		cmocka_unit_test(text_empty_has_title_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
