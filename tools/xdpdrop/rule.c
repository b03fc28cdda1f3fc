// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lib/array_size.h"
#include "lib/parse.h"
#include "tools/xdpdrop/rule.h"

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58
#define PROTO_SCTP 132
#define PROTO_UDPLITE 136

/* Longest value quoted in a message; the rest is cut. */
#define QUOTE_MAX 64

/* The value as a message quotes it, cut to QUOTE_MAX bytes. Its bytes stay
 * as they are: the messages are printed by the logging layer (lib/log.h),
 * which escapes them as text output is, so that the user sees '\x1b' for
 * an ESC in a rules file, and no terminal ever receives it. */
static void quote(const char *s, char *q, size_t len)
{
	size_t n = strnlen(s, len);

	if (n < len) {
		memcpy(q, s, n + 1);
		return;
	}
	memcpy(q, s, len - 4);
	memcpy(q + len - 4, "...", 4);
}

__attribute__((format(printf, 5, 6))) static int bad(char *err, size_t errlen, const char *opt,
						     const char *value, const char *why, ...)
{
	char q[QUOTE_MAX + 1];
	int n = 0;
	va_list ap;

	quote(value, q, sizeof(q));
	if (errlen)
		n = snprintf(err, errlen, "invalid value '%s' for %s: ", q, opt);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, why);
		vsnprintf(err + n, errlen - n, why, ap);
		va_end(ap);
	}
	return -EINVAL;
}

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
						      ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A decimal number of at most 5 digits (no sign, blank or leading '+'):
 * the n bytes at s, a port or a part of a rule's word. */
static bool small_number(const char *s, size_t n, unsigned max, unsigned *v)
{
	char num[6];
	uint64_t x;

	if (n >= sizeof(num))
		return false;
	memcpy(num, s, n);
	num[n] = '\0';
	if (parse_decimal(num, 0, max, &x))
		return false;
	*v = x;
	return true;
}

static bool host_bits_zero(const struct xdp_prefix *p)
{
	unsigned bytes = p->v6 ? 16 : 4;

	for (unsigned i = p->len / 8; i < bytes; i++) {
		uint8_t keep = i == p->len / 8 ? (uint8_t)(0xff00 >> (p->len % 8)) : 0;

		if (p->addr[i] & ~keep)
			return false;
	}
	return true;
}

int xdp_prefix_parse(const char *opt, const char *s, struct xdp_prefix *p, char *err, size_t errlen)
{
	static const char *const why = "expected an IPv4 or IPv6 address with an optional "
				       "/prefix-length (192.0.2.0/24, 2001:db8::/32)";
	const char *slash = strchr(s, '/');
	char addr[INET6_ADDRSTRLEN];
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned len;

	memset(p, 0, sizeof(*p));
	if (!alen || alen >= sizeof(addr))
		return bad(err, errlen, opt, s, "%s", why);
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	p->v6 = strchr(addr, ':') != NULL;
	if (inet_pton(p->v6 ? AF_INET6 : AF_INET, addr, p->addr) != 1)
		return bad(err, errlen, opt, s, "%s", why);
	len = p->v6 ? 128 : 32;
	if (slash && !small_number(slash + 1, strlen(slash + 1), len, &len))
		return bad(err, errlen, opt, s, "the prefix length must be a number from 0 to %u",
			   p->v6 ? 128 : 32);
	p->len = len;
	if (!host_bits_zero(p)) {
		char net[INET6_ADDRSTRLEN + 4];
		struct xdp_prefix m = *p;

		for (unsigned i = 0; i < 16; i++) {
			unsigned lo = i * 8;

			if (lo >= p->len)
				m.addr[i] = 0;
			else if (lo + 8 > p->len)
				m.addr[i] &= (uint8_t)(0xff00 >> (p->len - lo));
		}
		xdp_prefix_text(&m, net, sizeof(net));
		return bad(err, errlen, opt, s,
			   "bits are set after the prefix length (the network is %s%s)", net,
			   strchr(net, '/') ? ""
			   : p->v6	    ? "/128"
					    : "/32");
	}
	return 0;
}

int xdp_ports_parse(const char *opt, const char *s, uint16_t range[2], char *err, size_t errlen)
{
	const char *dash = strchr(s, '-');
	size_t n = dash ? (size_t)(dash - s) : strlen(s);
	unsigned lo, hi;

	if (!small_number(s, n, 65535, &lo) ||
	    (dash && !small_number(dash + 1, strlen(dash + 1), 65535, &hi)))
		return bad(err, errlen, opt, s,
			   "expected a port or a range of ports from 0 to 65535 (80, 1024-2047)");
	if (!dash)
		hi = lo;
	if (lo > hi)
		return bad(err, errlen, opt, s, "the range's first port is above its last");
	range[0] = lo;
	range[1] = hi;
	return 0;
}

static const struct {
	const char *name;
	uint8_t proto;
} proto_names[] = {
	{ "tcp", PROTO_TCP },
	{ "udp", PROTO_UDP },
	{ "icmp", PROTO_ICMP },
	{ "icmpv6", PROTO_ICMPV6 },
};

int xdp_proto_parse(const char *opt, const char *s, uint8_t *proto, char *err, size_t errlen)
{
	unsigned v;

	for (size_t i = 0; i < ARRAY_SIZE(proto_names); i++) {
		if (!strcasecmp(s, proto_names[i].name)) {
			*proto = proto_names[i].proto;
			return 0;
		}
	}
	if (!small_number(s, strlen(s), 255, &v))
		return bad(err, errlen, opt, s,
			   "expected tcp, udp, icmp, icmpv6 or a protocol number from 0 to 255");
	*proto = v;
	return 0;
}

int xdp_rule_add_prefix(struct xdp_rule *r, bool dst, const struct xdp_prefix *p)
{
	struct xdp_prefix **set = dst ? &r->dst : &r->src;
	size_t *n = dst ? &r->ndst : &r->nsrc;
	size_t *cap = dst ? &r->cap_dst : &r->cap_src;

	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 4;
		struct xdp_prefix *s = realloc(*set, c * sizeof(*s));

		if (!s)
			return -ENOMEM;
		*set = s;
		*cap = c;
	}
	(*set)[(*n)++] = *p;
	return 0;
}

static const char *const rule_keys[] = { "src", "dst", "proto", "sport", "dport" };

static bool known_key(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(rule_keys); i++)
		if (!strcmp(key, rule_keys[i]))
			return true;
	return false;
}

static int unknown_key(char *err, size_t errlen, const char *key)
{
	char q[QUOTE_MAX + 1];

	quote(key, q, sizeof(q));
	return fail(err, errlen,
		    "unknown rule word '%s' (expected --src, --dst, --proto, --sport or --dport)",
		    q);
}

static int twice(char *err, size_t errlen, const char *opt)
{
	return fail(err, errlen,
		    "%s is given twice in one rule (a rule matches one range or "
		    "protocol; write two rules)",
		    opt);
}

int xdp_rule_add(struct xdp_rule *r, const char *key, const char *value, char *err, size_t errlen)
{
	struct xdp_prefix p;
	bool dst = !strcmp(key, "dst");
	int e;

	if (dst || !strcmp(key, "src")) {
		e = xdp_prefix_parse(dst ? "--dst" : "--src", value, &p, err, errlen);
		if (!e)
			e = xdp_rule_add_prefix(r, dst, &p);
		if (e == -ENOMEM)
			fail(err, errlen, "out of memory");
		return e;
	}
	if (!strcmp(key, "proto")) {
		if (r->has & XDP_HAS_PROTO)
			return twice(err, errlen, "--proto");
		r->has |= XDP_HAS_PROTO;
		return xdp_proto_parse("--proto", value, &r->proto, err, errlen);
	}
	if (!strcmp(key, "sport") || !strcmp(key, "dport")) {
		bool d = key[0] == 'd';
		unsigned flag = d ? XDP_HAS_DPORT : XDP_HAS_SPORT;

		if (r->has & flag)
			return twice(err, errlen, d ? "--dport" : "--sport");
		r->has |= flag;
		return xdp_ports_parse(d ? "--dport" : "--sport", value, d ? r->dport : r->sport,
				       err, errlen);
	}
	return unknown_key(err, errlen, key);
}

static int prefix_qcmp(const void *a, const void *b)
{
	return xdp_prefix_cmp(a, b);
}

static size_t sort_unique(struct xdp_prefix *set, size_t n)
{
	size_t out = 0;

	if (n > 1) /* an empty set may have no array at all */
		qsort(set, n, sizeof(*set), prefix_qcmp);
	for (size_t i = 0; i < n; i++)
		if (!out || xdp_prefix_cmp(&set[out - 1], &set[i]))
			set[out++] = set[i];
	return out;
}

/* Which IP versions a set holds: bit 0 IPv4, bit 1 IPv6 (3 when empty). */
static unsigned versions(const struct xdp_prefix *set, size_t n)
{
	unsigned v = 0;

	/* An empty set may have no array at all. */
	if (!set || !n)
		return 3;
	for (size_t i = 0; i < n; i++)
		v |= set[i].v6 ? 2 : 1;
	return v;
}

static bool proto_has_ports(uint8_t proto)
{
	return proto == PROTO_TCP || proto == PROTO_UDP || proto == PROTO_SCTP ||
	       proto == PROTO_UDPLITE;
}

int xdp_rule_finish(struct xdp_rule *r, char *err, size_t errlen)
{
	unsigned v;

	if (!r->nsrc && !r->ndst && !r->has)
		return fail(err, errlen,
			    "a rule needs at least one of --src, --dst, --proto, "
			    "--sport, --dport");
	r->nsrc = sort_unique(r->src, r->nsrc);
	r->ndst = sort_unique(r->dst, r->ndst);
	if ((r->has & (XDP_HAS_SPORT | XDP_HAS_DPORT)) && (r->has & XDP_HAS_PROTO) &&
	    !proto_has_ports(r->proto))
		return fail(err, errlen,
			    "--sport and --dport need --proto tcp, udp, 132 (SCTP) "
			    "or 136 (UDP-Lite), or no --proto");
	v = versions(r->src, r->nsrc) & versions(r->dst, r->ndst);
	if (!v)
		return fail(err, errlen,
			    "--src and --dst are of different IP versions: the rule "
			    "would never match");
	if ((r->has & XDP_HAS_PROTO) && r->proto == PROTO_ICMPV6 && v == 1)
		return fail(err, errlen,
			    "--proto icmpv6 with only IPv4 addresses would never match");
	if ((r->has & XDP_HAS_PROTO) && r->proto == PROTO_ICMP && v == 2)
		return fail(err, errlen, "--proto icmp is IPv4's (use icmpv6 with IPv6 addresses)");
	return 0;
}

void xdp_rule_free(struct xdp_rule *r)
{
	free(r->src);
	free(r->dst);
	memset(r, 0, sizeof(*r));
}

/* The next word of a line: skips blanks, stops at a comment. */
static const char *next_word(const char *s, size_t *len)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\v' || *s == '\f')
		s++;
	if (!*s || *s == '#')
		return NULL;
	*len = strcspn(s, " \t\r\n\v\f#");
	return s;
}

#define WORD_MAX 128

static int long_word(char *err, size_t errlen)
{
	return fail(err, errlen, "a word longer than %d characters", WORD_MAX - 1);
}

/* The condition at *w (n bytes, its first word): key and value, from
 * "--src VALUE", "src VALUE" or "--src=VALUE"; *w and *n then end it. */
static int condition(const char **w, size_t *n, char *key, char *value, char *err, size_t errlen)
{
	const char *eq, *v;
	size_t kn;

	if (*n > 2 && (*w)[0] == '-' && (*w)[1] == '-') {
		*w += 2;
		*n -= 2;
	}
	eq = memchr(*w, '=', *n);
	kn = eq ? (size_t)(eq - *w) : *n;
	memcpy(key, *w, kn);
	key[kn] = '\0';
	/* Known before its value is looked for: the messages below name the
	 * word as an option, which only a known one is. */
	if (!known_key(key))
		return unknown_key(err, errlen, key);
	if (eq) {
		memcpy(value, eq + 1, *n - kn - 1);
		value[*n - kn - 1] = '\0';
		return 0;
	}
	v = next_word(*w + *n, n);
	if (!v)
		return fail(err, errlen, "--%s needs a value", key);
	if (*n >= WORD_MAX)
		return long_word(err, errlen);
	memcpy(value, v, *n);
	value[*n] = '\0';
	*w = v;
	return 0;
}

int xdp_rule_parse(const char *line, struct xdp_rule *r, char *err, size_t errlen)
{
	char key[WORD_MAX] = "", value[WORD_MAX] = "";
	const char *w;
	bool any = false;
	size_t n;
	int e = 0;

	memset(r, 0, sizeof(*r));
	for (const char *s = line; !e && (w = next_word(s, &n)); s = w + n) {
		e = n >= WORD_MAX ? long_word(err, errlen)
				  : condition(&w, &n, key, value, err, errlen);
		if (!e)
			e = xdp_rule_add(r, key, value, err, errlen);
		any = true;
	}
	if (!e && !any)
		return 1;
	if (!e)
		e = xdp_rule_finish(r, err, errlen);
	if (e)
		xdp_rule_free(r);
	return e;
}

int xdp_rules_push(struct xdp_rule **rules, size_t *n, struct xdp_rule *r)
{
	/* Grows by doubling: *n is a power of two whenever the array is full. */
	if (!(*n & (*n - 1))) {
		size_t cap = *n ? *n * 2 : 1;
		struct xdp_rule *a = realloc(*rules, cap * sizeof(*a));

		if (!a)
			return -ENOMEM;
		*rules = a;
	}
	(*rules)[(*n)++] = *r;
	memset(r, 0, sizeof(*r));
	return 0;
}

/* One line of a rules file: as a rule line, unless it holds a NUL byte,
 * which would end the line early (and "proto tcp\0 dport 22" is not "proto
 * tcp"). */
static int file_line(const char *line, size_t len, struct xdp_rule *r, char *err, size_t errlen)
{
	if (memchr(line, '\0', len))
		return fail(err, errlen, "a NUL byte in the line (a rules file is text)");
	return xdp_rule_parse(line, r, err, errlen);
}

int xdp_rules_read(FILE *f, const char *name, struct xdp_rule **rules, size_t *n, char *err,
		   size_t errlen)
{
	char why[XDP_ERR_LEN], q[QUOTE_MAX + 1];
	struct xdp_rule r = { 0 };
	size_t cap = 0, lineno = 0;
	char *line = NULL;
	ssize_t len;
	int e = 0;

	quote(name, q, sizeof(q));
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		e = file_line(line, len, &r, why, sizeof(why));
		if (e == 1) {
			e = 0;
			continue;
		}
		if (!e)
			e = xdp_rules_push(rules, n, &r);
		if (e) {
			xdp_rule_free(&r);
			snprintf(err, errlen, "%s:%zu: %s", q, lineno,
				 e == -ENOMEM ? "out of memory" : why);
			break;
		}
	}
	if (!e && ferror(f)) {
		snprintf(err, errlen, "%s: read error", q);
		e = -EIO;
	}
	free(line);
	return e;
}

static bool same_set(const struct xdp_prefix *a, size_t na, const struct xdp_prefix *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (xdp_prefix_cmp(&a[i], &b[i]))
			return false;
	return true;
}

bool xdp_rule_equal(const struct xdp_rule *a, const struct xdp_rule *b)
{
	if (a->has != b->has)
		return false;
	if ((a->has & XDP_HAS_PROTO) && a->proto != b->proto)
		return false;
	if ((a->has & XDP_HAS_SPORT) && memcmp(a->sport, b->sport, sizeof(a->sport)))
		return false;
	if ((a->has & XDP_HAS_DPORT) && memcmp(a->dport, b->dport, sizeof(a->dport)))
		return false;
	return same_set(a->src, a->nsrc, b->src, b->nsrc) &&
	       same_set(a->dst, a->ndst, b->dst, b->ndst);
}

static int copy_set(struct xdp_prefix **dst, size_t *cap, const struct xdp_prefix *src, size_t n)
{
	*dst = NULL;
	*cap = 0;
	if (!n)
		return 0;
	*dst = malloc(n * sizeof(*src));
	if (!*dst)
		return -ENOMEM;
	memcpy(*dst, src, n * sizeof(*src));
	*cap = n;
	return 0;
}

int xdp_rule_copy(struct xdp_rule *dst, const struct xdp_rule *src)
{
	*dst = *src;
	if (copy_set(&dst->src, &dst->cap_src, src->src, src->nsrc) ||
	    copy_set(&dst->dst, &dst->cap_dst, src->dst, src->ndst)) {
		xdp_rule_free(dst);
		return -ENOMEM;
	}
	return 0;
}

size_t xdp_prefix_text(const struct xdp_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	int n;

	inet_ntop(p->v6 ? AF_INET6 : AF_INET, p->addr, a, sizeof(a));
	if (p->len == (p->v6 ? 128 : 32))
		n = snprintf(buf, len, "%s", a);
	else
		n = snprintf(buf, len, "%s/%u", a, p->len);
	return n < 0 ? 0 : (size_t)n;
}

/* Appends to buf like snprintf, keeping count of the whole length. */
struct text {
	char *buf;
	size_t len, n;
};

__attribute__((format(printf, 2, 3))) static void add(struct text *t, const char *fmt, ...)
{
	size_t room = t->n < t->len ? t->len - t->n : 0;
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(room ? t->buf + t->n : NULL, room, fmt, ap);
	va_end(ap);
	if (k > 0)
		t->n += k;
}

static void add_set(struct text *t, const char *opt, const struct xdp_prefix *set, size_t n,
		    size_t max)
{
	char p[INET6_ADDRSTRLEN + 4];

	for (size_t i = 0; i < n; i++) {
		if (max && i == max) {
			add(t, "%s+%zu more", t->n ? " " : "", n - i);
			return;
		}
		xdp_prefix_text(&set[i], p, sizeof(p));
		add(t, "%s%s %s", t->n ? " " : "", opt, p);
	}
}

static void add_ports(struct text *t, const char *opt, const uint16_t r[2])
{
	if (r[0] == r[1])
		add(t, "%s%s %u", t->n ? " " : "", opt, r[0]);
	else
		add(t, "%s%s %u-%u", t->n ? " " : "", opt, r[0], r[1]);
}

size_t xdp_rule_text(const struct xdp_rule *r, size_t max_prefixes, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };
	const char *name = NULL;

	if (len)
		buf[0] = '\0';
	add_set(&t, "--src", r->src, r->nsrc, max_prefixes);
	add_set(&t, "--dst", r->dst, r->ndst, max_prefixes);
	if (r->has & XDP_HAS_PROTO) {
		for (size_t i = 0; i < ARRAY_SIZE(proto_names); i++)
			if (proto_names[i].proto == r->proto)
				name = proto_names[i].name;
		if (name)
			add(&t, "%s--proto %s", t.n ? " " : "", name);
		else
			add(&t, "%s--proto %u", t.n ? " " : "", r->proto);
	}
	if (r->has & XDP_HAS_SPORT)
		add_ports(&t, "--sport", r->sport);
	if (r->has & XDP_HAS_DPORT)
		add_ports(&t, "--dport", r->dport);
	return t.n;
}

int xdp_prefix_cmp(const struct xdp_prefix *a, const struct xdp_prefix *b)
{
	int c;

	if (a->v6 != b->v6)
		return a->v6 - b->v6;
	c = memcmp(a->addr, b->addr, a->v6 ? 16 : 4);
	if (c)
		return c;
	return a->len - b->len;
}

bool xdp_prefix_covers(const struct xdp_prefix *outer, const struct xdp_prefix *inner)
{
	unsigned full = outer->len / 8, rest = outer->len % 8;

	if (outer->v6 != inner->v6 || outer->len > inner->len)
		return false;
	if (memcmp(outer->addr, inner->addr, full))
		return false;
	return !rest || !((outer->addr[full] ^ inner->addr[full]) & (uint8_t)(0xff00 >> rest));
}
