// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sockflood: what an unprivileged user can do to fill a tracer's tables, for
 * the tests that check the network tools are not blinded by it.
 *
 *	sockflood listen N
 *	sockflood tfo ADDR PORT N
 *
 * listen: N TCP sockets listening on 127.0.0.1 (ports the kernel picks);
 * prints "listening N" once they all listen, then waits for its stdin to
 * close (or a line) and exits.
 * tfo: N TCP Fast Open connects to the IPv4 ADDR:PORT (sendto() with
 * MSG_FASTOPEN, not connect()), each from a thread of its own, one after the
 * other; prints "sent N" with the number whose SYN went out (EINPROGRESS,
 * or a connection refused at once). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_many(unsigned long n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char line[16];

	for (unsigned long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1)) {
			fprintf(stderr, "sockflood: listener %lu: %s\n", i, strerror(errno));
			return 1;
		}
	}
	printf("listening %lu\n", n);
	fflush(stdout);
	/* The sockets stay open until the test is done with them. */
	if (!fgets(line, sizeof(line), stdin))
		return 0;
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
		return listen_many(strtoul(argv[2], NULL, 10));
	if (argc == 5 && !strcmp(argv[1], "tfo"))
		return tfo_many(argv[2], argv[3], strtoul(argv[4], NULL, 10));
	fprintf(stderr, "usage: sockflood listen N | sockflood tfo ADDR PORT N\n");
	return 2;
}
