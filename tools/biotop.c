// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* biotop: the processes (or cgroups) that do the most block I/O, per disk,
 * with their reads, writes, bytes and the average time a request took;
 * one table per interval. */
#include "lib/sonde.h"
#include "lib/array_size.h"
#include "lib/bio.h"
#include "lib/top.h"
#include "common/biotop.h"
#include "skel/biotop.skel.h"

struct biotop_opts {
	struct sonde_opts common;
	struct top_opts top;
	struct bio_disk disk;
	bool by_cgroup;
};

enum { OPT_BY_CGROUP = 0x300 };

static const struct argp_option options[] = {
	{ "by-cgroup", OPT_BY_CGROUP, NULL, 0,
	  "A row per cgroup v2 (of the task that submitted the requests) and disk", 0 },
	BIO_DISK_OPTION,
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE(OPT_BY_CGROUP, struct biotop_opts, by_cgroup),
	SONDE_STORE(BIO_OPT_DISK, struct biotop_opts, disk.name),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct biotop_opts *o = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->top;
		return 0;
	case ARGP_KEY_END:
		return bio_disk_resolve(&o->disk);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.args_doc = TOP_ARGS_DOC,
	.doc = "Show the processes doing the most block I/O, per disk, each interval.\v"
	       "EXAMPLES:\n"
	       "  biotop                    # every second, the top 20, until Ctrl-C\n"
	       "  biotop --noclear 5 3      # three 5-second tables, one after the other\n"
	       "  biotop -s reads -r 5      # the 5 that read most often\n"
	       "  biotop --by-cgroup        # by cgroup instead of by process\n"
	       "  biotop --disk sda -C      # sda only, with each process's cgroup\n"
	       "  biotop -j 1 | jq -c '.processes[] | {pid, comm, disk, write_bytes}'",
	.children = top_argp_children,
};

static const struct sonde_cli cli = { &argp, stores, 0 };

enum { C_PID, C_COMM, C_CGROUP, C_DISK, C_TOP, C_AVG = C_TOP + TOP_NCOLS, C_AVG_US };

static const struct out_col cols[] = {
	[C_PID] = { "PID", "pid", 7, OUT_HIDDEN | OUT_LABEL },
	[C_COMM] = { "COMM", "comm", 16, OUT_HIDDEN | OUT_LABEL },
	[C_CGROUP] = { "CGROUP", "cgroup_id", 24, OUT_WITH_CGROUP | OUT_LABEL },
	[C_DISK] = { "DISK", "disk", 10, OUT_LABEL },
	TOP_COLS(C_TOP),
	[C_AVG] = { "AVG(ms)", NULL, 8, OUT_RIGHT },
	[C_AVG_US] = { NULL, "avg_us", 0, 0 },
};

static void write_row(void *ctx, struct out *o, const void *vkey, const struct top_val *v)
{
	const struct biotop_key *k = vkey;
	uint64_t n = v->reads + v->writes;
	double avg_us = n ? v->ns / 1000.0 / n : 0;

	if (!*(const bool *)ctx) {
		out_uint(o, C_PID, k->pid);
		out_str(o, C_COMM, k->comm, sizeof(k->comm));
	}
	out_cgroup(o, C_CGROUP, k->cgroup_id);
	bio_out_disk(o, C_DISK, k->dev);
	out_top(o, C_TOP, v);
	out_double(o, C_AVG, avg_us / 1000, 2);
	out_double(o, C_AVG_US, avg_us, 1);
}

int main(int argc, char **argv)
{
	struct biotop_opts opts = { .common = SONDE_OPTS_DEFAULTS, .top = TOP_OPTS_DEFAULTS };
	struct top top = { .write_row = write_row };
	struct out_cfg out;
	struct biotop_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = biotop_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->by_cgroup = opts.by_cgroup;
	skel->rodata->bio_disk_dev = opts.disk.dev;
	/* By cgroup, the cgroup is the row's name: shown in text, -C or not. */
	out = opts.common.out;
	out.show_cgroup |= opts.by_cgroup;
	top.ctx = &opts.by_cgroup;
	top_init(&top, &opts.top, sizeof(struct biotop_key),
		 opts.by_cgroup ? "cgroups" : "processes", cols, ARRAY_SIZE(cols),
		 OUT_SHOW(C_PID, !opts.by_cgroup) | OUT_SHOW(C_COMM, !opts.by_cgroup), &out);
	err = top_run(&top, skel->skeleton, &opts.common);

	biotop_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
