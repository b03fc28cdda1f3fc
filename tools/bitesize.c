// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* bitesize: the sizes of block I/O requests, as histograms in bytes per
 * process that submitted them (or per thread, or cgroup); one report per
 * interval. */
#include <errno.h>
#include "lib/sonde.h"
#include "lib/bio.h"
#include "lib/hist_task.h"
#include "lib/log.h"
#include "common/bitesize.h"
#include "skel/bitesize.skel.h"

struct bitesize_opts {
	struct sonde_opts common;
	struct hist_task_opts hist;
	struct bio_disk disk;
	bool system;
};

enum { OPT_SYSTEM = 0x300 };

static const struct argp_option options[] = {
	BIO_DISK_OPTION,
	{ "system", OPT_SYSTEM, NULL, 0, "One histogram for the system, not one per process", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE(BIO_OPT_DISK, struct bitesize_opts, disk.name),
	SONDE_STORE(OPT_SYSTEM, struct bitesize_opts, system),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct bitesize_opts *o = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->hist;
		return 0;
	case ARGP_KEY_END:
		if (o->system && (o->hist.by_process || o->hist.by_thread || o->hist.by_cgroup)) {
			log_err("--system and -P/--pids, -L/--tids or --by-cgroup exclude each "
				"other: give one or none");
			return EINVAL;
		}
		return bio_disk_resolve(&o->disk);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.args_doc = HIST_TASK_ARGS_DOC,
	.doc = "Show the sizes of block I/O requests as histograms, per process that submitted "
	       "them.\v"
	       "EXAMPLES:\n"
	       "  bitesize                    # until Ctrl-C, a histogram per process\n"
	       "  bitesize 1 10               # ten 1-second reports\n"
	       "  bitesize --disk sda -p 1234 # process 1234's requests to sda\n"
	       "  bitesize --by-cgroup 10 1   # a histogram per cgroup, over 10 seconds\n"
	       "  bitesize --system --fine    # one for the system, the buckets counted\n"
	       "  bitesize -j 5 | jq -c '{comm, count, p50_bytes, max_bytes}'",
	.children = hist_task_argp_children,
};

static const struct sonde_cli cli = { &argp, stores, 0 };

int main(int argc, char **argv)
{
	struct bitesize_opts opts = { .common = SONDE_OPTS_DEFAULTS, .hist.h.unit = &hist_bytes };
	struct bitesize_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);
	if (opts.hist.by == HIST_BY_ALL && !opts.system)
		opts.hist.by = HIST_BY_PROCESS;

	skel = bitesize_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->bio_disk_dev = opts.disk.dev;

	err = hist_task_run(skel->skeleton, &opts.common, &opts.hist);
	bitesize_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
