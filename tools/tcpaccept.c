// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tcpaccept: trace accepted TCP connections with the process that accepted them. */
#include <errno.h>
#include <string.h>
#include "lib/sonde.h"
#include "lib/net.h"
#include "common/tcpaccept.h"
#include "skel/tcpaccept.skel.h"

struct tcpaccept_opts {
	struct sonde_opts common;
	uint16_t ports[NET_MAX_PORTS];
	unsigned nports;
};

enum { C_IP = NET_COL_IP, C_RADDR, C_RPORT, C_LADDR, C_LPORT, C_CGROUP };

static const struct out_col cols[] = {
	NET_COLS_OWNER,
	[C_IP] = { "IP", "family", 2, 0 },
	[C_RADDR] = { "RADDR", "raddr", 16, 0 },
	[C_RPORT] = { "RPORT", "rport", 5, 0 },
	[C_LADDR] = { "LADDR", "laddr", 16, 0 },
	[C_LPORT] = { "LPORT", "lport", 5, 0 },
	[C_CGROUP] = OUT_COL_CGROUP,
};

static const struct argp_option options[] = {
	{ "port", 'P', "PORTS", 0, "Only these local ports (comma list, e.g. 80,443)", 0 },
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct tcpaccept_opts *o = state->input;

	if (key != 'P')
		return ARGP_ERR_UNKNOWN;
	if (net_ports_parse("-P/--port", arg, 1, o->ports, NET_MAX_PORTS, &o->nports))
		return EINVAL;
	return 0;
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.doc = "Trace accepted TCP connections, with the process that accepted them. Accepts "
	       "submitted through io_uring are not seen.\v"
	       "EXAMPLES:\n"
	       "  tcpaccept                 # every accepted connection, until Ctrl-C\n"
	       "  tcpaccept -T              # with a clock column\n"
	       "  tcpaccept -P 80,443       # only on local ports 80 and 443\n"
	       "  tcpaccept -c system.slice/nginx.service   # only accepts inside this cgroup\n"
	       "  tcpaccept -j | jq -r '.raddr' | sort | uniq -c   # clients by address",
};

static const struct sonde_cli cli = { &argp, NULL,
				      SONDE_OPT_TIME | SONDE_OPT_UID | SONDE_OPT_FAMILY };

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct tcpaccept_event *e = data;
	struct out *o = ctx;

	if (size < sizeof(*e))
		return 0;
	net_row_begin(o, &e->h, e->t.family);
	out_addr(o, C_RADDR, e->t.family, e->t.daddr);
	out_uint(o, C_RPORT, e->t.dport);
	out_addr(o, C_LADDR, e->t.family, e->t.saddr);
	out_uint(o, C_LPORT, e->t.sport);
	out_owner_cgroup(o, C_CGROUP, e->h.pid, e->h.cgroup_id);
	out_row_end(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct tcpaccept_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct out out;
	struct sonde_stream st = { .cols = cols,
				   .ncols = ARRAY_SIZE(cols),
				   .on_event = handle_event,
				   .ctx = &out,
				   .out = &out };
	struct tcpaccept_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = tcpaccept_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->net_family = opts.common.family;
	memcpy((void *)skel->rodata->lports, opts.ports, sizeof(opts.ports));
	skel->rodata->nlports = opts.nports;

	err = sonde_stream_run(skel->skeleton, &opts.common, &st);

	tcpaccept_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
