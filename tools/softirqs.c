// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* softirqs: the time spent in each softirq vector (or, with --count, its
 * runs); with -D a histogram of its run times each. One report per
 * interval. */
#include "lib/sonde.h"
#include "lib/hist_irq.h"
#include "common/softirqs.h"
#include "skel/softirqs.skel.h"

static const struct argp argp = {
	.parser = hist_irq_tool_parse,
	.args_doc = HIST_IRQ_ARGS_DOC,
	.doc = "Show the time spent in each softirq vector (--count: its runs), or histograms of "
	       "it.\v"
	       "EXAMPLES:\n"
	       "  softirqs                  # until Ctrl-C, then the time per vector\n"
	       "  softirqs --count 1 10     # runs per vector, ten 1-second reports\n"
	       "  softirqs -D -N 5          # histograms in nanoseconds, every 5 seconds\n"
	       "  softirqs -j -d 10 | jq -c '{softirq, count, total_us}'",
	.children = hist_irq_argp_children,
};

static const struct sonde_cli cli = { &argp, NULL, 0 };

/* The vectors' names, as the kernel's softirq_to_name[] has them and
 * /proc/softirqs shows them (which has them in upper case). */
static const char *const vec_names[] = {
	"hi",	    "timer",   "net_tx", "net_rx",  "block",
	"irq_poll", "tasklet", "sched",	 "hrtimer", "rcu",
};

static void write_vec(struct out *o, unsigned col, const void *key)
{
	uint32_t vec;
	char buf[16];
	int len;

	memcpy(&vec, key, sizeof(vec));
	if (vec < ARRAY_SIZE(vec_names)) {
		out_str(o, col, vec_names[vec], strlen(vec_names[vec]));
		return;
	}
	len = snprintf(buf, sizeof(buf), "vec%u", vec);
	out_str(o, col, buf, len);
}

static const struct hist_irq_key irq_key = {
	.col = { "SOFTIRQ", "softirq", 10, 0 },
	.size = sizeof(uint32_t),
	.write = write_vec,
};

int main(int argc, char **argv)
{
	struct hist_irq_tool_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct softirqs_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = softirqs_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	err = hist_irq_run(skel->skeleton, &opts.common, &opts.hist, &irq_key);
	softirqs_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
