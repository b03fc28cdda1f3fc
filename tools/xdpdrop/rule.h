/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* xdpdrop's rules in user space: parsing (one rule line into a struct, pure
 * functions without globals or output, so they can be fuzzed), the
 * canonical text of a rule, comparison.
 *
 * A rule is a conjunction of conditions, written as words:
 *
 *	--src CIDR ...	the source is in any of these prefixes (IPv4 or IPv6)
 *	--dst CIDR ...	the destination is in any of these prefixes
 *	--proto P	tcp, udp, icmp, icmpv6 or a number 0-255
 *	--sport P[-P]	the source port is in the range (TCP, UDP, SCTP, UDP-Lite)
 *	--dport P[-P]	the destination port is in the range
 *
 * "src 10.0.0.0/8" and "--src=10.0.0.0/8" are the same as "--src 10.0.0.0/8";
 * '#' starts a comment that runs to the end of the line. */
#ifndef SONDE_TOOLS_XDPDROP_RULE_H
#define SONDE_TOOLS_XDPDROP_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Room for one error message of the parsers. */
#define XDP_ERR_LEN 256

struct xdp_prefix {
	uint8_t v6;	  /* 0: IPv4 (addr[0..3]), 1: IPv6 */
	uint8_t len;	  /* prefix length in bits */
	uint8_t addr[16]; /* network order; bits after len are zero */
};

enum xdp_rule_has {
	XDP_HAS_PROTO = 1 << 0,
	XDP_HAS_SPORT = 1 << 1,
	XDP_HAS_DPORT = 1 << 2,
};

struct xdp_rule {
	struct xdp_prefix *src; /* sorted, without duplicates */
	struct xdp_prefix *dst;
	size_t nsrc, ndst;
	size_t cap_src, cap_dst;
	unsigned has; /* enum xdp_rule_has */
	uint8_t proto;
	uint16_t sport[2]; /* inclusive range */
	uint16_t dport[2];
};

/* Each parser returns 0, or -EINVAL with a message naming the value in err
 * ("invalid value 'x' for --src: ..."), or -ENOMEM. A message is one line
 * that quotes each value from input as it was (cut after 64 bytes): it is
 * for log_err() (lib/log.h), which escapes what it prints. */

/* "192.0.2.0/24", "192.0.2.7" (/32), "2001:db8::/32", "::1" (/128). Bits set
 * after the prefix length are refused. */
int xdp_prefix_parse(const char *opt, const char *s, struct xdp_prefix *p, char *err,
		     size_t errlen);
/* "80" or "1024-2047" (inclusive, low <= high). */
int xdp_ports_parse(const char *opt, const char *s, uint16_t range[2], char *err, size_t errlen);
/* "tcp", "udp", "icmp", "icmpv6" (any case) or a number 0-255. */
int xdp_proto_parse(const char *opt, const char *s, uint8_t *proto, char *err, size_t errlen);

/* Adds one condition: key is "src", "dst", "proto", "sport" or "dport". */
int xdp_rule_add(struct xdp_rule *r, const char *key, const char *value, char *err, size_t errlen);
/* Checks a rule whose conditions are all added and puts its prefix sets in
 * order: a rule needs a condition; ports need a protocol that has them; a
 * rule that can never match (IPv4 sources, IPv6 destinations; icmpv6 with
 * only IPv4 prefixes) is refused. */
int xdp_rule_finish(struct xdp_rule *r, char *err, size_t errlen);
/* Parses one line into *r (which must be zeroed or freed): 0 when it holds a
 * rule (finished), 1 when it is blank or only a comment. */
int xdp_rule_parse(const char *line, struct xdp_rule *r, char *err, size_t errlen);
void xdp_rule_free(struct xdp_rule *r);
/* Reads a rules file, one rule a line, appending to *rules (*n of them, an
 * array grown with realloc); a line holding a NUL byte is refused. Errors
 * name the file and the line ("rules.txt:12: invalid value ..."); 0,
 * -EINVAL or -ENOMEM. */
int xdp_rules_read(FILE *f, const char *name, struct xdp_rule **rules, size_t *n, char *err,
		   size_t errlen);
/* Appends one rule (moved: *r is zeroed); 0 or -ENOMEM. */
int xdp_rules_push(struct xdp_rule **rules, size_t *n, struct xdp_rule *r);
/* Same conditions (both finished). */
bool xdp_rule_equal(const struct xdp_rule *a, const struct xdp_rule *b);
/* Deep copy; 0 or -ENOMEM. */
int xdp_rule_copy(struct xdp_rule *dst, const struct xdp_rule *src);

/* The rule as words ("--src 192.0.2.0/24 --proto udp --dport 53"), cut after
 * max_prefixes addresses per direction (0: no limit) with "+N more". Like
 * snprintf: returns the length of the whole text. */
size_t xdp_rule_text(const struct xdp_rule *r, size_t max_prefixes, char *buf, size_t len);
/* "192.0.2.0/24"; a host prefix without its length ("192.0.2.7"). */
size_t xdp_prefix_text(const struct xdp_prefix *p, char *buf, size_t len);

/* Order: IPv4 first, then address, then length. */
int xdp_prefix_cmp(const struct xdp_prefix *a, const struct xdp_prefix *b);
/* outer holds every address of inner. */
bool xdp_prefix_covers(const struct xdp_prefix *outer, const struct xdp_prefix *inner);
/* Adds a prefix to a rule's source (dst false) or destination set, unsorted
 * until xdp_rule_finish(); 0 or -ENOMEM. */
int xdp_rule_add_prefix(struct xdp_rule *r, bool dst, const struct xdp_prefix *p);

#endif
