// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* profile: on-CPU stacks sampled at -F HZ on every CPU, counted per stack. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/sonde.h"
#include "lib/cpuclock.h"
#include "lib/stack.h"
#include "common/profile.h"
#include "skel/profile.skel.h"

#define CPU_ALL CPU_CLOCKS_ALL

struct profile_opts {
	struct sonde_opts common;
	struct stack_opts stack;
	uint32_t hz, tid, cpu;
	bool idle;
};

struct profile_ctx {
	const struct profile_opts *opts;
	struct profile_bpf *skel;
	struct cpu_clocks clocks;
};

enum { OPT_CPU = 0x300, OPT_BY_CGROUP };

static const struct argp_option options[] = {
	{ "frequency", 'F', "HZ", 0, "Samples per second on each CPU (default 49)", 0 },
	{ "tid", 'L', "TID", 0, "Only this thread", 0 },
	{ "include-idle", 'I', NULL, 0, "Count the idle task's stacks too", 0 },
	{ "cpu", OPT_CPU, "CPU", 0, "Only this CPU", 0 },
	{ "by-cgroup", OPT_BY_CGROUP, NULL, 0, "Tell stacks apart by cgroup too (shown by path)",
	  0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE_RANGE('F', "-F/--frequency", struct profile_opts, hz, 1, PROFILE_HZ_MAX),
	SONDE_STORE_RANGE(OPT_CPU, "--cpu", struct profile_opts, cpu, 0, 4095),
	SONDE_STORE('I', struct profile_opts, idle),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct profile_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->stack;
		return 0;
	case 'L':
		return parse_pid("-L/--tid", arg, &o->tid) ? EINVAL : 0;
	case OPT_BY_CGROUP:
		o->stack.by_cgroup = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.args_doc = STACK_ARGS_DOC,
	.doc = "Sample on-CPU stacks at a fixed rate on every CPU and count them per stack.\v"
	       "EXAMPLES:\n"
	       "  profile -d 10              # 10 seconds, every process, text stacks\n"
	       "  profile -p 1234 -F 99 5    # one process, 99 samples a second, 5 seconds\n"
	       "  profile -U -f -d 30 > out.folded   # user stacks, folded\n"
	       "  profile -K --cpu 0 -d 5    # kernel stacks on CPU 0\n"
	       "  profile -d 30 --format svg -o cpu.svg  # a flame graph to open in a browser\n"
	       "  profile -d 30 --format pprof -o cpu.pb.gz  # for go tool pprof\n"
	       "  profile -c 3f2a9c1b7d4e -d 10 # one container\n"
	       "  profile -j -d 5 | jq -c '{comm, count, top: .user_stack[0].sym}'",
	.children = stack_argp_children,
};

static const struct sonde_cli cli = { &argp, stores, 0 };

static int attach(void *vctx)
{
	struct profile_ctx *ctx = vctx;
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu <= 0)
		return -EIO;
	if (ctx->opts->cpu != CPU_ALL && (int)ctx->opts->cpu >= ncpu) {
		log_err("invalid value '%u' for --cpu: this machine has CPUs 0 to %d",
			ctx->opts->cpu, ncpu - 1);
		return -EINVAL;
	}
	return cpu_clocks_attach(&ctx->clocks, ctx->skel->progs.handle_sample, ctx->opts->hz,
				 ctx->opts->cpu);
}

static void detach(void *vctx)
{
	struct profile_ctx *ctx = vctx;

	cpu_clocks_detach(&ctx->clocks);
}

int main(int argc, char **argv)
{
	struct profile_opts opts = { .common = SONDE_OPTS_DEFAULTS,
				     .hz = PROFILE_HZ_DEFAULT,
				     .cpu = CPU_ALL };
	struct profile_ctx ctx = { .opts = &opts };
	struct stack_cfg cfg = {
		.opts = &opts.stack,
		.common = &opts.common,
		.value = { "count", 1 },
		.sample_type = "samples",
		.sample_unit = "count",
		.attach = attach,
		.detach = detach,
		.ctx = &ctx,
	};
	struct profile_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (!err)
		err = stack_opts_check(&opts.stack, &opts.common);
	if (err)
		return sonde_exit(err);
	cfg.period_ns = 1000000000ULL / opts.hz;

	skel = profile_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	ctx.skel = skel;
	skel->rodata->target_tid = opts.tid;
	skel->rodata->include_idle = opts.idle;
	/* Perf events are opened per CPU here, not by the skeleton. */
	bpf_program__set_autoattach(skel->progs.handle_sample, false);
	err = stack_run(skel->skeleton, &cfg);

	detach(&ctx);
	profile_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
