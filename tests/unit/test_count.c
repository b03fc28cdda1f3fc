// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/count.h and lib/out_rows.h: rows of syscall counters merged and
 * ranked, the per-interval blocks they are printed in, and tables nested in
 * a block's rows or in a plain row (text, and JSON that parses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "lib/count.h"
#include "lib/out_rows.h"

static void add(struct count_table *t, uint64_t id, uint32_t nr, uint64_t count, uint64_t lat_ns)
{
	struct count_val v = {
		.count = count, .errors = count / 2, .lat_ns = lat_ns, .timed = count
	};

	assert_int_equal(count_table_add(t, id, nr, (const uint64_t *)&v), 0);
}

/* ---- count_table ---- */

static void merge_adds_equal_keys(void **state)
{
	struct count_table t = { 0 };

	(void)state;
	for (unsigned i = 0; i < 1000; i++) /* grows past its first allocation */
		add(&t, i % 3, 7, 2, 10);
	add(&t, 1, 8, 4, 0);
	count_table_merge(&t);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.rows[0].id, 0);
	assert_int_equal(t.rows[0].v.count, 334 * 2);
	assert_int_equal(t.rows[1].id, 1);
	assert_int_equal(t.rows[1].nr, 7);
	assert_int_equal(t.rows[1].v.count, 333 * 2);
	assert_int_equal(t.rows[1].v.errors, 333);
	assert_int_equal(t.rows[1].v.lat_ns, 333 * 10);
	assert_int_equal(t.rows[2].id, 1);
	assert_int_equal(t.rows[2].nr, 8);
	assert_int_equal(t.rows[3].id, 2);
	count_table_free(&t);
	assert_null(t.rows);
}

static void rank_by_calls_or_time(void **state)
{
	struct count_table t = { 0 };

	(void)state;
	add(&t, 1, 0, 10, 5000);
	add(&t, 2, 0, 30, 100);
	add(&t, 3, 0, 20, 9000);
	add(&t, 0, 0, 20, 1);
	count_rows_rank(t.rows, t.n, false);
	assert_int_equal(t.rows[0].id, 2);
	/* A tie keeps key order. */
	assert_int_equal(t.rows[1].id, 0);
	assert_int_equal(t.rows[2].id, 3);
	assert_int_equal(t.rows[3].id, 1);
	count_rows_rank(t.rows, t.n, true);
	assert_int_equal(t.rows[0].id, 3);
	assert_int_equal(t.rows[1].id, 1);
	count_table_free(&t);
}

/* ---- blocks ---- */

enum { C_NAME, C_NR, C_COUNT, C_KIDS = C_COUNT + COUNT_NCOLS };

static const struct out_col cols[] = {
	[C_NAME] = { "SYSCALL", "syscall", 12, 0 },
	[C_NR] = { NULL, "nr", 0, 0 },
	COUNT_COLS(C_COUNT, "COUNT", "count"),
	[C_KIDS] = { NULL, "kids", 0, 0 },
};

enum { K_COUNT, K_INDENT = K_COUNT + COUNT_NCOLS, K_NAME };

static const struct out_col kid_cols[] = {
	COUNT_COLS(K_COUNT, "COUNT", "count"),
	[K_INDENT] = { "", NULL, 1, 0 },
	[K_NAME] = { "NAME", "name", 0, 0 },
};

struct sink {
	char *buf;
	size_t len;
	FILE *f;
	struct out_block b;
	struct out_rows kids;
};

static void sink_open(struct sink *s, bool json, bool latency, bool ms)
{
	const struct out_cfg cfg = { .json = json };

	s->f = open_memstream(&s->buf, &s->len);
	assert_non_null(s->f);
	out_block_init(&s->b, s->f, "syscalls", cols, 9, count_cols_shown(C_COUNT, latency, ms),
		       &cfg);
	out_rows_init(&s->kids, s->f, kid_cols, 8, count_cols_shown(K_COUNT, latency, ms), &cfg);
	out_block_start(&s->b);
}

static void sink_close(struct sink *s)
{
	fclose(s->f);
}

/* One block: read(0) with two nested rows, an unknown syscall with none. */
static void write_block(struct sink *s, bool latency)
{
	struct count_val v = { .count = 1234, .errors = 5, .lat_ns = 2468000, .timed = 1234 };
	struct count_val none = { .count = 3 };
	struct out_rows *rows = out_block_begin(&s->b);
	struct out *o;

	o = out_rows_row(rows);
	out_syscall(o, C_NAME, C_NR, 0);
	out_count(o, C_COUNT, &v, latency);
	out_rows_nest(&s->kids, o, C_KIDS);
	for (int i = 0; i < 2; i++) {
		o = out_rows_row(&s->kids);
		out_count(o, K_COUNT, &v, latency);
		out_str(o, K_INDENT, "", 0);
		out_str(o, K_NAME, i ? "b\"\n" : "a", 4);
		out_rows_row_end(&s->kids);
	}
	out_rows_end(&s->kids);
	out_rows_row_end(rows);

	o = out_rows_row(rows);
	out_syscall(o, C_NAME, C_NR, 999);
	out_count(o, C_COUNT, &none, latency);
	out_rows_row_end(rows);
	out_block_end(&s->b);
	fflush(s->f);
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void json_block_parses(void **state)
{
	struct sink s;
	json_error_t jerr;
	json_t *j, *rows, *kids;

	(void)state;
	sink_open(&s, true, true, false);
	write_block(&s, true);
	write_block(&s, true);
	/* Two blocks, two lines, each one object. */
	assert_int_equal(count_lines(s.buf), 2);
	assert_int_equal(s.buf[s.len - 1], '\n');
	j = json_loadb(s.buf, strchr(s.buf, '\n') - s.buf, 0, &jerr);
	if (!j)
		fail_msg("%s: %s", jerr.text, s.buf);
	assert_true(json_is_string(json_object_get(j, "time")));
	assert_true(json_is_integer(json_object_get(j, "interval_ms")));
	rows = json_object_get(j, "syscalls");
	assert_int_equal(json_array_size(rows), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "syscall")),
			    "read");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "count")),
			 1234);
	assert_true(json_is_real(json_object_get(json_array_get(rows, 0), "total_us")));
	assert_true(json_real_value(json_object_get(json_array_get(rows, 0), "avg_us")) == 2.0);
	/* The unknown syscall: null name, its number, no time measured. */
	assert_true(json_is_null(json_object_get(json_array_get(rows, 1), "syscall")));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 1), "nr")), 999);
	assert_true(json_is_null(json_object_get(json_array_get(rows, 1), "avg_us")));
	assert_null(json_object_get(json_array_get(rows, 1), "kids"));
	kids = json_object_get(json_array_get(rows, 0), "kids");
	assert_int_equal(json_array_size(kids), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(kids, 1), "name")),
			    "b\"\n");
	json_decref(j);
	sink_close(&s);
	free(s.buf);
}

static void text_block_layout(void **state)
{
	struct sink s;

	(void)state;
	sink_open(&s, false, false, false);
	write_block(&s, false);
	/* "[HH:MM:SS]", the header, the rows with the nested ones indented
	 * under the parent's last column, an empty line. */
	assert_int_equal(s.buf[0], '[');
	assert_int_equal(s.buf[9], ']');
	assert_string_equal(s.buf + 11, "SYSCALL           COUNT   ERRORS\n"
					"read               1234        5\n"
					"      1234        5   a\n"
					"      1234        5   b\"\\x0a\n"
					/* Longer than its column: pushes the rest. */
					"[unknown: 999]          3        0\n"
					"\n");
	sink_close(&s);
	free(s.buf);
}

static void text_latency_in_ms(void **state)
{
	struct sink s;

	(void)state;
	sink_open(&s, false, true, true);
	write_block(&s, true);
	assert_non_null(strstr(s.buf, "SYSCALL           COUNT   ERRORS    TIME(ms)  AVG(ms)\n"
				      "read               1234        5       2.468    0.002\n"));
	/* No call was timed: no average. */
	assert_non_null(strstr(s.buf, "[unknown: 999]          3        0       0.000        -\n"));
	sink_close(&s);
	free(s.buf);
}

/* ---- a table nested in a plain row (xdpdrop's rules in its NDJSON rows) ---- */

enum { P_NAME, P_N, P_ITEMS, P_NO_KEY };

static const struct out_col parent_cols[] = {
	[P_NAME] = { "NAME", "name", 6, 0 },
	[P_N] = { "N", "n", 3, OUT_RIGHT },
	[P_ITEMS] = { NULL, "items", 0, 0 },
	[P_NO_KEY] = { NULL, NULL, 0, 0 },
};

enum { I_ID, I_WHAT };

static const struct out_col item_cols[] = {
	[I_ID] = { "ID", "id", 4, OUT_RIGHT },
	[I_WHAT] = { "WHAT", "what", 0, 0 },
};

/* Three rows of a plain out, with 2, 0 and 1 items nested in column col. */
static char *render_nested(bool json, unsigned col)
{
	static const char *const names[] = { "a", "b", "c" };
	static const unsigned nitems[] = { 2, 0, 1 }, ids[] = { 1, 22, 3 };
	static const char *const what[] = { "x", "y\n", "z" };
	const struct out_cfg cfg = { .json = json };
	struct out_rows items;
	struct out row;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned k = 0;

	assert_non_null(f);
	out_init(&row, f, parent_cols, 4, 0, &cfg);
	out_rows_init(&items, f, item_cols, 2, 0, &cfg);
	items.indent = 2;
	items.header = true;
	out_header(&row);
	for (unsigned i = 0; i < 3; i++) {
		out_row_begin(&row);
		out_str(&row, P_NAME, names[i], 2);
		out_uint(&row, P_N, nitems[i]);
		out_rows_nest(&items, &row, col);
		for (unsigned j = 0; j < nitems[i]; j++, k++) {
			struct out *o = out_rows_row(&items);

			out_uint(o, I_ID, ids[k]);
			out_str(o, I_WHAT, what[k], 4);
			out_rows_row_end(&items);
		}
		out_rows_end(&items);
		out_row_end(&row);
	}
	fclose(f);
	return buf;
}

static void text_nested_under_row(void **state)
{
	char *buf = render_nested(false, P_ITEMS), *nokey = render_nested(false, P_NO_KEY);

	(void)state;
	/* A header above each non-empty table, every line indented; none for
	 * an empty one. */
	assert_string_equal(buf, "NAME     N\n"
				 "a        2\n"
				 "    ID WHAT\n"
				 "     1 x\n"
				 "    22 y\\x0a\n"
				 "b        0\n"
				 "c        1\n"
				 "    ID WHAT\n"
				 "     3 z\n");
	/* Text needs nothing from the column. */
	assert_string_equal(nokey, buf);
	free(buf);
	free(nokey);
}

static void json_nested_under_row(void **state)
{
	char *buf = render_nested(true, P_ITEMS), *line = buf;
	json_error_t jerr;
	json_t *j, *items;

	(void)state;
	assert_int_equal(count_lines(buf), 3);
	for (unsigned i = 0; i < 3; i++, line = strchr(line, '\n') + 1) {
		j = json_loadb(line, strchr(line, '\n') - line, JSON_REJECT_DUPLICATES, &jerr);
		if (!j)
			fail_msg("%s: %s", jerr.text, line);
		items = json_object_get(j, "items");
		assert_int_equal(json_array_size(items),
				 json_integer_value(json_object_get(j, "n")));
		if (i == 0) {
			assert_int_equal(
			    json_integer_value(json_object_get(json_array_get(items, 1), "id")),
			    22);
			assert_string_equal(
			    json_string_value(json_object_get(json_array_get(items, 1), "what")),
			    "y\n");
		}
		json_decref(j);
	}
	free(buf);
}

/* JSON: a column without a key takes the table with it, and the line still
 * parses. */
static void json_nested_without_key(void **state)
{
	char *buf = render_nested(true, P_NO_KEY);

	(void)state;
	assert_string_equal(buf, "{\"name\":\"a\",\"n\":2}\n"
				 "{\"name\":\"b\",\"n\":0}\n"
				 "{\"name\":\"c\",\"n\":1}\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merge_adds_equal_keys), cmocka_unit_test(rank_by_calls_or_time),
		cmocka_unit_test(json_block_parses),	 cmocka_unit_test(text_block_layout),
		cmocka_unit_test(text_latency_in_ms),	 cmocka_unit_test(text_nested_under_row),
		cmocka_unit_test(json_nested_under_row), cmocka_unit_test(json_nested_without_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
