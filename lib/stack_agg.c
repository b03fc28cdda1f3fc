// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Samples whose user stacks user space unwound, added up as the kernel adds
 * up the others (lib/stack.h): each distinct stack kept once by a hash of
 * its addresses, a total per key. Two open-addressing tables. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/stack.h"

/* A slot: a byte saying it is used, then the key, then the value, each at
 * a multiple of 8 bytes. */
static size_t slot_size(const struct stack_tab *t)
{
	return 8 + ((t->ksize + 7) & ~(size_t)7) + ((t->vsize + 7) & ~(size_t)7);
}

static unsigned char *slot_at(const struct stack_tab *t, size_t i)
{
	return t->slots + i * slot_size(t);
}

static void *key_of(unsigned char *slot)
{
	return slot + 8;
}

static void *value_of(const struct stack_tab *t, unsigned char *slot)
{
	return slot + 8 + ((t->ksize + 7) & ~(size_t)7);
}

static uint64_t hash_bytes(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The slot of key, or the free slot where it would go. */
static unsigned char *find(const struct stack_tab *t, const void *key)
{
	size_t i = hash_bytes(key, t->ksize) & (t->cap - 1);

	for (;; i = (i + 1) & (t->cap - 1)) {
		unsigned char *s = slot_at(t, i);

		if (!s[0] || !memcmp(key_of(s), key, t->ksize))
			return s;
	}
}

static int grow(struct stack_tab *t)
{
	struct stack_tab old = *t;

	t->cap = old.cap ? old.cap * 2 : 256;
	t->slots = calloc(t->cap, slot_size(t));
	if (!t->slots) {
		*t = old;
		return -ENOMEM;
	}
	for (size_t i = 0; i < old.cap; i++) {
		unsigned char *s = slot_at(&old, i);

		if (s[0])
			memcpy(find(t, key_of(s)), s, slot_size(t));
	}
	free(old.slots);
	return 0;
}

void *stack_tab_get(struct stack_tab *t, const void *key, bool create)
{
	unsigned char *s;

	if (!t->cap && !create)
		return NULL;
	if ((t->n + 1) * 2 > t->cap && create && grow(t))
		return NULL;
	s = find(t, key);
	if (!s[0]) {
		if (!create)
			return NULL;
		s[0] = 1;
		memcpy(key_of(s), key, t->ksize);
		memset(value_of(t, s), 0, t->vsize);
		t->n++;
	}
	return value_of(t, s);
}

int stack_tab_each(const struct stack_tab *t, int (*cb)(const void *key, void *value, void *arg),
		   void *arg)
{
	int err = 0;

	for (size_t i = 0; i < t->cap && !err; i++) {
		unsigned char *s = slot_at(t, i);

		if (s[0])
			err = cb(key_of(s), value_of(t, s), arg);
	}
	return err;
}

void stack_tab_free(struct stack_tab *t)
{
	free(t->slots);
	t->slots = NULL;
	t->n = t->cap = 0;
}

void stack_agg_init(struct stack_agg *a)
{
	memset(a, 0, sizeof(*a));
	a->stacks.ksize = sizeof(uint64_t);
	a->stacks.vsize = sizeof(struct stack_pcs);
	a->totals.ksize = sizeof(struct stack_key);
	a->totals.vsize = sizeof(uint64_t);
}

void stack_agg_free(struct stack_agg *a)
{
	stack_tab_free(&a->stacks);
	stack_tab_free(&a->totals);
}

/* The same mix as the kernel's (bpf/lib/stack.bpf.h); never 0. */
static uint64_t pcs_hash(const uint64_t *pcs, uint32_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;

	for (uint32_t i = 0; i < n; i++) {
		h ^= pcs[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h ? h : 1;
}

/* Found, or made while the table holds less than STACK_AGG_MAX. */
static void *get_capped(struct stack_tab *t, const void *key)
{
	return stack_tab_get(t, key, t->n < (size_t)STACK_AGG_MAX);
}

int stack_agg_add(struct stack_agg *a, const struct stack_key *key, const uint64_t *pcs, uint32_t n,
		  uint64_t v)
{
	struct stack_key k = *key;
	uint64_t h = n ? pcs_hash(pcs, n) : 0, *total;
	struct stack_pcs *s = n ? get_capped(&a->stacks, &h) : NULL;

	k.flags |= STACK_USER_UNWOUND;
	if (s) {
		k.user = h;
		s->n = n;
		memcpy(s->pc, pcs, n * sizeof(*pcs));
	} else {
		k.flags |= STACK_USER_MISSED;
		a->missed += n != 0;
	}
	total = get_capped(&a->totals, &k);
	if (!total) {
		a->uncounted++;
		return 0;
	}
	*total += v;
	return 0;
}

const struct stack_pcs *stack_agg_stack(const struct stack_agg *a, uint64_t hash)
{
	return stack_tab_get((struct stack_tab *)&a->stacks, &hash, false);
}
