// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* biolatency: how long block I/O requests take, from their issue to the
 * driver (or, with -Q, their insertion into the queue) to their completion,
 * as histograms: one for the system, or one per disk, per kind of request
 * or per cgroup; one report per interval. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lib/sonde.h"
#include "lib/array_size.h"
#include "lib/hist.h"
#include "lib/hist_task.h"
#include "lib/log.h"
#include "common/biolatency.h"
#include "skel/biolatency.skel.h"

struct biolatency_opts {
	struct sonde_opts common;
	struct hist_opts hist;
	bool per_disk, per_flags, by_cgroup, queued;
	const char *disk;
	uint32_t disk_dev;
};

enum { OPT_BY_CGROUP = 0x300, OPT_DISK };

static const struct argp_option options[] = {
	{ "disks", 'D', NULL, 0, "A histogram per disk", 0 },
	{ "flags", 'F', NULL, 0, "A histogram per kind of request (operation and flags)", 0 },
	{ "by-cgroup", OPT_BY_CGROUP, NULL, 0,
	  "A histogram per cgroup v2 (of the task that started the request)", 0 },
	{ "queued", 'Q', NULL, 0, "Include the time queued in the kernel before the issue", 0 },
	{ "disk", OPT_DISK, "DISK", 0, "Only this disk (as in /sys/block: sda, nvme0n1, loop0)",
	  0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('D', struct biolatency_opts, per_disk),
	SONDE_STORE('F', struct biolatency_opts, per_flags),
	SONDE_STORE(OPT_BY_CGROUP, struct biolatency_opts, by_cgroup),
	SONDE_STORE('Q', struct biolatency_opts, queued),
	SONDE_STORE(OPT_DISK, struct biolatency_opts, disk),
	{ 0 },
};

/* DISK's dev_t, from /sys/block/DISK/dev ("MAJOR:MINOR"). */
static int disk_lookup(const char *disk, uint32_t *dev)
{
	const char *name = strncmp(disk, "/dev/", 5) ? disk : disk + 5;
	char path[PATH_MAX];
	unsigned major, minor;
	FILE *f;
	int n = 0;

	if (!*name || strchr(name, '/') ||
	    snprintf(path, sizeof(path), "/sys/block/%s/dev", name) >= (int)sizeof(path))
		return -ENOENT;
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	n = fscanf(f, "%u:%u", &major, &minor);
	fclose(f);
	if (n != 2)
		return -ENOENT;
	*dev = BIO_DEV(major, minor);
	return 0;
}

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
		if (o->disk && disk_lookup(o->disk, &o->disk_dev)) {
			log_err("--disk: no disk '%s' in /sys/block", o->disk);
			return EINVAL;
		}
		return 0;
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
	       "  biolatency --by-cgroup 10 1 # per cgroup of the task that started it\n"
	       "  biolatency -j -D 1 | jq -c '{time, disk, count, p50_us, p99_us}'",
	.children = hist_argp_children,
};

static const struct sonde_cli cli = { &argp, stores, 0 };

enum { C_TIME, C_INTERVAL, C_DISK, C_FLAGS, C_CGROUP, C_HIST };

#define BIO_KEY_COLS                                                                               \
	[C_DISK] = { "DISK", "disk", 12, OUT_HIDDEN },                                             \
	[C_FLAGS] = { "FLAGS", "flags", 6, OUT_HIDDEN },                                           \
	[C_CGROUP] = { "CGROUP", "cgroup_id", 24, OUT_WITH_CGROUP | OUT_HIDDEN }

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

/* A disk's name, from the link /sys/dev/block/MAJOR:MINOR to its device. */
static void write_disk(struct out *o, uint32_t dev)
{
	char path[64], link[PATH_MAX];
	const char *name;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", dev >> BIO_MINOR_BITS,
		 dev & ((1u << BIO_MINOR_BITS) - 1));
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0) {
		out_null(o, C_DISK, "?");
		return;
	}
	link[n] = '\0';
	name = strrchr(link, '/');
	name = name ? name + 1 : link;
	out_str(o, C_DISK, name, strlen(name));
}

/* A kind of request as the kernel's block tracepoints write it (rwbs): F
 * for a flush before, the operation (R, W, D discard, E secure erase, F
 * flush, N another), then F for FUA, A read-ahead, S sync, M metadata. */
static void write_flags(struct out *o, uint32_t f)
{
	static const char ops[] = { [BIO_OP_READ] = 'R',
				    [BIO_OP_WRITE] = 'W',
				    [BIO_OP_FLUSH] = 'F',
				    [BIO_OP_DISCARD] = 'D',
				    [4] = 'N',
				    [BIO_OP_SECURE_ERASE] = 'E' };
	uint32_t op = f & BIO_OP_MASK;
	char s[8];
	int n = 0;

	if (f & BIO_F_PREFLUSH)
		s[n++] = 'F';
	s[n++] = op < sizeof(ops) ? ops[op] : 'N';
	if (f & BIO_F_FUA)
		s[n++] = 'F';
	if (f & BIO_F_RAHEAD)
		s[n++] = 'A';
	if (f & BIO_F_SYNC)
		s[n++] = 'S';
	if (f & BIO_F_META)
		s[n++] = 'M';
	out_str(o, C_FLAGS, s, n);
}

static void write_key(void *ctx, struct out *o, uint64_t key)
{
	enum bio_by by = *(const enum bio_by *)ctx;

	if (by == BIO_BY_DISK)
		write_disk(o, key);
	else if (by == BIO_BY_FLAGS)
		write_flags(o, key);
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
		.cols_us = cols_us,
		.cols_ms = cols_ms,
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
	skel->rodata->disk_dev = opts->disk_dev;
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
