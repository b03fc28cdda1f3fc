// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/array_size.h"
#include "lib/interval.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "lib/top.h"

enum { OPT_NOCLEAR = 0x3e0 };

static const struct argp_option top_options[] = {
	{ "rows", 'r', "ROWS", 0, "Show the ROWS rows ranked first (default 20; 0: all)", 0 },
	{ "sort", 's', "KEY", 0,
	  "Rank rows by KEY: all or bytes (bytes read and written, the default), io (reads and "
	  "writes), reads, writes, rbytes, wbytes, time (biotop: the time taken)",
	  0 },
	{ "noclear", OPT_NOCLEAR, NULL, 0, "Do not clear the terminal between intervals", 0 },
	{ 0 },
};

/* The keys, with libbpf-tools' biotop's bytes (its all) too. */
static const struct {
	const char *name;
	enum top_sort sort;
} sort_names[] = {
	{ "all", TOP_SORT_ALL },       { "bytes", TOP_SORT_ALL },     { "io", TOP_SORT_IO },
	{ "reads", TOP_SORT_READS },   { "writes", TOP_SORT_WRITES }, { "rbytes", TOP_SORT_RBYTES },
	{ "wbytes", TOP_SORT_WBYTES }, { "time", TOP_SORT_TIME },
};

static int parse_sort(const char *arg, enum top_sort *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(sort_names); i++) {
		if (!strcmp(arg, sort_names[i].name)) {
			*s = sort_names[i].sort;
			return 0;
		}
	}
	log_err("invalid value '%s' for -s/--sort: expected all, bytes, io, reads, writes, rbytes, "
		"wbytes or time",
		arg);
	return EINVAL;
}

static error_t top_parse_opt(int key, char *arg, struct argp_state *state)
{
	struct top_opts *o = state->input;
	uint64_t v;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->prom;
		return 0;
	case ARGP_KEY_ARG:
		return parse_interval_arg(state->arg_num, arg, &o->interval_s, &o->count) ? EINVAL
											  : 0;
	case 'r':
		if (parse_uint("-r/--rows", arg, 0, UINT32_MAX, &v))
			return EINVAL;
		o->rows = v;
		return 0;
	case 's':
		return parse_sort(arg, &o->sort);
	case OPT_NOCLEAR:
		o->noclear = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp top_argp = {
	.options = top_options,
	.parser = top_parse_opt,
	.children = prom_argp_children,
};

const struct argp_child top_argp_children[] = { { &top_argp, 0, NULL, 0 }, { 0 } };

void top_init(struct top *t, const struct top_opts *o, size_t key_size, const char *json_key,
	      const struct out_col *cols, unsigned ncols, uint64_t show, const struct out_cfg *cfg)
{
	t->opts = o;
	t->table.key_size = key_size;
	out_block_init(&t->block, stdout, json_key, cols, ncols, show, cfg);
}

static void top_free(struct top *t)
{
	free(t->table.keys);
	free(t->table.vals);
	free(t->table.order);
	memset(&t->table, 0, sizeof(t->table));
}

static int table_grow(struct top_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 256;
	unsigned char *keys = realloc(t->keys, cap * t->key_size);
	struct top_val *vals;
	size_t *order;

	if (!keys)
		return -ENOMEM;
	t->keys = keys;
	vals = realloc(t->vals, cap * sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	t->vals = vals;
	order = realloc(t->order, cap * sizeof(*order));
	if (!order)
		return -ENOMEM;
	t->order = order;
	t->cap = cap;
	return 0;
}

/* dbuf_fn: a key and its counters, summed over the CPUs. */
static int table_add(const void *key, const uint64_t *sum, void *vtable)
{
	struct top_table *t = vtable;

	if (t->n == t->cap && table_grow(t))
		return -ENOMEM;
	memcpy(t->keys + t->n * t->key_size, key, t->key_size);
	memcpy(&t->vals[t->n], sum, sizeof(t->vals[0]));
	t->order[t->n] = t->n;
	t->n++;
	return 0;
}

static uint64_t sort_value(const struct top_val *v, enum top_sort s)
{
	switch (s) {
	case TOP_SORT_READS:
		return v->reads;
	case TOP_SORT_WRITES:
		return v->writes;
	case TOP_SORT_RBYTES:
		return v->read_bytes;
	case TOP_SORT_WBYTES:
		return v->write_bytes;
	case TOP_SORT_IO:
		return v->reads + v->writes;
	case TOP_SORT_TIME:
		return v->ns;
	default:
		return v->read_bytes + v->write_bytes;
	}
}

/* qsort has no context argument: the table and key being ranked. */
static const struct top_table *rank_table;
static enum top_sort rank_sort;

static int rank_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	uint64_t vx = sort_value(&rank_table->vals[x], rank_sort);
	uint64_t vy = sort_value(&rank_table->vals[y], rank_sort);
	size_t ks = rank_table->key_size;

	if (vx != vy)
		return vx > vy ? -1 : 1;
	return memcmp(rank_table->keys + x * ks, rank_table->keys + y * ks, ks);
}

/* On a terminal, a top tool shows the last interval only, as top(1) does. */
static void clear_screen(const struct top *t)
{
	if (t->opts->noclear || t->block.head.cfg.json || !isatty(fileno(t->block.head.f)))
		return;
	fputs("\033[H\033[2J", t->block.head.f);
}

/* interval_cfg's report. */
static int top_report(void *vtop, bool skip_empty)
{
	struct top *t = vtop;
	struct top_table *tab = &t->table;
	struct out_rows *rows;
	size_t n;
	int err;

	tab->n = 0;
	err = dbuf_drain(&t->dbuf, table_add, tab);
	if (err || (skip_empty && !tab->n && t->reports))
		return err;
	t->reports++;
	rank_table = tab;
	rank_sort = t->opts->sort;
	if (tab->n)
		qsort(tab->order, tab->n, sizeof(tab->order[0]), rank_cmp);
	n = t->opts->rows && t->opts->rows < tab->n ? t->opts->rows : tab->n;
	clear_screen(t);
	rows = out_block_begin(&t->block);
	for (size_t i = 0; i < n; i++) {
		size_t r = tab->order[i];

		t->write_row(t->ctx, out_rows_row(rows), tab->keys + r * tab->key_size,
			     &tab->vals[r]);
		out_rows_row_end(rows);
	}
	out_block_end(&t->block);
	return 0;
}

void out_top(struct out *o, unsigned first, const struct top_val *v)
{
	out_uint(o, first, v->reads);
	out_uint(o, first + 1, v->writes);
	out_uint(o, first + 2, (v->read_bytes + 512) / 1024);
	out_uint(o, first + 3, v->read_bytes);
	out_uint(o, first + 4, (v->write_bytes + 512) / 1024);
	out_uint(o, first + 5, v->write_bytes);
}

int top_run(struct top *t, struct bpf_object_skeleton *s, const struct sonde_opts *o)
{
	struct bpf_object *obj = *s->obj;
	struct interval_cfg cfg = {
		.interval_s = t->opts->interval_s,
		.count = t->opts->count,
		.report = top_report,
		.ctx = t,
		.block = &t->block,
		.dbuf = &t->dbuf,
		.outer = bpf_object__find_map_by_name(obj, "top_counts"),
		.a = bpf_object__find_map_by_name(obj, "top_counts_a"),
		.b = bpf_object__find_map_by_name(obj, "top_counts_b"),
		.prom = &t->opts->prom,
	};
	int err = interval_run(s, o, &cfg);

	top_free(t);
	return err;
}
