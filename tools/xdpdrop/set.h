/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* xdpdrop's rule set compiled into the tables of its XDP program
 * (common/xdpdrop.h): which trie lists each rule, and for every prefix in a
 * trie the rules whose prefixes cover it. Pure computation, no BPF calls. */
#ifndef SONDE_TOOLS_XDPDROP_SET_H
#define SONDE_TOOLS_XDPDROP_SET_H

#include <stddef.h>
#include <stdint.h>
#include "tools/xdpdrop/rule.h"
#include "common/xdpdrop.h"

/* A rule and its number (1..XDPDROP_RULES_MAX-1). */
struct xdp_nrule {
	uint32_t nr;
	struct xdp_rule rule;
};

enum xdp_trie { XDP_SRC4, XDP_SRC6, XDP_DST4, XDP_DST6, XDP_TRIES };

struct xdp_trie_entry {
	struct xdp_prefix pfx;
	struct xdpdrop_cands c;
};

/* One prefix of a rule's own destination set (rules listed by source). */
struct xdp_rdst_entry {
	uint32_t nr;
	struct xdp_prefix pfx;
};

struct xdp_tables {
	struct xdp_trie_entry *trie[XDP_TRIES]; /* each sorted by xdp_prefix_cmp */
	size_t ntrie[XDP_TRIES];
	struct xdp_rdst_entry *rdst; /* sorted by rule, then prefix */
	size_t nrdst;
	struct xdpdrop_any any;
};

/* Compiles rules (sorted by number, numbers unique). 0, -ENOMEM, or
 * -EINVAL with the reason in err: more than XDPDROP_CANDS rules overlap at
 * some prefix, or more than XDPDROP_ANY_MAX rules have no address. */
int xdp_tables_build(const struct xdp_nrule *rules, size_t n, struct xdp_tables *t, char *err,
		     size_t errlen);
void xdp_tables_free(struct xdp_tables *t);
/* The message of a list that would overflow: at p of table t, more than
 * XDPDROP_CANDS rules. -EINVAL. */
int xdp_too_many(enum xdp_trie t, const struct xdp_prefix *p, char *err, size_t errlen);
/* The message of more than XDPDROP_ANY_MAX rules without addresses. */
int xdp_too_many_any(char *err, size_t errlen);
/* Rule numbers are below *max: n rules and room for more (--add). With
 * max_rules (--max-rules, 0 when not given) max_rules + 1; without, twice
 * n + 1, at least 1024, at most XDPDROP_RULES_MAX. 0, or -EINVAL with the
 * reason in err. */
int xdp_rule_room(size_t n, uint32_t max_rules, uint32_t *max, char *err, size_t errlen);
/* The rule as the program checks it. */
void xdp_rule_kernel(const struct xdp_rule *r, struct xdpdrop_rule *k);
/* The trie a rule is listed in for one IP version, or XDP_TRIES (listed in
 * any_rules, or has no prefix of that version). */
enum xdp_trie xdp_rule_trie(const struct xdp_rule *r, bool v6);
/* Same entry (prefix and list). */
bool xdp_trie_entry_equal(const struct xdp_trie_entry *a, const struct xdp_trie_entry *b);
int xdp_rdst_cmp(const struct xdp_rdst_entry *a, const struct xdp_rdst_entry *b);

#endif
