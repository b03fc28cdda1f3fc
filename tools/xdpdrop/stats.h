/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* xdpdrop's counters on stdout: one row per interval (and the totals at the
 * end, or a pinned instance's status), with the rules that matched as a
 * table nested in it (lib/out_rows.h). */
#ifndef SONDE_TOOLS_XDPDROP_STATS_H
#define SONDE_TOOLS_XDPDROP_STATS_H

#include "lib/out.h"
#include "lib/out_rows.h"
#include "tools/xdpdrop/inst.h"

struct xdp_stats {
	const struct xdp_inst *inst;
	struct out row;
	struct out_rows rules;
	unsigned top; /* rules shown per row; 0: all */
	struct xdpdrop_stats prev;
	struct xdpdrop_count *hits, *prev_hits;
	uint32_t *order;
	uint64_t start_ns, last_ns;
	bool status;   /* --status of a pinned instance */
	bool detached; /* its program no longer runs (said once) */
	char why[256]; /* why, when detached */
};

/* Sets up the output on stdout and prints the text header (of a status
 * row: with the interface, mode and policy). */
int xdp_stats_init(struct xdp_stats *st, const struct xdp_inst *inst, const struct out_cfg *cfg,
		   unsigned top, bool status);
/* An evloop on_tick: the row of the interval that just ended. A row says
 * whether the program still runs ("state"); once it does not, the row is
 * followed by one line on stderr and -ENOLINK, which ends the run. */
int xdp_stats_tick(void *st);
/* The row of the totals since the start (-ENOLINK as above). */
int xdp_stats_total(struct xdp_stats *st);
void xdp_stats_free(struct xdp_stats *st);
/* --status: the pinned instance of cfg->iface, its totals and every rule;
 * -ENOLINK, after its row, when it is detached. */
int xdp_stats_status(const struct xdp_inst_cfg *cfg, const struct out_cfg *out);

#endif
