// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tcprtt: TCP's smoothed round-trip time as histograms: one for the system,
 * or one per local or remote address or per cgroup; one report per
 * interval. */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include "lib/sonde.h"
#include "lib/array_size.h"
#include "lib/hist.h"
#include "lib/hist_task.h"
#include "lib/log.h"
#include "lib/net.h"
#include "common/tcprtt.h"
#include "skel/tcprtt.skel.h"

struct tcprtt_opts {
	struct sonde_opts common;
	struct hist_opts hist;
	bool by_laddr, by_raddr, by_cgroup;
	struct net_ports ports; /* -l, -r */
};

enum { OPT_BY_CGROUP = 0x300 };

static const struct argp_option options[] = {
	{ "laddr", 'a', NULL, 0, "A histogram per local address", 0 },
	{ "raddr", 'A', NULL, 0, "A histogram per remote address", 0 },
	{ "by-cgroup", OPT_BY_CGROUP, NULL, 0,
	  "A histogram per cgroup v2 (the socket's: where its creator was)", 0 },
	{ "lport", 'l', "PORTS", 0, "Only sockets with these local ports (comma list)", 0 },
	{ "rport", 'r', "PORTS", 0, "Only sockets with these remote ports (comma list)", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('a', struct tcprtt_opts, by_laddr),
	SONDE_STORE('A', struct tcprtt_opts, by_raddr),
	SONDE_STORE(OPT_BY_CGROUP, struct tcprtt_opts, by_cgroup),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct tcprtt_opts *o = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->hist;
		return 0;
	case 'l':
		return net_ports_set(&o->ports, true, "-l/--lport", arg) ? EINVAL : 0;
	case 'r':
		return net_ports_set(&o->ports, false, "-r/--rport", arg) ? EINVAL : 0;
	case ARGP_KEY_END:
		if (o->by_laddr + o->by_raddr + o->by_cgroup > 1) {
			log_err("-a/--laddr, -A/--raddr and --by-cgroup exclude each other: give "
				"one or none");
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
	.args_doc = HIST_TASK_ARGS_DOC,
	.doc = "Show TCP's smoothed round-trip time (srtt, as ss -ti shows it) as histograms.\v"
	       "EXAMPLES:\n"
	       "  tcprtt                      # until Ctrl-C, then one histogram\n"
	       "  tcprtt 1 10                 # ten 1-second histograms\n"
	       "  tcprtt -A -m 5              # per remote address, in milliseconds, every 5 s\n"
	       "  tcprtt -r 443 -A            # connections to port 443, per server address\n"
	       "  tcprtt -l 80                # connections of a server on port 80\n"
	       "  tcprtt --by-cgroup 10 1     # per cgroup of the sockets, over 10 seconds\n"
	       "  tcprtt -j -A 1 | jq -c '{time, raddr, count, p50_us, p99_us}'",
	.children = hist_argp_children,
};

static const struct sonde_cli cli = { &argp, stores, SONDE_OPT_FAMILY };

enum { C_TIME, C_INTERVAL, C_LADDR, C_RADDR, C_CGROUP, C_HIST };

#define TCPRTT_KEY_COLS                                                                            \
	[C_LADDR] = { "LADDR", "laddr", 39, OUT_HIDDEN | OUT_LABEL },                              \
	[C_RADDR] = { "RADDR", "raddr", 39, OUT_HIDDEN | OUT_LABEL },                              \
	[C_CGROUP] = { "CGROUP", "cgroup_id", 24, OUT_WITH_CGROUP | OUT_HIDDEN | OUT_LABEL }

static const struct out_col cols_us[] = {
	OUT_COLS_BLOCK_TIME,
	TCPRTT_KEY_COLS,
	HIST_COLS(C_HIST, "us"),
};

static const struct out_col cols_ms[] = {
	OUT_COLS_BLOCK_TIME,
	TCPRTT_KEY_COLS,
	HIST_COLS(C_HIST, "ms"),
};

struct key_ctx {
	enum tcprtt_by by;
	const struct bpf_map *addrs; /* its fd exists once hist_keys_run() loaded it */
};

static void write_key(void *vctx, struct out *o, const void *k)
{
	const struct key_ctx *ctx = vctx;
	unsigned col = ctx->by == TCPRTT_BY_LADDR ? C_LADDR : C_RADDR;
	struct tcprtt_addr a;
	uint64_t key;

	memcpy(&key, k, sizeof(key));
	if (ctx->by == TCPRTT_BY_CGROUP)
		out_cgroup(o, C_CGROUP, key);
	else if (!bpf_map_lookup_elem(bpf_map__fd(ctx->addrs), &key, &a))
		out_addr(o, col, a.family, a.addr);
	else
		out_null(o, col, "?");
}

static int run(struct tcprtt_bpf *skel, const struct tcprtt_opts *opts)
{
	enum tcprtt_by by = opts->by_laddr    ? TCPRTT_BY_LADDR
			    : opts->by_raddr  ? TCPRTT_BY_RADDR
			    : opts->by_cgroup ? TCPRTT_BY_CGROUP
					      : TCPRTT_BY_ALL;
	struct key_ctx ctx = { .by = by, .addrs = skel->maps.addrs };
	struct hist_keys keys = {
		.cols = opts->hist.ms ? cols_ms : cols_us,
		.ncols = ARRAY_SIZE(cols_us),
		.hist_col = C_HIST,
		.shown = OUT_SHOW(C_LADDR, by == TCPRTT_BY_LADDR) |
			 OUT_SHOW(C_RADDR, by == TCPRTT_BY_RADDR) |
			 OUT_SHOW(C_CGROUP, by == TCPRTT_BY_CGROUP),
		.show_cgroup = by == TCPRTT_BY_CGROUP,
		.one = by == TCPRTT_BY_ALL,
		.write_key = write_key,
		.ctx = &ctx,
	};
	/* Sockets' owners are needed by -p and -c alone. */
	bool owners = opts->common.pid || opts->common.cgroup;

	skel->rodata->tcprtt_by = by;
	skel->rodata->net_family = opts->common.family;
	NET_PORTS_RODATA(skel->rodata, &opts->ports);
	bpf_program__set_autoload(skel->progs.handle_owner_state, owners);
	bpf_program__set_autoload(skel->progs.handle_owner_accept4, owners);
	bpf_program__set_autoload(skel->progs.handle_owner_accept, owners);
	return hist_keys_run(skel->skeleton, &opts->common, &opts->hist, &keys);
}

int main(int argc, char **argv)
{
	struct tcprtt_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct tcprtt_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = tcprtt_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	err = run(skel, &opts);
	tcprtt_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
