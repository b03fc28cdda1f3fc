// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tools/xdpdrop/set.h"

static const char *const trie_opt[XDP_TRIES] = { "--src", "--src", "--dst", "--dst" };

enum xdp_trie xdp_rule_trie(const struct xdp_rule *r, bool v6)
{
	const struct xdp_prefix *set = r->nsrc ? r->src : r->dst;
	size_t n = r->nsrc ? r->nsrc : r->ndst;

	for (size_t i = 0; i < n; i++)
		if (set[i].v6 == v6)
			return (r->nsrc ? XDP_SRC4 : XDP_DST4) + v6;
	return XDP_TRIES;
}

/* Rule numbers below this by default, with few rules. */
#define MIN_RULE_ROOM 1024

int xdp_rule_room(size_t n, uint32_t max_rules, uint32_t *max, char *err, size_t errlen)
{
	if (max_rules) {
		*max = max_rules + 1;
		if (n < *max)
			return 0;
		snprintf(err, errlen, "%zu rules do not fit in --max-rules %u", n, max_rules);
		return -EINVAL;
	}
	if (n >= XDPDROP_RULES_MAX) {
		snprintf(err, errlen, "%zu rules are more than xdpdrop holds (at most %u)", n,
			 XDPDROP_RULES_MAX - 1);
		return -EINVAL;
	}
	*max = n < XDPDROP_RULES_MAX / 2 ? 2 * n + 1 : XDPDROP_RULES_MAX;
	if (*max < MIN_RULE_ROOM)
		*max = MIN_RULE_ROOM;
	return 0;
}

void xdp_rule_kernel(const struct xdp_rule *r, struct xdpdrop_rule *k)
{
	memset(k, 0, sizeof(*k));
	k->flags = XDPDROP_R_USED;
	k->index = r->nsrc ? XDPDROP_IX_SRC : r->ndst ? XDPDROP_IX_DST : XDPDROP_IX_ANY;
	if (r->nsrc && r->ndst)
		k->flags |= XDPDROP_R_DST_KEYED;
	if (r->has & XDP_HAS_PROTO) {
		k->flags |= XDPDROP_R_PROTO;
		k->proto = r->proto;
	}
	if (r->has & XDP_HAS_SPORT) {
		k->flags |= XDPDROP_R_SPORT;
		k->sport_lo = r->sport[0];
		k->sport_hi = r->sport[1];
	}
	if (r->has & XDP_HAS_DPORT) {
		k->flags |= XDPDROP_R_DPORT;
		k->dport_lo = r->dport[0];
		k->dport_hi = r->dport[1];
	}
	k->nsrc = r->nsrc;
	k->ndst = r->ndst;
}

struct pair {
	struct xdp_prefix pfx;
	uint32_t nr;
};

static int pair_cmp(const void *va, const void *vb)
{
	const struct pair *a = va, *b = vb;
	int c = xdp_prefix_cmp(&a->pfx, &b->pfx);

	return c ? c : (a->nr > b->nr) - (a->nr < b->nr);
}

/* The (prefix, rule) pairs of one trie, sorted. */
static int trie_pairs(const struct xdp_nrule *rules, size_t n, enum xdp_trie t, struct pair **out,
		      size_t *nout)
{
	bool v6 = t == XDP_SRC6 || t == XDP_DST6, dst = t >= XDP_DST4;
	struct pair *p = NULL;
	size_t np = 0, cap = 0;

	for (size_t i = 0; i < n; i++) {
		const struct xdp_rule *r = &rules[i].rule;
		const struct xdp_prefix *set = dst ? r->dst : r->src;
		size_t ns = dst ? r->ndst : r->nsrc;

		if (dst && r->nsrc)
			continue; /* listed by its source */
		for (size_t j = 0; j < ns; j++) {
			if (set[j].v6 != v6)
				continue;
			if (np == cap) {
				size_t c = cap ? cap * 2 : 64;
				struct pair *q = realloc(p, c * sizeof(*q));

				if (!q) {
					free(p);
					return -ENOMEM;
				}
				p = q;
				cap = c;
			}
			p[np++] = (struct pair){ set[j], rules[i].nr };
		}
	}
	if (np)
		qsort(p, np, sizeof(*p), pair_cmp);
	*out = p;
	*nout = np;
	return 0;
}

/* A covering prefix's list, merged with the rules naming this prefix. */
static int merge(const struct xdpdrop_cands *up, const struct pair *own, size_t nown,
		 struct xdpdrop_cands *c)
{
	size_t i = 0, j = 0;

	memset(c, 0, sizeof(*c));
	while (i < (up ? up->n : 0) || j < nown) {
		bool mine = j < nown && (!up || i >= up->n || own[j].nr <= up->rule[i]);
		uint32_t nr = mine ? own[j].nr : up->rule[i];

		if (mine && up && i < up->n && up->rule[i] == nr)
			i++; /* named by both: one entry */
		if (mine)
			j++;
		else
			i++;
		if (c->n && c->rule[c->n - 1] == nr) {
			if (mine)
				c->own |= 1u << (c->n - 1);
			continue;
		}
		if (c->n == XDPDROP_CANDS)
			return -E2BIG;
		if (mine)
			c->own |= 1u << c->n;
		c->rule[c->n++] = nr;
	}
	return 0;
}

int xdp_too_many(enum xdp_trie t, const struct xdp_prefix *p, char *err, size_t errlen)
{
	char text[64];

	xdp_prefix_text(p, text, sizeof(text));
	snprintf(err, errlen,
		 "more than %d rules apply to the addresses of %s %s (counting the rules whose "
		 "%s prefixes cover it): merge some of them",
		 XDPDROP_CANDS, trie_opt[t], text, trie_opt[t]);
	return -EINVAL;
}

/* Entries of one trie: prefixes in order, each with the lists of the
 * prefixes that cover it (a stack of the covering chain). */
static int build_trie(const struct pair *p, size_t np, enum xdp_trie t, struct xdp_tables *tab,
		      char *err, size_t errlen)
{
	struct xdp_trie_entry *e = NULL;
	size_t ne = 0, stack[129 + 1], depth = 0;

	for (size_t i = 0; i < np;) {
		size_t j = i;
		const struct xdpdrop_cands *up;

		while (j < np && !xdp_prefix_cmp(&p[j].pfx, &p[i].pfx))
			j++;
		if (!e && !(e = calloc(np, sizeof(*e))))
			return -ENOMEM;
		while (depth && !xdp_prefix_covers(&e[stack[depth - 1]].pfx, &p[i].pfx))
			depth--;
		up = depth ? &e[stack[depth - 1]].c : NULL;
		e[ne].pfx = p[i].pfx;
		if (merge(up, &p[i], j - i, &e[ne].c)) {
			free(e);
			return xdp_too_many(t, &p[i].pfx, err, errlen);
		}
		e[ne].c.plen = p[i].pfx.len;
		stack[depth++] = ne++;
		i = j;
	}
	tab->trie[t] = e;
	tab->ntrie[t] = ne;
	return 0;
}

static int build_rdst(const struct xdp_nrule *rules, size_t n, struct xdp_tables *t)
{
	size_t cnt = 0;

	for (size_t i = 0; i < n; i++)
		if (rules[i].rule.nsrc)
			cnt += rules[i].rule.ndst;
	if (!cnt)
		return 0;
	t->rdst = calloc(cnt, sizeof(*t->rdst));
	if (!t->rdst)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct xdp_rule *r = &rules[i].rule;

		for (size_t j = 0; r->nsrc && j < r->ndst; j++)
			t->rdst[t->nrdst++] = (struct xdp_rdst_entry){ rules[i].nr, r->dst[j] };
	}
	return 0;
}

int xdp_too_many_any(char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "more than %d rules have neither --src nor --dst: give some of them addresses or "
		 "merge them",
		 XDPDROP_ANY_MAX);
	return -EINVAL;
}

static int build_any(const struct xdp_nrule *rules, size_t n, struct xdp_tables *t, char *err,
		     size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		if (rules[i].rule.nsrc || rules[i].rule.ndst)
			continue;
		if (t->any.n == XDPDROP_ANY_MAX)
			return xdp_too_many_any(err, errlen);
		t->any.rule[t->any.n++] = rules[i].nr;
	}
	return 0;
}

int xdp_tables_build(const struct xdp_nrule *rules, size_t n, struct xdp_tables *t, char *err,
		     size_t errlen)
{
	int e = 0;

	memset(t, 0, sizeof(*t));
	for (enum xdp_trie k = 0; k < XDP_TRIES && !e; k++) {
		struct pair *p = NULL;
		size_t np = 0;

		e = trie_pairs(rules, n, k, &p, &np);
		if (!e)
			e = build_trie(p, np, k, t, err, errlen);
		free(p);
	}
	if (!e)
		e = build_rdst(rules, n, t);
	if (!e)
		e = build_any(rules, n, t, err, errlen);
	if (e == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (e)
		xdp_tables_free(t);
	return e;
}

void xdp_tables_free(struct xdp_tables *t)
{
	for (int k = 0; k < XDP_TRIES; k++)
		free(t->trie[k]);
	free(t->rdst);
	memset(t, 0, sizeof(*t));
}

bool xdp_trie_entry_equal(const struct xdp_trie_entry *a, const struct xdp_trie_entry *b)
{
	return !xdp_prefix_cmp(&a->pfx, &b->pfx) && a->c.n == b->c.n && a->c.own == b->c.own &&
	       a->c.plen == b->c.plen &&
	       !memcmp(a->c.rule, b->c.rule, a->c.n * sizeof(a->c.rule[0]));
}

int xdp_rdst_cmp(const struct xdp_rdst_entry *a, const struct xdp_rdst_entry *b)
{
	if (a->nr != b->nr)
		return a->nr < b->nr ? -1 : 1;
	return xdp_prefix_cmp(&a->pfx, &b->pfx);
}
