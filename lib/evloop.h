/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The event loop every tool runs: epoll over the "events" ring buffer, a
 * signalfd for SIGINT/SIGTERM, timerfds for --duration and interval ticks,
 * and the reader of stdout going away. What the BPF side counts as not
 * reported (lost events and the other slots of common/stream.h's
 * STREAM_COUNTS) is said on stderr. */
#ifndef SONDE_LIB_EVLOOP_H
#define SONDE_LIB_EVLOOP_H

#include <stdint.h>
#include <bpf/libbpf.h>
#include "lib/filter.h"
#include "lib/out.h"

struct evloop_cfg {
	struct bpf_object *obj;
	/* Called per ring-buffer record; NULL for tools without one. Returns 0,
	 * or a negative errno that ends the loop. */
	ring_buffer_sample_fn on_event;
	/* Called every interval_ms; returns 0 or a negative errno. */
	int (*on_tick)(void *ctx);
	void *ctx;
	struct out *out;
	uint32_t duration_s; /* 0: until a signal */
	uint32_t interval_ms;
	uint32_t count; /* ticks before stopping; 0: unlimited */
	/* Bytes of a perf event array's buffers in all, when the events come
	 * through one (lib/perfread.h); 0: the default. */
	size_t buffer_bytes;
	/* A perf event array's reader is woken at every event, not once a
	 * quarter of a buffer waits (--line-buffered). */
	bool wake_each;
	/* NULL, or one text per slot of enum stream_count after the first (lost
	 * events, always reported): a slot whose count grew is reported as
	 * "<tool>: N <text>" when the run ends (and after each tick); a NULL
	 * text is not reported. */
	const char *const *notes;
	/* NULL, or -c's cgroup, looked at again when its parent directory
	 * changes and every FILTER_WATCH_CHECK_MS (lib/filter.h). */
	struct filter_watch *watch;
};

/* Blocks SIGINT/SIGTERM (they are read from a signalfd) and ignores SIGPIPE
 * (a closed stdout shows as EPIPE). Called at the start of a run, before it
 * loads or changes anything: by sonde_load(), and by a run that loads
 * nothing but writes or changes pins (xdpdrop --add, syscount -l). */
void evloop_signals_init(void);
/* 0 when stopped by a signal, --duration or count; -EPIPE when stdout's
 * reader went away; otherwise -errno. */
int evloop_run(const struct evloop_cfg *cfg);
/* The sum over CPUs of one of the object's STREAM_COUNTS counters (enum
 * stream_count); 0 when it has none. */
uint64_t evloop_count(struct bpf_object *obj, unsigned slot);

#endif
