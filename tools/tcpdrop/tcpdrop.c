// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tcpdrop: trace TCP packets the kernel drops, with the kernel's reason, or
 * count them by reason (--count). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "lib/btfsrc.h"
#include "lib/sonde.h"
#include "tools/tcpdrop/kbtf.h"
#include "lib/stack.h"
#include "lib/sym.h"
#include "lib/net.h"
#include "lib/net_count.h"
#include "common/tcpdrop.h"
#include "skel/tcpdrop.skel.h"

struct tcpdrop_opts {
	struct sonde_opts common;
	bool count;
	struct prom_opts prom;
	bool location;
	bool kernel_stack;
	bool list_reasons;
	const char *reasons; /* -r as typed */
};

struct tcpdrop_ctx {
	struct out out;
	struct kbtf_enum reasons;
	bool kernel_stack;	  /* -K */
	struct stack_event stack; /* -K; and the kernel's symbols, for -l too */
};

enum {
	C_IP = NET_COL_IP,
	C_SRC,
	C_SADDR,
	C_SPORT,
	C_GT,
	C_DST,
	C_DADDR,
	C_DPORT,
	C_STATE,
	C_FLAGS,
	C_REASON,
	C_LOCATION,
	C_OWNER_FROM,
	C_CGROUP,
	C_KSTACK
};

/* -l shows LOCATION. */
static const struct out_col cols[] = {
	NET_COLS_OWNER,
	[C_IP] = { "IP", "family", 2, 0 },
	NET_COLS_END(C_SRC, "SADDR:SPORT", "saddr", "sport"),
	[C_GT] = { ">", NULL, 1, 0 },
	NET_COLS_END(C_DST, "DADDR:DPORT", "daddr", "dport"),
	[C_STATE] = { "STATE", "state", 11, 0 },
	[C_FLAGS] = { "FLAGS", "flags", 11, 0 },
	[C_REASON] = { "REASON", "reason", 22, 0 },
	[C_LOCATION] = { "LOCATION", "location", 32, OUT_HIDDEN },
	NET_COLS_OWNER_END(C_OWNER_FROM),
	[C_KSTACK] = { "KSTACK", "kernel_stack", 0, OUT_HIDDEN }, /* -K */
};

enum { K_REASON, K_DROPS };

static const struct out_col count_cols[] = {
	[K_REASON] = { "REASON", "reason", 32, OUT_LABEL },
	[K_DROPS] = { "DROPS", "drops", 10, OUT_RIGHT | OUT_COUNTER },
};

enum { L_REASON, L_VALUE };

static const struct out_col list_cols[] = {
	[L_REASON] = { "REASON", "reason", 0, 0 },
	[L_VALUE] = { NULL, "value", 0, 0 },
};

enum { OPT_COUNT = 0x100, OPT_LIST_REASONS };

static const struct argp_option options[] = {
	{ "reason", 'r', "REASONS", 0,
	  "Only drops for these reasons (comma list of names, e.g. NO_SOCKET,NETFILTER_DROP)", 0 },
	{ "location", 'l', NULL, 0, "Show where in the kernel the packet was dropped", 0 },
	{ "kernel-stack", 'K', NULL, 0, "Show the kernel stack that dropped the packet", 0 },
	{ "count", OPT_COUNT, NULL, 0, "Count drops by reason; print at exit", 0 },
	PROM_OPTIONS,
	{ "list-reasons", OPT_LIST_REASONS, NULL, 0,
	  "List the drop reasons this kernel has, and exit", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('r', struct tcpdrop_opts, reasons),
	SONDE_STORE('l', struct tcpdrop_opts, location),
	SONDE_STORE('K', struct tcpdrop_opts, kernel_stack),
	SONDE_STORE(OPT_COUNT, struct tcpdrop_opts, count),
	PROM_STORES(struct tcpdrop_opts, prom),
	SONDE_STORE(OPT_LIST_REASONS, struct tcpdrop_opts, list_reasons),
	{ 0 },
};

static const struct argp argp = {
	.options = options,
	.doc = "Trace TCP packets the kernel drops: the packet, its socket's state and owner when "
	       "known, and the kernel's reason.\v"
	       "EXAMPLES:\n"
	       "  tcpdrop                   # every dropped TCP packet, until Ctrl-C\n"
	       "  tcpdrop -T -l             # with a clock column and the kernel function\n"
	       "  tcpdrop -K                # with the kernel stack of each drop\n"
	       "  tcpdrop -r NO_SOCKET      # packets to ports nothing listens on\n"
	       "  tcpdrop -c system.slice/nginx.service   # sockets owned in this cgroup\n"
	       "  tcpdrop --count -d 60     # drops per reason over a minute\n"
	       "  tcpdrop -j | jq -r '.reason' | sort | uniq -c",
};

static const struct sonde_cli cli = { &argp, stores,
				      SONDE_OPT_TIME | SONDE_OPT_UID | SONDE_OPT_FAMILY };

/* -r: reason names (as this kernel spells them) into the rodata list. */
static int parse_reasons(const char *arg, const struct kbtf_enum *names, uint32_t *vals,
			 uint32_t *n)
{
	char item[64];

	for (const char *p = arg;; p += strcspn(p, ",") + 1) {
		size_t len = strcspn(p, ",");
		int64_t v;

		if (!len || len >= sizeof(item) || *n == TCPDROP_MAX_REASONS) {
			log_err("invalid value '%s' for -r/--reason: expected 1 to %d reason names "
				"separated by commas",
				arg, TCPDROP_MAX_REASONS);
			return -EINVAL;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		if (kbtf_enum_value(names, item, &v)) {
			log_err(
			    "invalid value '%s' for -r/--reason: this kernel has no drop reason "
			    "'%s' (tcpdrop --list-reasons shows them)",
			    arg, item);
			return -EINVAL;
		}
		vals[(*n)++] = v;
		if (!p[len])
			return 0;
	}
}

static void out_reason(struct out *o, unsigned col, const struct kbtf_enum *names, uint32_t r)
{
	const char *name = kbtf_enum_name(names, r);
	char buf[24];

	if (!name) {
		snprintf(buf, sizeof(buf), "REASON_%u", r);
		name = buf;
	}
	out_str(o, col, name, strlen(name));
}

/* "SYN|ACK"; "-" for none. */
static void out_tcp_flags(struct out *o, unsigned col, uint8_t flags)
{
	static const char *const names[] = {
		"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"
	};
	char buf[40] = "";
	size_t n = 0;

	for (unsigned i = 0; i < 8; i++)
		if (flags & 1u << i)
			n += snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? "|" : "", names[i]);
	out_str(o, col, n ? buf : "-", sizeof(buf));
}

static void out_location(struct out *o, struct tcpdrop_ctx *ctx, uint64_t addr)
{
	char buf[160];
	const struct ksyms *ks;

	if (!out_wanted(o, C_LOCATION))
		return;
	ks = stack_event_ksyms(&ctx->stack);
	if (ks && ksyms_name(ks, addr, buf, sizeof(buf)))
		out_str(o, C_LOCATION, buf, sizeof(buf));
	else
		out_null(o, C_LOCATION, "-");
}

static int handle_event(void *vctx, void *data, size_t size)
{
	struct tcpdrop_ctx *ctx = vctx;
	const struct tcpdrop_event *e = data;
	struct out *o = &ctx->out;

	if (size < sizeof(*e))
		return 0;
	net_row_begin(o, &e->h, e->t.family);
	out_endpoint_cols(o, C_SRC, e->t.family, e->t.saddr, e->t.sport);
	out_str(o, C_GT, ">", 1);
	out_endpoint_cols(o, C_DST, e->t.family, e->t.daddr, e->t.dport);
	if (e->state)
		out_tcp_state(o, C_STATE, e->state);
	else
		out_null(o, C_STATE, "-");
	out_tcp_flags(o, C_FLAGS, e->flags);
	out_reason(o, C_REASON, &ctx->reasons, e->reason);
	out_location(o, ctx, e->location);
	out_owner_end(o, C_OWNER_FROM, e->owner_from, &e->h);
	if (ctx->kernel_stack)
		stack_event_out(&ctx->stack, o, C_KSTACK,
				size >= sizeof(struct tcpdrop_stack_event)
				    ? &((const struct tcpdrop_stack_event *)data)->k
				    : NULL);
	out_row_end(o);
	return 0;
}

static void count_row(struct out *o, const void *key, const void *val, void *vctx)
{
	const struct tcpdrop_count_key *k = key;
	const struct tcpdrop_count *v = val;
	struct tcpdrop_ctx *ctx = vctx;

	out_row_begin(o);
	out_reason(o, K_REASON, &ctx->reasons, k->reason);
	out_uint(o, K_DROPS, v->drops);
	out_row_end(o);
}

/* The names of this kernel's drop reasons (enum skb_drop_reason). */
static int load_reasons(struct kbtf_enum *names)
{
	int err = kbtf_enum_load("skb_drop_reason", "SKB_DROP_REASON_", names);

	/* libbpf's -ESRCH: no complete kernel BTF where it looks. */
	if (err == -ESRCH)
		log_err(
		    "cannot read the drop reasons: they are in the kernel's complete BTF, which "
		    "is not at /sys/kernel/btf/vmlinux nor where libbpf looks (a --btf file "
		    "does not have them)");
	else if (err)
		log_err("cannot read the drop reasons (enum skb_drop_reason, Linux 5.17+) from the "
			"kernel's BTF: %s",
			strerror(-err));
	return err;
}

/* --list-reasons: one reason a row, in the kernel's order, but for the
 * values that are no drop, the end marker and the mask of subsystems. */
static int list_reasons(const struct kbtf_enum *names, const struct out_cfg *cfg)
{
	static const char *const skip[] = { "SKB_NOT_DROPPED_YET", "SKB_CONSUMED", "MAX",
					    "SUBSYS_MASK" };
	struct out o;

	/* A closed stdout ends it quietly (EPIPE), as it ends a trace. */
	evloop_signals_init();
	/* No header: the text is the names -r takes, and nothing else. */
	out_init(&o, stdout, list_cols, ARRAY_SIZE(list_cols), 0, cfg);
	for (size_t i = 0; i < names->n; i++) {
		const char *name = names->vals[i].name;
		size_t k = 0;

		while (k < ARRAY_SIZE(skip) && strcmp(name, skip[k]))
			k++;
		if (k < ARRAY_SIZE(skip))
			continue;
		out_row_begin(&o);
		out_str(&o, L_REASON, name, strlen(name));
		out_int(&o, L_VALUE, names->vals[i].value);
		out_row_end(&o);
	}
	return out_flush(&o);
}

/* -r, the options and what the kernel's tracepoint passes, into rodata. */
static int configure(struct tcpdrop_bpf *skel, struct tcpdrop_opts *opts, struct tcpdrop_ctx *ctx)
{
	int err;

	if (opts->reasons) {
		err = parse_reasons(opts->reasons, &ctx->reasons, (uint32_t *)skel->rodata->reasons,
				    (uint32_t *)&skel->rodata->nreasons);
		if (err)
			return err;
	}
	skel->rodata->has_rx_sk = kbtf_tp_nargs("kfree_skb") >= 4;
	kbtf_release();
	log_debug("hook: tp_btf/kfree_skb, %s the receiving socket",
		  skel->rodata->has_rx_sk ? "with" : "without");
	skel->rodata->count_mode = opts->count;
	skel->rodata->net_family = opts->common.family;
	return 0;
}

int main(int argc, char **argv)
{
	struct tcpdrop_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct tcpdrop_ctx ctx = {};
	struct sonde_stream st = { .cols = cols,
				   .ncols = ARRAY_SIZE(cols),
				   .on_event = handle_event,
				   .ctx = &ctx,
				   .out = &ctx.out };
	const char *const *notes = net_owner_notes(&opts.common, "drops");
	struct tcpdrop_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (!err)
		err = net_count_check(opts.count, &opts.prom);
	/* The reasons are read from the kernel's BTF, before the load asks. */
	if (!err)
		err = btfsrc_require(&opts.common);
	if (!err)
		err = load_reasons(&ctx.reasons);
	if (!err && opts.list_reasons)
		err = list_reasons(&ctx.reasons, &opts.common.out);
	if (err || opts.list_reasons) {
		kbtf_enum_free(&ctx.reasons);
		sonde_opts_free(&opts.common);
		return sonde_exit(err);
	}

	skel = tcpdrop_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	st.show = OUT_SHOW(C_LOCATION, opts.location) | OUT_SHOW(C_KSTACK, opts.kernel_stack);
	stack_event_init(&ctx.stack, stdout, &opts.common.out);
	ctx.kernel_stack = opts.kernel_stack;
	err = configure(skel, &opts, &ctx);
	if (!err)
		err = stack_event_setup(skel->obj, opts.kernel_stack && !opts.count);
	if (!err && opts.count) {
		struct net_count_table t = {
			count_cols,
			ARRAY_SIZE(count_cols),
			skel->maps.counts,
			sizeof(struct tcpdrop_count_key),
			sizeof(struct tcpdrop_count),
			offsetof(struct tcpdrop_count, drops),
			count_row,
			&ctx,
			notes,
			&opts.prom,
		};

		err = net_count_run(skel->skeleton, &opts.common, &t);
	} else if (!err) {
		st.notes = notes;
		err = sonde_stream_run(skel->skeleton, &opts.common, &st);
	}

	tcpdrop_bpf__destroy(skel);
	stack_event_free(&ctx.stack);
	kbtf_enum_free(&ctx.reasons);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
