// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/prom.h: label values escaped for the Prometheus text format, and the
 * file that a block's rows make (counters added up across intervals,
 * histograms with cumulative buckets, rows past -T still series, the
 * --max-series cap), written through the output layer as the tools write. */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "lib/array_size.h"
#include "lib/count.h"
#include "lib/hist.h"
#include "lib/out_rows.h"
#include "lib/prom.h"

static void esc(const char *in, size_t len, const char *want)
{
	char buf[PROM_ESCAPE_ROOM(64) + 1];
	size_t n = prom_escape(buf, in, len);

	assert_true(n <= PROM_ESCAPE_ROOM(len));
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void escape_as_text_then_format(void **state)
{
	(void)state;
	esc("nginx", 5, "nginx");
	esc("/sys.slice/a b", 14, "/sys.slice/a b");
	/* The format's own escapes: '"' and '\\' (text's "\\": four). */
	esc("a\"b", 3, "a\\\"b");
	esc("a\\b", 3, "a\\\\\\\\b");
	/* A newline, an escape byte, DEL and UTF-8 as text shows them,
	 * "\x0a": the backslash escaped for the format. */
	esc("x\ny", 3, "x\\\\x0ay");
	esc("\x1b[2J", 4, "\\\\x1b[2J");
	esc("\x7f", 1, "\\\\x7f");
	esc("\xc3\xa9", 2, "\\\\xc3\\\\xa9");
	/* Up to a NUL, and no further than len. */
	esc("ab\0cd", 5, "ab");
	esc("abcdef", 3, "abc");
}

/* ---- the file, through the output layer ---- */

enum { C_NAME, C_CGROUP, C_COUNT };

static const struct out_col cols[] = {
	[C_NAME] = { "NAME", "comm", 16, OUT_LABEL },
	[C_CGROUP] = { "CG", "id", 8, 0 }, /* not a label */
	COUNT_COLS(C_COUNT, "COUNT", "count"),
};

struct fixture {
	char path[64];
	FILE *out; /* the tool's stdout */
	char *text;
	size_t len;
	struct out_block block;
	struct prom *prom;
};

static int fx_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct out_cfg cfg = { 0 };
	struct prom_opts po = { .path = fx->path, .max_series = 3 };
	int fd;

	snprintf(fx->path, sizeof(fx->path), "/tmp/test_prom.XXXXXX");
	fd = mkstemp(fx->path);
	assert_true(fd >= 0);
	close(fd);
	fx->out = open_memstream(&fx->text, &fx->len);
	out_block_init(&fx->block, fx->out, NULL, cols, ARRAY_SIZE(cols), 0, &cfg);
	assert_int_equal(prom_open(&fx->prom, &po, "tool", NULL), 0);
	fx->block.rows.out.prom = fx->prom;
	*state = fx;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fixture *fx = *state;

	prom_free(fx->prom);
	fclose(fx->out);
	free(fx->text);
	unlink(fx->path);
	free(fx);
	return 0;
}

static char *slurp(const char *path)
{
	static char buf[16384];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

struct row {
	const char *name;
	uint64_t count, errors;
};

/* One interval's block, of which `top` rows are shown. */
static void block(struct fixture *fx, const struct row *rows, size_t n, size_t top)
{
	struct out_rows *r = out_block_begin(&fx->block);
	size_t w = out_rows_top(r, top, n);

	for (size_t i = 0; i < w; i++) {
		struct count_val v = { .count = rows[i].count, .errors = rows[i].errors };
		struct out *o = out_rows_row(r);

		out_str(o, C_NAME, rows[i].name, 64);
		out_uint(o, C_CGROUP, i);
		out_count(o, C_COUNT, &v, false);
		out_rows_row_end(r);
	}
	out_block_end(&fx->block);
	fflush(fx->out);
	assert_int_equal(prom_write(fx->prom), 0);
}

static const char *count_head = "# HELP sonde_tool_syscalls_total System calls made.\n"
				"# TYPE sonde_tool_syscalls_total counter\n";

static void counters_add_up_and_rows_past_top_count(void **state)
{
	struct fixture *fx = *state;
	const struct row one[] = { { "a\"b", 10, 1 }, { "esc\x1b", 5, 0 } };
	const struct row two[] = { { "esc\x1b", 7, 2 }, { "a\"b", 1, 0 } };
	char want[2048];

	block(fx, one, 2, 1);
	block(fx, two, 2, 1);
	/* The file has both rows of each block, added up. */
	snprintf(want, sizeof(want),
		 "%s"
		 "sonde_tool_syscalls_total{comm=\"a\\\"b\"} 11\n"
		 "sonde_tool_syscalls_total{comm=\"esc\\\\x1b\"} 12\n"
		 "# HELP sonde_tool_syscall_errors_total System calls that failed.\n"
		 "# TYPE sonde_tool_syscall_errors_total counter\n"
		 "sonde_tool_syscall_errors_total{comm=\"a\\\"b\"} 1\n"
		 "sonde_tool_syscall_errors_total{comm=\"esc\\\\x1b\"} 2\n"
		 "# HELP sonde_tool_dropped_series Label sets left out of the last interval "
		 "(--max-series).\n"
		 "# TYPE sonde_tool_dropped_series gauge\n"
		 "sonde_tool_dropped_series 0\n",
		 count_head);
	assert_string_equal(slurp(fx->path), want);
}

static void text_shows_top_rows_only(void **state)
{
	struct fixture *fx = *state;
	const struct row rows[] = { { "first", 3, 0 }, { "second", 2, 0 }, { "third", 1, 0 } };

	block(fx, rows, 3, 2);
	assert_non_null(strstr(fx->text, "first"));
	assert_non_null(strstr(fx->text, "second"));
	assert_null(strstr(fx->text, "third"));
	assert_non_null(strstr(slurp(fx->path), "{comm=\"third\"} 1\n"));
}

static void max_series_drops_new_label_sets(void **state)
{
	struct fixture *fx = *state;
	const struct row rows[] = {
		{ "a", 1, 0 }, { "b", 1, 0 }, { "c", 1, 0 }, { "d", 1, 0 }, { "e", 1, 0 }
	};
	const char *file;

	block(fx, rows, 5, 0);
	file = slurp(fx->path);
	assert_non_null(strstr(file, "{comm=\"c\"} 1\n"));
	assert_null(strstr(file, "{comm=\"d\"}"));
	assert_non_null(strstr(file, "\nsonde_tool_dropped_series 2\n"));
	/* Per interval: those already kept go on, the others are dropped again. */
	block(fx, rows, 1, 0);
	file = slurp(fx->path);
	assert_non_null(strstr(file, "{comm=\"a\"} 2\n"));
	assert_non_null(strstr(file, "\nsonde_tool_dropped_series 0\n"));
}

/* ---- histograms ---- */

enum { H_TIME, H_INTERVAL, H_COMM, H_HIST };

static const struct out_col hist_cols[] = {
	OUT_COLS_BLOCK_TIME,
	[H_COMM] = { "COMM", "comm", 16, OUT_LABEL },
	HIST_COLS(H_HIST, "us"),
};

static void hist_block(struct fixture *fx, const struct hist *h, const struct hist_unit *u)
{
	struct out_cfg cfg = { .json = true };
	struct hist_out ho;
	struct out_rows *r;
	struct out *o;

	out_block_init(&fx->block, fx->out, NULL, hist_cols, ARRAY_SIZE(hist_cols), 0, &cfg);
	fx->block.rows.out.prom = fx->prom;
	hist_out_init(&ho, fx->out, &cfg, u, false);
	r = out_block_begin(&fx->block);
	o = out_rows_row(r);
	out_str(o, H_COMM, "x", 1);
	out_hist(o, H_HIST, h, &ho);
	out_rows_row_end(r);
	out_block_end(&fx->block);
	fflush(fx->out);
	assert_int_equal(prom_write(fx->prom), 0);
}

/* Slots of the log-linear buckets that hold value v. */
static unsigned slot_of(uint64_t v)
{
	uint64_t low, high;

	for (unsigned s = 0; s < HIST_SLOTS; s++) {
		hist_bounds(s, &low, &high);
		if (v >= low && v <= high)
			return s;
	}
	return HIST_SLOTS - 1;
}

static void hist_buckets_cumulative_in_seconds(void **state)
{
	struct fixture *fx = *state;
	struct hist h = { 0 };
	const char *want = "# HELP sonde_tool_seconds Times measured, in seconds.\n"
			   "# TYPE sonde_tool_seconds histogram\n"
			   "sonde_tool_seconds_bucket{comm=\"x\",le=\"2e-06\"} 2\n"
			   "sonde_tool_seconds_bucket{comm=\"x\",le=\"4e-06\"} 4\n"
			   "sonde_tool_seconds_bucket{comm=\"x\",le=\"8e-06\"} 4\n"
			   "sonde_tool_seconds_bucket{comm=\"x\",le=\"1.6e-05\"} 4\n"
			   "sonde_tool_seconds_bucket{comm=\"x\",le=\"3.2e-05\"} 4\n"
			   "sonde_tool_seconds_bucket{comm=\"x\",le=\"6.4e-05\"} 4\n"
			   "sonde_tool_seconds_bucket{comm=\"x\",le=\"0.000128\"} 6\n"
			   "sonde_tool_seconds_bucket{comm=\"x\",le=\"+Inf\"} 6\n"
			   "sonde_tool_seconds_sum{comm=\"x\"} 0.000500123\n"
			   "sonde_tool_seconds_count{comm=\"x\"} 6\n";
	const char *file;

	/* Twice: 0 us, 3 us and 100 us, 500.123 us in all. */
	h.count = 3;
	h.sum = 250123 / 2 + 1;
	h.max = 100;
	h.slots[slot_of(0)] = 1;
	h.slots[slot_of(3)] = 1;
	h.slots[slot_of(100)] = 1;
	hist_block(fx, &h, &hist_us);
	h.sum = 500123 - h.sum;
	hist_block(fx, &h, &hist_us);
	file = slurp(fx->path);
	assert_int_equal(strncmp(file, want, strlen(want)), 0);
}

static void hist_sizes_in_their_unit(void **state)
{
	struct fixture *fx = *state;
	struct hist h = { .count = 1, .sum = 4096, .max = 4096 };
	const char *file;

	h.slots[slot_of(4096)] = 1;
	hist_block(fx, &h, &hist_bytes);
	file = slurp(fx->path);
	assert_non_null(strstr(file, "# TYPE sonde_tool_bytes histogram\n"));
	assert_non_null(strstr(file, "sonde_tool_bytes_bucket{comm=\"x\",le=\"4095\"} 0\n"
				     "sonde_tool_bytes_bucket{comm=\"x\",le=\"8191\"} 1\n"
				     "sonde_tool_bytes_bucket{comm=\"x\",le=\"+Inf\"} 1\n"
				     "sonde_tool_bytes_sum{comm=\"x\"} 4096\n"));
}

/* ---- a --count table: plain rows, totals read whole ---- */

enum { N_REASON, N_DROPS };

static const struct out_col net_cols[] = {
	[N_REASON] = { "REASON", "reason", 16, OUT_LABEL },
	[N_DROPS] = { "DROPS", "drops", 8, OUT_RIGHT | OUT_COUNTER },
};

static void table(struct fixture *fx, const char *const *reasons, const uint64_t *drops, size_t n)
{
	struct out_cfg cfg = { 0 };
	struct out o;

	out_init(&o, out_nowhere(), net_cols, ARRAY_SIZE(net_cols), 0, &cfg);
	o.prom = fx->prom;
	prom_restart(fx->prom);
	for (size_t i = 0; i < n; i++) {
		out_row_begin(&o);
		out_str(&o, N_REASON, reasons[i], 32);
		out_uint(&o, N_DROPS, drops[i]);
		out_row_end(&o);
	}
	assert_int_equal(prom_write(fx->prom), 0);
}

static void count_table_totals_are_set_not_added(void **state)
{
	struct fixture *fx = *state;
	const char *const reasons[] = { "NO_SOCKET", "NETFILTER_DROP" };
	const uint64_t first[] = { 3, 1 }, then[] = { 5 };
	const char *file;

	table(fx, reasons, first, 2);
	table(fx, reasons, then, 1);
	file = slurp(fx->path);
	assert_non_null(strstr(file, "# TYPE sonde_tool_drops_total counter\n"
				     "sonde_tool_drops_total{reason=\"NO_SOCKET\"} 5\n#"));
	/* An entry gone from the map is no longer a series. */
	assert_null(strstr(file, "NETFILTER_DROP"));
}

/* ---- --label ---- */

static void labels_in_rows_and_series(void **state)
{
	static struct out_labels l;
	struct out_cfg json = { .json = true, .labels = &l }, text = { .labels = &l };
	char path[64], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct prom_opts po = { .path = path };
	struct prom *p;
	struct out o;
	int fd;

	(void)state;
	memset(&l, 0, sizeof(l));
	assert_int_equal(out_label_add(&l, "node=worker-1"), 0);
	assert_int_equal(out_label_add(&l, "zone=a\"b\x1b"), 0);
	assert_int_equal(out_label_add(&l, "Node=x"), -EINVAL);
	assert_int_equal(out_label_add(&l, "node"), -EINVAL);
	assert_int_equal(out_label_add(&l, "=x"), -EINVAL);
	assert_int_equal(out_label_add(&l, "no-de=x"), -EINVAL);
	assert_int_equal(l.n, 2);

	snprintf(path, sizeof(path), "/tmp/test_prom.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(prom_open(&p, &po, "tool", &l), 0);
	out_init(&o, f, net_cols, ARRAY_SIZE(net_cols), 0, &json);
	o.prom = p;
	out_row_begin(&o);
	out_str(&o, N_REASON, "NO_SOCKET", 32);
	out_uint(&o, N_DROPS, 3);
	out_row_end(&o);
	out_init(&o, f, net_cols, ARRAY_SIZE(net_cols), 0, &text);
	out_header(&o);
	out_row_begin(&o);
	out_str(&o, N_REASON, "NO_SOCKET", 32);
	out_uint(&o, N_DROPS, 3);
	out_row_end(&o);
	fflush(f);
	assert_string_equal(buf, "{\"node\":\"worker-1\",\"zone\":\"a\\\"b\\u001b\","
				 "\"reason\":\"NO_SOCKET\",\"drops\":3}\n"
				 "NODE     ZONE    REASON              DROPS\n"
				 "worker-1 a\"b\\x1b NO_SOCKET               3\n");
	assert_int_equal(prom_write(p), 0);
	assert_non_null(strstr(slurp(path), "sonde_tool_drops_total{node=\"worker-1\",zone=\"a\\\"b"
					    "\\\\x1b\",reason=\"NO_SOCKET\"} 3\n"));
	prom_free(p);
	unlink(path);
	fclose(f);
	free(buf);
}

static void no_file_without_the_option(void **state)
{
	struct prom_opts none = { 0 };
	struct prom *p = (struct prom *)1;

	(void)state;
	assert_int_equal(prom_open(&p, &none, "tool", NULL), 0);
	assert_null(p);
	assert_int_equal(prom_write(NULL), 0);
}

static void unwritable_file_fails(void **state)
{
	struct prom_opts po = { .path = "/nonexistent-dir/x.prom" };
	struct prom *p;

	(void)state;
	/* Said when the tool starts, not an interval later. */
	assert_int_equal(prom_open(&p, &po, "tool", NULL), -ENOENT);
	assert_null(p);
	po.path = "";
	assert_int_equal(prom_open(&p, &po, "tool", NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_as_text_then_format),
		cmocka_unit_test_setup_teardown(counters_add_up_and_rows_past_top_count, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(text_shows_top_rows_only, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(max_series_drops_new_label_sets, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(hist_buckets_cumulative_in_seconds, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(hist_sizes_in_their_unit, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(count_table_totals_are_set_not_added, fx_setup,
						fx_teardown),
		cmocka_unit_test(labels_in_rows_and_series),
		cmocka_unit_test(no_file_without_the_option),
		cmocka_unit_test(unwritable_file_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
