/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A reader of the events a tool sends through a per-CPU perf event array:
 * the transport where the kernel has no BPF ring buffer, or where
 * SONDE_OUTPUT=perfbuf asks for it (bpf/lib/stream.bpf.h). It hands records
 * to the same callback as lib/ringread.h, aligned as the ring buffer's are.
 * An event that found its CPU's buffer full is counted by the BPF side, to
 * which the output returned the error (bpf/lib/stream.bpf.h); the kernel's
 * own PERF_RECORD_LOST counts the same events again, and is skipped. */
#ifndef SONDE_LIB_PERFREAD_H
#define SONDE_LIB_PERFREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bpf/libbpf.h>

struct perfread {
	struct perf_buffer *pb; /* NULL: not open */
	ring_buffer_sample_fn fn;
	void *ctx;
	int err;   /* fn's error, which stopped a read */
	void *rec; /* a copy of the record, 8-byte aligned */
	size_t rec_size;
};

/* Opens perf event array MAP (of its object, loaded) with about BYTES of
 * buffer in all, shared out over the CPUs; the kernel wakes the reader when
 * a CPU's buffer is a quarter full, or at every event (EACH). 0 or -errno. */
int perfread_open(struct perfread *r, const struct bpf_map *map, size_t bytes, bool each,
		  ring_buffer_sample_fn fn, void *ctx);
/* An epoll descriptor that is readable when a CPU's buffer has woken us. */
int perfread_fd(const struct perfread *r);
/* Hands every record waiting to fn; 0, or fn's error. */
int perfread_consume(struct perfread *r);
void perfread_close(struct perfread *r);

#endif
