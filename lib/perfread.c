// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include "lib/perfread.h"

struct perf_sample_raw {
	struct perf_event_header h;
	uint32_t size;
	unsigned char data[];
};

static size_t pages_per_cpu(size_t bytes)
{
	long page = sysconf(_SC_PAGESIZE);
	int ncpu = libbpf_num_possible_cpus();
	size_t want = bytes / (size_t)(ncpu > 0 ? ncpu : 1) / (size_t)(page > 0 ? page : 4096);
	size_t n = 1; /* a power of two, as the kernel wants */

	while (n * 2 <= want)
		n *= 2;
	return n;
}

/* The raw data of a sample starts 4 bytes into an 8-byte aligned record:
 * events are read from a copy, as aligned as the ring buffer hands them. */
static int on_sample(struct perfread *r, const struct perf_sample_raw *s)
{
	if (s->size > r->rec_size) {
		void *p = realloc(r->rec, s->size);

		if (!p)
			return -ENOMEM;
		r->rec = p;
		r->rec_size = s->size;
	}
	memcpy(r->rec, s->data, s->size);
	return r->fn(r->ctx, r->rec, s->size);
}

static enum bpf_perf_event_ret on_record(void *ctx, int cpu, struct perf_event_header *h)
{
	struct perfread *r = ctx;

	(void)cpu;
	if (h->type == PERF_RECORD_SAMPLE)
		r->err = on_sample(r, (const struct perf_sample_raw *)h);
	return r->err ? LIBBPF_PERF_EVENT_ERROR : LIBBPF_PERF_EVENT_CONT;
}

int perfread_open(struct perfread *r, const struct bpf_map *map, size_t bytes, bool each,
		  ring_buffer_sample_fn fn, void *ctx)
{
	size_t pages = pages_per_cpu(bytes);
	long page = sysconf(_SC_PAGESIZE);
	struct perf_event_attr attr = {
		.size = sizeof(struct perf_event_attr),
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.sample_period = 1,
		/* Woken when a quarter of a CPU's buffer waits, as the ring
		 * buffer's reader is (bpf/lib/stream.bpf.h); read every
		 * EVLOOP_POLL_MS otherwise. `each`: at every event. */
		.watermark = 1,
		.wakeup_watermark =
		    each ? 1 : (uint32_t)(pages * (size_t)(page > 0 ? page : 4096) / 4),
	};

	*r = (struct perfread){ .fn = fn, .ctx = ctx };
	r->pb = perf_buffer__new_raw(bpf_map__fd(map), pages, &attr, on_record, r, NULL);
	if (!r->pb) {
		int err = -errno;

		return err ? err : -EINVAL;
	}
	return 0;
}

int perfread_fd(const struct perfread *r)
{
	return perf_buffer__epoll_fd(r->pb);
}

int perfread_consume(struct perfread *r)
{
	int err = perf_buffer__consume(r->pb);

	if (r->err)
		return r->err;
	return err < 0 ? err : 0;
}

void perfread_close(struct perfread *r)
{
	perf_buffer__free(r->pb);
	free(r->rec);
	r->pb = NULL;
	r->rec = NULL;
}
