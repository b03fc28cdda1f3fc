// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* exitsnoop: trace process exits (or every thread's) with their age and status. */
#include <stdio.h>
#include <string.h>
#include "lib/sonde.h"
#include "common/exitsnoop.h"
#include "skel/exitsnoop.skel.h"

struct exitsnoop_opts {
	struct sonde_opts common;
	bool failed;
	bool threads;
};

struct exitsnoop_ctx {
	struct out out;
};

enum {
	C_TIME,
	C_COMM,
	C_PID,
	C_PPID,
	C_TID,
	C_AGE,
	C_AGE_MS,
	C_EXIT,
	C_CODE,
	C_SIGNAL,
	C_CORE,
	C_CGROUP
};

static const struct out_col cols[] = {
	[C_TIME] = OUT_COL_TIME,
	[C_COMM] = { "PCOMM", "comm", 16, 0 },
	[C_PID] = { "PID", "pid", 7, 0 },
	[C_PPID] = { "PPID", "ppid", 7, 0 },
	[C_TID] = { "TID", "tid", 7, 0 },
	[C_AGE] = { "AGE(s)", NULL, 7, OUT_RIGHT },
	[C_AGE_MS] = { NULL, "age_ms", 0, 0 },
	[C_EXIT] = { "EXIT", NULL, 7, 0 },
	[C_CODE] = { NULL, "exit_code", 0, 0 },
	[C_SIGNAL] = { NULL, "signal", 0, 0 },
	[C_CORE] = { NULL, "core_dumped", 0, 0 },
	[C_CGROUP] = OUT_COL_CGROUP,
};

enum { OPT_THREADS = 0x100 };

static const struct argp_option options[] = {
	{ "failed", 'x', NULL, 0, "Only exits with a non-zero code or by a signal", 0 },
	{ "threads", OPT_THREADS, NULL, 0, "Every thread's exit, not only whole processes'", 0 },
	{ "per-thread", 0, NULL, OPTION_ALIAS, NULL, 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('x', struct exitsnoop_opts, failed),
	SONDE_STORE(OPT_THREADS, struct exitsnoop_opts, threads),
	{ 0 },
};

static const struct argp argp = {
	.options = options,
	.doc = "Trace process exits: who exited, how old it was, and its exit code or signal.\v"
	       "EXAMPLES:\n"
	       "  exitsnoop                 # every process exit, until Ctrl-C\n"
	       "  exitsnoop -x -T           # failures only (a code or a signal), with time\n"
	       "  exitsnoop -c system.slice/nginx.service   # only inside this cgroup\n"
	       "  exitsnoop --threads -p 1234               # every thread of process 1234\n"
	       "  exitsnoop -j | jq -c 'select(.signal != null) | {comm, pid, signal}'",
};

static const struct sonde_cli cli = { &argp, stores, SONDE_OPT_TIME };

/* The EXIT column: "0", "code 7", "SIGKILL", "SIGSEGV (core dumped)". */
static void format_exit(__u32 status, char *buf, size_t len)
{
	char name[32];
	int sig = status & EXITSNOOP_SIG_MASK;

	if (!sig) {
		if (status >> 8)
			snprintf(buf, len, "code %u", (status >> 8) & 0xff);
		else
			snprintf(buf, len, "0");
		return;
	}
	snprintf(buf, len, "%s%s", signal_name(sig, name, sizeof(name)),
		 status & EXITSNOOP_CORE_DUMPED ? " (core dumped)" : "");
}

static int handle_event(void *vctx, void *data, size_t size)
{
	struct exitsnoop_ctx *ctx = vctx;
	const struct exitsnoop_event *e = data;
	struct out *o = &ctx->out;
	uint64_t age_ns;
	char exit[64], name[32];
	int sig;

	if (size < sizeof(*e))
		return 0;
	sig = e->status & EXITSNOOP_SIG_MASK;
	/* A task started after the exit was stamped cannot be: clamp. */
	age_ns = e->h.ts_ns > e->start_ns ? e->h.ts_ns - e->start_ns : 0;
	format_exit(e->status, exit, sizeof(exit));

	out_row_begin(o);
	out_time(o, C_TIME, e->h.ts_ns);
	out_str(o, C_COMM, e->h.comm, sizeof(e->h.comm));
	out_uint(o, C_PID, e->h.pid);
	out_uint(o, C_PPID, e->ppid);
	out_uint(o, C_TID, e->h.tid);
	out_double(o, C_AGE, age_ns / 1e9, 2);
	out_uint(o, C_AGE_MS, age_ns / 1000000);
	out_str(o, C_EXIT, exit, sizeof(exit));
	if (sig) {
		out_null(o, C_CODE, "");
		out_str(o, C_SIGNAL, signal_name(sig, name, sizeof(name)), sizeof(name));
	} else {
		out_uint(o, C_CODE, (e->status >> 8) & 0xff);
		out_null(o, C_SIGNAL, "");
	}
	out_bool(o, C_CORE, e->status & EXITSNOOP_CORE_DUMPED);
	out_cgroup(o, C_CGROUP, e->h.cgroup_id);
	out_row_end(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct exitsnoop_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct exitsnoop_ctx ctx = { 0 };
	struct sonde_stream stream = { .cols = cols,
				       .ncols = ARRAY_SIZE(cols),
				       .on_event = handle_event,
				       .ctx = &ctx,
				       .out = &ctx.out };
	struct exitsnoop_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = exitsnoop_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->failed_only = opts.failed;
	skel->rodata->per_thread = opts.threads;

	err = sonde_stream_run(skel->skeleton, &opts.common, &stream);
	exitsnoop_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
