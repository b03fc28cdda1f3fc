// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "tools/xdpdrop/edit.h"

/* What lookup() found for a prefix. */
enum found { NONE, EXACT, COVER };

static bool is_host(const struct xdp_prefix *p)
{
	return p->len == (p->v6 ? 128 : 32);
}

static enum xdp_trie table_of(bool dst, const struct xdp_prefix *p)
{
	return (dst ? XDP_DST4 : XDP_SRC4) + p->v6;
}

/* The prefixes the lists name a rule by: its --src, or its --dst when it
 * has no --src (none: it is in any_rules). */
struct pset {
	const struct xdp_prefix *p;
	size_t n;
	bool dst;
};

static struct pset index_set(const struct xdp_rule *r)
{
	if (r->nsrc)
		return (struct pset){ r->src, r->nsrc, false };
	return (struct pset){ r->dst, r->ndst, true };
}

static void trie_key(const struct xdp_prefix *p, void *key)
{
	if (p->v6) {
		struct xdpdrop_key6 *k = key;

		k->prefixlen = p->len;
		memcpy(k->addr, p->addr, 16);
		return;
	}
	struct xdpdrop_key4 *k = key;

	k->prefixlen = p->len;
	memcpy(k->addr, p->addr, 4);
}

/* The entry of table t for p, into c: its own (EXACT), the longest one that
 * covers it (COVER), or NONE; or -errno. */
static int lookup(const struct xdp_maps *m, enum xdp_trie t, const struct xdp_prefix *p,
		  struct xdpdrop_cands *c)
{
	char key[sizeof(struct xdpdrop_key6)];

	if (is_host(p)) {
		int map = xdp_maps_entry_key(t, p, key);

		if (!bpf_map_lookup_elem(m->fd[map], key, c))
			return EXACT;
		if (errno != ENOENT)
			return -errno;
	}
	trie_key(p, key);
	if (!bpf_map_lookup_elem(m->fd[XDP_M_SRC4 + t], key, c))
		return c->plen == p->len ? EXACT : COVER;
	return errno == ENOENT ? NONE : -errno;
}

/* --- lists ------------------------------------------------------------------ */

/* Appends nr, the highest number, own or inherited; -E2BIG when full. */
static int cands_add(struct xdpdrop_cands *c, uint32_t nr, bool own)
{
	if (!c->n || c->rule[c->n - 1] != nr) {
		if (c->n >= XDPDROP_CANDS)
			return -E2BIG;
		c->rule[c->n++] = nr;
	}
	if (own)
		c->own |= 1u << (c->n - 1);
	return 0;
}

static bool cands_has(const struct xdpdrop_cands *c, uint32_t nr)
{
	for (unsigned i = 0; i < c->n && i < XDPDROP_CANDS; i++)
		if (c->rule[i] == nr)
			return true;
	return false;
}

/* Removes nr, and its own bit. */
static void cands_del(struct xdpdrop_cands *c, uint32_t nr)
{
	for (unsigned i = 0; i < c->n && i < XDPDROP_CANDS; i++) {
		if (c->rule[i] != nr)
			continue;
		c->own = (c->own & ((1u << i) - 1)) | ((c->own >> (i + 1)) << i);
		memmove(&c->rule[i], &c->rule[i + 1], (c->n - i - 1) * sizeof(c->rule[0]));
		c->rule[--c->n] = 0;
		return;
	}
}

/* --- plans ------------------------------------------------------------------ */

/* An entry to write (or delete) once every one is known to be possible. */
struct write {
	enum xdp_trie t;
	struct xdp_prefix pfx;
	struct xdpdrop_cands c;
	bool del;
};

struct plan {
	struct write *w;
	size_t n, cap;
	const struct pset *set; /* the rule's prefixes */
	enum xdp_trie t;	/* the table scanned */
	uint32_t nr;
	bool add;
	struct xdp_prefix full; /* the entry whose list would overflow */
};

static int push(struct plan *pl, enum xdp_trie t, const struct xdp_prefix *p,
		const struct xdpdrop_cands *c, bool del)
{
	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? 2 * pl->cap : 16;
		struct write *w = realloc(pl->w, cap * sizeof(*w));

		if (!w)
			return -ENOMEM;
		pl->w = w;
		pl->cap = cap;
	}
	pl->w[pl->n++] = (struct write){ t, *p, *c, del };
	return 0;
}

/* A prefix of the rule, shorter than a host's, in table t. */
static bool has_short(const struct pset *set, enum xdp_trie t)
{
	for (size_t i = 0; i < set->n; i++)
		if (table_of(set->dst, &set->p[i]) == t && !is_host(&set->p[i]))
			return true;
	return false;
}

/* p lies strictly under a prefix of the rule in the table scanned. */
static bool under(const struct plan *pl, const struct xdp_prefix *p)
{
	for (size_t i = 0; i < pl->set->n; i++) {
		const struct xdp_prefix *q = &pl->set->p[i];

		if (table_of(pl->set->dst, q) == pl->t && q->len < p->len &&
		    xdp_prefix_covers(q, p))
			return true;
	}
	return false;
}

/* xdp_maps_each(): an entry under the rule's prefixes gets the rule in
 * its list, or loses it. */
static int covered(void *ctx, const struct xdp_prefix *p, const struct xdpdrop_cands *c)
{
	struct plan *pl = ctx;
	struct xdpdrop_cands n = *c;

	if (!under(pl, p))
		return 0;
	if (pl->add && cands_add(&n, pl->nr, false)) {
		pl->full = *p;
		return -E2BIG;
	}
	if (!pl->add && !cands_has(&n, pl->nr))
		return 0;
	if (!pl->add)
		cands_del(&n, pl->nr);
	return push(pl, pl->t, p, &n, !n.own);
}

/* The entries of the rule's own prefixes: made from the entry that covers
 * them when new; removed when no rule names them any more. Planned after
 * the entries under them, so that their writes come last. */
static int own_entries(const struct xdp_maps *m, struct plan *pl)
{
	for (size_t i = 0; i < pl->set->n; i++) {
		const struct xdp_prefix *p = &pl->set->p[i];
		enum xdp_trie t = table_of(pl->set->dst, p);
		struct xdpdrop_cands c = {};
		int f = lookup(m, t, p, &c), err;

		if (f < 0)
			return f;
		if (!pl->add && f != EXACT)
			continue; /* never written: an add undone half way */
		if (f == NONE)
			memset(&c, 0, sizeof(c));
		if (pl->add && f == COVER)
			c.own = 0;
		c.plen = p->len;
		if (pl->add && cands_add(&c, pl->nr, true)) {
			pl->full = *p;
			return -E2BIG;
		}
		if (!pl->add)
			cands_del(&c, pl->nr);
		err = push(pl, t, p, &c, !c.own);
		if (err)
			return err;
	}
	return 0;
}

static int plan(const struct xdp_maps *m, struct plan *pl, const struct pset *set)
{
	__u32 bits = 0;
	int err = xdp_maps_present(m, &bits);

	pl->set = set;
	for (enum xdp_trie t = 0; !err && t < XDP_TRIES; t++) {
		if (!has_short(set, t))
			continue;
		pl->t = t;
		if (bits & XDPDROP_P_TRIE(t))
			err = xdp_maps_each(m, t, false, covered, pl);
		if (!err && (bits & XDPDROP_P_HOSTS(t)))
			err = xdp_maps_each(m, t, true, covered, pl);
	}
	return err ? err : own_entries(m, pl);
}

static bool table_empty(const struct xdp_maps *m, int map)
{
	char key[sizeof(struct xdpdrop_key6)];

	return bpf_map_get_next_key(m->fd[map], NULL, key) && errno == ENOENT;
}

/* The planned writes, in order; then which tables the program looks at. */
static int apply(const struct xdp_maps *m, const struct plan *pl)
{
	__u32 bits = 0, dels = 0;
	int err = xdp_maps_present(m, &bits);

	for (size_t i = 0; !err && i < pl->n; i++) {
		const struct write *w = &pl->w[i];
		char key[sizeof(struct xdpdrop_key6)];
		int map = xdp_maps_entry_key(w->t, &w->pfx, key);
		__u32 bit = is_host(&w->pfx) ? XDPDROP_P_HOSTS(w->t) : XDPDROP_P_TRIE(w->t);

		if (w->del && bpf_map_delete_elem(m->fd[map], key) && errno != ENOENT)
			err = -errno;
		else if (!w->del && bpf_map_update_elem(m->fd[map], key, &w->c, BPF_ANY))
			err = errno == E2BIG ? -ENOSPC : -errno; /* a table full */
		bits |= w->del ? 0 : bit;
		dels |= w->del ? bit : 0;
	}
	for (int map = 0; !err && map < 2 * XDP_TRIES; map++) {
		enum xdp_trie t = map % XDP_TRIES;
		bool hosts = map >= XDP_TRIES;
		__u32 bit = hosts ? XDPDROP_P_HOSTS(t) : XDPDROP_P_TRIE(t);

		if ((dels & bit) && table_empty(m, (hosts ? XDP_M_SRC4H : XDP_M_SRC4) + t))
			bits &= ~bit;
	}
	return err ? err : xdp_maps_set_present(m, bits);
}

/* --- rules without addresses, own destination sets --------------------------- */

static int any_change(const struct xdp_maps *m, uint32_t nr, bool add)
{
	struct xdpdrop_any a = {};
	__u32 bits = 0, slot = 0;
	int err = xdp_maps_any(m, &a);

	if (!err && add && a.n >= XDPDROP_ANY_MAX)
		return -E2BIG;
	if (!err && add)
		a.rule[a.n++] = nr;
	for (__u32 i = 0; !err && !add && i < a.n && i < XDPDROP_ANY_MAX; i++) {
		if (a.rule[i] != nr)
			continue;
		memmove(&a.rule[i], &a.rule[i + 1], (a.n - i - 1) * sizeof(a.rule[0]));
		a.rule[--a.n] = 0;
	}
	if (!err)
		err = xdp_maps_put_any(m, &a, &slot);
	if (!err)
		err = xdp_maps_present(m, &bits);
	bits = (bits & ~(XDPDROP_P_ANY | XDPDROP_P_ANY_SLOT)) | (a.n ? XDPDROP_P_ANY : 0) | slot;
	return err ? err : xdp_maps_set_present(m, bits);
}

/* The destination prefixes of a rule listed by its source. */
static int rdst_change(const struct xdp_maps *m, uint32_t nr, const struct xdp_rule *r, bool add)
{
	for (size_t i = 0; r->nsrc && i < r->ndst; i++) {
		struct xdp_rdst_entry e = { nr, r->dst[i] };
		int fd = m->fd[e.pfx.v6 ? XDP_M_RDST6 : XDP_M_RDST4];
		char key[sizeof(struct xdpdrop_rkey6)];

		xdp_maps_rdst_key(&e, key);
		if (add && bpf_map_update_elem(fd, key, &e.pfx.len, BPF_ANY))
			return -errno;
		if (!add && bpf_map_delete_elem(fd, key) && errno != ENOENT)
			return -errno;
	}
	return 0;
}

/* --- edits ------------------------------------------------------------------- */

int xdp_edit_add(const struct xdp_maps *m, uint32_t nr, const struct xdp_rule *r, char *err,
		 size_t errlen)
{
	struct pset set = index_set(r);
	struct plan pl = { .nr = nr, .add = true };
	struct xdpdrop_any a = {};
	int e = set.n ? plan(m, &pl, &set) : xdp_maps_any(m, &a);

	if (!e && !set.n && a.n >= XDPDROP_ANY_MAX)
		e = xdp_too_many_any(err, errlen);
	if (e == -E2BIG)
		e = xdp_too_many(table_of(set.dst, &pl.full), &pl.full, err, errlen);
	/* The rule, before the lists that name it. */
	if (!e)
		e = rdst_change(m, nr, r, true);
	if (!e)
		e = xdp_maps_put_rule(m, nr, r);
	if (!e)
		e = set.n ? apply(m, &pl) : any_change(m, nr, true);
	free(pl.w);
	return e;
}

int xdp_edit_del(const struct xdp_maps *m, uint32_t nr, const struct xdp_rule *r)
{
	struct pset set = index_set(r);
	struct plan pl = { .nr = nr, .add = false };
	int e = set.n ? plan(m, &pl, &set) : 0;

	/* The lists first, then the rule they no longer name. */
	if (!e)
		e = set.n ? apply(m, &pl) : any_change(m, nr, false);
	if (!e)
		e = rdst_change(m, nr, r, false);
	if (!e)
		e = xdp_maps_put_rule(m, nr, NULL);
	free(pl.w);
	return e;
}

/* --- finding rules --------------------------------------------------------------- */

static int read_rule(const struct xdp_maps *m, uint32_t nr, struct xdpdrop_rule *k)
{
	if (nr == 0 || nr >= m->max_rules)
		return -ENOENT;
	if (bpf_map_lookup_elem(m->fd[XDP_M_RULES], &nr, k))
		return -errno;
	return k->flags & XDPDROP_R_USED ? 0 : -ENOENT;
}

/* Rule nr has the prefixes of r, in the same places. */
static int has_prefixes(const struct xdp_maps *m, uint32_t nr, const struct xdp_rule *r)
{
	struct pset set = index_set(r);

	for (size_t i = 0; i < set.n; i++) {
		struct xdpdrop_cands c;
		int f = lookup(m, table_of(set.dst, &set.p[i]), &set.p[i], &c);
		bool own = false;

		if (f < 0)
			return f;
		for (unsigned j = 0; f == EXACT && j < c.n && j < XDPDROP_CANDS; j++)
			own |= c.rule[j] == nr && (c.own & (1u << j));
		if (!own)
			return 0;
	}
	for (size_t i = 0; r->nsrc && i < r->ndst; i++) {
		struct xdp_rdst_entry e = { nr, r->dst[i] };
		char key[sizeof(struct xdpdrop_rkey6)];
		__u8 len;

		xdp_maps_rdst_key(&e, key);
		if (bpf_map_lookup_elem(m->fd[e.pfx.v6 ? XDP_M_RDST6 : XDP_M_RDST4], key, &len))
			return errno == ENOENT ? 0 : -errno;
		if (len != e.pfx.len)
			return 0;
	}
	return 1;
}

/* Rule nr is r: the same conditions, as many prefixes, each of r's. */
static int is_rule(const struct xdp_maps *m, uint32_t nr, const struct xdp_rule *r)
{
	struct xdpdrop_rule k, want;
	int err = read_rule(m, nr, &k);

	if (err)
		return err == -ENOENT ? 0 : err;
	xdp_rule_kernel(r, &want);
	if (memcmp(&k, &want, sizeof(k)))
		return 0;
	return has_prefixes(m, nr, r);
}

int xdp_edit_find(const struct xdp_maps *m, const struct xdp_rule *r, uint32_t *nr)
{
	struct pset set = index_set(r);
	struct xdpdrop_cands c = {};
	struct xdpdrop_any a = {};
	int err = 0, f;

	*nr = 0;
	if (!set.n) {
		err = xdp_maps_any(m, &a);
		for (__u32 i = 0; !err && !*nr && i < a.n && i < XDPDROP_ANY_MAX; i++)
			if ((err = is_rule(m, a.rule[i], r)) > 0)
				*nr = a.rule[i];
		return err < 0 ? err : 0;
	}
	/* Candidates: the rules that name its first prefix. */
	f = lookup(m, table_of(set.dst, &set.p[0]), &set.p[0], &c);
	if (f != EXACT)
		return f < 0 ? f : 0;
	for (unsigned i = 0; !*nr && i < c.n && i < XDPDROP_CANDS; i++) {
		if (!(c.own & (1u << i)))
			continue;
		err = is_rule(m, c.rule[i], r);
		if (err < 0)
			return err;
		if (err)
			*nr = c.rule[i];
	}
	return 0;
}

int xdp_edit_last(const struct xdp_maps *m, uint32_t hint, uint32_t *last)
{
	struct xdpdrop_rule k;
	uint32_t nr = hint < m->max_rules ? hint : m->max_rules - 1;

	for (*last = 0; nr > 0; nr--) {
		int err = read_rule(m, nr, &k);

		if (!err) {
			*last = nr;
			return 0;
		}
		if (err != -ENOENT)
			return err;
	}
	return 0;
}

/* A rule's prefixes, found by scanning the tables that list it. */
struct owner {
	uint32_t nr;
	struct xdp_rule *r;
	bool dst;
	size_t want;
};

static int owned(void *ctx, const struct xdp_prefix *p, const struct xdpdrop_cands *c)
{
	struct owner *o = ctx;
	size_t *have = o->dst ? &o->r->ndst : &o->r->nsrc;

	for (unsigned i = 0; i < c->n && i < XDPDROP_CANDS; i++) {
		int err;

		if (c->rule[i] != o->nr || !(c->own & (1u << i)))
			continue;
		err = xdp_rule_add_prefix(o->r, o->dst, p);
		if (err)
			return err;
		return *have >= o->want;
	}
	return 0;
}

static int scan_owned(const struct xdp_maps *m, struct owner *o)
{
	size_t *have = o->dst ? &o->r->ndst : &o->r->nsrc;
	enum xdp_trie first = o->dst ? XDP_DST4 : XDP_SRC4;
	int err = 0;

	for (int i = 0; !err && *have < o->want && i < 4; i++)
		err = xdp_maps_each(m, first + i / 2, i % 2, owned, o);
	return err;
}

/* The own destination set of rule nr, from the keys of rdst4 and rdst6. */
static int scan_rdst(const struct xdp_maps *m, uint32_t nr, struct xdp_rule *r, size_t want)
{
	for (int v6 = 0; v6 < 2 && r->ndst < want; v6++) {
		int fd = m->fd[v6 ? XDP_M_RDST6 : XDP_M_RDST4], err;
		struct xdpdrop_rkey6 key, next;
		void *prev = NULL;

		while (r->ndst < want && !bpf_map_get_next_key(fd, prev, &next)) {
			struct xdp_prefix p = { .v6 = v6, .len = next.prefixlen - 32 };

			prev = &key;
			memcpy(&key, &next, sizeof(key));
			if (key.rule != nr)
				continue;
			memcpy(p.addr, key.addr, v6 ? 16 : 4);
			err = xdp_rule_add_prefix(r, true, &p);
			if (err)
				return err;
		}
		if (r->ndst < want && errno != ENOENT)
			return -errno;
	}
	return 0;
}

int xdp_edit_rule(const struct xdp_maps *m, uint32_t nr, struct xdp_rule *r)
{
	struct owner o = { .nr = nr, .r = r };
	struct xdpdrop_rule k;
	char why[XDP_ERR_LEN];
	int err = read_rule(m, nr, &k);

	memset(r, 0, sizeof(*r));
	if (err)
		return err;
	xdp_rule_from_kernel(&k, r);
	o.dst = k.index == XDPDROP_IX_DST;
	o.want = o.dst ? k.ndst : k.nsrc;
	if (k.index != XDPDROP_IX_ANY)
		err = scan_owned(m, &o);
	if (!err && (k.flags & XDPDROP_R_DST_KEYED))
		err = scan_rdst(m, nr, r, k.ndst);
	/* Checked when it was added; this only sorts its sets. */
	if (!err)
		xdp_rule_finish(r, why, sizeof(why));
	if (err)
		xdp_rule_free(r);
	return err;
}
