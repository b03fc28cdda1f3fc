// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sockflood: what an unprivileged user can do to fill a tracer's tables, for
 * the tests that check the network tools are not blinded by it.
 *
 *	sockflood listen N
 *	sockflood accept N
 *	sockflood tfo ADDR PORT N
 *
 * listen: N TCP sockets listening on 127.0.0.1 (ports the kernel picks),
 * which never accept; prints "listening N PORT" (PORT: one of theirs) once
 * they all listen, then holds them until it is killed.
 * accept: N TCP connections over 127.0.0.1, made and accepted by processes
 * of its own, which hold both ends; prints "accepted N" once they all are,
 * then holds them until it is killed.
 * Both spread their sockets over child processes of at most
 * SOCKFLOOD_PER_CHILD open files each: the default limit of any user is
 * enough. The children end with the process.
 * tfo: N TCP Fast Open connects to the IPv4 ADDR:PORT (sendto() with
 * MSG_FASTOPEN, not connect()), each from a thread of its own, one after the
 * other; prints "sent N" with the number whose SYN went out (EINPROGRESS,
 * or a connection refused at once). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Sockets per child process: under the usual limit of 1024 open files. */
#define SOCKFLOOD_PER_CHILD 1000

/* What a child does with its share of n: 0 or -1, and a port to tell. */
typedef int (*share_fn)(unsigned long n, unsigned short *port);

static void fail(const char *what)
{
	fprintf(stderr, "sockflood: %s: %s\n", what, strerror(errno));
	_exit(1);
}

static void hold(void)
{
	for (;;)
		pause();
}

/* A TCP socket listening on 127.0.0.1 with backlog; its port into *port. */
static int listener(int backlog, unsigned short *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, backlog) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static int listen_share(unsigned long n, unsigned short *port)
{
	unsigned short p;

	for (unsigned long i = 0; i < n; i++)
		if (listener(1, i ? &p : port) < 0)
			return -1;
	return 0;
}

/* n connections to one listener of this child's, its child connecting. */
static int accept_share(unsigned long n, unsigned short *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int lfd = listener(SOMAXCONN, port);

	if (lfd < 0)
		return -1;
	a.sin_port = htons(*port);
	if (fork() == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (unsigned long i = 0; i < n; i++) {
			int fd = socket(AF_INET, SOCK_STREAM, 0);

			if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
				fail("connect");
		}
		hold();
	}
	for (unsigned long i = 0; i < n; i++)
		if (accept(lfd, NULL, NULL) < 0)
			return -1;
	return 0;
}

/* n sockets made by share() in children of SOCKFLOOD_PER_CHILD each; each
 * child writes its port to the pipe when done. Returns one of the ports. */
static int spread(unsigned long n, share_fn share, unsigned short *port)
{
	unsigned long children = (n + SOCKFLOOD_PER_CHILD - 1) / SOCKFLOOD_PER_CHILD;
	int p[2];

	if (pipe(p))
		return -1;
	for (unsigned long c = 0; c < children; c++) {
		unsigned long left = n - c * SOCKFLOOD_PER_CHILD;

		if (fork())
			continue;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		if (share(left < SOCKFLOOD_PER_CHILD ? left : SOCKFLOOD_PER_CHILD, port))
			fail("socket");
		if (write(p[1], port, sizeof(*port)) != sizeof(*port))
			fail("pipe");
		hold();
	}
	close(p[1]);
	for (unsigned long c = 0; c < children; c++)
		if (read(p[0], port, sizeof(*port)) != sizeof(*port))
			return -1;
	return 0;
}

static int flood(const char *what, unsigned long n, share_fn share)
{
	unsigned short port = 0;

	if (spread(n, share, &port)) {
		fprintf(stderr, "sockflood: a child failed\n");
		return 1;
	}
	if (share == listen_share)
		printf("%s %lu %u\n", what, n, port);
	else
		printf("%s %lu\n", what, n);
	fflush(stdout);
	hold();
	return 0;
}

static struct sockaddr_in tfo_dest;

/* One SYN through sendto(): 1 when it went out. */
static void *tfo_one(void *arg)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t r;

	(void)arg;
	if (fd < 0)
		return NULL;
	r = sendto(fd, "x", 1, MSG_FASTOPEN | MSG_DONTWAIT, (struct sockaddr *)&tfo_dest,
		   sizeof(tfo_dest));
	close(fd);
	return (void *)(long)(r >= 0 || errno == EINPROGRESS || errno == ECONNREFUSED);
}

static int tfo_many(const char *addr, const char *port, unsigned long n)
{
	unsigned long sent = 0;

	tfo_dest.sin_family = AF_INET;
	tfo_dest.sin_port = htons(atoi(port));
	if (inet_pton(AF_INET, addr, &tfo_dest.sin_addr) != 1) {
		fprintf(stderr, "sockflood: bad address %s\n", addr);
		return 2;
	}
	for (unsigned long i = 0; i < n; i++) {
		pthread_t th;
		void *ok = NULL;

		if (pthread_create(&th, NULL, tfo_one, NULL) || pthread_join(th, &ok))
			return 1;
		sent += ok != NULL;
	}
	printf("sent %lu\n", sent);
	return sent == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "listen"))
		return flood("listening", strtoul(argv[2], NULL, 10), listen_share);
	if (argc == 3 && !strcmp(argv[1], "accept"))
		return flood("accepted", strtoul(argv[2], NULL, 10), accept_share);
	if (argc == 5 && !strcmp(argv[1], "tfo"))
		return tfo_many(argv[2], argv[3], strtoul(argv[4], NULL, 10));
	fprintf(stderr, "usage: sockflood listen N | accept N | tfo ADDR PORT N\n");
	return 2;
}
