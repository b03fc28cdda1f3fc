// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* xdpsend: send an exact number of crafted Ethernet frames out of an
 * interface through a packet socket, for the xdpdrop tests: UDP, TCP SYN or
 * ICMP echo over IPv4 or IPv6 from any source address, with VLAN tags,
 * fragments, IPv6 extension headers, or frames xdpdrop cannot parse.
 *
 *	xdpsend -i IFACE --dmac MAC --src ADDR --dst ADDR [--proto udp|tcp|icmp]
 *		[--sport N] [--dport N] [--count N] [--vlan ID [--vlan ID]] [--qinq]
 *		[--frag first|later] [--ext N] [--payload N]
 *	xdpsend -i IFACE --dmac MAC --junk      # a truncated IPv4 header
 *	xdpsend -i IFACE --dmac MAC --ethertype 0x88b5
 *	xdpsend ... --seconds S    # as many as it can for S seconds; prints the count
 *
 * The socket blocks when the interface's queue is full, so no frame is lost on
 * the sending side. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct spec {
	const char *iface;
	uint8_t dmac[6], smac[6];
	int v6;
	uint8_t src[16], dst[16];
	int proto; /* IPPROTO_* */
	uint16_t sport, dport;
	long count;
	int nvlan, qinq;
	uint16_t vlan[2];
	int frag; /* 0, 1 (first fragment), 2 (later fragment) */
	int ext;  /* IPv6 destination-options headers */
	int payload;
	int junk;
	int ethertype;
	double seconds;
};

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "xdpsend: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	exit(2);
}

static long number(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 0);

	if (*s == '\0' || *end || v < 0 || v > max)
		die("bad number", s);
	return v;
}

static void mac(const char *s, uint8_t *m)
{
	if (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) !=
	    6)
		die("bad MAC address", s);
}

static int addr(const char *s, uint8_t *a)
{
	if (inet_pton(AF_INET, s, a) == 1)
		return 0;
	if (inet_pton(AF_INET6, s, a) == 1)
		return 1;
	die("bad address", s);
	return -1;
}

static uint32_t sum16(const void *p, size_t n, uint32_t s)
{
	const uint8_t *b = p;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += b[i] << 8 | b[i + 1];
	if (n & 1)
		s += b[n - 1] << 8;
	return s;
}

/* Header fields sit at any offset in the frame: store them bytewise. */
static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons(~s & 0xffff);
}

/* The L4 header and payload at p; returns its length. */
static size_t l4(const struct spec *sp, uint8_t *p)
{
	size_t n;

	switch (sp->proto) {
	case IPPROTO_UDP:
		n = 8 + sp->payload;
		memset(p, 0, n);
		put16(p, htons(sp->sport));
		put16(p + 2, htons(sp->dport));
		put16(p + 4, htons(n));
		return n;
	case IPPROTO_TCP:
		n = 20;
		memset(p, 0, n);
		put16(p, htons(sp->sport));
		put16(p + 2, htons(sp->dport));
		put32(p + 4, htonl(1));
		p[12] = 5 << 4;
		p[13] = 0x02; /* SYN */
		put16(p + 14, htons(64240));
		return n;
	default: /* ICMP or ICMPv6 echo request */
		n = 8 + sp->payload;
		memset(p, 0, n);
		p[0] = sp->v6 ? 128 : 8;
		put16(p + 4, htons(getpid() & 0xffff));
		return n;
	}
}

/* The L4 checksum over the pseudo header. */
static void l4_csum(const struct spec *sp, uint8_t *p, size_t n)
{
	size_t off = sp->proto == IPPROTO_UDP ? 6 : sp->proto == IPPROTO_TCP ? 16 : 2;
	uint32_t s = 0;
	int alen = sp->v6 ? 16 : 4;

	if (sp->frag || (!sp->v6 && sp->proto == IPPROTO_ICMP)) {
		if (!sp->frag)
			put16(p + off, fold(sum16(p, n, 0)));
		return;
	}
	s = sum16(sp->src, alen, s);
	s = sum16(sp->dst, alen, s);
	s += sp->proto + n;
	put16(p + off, fold(sum16(p, n, s)));
}

static size_t ip4(const struct spec *sp, uint8_t *p)
{
	size_t n = l4(sp, p + 20);

	l4_csum(sp, p + 20, n);
	memset(p, 0, 20);
	p[0] = 0x45;
	put16(p + 2, htons(20 + n));
	put16(p + 4, htons(getpid() & 0xffff));
	if (sp->frag == 1)
		put16(p + 6, htons(0x2000)); /* MF, offset 0 */
	else if (sp->frag == 2)
		put16(p + 6, htons(185)); /* offset 1480 bytes, last */
	p[8] = 64;
	p[9] = sp->proto;
	memcpy(p + 12, sp->src, 4);
	memcpy(p + 16, sp->dst, 4);
	put16(p + 10, fold(sum16(p, 20, 0)));
	return 20 + n;
}

static size_t ip6(const struct spec *sp, uint8_t *p)
{
	uint8_t *h = p + 40;
	size_t ext = 0, n;
	int next = sp->proto;

	/* Headers after the fixed one, each naming the next. */
	for (int i = 0; i < sp->ext; i++, ext += 8) {
		memset(h + ext, 0, 8);
		h[ext] = i + 1 < sp->ext || sp->frag ? 60 : next;
		h[ext + 2] = 1; /* PadN */
		h[ext + 3] = 4;
	}
	if (sp->frag) {
		memset(h + ext, 0, 8);
		h[ext] = next;
		put16(h + ext + 2, htons(sp->frag == 1 ? 1 : 1480));
		put32(h + ext + 4, htonl(getpid()));
		ext += 8;
	}
	n = l4(sp, h + ext);
	l4_csum(sp, h + ext, n);
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, htons(ext + n));
	p[6] = sp->ext ? 60 : sp->frag ? 44 : next;
	p[7] = 64;
	memcpy(p + 8, sp->src, 16);
	memcpy(p + 24, sp->dst, 16);
	return 40 + ext + n;
}

static size_t frame(const struct spec *sp, uint8_t *f)
{
	size_t n = 12;
	uint16_t type = sp->ethertype ? sp->ethertype : sp->v6 ? 0x86dd : 0x0800;

	memcpy(f, sp->dmac, 6);
	memcpy(f + 6, sp->smac, 6);
	for (int i = 0; i < sp->nvlan; i++, n += 4) {
		put16(f + n, htons(i == 0 && sp->qinq ? 0x88a8 : 0x8100));
		put16(f + n + 2, htons(sp->vlan[i]));
	}
	put16(f + n, htons(type));
	n += 2;
	if (sp->ethertype) {
		memset(f + n, 0, 46);
		return n + 46;
	}
	if (sp->junk) {
		memset(f + n, 0, 10);
		f[n] = 0x45; /* an IPv4 header cut after 10 bytes */
		return n + 10;
	}
	return n + (sp->v6 ? ip6(sp, f + n) : ip4(sp, f + n));
}

static void own_mac(int fd, const char *iface, uint8_t *m)
{
	struct ifreq ifr = {};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", iface);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		die("cannot read the MAC address of", iface);
	memcpy(m, ifr.ifr_hwaddr.sa_data, 6);
}

static void parse(int argc, char **argv, struct spec *sp)
{
	enum {
		O_DMAC = 1,
		O_SRC,
		O_DST,
		O_PROTO,
		O_SPORT,
		O_DPORT,
		O_VLAN,
		O_QINQ,
		O_FRAG,
		O_EXT,
		O_PAYLOAD,
		O_JUNK,
		O_ETHERTYPE,
		O_SECONDS
	};
	static const struct option opts[] = {
		{ "dmac", 1, 0, O_DMAC },	{ "src", 1, 0, O_SRC },
		{ "dst", 1, 0, O_DST },		{ "proto", 1, 0, O_PROTO },
		{ "sport", 1, 0, O_SPORT },	{ "dport", 1, 0, O_DPORT },
		{ "count", 1, 0, 'c' },		{ "vlan", 1, 0, O_VLAN },
		{ "qinq", 0, 0, O_QINQ },	{ "frag", 1, 0, O_FRAG },
		{ "ext", 1, 0, O_EXT },		{ "payload", 1, 0, O_PAYLOAD },
		{ "junk", 0, 0, O_JUNK },	{ "ethertype", 1, 0, O_ETHERTYPE },
		{ "seconds", 1, 0, O_SECONDS }, { 0 },
	};
	int c, v6src = -1, v6dst = -1;

	*sp = (struct spec){ .proto = IPPROTO_UDP, .sport = 40000, .dport = 9, .count = 1 };
	while ((c = getopt_long(argc, argv, "i:c:", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			sp->iface = optarg;
			break;
		case 'c':
			sp->count = number(optarg, 100000000);
			break;
		case O_DMAC:
			mac(optarg, sp->dmac);
			break;
		case O_SRC:
			v6src = addr(optarg, sp->src);
			break;
		case O_DST:
			v6dst = addr(optarg, sp->dst);
			break;
		case O_PROTO:
			sp->proto = !strcmp(optarg, "udp")   ? IPPROTO_UDP
				    : !strcmp(optarg, "tcp") ? IPPROTO_TCP
				    : !strcmp(optarg, "icmp") || !strcmp(optarg, "icmpv6")
					? -1
					: (die("bad --proto", optarg), 0);
			break;
		case O_SPORT:
			sp->sport = number(optarg, 65535);
			break;
		case O_DPORT:
			sp->dport = number(optarg, 65535);
			break;
		case O_VLAN:
			if (sp->nvlan == 2)
				die("at most two --vlan", NULL);
			sp->vlan[sp->nvlan++] = number(optarg, 4095);
			break;
		case O_QINQ:
			sp->qinq = 1;
			break;
		case O_FRAG:
			sp->frag = !strcmp(optarg, "first")   ? 1
				   : !strcmp(optarg, "later") ? 2
							      : (die("bad --frag", optarg), 0);
			break;
		case O_EXT:
			sp->ext = number(optarg, 16);
			break;
		case O_PAYLOAD:
			sp->payload = number(optarg, 1400);
			break;
		case O_JUNK:
			sp->junk = 1;
			break;
		case O_ETHERTYPE:
			sp->ethertype = number(optarg, 0xffff);
			break;
		case O_SECONDS:
			sp->seconds = number(optarg, 3600);
			break;
		default:
			exit(2);
		}
	}
	if (!sp->iface || optind != argc)
		die("usage: xdpsend -i IFACE --dmac MAC --src ADDR --dst ADDR [options]", NULL);
	if (!sp->junk && !sp->ethertype && (v6src < 0 || v6src != v6dst))
		die("--src and --dst are needed, of one IP version", NULL);
	sp->v6 = v6src == 1;
	if (sp->proto == -1)
		sp->proto = sp->v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --seconds: batches of the same frame until the time is up. */
static void flood(int fd, struct sockaddr_ll *sll, const uint8_t *f, size_t n, double secs)
{
	enum { BURST = 64 };
	struct iovec iov = { (void *)f, n };
	struct mmsghdr m[BURST];
	double t0 = now(), t;
	long sent = 0;
	int k;

	for (int i = 0; i < BURST; i++)
		m[i].msg_hdr = (struct msghdr){ .msg_name = sll,
						.msg_namelen = sizeof(*sll),
						.msg_iov = &iov,
						.msg_iovlen = 1 };
	do {
		k = sendmmsg(fd, m, BURST, 0);
		if (k < 0 && errno != ENOBUFS && errno != EINTR)
			die("send", strerror(errno));
		sent += k > 0 ? k : 0;
		t = now() - t0;
	} while (t < secs);
	printf("%ld %.3f\n", sent, t);
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_halen = 6 };
	uint8_t f[2048];
	struct spec sp;
	size_t n;
	int fd;

	parse(argc, argv, &sp);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		die("packet socket", strerror(errno));
	sll.sll_ifindex = if_nametoindex(sp.iface);
	if (!sll.sll_ifindex)
		die("no interface", sp.iface);
	own_mac(fd, sp.iface, sp.smac);
	memcpy(sll.sll_addr, sp.dmac, 6);
	n = frame(&sp, f);
	if (sp.seconds) {
		flood(fd, &sll, f, n, sp.seconds);
		sp.count = 0;
	}
	for (long i = 0; i < sp.count; i++) {
		if (sendto(fd, f, n, 0, (struct sockaddr *)&sll, sizeof(sll)) != (ssize_t)n) {
			if (errno == ENOBUFS) { /* the queue is full: retry this one */
				i--;
				usleep(100);
				continue;
			}
			die("send", strerror(errno));
		}
	}
	close(fd);
	return 0;
}
