/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* xdpdrop: the rule tables and counters shared by the XDP program and user
 * space (tools/xdpdrop/set.c compiles rules into them, tools/xdpdrop/maps.c writes them).
 *
 * A packet is matched by looking its source address up in the source
 * tables and its destination in the destination tables: each entry lists the
 * rules that can match an address under it (those listed by that direction
 * whose prefix covers the entry), and the rules with neither --src nor --dst
 * are listed in any_rules. Each listed rule's other conditions are then
 * checked, in rule order; the first rule that matches gets the packet.
 *
 * Host prefixes (/32, /128) sit in hash maps (src4h, ...), looked up first:
 * their lists already hold the rules of the shorter prefixes that cover them.
 * Shorter prefixes sit in longest-prefix-match tries (src4, ...). A table
 * that is empty is not looked at ("present".bits). */
#ifndef SONDE_COMMON_XDPDROP_H
#define SONDE_COMMON_XDPDROP_H

#include "common/defs.h"

/* Rules a trie entry can list: the rules whose --src (or --dst) covers the
 * entry, itself included. More overlapping rules are refused at load time. */
#define XDPDROP_CANDS 15
/* Rules with neither --src nor --dst (protocol and port rules). */
#define XDPDROP_ANY_MAX 64
/* Rule numbers start at 1; 0 is never a rule. */
#define XDPDROP_RULES_MAX (1u << 20)
/* Entries per trie (a limit; tries allocate only what they hold). */
#define XDPDROP_TRIE_MAX (1u << 22)
/* Least room of a hash of hosts: its buckets are allocated when it is made,
 * so user space sizes it before load (twice the hosts, at least this). */
#define XDPDROP_HOSTS_MIN (1u << 16)
/* IPv6 extension headers walked to reach the L4 header; behind more, only
 * the addresses of a packet are known. */
#define XDPDROP_V6_EXT_MAX 8
/* "No rule". */
#define XDPDROP_NO_RULE 0xffffffffu

/* struct xdpdrop_rule.flags */
#define XDPDROP_R_USED 0x01	 /* the slot holds a rule */
#define XDPDROP_R_PROTO 0x02	 /* proto must equal */
#define XDPDROP_R_SPORT 0x04	 /* source port in [sport_lo, sport_hi] */
#define XDPDROP_R_DPORT 0x08	 /* destination port in [dport_lo, dport_hi] */
#define XDPDROP_R_DST_KEYED 0x10 /* destination in the rule's own rdst4/rdst6 set */

/* struct xdpdrop_rule.index: the lookup that lists the rule. */
enum xdpdrop_index {
	XDPDROP_IX_ANY = 0, /* any_rules */
	XDPDROP_IX_SRC = 1, /* src4/src6 */
	XDPDROP_IX_DST = 2, /* dst4/dst6 */
};

/* A rule as the program checks it ("rules" array, by rule number). The
 * address sets live in the tries; nsrc and ndst say how many prefixes
 * they hold (user space edits a rule by them, tools/xdpdrop/edit.c). */
struct xdpdrop_rule {
	__u8 flags; /* XDPDROP_R_* */
	__u8 proto; /* IPPROTO_* (IPv4 protocol, IPv6 last next header) */
	__u8 index; /* enum xdpdrop_index */
	__u8 pad;
	__u16 sport_lo;
	__u16 sport_hi;
	__u16 dport_lo;
	__u16 dport_hi;
	__u32 nsrc; /* prefixes of --src */
	__u32 ndst; /* prefixes of --dst */
};

_Static_assert(sizeof(struct xdpdrop_rule) == 20, "xdpdrop_rule layout");

/* Keys of the src/dst tries: prefixlen counts bits of addr. */
struct xdpdrop_key4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct xdpdrop_key6 {
	__u32 prefixlen;
	__u8 addr[16];
};

/* Keys of a rule's own destination set (rdst4/rdst6), for rules listed by
 * their source: prefixlen is 32 (the rule) plus the prefix's bits. The
 * value (__u8) is the prefix's length, which tells an exact match from a
 * covering one. */
struct xdpdrop_rkey4 {
	__u32 prefixlen;
	__u32 rule;
	__u8 addr[4];
};

struct xdpdrop_rkey6 {
	__u32 prefixlen;
	__u32 rule;
	__u8 addr[16];
};

_Static_assert(sizeof(struct xdpdrop_key4) == 8 && sizeof(struct xdpdrop_key6) == 20 &&
		   sizeof(struct xdpdrop_rkey4) == 12 && sizeof(struct xdpdrop_rkey6) == 24,
	       "xdpdrop trie keys");

/* present.bits: which tables hold entries. Table t (enum xdp_trie in
 * tools/xdpdrop/set.h: src4, src6, dst4, dst6) has its trie at bit 2t and its hash
 * of hosts at bit 2t + 1. */
#define XDPDROP_P_TRIE(t) (1u << (2 * (t)))
#define XDPDROP_P_HOSTS(t) (1u << (2 * (t) + 1))
#define XDPDROP_P_ANY (1u << 8)
/* Which of the two any_rules entries is the list: user space writes the
 * other one whole, then flips this bit, so that no packet reads a list half
 * written. */
#define XDPDROP_P_ANY_SLOT (1u << 9)

struct xdpdrop_present {
	__u32 bits;
};

_Static_assert(sizeof(struct xdpdrop_present) == 4, "xdpdrop_present layout");

/* The value of a src/dst table entry: rule numbers in ascending order; bit i
 * of own says rule[i] names this very prefix (the others are inherited from
 * shorter prefixes that cover it). plen is the entry's prefix length: a
 * longest-prefix lookup at a prefix tells the entry of that prefix from
 * one covering it. */
struct xdpdrop_cands {
	__u8 n;
	__u8 plen;
	__u16 own;
	__u32 rule[XDPDROP_CANDS];
};

_Static_assert(sizeof(struct xdpdrop_cands) == 64, "xdpdrop_cands layout");

/* The rules with neither --src nor --dst, ascending (any_rules[0] or [1],
 * as present.bits says). */
struct xdpdrop_any {
	__u32 n;
	__u32 rule[XDPDROP_ANY_MAX];
};

_Static_assert(sizeof(struct xdpdrop_any) == 4 + 4 * XDPDROP_ANY_MAX, "xdpdrop_any layout");

struct xdpdrop_count {
	__u64 packets;
	__u64 bytes;
};

/* The totals ("stats", one per-CPU entry). Every packet is counted in SEEN
 * and in exactly one of PASSED and DROPPED. NON_IP are passed packets that
 * are not IP. UNPARSED are packets that no rule matched and that were not
 * parsed to their end (too short, or their L4 header behind more IPv6
 * extension headers than are walked): they took the unparsed action, and
 * UNPARSED_DROPPED are those of them it dropped. With --dry-run DROPPED and
 * UNPARSED_DROPPED count what would have been dropped (and was passed). */
enum xdpdrop_stat {
	XDPDROP_ST_SEEN,
	XDPDROP_ST_PASSED,
	XDPDROP_ST_DROPPED,
	XDPDROP_ST_UNPARSED,
	XDPDROP_ST_NON_IP,
	XDPDROP_ST_UNPARSED_DROPPED,
	XDPDROP_ST_NR,
};

struct xdpdrop_stats {
	struct xdpdrop_count c[XDPDROP_ST_NR];
};

_Static_assert(sizeof(struct xdpdrop_count) == 16 &&
		   sizeof(struct xdpdrop_stats) == 16 * XDPDROP_ST_NR,
	       "xdpdrop counter layout");

/* How an instance was set up ("info", one entry): for --status of a pinned
 * instance; the program does not read it. */
struct xdpdrop_info {
	__u64 attached_ns; /* CLOCK_REALTIME */
	__u64 netns;	   /* the interface's network namespace: its nsfs inode */
	__u32 ifindex;
	__u32 max_rules;    /* rule numbers are below this */
	__u8 allow;	    /* --allow */
	__u8 dry_run;	    /* --dry-run */
	__u8 skb_mode;	    /* attached in generic (skb) mode */
	__u8 unparsed_drop; /* --unparsed=drop (explicit, or by --allow) */
	__u32 last_rule;    /* the highest rule number given so far */
	char iface[16];	    /* the interface's name at attach (IFNAMSIZ), for display */
};

_Static_assert(sizeof(struct xdpdrop_info) == 48, "xdpdrop_info layout");

#endif
