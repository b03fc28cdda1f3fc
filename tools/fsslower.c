// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* fsslower: reads, writes, opens and syncs of files slower than a
 * threshold, with the file's path and file system, on any file system. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "lib/sonde.h"
#include "lib/file.h"
#include "lib/log.h"
#include "lib/names.h"
#include "lib/parse.h"
#include "lib/probe.h"
#include "common/fsslower.h"
#include "skel/fsslower.skel.h"

/* An hour: a threshold longer than any call anyone waits for. */
#define FSSLOWER_MIN_MS_MAX 3600000

struct fsslower_opts {
	struct sonde_opts common;
	uint32_t min_ms;
	const char *fstype;
};

static const struct argp_option options[] = {
	{ "fstype", 't', "FSTYPE", 0, "Only files on file systems of this type (ext4, xfs, tmpfs)",
	  0 },
	{ "min", 'm', "MS", 0, "The threshold, as the first argument gives it", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('t', struct fsslower_opts, fstype),
	SONDE_STORE_RANGE('m', "-m/--min", struct fsslower_opts, min_ms, 0, FSSLOWER_MIN_MS_MAX),
	{ 0 },
};

/* A file system type as the kernel names them: short, no '/' or blank. */
static bool fstype_valid(const char *t)
{
	size_t n = strlen(t);

	if (!n || n >= FILE_FSTYPE_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (t[i] <= ' ' || t[i] > '~' || t[i] == '/')
			return false;
	return true;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct fsslower_opts *o = state->input;
	uint64_t v;

	switch (key) {
	case ARGP_KEY_ARG:
		if (state->arg_num > 0) {
			log_err("unexpected argument '%s': expected [min_ms]", arg);
			return EINVAL;
		}
		if (parse_uint("min_ms", arg, 0, FSSLOWER_MIN_MS_MAX, &v))
			return EINVAL;
		o->min_ms = v;
		return 0;
	case ARGP_KEY_END:
		if (o->fstype && !fstype_valid(o->fstype)) {
			log_err("invalid value '%s' for -t/--fstype: expected a file system type "
				"(ext4), 1 to %d bytes",
				o->fstype, FILE_FSTYPE_LEN - 1);
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
	.args_doc = "[min_ms]",
	.doc = "Trace file reads, writes, opens and syncs slower than min_ms (default 10).\v"
	       "EXAMPLES:\n"
	       "  fsslower                  # calls slower than 10 ms, until Ctrl-C\n"
	       "  fsslower 1                # slower than 1 ms\n"
	       "  fsslower 0                # every call on a regular file\n"
	       "  fsslower -t ext4 -p 1234  # process 1234's calls on ext4\n"
	       "  fsslower -c 3f2a9c1b7d4e  # only inside this container\n"
	       "  fsslower -j | jq -c 'select(.op == \"S\") | {comm, path, lat_us}'",
};

static const struct sonde_cli cli = { &argp, stores, SONDE_OPT_TIME | SONDE_OPT_UID };

enum {
	C_OP = STREAM_COL_NEXT,
	C_CALL,
	C_BYTES,
	C_OFF_KB,
	C_OFF,
	C_LAT_MS,
	C_LAT_US,
	C_FS,
	C_CGROUP,
	C_PATH,
	C_TRUNC
};

static const struct out_col cols[] = {
	[STREAM_COL_TIME] = OUT_COL_TIME,
	[STREAM_COL_UID] = { "UID", "uid", 6, OUT_WITH_UID },
	[STREAM_COL_PID] = { "PID", "pid", 7, 0 },
	[STREAM_COL_TID] = { NULL, "tid", 0, 0 },
	[STREAM_COL_COMM] = { "COMM", "comm", 16, 0 },
	[C_OP] = { "OP", "op", 2, 0 },
	[C_CALL] = { NULL, "call", 0, 0 },
	[C_BYTES] = { "BYTES", "bytes", 9, OUT_RIGHT },
	[C_OFF_KB] = { "OFFSET_KB", NULL, 10, OUT_RIGHT },
	[C_OFF] = { NULL, "offset_bytes", 0, 0 },
	[C_LAT_MS] = { "LAT(ms)", NULL, 9, OUT_RIGHT },
	[C_LAT_US] = { NULL, "lat_us", 0, 0 },
	[C_FS] = { "FS", "fs", 8, 0 },
	[C_CGROUP] = OUT_COL_CGROUP,
	[C_PATH] = { "PATH", "path", 0, 0 },
	[C_TRUNC] = { NULL, "truncated", 0, 0 },
};

static void out_op(struct out *o, const struct fsslower_event *e)
{
	static const char *const ops[] = {
		[FSSLOWER_READ] = "R",
		[FSSLOWER_WRITE] = "W",
		[FSSLOWER_OPEN] = "O",
		[FSSLOWER_FSYNC] = "S",
	};
	const char *call = syscall_name(e->nr);

	out_name(o, C_OP, e->op < ARRAY_SIZE(ops) ? ops[e->op] : "?");
	out_name(o, C_CALL, call ? call : "unknown");
	/* An open's return is a descriptor, a sync's 0: no bytes. */
	if (e->op == FSSLOWER_READ || e->op == FSSLOWER_WRITE)
		out_int(o, C_BYTES, e->ret);
	else
		out_null(o, C_BYTES, "-");
	if (e->offset >= 0) {
		out_uint(o, C_OFF_KB, e->offset / 1024);
		out_uint(o, C_OFF, e->offset);
	} else {
		out_null(o, C_OFF_KB, "-");
		out_null(o, C_OFF, "-");
	}
}

static int handle_event(void *vctx, void *data, size_t size)
{
	struct out *o = vctx;
	const struct fsslower_event *e = data;

	if (size < offsetof(struct fsslower_event, path))
		return 0;
	stream_row_begin(o, &e->h);
	out_op(o, e);
	out_double(o, C_LAT_MS, e->lat_ns / 1e6, 2);
	out_double(o, C_LAT_US, e->lat_ns / 1e3, 1);
	out_str(o, C_FS, e->fstype, sizeof(e->fstype));
	out_cgroup(o, C_CGROUP, e->h.cgroup_id);
	file_out_path(o, C_PATH, C_TRUNC, e->path, size - offsetof(struct fsslower_event, path),
		      e->path_len, e->truncated);
	out_row_end(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct fsslower_opts opts = { .common = SONDE_OPTS_DEFAULTS, .min_ms = 10 };
	struct out out;
	struct sonde_stream stream = { .cols = cols,
				       .ncols = ARRAY_SIZE(cols),
				       .on_event = handle_event,
				       .ctx = &out,
				       .out = &out };
	struct fsslower_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = fsslower_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->min_ns = (uint64_t)opts.min_ms * 1000000;
	skel->rodata->self_tgid = getpid();
	if (opts.fstype)
		memcpy((char *)skel->rodata->fs_only, opts.fstype, strlen(opts.fstype));
	/* arm64 has no open or creat: their programs stay out. */
	err = probe_drop_missing_tracepoints(skel->obj);
	if (err >= 0)
		err = sonde_stream_run(skel->skeleton, &opts.common, &stream);
	fsslower_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
