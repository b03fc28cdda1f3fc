// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* biosnoop: every block I/O request, at its completion: the task that
 * submitted it, its disk, kind, sector and size, and how long it was
 * queued and in service. */
#include <errno.h>
#include "lib/sonde.h"
#include "lib/bio.h"
#include "common/biosnoop.h"
#include "skel/biosnoop.skel.h"

struct biosnoop_opts {
	struct sonde_opts common;
	const char *disk;
	uint32_t disk_dev;
	uint32_t min_us;
	bool queued;
};

enum { OPT_DISK = 0x300, OPT_MIN_US };

static const struct argp_option options[] = {
	{ "queued", 'Q', NULL, 0, "Show the time queued in the kernel before the issue", 0 },
	{ "disk", OPT_DISK, "DISK", 0, "Only this disk (as in /sys/block: sda, nvme0n1, loop0)",
	  0 },
	{ "min-us", OPT_MIN_US, "US", 0,
	  "Only requests that took at least US microseconds (in service; with -Q, queued too)", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('Q', struct biosnoop_opts, queued),
	SONDE_STORE(OPT_DISK, struct biosnoop_opts, disk),
	SONDE_STORE_RANGE(OPT_MIN_US, "--min-us", struct biosnoop_opts, min_us, 0, UINT32_MAX),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct biosnoop_opts *o = state->input;

	(void)arg;
	if (key != ARGP_KEY_END)
		return ARGP_ERR_UNKNOWN;
	return o->disk && bio_disk_parse(o->disk, &o->disk_dev) ? EINVAL : 0;
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.doc = "Trace block I/O requests: who submitted each, its disk, kind, sector and size, "
	       "and how long it took.\v"
	       "EXAMPLES:\n"
	       "  biosnoop                    # every request, until Ctrl-C\n"
	       "  biosnoop -Q                 # with the time queued before the issue\n"
	       "  biosnoop --disk sda         # sda's requests only\n"
	       "  biosnoop --min-us 10000     # those that took 10 ms or more\n"
	       "  biosnoop -p 1234            # those that process 1234 submitted\n"
	       "  biosnoop -j | jq -c '{comm, disk, flags, bytes, lat_us}'",
};

static const struct sonde_cli cli = { &argp, stores, SONDE_OPT_TIME };

enum { C_DISK = STREAM_COL_NEXT, C_FLAGS, C_SECTOR, C_BYTES, C_QUEUE, C_LAT, C_STATUS, C_CGROUP };

static const struct out_col cols[] = {
	[STREAM_COL_TIME] = OUT_COL_TIME,
	[STREAM_COL_PID] = { "PID", "pid", 7, 0 },
	[STREAM_COL_TID] = { NULL, "tid", 0, 0 },
	[STREAM_COL_COMM] = { "COMM", "comm", 16, 0 },
	[C_DISK] = { "DISK", "disk", 8, 0 },
	[C_FLAGS] = { "FLAGS", "flags", 5, 0 },
	[C_SECTOR] = { "SECTOR", "sector", 12, OUT_RIGHT },
	[C_BYTES] = { "BYTES", "bytes", 8, OUT_RIGHT },
	[C_QUEUE] = { "QUEUE(us)", "queue_us", 10, OUT_RIGHT | OUT_HIDDEN },
	[C_LAT] = { "LAT(us)", "lat_us", 10, OUT_RIGHT },
	[C_STATUS] = { NULL, "status", 0, 0 },
	[C_CGROUP] = OUT_COL_CGROUP,
};

static int handle_event(void *vctx, void *data, size_t size)
{
	const struct biosnoop_event *e = data;
	struct out *o = vctx;

	if (size < sizeof(*e))
		return 0;
	stream_row_begin(o, &e->h);
	bio_out_disk(o, C_DISK, e->dev);
	bio_out_flags(o, C_FLAGS, e->flags);
	out_uint(o, C_SECTOR, e->sector);
	out_uint(o, C_BYTES, e->bytes);
	out_double(o, C_QUEUE, e->queue_ns / 1e3, 1);
	out_double(o, C_LAT, e->service_ns / 1e3, 1);
	out_int(o, C_STATUS, e->error);
	out_cgroup(o, C_CGROUP, e->h.cgroup_id);
	out_row_end(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct biosnoop_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct out out;
	struct sonde_stream stream = {
		.cols = cols,
		.ncols = ARRAY_SIZE(cols),
		.on_event = handle_event,
		.ctx = &out,
		.out = &out,
	};
	struct biosnoop_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = biosnoop_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->bio_disk_dev = opts.disk_dev;
	skel->rodata->min_ns = opts.min_us * 1000ull;
	skel->rodata->queued = opts.queued;
	stream.show = OUT_SHOW(C_QUEUE, opts.queued);

	err = sonde_stream_run(skel->skeleton, &opts.common, &stream);
	biosnoop_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
