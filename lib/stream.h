/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The second half of main() in a tool that streams events: load the opened
 * skeleton (common filters into rodata), attach it, print the header and
 * run the event loop until a signal, --duration or the reader going away.
 *
 *	struct sonde_stream st = { .cols = cols, .ncols = ARRAY_SIZE(cols),
 *				   .on_event = handle_event, .ctx = &ctx, .out = &ctx.out };
 *	...
 *	st.show = OUT_SHOW(C_FLAGS, opts.extended);	// a column an option turns on
 *
 *	skel = foo_bpf__open_opts(&opts.common.open);
 *	if (!skel)
 *		return sonde_open_failed();
 *	...rodata, autoload...
 *	err = sonde_stream_run(skel->skeleton, &opts.common, &st);
 *	foo_bpf__destroy(skel);
 */
#ifndef SONDE_LIB_STREAM_H
#define SONDE_LIB_STREAM_H

#include <bpf/libbpf.h>
#include "lib/opts.h"
#include "lib/out.h"
#include "common/stream.h"

struct sonde_stream {
	const struct out_col *cols;
	unsigned ncols;
	uint64_t show;			/* out_init()'s: the hidden columns the options turn on */
	ring_buffer_sample_fn on_event; /* gets ctx */
	void *ctx;
	struct out *out; /* initialised here, for stdout */
	/* For a tool whose BPF side counts more than lost events: what each
	 * other count means (struct evloop_cfg's); NULL: none. */
	const char *const *notes;
	/* Called with ctx every interval_ms (0: never), and once more when
	 * the run ends; 0 or -errno. */
	int (*on_tick)(void *ctx);
	uint32_t interval_ms;
	/* NULL, or called once the skeleton's programs are attached, for the
	 * programs the tool attaches itself (uprobes: lib/uprobe.h), with
	 * attach_ctx; 0 or -errno after one line. What it attached is the
	 * tool's to detach, after the run. */
	int (*attach)(void *attach_ctx);
	void *attach_ctx;
};

/* 0 or -errno, as evloop_run() (load and attach failures already reported). */
int sonde_stream_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		     const struct sonde_stream *st);

/* The columns a row begins with, from the event's struct stream_hdr, in this
 * order. A tool leaves out (all zero) those it does not show and numbers its
 * own from STREAM_COL_NEXT:
 *
 *	enum { C_CALL = STREAM_COL_NEXT, C_CGROUP };
 *	static const struct out_col cols[] = {
 *		[STREAM_COL_TIME] = OUT_COL_TIME,
 *		[STREAM_COL_PID] = { "PID", "pid", 7, 0 },
 *		[STREAM_COL_COMM] = { "COMM", "comm", 16, 0 },
 *		[C_CALL] = { "CALL", "call", 14, 0 },
 *		...
 *
 *	stream_row_begin(o, &e->h);
 *	out_str(o, C_CALL, ...);
 */
enum stream_col {
	STREAM_COL_TIME,
	STREAM_COL_UID,
	STREAM_COL_PID,
	STREAM_COL_TID,
	STREAM_COL_COMM,
	STREAM_COL_NEXT
};

/* Begins a row with those columns. */
void stream_row_begin(struct out *o, const struct stream_hdr *h);

/* Where a value came from (enum stream_from): "kernel", "entry" or "exit",
 * JSON null for STREAM_FROM_NONE and anything unknown. */
void stream_out_from(struct out *o, unsigned col, unsigned from);

/* After a skeleton's __open() returned NULL: one line saying why, and the
 * exit code to return from main(). */
int sonde_open_failed(void);

#endif
