// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "lib/array_size.h"
#include "lib/dbuf.h"
#include "lib/hist.h"
#include "lib/hist_task.h"
#include "lib/interval.h"
#include "lib/loader.h"
#include "lib/log.h"
#include "lib/parse.h"

enum { OPT_BY_CGROUP = 0x200, OPT_FINE };

static const struct argp_option hist_options[] = {
	{ "interval", 'i', "SECONDS", 0, "Print a report every SECONDS (also the first argument)",
	  0 },
	{ "milliseconds", 'm', NULL, 0, "Histograms in milliseconds (default: microseconds)", 0 },
	{ "fine", OPT_FINE, NULL, 0,
	  "Show the buckets counted (4 per power of two), not their log2 sums", 0 },
	{ "timestamp", 'T', NULL, 0, "Accepted for BCC users: every report starts with its time",
	  0 },
	{ 0 },
};

static const struct argp_option hist_task_options[] = {
	{ "pids", 'P', NULL, 0, "A histogram per process", 0 },
	{ "tids", 'L', NULL, 0, "A histogram per thread", 0 },
	{ "by-cgroup", OPT_BY_CGROUP, NULL, 0, "A histogram per cgroup v2", 0 },
	{ 0 },
};

/* After the options: what the histograms are kept by; more than one of
 * -P, -L and --by-cgroup is a usage error. */
static int settle_by(struct hist_task_opts *o)
{
	if (o->by_process + o->by_thread + o->by_cgroup > 1) {
		log_err("-P/--pids, -L/--tids and --by-cgroup exclude each other: give one or "
			"none");
		return -EINVAL;
	}
	o->by = o->by_process  ? HIST_BY_PROCESS
		: o->by_thread ? HIST_BY_THREAD
		: o->by_cgroup ? HIST_BY_CGROUP
			       : HIST_BY_ALL;
	return 0;
}

static error_t hist_parse_opt(int key, char *arg, struct argp_state *state)
{
	struct hist_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->prom;
		return 0;
	case 'i':
		return parse_seconds("-i/--interval", arg, &o->interval_s) ? EINVAL : 0;
	case ARGP_KEY_ARG:
		return parse_interval_arg(state->arg_num, arg, &o->interval_s, &o->count) ? EINVAL
											  : 0;
	case 'm':
		o->ms = true;
		return 0;
	case OPT_FINE:
		o->fine = true;
		return 0;
	case 'T':
		return 0;
	case ARGP_KEY_END:
		/* A tool's unit other than a time is set before parsing. */
		if (o->ms && o->unit && !o->unit->ns) {
			log_err("-m/--milliseconds: the histograms count %s, not time",
				o->unit->name);
			return EINVAL;
		}
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static error_t hist_task_parse_opt(int key, char *arg, struct argp_state *state)
{
	struct hist_task_opts *o = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->h;
		return 0;
	case 'P':
		o->by_process = true;
		return 0;
	case 'L':
		o->by_thread = true;
		return 0;
	case OPT_BY_CGROUP:
		o->by_cgroup = true;
		return 0;
	case ARGP_KEY_END:
		return settle_by(o) ? EINVAL : 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp hist_argp = {
	.options = hist_options,
	.parser = hist_parse_opt,
	.children = prom_argp_children,
};

const struct argp_child hist_argp_children[] = { { &hist_argp, 0, NULL, 0 }, { 0 } };

static const struct argp hist_task_argp = {
	.options = hist_task_options,
	.parser = hist_task_parse_opt,
	.children = hist_argp_children,
};

const struct argp_child hist_task_argp_children[] = { { &hist_task_argp, 0, NULL, 0 }, { 0 } };

/* One histogram of an interval, by its key (zero-padded). */
struct hist_row {
	uint8_t key[HIST_KEY_MAX];
	struct hist h;
};

struct hist_keys_ctx {
	const struct hist_keys *keys;
	struct dbuf dbuf;
	struct out_block block;
	struct hist_out ho;
	struct hist_row *rows;
	size_t n, cap;
	uint32_t key_size;
};

static struct hist_row *row_add(struct hist_keys_ctx *ctx, const void *key)
{
	struct hist_row *r;

	if (ctx->n == ctx->cap) {
		size_t cap = ctx->cap ? ctx->cap * 2 : 16;

		r = realloc(ctx->rows, cap * sizeof(*r));
		if (!r)
			return NULL;
		ctx->rows = r;
		ctx->cap = cap;
	}
	r = &ctx->rows[ctx->n++];
	memset(r, 0, sizeof(*r));
	memcpy(r->key, key, ctx->key_size);
	return r;
}

static int collect(const void *key, const uint64_t *sum, void *vctx)
{
	struct hist_row *r = row_add(vctx, key);

	if (!r)
		return -ENOMEM;
	memcpy(&r->h, sum, sizeof(r->h));
	return 0;
}

/* Keys in order: as the numbers they are up to 8 bytes (little-endian,
 * as on every architecture sonde builds for), as bytes beyond (names). */
static int key_cmp(const struct hist_row *x, const struct hist_row *y)
{
	uint64_t a = 0, b = 0;

	if (memcmp(x->key + sizeof(a), y->key + sizeof(b), HIST_KEY_MAX - sizeof(a)))
		return memcmp(x->key, y->key, HIST_KEY_MAX);
	memcpy(&a, x->key, sizeof(a));
	memcpy(&b, y->key, sizeof(b));
	return a < b ? -1 : a > b;
}

static int by_sum(const void *a, const void *b)
{
	const struct hist_row *x = a, *y = b;

	if (x->h.sum != y->h.sum)
		return x->h.sum > y->h.sum ? -1 : 1;
	return key_cmp(x, y);
}

static int by_count(const void *a, const void *b)
{
	const struct hist_row *x = a, *y = b;

	if (x->h.count != y->h.count)
		return x->h.count > y->h.count ? -1 : 1;
	return key_cmp(x, y);
}

static int by_key(const void *a, const void *b)
{
	return key_cmp(a, b);
}

static void write_row(struct hist_keys_ctx *ctx, struct out *o, const struct hist_row *r)
{
	const struct hist_keys *k = ctx->keys;

	if (!k->one)
		k->write_key(k->ctx, o, r->key);
	if (k->write_values)
		k->write_values(k->ctx, o, &r->h);
	else
		out_hist(o, k->hist_col, &r->h, &ctx->ho);
}

static int report(void *vctx, bool skip_empty)
{
	static int (*const order[])(const void *, const void *) = {
		[HIST_ORDER_SUM] = by_sum,
		[HIST_ORDER_COUNT] = by_count,
		[HIST_ORDER_KEY] = by_key,
	};
	static const uint8_t zero[HIST_KEY_MAX];
	struct hist_keys_ctx *ctx = vctx;
	const struct hist_keys *k = ctx->keys;
	struct out_rows *rows;
	int err;

	ctx->n = 0;
	err = dbuf_drain(&ctx->dbuf, collect, ctx);
	if (err || (skip_empty && !ctx->n))
		return err;
	/* The one histogram of the system is shown empty too. */
	if (!ctx->n && k->one && !row_add(ctx, zero))
		return -ENOMEM;
	/* No rows, no array: qsort() must not be handed NULL. */
	if (ctx->n)
		qsort(ctx->rows, ctx->n, sizeof(*ctx->rows), order[k->order]);
	rows = out_block_begin(&ctx->block);
	for (size_t i = 0; i < ctx->n; i++) {
		write_row(ctx, out_rows_row(rows), &ctx->rows[i]);
		out_rows_row_end(rows);
	}
	out_block_end(&ctx->block);
	return 0;
}

const struct hist_unit *hist_unit_of(const struct hist_opts *h)
{
	return h->unit ? h->unit : h->ms ? &hist_ms : &hist_us;
}

static int setup(struct hist_keys_ctx *ctx, struct bpf_object *obj, struct interval_cfg *cfg,
		 const struct sonde_opts *o, const struct hist_opts *h)
{
	const struct hist_keys *k = ctx->keys;
	const struct hist_unit *unit = hist_unit_of(h);
	struct out_cfg out = o->out;

	cfg->outer = bpf_object__find_map_by_name(obj, "hists");
	cfg->a = bpf_object__find_map_by_name(obj, "hists_a");
	cfg->b = bpf_object__find_map_by_name(obj, "hists_b");
	if (!cfg->outer || !cfg->a || !cfg->b || ctx->key_size > HIST_KEY_MAX ||
	    bpf_map__key_size(cfg->a) != ctx->key_size ||
	    sonde_rodata_set(obj, "hist_unit_ns", &unit->ns, sizeof(unit->ns))) {
		log_err("internal error: the BPF object has no histograms of %u-byte keys",
			ctx->key_size);
		return -EIO;
	}
	if (k->show_cgroup)
		out.show_cgroup = true;
	out_block_init(&ctx->block, stdout, NULL, k->cols, k->ncols, k->shown, &out);
	hist_out_init(&ctx->ho, stdout, &out, unit, h->fine);
	return 0;
}

int hist_keys_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		  const struct hist_opts *h, const struct hist_keys *k)
{
	struct hist_keys_ctx ctx = { .keys = k, .key_size = k->key_size ? k->key_size : 8 };
	struct interval_cfg cfg = {
		.interval_s = h->interval_s,
		.count = h->count,
		.report = report,
		.ctx = &ctx,
		.block = &ctx.block,
		.dbuf = &ctx.dbuf,
		.hist = true,
		.attach = k->attach,
		.detach = k->detach,
		.hook_ctx = k->ctx,
		.prom = &h->prom,
	};
	int err = setup(&ctx, *s->obj, &cfg, o, h);

	if (!err)
		err = interval_run(s, o, &cfg);
	free(ctx.rows);
	return err;
}

enum { C_TIME, C_INTERVAL, C_PID, C_TID, C_COMM, C_CGROUP, C_HIST };

/* The key columns; then the histogram's, whose JSON keys name the unit
 * (-m): a table per unit. */
#define TASK_KEY_COLS                                                                              \
	[C_PID] = { "PID", "pid", 7, OUT_HIDDEN | OUT_LABEL },                                     \
	[C_TID] = { "TID", "tid", 7, OUT_HIDDEN | OUT_LABEL },                                     \
	[C_COMM] = { "COMM", "comm", 16, OUT_HIDDEN | OUT_LABEL },                                 \
	[C_CGROUP] = { "CGROUP", "cgroup_id", 24, OUT_WITH_CGROUP | OUT_HIDDEN | OUT_LABEL }

static const struct out_col cols_us[] = {
	OUT_COLS_BLOCK_TIME,
	TASK_KEY_COLS,
	HIST_COLS(C_HIST, "us"),
};

static const struct out_col cols_ms[] = {
	OUT_COLS_BLOCK_TIME,
	TASK_KEY_COLS,
	HIST_COLS(C_HIST, "ms"),
};

static const struct out_col cols_bytes[] = {
	OUT_COLS_BLOCK_TIME,
	TASK_KEY_COLS,
	HIST_COLS(C_HIST, "bytes"),
};

struct hist_task_ctx {
	enum hist_by by;
	struct bpf_map *names;
};

/* The key columns of a process's or a thread's histogram, from the name the
 * kernel noted (gone when newer keys pushed it out of the LRU map). */
static void write_task(const struct hist_task_ctx *ctx, struct out *o, uint64_t key)
{
	bool thread = ctx->by == HIST_BY_THREAD;
	struct hist_task_name n;
	bool known = !bpf_map__lookup_elem(ctx->names, &key, sizeof(key), &n, sizeof(n), 0);

	if (!thread)
		out_uint(o, C_PID, key);
	else if (known)
		out_uint(o, C_PID, n.pid);
	else
		out_null(o, C_PID, "?");
	if (thread)
		out_uint(o, C_TID, key);
	if (known)
		out_str(o, C_COMM, n.comm, sizeof(n.comm));
	else
		out_null(o, C_COMM, "?");
	if (known)
		out_cgroup(o, C_CGROUP, n.cgroup_id);
	else
		out_null(o, C_CGROUP, "-");
}

static void write_task_key(void *vctx, struct out *o, const void *k)
{
	const struct hist_task_ctx *ctx = vctx;
	uint64_t key;

	memcpy(&key, k, sizeof(key));
	if (ctx->by == HIST_BY_CGROUP)
		out_cgroup(o, C_CGROUP, key);
	else
		write_task(ctx, o, key);
}

/* The text columns of a mode; with --by-cgroup the cgroup is the key, shown
 * whether or not -C is given. */
static uint64_t shown_cols(enum hist_by by)
{
	bool task = by == HIST_BY_PROCESS || by == HIST_BY_THREAD;

	return OUT_SHOW(C_PID, task) | OUT_SHOW(C_TID, by == HIST_BY_THREAD) |
	       OUT_SHOW(C_COMM, task) | OUT_SHOW(C_CGROUP, task || by == HIST_BY_CGROUP);
}

int hist_task_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		  const struct hist_task_opts *h)
{
	struct bpf_object *obj = *s->obj;
	struct hist_task_ctx ctx = { .by = h->by };
	struct hist_keys keys = {
		.cols = h->h.unit == &hist_bytes ? cols_bytes
			: h->h.ms		 ? cols_ms
						 : cols_us,
		.ncols = ARRAY_SIZE(cols_us),
		.hist_col = C_HIST,
		.shown = shown_cols(h->by),
		.show_cgroup = h->by == HIST_BY_CGROUP,
		.one = h->by == HIST_BY_ALL,
		.write_key = write_task_key,
		.ctx = &ctx,
	};
	__u8 by = h->by;

	ctx.names = bpf_object__find_map_by_name(obj, "hist_names");
	if (!ctx.names || sonde_rodata_set(obj, "hist_by", &by, sizeof(by))) {
		log_err("internal error: the BPF object has no task histograms");
		return -EIO;
	}
	return hist_keys_run(s, o, &h->h, &keys);
}
