// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* cpudist: how long tasks run each time they get a CPU (or, with -O, how
 * long they stay off it), as histograms: one for the system, or one per
 * process, thread or cgroup; one report per interval. */
#include "lib/sonde.h"
#include "lib/hist_task.h"
#include "lib/tidtime.h"
#include "common/cpudist.h"
#include "skel/cpudist.skel.h"

struct cpudist_opts {
	struct sonde_opts common;
	struct hist_task_opts hist;
	bool offcpu;
};

static const struct argp_option options[] = {
	{ "offcpu", 'O', NULL, 0, "Measure the time off a CPU (asleep or waiting for one)", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('O', struct cpudist_opts, offcpu),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct cpudist_opts *o = state->input;

	(void)arg;
	if (key != ARGP_KEY_INIT)
		return ARGP_ERR_UNKNOWN;
	state->child_inputs[0] = &o->hist;
	return 0;
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.args_doc = HIST_TASK_ARGS_DOC,
	.doc = "Show how long tasks run each time they get a CPU (-O: how long they are off it) "
	       "as histograms.\v"
	       "EXAMPLES:\n"
	       "  cpudist                   # until Ctrl-C, then one histogram\n"
	       "  cpudist 1 10              # ten 1-second histograms\n"
	       "  cpudist -O -m 5           # off-CPU time in milliseconds, every 5 seconds\n"
	       "  cpudist -P -p 1234        # process 1234 only, its own histogram\n"
	       "  cpudist -L --fine 10 1    # a histogram per thread, in fine buckets\n"
	       "  cpudist --by-cgroup -c kubepods.slice  # a histogram per pod's cgroup\n"
	       "  cpudist -j -P 1 | jq -c '{pid, comm, count, sum_us, p99_us}'",
	.children = hist_task_argp_children,
};

static const struct sonde_cli cli = { &argp, stores, 0 };

int main(int argc, char **argv)
{
	struct cpudist_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct cpudist_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = cpudist_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->offcpu = opts.offcpu;

	err = tid_time_size(skel->maps.tid_times, &skel->rodata->tid_time_mask);
	if (!err)
		err = hist_task_run(skel->skeleton, &opts.common, &opts.hist);
	cpudist_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
