// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* statsnoop: trace the stat family of syscalls: which process looked up
 * which path, and whether it was there. */
#include "lib/sonde.h"
#include "lib/pathcall.h"
#include "common/statsnoop.h"
#include "skel/statsnoop.skel.h"

static const struct out_col cols[PATHCALL_NCOLS] = {
	PATHCALL_COLS_COMMON,
	[PATHCALL_RET] = { "RET", "ret", 7, OUT_RIGHT },
};

static const struct argp_option options[] = {
	PATHCALL_OPTIONS("stats"),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	return pathcall_parse_opt(key, arg, state->input);
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.doc = "Trace stat(), lstat(), newfstatat(), statx() and statfs(): which process looked up "
	       "which path. Requests submitted through io_uring are not seen.\v"
	       "EXAMPLES:\n"
	       "  statsnoop                 # every stat, until Ctrl-C\n"
	       "  statsnoop -x -t           # only failed stats, with seconds since start\n"
	       "  statsnoop -p 1216 -U      # stats by PID 1216, with the UID\n"
	       "  statsnoop -c 3f2a9c1b7d4e -F # a container's stats, absolute paths\n"
	       "  statsnoop -x -j | jq -r 'select(.ret == -2) | .path' | sort | uniq -c",
};

static const struct sonde_cli cli = { &argp, NULL, SONDE_OPT_TIME | SONDE_OPT_UID };

int main(int argc, char **argv)
{
	struct pathcall_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct statsnoop_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = statsnoop_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();

	err = pathcall_run(skel->skeleton, &opts, cols);
	statsnoop_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
