// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tcpconnect: trace active TCP connects, their latency and outcome (-L), or
 * count them by process and destination (--count). */
#include <errno.h>
#include <string.h>
#include "lib/sonde.h"
#include "lib/net.h"
#include "lib/net_count.h"
#include "common/tcpconnect.h"
#include "skel/tcpconnect.skel.h"

struct tcpconnect_ctx {
	struct out out;
	bool latency; /* -L */
};

struct tcpconnect_opts {
	struct sonde_opts common;
	bool sport;
	bool count;
	struct prom_opts prom;
	bool latency;
	uint16_t ports[NET_MAX_PORTS];
	unsigned nports;
};

enum {
	C_IP = NET_COL_IP,
	C_SADDR,
	C_DADDR,
	C_SPORT,
	C_DPORT,
	C_ADDR_FROM,
	C_LAT,
	C_LAT_US,
	C_RESULT,
	C_ERROR,
	C_RET,
	C_CGROUP
};

/* -s shows SPORT, -L LAT(ms) and RESULT. */
static const struct out_col cols[] = {
	NET_COLS_OWNER,
	[C_IP] = { "IP", "family", 2, 0 },
	[C_SADDR] = { "LADDR", "laddr", 16, 0 },
	[C_DADDR] = { "RADDR", "raddr", 16, 0 },
	[C_SPORT] = { "LPORT", "lport", 5, OUT_HIDDEN },
	[C_DPORT] = { "RPORT", "rport", 5, 0 },
	[C_ADDR_FROM] = { NULL, "addr_from", 0, 0 },
	[C_LAT] = { "LAT(ms)", NULL, 9, OUT_RIGHT | OUT_HIDDEN },
	[C_LAT_US] = { NULL, "lat_us", 0, 0 },
	[C_RESULT] = { "RESULT", "result", 11, OUT_HIDDEN },
	[C_ERROR] = { NULL, "error", 0, 0 },
	[C_RET] = { NULL, "ret", 0, 0 },
	[C_CGROUP] = OUT_COL_CGROUP,
};

enum { K_IP = NET_COL_IP, K_DADDR, K_DPORT, K_CONNECTS, K_CGROUP };

static const struct out_col count_cols[] = {
	NET_COLS_WHO,
	[K_IP] = { "IP", "family", 2, OUT_LABEL },
	[K_DADDR] = { "RADDR", "raddr", 16, OUT_LABEL },
	[K_DPORT] = { "RPORT", "rport", 5, OUT_LABEL },
	[K_CONNECTS] = { "CONNECTS", "connects", 8, OUT_RIGHT | OUT_COUNTER },
	[K_CGROUP] = OUT_COL_CGROUP,
};

enum { OPT_COUNT = 0x100 };

static const struct argp_option options[] = {
	{ "sport", 's', NULL, 0, "Show the local port (LPORT column)", 0 },
	{ "port", 'P', "PORTS", 0, "Only these destination ports (comma list, e.g. 80,443)", 0 },
	{ "latency", 'L', NULL, 0, "Report each connect's latency and outcome", 0 },
	{ "count", OPT_COUNT, NULL, 0, "Count connects by process and destination; print at exit",
	  0 },
	PROM_OPTIONS,
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('s', struct tcpconnect_opts, sport),
	SONDE_STORE('L', struct tcpconnect_opts, latency),
	SONDE_STORE(OPT_COUNT, struct tcpconnect_opts, count),
	PROM_STORES(struct tcpconnect_opts, prom),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct tcpconnect_opts *o = state->input;

	switch (key) {
	case 'P':
		return net_ports_parse("-P/--port", arg, 1, o->ports, NET_MAX_PORTS, &o->nports)
			   ? EINVAL
			   : 0;
	case ARGP_KEY_END:
		if (o->count && o->latency) {
			log_err("--count and -L/--latency exclude each other");
			return EINVAL;
		}
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.doc = "Trace active TCP connects: who connects where, through connect(), io_uring or "
	       "TCP Fast Open.\v"
	       "EXAMPLES:\n"
	       "  tcpconnect                # every connect, until Ctrl-C\n"
	       "  tcpconnect -t -s          # with seconds since start and the source port\n"
	       "  tcpconnect -P 80,443      # only connects to ports 80 and 443\n"
	       "  tcpconnect -c system.slice/nginx.service   # only inside this cgroup\n"
	       "  tcpconnect -L             # latency and outcome: established, refused, ...\n"
	       "  tcpconnect --count -d 10  # connects per process and destination, for 10 s\n"
	       "  tcpconnect -j | jq -r 'select(.rport == 443) | .raddr'",
};

static const struct sonde_cli cli = { &argp, stores,
				      SONDE_OPT_TIME | SONDE_OPT_UID | SONDE_OPT_FAMILY };

/* -L: the outcome in a word; the socket's error for a failed connect. */
static const char *result_name(const struct tcpconnect_event *e)
{
	if (e->result == TCPCONNECT_ESTABLISHED)
		return "established";
	if (e->result == TCPCONNECT_UNSENT)
		return "failed"; /* before a SYN was sent */
	switch (e->ret) {
	case 0:
		return "aborted"; /* closed by its owner before an answer */
	case ECONNREFUSED:
		return "refused";
	case ETIMEDOUT:
		return "timed_out";
	case EHOSTUNREACH:
	case ENETUNREACH:
		return "unreachable";
	default:
		return "error";
	}
}

static void write_outcome(struct out *o, const struct tcpconnect_event *e)
{
	const char *res = result_name(e);

	out_double(o, C_LAT, e->lat_ns / 1e6, 3);
	out_uint(o, C_LAT_US, e->lat_ns / 1000);
	out_str(o, C_RESULT, res, strlen(res));
	if (e->ret)
		out_str(o, C_ERROR, errno_name(e->ret) ?: "?", 16);
	else
		out_null(o, C_ERROR, "-");
}

static int handle_event(void *vctx, void *data, size_t size)
{
	struct tcpconnect_ctx *ctx = vctx;
	const struct tcpconnect_event *e = data;
	struct out *o = &ctx->out;

	if (size < sizeof(*e))
		return 0;
	net_row_begin(o, &e->h, e->t.family);
	out_addr(o, C_SADDR, e->t.family, e->t.saddr);
	out_addr(o, C_DADDR, e->t.family, e->t.daddr);
	out_uint(o, C_SPORT, e->t.sport);
	out_uint(o, C_DPORT, e->t.dport);
	stream_out_from(o, C_ADDR_FROM, e->addr_from);
	/* The options choose the keys, not the record: -L's, or ret. */
	if (ctx->latency)
		write_outcome(o, e);
	else
		out_int(o, C_RET, e->ret);
	out_owner_cgroup(o, C_CGROUP, e->h.pid, e->h.cgroup_id);
	out_row_end(o);
	return 0;
}

/* --count: one row per (process, destination). */
static void count_row(struct out *o, const void *key, const void *val, void *ctx)
{
	const struct tcpconnect_key *k = key;
	const struct tcpconnect_count *v = val;

	(void)ctx;
	net_count_row_begin(o, &v->o, k->family);
	out_addr(o, K_DADDR, k->family, k->daddr);
	out_uint(o, K_DPORT, k->dport);
	out_uint(o, K_CONNECTS, v->connects);
	out_owner_cgroup(o, K_CGROUP, v->o.pid, v->o.cgroup_id);
	out_row_end(o);
}

int main(int argc, char **argv)
{
	struct tcpconnect_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct tcpconnect_ctx ctx = { 0 };
	struct sonde_stream st = { .cols = cols,
				   .ncols = ARRAY_SIZE(cols),
				   .on_event = handle_event,
				   .ctx = &ctx,
				   .out = &ctx.out };
	struct tcpconnect_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (!err)
		err = net_count_check(opts.count, &opts.prom);
	if (err)
		return sonde_exit(err);

	skel = tcpconnect_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->count_mode = opts.count;
	skel->rodata->latency_mode = opts.latency;
	skel->rodata->net_family = opts.common.family;
	memcpy((void *)skel->rodata->dports, opts.ports, sizeof(opts.ports));
	skel->rodata->ndports = opts.nports;
	/* --count counts SYN_SENT transitions only. */
	bpf_program__set_autoload(skel->progs.handle_enter_connect, !opts.count);
	bpf_program__set_autoload(skel->progs.handle_exit_connect, !opts.count);
	if (opts.count) {
		struct net_count_table t = {
			count_cols,
			ARRAY_SIZE(count_cols),
			skel->maps.counts,
			sizeof(struct tcpconnect_key),
			sizeof(struct tcpconnect_count),
			offsetof(struct tcpconnect_count, connects),
			count_row,
			NULL,
			NULL,
			&opts.prom,
		};

		err = net_count_run(skel->skeleton, &opts.common, &t);
	} else {
		ctx.latency = opts.latency;
		st.show = OUT_SHOW(C_SPORT, opts.sport) | OUT_SHOW(C_LAT, opts.latency) |
			  OUT_SHOW(C_RESULT, opts.latency);
		err = sonde_stream_run(skel->skeleton, &opts.common, &st);
	}

	tcpconnect_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
