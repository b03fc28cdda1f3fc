// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* runqlat: how long runnable tasks wait for a CPU, as histograms: one for
 * the system, or one per process, thread or cgroup; one report per
 * interval. */
#include "lib/sonde.h"
#include "lib/hist_task.h"
#include "lib/tidtime.h"
#include "common/runqlat.h"
#include "skel/runqlat.skel.h"

struct runqlat_opts {
	struct sonde_opts common;
	struct hist_task_opts hist;
	uint32_t tid;
};

static const struct argp_option options[] = {
	{ "tid", 't', "TID", 0, "Only this thread", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct runqlat_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->hist;
		return 0;
	case 't':
		return parse_pid("-t/--tid", arg, &o->tid) ? EINVAL : 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.args_doc = HIST_TASK_ARGS_DOC,
	.doc = "Show how long runnable tasks wait for a CPU (run-queue latency) as histograms.\v"
	       "EXAMPLES:\n"
	       "  runqlat                   # until Ctrl-C, then one histogram\n"
	       "  runqlat 1 10              # ten 1-second histograms\n"
	       "  runqlat -m 5              # in milliseconds, every 5 seconds\n"
	       "  runqlat -P -p 1234        # process 1234 only, its own histogram\n"
	       "  runqlat --by-cgroup 10 1  # a histogram per cgroup, over 10 seconds\n"
	       "  runqlat -c 3f2a9c1b7d4e   # only the tasks of this container\n"
	       "  runqlat -j 1 | jq -c '{time, count, p50_us, p99_us, max_us}'",
	.children = hist_task_argp_children,
};

static const struct sonde_cli cli = { &argp, NULL, 0 };

int main(int argc, char **argv)
{
	struct runqlat_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct runqlat_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = runqlat_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->runq_tid = opts.tid;

	err = tid_time_size(skel->maps.tid_times, &skel->rodata->tid_time_mask);
	if (!err)
		err = hist_task_run(skel->skeleton, &opts.common, &opts.hist);
	runqlat_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
