// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include "lib/array_size.h"
#include "lib/hist.h"
#include "lib/hist_irq.h"
#include "lib/log.h"

enum { OPT_COUNT = 0x300 };

static const struct argp_option hist_irq_options[] = {
	{ "count", OPT_COUNT, NULL, 0, "Show the calls of each, not the time spent", 0 },
	{ "dist", 'D', NULL, 0, "A histogram of the run times of each", 0 },
	{ "nanoseconds", 'N', NULL, 0, "Times in nanoseconds (default: microseconds)", 0 },
	{ 0 },
};

/* After the options: the unit, and what goes with -D only. */
static int settle(struct hist_irq_opts *o)
{
	if (o->h.fine && !o->dist) {
		log_err("--fine shows the buckets of -D/--dist: give -D too");
		return -EINVAL;
	}
	if (o->ns && o->h.ms) {
		log_err("-N/--nanoseconds and -m/--milliseconds exclude each other: give one or "
			"none");
		return -EINVAL;
	}
	if (o->ns)
		o->h.unit = &hist_ns;
	return 0;
}

static error_t hist_irq_parse_opt(int key, char *arg, struct argp_state *state)
{
	struct hist_irq_opts *o = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->h;
		return 0;
	case OPT_COUNT:
		o->by_count = true;
		return 0;
	case 'D':
		o->dist = true;
		return 0;
	case 'N':
		o->ns = true;
		return 0;
	case ARGP_KEY_END:
		return settle(o) ? EINVAL : 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp hist_irq_argp = {
	.options = hist_irq_options,
	.parser = hist_irq_parse_opt,
	.children = hist_argp_children,
};

const struct argp_child hist_irq_argp_children[] = { { &hist_irq_argp, 0, NULL, 0 }, { 0 } };

error_t hist_irq_tool_parse(int key, char *arg, struct argp_state *state)
{
	struct hist_irq_tool_opts *o = state->input;

	(void)arg;
	if (key != ARGP_KEY_INIT)
		return ARGP_ERR_UNKNOWN;
	state->child_inputs[0] = &o->hist;
	return 0;
}

enum { C_TIME, C_INTERVAL, C_KEY, C_HIST, C_COUNT = C_HIST, C_TOTAL, C_MAX = C_HIST + HIST_NCOLS };

/* The columns after the key's: the total time and the calls, or (-D) a
 * histogram; the JSON keys name the unit: a table per unit. */
#define TOTAL_COLS(unit)                                                                           \
	[C_COUNT] = { "COUNT", "count", 10, OUT_RIGHT | OUT_HIDDEN | OUT_COUNTER }, [C_TOTAL] = {  \
		"TOTAL(" unit ")", "total_" unit, 14, OUT_RIGHT | OUT_HIDDEN                       \
	}

static const struct out_col total_us[] = { OUT_COLS_BLOCK_TIME, TOTAL_COLS("us") };
static const struct out_col total_ms[] = { OUT_COLS_BLOCK_TIME, TOTAL_COLS("ms") };
static const struct out_col total_ns[] = { OUT_COLS_BLOCK_TIME, TOTAL_COLS("ns") };
static const struct out_col dist_us[] = { OUT_COLS_BLOCK_TIME, HIST_COLS(C_HIST, "us") };
static const struct out_col dist_ms[] = { OUT_COLS_BLOCK_TIME, HIST_COLS(C_HIST, "ms") };
static const struct out_col dist_ns[] = { OUT_COLS_BLOCK_TIME, HIST_COLS(C_HIST, "ns") };

struct hist_irq_ctx {
	const struct hist_irq_key *key;
	const struct hist_unit *unit;
	struct out_col cols[C_MAX];
};

static void write_key(void *vctx, struct out *o, const void *key)
{
	const struct hist_irq_ctx *ctx = vctx;

	ctx->key->write(o, C_KEY, key);
}

static void write_total(void *vctx, struct out *o, const struct hist *h)
{
	const struct hist_irq_ctx *ctx = vctx;

	out_uint(o, C_COUNT, h->count);
	out_uint(o, C_TOTAL, h->sum / ctx->unit->ns);
}

int hist_irq_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		 const struct hist_irq_opts *h, const struct hist_irq_key *k)
{
	const struct hist_unit *unit = hist_unit_of(&h->h);
	const struct out_col *tmpl = h->dist   ? (h->ns	    ? dist_ns
						  : h->h.ms ? dist_ms
							    : dist_us)
				     : h->ns   ? total_ns
				     : h->h.ms ? total_ms
					       : total_us;
	size_t ncols = h->dist ? ARRAY_SIZE(dist_us) : ARRAY_SIZE(total_us);
	struct hist_irq_ctx ctx = { .key = k, .unit = unit };
	struct hist_keys keys = {
		.cols = ctx.cols,
		.ncols = ncols,
		.hist_col = C_HIST,
		.shown =
		    h->dist ? 0 : OUT_SHOW(C_COUNT, h->by_count) | OUT_SHOW(C_TOTAL, !h->by_count),
		.key_size = k->size,
		.order = h->by_count ? HIST_ORDER_COUNT : HIST_ORDER_SUM,
		.write_key = write_key,
		.write_values = h->dist ? NULL : write_total,
		.ctx = &ctx,
	};

	memcpy(ctx.cols, tmpl, ncols * sizeof(*tmpl));
	ctx.cols[C_KEY] = k->col;
	/* --prometheus: the key names each row's series. */
	ctx.cols[C_KEY].flags |= OUT_LABEL;
	return hist_keys_run(s, o, &h->h, &keys);
}
