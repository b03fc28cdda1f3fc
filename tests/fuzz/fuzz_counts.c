// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The --count table walk (lib/net_count.h's net_counts_read()) over a map in
 * memory that loses entries while it is walked, as the kernel's hash map
 * walks: by the previous key, from the first key again when that key is
 * gone. Properties: no crash or read out of bounds (ASan: every growth of
 * the records moves them); the walk ends; an error of the map is returned,
 * with nothing kept; every entry comes at most once, with its own value,
 * every entry never deleted comes, and the table is sorted by count,
 * highest first.
 *
 * Input: key size, value size, count offset, number of entries, number of
 * deletions, the next-key call that fails (0: none), then each deletion
 * (before call number, entry: two bytes each), then the bytes the entries'
 * keys and values are cut from. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include "lib/net_count.h"
#include "tests/fuzz/fuzz.h"

/* Room for the tools' keys and values (tcpretrans: 40 and 40 bytes), and
 * enough entries for the block of records to grow three times (64 to 512). */
#define MAX_KEY 48
#define MAX_VAL 48
#define MAX_ENTRIES 300
#define MAX_DELETIONS 64

struct entry {
	uint8_t key[MAX_KEY], val[MAX_VAL];
	bool live;
};

/* Open addressing, by a hash of the key: slot holds an entry's index + 1. */
#define SLOTS 1024

static struct {
	size_t key_size, val_size, n;
	struct entry e[MAX_ENTRIES];
	uint16_t slot[SLOTS];
	struct deletion {
		unsigned at, victim;
	} del[MAX_DELETIONS];
	unsigned ndel, next_del;
	unsigned calls, key_calls, max_calls;
	unsigned fail_at; /* the next-key call that fails with EIO; 0: none */
} m;

static size_t hash(const uint8_t *key)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < m.key_size; i++)
		h = (h ^ key[i]) * 16777619u;
	return h % SLOTS;
}

/* The entry with this key (deleted ones too unless live_only), or -1. */
static int find(const void *key, bool live_only)
{
	for (size_t s = hash(key); m.slot[s]; s = (s + 1) % SLOTS) {
		struct entry *e = &m.e[m.slot[s] - 1];

		if (!memcmp(e->key, key, m.key_size))
			return e->live || !live_only ? m.slot[s] - 1 : -1;
	}
	return -1;
}

static void insert(size_t i)
{
	size_t s = hash(m.e[i].key);

	while (m.slot[s])
		s = (s + 1) % SLOTS;
	m.slot[s] = i + 1;
}

/* Before each call: the deletions due, and a bound on the walk. */
static void next_call(void)
{
	for (; m.next_del < m.ndel && m.del[m.next_del].at == m.calls; m.next_del++)
		m.e[m.del[m.next_del].victim].live = false;
	FUZZ_CHECK(++m.calls <= m.max_calls);
}

static int by_call(const void *a, const void *b)
{
	const struct deletion *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

static int fail(int err)
{
	errno = err;
	return -err;
}

static int map_next_key(int fd, const void *prev, void *next)
{
	size_t i = 0;
	int at;

	(void)fd;
	next_call();
	if (++m.key_calls == m.fail_at)
		return fail(EIO);
	/* A key no longer there: from the first again, as the kernel does. */
	if (prev && (at = find(prev, true)) >= 0)
		i = at + 1;
	while (i < m.n && !m.e[i].live)
		i++;
	if (i == m.n)
		return fail(ENOENT);
	memcpy(next, m.e[i].key, m.key_size);
	return 0;
}

static int map_lookup(int fd, const void *key, void *val)
{
	int at;

	(void)fd;
	next_call();
	at = find(key, true);
	if (at < 0)
		return fail(ENOENT);
	memcpy(val, m.e[at].val, m.val_size);
	return 0;
}

/* Entries cut from the pool in turn, each key made unlike its neighbours'
 * by its index; a key the map has already is left out, as the kernel's
 * BPF_NOEXIST would. */
static void fill(const uint8_t *pool, size_t len, size_t want)
{
	size_t off = 0;

	for (size_t i = 0; i < want; i++) {
		struct entry *e = &m.e[m.n];

		for (size_t k = 0; k < m.key_size; k++, off++)
			e->key[k] = len ? pool[off % len] : 0;
		e->key[0] ^= i;
		if (m.key_size > 1)
			e->key[1] ^= i >> 8;
		for (size_t k = 0; k < m.val_size; k++, off++)
			e->val[k] = len ? pool[off % len] : 0;
		e->live = true;
		if (find(e->key, false) < 0)
			insert(m.n++);
	}
}

static void check(const struct net_counts *c, size_t cnt_off)
{
	static bool seen[MAX_ENTRIES];
	uint64_t last = UINT64_MAX, count;

	memset(seen, 0, sizeof(seen));
	FUZZ_CHECK(c->key_size == m.key_size && c->rec_size == m.key_size + m.val_size);
	for (size_t i = 0; i < c->n; i++) {
		int at = find(net_counts_key(c, i), false);

		FUZZ_CHECK(at >= 0 && !seen[at]);
		seen[at] = true;
		FUZZ_CHECK(!memcmp(net_counts_val(c, i), m.e[at].val, m.val_size));
		memcpy(&count, m.e[at].val + cnt_off, sizeof(count));
		FUZZ_CHECK(count <= last);
		last = count;
	}
	for (size_t i = 0; i < m.n; i++)
		FUZZ_CHECK(seen[i] || !m.e[i].live);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct net_counts_src src = { -1, map_next_key, map_lookup };
	struct net_counts c;
	size_t cnt_off, want;
	int err;

	if (size < 6)
		return 0;
	memset(&m, 0, sizeof(m));
	m.key_size = 1 + data[0] % MAX_KEY;
	m.val_size = 8 + data[1] % (MAX_VAL - 7);
	cnt_off = data[2] % (m.val_size - 7);
	want = data[3] * 2 < MAX_ENTRIES ? data[3] * 2 : MAX_ENTRIES;
	m.ndel = data[4] % (MAX_DELETIONS + 1);
	m.fail_at = data[5];
	data += 6;
	size -= 6;
	if (size < m.ndel * 4)
		m.ndel = size / 4;
	for (unsigned i = 0; i < m.ndel; i++, data += 4, size -= 4) {
		m.del[i].at = data[0] | data[1] << 8;
		m.del[i].victim = data[2] | data[3] << 8;
	}
	fill(data, size, want);
	for (unsigned i = 0; i < m.ndel; i++)
		m.del[i].victim = m.n ? m.del[i].victim % m.n : 0;
	qsort(m.del, m.ndel, sizeof(m.del[0]), by_call);
	/* Each deletion may send the walk back to the first key once. */
	m.max_calls = 2 * (m.ndel + 1) * (m.n + 1) + 2;

	err = net_counts_read(&src, m.key_size, m.val_size, cnt_off, &c);
	if (err) {
		FUZZ_CHECK(err == -EIO && m.fail_at && m.key_calls == m.fail_at);
		FUZZ_CHECK(!c.recs && !c.n);
		return 0;
	}
	check(&c, cnt_off);
	net_counts_free(&c);
	FUZZ_CHECK(!c.recs && !c.n);
	return 0;
}
