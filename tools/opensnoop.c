// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* opensnoop: trace open(), openat(), openat2() and creat(): which process
 * opened which path, and how it went. */
#include <errno.h>
#include <string.h>
#include "lib/sonde.h"
#include "lib/pathcall.h"
#include "common/opensnoop.h"
#include "skel/opensnoop.skel.h"

struct opensnoop_opts {
	struct pathcall_opts p;
	uint32_t want_flags[OPENSNOOP_MAX_FLAGS]; /* -f: all bits of one of these */
	uint8_t want_nflags;
	uint8_t want_accmodes; /* -f: or one of these access modes (1 << mode) */
};

static const struct out_col cols[PATHCALL_NCOLS] = {
	PATHCALL_COLS_COMMON,
	[PATHCALL_FD] = { "FD", "fd", 3, OUT_RIGHT },
	[PATHCALL_ERR] = { "ERR", "err", 7, OUT_RIGHT },
	[PATHCALL_FLAGS] = { NULL, "flags", 0, 0 },
	[PATHCALL_FLAGS_TEXT] = { "FLAGS", NULL, 24, OUT_HIDDEN },
	[PATHCALL_FLAGS_NAMES] = { NULL, "flags_names", 0, 0 },
	[PATHCALL_MODE_TEXT] = { "MODE", NULL, 4, OUT_HIDDEN },
	[PATHCALL_MODE] = { NULL, "mode", 0, 0 },
};

static const struct argp_option options[] = {
	PATHCALL_OPTIONS("opens"),
	{ "extended-fields", 'e', NULL, 0, "Show the FLAGS and MODE columns", 0 },
	{ "flag", 'f', "FLAG", 0,
	  "Only opens with this flag (O_WRONLY, O_CREAT, ...); repeat it, or separate "
	  "flags with commas, for opens with any of them",
	  0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('e', struct opensnoop_opts, p.extended),
	{ 0 },
};

/* -f O_WRONLY,O_RDWR: each name adds to the set an open must meet one of. */
static int parse_flags(struct opensnoop_opts *o, const char *arg)
{
	char buf[256], *rest = buf, *name;
	uint32_t bits;

	if (strlen(arg) >= sizeof(buf))
		goto bad;
	snprintf(buf, sizeof(buf), "%s", arg);
	while ((name = strsep(&rest, ","))) {
		bits = 0;
		if (open_flag_parse(name, &bits, &o->want_accmodes))
			goto bad;
		if (!bits)
			continue;
		if (o->want_nflags == OPENSNOOP_MAX_FLAGS) {
			log_err("invalid value '%s' for -f/--flag: at most %d flags", arg,
				OPENSNOOP_MAX_FLAGS);
			return -EINVAL;
		}
		o->want_flags[o->want_nflags++] = bits;
	}
	return 0;
bad:
	log_err("invalid value '%s' for -f/--flag: expected open flags such as O_WRONLY or "
		"O_CREAT, separated by commas",
		arg);
	return -EINVAL;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct opensnoop_opts *o = state->input;

	if (key == 'f')
		return parse_flags(o, arg) ? EINVAL : 0;
	return pathcall_parse_opt(key, arg, &o->p);
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.doc = "Trace open(), openat(), openat2() and creat(): which process opened which path. "
	       "Opens submitted through io_uring are not seen.\v"
	       "EXAMPLES:\n"
	       "  opensnoop                 # every open, until Ctrl-C\n"
	       "  opensnoop -x -T           # only failed opens, with the time\n"
	       "  opensnoop -p 181 -e       # opens by PID 181, with their flags\n"
	       "  opensnoop -n nginx -F     # nginx's opens, with absolute paths\n"
	       "  opensnoop -f O_WRONLY,O_RDWR             # opens for writing\n"
	       "  opensnoop -c 3f2a9c1b7d4e # opens inside this container\n"
	       "  opensnoop -x -j | jq -r 'select(.err == 2) | .path'",
};

static const struct sonde_cli cli = { &argp, stores, SONDE_OPT_TIME | SONDE_OPT_UID };

int main(int argc, char **argv)
{
	struct opensnoop_opts opts = { .p.common = SONDE_OPTS_DEFAULTS };
	struct opensnoop_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.p.common);
	if (err)
		return sonde_exit(err);

	skel = opensnoop_bpf__open_opts(&opts.p.common.open);
	if (!skel)
		return sonde_open_failed();
	memcpy(skel->rodata->want_flags, opts.want_flags, sizeof(opts.want_flags));
	skel->rodata->want_nflags = opts.want_nflags;
	skel->rodata->want_accmodes = opts.want_accmodes;

	err = pathcall_run(skel->skeleton, &opts.p, cols);
	opensnoop_bpf__destroy(skel);
	sonde_opts_free(&opts.p.common);
	return sonde_exit(err);
}
