// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
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

int sonde_stream_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		     const struct sonde_stream *st)
{
	struct evloop_cfg loop = {
		.obj = *s->obj,
		.on_event = st->on_event,
		.ctx = st->ctx,
		.out = st->out,
		.duration_s = o->duration_s,
	};
	int err;

	err = sonde_load(s, o);
	if (!err)
		err = sonde_attach(s);
	if (err)
		return err;
	out_init(st->out, stdout, st->cols, st->ncols, st->show, &o->out);
	out_header(st->out);
	err = evloop_run(&loop);
	sonde_detach(s);
	return err;
}
