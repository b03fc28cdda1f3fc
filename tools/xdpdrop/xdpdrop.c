// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* xdpdrop: drop the packets that rules match at the XDP hook of an interface,
 * and count what was seen, passed and dropped, per rule. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/sonde.h"
#include "common/xdpdrop.h"
#include "skel/xdpdrop.skel.h"
#include "tools/xdpdrop/inst.h"
#include "tools/xdpdrop/stats.h"

struct xdpdrop_opts {
	struct sonde_opts common;
	struct xdp_inst_cfg cfg;
	enum xdp_inst_action action;
	uint32_t interval_s;
	uint32_t top;
	const char *file;
	struct xdp_rule cli; /* the rule of --src ... --dport */
	const char **args;   /* RULE arguments */
	size_t nargs;
};

enum {
	OPT_SRC = 0x100,
	OPT_DST,
	OPT_PROTO,
	OPT_SPORT,
	OPT_DPORT,
	OPT_ALLOW,
	OPT_DRY_RUN,
	OPT_FORCE,
	OPT_PIN,
	OPT_STATUS,
	OPT_ADD,
	OPT_DEL,
	OPT_DETACH,
	OPT_TOP,
	OPT_MAX_RULES,
	OPT_UNPARSED,
};

static const struct argp_option options[] = {
	{ "interface", 'i', "IFACE", 0, "Attach to IFACE (required)", 0 },
	{ "interval", 'I', "SECONDS", 0, "Print counters every SECONDS (default 1)", 0 },
	{ "mode", 'm', "MODE", 0, "native or skb (default: native, else skb with a note)", 0 },
	{ "file", 'f', "FILE", 0, "Read rules from FILE, one a line ('#' comments)", 0 },
	{ NULL, 0, NULL, 0, "A rule (these options make one; each RULE argument is another):", 1 },
	{ "src", OPT_SRC, "CIDR", 0, "Source in CIDR (IPv4 or IPv6; repeat for any of several)",
	  1 },
	{ "dst", OPT_DST, "CIDR", 0, "Destination in CIDR (repeat for any of several)", 1 },
	{ "proto", OPT_PROTO, "PROTO", 0, "tcp, udp, icmp, icmpv6 or a number", 1 },
	{ "sport", OPT_SPORT, "PORT[-PORT]", 0, "Source port or range", 1 },
	{ "dport", OPT_DPORT, "PORT[-PORT]", 0, "Destination port or range", 1 },
	{ NULL, 0, NULL, 0, "Policy and attachment:", 2 },
	{ "allow", OPT_ALLOW, NULL, 0, "Drop the IP packets that no rule matches instead", 2 },
	{ "dry-run", OPT_DRY_RUN, NULL, 0, "Count what would be dropped, pass everything", 2 },
	{ "unparsed", OPT_UNPARSED, "ACTION", 0,
	  "What becomes of a packet no rule decides that was not parsed to its end: pass or "
	  "drop (default: drop with --allow, else pass)",
	  2 },
	{ "force", OPT_FORCE, NULL, 0, "Replace the XDP program IFACE already runs", 2 },
	{ "pin", OPT_PIN, NULL, 0,
	  "Stay attached after exit (pinned under " SONDE_BPFFS "/" XDP_PIN_BASE "/); exit at once",
	  2 },
	{ "max-rules", OPT_MAX_RULES, "N", 0,
	  "Room for N rules (default: twice the rules, at least 1024, at most 1048575)", 2 },
	{ "top", OPT_TOP, "N", 0, "Show the N busiest rules per interval (default 10; 0: all)", 2 },
	{ NULL, 0, NULL, 0, "A pinned instance (with -i):", 3 },
	{ "status", OPT_STATUS, NULL, 0, "Show its rules and counters", 3 },
	{ "add", OPT_ADD, NULL, 0, "Add the rules given", 3 },
	{ "del", OPT_DEL, NULL, 0, "Delete the rules given (as text, or by number)", 3 },
	{ "detach", OPT_DETACH, NULL, 0, "Detach it and remove its pins", 3 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('f', struct xdpdrop_opts, file),
	SONDE_STORE(OPT_ALLOW, struct xdpdrop_opts, cfg.allow),
	SONDE_STORE(OPT_DRY_RUN, struct xdpdrop_opts, cfg.dry_run),
	SONDE_STORE(OPT_FORCE, struct xdpdrop_opts, cfg.force),
	SONDE_STORE(OPT_PIN, struct xdpdrop_opts, cfg.pin),
	SONDE_STORE_RANGE(OPT_MAX_RULES, "--max-rules", struct xdpdrop_opts, cfg.max_rules, 1,
			  XDPDROP_RULES_MAX - 1),
	SONDE_STORE_RANGE(OPT_TOP, "--top", struct xdpdrop_opts, top, 0, XDPDROP_RULES_MAX),
	{ 0 },
};

static int set_action(struct xdpdrop_opts *o, enum xdp_inst_action a)
{
	if (o->action != XDP_INST_ATTACH && o->action != a) {
		log_err("--status, --add, --del and --detach exclude each other");
		return EINVAL;
	}
	o->action = a;
	return 0;
}

static int unparsed_parse(const char *arg, enum xdp_unparsed *u)
{
	if (!strcmp(arg, "pass"))
		*u = XDP_UNPARSED_PASS;
	else if (!strcmp(arg, "drop"))
		*u = XDP_UNPARSED_DROP;
	else {
		log_err("invalid value '%s' for --unparsed: expected pass or drop", arg);
		return -EINVAL;
	}
	return 0;
}

static error_t rule_opt(struct xdpdrop_opts *o, const char *key, const char *arg)
{
	char err[XDP_ERR_LEN];

	if (!xdp_rule_add(&o->cli, key, arg, err, sizeof(err)))
		return 0;
	log_err("%s", err);
	return EINVAL;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct xdpdrop_opts *o = state->input;

	switch (key) {
	case 'i':
		o->cfg.iface = arg;
		return xdp_iface_parse("-i/--interface", arg) ? EINVAL : 0;
	case 'I':
		return parse_seconds("-I/--interval", arg, &o->interval_s) ? EINVAL : 0;
	case 'm':
		return xdp_mode_parse("-m/--mode", arg, &o->cfg.mode) ? EINVAL : 0;
	case OPT_SRC:
	case OPT_DST:
	case OPT_PROTO:
	case OPT_SPORT:
	case OPT_DPORT: {
		static const char *const keys[] = { "src", "dst", "proto", "sport", "dport" };

		return rule_opt(o, keys[key - OPT_SRC], arg);
	}
	case OPT_UNPARSED:
		return unparsed_parse(arg, &o->cfg.unparsed) ? EINVAL : 0;
	case OPT_STATUS:
	case OPT_ADD:
	case OPT_DEL:
	case OPT_DETACH: /* in the order of enum xdp_inst_action */
		return set_action(o, XDP_INST_STATUS + (key - OPT_STATUS));
	case ARGP_KEY_ARG:
		o->args[o->nargs++] = arg;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.args_doc = "[RULE...]",
	.doc =
	    "Drop packets at the XDP hook of an interface: those the rules match (or, with --allow, "
	    "the IP packets they do not), and count what was seen, passed and dropped, per rule. A "
	    "RULE is one argument of words as in a rules file: 'src 192.0.2.0/24 proto udp dport "
	    "53'.\v"
	    "EXAMPLES:\n"
	    "  xdpdrop -i eth0 --src 192.0.2.0/24         # drop a network, show counts\n"
	    "  xdpdrop -i eth0 --proto udp --dport 11211  # drop memcached over UDP\n"
	    "  xdpdrop -i eth0 -f blocklist --dry-run     # count what the list would drop\n"
	    "  xdpdrop -i eth0 --allow --src 10.0.0.0/8   # only 10.0.0.0/8 gets in\n"
	    "  xdpdrop -i eth0 --pin -f blocklist         # stay attached after exit\n"
	    "  xdpdrop -i eth0 --add 'src 198.51.100.7'   # one more rule, live\n"
	    "  xdpdrop -i eth0 --status -j | jq '.rules[] | select(.packets > 0)'",
};

static const struct sonde_cli cli = { &argp, stores, 0 };

/* -p, -c and -C are about processes; packets have none. */
static int refuse_common(const struct sonde_opts *c)
{
	const char *opt = c->pid ? "-p/--pid" : c->cgroup ? "-c/--cgroup" : "-C/--show-cgroup";

	if (!c->pid && !c->cgroup && !c->out.show_cgroup)
		return 0;
	log_err("%s does not apply to xdpdrop: packets belong to no process", opt);
	return -EINVAL;
}

/* The rules in order: the one of the options, each RULE argument, the file's. */
static int collect_rules(struct xdpdrop_opts *o, struct xdp_inst_rules *in)
{
	char err[XDP_ERR_LEN];
	int e = 0;

	if (o->cli.nsrc || o->cli.ndst || o->cli.has) {
		if (xdp_rule_finish(&o->cli, err, sizeof(err))) {
			log_err("%s", err);
			return -EINVAL;
		}
		e = xdp_rules_push(&in->rules, &in->n, &o->cli);
	}
	for (size_t i = 0; !e && i < o->nargs; i++)
		e = xdp_inst_rule_arg(in, o->args[i], o->action == XDP_INST_DEL);
	if (!e && o->file)
		e = xdp_inst_rules_file(in, o->file);
	return e;
}

static int check_opts(struct xdpdrop_opts *o, const struct xdp_inst_rules *in)
{
	int err = refuse_common(&o->common);

	if (!err && !o->cfg.iface) {
		log_err("-i/--interface is required");
		err = -EINVAL;
	}
	if (!err && o->action != XDP_INST_ATTACH &&
	    (o->cfg.pin || o->cfg.allow || o->cfg.dry_run || o->cfg.force || o->cfg.max_rules ||
	     o->cfg.mode != XDP_MODE_AUTO || o->cfg.unparsed != XDP_UNPARSED_AUTO)) {
		log_err(
		    "--pin, --allow, --dry-run, --unparsed, --force, --max-rules and -m are for "
		    "attaching: not with --status, --add, --del or --detach");
		err = -EINVAL;
	}
	if (!err && (o->action == XDP_INST_ADD || o->action == XDP_INST_DEL) && !in->n &&
	    !in->nnrs) {
		log_err("%s needs rules: options, RULE arguments or -f",
			o->action == XDP_INST_ADD ? "--add" : "--del");
		err = -EINVAL;
	}
	/* A safety net: this would cut the machine off every IP network. */
	if (!err && o->cfg.allow && o->action == XDP_INST_ATTACH && !in->n) {
		log_err(
		    "--allow without rules would drop every IP packet; give the rules to allow");
		err = -EINVAL;
	}
	if (!err && (o->action == XDP_INST_STATUS || o->action == XDP_INST_DETACH) &&
	    (in->n || in->nnrs)) {
		log_err("--status and --detach take no rules");
		err = -EINVAL;
	}
	return err;
}

/* Attached for this run: counters every interval until stopped. */
static int run_attached(struct xdpdrop_opts *o, const struct xdp_inst_rules *in,
			struct xdpdrop_bpf *skel)
{
	struct xdp_stats st = {};
	struct xdp_inst inst;
	int err;

	err = xdp_inst_attach(&o->cfg, &o->common, in, skel->skeleton, &inst);
	if (err || o->cfg.pin) {
		xdp_inst_close(&inst);
		return err;
	}
	err = xdp_stats_init(&st, &inst, &o->common.out, o->top, false);
	if (!err) {
		struct evloop_cfg loop = {
			.obj = skel->obj,
			.on_tick = xdp_stats_tick,
			.ctx = &st,
			.out = &st.row,
			.duration_s = o->common.duration_s,
			.interval_ms = o->interval_s * 1000,
		};

		err = evloop_run(&loop);
		/* A program detached under us still has its totals printed. */
		if (!err || err == -ENOLINK) {
			int e = xdp_stats_total(&st);

			err = err ? err : e;
		}
	}
	xdp_stats_free(&st);
	xdp_inst_close(&inst);
	return err;
}

int main(int argc, char **argv)
{
	struct xdpdrop_opts opts = { .common = SONDE_OPTS_DEFAULTS, .interval_s = 1, .top = 10 };
	struct xdp_inst_rules in = {};
	int err;

	opts.args = calloc(argc, sizeof(*opts.args));
	if (!opts.args)
		return sonde_exit(-ENOMEM);
	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (!err)
		err = collect_rules(&opts, &in);
	if (!err)
		err = check_opts(&opts, &in);
	/* Every action changes pins or the interface, or prints: Ctrl-C must
	 * not cut --add or --pin in half, and a closed stdout is EPIPE. */
	if (!err)
		evloop_signals_init();
	if (!err) {
		switch (opts.action) {
		case XDP_INST_ATTACH: {
			struct xdpdrop_bpf *skel = xdpdrop_bpf__open_opts(&opts.common.open);

			if (!skel)
				return sonde_open_failed();
			err = run_attached(&opts, &in, skel);
			xdpdrop_bpf__destroy(skel);
			break;
		}
		case XDP_INST_STATUS:
			err = xdp_stats_status(&opts.cfg, &opts.common.out);
			break;
		default:
			err = xdp_inst_pinned(&opts.cfg, opts.action, &in);
			break;
		}
	}
	xdp_rule_free(&opts.cli);
	xdp_inst_rules_free(&in);
	free(opts.args);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
