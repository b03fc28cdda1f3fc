// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* uring: one request through io_uring, with the raw system calls (no
 * liburing), for the tests of what the tools see of io_uring.
 *
 *	uring connect ADDR PORT [async]
 *
 * connect: a new TCP socket connects to the IPv4 ADDR:PORT with
 * IORING_OP_CONNECT; with "async", the request is handed to an io_uring
 * worker thread (IOSQE_ASYNC) instead of being tried in io_uring_enter().
 * Prints "res N", the completion's result (0 or a negative errno), and
 * exits 0 when the request completed, whatever its result. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ring {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static void *map_ring(int fd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

static int ring_init(struct ring *r)
{
	struct io_uring_params p;
	size_t sq_len, cq_len;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	r->fd = syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return -errno;
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sq = map_ring(r->fd, sq_len > cq_len ? sq_len : cq_len, IORING_OFF_SQ_RING);
	/* One mapping holds both rings on every kernel that has them. */
	cq = sq;
	r->sqes = map_ring(r->fd, p.sq_entries * sizeof(struct io_uring_sqe), IORING_OFF_SQES);
	if (!sq || !r->sqes || !(p.features & IORING_FEAT_SINGLE_MMAP))
		return -ENOMEM;
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/* Submits *sqe and waits for its completion; its result, or -errno of the
 * submission itself. */
static int ring_run(struct ring *r, const struct io_uring_sqe *sqe, int *res)
{
	unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask, head;

	r->sqes[idx] = *sqe;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -errno;
	head = *r->cq_head;
	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	*res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return 0;
}

static int do_connect(struct ring *r, const char *addr, const char *port, bool async)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(atoi(port)) };
	struct io_uring_sqe sqe;
	int fd, res = 0, err;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "uring: bad address %s\n", addr);
		return 2;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 1;
	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_CONNECT;
	sqe.fd = fd;
	sqe.addr = (unsigned long)&sa;
	sqe.off = sizeof(sa);
	sqe.flags = async ? IOSQE_ASYNC : 0;
	err = ring_run(r, &sqe, &res);
	if (err) {
		fprintf(stderr, "uring: io_uring_enter: %s\n", strerror(-err));
		return 1;
	}
	printf("res %d\n", res);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct ring r = { .fd = -1 };
	int err;

	if ((argc != 4 && argc != 5) || strcmp(argv[1], "connect") ||
	    (argc == 5 && strcmp(argv[4], "async"))) {
		fprintf(stderr, "usage: uring connect ADDR PORT [async]\n");
		return 2;
	}
	err = ring_init(&r);
	if (err) {
		fprintf(stderr, "uring: io_uring_setup: %s\n", strerror(-err));
		return 1;
	}
	return do_connect(&r, argv[2], argv[3], argc == 5);
}
