// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* biolatency: how long block I/O requests take, from their issue to the
 * driver (or, with -Q, their insertion into the queue) to their completion,
 * as histograms: one for the system, or one per disk, per kind of request
 * or per cgroup; one report per interval. */
#include <errno.h>
#include <string.h>
#include "lib/sonde.h"
#include "lib/array_size.h"
#include "lib/bio.h"
#include "lib/hist.h"
#include "lib/hist_task.h"
#include "lib/log.h"
#include "common/biolatency.h"
#include "skel/biolatency.skel.h"

struct biolatency_opts {
	struct sonde_opts common;
	struct hist_opts hist;
	bool per_disk, per_flags, by_cgroup, queued;
	struct bio_disk disk;
};

enum { OPT_BY_CGROUP = 0x300 };

static const struct argp_option options[] = {
	{ "disks", 'D', NULL, 0, "A histogram per disk", 0 },
	{ "flags", 'F', NULL, 0, "A histogram per kind of request (operation and flags)", 0 },
	{ "by-cgroup", OPT_BY_CGROUP, NULL, 0,
	  "A histogram per cgroup v2 (of the task that submitted the request)", 0 },
	{ "queued", 'Q', NULL, 0, "Include the time queued in the kernel before the issue", 0 },
	BIO_DISK_OPTION,
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('D', struct biolatency_opts, per_disk),
	SONDE_STORE('F', struct biolatency_opts, per_flags),
	SONDE_STORE(OPT_BY_CGROUP, struct biolatency_opts, by_cgroup),
	SONDE_STORE('Q', struct biolatency_opts, queued),
	SONDE_STORE(BIO_OPT_DISK, struct biolatency_opts, disk.name),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct biolatency_opts *o = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->hist;
		return 0;
	case ARGP_KEY_END:
		if (o->per_disk + o->per_flags + o->by_cgroup > 1) {
			log_err("-D/--disks, -F/--flags and --by-cgroup exclude each other: give "
				"one or none");
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
	.doc = "Show how long block I/O requests take (issue to completion) as histograms.\v"
	       "EXAMPLES:\n"
	       "  biolatency                  # until Ctrl-C, then one histogram\n"
	       "  biolatency 1 10             # ten 1-second histograms\n"
	       "  biolatency -D -m 5          # per disk, in milliseconds, every 5 seconds\n"
	       "  biolatency -Q --disk sda    # sda only, time queued included\n"
	       "  biolatency -F 10 1          # per kind of request, over 10 seconds\n"
	       "  biolatency --by-cgroup 10 1 # per cgroup of the task that submitted it\n"
	       "  biolatency -j -D 1 | jq -c '{time, disk, count, p50_us, p99_us}'",
	.children = hist_argp_children,
};

static const struct sonde_cli cli = { &argp, stores, 0 };

enum { C_TIME, C_INTERVAL, C_DISK, C_FLAGS, C_CGROUP, C_HIST };

#define BIO_KEY_COLS                                                                               \
	[C_DISK] = { "DISK", "disk", 12, OUT_HIDDEN | OUT_LABEL },                                 \
	[C_FLAGS] = { "FLAGS", "flags", 6, OUT_HIDDEN | OUT_LABEL },                               \
	[C_CGROUP] = { "CGROUP", "cgroup_id", 24, OUT_WITH_CGROUP | OUT_HIDDEN | OUT_LABEL }

static const struct out_col cols_us[] = {
	OUT_COLS_BLOCK_TIME,
	BIO_KEY_COLS,
	HIST_COLS(C_HIST, "us"),
};

static const struct out_col cols_ms[] = {
	OUT_COLS_BLOCK_TIME,
	BIO_KEY_COLS,
	HIST_COLS(C_HIST, "ms"),
};

static void write_key(void *ctx, struct out *o, const void *k)
{
	enum bio_by by = *(const enum bio_by *)ctx;
	uint64_t key;

	memcpy(&key, k, sizeof(key));
	if (by == BIO_BY_DISK)
		bio_out_disk(o, C_DISK, key);
	else if (by == BIO_BY_FLAGS)
		bio_out_flags(o, C_FLAGS, key);
	else
		out_cgroup(o, C_CGROUP, key);
}

static int run(struct biolatency_bpf *skel, const struct biolatency_opts *opts)
{
	enum bio_by by = opts->per_disk	   ? BIO_BY_DISK
			 : opts->per_flags ? BIO_BY_FLAGS
			 : opts->by_cgroup ? BIO_BY_CGROUP
					   : BIO_BY_ALL;
	struct hist_keys keys = {
		.cols = opts->hist.ms ? cols_ms : cols_us,
		.ncols = ARRAY_SIZE(cols_us),
		.hist_col = C_HIST,
		.shown = OUT_SHOW(C_DISK, by == BIO_BY_DISK) |
			 OUT_SHOW(C_FLAGS, by == BIO_BY_FLAGS) |
			 OUT_SHOW(C_CGROUP, by == BIO_BY_CGROUP),
		.show_cgroup = by == BIO_BY_CGROUP,
		.one = by == BIO_BY_ALL,
		.write_key = write_key,
		.ctx = &by,
	};

	skel->rodata->bio_by = by;
	skel->rodata->queued = opts->queued;
	skel->rodata->bio_disk_dev = opts->disk.dev;
	return hist_keys_run(skel->skeleton, &opts->common, &opts->hist, &keys);
}

int main(int argc, char **argv)
{
	struct biolatency_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct biolatency_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = biolatency_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	err = run(skel, &opts);
	biolatency_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
