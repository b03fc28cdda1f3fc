// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/array_size.h"
#include "lib/log.h"
#include "tools/xdpdrop/stats.h"

enum {
	C_TIME,
	C_KIND,
	C_IFACE,
	C_MODE,
	C_POLICY,
	C_UNPARSED_POLICY,
	C_DRY_RUN,
	C_STATE,
	C_SECS,
	C_PACKETS,
	C_PPS,
	C_BYTES,
	C_PASSED,
	C_PASSED_BYTES,
	C_DROPPED,
	C_DROP_PPS,
	C_DROPPED_BYTES,
	C_UNPARSED,
	C_UNPARSED_DROPPED,
	C_NON_IP,
	C_RULES,
};

static const struct out_col cols[] = {
	[C_TIME] = { "TIME", "time", 8, 0 },
	[C_KIND] = { "KIND", "kind", 8, 0 },
	[C_IFACE] = { "IFACE", "iface", 10, OUT_HIDDEN },
	[C_MODE] = { "MODE", "mode", 6, OUT_HIDDEN },
	[C_POLICY] = { "POLICY", "policy", 6, OUT_HIDDEN },
	[C_UNPARSED_POLICY] = { NULL, "unparsed_policy", 0, 0 },
	[C_DRY_RUN] = { NULL, "dry_run", 0, 0 },
	[C_STATE] = { NULL, "state", 0, 0 },
	[C_SECS] = { "SECS", "secs", 7, OUT_RIGHT },
	[C_PACKETS] = { "PACKETS", "packets", 10, OUT_RIGHT },
	[C_PPS] = { "PKT/s", "pps", 9, OUT_RIGHT },
	[C_BYTES] = { NULL, "bytes", 0, 0 },
	[C_PASSED] = { "PASSED", "passed", 10, OUT_RIGHT },
	[C_PASSED_BYTES] = { NULL, "passed_bytes", 0, 0 },
	[C_DROPPED] = { "DROPPED", "dropped", 10, OUT_RIGHT },
	[C_DROP_PPS] = { "DROP/s", "drop_pps", 9, OUT_RIGHT },
	[C_DROPPED_BYTES] = { NULL, "dropped_bytes", 0, 0 },
	[C_UNPARSED] = { "UNPARSED", "unparsed", 8, OUT_RIGHT },
	[C_UNPARSED_DROPPED] = { NULL, "unparsed_dropped", 0, 0 },
	[C_NON_IP] = { "NON-IP", "non_ip", 8, OUT_RIGHT },
	[C_RULES] = { NULL, "rules", 0, 0 },
};

enum { R_RULE, R_PACKETS, R_BYTES, R_MATCH };

static const struct out_col rule_cols[] = {
	[R_RULE] = { "RULE", "rule", 6, OUT_RIGHT },
	[R_PACKETS] = { "PACKETS", "packets", 10, OUT_RIGHT },
	[R_BYTES] = { "BYTES", "bytes", 12, OUT_RIGHT },
	[R_MATCH] = { "MATCH", "match", 0, 0 },
};

#define NS 1000000000.0
/* Prefixes of a rule shown per direction. */
#define MATCH_PREFIXES 4

/* One row: counters of cur minus base over secs. */
struct span {
	const char *kind;
	const struct xdpdrop_stats *cur, *base;
	const struct xdpdrop_count *hits, *base_hits; /* base_hits NULL: zero */
	double secs;
	bool all_rules; /* every rule, by number (--status) */
};

static uint64_t delta(const struct span *s, int stat, bool bytes)
{
	const struct xdpdrop_count *c = &s->cur->c[stat], *b = &s->base->c[stat];

	return bytes ? c->bytes - b->bytes : c->packets - b->packets;
}

static struct xdpdrop_count rule_delta(const struct span *s, uint32_t nr)
{
	struct xdpdrop_count d = s->hits[nr];

	if (s->base_hits) {
		d.packets -= s->base_hits[nr].packets;
		d.bytes -= s->base_hits[nr].bytes;
	}
	return d;
}

static int busiest_first(const void *a, const void *b, void *span)
{
	uint64_t pa = rule_delta(span, *(const uint32_t *)a).packets;
	uint64_t pb = rule_delta(span, *(const uint32_t *)b).packets;

	if (pa != pb)
		return pa > pb ? -1 : 1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static void rule_list(struct xdp_stats *st, const struct span *s)
{
	const struct xdp_inst *inst = st->inst;
	char match[1024];
	size_t n = 0;

	for (size_t i = 0; i < inst->nrules; i++) {
		uint32_t nr = inst->rules[i].nr;

		if (nr < inst->maps.max_rules && (s->all_rules || rule_delta(s, nr).packets))
			st->order[n++] = nr;
	}
	if (!s->all_rules) {
		qsort_r(st->order, n, sizeof(*st->order), busiest_first, (void *)s);
		if (st->top && n > st->top)
			n = st->top;
	}
	out_rows_nest(&st->rules, &st->row, C_RULES);
	for (size_t i = 0; i < n; i++) {
		struct xdpdrop_count d = rule_delta(s, st->order[i]);
		struct out *o = out_rows_row(&st->rules);

		xdp_rule_text(xdp_inst_rule(inst, st->order[i]), MATCH_PREFIXES, match,
			      sizeof(match));
		out_uint(o, R_RULE, st->order[i]);
		out_uint(o, R_PACKETS, d.packets);
		out_uint(o, R_BYTES, d.bytes);
		out_str(o, R_MATCH, match, sizeof(match));
		out_rows_row_end(&st->rules);
	}
	out_rows_end(&st->rules);
}

static void row(struct xdp_stats *st, const struct span *s)
{
	const struct xdpdrop_info *info = &st->inst->info;
	struct out *o = &st->row;
	double secs = s->secs > 0 ? s->secs : 0;

	out_row_begin(o);
	out_time(o, C_TIME, mono_now_ns());
	out_str(o, C_KIND, s->kind, 16);
	out_str(o, C_IFACE, st->inst->iface, sizeof(st->inst->iface));
	out_str(o, C_MODE, info->skb_mode ? "skb" : "native", 8);
	out_str(o, C_POLICY, info->allow ? "allow" : "drop", 8);
	out_str(o, C_UNPARSED_POLICY, info->unparsed_drop ? "drop" : "pass", 8);
	out_bool(o, C_DRY_RUN, info->dry_run);
	out_str(o, C_STATE, st->detached ? "detached" : "attached", 16);
	out_double(o, C_SECS, secs, 3);
	out_uint(o, C_PACKETS, delta(s, XDPDROP_ST_SEEN, false));
	out_double(o, C_PPS, secs ? delta(s, XDPDROP_ST_SEEN, false) / secs : 0, 0);
	out_uint(o, C_BYTES, delta(s, XDPDROP_ST_SEEN, true));
	out_uint(o, C_PASSED, delta(s, XDPDROP_ST_PASSED, false));
	out_uint(o, C_PASSED_BYTES, delta(s, XDPDROP_ST_PASSED, true));
	out_uint(o, C_DROPPED, delta(s, XDPDROP_ST_DROPPED, false));
	out_double(o, C_DROP_PPS, secs ? delta(s, XDPDROP_ST_DROPPED, false) / secs : 0, 0);
	out_uint(o, C_DROPPED_BYTES, delta(s, XDPDROP_ST_DROPPED, true));
	out_uint(o, C_UNPARSED, delta(s, XDPDROP_ST_UNPARSED, false));
	out_uint(o, C_UNPARSED_DROPPED, delta(s, XDPDROP_ST_UNPARSED_DROPPED, false));
	out_uint(o, C_NON_IP, delta(s, XDPDROP_ST_NON_IP, false));
	rule_list(st, s);
	out_row_end(o);
}

int xdp_stats_init(struct xdp_stats *st, const struct xdp_inst *inst, const struct out_cfg *cfg,
		   unsigned top, bool status)
{
	uint32_t max = inst->maps.max_rules;

	memset(st, 0, sizeof(*st));
	st->inst = inst;
	st->top = top;
	st->hits = calloc(max, sizeof(*st->hits));
	st->prev_hits = calloc(max, sizeof(*st->prev_hits));
	st->order = calloc(max, sizeof(*st->order));
	if (!st->hits || !st->prev_hits || !st->order)
		return -ENOMEM;
	st->status = status;
	/* A status row says which instance it is. */
	out_init(&st->row, stdout, cols, ARRAY_SIZE(cols),
		 OUT_SHOW(C_IFACE, status) | OUT_SHOW(C_MODE, status) | OUT_SHOW(C_POLICY, status),
		 cfg);
	out_rows_init(&st->rules, stdout, rule_cols, ARRAY_SIZE(rule_cols), 0, cfg);
	/* Text: the rules under their row, indented, below a header of their own. */
	st->rules.indent = 4;
	st->rules.header = true;
	st->start_ns = st->last_ns = mono_now_ns();
	out_header(&st->row);
	return 0;
}

/* Whether the program still runs, for the row to come. */
static int check_attached(struct xdp_stats *st)
{
	int err;

	if (st->detached)
		return 0;
	err = xdp_inst_attached(st->inst, st->why, sizeof(st->why));
	st->detached = err == -ENOLINK;
	return st->detached ? 0 : err;
}

/* After the row of a detached instance: one line, and the run ends. */
static int end_detached(struct xdp_stats *st)
{
	int err = out_flush(&st->row);

	if (!st->detached || st->why[0] == '\0')
		return err ? err : st->detached ? -ENOLINK : 0;
	if (st->status)
		log_err("the pinned xdpdrop of %s is detached: %s; --detach removes its pins",
			st->inst->iface, st->why);
	else
		log_err("the XDP program of %s was detached: %s", st->inst->iface, st->why);
	st->why[0] = '\0'; /* said once */
	return err ? err : -ENOLINK;
}

/* The counters now, into cur and st->hits. */
static int read_now(struct xdp_stats *st, struct xdpdrop_stats *cur)
{
	int err = xdp_maps_read_stats(&st->inst->maps, cur);

	return err ? err : xdp_maps_read_hits(&st->inst->maps, st->hits);
}

int xdp_stats_tick(void *ctx)
{
	struct xdp_stats *st = ctx;
	struct xdpdrop_stats cur;
	uint64_t now = mono_now_ns();
	struct span s = { "interval", &cur,	     &st->prev,
			  st->hits,   st->prev_hits, (now - st->last_ns) / NS,
			  false };
	struct xdpdrop_count *swap;
	int err = read_now(st, &cur);

	if (!err)
		err = check_attached(st);
	if (err)
		return err;
	row(st, &s);
	st->prev = cur;
	st->last_ns = now;
	swap = st->prev_hits;
	st->prev_hits = st->hits;
	st->hits = swap;
	return st->detached ? end_detached(st) : 0;
}

int xdp_stats_total(struct xdp_stats *st)
{
	struct xdpdrop_stats cur, zero = {};
	struct span s = { "total", &cur, &zero, st->hits, NULL, (mono_now_ns() - st->start_ns) / NS,
			  false };
	int err = read_now(st, &cur);

	if (!err)
		err = check_attached(st);
	if (err)
		return err;
	row(st, &s);
	return end_detached(st);
}

void xdp_stats_free(struct xdp_stats *st)
{
	free(st->hits);
	free(st->prev_hits);
	free(st->order);
	memset(st, 0, sizeof(*st));
}

int xdp_stats_status(const struct xdp_inst_cfg *cfg, const struct out_cfg *out)
{
	struct xdpdrop_stats cur, zero = {};
	struct xdp_stats st = {};
	struct xdp_inst inst;
	struct timespec now;
	int err;

	err = xdp_inst_open(cfg->iface, &inst, XDP_PIN_READ, XDP_READ_RULES);
	if (!err)
		err = xdp_stats_init(&st, &inst, out, 0, true);
	if (!err)
		err = read_now(&st, &cur);
	if (!err)
		err = check_attached(&st);
	if (!err) {
		struct span s = { "status", &cur, &zero, st.hits, NULL, 0, true };

		clock_gettime(CLOCK_REALTIME, &now);
		s.secs =
		    (now.tv_sec * 1000000000LL + now.tv_nsec - (int64_t)inst.info.attached_ns) / NS;
		row(&st, &s);
		err = end_detached(&st);
	}
	xdp_stats_free(&st);
	xdp_inst_close(&inst);
	return err;
}
