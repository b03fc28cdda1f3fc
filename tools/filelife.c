// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* filelife: files created and then removed while it runs, with their age
 * and the process that removed them. */
#include "lib/sonde.h"
#include "lib/file.h"
#include "lib/probe.h"
#include "common/filelife.h"
#include "skel/filelife.skel.h"

struct filelife_opts {
	struct sonde_opts common;
};

enum { C_AGE = STREAM_COL_NEXT, C_AGE_MS, C_CREATOR, C_END, C_CGROUP, C_PATH, C_TRUNC };

static const struct out_col cols[] = {
	[STREAM_COL_TIME] = OUT_COL_TIME,
	[STREAM_COL_UID] = { "UID", "uid", 6, OUT_WITH_UID },
	[STREAM_COL_PID] = { "PID", "pid", 7, 0 },
	[STREAM_COL_TID] = { NULL, "tid", 0, 0 },
	[STREAM_COL_COMM] = { "COMM", "comm", 16, 0 },
	[C_AGE] = { "AGE(s)", NULL, 9, OUT_RIGHT },
	[C_AGE_MS] = { NULL, "age_ms", 0, 0 },
	[C_CREATOR] = { NULL, "creator_pid", 0, 0 },
	[C_END] = { NULL, "end", 0, 0 },
	[C_CGROUP] = OUT_COL_CGROUP,
	[C_PATH] = { "PATH", "path", 0, 0 },
	[C_TRUNC] = { NULL, "truncated", 0, 0 },
};

static const struct argp argp = {
	.doc = "Trace files created and then removed, with their age.\v"
	       "EXAMPLES:\n"
	       "  filelife                  # every short-lived file, until Ctrl-C\n"
	       "  filelife -T -U            # with the time and the user\n"
	       "  filelife -p 1234          # the files process 1234 creates\n"
	       "  filelife -c 3f2a9c1b7d4e  # the files created inside this container\n"
	       "  filelife -j | jq -c 'select(.age_ms < 100) | {comm, path, age_ms}'",
};

static const struct sonde_cli cli = { &argp, NULL, SONDE_OPT_TIME | SONDE_OPT_UID };

static int handle_event(void *vctx, void *data, size_t size)
{
	struct out *o = vctx;
	const struct filelife_event *e = data;

	if (size < offsetof(struct filelife_event, path))
		return 0;
	stream_row_begin(o, &e->h);
	out_double(o, C_AGE, e->age_ns / 1e9, 3);
	out_double(o, C_AGE_MS, e->age_ns / 1e6, 3);
	out_uint(o, C_CREATOR, e->creator_pid);
	out_name(o, C_END, e->end == FILELIFE_RENAME ? "rename" : "unlink");
	out_cgroup(o, C_CGROUP, e->h.cgroup_id);
	file_out_path(o, C_PATH, C_TRUNC, e->path, size - offsetof(struct filelife_event, path),
		      e->path_len, e->truncated);
	out_row_end(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct filelife_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct out out;
	struct sonde_stream stream = { .cols = cols,
				       .ncols = ARRAY_SIZE(cols),
				       .on_event = handle_event,
				       .ctx = &out,
				       .out = &out };
	struct filelife_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = filelife_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	/* arm64 has no open, creat, unlink or rename: their programs stay out. */
	err = probe_drop_missing_tracepoints(skel->obj);
	if (err >= 0)
		err = sonde_stream_run(skel->skeleton, &opts.common, &stream);
	filelife_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
