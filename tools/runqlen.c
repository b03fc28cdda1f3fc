// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* runqlen: how many tasks wait for each CPU, sampled -F times a second on
 * every CPU, as a histogram of run-queue lengths for the system or one per
 * CPU, or (-O) how often a CPU had a task waiting; one report per
 * interval. */
#include "lib/sonde.h"
#include "lib/array_size.h"
#include "lib/cpuclock.h"
#include "lib/hist.h"
#include "lib/hist_task.h"
#include "common/runqlen.h"
#include "skel/runqlen.skel.h"

struct runqlen_opts {
	struct sonde_opts common;
	struct hist_opts hist;
	uint32_t hz;
	bool per_cpu, occupancy;
};

enum { OPT_PER_CPU = 0x300 };

static const struct argp_option options[] = {
	{ "frequency", 'F', "HZ", 0, "Samples a second on each CPU (default 99)", 0 },
	{ "per-cpu", OPT_PER_CPU, NULL, 0, "A histogram per CPU", 0 },
	{ "occupancy", 'O', NULL, 0, "How often a task waited (the share of samples), not lengths",
	  0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE_RANGE('F', "-F/--frequency", struct runqlen_opts, hz, 1, RUNQLEN_HZ_MAX),
	SONDE_STORE(OPT_PER_CPU, struct runqlen_opts, per_cpu),
	SONDE_STORE('O', struct runqlen_opts, occupancy),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct runqlen_opts *o = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->hist;
		return 0;
	case ARGP_KEY_END:
		/* Lengths are small numbers: the buckets counted (one per
		 * length up to 7) say more than their log2 sums (0 with 1). */
		o->hist.fine = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.args_doc = HIST_TASK_ARGS_DOC,
	.doc = "Show how many tasks wait for a CPU (run-queue length), sampled on each CPU, as "
	       "histograms.\v"
	       "EXAMPLES:\n"
	       "  runqlen                   # until Ctrl-C, then one histogram\n"
	       "  runqlen --per-cpu 1 10    # a histogram per CPU, ten 1-second reports\n"
	       "  runqlen -O --per-cpu 5    # how often each CPU had a task waiting\n"
	       "  runqlen -F 999 -d 5       # 999 samples a second for 5 seconds\n"
	       "  runqlen -j --per-cpu -d 5 | jq -c '{cpu, count, avg_tasks, max_tasks}'",
	.children = hist_argp_children,
};

static const struct sonde_cli cli = { &argp, stores, 0 };

enum { C_TIME, C_INTERVAL, C_CPU, C_HIST, C_SAMPLES = C_HIST, C_QUEUED, C_OCCUPANCY };

static const struct out_col cols_hist[] = {
	OUT_COLS_BLOCK_TIME,
	[C_CPU] = { "CPU", "cpu", 5, OUT_HIDDEN | OUT_LABEL },
	HIST_COLS(C_HIST, "tasks"),
};

static const struct out_col cols_occupancy[] = {
	OUT_COLS_BLOCK_TIME,
	[C_CPU] = { "CPU", "cpu", 5, OUT_HIDDEN | OUT_LABEL },
	[C_SAMPLES] = { "SAMPLES", "samples", 10, OUT_RIGHT | OUT_COUNTER },
	[C_QUEUED] = { "QUEUED", "queued_samples", 10, OUT_RIGHT | OUT_COUNTER },
	[C_OCCUPANCY] = { "OCCUPANCY", "occupancy_pct", 10, OUT_RIGHT },
};

struct runqlen_ctx {
	const struct runqlen_opts *opts;
	struct runqlen_bpf *skel;
	struct cpu_clocks clocks;
};

static void write_cpu(void *ctx, struct out *o, const void *key)
{
	uint32_t cpu;

	(void)ctx;
	memcpy(&cpu, key, sizeof(cpu));
	out_uint(o, C_CPU, cpu);
}

/* -O: the samples, those that found a task waiting (any bucket but
 * length 0's), and their share in per cent. */
static void write_occupancy(void *ctx, struct out *o, const struct hist *h)
{
	uint64_t queued = h->count - h->slots[0];

	(void)ctx;
	out_uint(o, C_SAMPLES, h->count);
	out_uint(o, C_QUEUED, queued);
	out_double(o, C_OCCUPANCY, h->count ? 100.0 * (double)queued / (double)h->count : 0, 2);
}

static int attach(void *vctx)
{
	struct runqlen_ctx *ctx = vctx;

	return cpu_clocks_attach(&ctx->clocks, ctx->skel->progs.handle_sample, ctx->opts->hz,
				 CPU_CLOCKS_ALL);
}

static void detach(void *vctx)
{
	struct runqlen_ctx *ctx = vctx;

	cpu_clocks_detach(&ctx->clocks);
}

static int run(struct runqlen_ctx *ctx)
{
	const struct runqlen_opts *opts = ctx->opts;
	struct hist_keys keys = {
		.cols = opts->occupancy ? cols_occupancy : cols_hist,
		.ncols = opts->occupancy ? ARRAY_SIZE(cols_occupancy) : ARRAY_SIZE(cols_hist),
		.hist_col = C_HIST,
		.shown = OUT_SHOW(C_CPU, opts->per_cpu),
		.one = !opts->per_cpu,
		.key_size = sizeof(uint32_t),
		.order = HIST_ORDER_KEY,
		.write_key = write_cpu,
		.write_values = opts->occupancy ? write_occupancy : NULL,
		.ctx = ctx,
		.attach = attach,
		.detach = detach,
	};

	ctx->skel->rodata->per_cpu = opts->per_cpu;
	/* The clocks are opened per CPU here, not by the skeleton. */
	bpf_program__set_autoattach(ctx->skel->progs.handle_sample, false);
	return hist_keys_run(ctx->skel->skeleton, &opts->common, &opts->hist, &keys);
}

int main(int argc, char **argv)
{
	struct runqlen_opts opts = { .common = SONDE_OPTS_DEFAULTS,
				     .hist.unit = &hist_tasks,
				     .hz = RUNQLEN_HZ_DEFAULT };
	struct runqlen_ctx ctx = { .opts = &opts };
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	ctx.skel = runqlen_bpf__open_opts(&opts.common.open);
	if (!ctx.skel)
		return sonde_open_failed();
	err = run(&ctx);
	detach(&ctx);
	runqlen_bpf__destroy(ctx.skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
