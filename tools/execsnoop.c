// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* execsnoop: trace execve()/execveat(), successful and (with -x) failed. */
#include <errno.h>
#include <string.h>
#include "lib/sonde.h"
#include "common/execsnoop.h"
#include "skel/execsnoop.skel.h"

struct execsnoop_opts {
	struct sonde_opts common;
	bool fails;
	bool quote;
	bool exe; /* -E */
	const char *name;
	const char *line;
	uint32_t max_args;
};

struct execsnoop_ctx {
	const struct execsnoop_opts *opts;
	struct out out;
};

enum { C_TIME, C_UID, C_COMM, C_PID, C_PPID, C_RET, C_CGROUP, C_EXE, C_ARGS, C_ARGS_FROM, C_TRUNC };

static const struct out_col cols[] = {
	[C_TIME] = OUT_COL_TIME,
	[C_UID] = { "UID", "uid", 6, OUT_WITH_UID },
	[C_COMM] = { "PCOMM", "comm", 16, 0 },
	[C_PID] = { "PID", "pid", 7, 0 },
	[C_PPID] = { "PPID", "ppid", 7, 0 },
	[C_RET] = { "RET", "ret", 7, OUT_RIGHT },
	[C_CGROUP] = OUT_COL_CGROUP,
	[C_EXE] = { "EXE", "exe", 24, OUT_HIDDEN },
	[C_ARGS] = { "ARGS", "args", 0, 0 },
	[C_ARGS_FROM] = { NULL, "args_from", 0, 0 },
	[C_TRUNC] = { NULL, "truncated", 0, 0 },
};

enum { OPT_MAX_ARGS = 0x100 };

static const struct argp_option options[] = {
	{ "fails", 'x', NULL, 0, "Include failed exec()s", 0 },
	{ "quote", 'q', NULL, 0, "Put each argument in double quotes", 0 },
	{ "exe", 'E', NULL, 0, "Show the EXE column: the file the new program runs", 0 },
	{ "name", 'n', "NAME", 0, "Only commands whose name contains NAME", 0 },
	{ "line", 'l', "LINE", 0, "Only commands whose arguments contain LINE", 0 },
	{ "max-args", OPT_MAX_ARGS, "N", 0, "Show at most N arguments (default 20, up to 128)", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('x', struct execsnoop_opts, fails),
	SONDE_STORE('q', struct execsnoop_opts, quote),
	SONDE_STORE('E', struct execsnoop_opts, exe),
	SONDE_STORE('n', struct execsnoop_opts, name),
	SONDE_STORE('l', struct execsnoop_opts, line),
	SONDE_STORE_RANGE(OPT_MAX_ARGS, "--max-args", struct execsnoop_opts, max_args, 1,
			  EXECSNOOP_MAX_ARGS),
	{ 0 },
};

static const struct argp argp = {
	.options = options,
	.doc = "Trace exec() system calls: every new program, with its arguments and the file it "
	       "runs.\v"
	       "EXAMPLES:\n"
	       "  execsnoop                 # every exec, until Ctrl-C\n"
	       "  execsnoop -x -T           # include failed execs, with a clock column\n"
	       "  execsnoop -c system.slice/nginx.service   # only inside this cgroup\n"
	       "  execsnoop -c 3f2a9c1b7d4e # only inside this container\n"
	       "  execsnoop -n curl -l example.org          # curl runs naming example.org\n"
	       "  execsnoop -E              # with the file each program runs\n"
	       "  execsnoop -x -j | jq -r 'select(.ret < 0) | .args | join(\" \")'",
};

static const struct sonde_cli cli = { &argp, stores, SONDE_OPT_TIME | SONDE_OPT_UID };

/* -l: does any argument contain the line? */
static bool args_contain(const char *args, size_t len, const char *line)
{
	for (size_t off = 0; off < len; off += strnlen(args + off, len - off) + 1)
		if (memmem(args + off, strnlen(args + off, len - off), line, strlen(line)))
			return true;
	return false;
}

static int handle_event(void *vctx, void *data, size_t size)
{
	struct execsnoop_ctx *ctx = vctx;
	const struct execsnoop_opts *opts = ctx->opts;
	const struct execsnoop_event *e = data;
	struct out *o = &ctx->out;
	size_t len, args_len, exe_len;
	bool cut;

	if (size < offsetof(struct execsnoop_event, data))
		return 0;
	len = size - offsetof(struct execsnoop_event, data);
	args_len = e->args_size < len ? e->args_size : len;
	exe_len = e->exe_len < len - args_len ? e->exe_len : len - args_len;
	if (opts->name && !memmem(e->h.comm, strnlen(e->h.comm, sizeof(e->h.comm)), opts->name,
				  strlen(opts->name)))
		return 0;
	if (opts->line && !args_contain(e->data, args_len, opts->line))
		return 0;

	out_row_begin(o);
	out_time(o, C_TIME, e->h.ts_ns);
	out_uint(o, C_UID, e->h.uid);
	out_str(o, C_COMM, e->h.comm, sizeof(e->h.comm));
	out_uint(o, C_PID, e->h.pid);
	out_uint(o, C_PPID, e->ppid);
	out_ret(o, C_RET, e->ret);
	out_cgroup(o, C_CGROUP, e->h.cgroup_id);
	if (exe_len)
		out_str(o, C_EXE, e->data + args_len, exe_len);
	else
		out_null(o, C_EXE, "-");
	cut = out_strv(o, C_ARGS, e->data, args_len, opts->max_args, opts->quote,
		       e->flags & EXECSNOOP_F_TRUNCATED);
	stream_out_from(o, C_ARGS_FROM, e->args_from);
	out_bool(o, C_TRUNC, cut);
	out_row_end(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct execsnoop_opts opts = { .common = SONDE_OPTS_DEFAULTS, .max_args = 20 };
	struct execsnoop_ctx ctx = { .opts = &opts };
	struct sonde_stream st = { .cols = cols,
				   .ncols = ARRAY_SIZE(cols),
				   .on_event = handle_event,
				   .ctx = &ctx,
				   .out = &ctx.out };
	struct execsnoop_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = execsnoop_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	st.show = OUT_SHOW(C_EXE, opts.exe);
	skel->rodata->trace_failed = opts.fails;
	skel->rodata->max_args = opts.max_args;
	/* The entry programs only remember argv for failed execs. */
	bpf_program__set_autoload(skel->progs.handle_enter_execve, opts.fails);
	bpf_program__set_autoload(skel->progs.handle_enter_execveat, opts.fails);

	err = sonde_stream_run(skel->skeleton, &opts.common, &st);

	execsnoop_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
