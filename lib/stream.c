// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include "lib/array_size.h"
#include "lib/err.h"
#include "lib/evloop.h"
#include "lib/loader.h"
#include "lib/log.h"
#include "lib/stream.h"

int sonde_open_failed(void)
{
	int err = -errno;

	log_err("cannot open the BPF object: %s", strerror(-err));
	return sonde_exit(err);
}

void stream_row_begin(struct out *o, const struct stream_hdr *h)
{
	out_row_begin(o);
	out_time(o, STREAM_COL_TIME, h->ts_ns);
	out_uint(o, STREAM_COL_UID, h->uid);
	out_uint(o, STREAM_COL_PID, h->pid);
	out_uint(o, STREAM_COL_TID, h->tid);
	out_str(o, STREAM_COL_COMM, h->comm, sizeof(h->comm));
}

void stream_out_from(struct out *o, unsigned col, unsigned from)
{
	static const char *const names[] = {
		[STREAM_FROM_KERNEL] = "kernel",
		[STREAM_FROM_ENTRY] = "entry",
		[STREAM_FROM_EXIT] = "exit",
	};

	if (from < ARRAY_SIZE(names) && names[from])
		out_name(o, col, names[from]);
	else
		out_null(o, col, "-");
}

int sonde_stream_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		     const struct sonde_stream *st)
{
	struct evloop_cfg loop = {
		.obj = *s->obj,
		.on_event = st->on_event,
		.ctx = st->ctx,
		.out = st->out,
		.duration_s = o->duration_s,
		.notes = st->notes,
		.buffer_bytes =
		    o->buffer_kib ? (size_t)o->buffer_kib * 1024 : SONDE_RINGBUF_DEFAULT,
		.wake_each = o->out.line_buffered,
		.on_tick = st->on_tick,
		.interval_ms = st->interval_ms,
	};
	struct filter_watch watch;
	int err;

	err = sonde_load(s, o);
	if (!err)
		err = sonde_attach(s);
	if (!err && st->attach)
		err = st->attach(st->attach_ctx);
	if (err)
		return err;
	err = filter_watch_start(&watch, *s->obj, o);
	if (err)
		return err;
	loop.watch = &watch;
	out_init(st->out, stdout, st->cols, st->ncols, st->show, &o->out);
	out_header(st->out);
	err = evloop_run(&loop);
	sonde_detach(s);
	filter_watch_stop(&watch);
	if (!err && st->on_tick)
		err = st->on_tick(st->ctx);
	return err;
}
