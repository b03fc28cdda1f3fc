// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* killsnoop: trace signals: who sent which signal to whom, and how it went. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "lib/sonde.h"
#include "common/killsnoop.h"
#include "skel/killsnoop.skel.h"

struct killsnoop_opts {
	struct sonde_opts common;
	bool failed;
	bool syscalls_only;
	int sig;
	const char *name;
};

struct killsnoop_ctx {
	const struct killsnoop_opts *opts;
	struct out out;
};

/* No UID or TID column. */
enum {
	C_SIG = STREAM_COL_NEXT,
	C_SIGNAL,
	C_TPID,
	C_RESULT,
	C_RESULT_TEXT,
	C_RESULT_NAME,
	C_SOURCE,
	C_CGROUP
};

static const struct out_col cols[] = {
	[STREAM_COL_TIME] = OUT_COL_TIME,
	[STREAM_COL_PID] = { "PID", "pid", 7, 0 },
	[STREAM_COL_COMM] = { "COMM", "comm", 16, 0 },
	[C_SIG] = { NULL, "sig", 0, 0 },
	[C_SIGNAL] = { "SIG", "signal", 9, 0 },
	[C_TPID] = { "TPID", "tpid", 7, 0 },
	[C_RESULT] = { NULL, "result", 0, 0 },
	[C_RESULT_TEXT] = { "RESULT", NULL, 9, 0 },
	[C_RESULT_NAME] = { NULL, "result_name", 0, 0 },
	[C_SOURCE] = { NULL, "source", 0, 0 },
	[C_CGROUP] = OUT_COL_CGROUP,
};

static const struct argp_option options[] = {
	{ "failed", 'x', NULL, 0, "Only failed sends: a kill() that failed, a queue overflow", 0 },
	{ "signal", 's', "SIGNAL", 0, "Only this signal: a name (SIGTERM, term) or a number", 0 },
	{ "kill", 'k', NULL, 0, "Only kill(), tkill() and tgkill() calls, as they return", 0 },
	{ "name", 'n', "NAME", 0, "Only senders whose name contains NAME", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('x', struct killsnoop_opts, failed),
	SONDE_STORE('k', struct killsnoop_opts, syscalls_only),
	SONDE_STORE('n', struct killsnoop_opts, name),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct killsnoop_opts *o = state->input;

	if (key != 's')
		return ARGP_ERR_UNKNOWN;
	o->sig = signal_parse(arg);
	if (o->sig > 0)
		return 0;
	log_err("invalid value '%s' for -s/--signal: expected a signal name (SIGTERM, TERM, "
		"RTMIN+3) or a number from 1 to 64",
		arg);
	return EINVAL;
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.doc = "Trace signals: who sent which signal to whom, and whether it was delivered.\v"
	       "EXAMPLES:\n"
	       "  killsnoop                 # every signal, until Ctrl-C\n"
	       "  killsnoop -x              # only failed sends (ESRCH, EPERM, queue full)\n"
	       "  killsnoop -s SIGKILL -T   # only SIGKILL, with the time\n"
	       "  killsnoop -k -n systemd   # kill() calls made by systemd\n"
	       "  killsnoop -c 3f2a9c1b7d4e # signals sent from inside this container\n"
	       "  killsnoop -j | jq -c 'select(.source == \"syscall\") | {comm, signal, tpid}'",
};

static const struct sonde_cli cli = { &argp, stores, SONDE_OPT_TIME };

/* JSON result_name: "ok", an errno name, or the kernel's delivery result. */
static const char *result_name(int result, char *buf, size_t len)
{
	static const char *const delivery[] = {
		[KILLSNOOP_DELIVERED] = "ok",
		[KILLSNOOP_IGNORED] = "ignored",
		[KILLSNOOP_ALREADY_PENDING] = "pending",
		[KILLSNOOP_OVERFLOW_FAIL] = "overflow",
		[KILLSNOOP_LOSE_INFO] = "lost_info",
	};
	const char *name;

	if (result >= 0 && (size_t)result < ARRAY_SIZE(delivery))
		return delivery[result];
	/* -INT_MIN is no int (and no errno). */
	name = result < 0 && result != INT_MIN ? errno_name(-result) : NULL;
	if (!name) {
		snprintf(buf, len, "%d", result);
		return buf;
	}
	return name;
}

static int handle_event(void *vctx, void *data, size_t size)
{
	struct killsnoop_ctx *ctx = vctx;
	const struct killsnoop_event *e = data;
	struct out *o = &ctx->out;
	const char *rname;
	char sig[32], rbuf[16];

	if (size < sizeof(*e))
		return 0;
	if (ctx->opts->name && !memmem(e->h.comm, strnlen(e->h.comm, sizeof(e->h.comm)),
				       ctx->opts->name, strlen(ctx->opts->name)))
		return 0;
	rname = result_name(e->result, rbuf, sizeof(rbuf));

	stream_row_begin(o, &e->h);
	out_int(o, C_SIG, e->sig);
	if (e->sig)
		out_str(o, C_SIGNAL, signal_name(e->sig, sig, sizeof(sig)), sizeof(sig));
	else
		out_null(o, C_SIGNAL, "0"); /* kill(pid, 0): is the process there? */
	out_int(o, C_TPID, e->tpid);
	out_int(o, C_RESULT, e->result);
	out_str(o, C_RESULT_TEXT, e->result ? rname : "0", 16);
	out_str(o, C_RESULT_NAME, rname, 16);
	out_str(o, C_SOURCE, e->source == KILLSNOOP_SYSCALL ? "syscall" : "kernel", 8);
	out_cgroup(o, C_CGROUP, e->h.cgroup_id);
	out_row_end(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct killsnoop_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct killsnoop_ctx ctx = { .opts = &opts };
	struct sonde_stream stream = { .cols = cols,
				       .ncols = ARRAY_SIZE(cols),
				       .on_event = handle_event,
				       .ctx = &ctx,
				       .out = &ctx.out };
	struct killsnoop_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = killsnoop_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->failed_only = opts.failed;
	skel->rodata->target_sig = opts.sig;
	/* Without signal_generate, every kill-family call reports at its exit. */
	bpf_program__set_autoload(skel->progs.handle_generate, !opts.syscalls_only);

	err = sonde_stream_run(skel->skeleton, &opts.common, &stream);
	killsnoop_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
