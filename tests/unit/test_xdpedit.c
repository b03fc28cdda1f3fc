// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tools/xdpdrop/edit.h: after every live edit, xdpdrop's maps hold what
 * compiling the rule set whole writes (tools/xdpdrop/set.h, maps.h), for
 * random rules over a small address space where prefixes nest and overlap,
 * added and deleted in any order; an edit is refused exactly when the rule
 * set it would make cannot be compiled; a rule is found by its text and by
 * its number as it was given. The maps are real BPF maps (no program), so
 * this test needs root; it is skipped without. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "tools/xdpdrop/edit.h"
#include "tools/xdpdrop/maps.h"

#define MAX_RULES 256
#define TABLE_MAX 4096

static int mk(enum bpf_map_type type, size_t ksz, size_t vsz, unsigned max, bool noprealloc)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = noprealloc ? BPF_F_NO_PREALLOC : 0);
	int fd = bpf_map_create(type, NULL, ksz, vsz, max, &o);

	assert_true(fd >= 0);
	return fd;
}

/* The maps of an instance, as the BPF object declares them. */
static void maps_create(struct xdp_maps *m)
{
	memset(m, 0, sizeof(*m));
	m->fd[XDP_M_STATS] = mk(BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct xdpdrop_stats), 1, 0);
	m->fd[XDP_M_RULES] = mk(BPF_MAP_TYPE_ARRAY, 4, sizeof(struct xdpdrop_rule), MAX_RULES, 0);
	m->fd[XDP_M_HITS] =
	    mk(BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct xdpdrop_count), MAX_RULES, 0);
	m->fd[XDP_M_ANY] = mk(BPF_MAP_TYPE_ARRAY, 4, sizeof(struct xdpdrop_any), 2, 0);
	m->fd[XDP_M_INFO] = mk(BPF_MAP_TYPE_ARRAY, 4, sizeof(struct xdpdrop_info), 1, 0);
	m->fd[XDP_M_PRESENT] = mk(BPF_MAP_TYPE_ARRAY, 4, sizeof(struct xdpdrop_present), 1, 0);
	for (int t = 0; t < XDP_TRIES; t++) {
		bool v6 = t == XDP_SRC6 || t == XDP_DST6;

		m->fd[XDP_M_SRC4 + t] =
		    mk(BPF_MAP_TYPE_LPM_TRIE,
		       v6 ? sizeof(struct xdpdrop_key6) : sizeof(struct xdpdrop_key4),
		       sizeof(struct xdpdrop_cands), TABLE_MAX, true);
		m->fd[XDP_M_SRC4H + t] = mk(BPF_MAP_TYPE_HASH, v6 ? 16 : 4,
					    sizeof(struct xdpdrop_cands), TABLE_MAX, true);
	}
	m->fd[XDP_M_RDST4] =
	    mk(BPF_MAP_TYPE_LPM_TRIE, sizeof(struct xdpdrop_rkey4), 1, TABLE_MAX, true);
	m->fd[XDP_M_RDST6] =
	    mk(BPF_MAP_TYPE_LPM_TRIE, sizeof(struct xdpdrop_rkey6), 1, TABLE_MAX, true);
	m->max_rules = MAX_RULES;
	m->ncpu = libbpf_num_possible_cpus();
	m->owned = true;
}

static uint64_t seed;

static uint32_t rnd(uint32_t n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (seed >> 33) % n;
}

/* A prefix of 10.0.0.0/8 (or fd00::/16) where few addresses are used, so
 * that prefixes nest and repeat. */
static struct xdp_prefix random_prefix(bool v6)
{
	static const uint8_t lens4[] = { 8, 16, 23, 24, 31, 32 };
	static const uint8_t lens6[] = { 16, 32, 64, 127, 128 };
	struct xdp_prefix p = { .v6 = v6 };
	unsigned bytes = v6 ? 16 : 4;

	p.addr[0] = v6 ? 0xfd : 10;
	for (unsigned i = 1; i < bytes; i++)
		p.addr[i] = rnd(3);
	p.len = v6 ? lens6[rnd(sizeof(lens6))] : lens4[rnd(sizeof(lens4))];
	for (unsigned b = p.len; b < bytes * 8; b++)
		p.addr[b / 8] &= ~(0x80 >> (b % 8));
	return p;
}

static void random_rule(struct xdp_rule *r)
{
	char err[XDP_ERR_LEN];
	bool v6 = rnd(4) == 0;
	unsigned shape = rnd(6);

	memset(r, 0, sizeof(*r));
	for (unsigned i = 0, n = 1 + rnd(2); shape <= 3 && i < n; i++) {
		struct xdp_prefix p = random_prefix(v6);

		assert_int_equal(xdp_rule_add_prefix(r, false, &p), 0);
	}
	for (unsigned i = 0, n = 1 + rnd(2); (shape == 3 || shape == 4) && i < n; i++) {
		struct xdp_prefix p = random_prefix(v6);

		assert_int_equal(xdp_rule_add_prefix(r, true, &p), 0);
	}
	if (shape == 5 || rnd(3) == 0) {
		r->has |= XDP_HAS_PROTO;
		r->proto = rnd(2) ? 6 : 17;
	}
	if (rnd(3) == 0) {
		r->has |= XDP_HAS_DPORT;
		r->dport[0] = r->dport[1] = rnd(4);
	}
	assert_int_equal(xdp_rule_finish(r, err, sizeof(err)), 0);
}

/* --- what the maps hold, against what compiling writes ----------------------- */

struct got {
	struct xdp_trie_entry e[TABLE_MAX];
	size_t n;
};

static int collect(void *ctx, const struct xdp_prefix *p, const struct xdpdrop_cands *c)
{
	struct got *g = ctx;

	assert_true(g->n < TABLE_MAX);
	g->e[g->n].pfx = *p;
	g->e[g->n++].c = *c;
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	return xdp_prefix_cmp(&((const struct xdp_trie_entry *)a)->pfx,
			      &((const struct xdp_trie_entry *)b)->pfx);
}

static void same_table(const struct xdp_maps *m, const struct xdp_tables *t, enum xdp_trie k)
{
	static struct got g;
	size_t j = 0;

	g.n = 0;
	assert_int_equal(xdp_maps_each(m, k, false, collect, &g), 0);
	assert_int_equal(xdp_maps_each(m, k, true, collect, &g), 0);
	qsort(g.e, g.n, sizeof(g.e[0]), entry_cmp);
	assert_int_equal(g.n, t->ntrie[k]);
	for (size_t i = 0; i < g.n; i++, j++)
		if (!xdp_trie_entry_equal(&g.e[i], &t->trie[k][j]))
			fail_msg("table %d entry %zu differs (n %u/%u own %x/%x plen %u/%u)", k, i,
				 g.e[i].c.n, t->trie[k][j].c.n, g.e[i].c.own, t->trie[k][j].c.own,
				 g.e[i].c.plen, t->trie[k][j].c.plen);
}

static void same_rdst(const struct xdp_maps *m, const struct xdp_tables *t)
{
	size_t n = 0;

	for (int v6 = 0; v6 < 2; v6++) {
		int fd = m->fd[v6 ? XDP_M_RDST6 : XDP_M_RDST4];
		struct xdpdrop_rkey6 key, next;
		void *prev = NULL;

		while (!bpf_map_get_next_key(fd, prev, &next)) {
			struct xdp_rdst_entry e = { next.rule, { .v6 = v6 } };
			bool found = false;
			__u8 len;

			prev = &key;
			memcpy(&key, &next, sizeof(key));
			e.pfx.len = key.prefixlen - 32;
			memcpy(e.pfx.addr, key.addr, v6 ? 16 : 4);
			assert_int_equal(bpf_map_lookup_elem(fd, &key, &len), 0);
			assert_int_equal(len, e.pfx.len);
			for (size_t i = 0; i < t->nrdst && !found; i++)
				found = !xdp_rdst_cmp(&t->rdst[i], &e);
			assert_true(found);
			n++;
		}
	}
	assert_int_equal(n, t->nrdst);
}

static void same_rules(const struct xdp_maps *m, const struct xdp_nrule *rules, size_t n)
{
	size_t j = 0;

	for (uint32_t nr = 1; nr < MAX_RULES; nr++) {
		struct xdpdrop_rule k, want = {};

		assert_int_equal(bpf_map_lookup_elem(m->fd[XDP_M_RULES], &nr, &k), 0);
		if (j < n && rules[j].nr == nr)
			xdp_rule_kernel(&rules[j++].rule, &want);
		assert_memory_equal(&k, &want, sizeof(k));
	}
}

static void same_maps(const struct xdp_maps *m, const struct xdp_nrule *rules, size_t n)
{
	struct xdpdrop_any any;
	char err[XDP_ERR_LEN];
	struct xdp_tables t;
	__u32 bits = 0, want = 0;

	assert_int_equal(xdp_tables_build(rules, n, &t, err, sizeof(err)), 0);
	for (int k = 0; k < XDP_TRIES; k++) {
		same_table(m, &t, k);
		for (size_t i = 0; i < t.ntrie[k]; i++)
			want |= t.trie[k][i].pfx.len == (t.trie[k][i].pfx.v6 ? 128 : 32)
				    ? XDPDROP_P_HOSTS(k)
				    : XDPDROP_P_TRIE(k);
	}
	same_rdst(m, &t);
	assert_int_equal(xdp_maps_any(m, &any), 0);
	assert_int_equal(any.n, t.any.n);
	assert_memory_equal(any.rule, t.any.rule, any.n * sizeof(any.rule[0]));
	assert_int_equal(xdp_maps_present(m, &bits), 0);
	assert_int_equal(bits & ~XDPDROP_P_ANY_SLOT, want | (t.any.n ? XDPDROP_P_ANY : 0));
	same_rules(m, rules, n);
	xdp_tables_free(&t);
}

/* --- random edits -------------------------------------------------------------- */

struct set {
	struct xdp_nrule r[MAX_RULES];
	size_t n;
	uint32_t high; /* the highest number given so far */
};

static bool compiles(const struct xdp_nrule *rules, size_t n)
{
	char err[XDP_ERR_LEN];
	struct xdp_tables t;
	int e = xdp_tables_build(rules, n, &t, err, sizeof(err));

	if (!e)
		xdp_tables_free(&t);
	assert_true(e == 0 || e == -EINVAL);
	return !e;
}

/* A random rule is added: found first when the set has it; refused when
 * the set it makes does not compile. */
static void try_add(const struct xdp_maps *m, struct set *s)
{
	char err[XDP_ERR_LEN];
	uint32_t nr, last, dup = 0;
	struct xdp_rule r;
	int e;

	random_rule(&r);
	/* Rules given twice at attach are two rules: the first is found. */
	for (size_t i = 0; i < s->n && !dup; i++)
		if (xdp_rule_equal(&s->r[i].rule, &r))
			dup = s->r[i].nr;
	assert_int_equal(xdp_edit_find(m, &r, &nr), 0);
	assert_int_equal(nr, dup);
	assert_int_equal(xdp_edit_last(m, s->high, &last), 0);
	assert_int_equal(last, s->n ? s->r[s->n - 1].nr : 0);
	if (dup || last + 1 >= MAX_RULES) {
		xdp_rule_free(&r);
		return;
	}
	s->r[s->n] = (struct xdp_nrule){ last + 1, r };
	e = xdp_edit_add(m, last + 1, &r, err, sizeof(err));
	if (!compiles(s->r, s->n + 1)) {
		assert_int_equal(e, -EINVAL);
		assert_non_null(strstr(err, "more than"));
		xdp_rule_free(&r);
		return;
	}
	assert_int_equal(e, 0);
	s->n++;
	s->high = s->high > last + 1 ? s->high : last + 1;
}

static size_t nr_index(const struct set *s, uint32_t nr)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].nr == nr)
			return i;
	fail_msg("no rule %u", nr);
	return 0;
}

/* A random rule is deleted, read back by its number first. */
static void try_del(const struct xdp_maps *m, struct set *s)
{
	size_t i = rnd(s->n);
	struct xdp_rule back;
	uint32_t nr;

	assert_int_equal(xdp_edit_rule(m, s->r[i].nr, &back), 0);
	assert_true(xdp_rule_equal(&back, &s->r[i].rule));
	assert_int_equal(xdp_edit_find(m, &s->r[i].rule, &nr), 0);
	assert_true(nr && xdp_rule_equal(&s->r[i].rule, &s->r[nr_index(s, nr)].rule));
	assert_int_equal(xdp_edit_del(m, s->r[i].nr, &back), 0);
	xdp_rule_free(&back);
	xdp_rule_free(&s->r[i].rule);
	memmove(&s->r[i], &s->r[i + 1], (s->n - i - 1) * sizeof(s->r[0]));
	s->n--;
}

/* The rules of a run attached with, written as at attach. */
static void attach_with(const struct xdp_maps *m, struct set *s)
{
	struct xdp_tables t, none = {};
	char err[XDP_ERR_LEN];

	for (unsigned i = 0, n = rnd(24); i < n; i++) {
		random_rule(&s->r[s->n].rule);
		s->r[s->n].nr = s->n + 1;
		if (compiles(s->r, s->n + 1))
			s->n++;
		else
			xdp_rule_free(&s->r[s->n].rule);
	}
	s->high = s->n;
	assert_int_equal(xdp_tables_build(s->r, s->n, &t, err, sizeof(err)), 0);
	assert_int_equal(xdp_maps_apply(m, NULL, 0, &none, s->r, s->n, &t), 0);
	xdp_tables_free(&t);
}

static void edits_match_compiled(void **state)
{
	static struct set s;

	(void)state;
	if (geteuid())
		skip();
	for (uint64_t run = 1; run <= 12; run++) {
		struct xdp_maps m;

		seed = run;
		memset(&s, 0, sizeof(s));
		maps_create(&m);
		attach_with(&m, &s);
		same_maps(&m, s.r, s.n);
		for (int op = 0; op < 150; op++) {
			if (s.n && rnd(5) < 2)
				try_del(&m, &s);
			else
				try_add(&m, &s);
			same_maps(&m, s.r, s.n);
		}
		for (size_t i = 0; i < s.n; i++)
			xdp_rule_free(&s.r[i].rule);
		xdp_maps_close(&m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(edits_match_compiled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
