// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include "lib/evloop.h"
#include "common/hist.h"
#include "lib/interval.h"
#include "lib/loader.h"
#include "lib/log.h"
#include "common/stream.h"

struct interval_loop {
	const struct interval_cfg *cfg;
	uint32_t reports;
};

/* A report, then the series it added to (--prometheus) to their file. */
static int report(const struct interval_cfg *cfg, bool skip_empty)
{
	int err = cfg->report(cfg->ctx, skip_empty);

	return err ?: prom_write(cfg->block->rows.out.prom);
}

static int on_tick(void *vctx)
{
	struct interval_loop *l = vctx;

	l->reports++;
	return report(l->cfg, false);
}

/* --prometheus: the block's rows are series too. */
static int prom_setup(const struct interval_cfg *cfg, const struct sonde_opts *o)
{
	const struct prom_opts none = { 0 };
	int err = prom_open(&cfg->block->rows.out.prom, cfg->prom ? cfg->prom : &none, log_tool(),
			    o->out.labels);

	if (err == -ENOMEM)
		log_err("cannot set up --prometheus: %s", strerror(-err));
	return err;
}

int interval_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		 const struct interval_cfg *cfg)
{
	struct interval_loop l = { .cfg = cfg };
	struct evloop_cfg loop = {
		.obj = *s->obj,
		.on_tick = on_tick,
		.ctx = &l,
		.out = &cfg->block->head,
		.duration_s = o->duration_s,
		.interval_ms = cfg->interval_s * 1000,
		.count = cfg->count,
	};
	struct bpf_map *events = bpf_object__find_map_by_name(*s->obj, STREAM_NAME(STREAM_EVENTS));
	struct filter_watch watch;
	int err;

	/* Counting tools send no events: only the lost-events counter is used. */
	if (events)
		bpf_map__set_autocreate(events, false);
	err = prom_setup(cfg, o);
	if (!err)
		err = sonde_load(s, o);
	if (err)
		goto out;
	err = dbuf_init(cfg->dbuf, cfg->outer, cfg->a, cfg->b);
	if (err) {
		log_err("cannot set up the counting maps: %s", strerror(-err));
		goto out;
	}
	cfg->dbuf->active_mirror = cfg->active_mirror;
	if (cfg->hist)
		dbuf_max_word(cfg->dbuf, HIST_MAX_WORD);
	err = sonde_attach(s);
	if (!err && cfg->attach)
		err = cfg->attach(cfg->hook_ctx);
	if (!err)
		err = filter_watch_start(&watch, *s->obj, o);
	if (err)
		goto out;
	loop.watch = &watch;
	out_block_start(cfg->block);
	err = evloop_run(&loop);
	if (cfg->detach)
		cfg->detach(cfg->hook_ctx);
	sonde_detach(s);
	filter_watch_stop(&watch);
	if (err || (cfg->count && l.reports >= cfg->count))
		goto out;
	/* What was counted since the last report: the whole run without an
	 * interval, otherwise the cut-short last interval. */
	err = report(cfg, cfg->interval_s != 0);
	if (!err)
		err = out_flush(&cfg->block->head);
out:
	prom_free(cfg->block->rows.out.prom);
	cfg->block->rows.out.prom = NULL;
	dbuf_free(cfg->dbuf);
	return err;
}
