// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* filetop: the files each process reads and writes the most, through
 * read and write calls on descriptors; one table per interval. */
#include <sys/sysmacros.h>
#include <bpf/bpf.h>
#include <unistd.h>
#include "lib/sonde.h"
#include "lib/array_size.h"
#include "lib/file.h"
#include "lib/probe.h"
#include "lib/top.h"
#include "common/filetop.h"
#include "skel/filetop.skel.h"

struct filetop_opts {
	struct sonde_opts common;
	struct top_opts top;
	bool all;
};

static const struct argp_option options[] = {
	{ "all-files", 'a', NULL, 0,
	  "Every kind of file (sockets, pipes, devices...), not only regular files", 0 },
	{ "all", 0, NULL, OPTION_ALIAS, NULL, 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('a', struct filetop_opts, all),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct filetop_opts *o = state->input;

	(void)arg;
	if (key != ARGP_KEY_INIT)
		return ARGP_ERR_UNKNOWN;
	state->child_inputs[0] = &o->top;
	return 0;
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.args_doc = TOP_ARGS_DOC,
	.doc = "Show the files read and written the most, by process, each interval.\v"
	       "EXAMPLES:\n"
	       "  filetop                   # every second, the top 20, until Ctrl-C\n"
	       "  filetop --noclear 5 3     # three 5-second tables, one after the other\n"
	       "  filetop -s wbytes -r 5    # the 5 written the most bytes\n"
	       "  filetop -a -p 1234        # process 1234's files of every kind\n"
	       "  filetop -c 3f2a9c1b7d4e   # only inside this container\n"
	       "  filetop -j 1 | jq -c '.files[] | {comm, path, read_bytes}'",
	.children = top_argp_children,
};

static const struct sonde_cli cli = { &argp, stores, 0 };

enum { C_PID, C_COMM, C_CGROUP, C_TOP, C_TYPE = C_TOP + TOP_NCOLS, C_DEV, C_INO, C_PATH, C_TRUNC };

static const struct out_col cols[] = {
	[C_PID] = { "PID", "pid", 7, OUT_LABEL },
	[C_COMM] = { "COMM", "comm", 16, OUT_LABEL },
	[C_CGROUP] = OUT_COL_CGROUP,
	TOP_COLS(C_TOP),
	[C_TYPE] = { "TYPE", "type", 7, OUT_LABEL },
	[C_DEV] = { NULL, "dev", 0, OUT_LABEL },
	[C_INO] = { NULL, "ino", 0, OUT_LABEL },
	[C_PATH] = { "PATH", "path", 0, OUT_LABEL },
	[C_TRUNC] = { NULL, "truncated", 0, 0 },
};

static void out_kind(struct out *o, unsigned col, uint8_t kind)
{
	static const char *const names[] = {
		[FILE_KIND_OTHER] = "other",   [FILE_KIND_REGULAR] = "regular",
		[FILE_KIND_DIR] = "dir",       [FILE_KIND_CHAR] = "char",
		[FILE_KIND_BLOCK] = "block",   [FILE_KIND_FIFO] = "fifo",
		[FILE_KIND_SOCKET] = "socket", [FILE_KIND_LINK] = "link",
	};

	out_name(o, col, kind < ARRAY_SIZE(names) ? names[kind] : "other");
}

static void write_row(void *ctx, struct out *o, const void *vkey, const struct top_val *v)
{
	const struct filetop_key *k = vkey;
	struct filetop_file_id id = { .ino = k->ino, .dev = k->dev };
	struct filetop_file f;
	const struct filetop_bpf *skel = ctx;
	bool known = !bpf_map_lookup_elem(bpf_map__fd(skel->maps.files), &id, &f);

	out_uint(o, C_PID, k->pid);
	out_str(o, C_COMM, k->comm, sizeof(k->comm));
	out_cgroup(o, C_CGROUP, k->cgroup_id);
	out_top(o, C_TOP, v);
	if (known)
		out_kind(o, C_TYPE, f.kind);
	else
		out_null(o, C_TYPE, "?");
	/* As stat(2) gives it (st_dev), from the kernel's dev_t. */
	out_uint(o, C_DEV, makedev(k->dev >> 20, k->dev & ((1u << 20) - 1)));
	out_uint(o, C_INO, k->ino);
	/* Newer files may have pushed its note out. */
	file_out_path(o, C_PATH, C_TRUNC, f.path, known ? sizeof(f.path) : 0, f.path_len,
		      known && f.truncated);
}

int main(int argc, char **argv)
{
	struct filetop_opts opts = { .common = SONDE_OPTS_DEFAULTS, .top = TOP_OPTS_DEFAULTS };
	struct top top = { .write_row = write_row };
	struct filetop_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = filetop_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->all_kinds = opts.all;
	skel->rodata->self_tgid = getpid();
	top.ctx = skel;
	top_init(&top, &opts.top, sizeof(struct filetop_key), "files", cols, ARRAY_SIZE(cols), 0,
		 &opts.common.out);
	err = probe_drop_missing_tracepoints(skel->obj);
	if (err >= 0)
		err = top_run(&top, skel->skeleton, &opts.common);

	filetop_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
