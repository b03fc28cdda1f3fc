// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tcplife: trace TCP sessions when they close: both ends, bytes and duration. */
#include <errno.h>
#include <string.h>
#include "lib/sonde.h"
#include "lib/net.h"
#include "common/tcplife.h"
#include "skel/tcplife.skel.h"

struct tcplife_opts {
	struct sonde_opts common;
	bool wide;
	struct net_ports ports; /* -L, -D */
};

enum {
	C_IP = NET_COL_IP,
	C_LADDR,
	C_LPORT,
	C_RADDR,
	C_RPORT,
	C_TX_KB,
	C_RX_KB,
	C_TX,
	C_RX,
	C_MS,
	C_DUR_US,
	C_OWNER_FROM,
	C_CGROUP
};

/* The table, with addresses `addr` wide; -w also shows IP. */
#define TCPLIFE_COLS(addr)                                                                         \
	NET_COLS_OWNER,                                                                            \
	    [C_IP] = { "IP", "family", 2, OUT_HIDDEN }, [C_LADDR] = { "LADDR", "laddr", addr, 0 }, \
	    [C_LPORT] = { "LPORT", "lport", 5, 0 }, [C_RADDR] = { "RADDR", "raddr", addr, 0 },     \
	    [C_RPORT] = { "RPORT", "rport", 5, 0 }, [C_TX_KB] = { "TX_KB", NULL, 6, OUT_RIGHT },   \
	    [C_RX_KB] = { "RX_KB", NULL, 6, OUT_RIGHT }, [C_TX] = { NULL, "tx_bytes", 0, 0 },      \
	    [C_RX] = { NULL, "rx_bytes", 0, 0 }, [C_MS] = { "MS", NULL, 9, OUT_RIGHT },            \
	    [C_DUR_US] = { NULL, "dur_us", 0, 0 }, NET_COLS_OWNER_END(C_OWNER_FROM)

static const struct out_col cols[] = { TCPLIFE_COLS(15) };
/* -w: wide enough for any IPv6 address. */
static const struct out_col wide_cols[] = { TCPLIFE_COLS(39) };

static const struct argp_option options[] = {
	{ "localport", 'L', "PORTS", 0, "Only sessions with these local ports (comma list)", 0 },
	{ "remoteport", 'D', "PORTS", 0, "Only sessions with these remote ports (comma list)", 0 },
	{ "wide", 'w', NULL, 0, "Wide columns: room for IPv6 addresses, and the IP column", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('w', struct tcplife_opts, wide),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct tcplife_opts *o = state->input;

	switch (key) {
	case 'L':
		return net_ports_set(&o->ports, true, "-L/--localport", arg) ? EINVAL : 0;
	case 'D':
		return net_ports_set(&o->ports, false, "-D/--remoteport", arg) ? EINVAL : 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.doc = "Trace TCP sessions as they close: both ends, bytes sent and received, duration.\v"
	       "EXAMPLES:\n"
	       "  tcplife                   # every session that closes, until Ctrl-C\n"
	       "  tcplife -T -w             # with a clock column, wide addresses\n"
	       "  tcplife -L 80,443         # sessions of local ports 80 and 443 (a server)\n"
	       "  tcplife -D 5432           # sessions to remote port 5432 (a client)\n"
	       "  tcplife -c system.slice/nginx.service   # only sessions owned in this cgroup\n"
	       "  tcplife -j | jq -c 'select(.tx_bytes > 1000000) | {comm, raddr, tx_bytes}'",
};

static const struct sonde_cli cli = { &argp, stores,
				      SONDE_OPT_TIME | SONDE_OPT_UID | SONDE_OPT_FAMILY };

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct tcplife_event *e = data;
	struct out *o = ctx;

	if (size < sizeof(*e))
		return 0;
	net_row_begin(o, &e->h, e->t.family);
	out_addr(o, C_LADDR, e->t.family, e->t.saddr);
	out_uint(o, C_LPORT, e->t.sport);
	out_addr(o, C_RADDR, e->t.family, e->t.daddr);
	out_uint(o, C_RPORT, e->t.dport);
	out_uint(o, C_TX_KB, e->tx_bytes / 1024);
	out_uint(o, C_RX_KB, e->rx_bytes / 1024);
	out_uint(o, C_TX, e->tx_bytes);
	out_uint(o, C_RX, e->rx_bytes);
	out_double(o, C_MS, e->dur_ns / 1e6, 2);
	out_uint(o, C_DUR_US, e->dur_ns / 1000);
	out_owner_end(o, C_OWNER_FROM, e->owner_from, &e->h);
	out_row_end(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct tcplife_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct out out;
	struct sonde_stream st = { .cols = cols,
				   .ncols = ARRAY_SIZE(cols),
				   .on_event = handle_event,
				   .ctx = &out,
				   .out = &out };
	struct tcplife_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);
	if (opts.wide) {
		st.cols = wide_cols;
		st.show = OUT_SHOW(C_IP, true);
	}

	skel = tcplife_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->net_family = opts.common.family;
	NET_PORTS_RODATA(skel->rodata, &opts.ports);

	st.notes = net_owner_notes(&opts.common, "sessions");
	err = sonde_stream_run(skel->skeleton, &opts.common, &st);

	tcplife_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
