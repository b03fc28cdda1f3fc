// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* bindsnoop: trace bind() calls on IPv4 and IPv6 sockets. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include "lib/sonde.h"
#include "lib/net.h"
#include "common/bindsnoop.h"
#include "skel/bindsnoop.skel.h"

struct bindsnoop_opts {
	struct sonde_opts common;
	bool failed;
	uint16_t ports[NET_MAX_PORTS];
	unsigned nports;
};

enum {
	C_IP = NET_COL_IP,
	C_PROT,
	C_ADDR,
	C_PORT,
	C_ADDR_FROM,
	C_OPTS,
	C_IF,
	C_RET,
	C_ERROR,
	C_CGROUP
};

static const struct out_col cols[] = {
	NET_COLS_OWNER,
	[C_IP] = { NULL, "family", 0, 0 },
	[C_PROT] = { "PROT", "protocol", 4, 0 },
	[C_ADDR] = { "LADDR", "laddr", 16, 0 },
	[C_PORT] = { "LPORT", "lport", 5, 0 },
	[C_ADDR_FROM] = { NULL, "addr_from", 0, 0 },
	[C_OPTS] = { "OPTS", "opts", 5, 0 },
	[C_IF] = { "IF", "ifindex", 3, 0 },
	[C_RET] = { "RET", "ret", 10, OUT_RIGHT },
	[C_ERROR] = { NULL, "error", 0, 0 },
	[C_CGROUP] = OUT_COL_CGROUP,
};

static const struct argp_option options[] = {
	{ "failed", 'x', NULL, 0, "Only failed binds", 0 },
	{ "port", 'P', "PORTS", 0, "Only binds to these ports (comma list; 0 = any port)", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('x', struct bindsnoop_opts, failed),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct bindsnoop_opts *o = state->input;

	if (key != 'P')
		return ARGP_ERR_UNKNOWN;
	if (net_ports_parse("-P/--port", arg, 0, o->ports, NET_MAX_PORTS, &o->nports))
		return EINVAL;
	return 0;
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.doc = "Trace bind() calls on IPv4 and IPv6 sockets: who binds which address and port. "
	       "Binds submitted through io_uring are not seen.\v"
	       "EXAMPLES:\n"
	       "  bindsnoop                 # every bind, until Ctrl-C\n"
	       "  bindsnoop -x              # only failed binds (EADDRINUSE, EACCES, ...)\n"
	       "  bindsnoop -P 80,443 -T    # binds to ports 80 and 443, with a clock column\n"
	       "  bindsnoop -c system.slice/nginx.service   # only inside this cgroup\n"
	       "  bindsnoop -j | jq -c 'select(.ret < 0) | {comm, lport, error}'",
};

static const struct sonde_cli cli = { &argp, stores,
				      SONDE_OPT_TIME | SONDE_OPT_UID | SONDE_OPT_FAMILY };

static const char *proto_name(unsigned proto, char *buf, size_t len)
{
	switch (proto) {
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 132:
		return "SCTP";
	case 136:
		return "UDPLITE";
	case 262:
		return "MPTCP";
	default:
		snprintf(buf, len, "%u", proto);
		return buf;
	}
}

/* "FTNRr", a dot for each option not set. */
static void out_opts(struct out *o, unsigned col, uint8_t opts)
{
	static const char letters[] = "FTNRr";
	char s[sizeof(letters)];

	for (unsigned i = 0; i < sizeof(letters) - 1; i++)
		s[i] = opts & (1u << i) ? letters[i] : '.';
	s[sizeof(letters) - 1] = '\0';
	out_str(o, col, s, sizeof(s));
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct bindsnoop_event *e = data;
	struct out *o = ctx;
	char buf[8];
	const char *s;

	if (size < sizeof(*e))
		return 0;
	net_row_begin(o, &e->h, e->family);
	s = proto_name(e->protocol, buf, sizeof(buf));
	out_str(o, C_PROT, s, strlen(s));
	out_addr(o, C_ADDR, e->family, e->addr);
	out_uint(o, C_PORT, e->port);
	stream_out_from(o, C_ADDR_FROM, e->addr_from);
	out_opts(o, C_OPTS, e->opts);
	out_int(o, C_IF, e->ifindex);
	out_ret(o, C_RET, e->ret);
	/* -INT_MIN is no int (and no errno). */
	s = e->ret < 0 && e->ret != INT_MIN ? errno_name(-e->ret) : NULL;
	if (s)
		out_str(o, C_ERROR, s, strlen(s));
	else
		out_null(o, C_ERROR, "-");
	out_owner_cgroup(o, C_CGROUP, e->h.pid, e->h.cgroup_id);
	out_row_end(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct bindsnoop_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct out out;
	struct sonde_stream st = { .cols = cols,
				   .ncols = ARRAY_SIZE(cols),
				   .on_event = handle_event,
				   .ctx = &out,
				   .out = &out };
	struct bindsnoop_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = bindsnoop_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->failed_only = opts.failed;
	skel->rodata->net_family = opts.common.family;
	memcpy((void *)skel->rodata->ports, opts.ports, sizeof(opts.ports));
	skel->rodata->nports = opts.nports;

	err = sonde_stream_run(skel->skeleton, &opts.common, &st);

	bindsnoop_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
