// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* xdp_testrun: the cost per packet of an XDP program, measured in the
 * kernel with BPF_PROG_TEST_RUN on crafted frames (scripts/bench.d/xdpdrop.sh).
 *
 *	xdp_testrun [--prefixes N] [--mixed] [--repeat R] [--runs K]
 *		xdpdrop with N rules of one --src prefix each (default 1): random
 *		IPv4 /32s, or with --mixed prefixes of 16 to 32 bits
 *	xdp_testrun --prog-id ID [--prefixes N]
 *		an XDP program already loaded (xdp-filter's dispatcher, given the
 *		same N source addresses by the caller with the same --seed)
 *	xdp_testrun --bare
 *		a program that only returns XDP_DROP: the floor of the harness
 *	xdp_testrun --list N [--mixed]
 *		print the N source prefixes (one a line), for the peers' rules
 *	xdp_testrun --attach-drop IFACE
 *		attach a bare XDP_DROP program to IFACE (native mode, through a
 *		link) and hold it until stdin closes
 *
 * Each case (a matching IPv4 UDP packet, a non-matching one, IPv6, a VLAN
 * tagged match) runs `runs` times with `repeat` repetitions; the lowest
 * average (the kernel's, in ns) is printed: "CASE NS" a line. */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "skel/xdpdrop.skel.h"
#include "tools/xdpdrop/maps.h"

struct cfg {
	long prefixes;
	int mixed;
	long repeat;
	int runs;
	int prog_id;
	int bare;
	long list;
	const char *attach;
};

/* A deterministic generator, so that every program gets the same list. */
static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 32;
}

/* Prefix i of the list. Sources 198.18.0.0/15 (benchmark space) stay out of
 * it, so the "no match" packet comes from there. */
static void prefix_at(const struct cfg *c, uint64_t *seed, struct xdp_prefix *p)
{
	uint32_t a;

	do
		a = rnd(seed);
	while ((a >> 17) == (0xc612u >> 1) || (a >> 24) == 0 || (a >> 24) >= 224);
	memset(p, 0, sizeof(*p));
	p->len = c->mixed ? 16 + rnd(seed) % 17 : 32;
	a &= p->len == 32 ? ~0u : ~(~0u >> p->len);
	p->addr[0] = a >> 24;
	p->addr[1] = a >> 16;
	p->addr[2] = a >> 8;
	p->addr[3] = a;
}

static struct xdp_nrule *rules_for(const struct cfg *c, struct xdp_prefix *first)
{
	struct xdp_nrule *r = calloc(c->prefixes, sizeof(*r));
	uint64_t seed = 42;

	for (long i = 0; r && i < c->prefixes; i++) {
		struct xdp_prefix p;

		prefix_at(c, &seed, &p);
		if (!i)
			*first = p;
		r[i].nr = i + 1;
		if (xdp_rule_add_prefix(&r[i].rule, false, &p))
			exit(1);
	}
	return r;
}

static int load_xdpdrop(const struct cfg *c, struct xdp_prefix *first)
{
	struct xdp_nrule *rules = rules_for(c, first);
	struct xdp_tables t, none = {};
	struct xdpdrop_bpf *skel;
	struct xdp_maps m;
	char err[XDP_ERR_LEN];
	size_t n = c->prefixes;

	if (!rules)
		return -ENOMEM;
	if (xdp_tables_build(rules, n, &t, err, sizeof(err))) {
		fprintf(stderr, "xdp_testrun: %s\n", err);
		return -EINVAL;
	}
	skel = xdpdrop_bpf__open();
	if (!skel)
		return -errno;
	bpf_map__set_max_entries(skel->maps.rules, n + 1);
	bpf_map__set_max_entries(skel->maps.hits, n + 1);
	if (xdp_maps_size(skel->obj, &t) || xdpdrop_bpf__load(skel) || xdp_maps_of(skel->obj, &m))
		return -errno;
	if (xdp_maps_apply(&m, NULL, 0, &none, rules, n, &t))
		return -errno;
	/* The skeleton stays loaded until exit. */
	return bpf_program__fd(skel->progs.xdpdrop);
}

/* An IPv4 (or IPv6) UDP frame from src, with tag VLAN tags. */
static size_t frame(uint8_t *f, const uint8_t *src, bool v6, int tags)
{
	static const uint8_t mac[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
	size_t n = 12, ip;

	memset(f, 0, 128);
	memcpy(f, mac, 12);
	for (int i = 0; i < tags; i++, n += 4) {
		f[n] = 0x81;
		f[n + 3] = 100;
	}
	f[n] = v6 ? 0x86 : 0x08;
	f[n + 1] = v6 ? 0xdd : 0x00;
	ip = n + 2;
	if (v6) {
		f[ip] = 0x60;
		f[ip + 5] = 8 + 18;
		f[ip + 6] = 17;
		f[ip + 7] = 64;
		memcpy(f + ip + 8, src, 16);
		f[ip + 24] = 0xfd;
		f[ip + 39] = 1;
		ip += 40;
	} else {
		f[ip] = 0x45;
		f[ip + 3] = 20 + 8 + 18;
		f[ip + 8] = 64;
		f[ip + 9] = 17;
		memcpy(f + ip + 12, src, 4);
		memcpy(f + ip + 16, (uint8_t[]){ 192, 0, 2, 1 }, 4);
		ip += 20;
	}
	f[ip] = 0x9c; /* sport 40000, dport 53 */
	f[ip + 1] = 0x40;
	f[ip + 3] = 53;
	f[ip + 5] = 8 + 18;
	return ip + 8 + 18;
}

static int run_case(const struct cfg *c, int prog, const char *name, const uint8_t *f, size_t n)
{
	uint8_t out[256];
	__u32 best = UINT32_MAX, ret = 0;

	for (int i = 0; i < c->runs; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = n, .data_out = out,
			    .data_size_out = sizeof(out), .repeat = c->repeat);

		if (bpf_prog_test_run_opts(prog, &o)) {
			fprintf(stderr, "xdp_testrun: test run: %s\n", strerror(errno));
			return -errno;
		}
		ret = o.retval;
		best = o.duration < best ? o.duration : best;
	}
	printf("%s %u %s\n", name, best,
	       ret == XDP_DROP	 ? "drop"
	       : ret == XDP_PASS ? "pass"
				 : "other");
	return 0;
}

static int run_all(const struct cfg *c, int prog, const struct xdp_prefix *first)
{
	uint8_t f[128], src[16] = { 198, 18, 0, 1 }, src6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	int err;

	src6[15] = 1;
	err = run_case(c, prog, "match", f, frame(f, first->addr, false, 0));
	if (!err)
		err = run_case(c, prog, "nomatch", f, frame(f, src, false, 0));
	if (!err)
		err = run_case(c, prog, "ipv6", f, frame(f, src6, true, 0));
	if (!err)
		err = run_case(c, prog, "vlan", f, frame(f, first->addr, false, 1));
	return err;
}

/* r0 = XDP_DROP; exit. */
static int bare_drop(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_DROP },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "bare_drop", "GPL", insns, 2, NULL);
}

static int attach_drop(const char *iface)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = XDP_FLAGS_DRV_MODE);
	int prog = bare_drop();
	int link, ifindex = if_nametoindex(iface);
	char c;

	if (prog < 0 || !ifindex)
		return -errno;
	link = bpf_link_create(prog, ifindex, BPF_XDP, &lo);
	if (link < 0)
		return -errno;
	printf("attached\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

static void list(const struct cfg *c)
{
	uint64_t seed = 42;
	char text[64];

	for (long i = 0; i < c->list; i++) {
		struct xdp_prefix p;

		prefix_at(c, &seed, &p);
		xdp_prefix_text(&p, text, sizeof(text));
		printf("%s\n", text);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prefixes", 1, 0, 'n' },    { "mixed", 0, 0, 'm' },	{ "repeat", 1, 0, 'r' },
		{ "runs", 1, 0, 'k' },	      { "prog-id", 1, 0, 'p' }, { "list", 1, 0, 'l' },
		{ "attach-drop", 1, 0, 'a' }, { "bare", 0, 0, 'b' },	{ 0 },
	};
	struct cfg c = { .prefixes = 1, .repeat = 1000000, .runs = 5 };
	struct xdp_prefix first;
	int o, prog;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'n':
			c.prefixes = atol(optarg);
			break;
		case 'm':
			c.mixed = 1;
			break;
		case 'r':
			c.repeat = atol(optarg);
			break;
		case 'k':
			c.runs = atoi(optarg);
			break;
		case 'p':
			c.prog_id = atoi(optarg);
			break;
		case 'l':
			c.list = atol(optarg);
			break;
		case 'a':
			c.attach = optarg;
			break;
		case 'b':
			c.bare = 1;
			break;
		default:
			return 2;
		}
	}
	if (c.prefixes < 1 || c.repeat < 1 || c.runs < 1)
		return 2;
	if (c.list) {
		list(&c);
		return 0;
	}
	if (c.attach)
		return attach_drop(c.attach) ? 1 : 0;
	if (c.prog_id || c.bare) {
		uint64_t seed = 42;

		prefix_at(&c, &seed, &first);
		prog = c.bare ? bare_drop() : bpf_prog_get_fd_by_id(c.prog_id);
	} else {
		prog = load_xdpdrop(&c, &first);
	}
	if (prog < 0) {
		fprintf(stderr, "xdp_testrun: cannot load the program: %s\n", strerror(-prog));
		return 1;
	}
	return run_all(&c, prog, &first) ? 1 : 0;
}
