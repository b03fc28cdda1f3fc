// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* offcputime: time blocked off the CPU, by kernel and user stack. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "lib/sonde.h"
#include "lib/stack.h"
#include "common/offcputime.h"
#include "skel/offcputime.skel.h"

struct offcputime_opts {
	struct sonde_opts common;
	struct stack_opts stack;
	uint32_t tid, state;
	uint64_t min_us, max_us;
};

enum { OPT_STATE = 0x300 };

static const struct argp_option options[] = {
	{ "tid", 't', "TID", 0, "Only this thread", 0 },
	{ "min-block-time", 'm', "US", 0, "Only blocks of at least US microseconds", 0 },
	{ "max-block-time", 'M', "US", 0, "Only blocks of at most US microseconds", 0 },
	{ "state", OPT_STATE, "STATE", 0,
	  "Only blocks in this state: S (sleeping), D (uninterruptible), R (preempted), or the "
	  "kernel's state bits as a number",
	  0 },
	{ 0 },
};

/* R is 0 (preempted while runnable); S and D are TASK_INTERRUPTIBLE and
 * TASK_UNINTERRUPTIBLE; a number is bits of the kernel's task state. */
static int parse_state(const char *arg, uint32_t *state)
{
	uint64_t v;

	if (!strcmp(arg, "R") || !strcmp(arg, "S") || !strcmp(arg, "D")) {
		*state = arg[0] == 'R' ? 0 : arg[0] == 'S' ? 1 : 2;
		return 0;
	}
	if (!parse_decimal(arg, 0, 0xffff, &v)) {
		*state = v;
		return 0;
	}
	log_err("invalid value '%s' for --state: expected S, D, R or a number (0 to 65535)", arg);
	return -EINVAL;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct offcputime_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->stack;
		return 0;
	case 't':
		return parse_pid("-t/--tid", arg, &o->tid) ? EINVAL : 0;
	case 'm':
		return parse_uint("-m/--min-block-time", arg, 1, UINT64_MAX / 1000, &o->min_us)
			   ? EINVAL
			   : 0;
	case 'M':
		return parse_uint("-M/--max-block-time", arg, 1, UINT64_MAX / 1000, &o->max_us)
			   ? EINVAL
			   : 0;
	case OPT_STATE:
		return parse_state(arg, &o->state) ? EINVAL : 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.args_doc = STACK_ARGS_DOC,
	.doc = "Sum the time threads spend blocked off the CPU, by kernel and user stack.\v"
	       "EXAMPLES:\n"
	       "  offcputime -d 10             # 10 seconds, every thread, text stacks\n"
	       "  offcputime -p 1234 5         # one process, 5 seconds\n"
	       "  offcputime -m 1000 -d 10     # only blocks of 1 ms or more\n"
	       "  offcputime --state D -K -d 5 # uninterruptible waits, kernel stacks\n"
	       "  offcputime -f -d 30 > off.folded   # folded, for a flame graph\n"
	       "  offcputime -d 10 --format svg -o off.svg  # a flame graph of the waits\n"
	       "  offcputime -j -d 5 | jq -c '{comm, total_us, top: .kernel_stack[0].sym}'",
	.children = stack_argp_children,
};

static const struct sonde_cli cli = { &argp, NULL, 0 };

static int check(struct offcputime_opts *o)
{
	if (o->max_us && o->min_us > o->max_us) {
		log_err("-m/--min-block-time %llu is more than -M/--max-block-time %llu",
			(unsigned long long)o->min_us, (unsigned long long)o->max_us);
		return -EINVAL;
	}
	return stack_opts_check(&o->stack, &o->common);
}

int main(int argc, char **argv)
{
	struct offcputime_opts opts = { .common = SONDE_OPTS_DEFAULTS, .state = OFFCPU_STATE_ANY };
	struct stack_cfg cfg = {
		.opts = &opts.stack,
		.common = &opts.common,
		.value = { "total_us", 1000 },
		.sample_type = "off_cpu",
		.sample_unit = "microseconds",
		.by_thread = true,
	};
	struct offcputime_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (!err)
		err = check(&opts);
	if (err)
		return sonde_exit(err);

	skel = offcputime_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->target_tid = opts.tid;
	skel->rodata->target_state = opts.state;
	skel->rodata->min_ns = opts.min_us ? opts.min_us * 1000 : 1;
	skel->rodata->max_ns = opts.max_us ? opts.max_us * 1000 : ~0ULL;
	skel->rodata->self_tgid = getpid();
	err = stack_run(skel->skeleton, &cfg);

	offcputime_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
