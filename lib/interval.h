/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Interval tools (syscount, cgsyscount, the histogram tools): the loop that
 * loads and attaches the tool, then prints one block per interval from the
 * counters it drains (lib/dbuf.h), and with --prometheus writes its rows'
 * series after each (lib/prom.h). */
#ifndef SONDE_LIB_INTERVAL_H
#define SONDE_LIB_INTERVAL_H

#include <stdbool.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "lib/dbuf.h"
#include "lib/opts.h"
#include "lib/out_rows.h"
#include "lib/prom.h"

struct interval_cfg {
	uint32_t interval_s; /* 0: a single report, when the run ends */
	uint32_t count;	     /* reports before stopping; 0: until stopped */
	/* Reads the counters and prints one block. With skip_empty (the
	 * remainder of an interval at the end of a run) it prints nothing when
	 * nothing was counted. 0 or -errno. */
	int (*report)(void *ctx, bool skip_empty);
	void *ctx;
	struct out_block *block; /* its clock starts at attach; flushed after each report */
	/* Set up after load (dbuf_init on the three maps), freed at the end. */
	struct dbuf *dbuf;
	struct bpf_map *outer, *a, *b;
	uint32_t *active_mirror; /* for dbuf: NULL, or as there */
	bool hist;		 /* the values are struct hist (common/hist.h) */
	/* NULL, or called after the skeleton's own programs are attached, for
	 * programs the tool attaches itself (perf events); 0 or -errno.
	 * detach (if set) undoes it when the run ends. */
	int (*attach)(void *ctx);
	void (*detach)(void *ctx);
	void *hook_ctx; /* their ctx */
	/* --prometheus: the block's rows are series too, written to the file
	 * after each report (lib/prom.h); NULL or no path: not */
	const struct prom_opts *prom;
};

/* Loads the opened skeleton (common filters in rodata), sets up cfg->dbuf,
 * attaches it and reports every interval until a signal, --duration, `count` reports or
 * the reader going away; then reports what the last interval counted. The
 * object's "events" ring buffer, if it has one, is not created. 0 or -errno
 * as evloop_run(). */
int interval_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		 const struct interval_cfg *cfg);

#endif
