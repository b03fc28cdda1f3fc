// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* runqslower: every run-queue wait longer than a threshold, with the task
 * that waited and the one that had the CPU. */
#include <errno.h>
#include "lib/sonde.h"
#include "lib/tidtime.h"
#include "common/runqslower.h"
#include "skel/runqslower.skel.h"

struct runqslower_opts {
	struct sonde_opts common;
	uint32_t min_us, tid;
	bool previous;
};

struct runqslower_ctx {
	struct out out;
};

enum { C_LAT = STREAM_COL_NEXT, C_PREV_PID, C_PREV_TID, C_PREV_COMM, C_CGROUP };

static const struct out_col cols[] = {
	[STREAM_COL_TIME] = OUT_COL_TIME,
	[STREAM_COL_PID] = { "PID", "pid", 7, 0 },
	[STREAM_COL_TID] = { "TID", "tid", 7, 0 },
	[STREAM_COL_COMM] = { "COMM", "comm", 16, 0 },
	[C_LAT] = { "LAT(us)", "lat_us", 10, OUT_RIGHT },
	[C_PREV_PID] = { NULL, "prev_pid", 0, 0 },
	[C_PREV_TID] = { "PREV_TID", "prev_tid", 8, OUT_HIDDEN },
	[C_PREV_COMM] = { "PREV_COMM", "prev_comm", 16, OUT_HIDDEN },
	[C_CGROUP] = OUT_COL_CGROUP,
};

/* -t is the thread, as runqslower's users type it (elsewhere in sonde it
 * is the time since start): only -T of sonde's time options is offered. */
static const struct argp_option options[] = {
	{ "tid", 't', "TID", 0, "Only this thread", 0 },
	{ "previous", 'P', NULL, 0, "Show the task that had the CPU (its TID and name)", 0 },
	{ "timestamp", 'T', NULL, 0, "Show the wall-clock time (HH:MM:SS)", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('P', struct runqslower_opts, previous),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct runqslower_opts *o = state->input;
	uint64_t v;

	switch (key) {
	case 't':
		return parse_pid("-t/--tid", arg, &o->tid) ? EINVAL : 0;
	case 'T':
		o->common.out.time = OUT_TIME_CLOCK;
		return 0;
	case ARGP_KEY_ARG:
		if (state->arg_num) {
			log_err("unexpected argument '%s': expected [min_us]", arg);
			return EINVAL;
		}
		if (parse_uint("min_us", arg, 0, UINT32_MAX, &v))
			return EINVAL;
		o->min_us = v;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.args_doc = "[min_us]",
	.doc = "Trace run-queue waits longer than min_us microseconds (default 10000): the task "
	       "that waited for a CPU, how long, and the task that had it.\v"
	       "EXAMPLES:\n"
	       "  runqslower                # waits over 10 ms, until Ctrl-C\n"
	       "  runqslower 1000           # waits over 1 ms\n"
	       "  runqslower -P -p 1234     # process 1234's, with the task that had the CPU\n"
	       "  runqslower -t 1235 0      # every wait of thread 1235\n"
	       "  runqslower -C -c system.slice  # with each task's cgroup, in system.slice\n"
	       "  runqslower -j | jq -c '{comm, lat_us, prev_comm}'",
};

static const struct sonde_cli cli = { &argp, stores, 0 };

static int handle_event(void *vctx, void *data, size_t size)
{
	struct runqslower_ctx *ctx = vctx;
	const struct runqslower_event *e = data;
	struct out *o = &ctx->out;

	if (size < sizeof(*e))
		return 0;
	stream_row_begin(o, &e->h);
	out_uint(o, C_LAT, e->wait_ns / 1000);
	out_uint(o, C_PREV_PID, e->prev_pid);
	out_uint(o, C_PREV_TID, e->prev_tid);
	out_str(o, C_PREV_COMM, e->prev_comm, sizeof(e->prev_comm));
	out_cgroup(o, C_CGROUP, e->h.cgroup_id);
	out_row_end(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct runqslower_opts opts = { .common = SONDE_OPTS_DEFAULTS,
					.min_us = RUNQSLOWER_MIN_US_DEFAULT };
	struct runqslower_ctx ctx = { 0 };
	struct sonde_stream stream = { .cols = cols,
				       .ncols = ARRAY_SIZE(cols),
				       .on_event = handle_event,
				       .ctx = &ctx,
				       .out = &ctx.out };
	struct runqslower_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = runqslower_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->min_ns = opts.min_us * 1000ull;
	skel->rodata->runq_tid = opts.tid;
	stream.show = OUT_SHOW(C_PREV_TID, opts.previous) | OUT_SHOW(C_PREV_COMM, opts.previous);

	err = tid_time_size(skel->maps.tid_times, &skel->rodata->tid_time_mask);
	if (!err)
		err = sonde_stream_run(skel->skeleton, &opts.common, &stream);
	runqslower_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
