// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tcpretrans: trace TCP retransmissions, with the owning process when it is
 * known, or count them per flow (--count). */
#include <errno.h>
#include <string.h>
#include "lib/sonde.h"
#include "lib/net.h"
#include "lib/net_count.h"
#include "common/tcpretrans.h"
#include "skel/tcpretrans.skel.h"

struct tcpretrans_opts {
	struct sonde_opts common;
	bool count;
	struct prom_opts prom;
};

enum {
	C_IP = NET_COL_IP,
	C_LOCAL,
	C_SADDR,
	C_SPORT,
	C_T,
	C_REMOTE,
	C_DADDR,
	C_DPORT,
	C_STATE,
	C_TYPE,
	C_ERROR,
	C_ERR,
	C_OWNER_FROM,
	C_CGROUP
};

static const struct out_col cols[] = {
	NET_COLS_OWNER,
	[C_IP] = { "IP", "family", 2, 0 },
	NET_COLS_END(C_LOCAL, "LADDR:LPORT", "laddr", "lport"),
	[C_T] = { "T>", NULL, 2, 0 },
	NET_COLS_END(C_REMOTE, "RADDR:RPORT", "raddr", "rport"),
	[C_STATE] = { "STATE", "state", 11, 0 },
	[C_TYPE] = { "TYPE", "type", 6, 0 },
	[C_ERROR] = { "ERROR", "error", 12, 0 },
	[C_ERR] = { NULL, "err", 0, 0 },
	NET_COLS_OWNER_END(C_OWNER_FROM),
};

enum {
	K_IP = NET_COL_IP,
	K_LOCAL,
	K_SADDR,
	K_SPORT,
	K_REMOTE,
	K_DADDR,
	K_DPORT,
	K_RETRANS,
	K_CGROUP
};

static const struct out_col count_cols[] = {
	NET_COLS_WHO,
	[K_IP] = { "IP", "family", 2, OUT_LABEL },
	NET_COLS_END(K_LOCAL, "LADDR:LPORT", "laddr", "lport"),
	NET_COLS_END(K_REMOTE, "RADDR:RPORT", "raddr", "rport"),
	[K_RETRANS] = { "RETRANSMITS", "retransmits", 11, OUT_RIGHT | OUT_COUNTER },
	[K_CGROUP] = OUT_COL_CGROUP,
};

enum { OPT_COUNT = 0x100 };

static const struct argp_option options[] = {
	{ "count", OPT_COUNT, NULL, 0, "Count retransmissions per flow; print at exit", 0 },
	PROM_OPTIONS,
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE(OPT_COUNT, struct tcpretrans_opts, count),
	PROM_STORES(struct tcpretrans_opts, prom),
	{ 0 },
};

static const struct argp argp = {
	.options = options,
	.doc =
	    "Trace TCP retransmissions: the flow, its state, the kind of retransmission and, when "
	    "known, the process that owns the socket.\v"
	    "EXAMPLES:\n"
	    "  tcpretrans                # every retransmission, until Ctrl-C\n"
	    "  tcpretrans -T             # with a clock column\n"
	    "  tcpretrans -6             # only IPv6 flows\n"
	    "  tcpretrans -c system.slice/nginx.service   # sockets owned in this cgroup\n"
	    "  tcpretrans --count -d 60  # retransmissions per flow over a minute\n"
	    "  tcpretrans -j | jq -r 'select(.type == \"rto\") | .raddr' | sort | uniq -c",
};

static const struct sonde_cli cli = { &argp, stores,
				      SONDE_OPT_TIME | SONDE_OPT_UID | SONDE_OPT_FAMILY };

static const char *const type_names[] = {
	[TCPRETRANS_RTO] = "rto",	[TCPRETRANS_FAST] = "fast",   [TCPRETRANS_TLP] = "tlp",
	[TCPRETRANS_SYNACK] = "synack", [TCPRETRANS_OTHER] = "other",
};

/* A failed attempt's errno by name ("-" / null for a sent one), then its
 * number (0 for a sent one). */
static void out_error(struct out *o, unsigned col, int err)
{
	const char *name = errno_name(err) ?: "?";

	if (err)
		out_str(o, col, name, strlen(name));
	else
		out_null(o, col, "-");
	out_int(o, col + 1, err);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct tcpretrans_event *e = data;
	struct out *o = ctx;
	const char *type;

	if (size < sizeof(*e))
		return 0;
	type = e->type < ARRAY_SIZE(type_names) ? type_names[e->type] : "other";
	net_row_begin(o, &e->h, e->t.family);
	out_endpoint_cols(o, C_LOCAL, e->t.family, e->t.saddr, e->t.sport);
	/* "L>" for a loss probe, "R>" for the others, as BCC's tcpretrans. */
	out_str(o, C_T, e->type == TCPRETRANS_TLP ? "L>" : "R>", 2);
	out_endpoint_cols(o, C_REMOTE, e->t.family, e->t.daddr, e->t.dport);
	out_tcp_state(o, C_STATE, e->state);
	out_str(o, C_TYPE, type, strlen(type));
	out_error(o, C_ERROR, e->err);
	out_owner_end(o, C_OWNER_FROM, e->owner_from, &e->h);
	out_row_end(o);
	return 0;
}

static void count_row(struct out *o, const void *key, const void *val, void *ctx)
{
	const struct net_tuple *t = key;
	const struct tcpretrans_count *v = val;

	(void)ctx;
	net_count_row_begin(o, &v->o, t->family);
	out_endpoint_cols(o, K_LOCAL, t->family, t->saddr, t->sport);
	out_endpoint_cols(o, K_REMOTE, t->family, t->daddr, t->dport);
	out_uint(o, K_RETRANS, v->retransmits);
	out_owner_cgroup(o, K_CGROUP, v->o.pid, v->o.cgroup_id);
	out_row_end(o);
}

int main(int argc, char **argv)
{
	struct tcpretrans_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct out out;
	struct sonde_stream st = { .cols = cols,
				   .ncols = ARRAY_SIZE(cols),
				   .on_event = handle_event,
				   .ctx = &out,
				   .out = &out };
	const char *const *notes;
	struct tcpretrans_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (!err)
		err = net_count_check(opts.count, &opts.prom);
	if (err)
		return sonde_exit(err);

	skel = tcpretrans_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	notes = net_owner_notes(&opts.common, "retransmissions");
	skel->rodata->count_mode = opts.count;
	skel->rodata->net_family = opts.common.family;
	if (opts.count) {
		struct net_count_table t = {
			count_cols,
			ARRAY_SIZE(count_cols),
			skel->maps.counts,
			sizeof(struct net_tuple),
			sizeof(struct tcpretrans_count),
			offsetof(struct tcpretrans_count, retransmits),
			count_row,
			NULL,
			notes,
			&opts.prom,
		};

		err = net_count_run(skel->skeleton, &opts.common, &t);
	} else {
		st.notes = notes;
		err = sonde_stream_run(skel->skeleton, &opts.common, &st);
	}

	tcpretrans_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
