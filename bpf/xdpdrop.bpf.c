// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* xdpdrop: drop the packets that rules match, as early as the driver hands
 * them over, and count everything.
 *
 * The frame is parsed (Ethernet, up to two VLAN tags, IPv4 with options or
 * IPv6 with a bounded chain of extension headers, then the ports of TCP,
 * UDP, SCTP and UDP-Lite). Rules apply to what was parsed: an IPv6 packet
 * whose L4 header lies beyond the extension headers walked still has its
 * addresses judged, and only a rule whose every condition could be checked
 * matches. A frame no rule decides and that was not parsed to its end takes
 * the unparsed action (--unparsed: pass, or drop, the default with --allow),
 * so that hiding a header never gets a packet past an allow list. Non-IP
 * frames (ARP, ...) pass. The addresses are looked up in hash maps of hosts
 * and longest-prefix-match tries whose entries list the rules that may
 * match (common/xdpdrop.h), so the cost does not grow with the number of
 * prefixes. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "common/xdpdrop.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* --allow: pass what a rule matches, drop the other IP packets. */
const volatile __u8 allow_policy = 0;
/* --dry-run: count what would be dropped, pass everything. */
const volatile __u8 dry_run = 0;
/* --unparsed=drop: drop what no rule decides and was not parsed to its end. */
const volatile __u8 unparsed_drop = 0;

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8

#define PROTO_HOPOPTS 0
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ROUTING 43
#define PROTO_FRAGMENT 44
#define PROTO_DSTOPTS 60
#define PROTO_SCTP 132
#define PROTO_UDPLITE 136
/* pkt.proto when the protocol is behind more headers than are walked: no
 * rule's --proto (0 to 255) equals it. */
#define PROTO_UNKNOWN 0x100

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpdrop_stats);
} stats SEC(".maps");

/* Sized by user space before load (rule numbers 1..n). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpdrop_rule);
} rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpdrop_count);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct xdpdrop_any);
} any_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpdrop_present);
} present SEC(".maps");

/* Written by user space for --status; not read here. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpdrop_info);
} info SEC(".maps");

#define TRIE(name, key_t, value_t)                                                                 \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);                                               \
		__uint(max_entries, XDPDROP_TRIE_MAX);                                             \
		__uint(map_flags, BPF_F_NO_PREALLOC);                                              \
		__type(key, key_t);                                                                \
		__type(value, value_t);                                                            \
	} name SEC(".maps")

TRIE(src4, struct xdpdrop_key4, struct xdpdrop_cands);
TRIE(src6, struct xdpdrop_key6, struct xdpdrop_cands);
TRIE(dst4, struct xdpdrop_key4, struct xdpdrop_cands);
TRIE(dst6, struct xdpdrop_key6, struct xdpdrop_cands);
TRIE(rdst4, struct xdpdrop_rkey4, __u8);
TRIE(rdst6, struct xdpdrop_rkey6, __u8);

#define HOSTS(name, key_t)                                                                         \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_HASH);                                                   \
		__uint(max_entries, XDPDROP_HOSTS_MIN);                                            \
		__uint(map_flags, BPF_F_NO_PREALLOC);                                              \
		__type(key, key_t);                                                                \
		__type(value, struct xdpdrop_cands);                                               \
	} name SEC(".maps")

HOSTS(src4h, __u32);
HOSTS(src6h, struct in6_addr);
HOSTS(dst4h, __u32);
HOSTS(dst6h, struct in6_addr);

/* Table numbers of present.bits (enum xdp_trie). */
enum { T_SRC4, T_SRC6, T_DST4, T_DST6 };

/* What the rules look at. IPv4 addresses fill the first 4 bytes. */
struct pkt {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u16 proto; /* IPPROTO_*, or PROTO_UNKNOWN */
	__u8 v6;
	__u8 has_ports; /* a port-carrying L4 header is present (not for later fragments) */
};

/* PARSE_PARTIAL: the addresses are known, the L4 header (and with it the
 * ports, maybe the protocol) is out of reach. PARSE_BAD: not even the
 * addresses are. */
enum parse_result { PARSE_IP, PARSE_PARTIAL, PARSE_NON_IP, PARSE_BAD };

struct vlan {
	__be16 tci;
	__be16 proto;
};

static __always_inline bool has_ports(__u16 proto)
{
	return proto == PROTO_TCP || proto == PROTO_UDP || proto == PROTO_SCTP ||
	       proto == PROTO_UDPLITE;
}

static __always_inline int parse_ports(void *l4, void *end, struct pkt *p)
{
	__be16 *ports = l4;

	if (!has_ports(p->proto))
		return PARSE_IP;
	if ((void *)(ports + 2) > end)
		return PARSE_PARTIAL;
	p->sport = bpf_ntohs(ports[0]);
	p->dport = bpf_ntohs(ports[1]);
	p->has_ports = 1;
	return PARSE_IP;
}

static __always_inline int parse_ip4(void *l3, void *end, struct pkt *p)
{
	struct iphdr *ip = l3;
	__u32 hlen;

	if ((void *)(ip + 1) > end || ip->version != 4)
		return PARSE_BAD;
	hlen = ip->ihl * 4;
	if (hlen < sizeof(*ip) || l3 + hlen > end)
		return PARSE_BAD;
	__builtin_memcpy(p->saddr, &ip->saddr, 4);
	__builtin_memcpy(p->daddr, &ip->daddr, 4);
	p->proto = ip->protocol;
	/* A later fragment carries no L4 header: only L3 rules apply. */
	if (ip->frag_off & bpf_htons(0x1fff))
		return PARSE_IP;
	return parse_ports(l3 + hlen, end, p);
}

static __always_inline bool is_ext(__u8 next)
{
	return next == PROTO_HOPOPTS || next == PROTO_ROUTING || next == PROTO_DSTOPTS ||
	       next == PROTO_FRAGMENT;
}

static __always_inline int parse_l4(void *l4, void *end, __u8 proto, struct pkt *p)
{
	p->proto = proto;
	return parse_ports(l4, end, p);
}

/* Skips up to XDPDROP_V6_EXT_MAX hop-by-hop, routing, destination-options
 * and fragment headers; the header after the last of them is the L4 one.
 * Past that many, the addresses are all that is known. */
static __always_inline int parse_ip6(void *l3, void *end, struct pkt *p)
{
	struct ipv6hdr *ip = l3;
	void *cur = ip + 1;
	__u8 next;

	if (cur > end || ip->version != 6)
		return PARSE_BAD;
	__builtin_memcpy(p->saddr, &ip->saddr, 16);
	__builtin_memcpy(p->daddr, &ip->daddr, 16);
	p->v6 = 1;
	next = ip->nexthdr;
	for (int i = 0; i < XDPDROP_V6_EXT_MAX; i++) {
		struct ipv6_opt_hdr *opt = cur;
		struct frag_hdr *frag = cur;

		if (!is_ext(next))
			return parse_l4(cur, end, next, p);
		if (next == PROTO_FRAGMENT) {
			if ((void *)(frag + 1) > end)
				return PARSE_PARTIAL;
			next = frag->nexthdr;
			cur = frag + 1;
			/* A later fragment carries no L4 header. */
			if (frag->frag_off & bpf_htons(0xfff8)) {
				p->proto = next;
				return PARSE_IP;
			}
			continue;
		}
		if ((void *)(opt + 1) > end)
			return PARSE_PARTIAL;
		next = opt->nexthdr;
		cur += (opt->hdrlen + 1) * 8;
	}
	return is_ext(next) ? PARSE_PARTIAL : parse_l4(cur, end, next, p);
}

static __always_inline int parse(struct xdp_md *ctx, struct pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	void *cur = eth + 1;
	__be16 proto;

	if (cur > end)
		return PARSE_BAD;
	proto = eth->h_proto;
	for (int i = 0; i < 2; i++) {
		struct vlan *v = cur;

		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(v + 1) > end)
			return PARSE_BAD;
		proto = v->proto;
		cur = v + 1;
	}
	if (proto == bpf_htons(ETH_P_IP))
		return parse_ip4(cur, end, p);
	if (proto == bpf_htons(ETH_P_IPV6))
		return parse_ip6(cur, end, p);
	/* A third VLAN tag is more than we parse. */
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD))
		return PARSE_BAD;
	return PARSE_NON_IP;
}

/* The rule's own destination set holds the packet's destination. A global
 * function, like scan_any() below: the verifier checks it once, not once
 * per candidate of every list (which made loading take a second). */
__noinline int dst_keyed_match(__u32 nr, const struct pkt *p)
{
	if (!p)
		return false;
	if (p->v6) {
		struct xdpdrop_rkey6 k = { .prefixlen = 32 + 128, .rule = nr };

		__builtin_memcpy(k.addr, p->daddr, 16);
		return bpf_map_lookup_elem(&rdst6, &k) != NULL;
	}
	struct xdpdrop_rkey4 k = { .prefixlen = 32 + 32, .rule = nr };

	__builtin_memcpy(k.addr, p->daddr, 4);
	return bpf_map_lookup_elem(&rdst4, &k) != NULL;
}

/* The conditions of rule nr other than the set it was listed by. */
static __always_inline bool rule_matches(__u32 nr, const struct pkt *p)
{
	struct xdpdrop_rule *r = bpf_map_lookup_elem(&rules, &nr);

	if (!r || !(r->flags & XDPDROP_R_USED))
		return false;
	if ((r->flags & XDPDROP_R_PROTO) && r->proto != p->proto)
		return false;
	if (r->flags & (XDPDROP_R_SPORT | XDPDROP_R_DPORT)) {
		if (!p->has_ports)
			return false;
		if ((r->flags & XDPDROP_R_SPORT) &&
		    (p->sport < r->sport_lo || p->sport > r->sport_hi))
			return false;
		if ((r->flags & XDPDROP_R_DPORT) &&
		    (p->dport < r->dport_lo || p->dport > r->dport_hi))
			return false;
	}
	if (r->flags & XDPDROP_R_DST_KEYED)
		return dst_keyed_match(nr, p);
	return true;
}

/* The first rule of a list (rule numbers in ascending order, n of them, at
 * most max) that matches, if it comes before best. */
static __always_inline __u32 scan(const __u32 *rule, __u32 n, const int max, const struct pkt *p,
				  __u32 best)
{
	for (int i = 0; i < max; i++) {
		__u32 nr;

		if (i >= n)
			break;
		nr = rule[i];
		if (nr >= best)
			break;
		if (rule_matches(nr, p))
			return nr;
	}
	return best;
}

static __always_inline __u32 scan_cands(const struct xdpdrop_cands *c, const struct pkt *p,
					__u32 best)
{
	return c ? scan(c->rule, c->n, XDPDROP_CANDS, p, best) : best;
}

/* The longest list, checked by the verifier once as a global function. */
__noinline __u32 scan_any(const struct xdpdrop_any *a, const struct pkt *p, __u32 best)
{
	return a && p ? scan(a->rule, a->n, XDPDROP_ANY_MAX, p, best) : best;
}

/* The entry of the longest prefix holding the address of key (a trie key,
 * prefixlen at full length): the hash of hosts first, keyed by the address
 * that follows prefixlen. */
static __always_inline struct xdpdrop_cands *find(void *hosts, void *trie, __u32 bits, int t,
						  void *key)
{
	struct xdpdrop_cands *c;

	if (bits & XDPDROP_P_HOSTS(t)) {
		c = bpf_map_lookup_elem(hosts, key + sizeof(__u32));
		if (c)
			return c;
	}
	return bits & XDPDROP_P_TRIE(t) ? bpf_map_lookup_elem(trie, key) : NULL;
}

static __always_inline __u32 first_match(const struct pkt *p)
{
	struct xdpdrop_present *in_use;
	struct xdpdrop_any *any;
	__u32 best = XDPDROP_NO_RULE, zero = 0, bits, slot;

	in_use = bpf_map_lookup_elem(&present, &zero);
	if (!in_use)
		return best;
	bits = in_use->bits;
	if (p->v6) {
		struct xdpdrop_key6 k = { .prefixlen = 128 };

		__builtin_memcpy(k.addr, p->saddr, 16);
		best = scan_cands(find(&src6h, &src6, bits, T_SRC6, &k), p, best);
		__builtin_memcpy(k.addr, p->daddr, 16);
		best = scan_cands(find(&dst6h, &dst6, bits, T_DST6, &k), p, best);
	} else {
		struct xdpdrop_key4 k = { .prefixlen = 32 };

		__builtin_memcpy(k.addr, p->saddr, 4);
		best = scan_cands(find(&src4h, &src4, bits, T_SRC4, &k), p, best);
		__builtin_memcpy(k.addr, p->daddr, 4);
		best = scan_cands(find(&dst4h, &dst4, bits, T_DST4, &k), p, best);
	}
	slot = bits & XDPDROP_P_ANY_SLOT ? 1 : 0;
	if (!(bits & XDPDROP_P_ANY) || !(any = bpf_map_lookup_elem(&any_rules, &slot)))
		return best;
	return scan_any(any, p, best);
}

static __always_inline void count(struct xdpdrop_count *c, __u64 bytes)
{
	c->packets++;
	c->bytes += bytes;
}

/* What no rule decided: the policy for a packet parsed to its end, the
 * unparsed action (counted) for the others. */
static __always_inline bool undecided(int res, struct xdpdrop_stats *st, __u64 bytes)
{
	if (res == PARSE_IP)
		return allow_policy;
	count(&st->c[XDPDROP_ST_UNPARSED], bytes);
	if (unparsed_drop)
		count(&st->c[XDPDROP_ST_UNPARSED_DROPPED], bytes);
	return unparsed_drop;
}

SEC("xdp")
int xdpdrop(struct xdp_md *ctx)
{
	__u64 bytes = ctx->data_end - ctx->data;
	struct pkt p = { .proto = PROTO_UNKNOWN };
	struct xdpdrop_count *hit;
	struct xdpdrop_stats *st;
	__u32 zero = 0, nr;
	bool drop = false;
	int res;

	st = bpf_map_lookup_elem(&stats, &zero);
	if (!st)
		return XDP_PASS;
	count(&st->c[XDPDROP_ST_SEEN], bytes);
	res = parse(ctx, &p);
	if (res == PARSE_NON_IP) {
		count(&st->c[XDPDROP_ST_NON_IP], bytes);
		count(&st->c[XDPDROP_ST_PASSED], bytes);
		return XDP_PASS;
	}
	nr = res == PARSE_BAD ? XDPDROP_NO_RULE : first_match(&p);
	if (nr != XDPDROP_NO_RULE) {
		hit = bpf_map_lookup_elem(&hits, &nr);
		if (hit)
			count(hit, bytes);
		drop = !allow_policy;
	} else {
		drop = undecided(res, st, bytes);
	}
	count(&st->c[drop ? XDPDROP_ST_DROPPED : XDPDROP_ST_PASSED], bytes);
	return drop && !dry_run ? XDP_DROP : XDP_PASS;
}
