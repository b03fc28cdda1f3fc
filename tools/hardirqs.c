// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* hardirqs: the time spent in each hard interrupt handler (or, with
 * --count, its calls), by the handler's name; with -D a histogram of its
 * run times each. One report per interval. */
#include "lib/sonde.h"
#include "lib/hist_irq.h"
#include "common/hardirqs.h"
#include "skel/hardirqs.skel.h"

static const struct argp argp = {
	.parser = hist_irq_tool_parse,
	.args_doc = HIST_IRQ_ARGS_DOC,
	.doc = "Show the time spent in each hard interrupt handler (--count: its calls), or "
	       "histograms of it.\v"
	       "EXAMPLES:\n"
	       "  hardirqs                  # until Ctrl-C, then the time per handler\n"
	       "  hardirqs --count 1 10     # calls per handler, ten 1-second reports\n"
	       "  hardirqs -D -N 5          # histograms in nanoseconds, every 5 seconds\n"
	       "  hardirqs -j -d 10 | jq -c '{hardirq, count, total_us}'",
	.children = hist_irq_argp_children,
};

static const struct sonde_cli cli = { &argp, NULL, 0 };

static void write_name(struct out *o, unsigned col, const void *key)
{
	const struct hardirq_key *k = key;

	out_str(o, col, k->name, sizeof(k->name));
}

static const struct hist_irq_key irq_key = {
	.col = { "HARDIRQ", "hardirq", 24, 0 },
	.size = sizeof(struct hardirq_key),
	.write = write_name,
};

int main(int argc, char **argv)
{
	struct hist_irq_tool_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct hardirqs_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = hardirqs_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	err = hist_irq_run(skel->skeleton, &opts.common, &opts.hist, &irq_key);
	hardirqs_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
