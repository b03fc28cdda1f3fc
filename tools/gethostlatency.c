// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* gethostlatency: trace name look-ups through libc (getaddrinfo,
 * gethostbyname, gethostbyname2) with the time each took. */
#include <errno.h>
#include <string.h>
#include "lib/sonde.h"
#include "lib/uprobe.h"
#include "common/gethostlatency.h"
#include "skel/gethostlatency.skel.h"

struct gethostlatency_opts {
	struct sonde_opts common;
};

enum { C_LAT = STREAM_COL_NEXT, C_LAT_US, C_FUNC, C_HOST, C_TRUNC, C_CGROUP };

static const struct out_col cols[] = {
	[STREAM_COL_TIME] = OUT_COL_TIME,
	[STREAM_COL_PID] = { "PID", "pid", 7, 0 },
	[STREAM_COL_TID] = { NULL, "tid", 0, 0 },
	[STREAM_COL_COMM] = { "COMM", "comm", 16, 0 },
	[C_LAT] = { "LAT(ms)", NULL, 10, OUT_RIGHT },
	[C_LAT_US] = { NULL, "lat_us", 0, 0 },
	[C_FUNC] = { "FUNC", "func", 14, 0 },
	[C_HOST] = { "HOST", "host", 0, 0 },
	[C_TRUNC] = { NULL, "truncated", 0, 0 },
	[C_CGROUP] = OUT_COL_CGROUP,
};

static const char *const fn_names[] = {
	[GETHOST_GETADDRINFO] = "getaddrinfo",
	[GETHOST_GETHOSTBYNAME] = "gethostbyname",
	[GETHOST_GETHOSTBYNAME2] = "gethostbyname2",
};

/* The C library's file names (glibc's libc.so.6). */
static const char *const libc_stems[] = { "libc.so.", NULL };

static const struct argp argp = {
	.doc = "Trace host name look-ups through libc (getaddrinfo, gethostbyname, "
	       "gethostbyname2) and the time each took.\v"
	       "EXAMPLES:\n"
	       "  gethostlatency            # every look-up, until Ctrl-C\n"
	       "  gethostlatency -T         # with a clock column\n"
	       "  gethostlatency -p 1234    # one process's look-ups\n"
	       "  gethostlatency -c 3f2a9c1b7d4e   # look-ups inside this container\n"
	       "  gethostlatency -j | jq -c 'select(.lat_us > 100000) | {comm, host, lat_us}'",
};

static const struct sonde_cli cli = { &argp, NULL, SONDE_OPT_TIME };

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct gethostlatency_event *e = data;
	struct out *o = ctx;

	if (size < sizeof(*e))
		return 0;
	stream_row_begin(o, &e->h);
	out_double(o, C_LAT, e->lat_ns / 1e6, 3);
	out_uint(o, C_LAT_US, e->lat_ns / 1000);
	out_name(o, C_FUNC, e->fn < ARRAY_SIZE(fn_names) ? fn_names[e->fn] : "?");
	out_str_cut(o, C_HOST, e->host, sizeof(e->host), e->cut);
	out_bool(o, C_TRUNC, e->cut);
	out_cgroup(o, C_CGROUP, e->h.cgroup_id);
	out_row_end(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct gethostlatency_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct out out;
	struct sonde_stream st = { .cols = cols,
				   .ncols = ARRAY_SIZE(cols),
				   .on_event = handle_event,
				   .ctx = &out,
				   .out = &out };
	struct gethostlatency_bpf *skel;
	struct uprobe_fn fns[2 * ARRAY_SIZE(fn_names)];
	struct uprobe_set u = { .stems = libc_stems, .host = true, .fns = fns };
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = gethostlatency_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	fns[0].prog = skel->progs.handle_getaddrinfo;
	fns[1].prog = skel->progs.handle_gethostbyname;
	fns[2].prog = skel->progs.handle_gethostbyname2;
	/* One return program serves the three: the entry said which. */
	for (size_t i = 0; i < ARRAY_SIZE(fn_names); i++) {
		fns[i].name = fns[ARRAY_SIZE(fn_names) + i].name = fn_names[i];
		fns[i].ret = false;
		fns[ARRAY_SIZE(fn_names) + i].ret = true;
		fns[ARRAY_SIZE(fn_names) + i].prog = skel->progs.handle_return;
	}
	u.nfns = ARRAY_SIZE(fns);
	u.pid = opts.common.pid;
	st.attach = uprobe_set_attach;
	st.attach_ctx = &u;
	err = uprobe_set_prepare(&u);
	if (!err)
		err = sonde_stream_run(skel->skeleton, &opts.common, &st);

	uprobe_set_free(&u);
	gethostlatency_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
