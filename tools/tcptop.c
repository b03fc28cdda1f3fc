// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tcptop: the TCP flows that moved the most bytes, per process, each
 * interval. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/sonde.h"
#include "lib/dbuf.h"
#include "lib/interval.h"
#include "lib/log.h"
#include "lib/net.h"
#include "common/tcptop.h"
#include "skel/tcptop.skel.h"

struct tcptop_opts {
	struct sonde_opts common;
	uint32_t interval_s, count, rows;
	bool no_clear, no_summary;
	struct prom_opts prom;
};

struct flow_row {
	struct tcptop_key k;
	struct tcptop_val v;
};

struct tcptop_ctx {
	const struct tcptop_opts *opts;
	struct dbuf dbuf;
	struct out_block block;
	struct flow_row *rows;
	size_t n, cap;
};

enum {
	C_TIME,
	C_INTERVAL,
	C_PID,
	C_COMM,
	C_IP,
	C_LADDR,
	C_LADDR_KEY,
	C_LPORT,
	C_RADDR,
	C_RADDR_KEY,
	C_RPORT,
	C_RX_KB,
	C_TX_KB,
	C_RX,
	C_TX,
	C_CGROUP
};

static const struct out_col cols[] = {
	OUT_COLS_BLOCK_TIME,
	[C_PID] = { "PID", "pid", 7, OUT_LABEL },
	[C_COMM] = { "COMM", "comm", 16, OUT_LABEL },
	[C_IP] = { NULL, "family", 0, OUT_LABEL },
	NET_COLS_END(C_LADDR, "LADDR", "laddr", "lport"),
	NET_COLS_END(C_RADDR, "RADDR", "raddr", "rport"),
	[C_RX_KB] = { "RX_KB", NULL, 8, OUT_RIGHT },
	[C_TX_KB] = { "TX_KB", NULL, 8, OUT_RIGHT },
	[C_RX] = { NULL, "rx_bytes", 0, OUT_COUNTER },
	[C_TX] = { NULL, "tx_bytes", 0, OUT_COUNTER },
	[C_CGROUP] = OUT_COL_CGROUP,
};

/* BCC's -C (do not clear) is sonde's --show-cgroup: tcptop never clears. */
enum { OPT_NOCLEAR = 0x300 };

static const struct argp_option options[] = {
	{ "rows", 'r', "ROWS", 0, "Flows shown per interval, most bytes first (default 20)", 0 },
	{ "noclear", OPT_NOCLEAR, NULL, 0, "Accepted for BCC users: tcptop never clears the screen",
	  0 },
	{ "nosummary", 'S', NULL, 0, "Accepted for BCC users: tcptop prints no summary line", 0 },
	PROM_OPTIONS,
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE_RANGE('r', "-r/--rows", struct tcptop_opts, rows, 1, 1000000),
	SONDE_STORE(OPT_NOCLEAR, struct tcptop_opts, no_clear),
	SONDE_STORE('S', struct tcptop_opts, no_summary),
	PROM_STORES(struct tcptop_opts, prom),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct tcptop_opts *o = state->input;

	if (key != ARGP_KEY_ARG)
		return ARGP_ERR_UNKNOWN;
	return parse_interval_arg(state->arg_num, arg, &o->interval_s, &o->count) ? EINVAL : 0;
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.args_doc = "[interval [count]]",
	.doc = "Show the TCP flows that sent and received the most bytes, per process, every "
	       "interval (default 1 second).\v"
	       "EXAMPLES:\n"
	       "  tcptop                    # every second, the 20 busiest flows\n"
	       "  tcptop 5 3                # three 5-second reports\n"
	       "  tcptop -p 1234 -r 5       # one process's 5 busiest flows\n"
	       "  tcptop -c 3f2a9c1b7d4e    # flows of processes inside this container\n"
	       "  tcptop -6 -C 10           # IPv6 flows, with their cgroup, every 10 seconds\n"
	       "  tcptop -j | jq -c '{pid, comm, raddr, rport, tx_bytes, rx_bytes}'",
};

static const struct sonde_cli cli = { &argp, stores, SONDE_OPT_FAMILY };

static int collect(const void *key, const uint64_t *sum, void *vctx)
{
	struct tcptop_ctx *ctx = vctx;
	struct flow_row *r;

	if (ctx->n == ctx->cap) {
		size_t cap = ctx->cap ? ctx->cap * 2 : 64;

		r = realloc(ctx->rows, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		ctx->rows = r;
		ctx->cap = cap;
	}
	r = &ctx->rows[ctx->n++];
	memcpy(&r->k, key, sizeof(r->k));
	memcpy(&r->v, sum, sizeof(r->v));
	return 0;
}

/* The most bytes first; ties by process and port, so that the output is
 * stable. */
static int row_cmp(const void *a, const void *b)
{
	const struct flow_row *x = a, *y = b;
	uint64_t bx = x->v.tx_bytes + x->v.rx_bytes, by = y->v.tx_bytes + y->v.rx_bytes;

	if (bx != by)
		return bx > by ? -1 : 1;
	if (x->k.pid != y->k.pid)
		return x->k.pid < y->k.pid ? -1 : 1;
	return x->k.t.sport < y->k.t.sport ? -1 : x->k.t.sport > y->k.t.sport;
}

static void write_row(struct out *o, const struct flow_row *r)
{
	const struct net_tuple *t = &r->k.t;

	out_uint(o, C_PID, r->k.pid);
	out_str(o, C_COMM, r->k.comm, sizeof(r->k.comm));
	out_ip_version(o, C_IP, t->family);
	out_endpoint_cols(o, C_LADDR, t->family, t->saddr, t->sport);
	out_endpoint_cols(o, C_RADDR, t->family, t->daddr, t->dport);
	out_uint(o, C_RX_KB, r->v.rx_bytes / 1024);
	out_uint(o, C_TX_KB, r->v.tx_bytes / 1024);
	out_uint(o, C_RX, r->v.rx_bytes);
	out_uint(o, C_TX, r->v.tx_bytes);
	out_cgroup(o, C_CGROUP, r->k.cgroup_id);
}

static int report(void *vctx, bool skip_empty)
{
	struct tcptop_ctx *ctx = vctx;
	struct out_rows *rows;
	size_t n;
	int err;

	/* Every report is printed, the cut-short last one too, with no flows
	 * as with many: its text block is the header alone (JSON: nothing). */
	(void)skip_empty;
	ctx->n = 0;
	err = dbuf_drain(&ctx->dbuf, collect, ctx);
	if (err)
		return err;
	if (ctx->n)
		qsort(ctx->rows, ctx->n, sizeof(*ctx->rows), row_cmp);
	n = ctx->n < ctx->opts->rows ? ctx->n : ctx->opts->rows;
	rows = out_block_begin(&ctx->block);
	for (size_t i = 0; i < n; i++) {
		write_row(out_rows_row(rows), &ctx->rows[i]);
		out_rows_row_end(rows);
	}
	out_block_end(&ctx->block);
	return 0;
}

/* Without sock:sock_send_length (Linux 6.3+) there is nothing to count
 * with: one line, exit 3. With --btf the loader names what the file lacks
 * (the kernel's complete BTF, which these tp_btf hooks need) instead, as
 * it names what an unprivileged user lacks and where it looked for BTF. */
static int hooks_present(const struct sonde_opts *o)
{
	if (o->btf || o->btf_none || !probe_privileged())
		return 0;
	if (probe_tracepoint("sock", "sock_send_length") &&
	    probe_tracepoint("sock", "sock_recv_length"))
		return 0;
	if (!probe_tracefs())
		return tracefs_ensure();
	log_err("this kernel has no sock:sock_send_length and sock:sock_recv_length tracepoints "
		"(Linux 6.3 or later), which tcptop counts with");
	return -ENOTSUP;
}

int main(int argc, char **argv)
{
	struct tcptop_opts opts = { .common = SONDE_OPTS_DEFAULTS, .interval_s = 1, .rows = 20 };
	struct tcptop_ctx ctx = { .opts = &opts };
	struct interval_cfg cfg = {
		.report = report, .ctx = &ctx, .block = &ctx.block, .dbuf = &ctx.dbuf
	};
	struct tcptop_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (!err)
		err = hooks_present(&opts.common);
	if (err)
		return sonde_exit(err);

	skel = tcptop_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->net_family = opts.common.family;
	cfg.interval_s = opts.interval_s;
	cfg.count = opts.count;
	cfg.outer = skel->maps.flows;
	cfg.a = skel->maps.flows_a;
	cfg.b = skel->maps.flows_b;
	cfg.prom = &opts.prom;
	out_block_init(&ctx.block, stdout, NULL, cols, ARRAY_SIZE(cols), 0, &opts.common.out);
	err = interval_run(skel->skeleton, &opts.common, &cfg);

	free(ctx.rows);
	tcptop_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
