// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tcpstates: trace TCP state changes, with the time spent in the state left. */
#include <errno.h>
#include <string.h>
#include "lib/sonde.h"
#include "lib/net.h"
#include "common/tcpstates.h"
#include "skel/tcpstates.skel.h"

struct tcpstates_opts {
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
	C_OLDSTATE,
	C_NEWSTATE,
	C_MS,
	C_DUR_US,
	C_COOKIE,
	C_OWNER_FROM,
	C_CGROUP
};

/* The table, with addresses `addr` wide; -w also shows IP. */
#define TCPSTATES_COLS(addr)                                                                       \
	NET_COLS_OWNER,                                                                            \
	    [C_IP] = { "IP", "family", 2, OUT_HIDDEN }, [C_LADDR] = { "LADDR", "laddr", addr, 0 }, \
	    [C_LPORT] = { "LPORT", "lport", 5, 0 }, [C_RADDR] = { "RADDR", "raddr", addr, 0 },     \
	    [C_RPORT] = { "RPORT", "rport", 5, 0 },                                                \
	    [C_OLDSTATE] = { "OLDSTATE", "oldstate", 11, 0 },                                      \
	    [C_NEWSTATE] = { "NEWSTATE", "newstate", 11, 0 },                                      \
	    [C_MS] = { "MS", NULL, 10, OUT_RIGHT }, [C_DUR_US] = { NULL, "dur_us", 0, 0 },         \
	    [C_COOKIE] = { NULL, "cookie", 0, 0 }, NET_COLS_OWNER_END(C_OWNER_FROM)

static const struct out_col cols[] = { TCPSTATES_COLS(15) };
/* -w: wide enough for any IPv6 address. */
static const struct out_col wide_cols[] = { TCPSTATES_COLS(39) };

static const struct argp_option options[] = {
	{ "localport", 'L', "PORTS", 0, "Only sockets with these local ports (comma list)", 0 },
	{ "remoteport", 'D', "PORTS", 0, "Only sockets with these remote ports (comma list)", 0 },
	{ "wide", 'w', NULL, 0, "Wide columns: room for IPv6 addresses, and the IP column", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('w', struct tcpstates_opts, wide),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct tcpstates_opts *o = state->input;

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
	.doc = "Trace TCP state changes: the socket, its owner, the old and new state, and the "
	       "time spent in the old one.\v"
	       "EXAMPLES:\n"
	       "  tcpstates                 # every TCP state change, until Ctrl-C\n"
	       "  tcpstates -T -w           # with a clock column, wide addresses\n"
	       "  tcpstates -L 80,443       # sockets of local ports 80 and 443 (a server)\n"
	       "  tcpstates -D 5432         # sockets to remote port 5432 (a client)\n"
	       "  tcpstates -c system.slice/nginx.service   # only sockets owned in this cgroup\n"
	       "  tcpstates -j | jq -c 'select(.oldstate == \"SYN_SENT\") | {raddr, dur_us}'",
};

static const struct sonde_cli cli = { &argp, stores,
				      SONDE_OPT_TIME | SONDE_OPT_UID | SONDE_OPT_FAMILY };

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct tcpstates_event *e = data;
	struct out *o = ctx;

	if (size < sizeof(*e))
		return 0;
	net_row_begin(o, &e->h, e->t.family);
	out_addr(o, C_LADDR, e->t.family, e->t.saddr);
	out_uint(o, C_LPORT, e->t.sport);
	out_addr(o, C_RADDR, e->t.family, e->t.daddr);
	out_uint(o, C_RPORT, e->t.dport);
	out_tcp_state(o, C_OLDSTATE, e->oldstate);
	out_tcp_state(o, C_NEWSTATE, e->newstate);
	if (e->dur_ns == TCPSTATES_DUR_UNKNOWN) {
		out_null(o, C_MS, "-");
		out_null(o, C_DUR_US, "-");
	} else {
		out_double(o, C_MS, e->dur_ns / 1e6, 3);
		out_uint(o, C_DUR_US, e->dur_ns / 1000);
	}
	out_uint(o, C_COOKIE, e->cookie);
	out_owner_end(o, C_OWNER_FROM, e->owner_from, &e->h);
	out_row_end(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct tcpstates_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct out out;
	struct sonde_stream st = { .cols = cols,
				   .ncols = ARRAY_SIZE(cols),
				   .on_event = handle_event,
				   .ctx = &out,
				   .out = &out };
	struct tcpstates_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);
	if (opts.wide) {
		st.cols = wide_cols;
		st.show = OUT_SHOW(C_IP, true);
	}

	skel = tcpstates_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->net_family = opts.common.family;
	NET_PORTS_RODATA(skel->rodata, &opts.ports);

	st.notes = net_owner_notes(&opts.common, "state changes");
	err = sonde_stream_run(skel->skeleton, &opts.common, &st);

	tcpstates_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
