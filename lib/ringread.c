// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <sys/mman.h>
#include "lib/ringread.h"

/* Records read before the consumer position is stored, within a batch: the
 * space they held goes back to the producers this often. */
#define RINGREAD_RELEASE_EVERY 256

int ringread_open(struct ringread *r, const struct bpf_map *map)
{
	size_t size = bpf_map__max_entries(map);
	void *p;

	r->fd = bpf_map__fd(map);
	r->page = (size_t)sysconf(_SC_PAGESIZE);
	if (r->fd < 0 || !size || (size & (size - 1)))
		return -EINVAL;
	r->mask = size - 1;
	p = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->cons = p;
	/* The producer page, then the data twice. */
	p = mmap(NULL, r->page + 2 * size, PROT_READ, MAP_SHARED, r->fd, (off_t)r->page);
	if (p == MAP_FAILED) {
		int err = -errno;

		munmap(r->cons, r->page);
		r->cons = NULL;
		return err;
	}
	r->prod = p;
	r->data = (unsigned char *)p + r->page;
	return 0;
}

static inline void release(struct ringread *r, unsigned long pos)
{
	__atomic_store_n(r->cons, pos, __ATOMIC_RELEASE);
}

int ringread_consume(struct ringread *r, ring_buffer_sample_fn fn, void *ctx, unsigned max)
{
	unsigned long cons = *r->cons, prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);
	unsigned n = 0;
	int err = 0;

	while (n < max) {
		if (cons >= prod) {
			prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);
			if (cons >= prod) {
				/* Caught up: say so, then look once more. A producer
				 * wakes a reader whose position is its event's (with
				 * --line-buffered); one that came before this store
				 * saw the old position and did not, so it is read
				 * now rather than at the next poll. */
				release(r, cons);
				__atomic_thread_fence(__ATOMIC_SEQ_CST);
				prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);
				if (cons >= prod)
					break;
			}
		}
		unsigned char *rec = r->data + (cons & r->mask);
		__u32 hdr = __atomic_load_n((__u32 *)rec, __ATOMIC_ACQUIRE);
		__u32 len = hdr & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);

		if (hdr & BPF_RINGBUF_BUSY_BIT) /* reserved, not yet submitted */
			break;
		cons += (len + BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
		if (hdr & BPF_RINGBUF_DISCARD_BIT)
			continue;
		n++;
		err = fn(ctx, rec + BPF_RINGBUF_HDR_SZ, len);
		if (err)
			break;
		if (n % RINGREAD_RELEASE_EVERY == 0)
			release(r, cons);
	}
	release(r, cons);
	return err ? err : (int)n;
}

void ringread_close(struct ringread *r)
{
	if (r->prod)
		munmap(r->prod, r->page + 2 * (r->mask + 1));
	if (r->cons)
		munmap(r->cons, r->page);
	r->prod = NULL;
	r->cons = NULL;
	r->data = NULL;
}
