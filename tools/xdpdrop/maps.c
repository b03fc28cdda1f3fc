// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "tools/xdpdrop/bpffs.h"
#include "tools/xdpdrop/maps.h"

const char *const xdp_map_names[XDP_MAPS] = {
	[XDP_M_STATS] = "stats",     [XDP_M_RULES] = "rules", [XDP_M_HITS] = "hits",
	[XDP_M_ANY] = "any_rules",   [XDP_M_INFO] = "info",   [XDP_M_SRC4] = "src4",
	[XDP_M_SRC6] = "src6",	     [XDP_M_DST4] = "dst4",   [XDP_M_DST6] = "dst6",
	[XDP_M_SRC4H] = "src4h",     [XDP_M_SRC6H] = "src6h", [XDP_M_DST4H] = "dst4h",
	[XDP_M_DST6H] = "dst6h",     [XDP_M_RDST4] = "rdst4", [XDP_M_RDST6] = "rdst6",
	[XDP_M_PRESENT] = "present",
};

/* Entries read or written per batch call. */
#define BATCH 4096
/* What the kernel answers a batch call on a map without batches (its own
 * ENOTSUPP, which libc does not name). */
#define KERNEL_ENOTSUPP 524

static int finish_open(struct xdp_maps *m)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	m->ncpu = libbpf_num_possible_cpus();
	if (m->ncpu <= 0)
		return m->ncpu ? m->ncpu : -EINVAL;
	if (bpf_obj_get_info_by_fd(m->fd[XDP_M_RULES], &info, &len))
		return -errno;
	m->max_rules = info.max_entries;
	return 0;
}

static bool is_host(const struct xdp_prefix *p)
{
	return p->len == (p->v6 ? 128 : 32);
}

int xdp_maps_size(struct bpf_object *obj, const struct xdp_tables *t)
{
	for (int k = 0; k < XDP_TRIES; k++) {
		struct bpf_map *map =
		    bpf_object__find_map_by_name(obj, xdp_map_names[XDP_M_SRC4H + k]);
		size_t hosts = 0;
		int err;

		for (size_t i = 0; i < t->ntrie[k]; i++)
			hosts += is_host(&t->trie[k][i].pfx);
		if (!map)
			return -ENOENT;
		hosts = 2 * hosts > XDPDROP_HOSTS_MIN ? 2 * hosts : XDPDROP_HOSTS_MIN;
		err = bpf_map__set_max_entries(map,
					       hosts < XDPDROP_TRIE_MAX ? hosts : XDPDROP_TRIE_MAX);
		if (err)
			return err;
	}
	return 0;
}

int xdp_maps_of(struct bpf_object *obj, struct xdp_maps *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < XDP_MAPS; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, xdp_map_names[i]);

		if (!map)
			return -ENOENT;
		m->fd[i] = bpf_map__fd(map);
	}
	return finish_open(m);
}

int xdp_maps_open(int dir, struct xdp_maps *m)
{
	int err;

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < XDP_MAPS; i++)
		m->fd[i] = -1;
	m->owned = true;
	for (int i = 0; i < XDP_MAPS; i++) {
		m->fd[i] = bpffs_get(dir, xdp_map_names[i]);
		if (m->fd[i] < 0) {
			err = m->fd[i];
			xdp_maps_close(m);
			return err;
		}
	}
	err = finish_open(m);
	if (err)
		xdp_maps_close(m);
	return err;
}

void xdp_maps_close(struct xdp_maps *m)
{
	if (!m->owned)
		return;
	for (int i = 0; i < XDP_MAPS; i++)
		if (m->fd[i] >= 0)
			close(m->fd[i]);
	m->owned = false;
}

int xdp_maps_pin(const struct xdp_maps *m, int dir)
{
	for (int i = 0; i < XDP_MAPS; i++) {
		int err = bpffs_pin(dir, xdp_map_names[i], m->fd[i]);

		if (err)
			return err;
	}
	return 0;
}

/* --- keys ------------------------------------------------------------------ */

/* The map of a table entry (the hash of hosts, or the trie) and its key. */
int xdp_maps_entry_key(enum xdp_trie t, const struct xdp_prefix *p, void *key)
{
	bool v6 = t == XDP_SRC6 || t == XDP_DST6;

	if (is_host(p)) {
		memcpy(key, p->addr, v6 ? 16 : 4);
		return XDP_M_SRC4H + t;
	}
	if (v6) {
		struct xdpdrop_key6 *k = key;

		k->prefixlen = p->len;
		memcpy(k->addr, p->addr, 16);
	} else {
		struct xdpdrop_key4 *k = key;

		k->prefixlen = p->len;
		memcpy(k->addr, p->addr, 4);
	}
	return XDP_M_SRC4 + t;
}

/* Which tables the program looks at (present.bits). */
static __u32 present(const struct xdp_tables *t)
{
	__u32 bits = t->any.n ? XDPDROP_P_ANY : 0;

	for (int k = 0; k < XDP_TRIES; k++)
		for (size_t i = 0; i < t->ntrie[k]; i++)
			bits |=
			    is_host(&t->trie[k][i].pfx) ? XDPDROP_P_HOSTS(k) : XDPDROP_P_TRIE(k);
	return bits;
}

int xdp_maps_set_present(const struct xdp_maps *m, __u32 bits)
{
	struct xdpdrop_present c = { .bits = bits };
	__u32 zero = 0;

	return bpf_map_update_elem(m->fd[XDP_M_PRESENT], &zero, &c, BPF_ANY) ? -errno : 0;
}

static int rdst_map(const struct xdp_rdst_entry *e)
{
	return e->pfx.v6 ? XDP_M_RDST6 : XDP_M_RDST4;
}

void xdp_maps_rdst_key(const struct xdp_rdst_entry *e, void *key)
{
	if (e->pfx.v6) {
		struct xdpdrop_rkey6 *k = key;

		k->prefixlen = 32 + e->pfx.len;
		k->rule = e->nr;
		memcpy(k->addr, e->pfx.addr, 16);
		return;
	}
	struct xdpdrop_rkey4 *k = key;

	k->prefixlen = 32 + e->pfx.len;
	k->rule = e->nr;
	memcpy(k->addr, e->pfx.addr, 4);
}

static int errno_of(int ret)
{
	return ret ? -errno : 0;
}

/* --- writing ----------------------------------------------------------------- */

static int zero_hits(const struct xdp_maps *m, uint32_t nr)
{
	struct xdpdrop_count *zero = calloc(m->ncpu, sizeof(*zero));
	int err;

	if (!zero)
		return -ENOMEM;
	err = errno_of(bpf_map_update_elem(m->fd[XDP_M_HITS], &nr, zero, BPF_ANY));
	free(zero);
	return err;
}

int xdp_maps_put_rule(const struct xdp_maps *m, uint32_t nr, const struct xdp_rule *r)
{
	struct xdpdrop_rule k = {};
	int err;

	if (nr == 0 || nr >= m->max_rules)
		return -E2BIG;
	if (r)
		xdp_rule_kernel(r, &k);
	/* A rule's counters start at zero; a cleared slot keeps nothing. */
	err = r ? zero_hits(m, nr) : 0;
	if (!err)
		err = errno_of(bpf_map_update_elem(m->fd[XDP_M_RULES], &nr, &k, BPF_ANY));
	if (!err && !r)
		err = zero_hits(m, nr);
	return err;
}

static const struct xdp_nrule *find_rule(const struct xdp_nrule *rules, size_t n, uint32_t nr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (rules[mid].nr == nr)
			return &rules[mid];
		if (rules[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Entries of b that a lacks (or holds differently): put them (del false), or
 * entries of a whose prefix b lacks: delete them (del true). */
static int sync_trie(const struct xdp_maps *m, enum xdp_trie t, const struct xdp_tables *a,
		     const struct xdp_tables *b, bool del)
{
	const struct xdp_trie_entry *ea = a->trie[t], *eb = b->trie[t];
	size_t na = a->ntrie[t], nb = b->ntrie[t], i = 0, j = 0;
	char key[sizeof(struct xdpdrop_key6)];
	int err = 0, fd;

	while (!err && (i < na || j < nb)) {
		int c = i >= na ? 1 : j >= nb ? -1 : xdp_prefix_cmp(&ea[i].pfx, &eb[j].pfx);

		if (c < 0) { /* only in a */
			fd = m->fd[xdp_maps_entry_key(t, &ea[i].pfx, key)];
			if (del && bpf_map_delete_elem(fd, key) && errno != ENOENT)
				err = -errno;
			i++;
		} else if (c > 0 || !xdp_trie_entry_equal(&ea[i], &eb[j])) {
			fd = m->fd[xdp_maps_entry_key(t, &eb[j].pfx, key)];
			if (!del)
				err = errno_of(bpf_map_update_elem(fd, key, &eb[j].c, BPF_ANY));
			i += c == 0;
			j++;
		} else {
			i++;
			j++;
		}
	}
	return err;
}

/* The own destination sets: put what b has and a lacks, or delete what a
 * has and b lacks. */
static int sync_rdst(const struct xdp_maps *m, const struct xdp_tables *a,
		     const struct xdp_tables *b, bool del)
{
	const struct xdp_tables *from = del ? a : b, *other = del ? b : a;
	char key[sizeof(struct xdpdrop_rkey6)];
	size_t j = 0;

	for (size_t i = 0; i < from->nrdst; i++) {
		const struct xdp_rdst_entry *e = &from->rdst[i];
		int fd = m->fd[rdst_map(e)];

		while (j < other->nrdst && xdp_rdst_cmp(&other->rdst[j], e) < 0)
			j++;
		if (j < other->nrdst && !xdp_rdst_cmp(&other->rdst[j], e))
			continue;
		xdp_maps_rdst_key(e, key);
		if (del && bpf_map_delete_elem(fd, key) && errno != ENOENT)
			return -errno;
		if (!del && bpf_map_update_elem(fd, key, &e->pfx.len, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* The list of rules without addresses goes into the entry not in use; the
 * slot bit of present.bits then switches to it. */
int xdp_maps_present(const struct xdp_maps *m, __u32 *bits)
{
	struct xdpdrop_present cur = {};
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->fd[XDP_M_PRESENT], &zero, &cur))
		return -errno;
	*bits = cur.bits;
	return 0;
}

int xdp_maps_put_any(const struct xdp_maps *m, const struct xdpdrop_any *any, __u32 *slot)
{
	__u32 bits = 0, next;
	int err = xdp_maps_present(m, &bits);

	if (err)
		return err;
	next = bits & XDPDROP_P_ANY_SLOT ? 0 : 1;
	if (bpf_map_update_elem(m->fd[XDP_M_ANY], &next, any, BPF_ANY))
		return -errno;
	*slot = next ? XDPDROP_P_ANY_SLOT : 0;
	return 0;
}

int xdp_maps_any(const struct xdp_maps *m, struct xdpdrop_any *any)
{
	__u32 bits = 0, slot;
	int err = xdp_maps_present(m, &bits);

	slot = bits & XDPDROP_P_ANY_SLOT ? 1 : 0;
	if (!err && bpf_map_lookup_elem(m->fd[XDP_M_ANY], &slot, any))
		err = -errno;
	if (!err && !(bits & XDPDROP_P_ANY))
		any->n = 0;
	return err;
}

int xdp_maps_apply(const struct xdp_maps *m, const struct xdp_nrule *from, size_t nfrom,
		   const struct xdp_tables *tfrom, const struct xdp_nrule *to, size_t nto,
		   const struct xdp_tables *tto)
{
	__u32 slot = 0;
	int err;

	/* 1. New rules, with their own destination sets. */
	err = sync_rdst(m, tfrom, tto, false);
	for (size_t i = 0; !err && i < nto; i++) {
		const struct xdp_nrule *old = find_rule(from, nfrom, to[i].nr);

		if (!old || !xdp_rule_equal(&old->rule, &to[i].rule))
			err = xdp_maps_put_rule(m, to[i].nr, &to[i].rule);
	}
	/* 2. The lists that name them. */
	for (int t = 0; !err && t < XDP_TRIES; t++)
		err = sync_trie(m, t, tfrom, tto, false);
	if (!err)
		err = xdp_maps_put_any(m, &tto->any, &slot);
	if (!err)
		err = xdp_maps_set_present(m, present(tfrom) | present(tto) | slot);
	/* 3. What no list names any more. */
	for (int t = 0; !err && t < XDP_TRIES; t++)
		err = sync_trie(m, t, tfrom, tto, true);
	if (!err)
		err = xdp_maps_set_present(m, present(tto) | slot);
	if (!err)
		err = sync_rdst(m, tfrom, tto, true);
	for (size_t i = 0; !err && i < nfrom; i++)
		if (!find_rule(to, nto, from[i].nr))
			err = xdp_maps_put_rule(m, from[i].nr, NULL);
	return err;
}

/* --- reading ----------------------------------------------------------------- */

/* Entries [first, first + n) of an array map into vals (value_size each;
 * for per-CPU maps, the values of every CPU); in batches where the kernel
 * has them (the batch token of an array is the last index read). */
static int read_array(int fd, uint32_t first, uint32_t n, size_t value_size, void *vals)
{
	uint32_t *keys = malloc(BATCH * sizeof(*keys));
	__u32 token = first - 1, count;
	uint32_t done = 0;
	int err = 0;

	if (!keys)
		return -ENOMEM;
	while (done < n) {
		LIBBPF_OPTS(bpf_map_batch_opts, opts);

		count = n - done < BATCH ? n - done : BATCH;
		err = bpf_map_lookup_batch(fd, first + done ? &token : NULL, &token, keys,
					   (char *)vals + (size_t)done * value_size, &count, &opts);
		if (err && errno != ENOENT)
			break;
		done += count;
		err = 0;
		if (!count)
			break;
	}
	if (err && (errno == EINVAL || errno == EOPNOTSUPP)) {
		/* No batch lookups for arrays here: one by one. */
		err = 0;
		for (uint32_t k = 0; k < n && !err; k++) {
			uint32_t key = first + k;

			err = errno_of(
			    bpf_map_lookup_elem(fd, &key, (char *)vals + (size_t)k * value_size));
		}
	} else if (err) {
		err = -errno;
	}
	free(keys);
	return err;
}

static void prefix_of(bool v6, __u32 len, const __u8 *addr, struct xdp_prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->v6 = v6;
	p->len = len;
	memcpy(p->addr, addr, v6 ? 16 : 4);
}

static struct xdp_rule *rule_slot(struct xdp_rule *rules, const struct xdpdrop_rule *k,
				  uint32_t max, uint32_t nr)
{
	return nr < max && (k[nr].flags & XDPDROP_R_USED) ? &rules[nr] : NULL;
}

/* The rules that name an entry's prefix as their own get it in their sets. */
static int own_prefix(const struct xdp_maps *m, struct xdp_rule *rules,
		      const struct xdpdrop_rule *k, bool dst, const struct xdp_prefix *p,
		      const struct xdpdrop_cands *c)
{
	for (unsigned i = 0; i < c->n && i < XDPDROP_CANDS; i++) {
		struct xdp_rule *r = rule_slot(rules, k, m->max_rules, c->rule[i]);
		int err;

		if (!(c->own & (1u << i)) || !r)
			continue;
		err = xdp_rule_add_prefix(r, dst, p);
		if (err)
			return err;
	}
	return 0;
}

/* The entries of the hash of hosts of table t, in batches where the kernel
 * has them (its batch token is a bucket number). */
static int each_host_batch(const struct xdp_maps *m, enum xdp_trie t, xdp_maps_each_fn fn,
			   void *ctx)
{
	bool v6 = t == XDP_SRC6 || t == XDP_DST6;
	size_t ksz = v6 ? 16 : 4;
	__u8 *keys = malloc(BATCH * ksz);
	struct xdpdrop_cands *vals = malloc(BATCH * sizeof(*vals));
	int fd = m->fd[XDP_M_SRC4H + t], err = keys && vals ? 0 : -ENOMEM, ret = 0;
	__u32 token = 0, count;
	bool first = true, last = false;

	while (!err && !ret && !last) {
		LIBBPF_OPTS(bpf_map_batch_opts, opts);

		count = BATCH;
		err = bpf_map_lookup_batch(fd, first ? NULL : &token, &token, keys, vals, &count,
					   &opts);
		last = err && errno == ENOENT;
		err = err && !last ? -errno : 0;
		first = false;
		for (__u32 i = 0; !err && !ret && i < count; i++) {
			struct xdp_prefix p;

			prefix_of(v6, v6 ? 128 : 32, keys + i * ksz, &p);
			ret = fn(ctx, &p, &vals[i]);
		}
	}
	free(keys);
	free(vals);
	return err ? err : ret < 0 ? ret : 0;
}

/* One by one: the trie (no batches for tries), or a hash where the kernel
 * has no batches. */
static int each_key(const struct xdp_maps *m, enum xdp_trie t, bool hosts, xdp_maps_each_fn fn,
		    void *ctx)
{
	bool v6 = t == XDP_SRC6 || t == XDP_DST6;
	int fd = m->fd[(hosts ? XDP_M_SRC4H : XDP_M_SRC4) + t], ret = 0;
	struct xdpdrop_key6 key, next;
	struct xdpdrop_cands c;
	void *prev = NULL;

	while (!ret && !bpf_map_get_next_key(fd, prev, &next)) {
		struct xdp_prefix p;

		prev = &key;
		memcpy(&key, &next, sizeof(key));
		if (bpf_map_lookup_elem(fd, &key, &c))
			continue; /* deleted meanwhile */
		if (hosts)
			prefix_of(v6, v6 ? 128 : 32, (const __u8 *)&key, &p);
		else
			prefix_of(v6, key.prefixlen, key.addr, &p);
		ret = fn(ctx, &p, &c);
	}
	if (ret)
		return ret < 0 ? ret : 0;
	return errno == ENOENT ? 0 : -errno;
}

int xdp_maps_each(const struct xdp_maps *m, enum xdp_trie t, bool hosts, xdp_maps_each_fn fn,
		  void *ctx)
{
	int err;

	if (!hosts)
		return each_key(m, t, false, fn, ctx);
	err = each_host_batch(m, t, fn, ctx);
	if (err == -EINVAL || err == -EOPNOTSUPP || err == -KERNEL_ENOTSUPP)
		err = each_key(m, t, true, fn, ctx);
	return err;
}

struct read_ctx {
	const struct xdp_maps *m;
	struct xdp_rule *rules;
	const struct xdpdrop_rule *k;
	bool dst;
};

static int read_entry(void *ctx, const struct xdp_prefix *p, const struct xdpdrop_cands *c)
{
	struct read_ctx *r = ctx;

	return own_prefix(r->m, r->rules, r->k, r->dst, p, c);
}

/* The entries of one table: its trie (hosts false) or its hash of hosts. */
static int read_table(const struct xdp_maps *m, enum xdp_trie t, bool hosts, struct xdp_rule *rules,
		      const struct xdpdrop_rule *k)
{
	struct read_ctx r = { m, rules, k, t >= XDP_DST4 };

	return xdp_maps_each(m, t, hosts, read_entry, &r);
}

static int read_rdst(const struct xdp_maps *m, bool v6, struct xdp_rule *rules,
		     const struct xdpdrop_rule *k)
{
	int fd = m->fd[v6 ? XDP_M_RDST6 : XDP_M_RDST4], err;
	struct xdpdrop_rkey6 key, next;
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct xdp_rule *r = rule_slot(rules, k, m->max_rules, next.rule);
		struct xdp_prefix p;

		prev = &key;
		memcpy(&key, &next, sizeof(key));
		if (!r)
			continue;
		prefix_of(v6, key.prefixlen - 32, key.addr, &p);
		err = xdp_rule_add_prefix(r, true, &p);
		if (err)
			return err;
	}
	return errno == ENOENT ? 0 : -errno;
}

void xdp_rule_from_kernel(const struct xdpdrop_rule *k, struct xdp_rule *r)
{
	if (k->flags & XDPDROP_R_PROTO) {
		r->has |= XDP_HAS_PROTO;
		r->proto = k->proto;
	}
	if (k->flags & XDPDROP_R_SPORT) {
		r->has |= XDP_HAS_SPORT;
		r->sport[0] = k->sport_lo;
		r->sport[1] = k->sport_hi;
	}
	if (k->flags & XDPDROP_R_DPORT) {
		r->has |= XDP_HAS_DPORT;
		r->dport[0] = k->dport_lo;
		r->dport[1] = k->dport_hi;
	}
}

/* The used slots, in number order, finished (their sets sorted). */
static int collect(struct xdp_rule *rules, const struct xdpdrop_rule *k, uint32_t max,
		   struct xdp_nrule **out, size_t *n)
{
	size_t cnt = 0;
	char err[XDP_ERR_LEN];

	for (uint32_t nr = 1; nr < max; nr++)
		cnt += !!(k[nr].flags & XDPDROP_R_USED);
	*out = calloc(cnt ? cnt : 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	*n = 0;
	for (uint32_t nr = 1; nr < max; nr++) {
		if (!(k[nr].flags & XDPDROP_R_USED))
			continue;
		xdp_rule_from_kernel(&k[nr], &rules[nr]);
		/* Checked when it was added; this only sorts its sets. */
		xdp_rule_finish(&rules[nr], err, sizeof(err));
		(*out)[*n].nr = nr;
		(*out)[(*n)++].rule = rules[nr];
		memset(&rules[nr], 0, sizeof(rules[nr]));
	}
	return 0;
}

int xdp_maps_read_rules(const struct xdp_maps *m, struct xdp_nrule **out, size_t *n)
{
	struct xdpdrop_rule *k = calloc(m->max_rules, sizeof(*k));
	struct xdp_rule *rules = calloc(m->max_rules, sizeof(*rules));
	int err = k && rules ? 0 : -ENOMEM;

	*out = NULL;
	*n = 0;
	if (!err)
		err = read_array(m->fd[XDP_M_RULES], 0, m->max_rules, sizeof(*k), k);
	for (int t = 0; !err && t < XDP_TRIES * 2; t++)
		err = read_table(m, t % XDP_TRIES, t >= XDP_TRIES, rules, k);
	if (!err)
		err = read_rdst(m, false, rules, k);
	if (!err)
		err = read_rdst(m, true, rules, k);
	if (!err)
		err = collect(rules, k, m->max_rules, out, n);
	for (uint32_t nr = 0; rules && nr < m->max_rules; nr++)
		xdp_rule_free(&rules[nr]);
	free(rules);
	free(k);
	return err;
}

void xdp_nrules_free(struct xdp_nrule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++)
		xdp_rule_free(&rules[i].rule);
	free(rules);
}

int xdp_maps_read_stats(const struct xdp_maps *m, struct xdpdrop_stats *st)
{
	struct xdpdrop_stats *v = calloc(m->ncpu, sizeof(*v));
	__u32 zero = 0;
	int err;

	if (!v)
		return -ENOMEM;
	memset(st, 0, sizeof(*st));
	err = errno_of(bpf_map_lookup_elem(m->fd[XDP_M_STATS], &zero, v));
	for (int c = 0; !err && c < m->ncpu; c++) {
		for (int i = 0; i < XDPDROP_ST_NR; i++) {
			st->c[i].packets += v[c].c[i].packets;
			st->c[i].bytes += v[c].c[i].bytes;
		}
	}
	free(v);
	return err;
}

int xdp_maps_read_hits(const struct xdp_maps *m, struct xdpdrop_count *hits)
{
	struct xdpdrop_count *v = malloc((size_t)BATCH * m->ncpu * sizeof(*v));
	int err = v ? 0 : -ENOMEM;

	/* In slices, so that the buffer stays small with many CPUs. */
	for (uint32_t base = 0; base < m->max_rules && !err; base += BATCH) {
		uint32_t n = m->max_rules - base < BATCH ? m->max_rules - base : BATCH;

		err = read_array(m->fd[XDP_M_HITS], base, n, m->ncpu * sizeof(*v), v);
		for (uint32_t k = 0; k < n && !err; k++) {
			hits[base + k] = (struct xdpdrop_count){ 0 };
			for (int c = 0; c < m->ncpu; c++) {
				hits[base + k].packets += v[(size_t)k * m->ncpu + c].packets;
				hits[base + k].bytes += v[(size_t)k * m->ncpu + c].bytes;
			}
		}
	}
	free(v);
	return err;
}

int xdp_maps_info(const struct xdp_maps *m, struct xdpdrop_info *info)
{
	__u32 zero = 0;

	return errno_of(bpf_map_lookup_elem(m->fd[XDP_M_INFO], &zero, info));
}

int xdp_maps_set_info(const struct xdp_maps *m, const struct xdpdrop_info *info)
{
	__u32 zero = 0;

	return errno_of(bpf_map_update_elem(m->fd[XDP_M_INFO], &zero, info, BPF_ANY));
}
