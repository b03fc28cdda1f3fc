// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/net_count.h: the --count table is every entry of the kernel's map
 * once, most counted first, however many entries there are. */
#include <errno.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <cmocka.h>
#include "lib/net_count.h"

/* Linked with --wrap=realloc (tests/unit/CMakeLists.txt): every block
 * that lib/ grows moves, and the one left behind is zeroed before it is
 * freed, so that a pointer kept into it reads no key (and, under ASan, is
 * caught reading freed memory). glibc would often grow it in place. */
void *__wrap_realloc(void *old, size_t size);

void *__wrap_realloc(void *old, size_t size)
{
	size_t had = old ? malloc_usable_size(old) : 0;
	void *p = malloc(size);

	if (!p)
		return NULL;
	if (old) {
		memcpy(p, old, had < size ? had : size);
		/* Not memset(): a store just before free() may be left out. */
		explicit_bzero(old, had);
		free(old);
	}
	return p;
}

/* Shaped like a tool's: a key of three words, a value with its count second. */
struct key {
	uint32_t index, check, pad;
};

struct val {
	uint64_t bytes, count;
};

/* Enough entries for the block of records to grow four times (64 to 1024). */
#define ENTRIES 1000
/* Every DELETED_EVERY-th entry goes away between its key and its value. */
#define DELETED_EVERY 100
#define CHECK_OF(i) ((i) ^ 0x5eed5eedu)

static struct key key_of(uint32_t i)
{
	return (struct key){ i, CHECK_OF(i), 0 };
}

/* Counts are a permutation of 0 .. ENTRIES - 1. */
static uint64_t count_of(uint32_t i)
{
	return (uint64_t)i * 37 % ENTRIES;
}

/* Entries gone since the walk read their key. */
static bool deleted[ENTRIES];

/* A map in memory, walked as the kernel walks a hash map: by the previous
 * key, which is read every time. */
static int fake_next_key(int fd, const void *prev, void *next)
{
	struct key k, n;
	uint32_t i = 0;

	(void)fd;
	if (prev) {
		memcpy(&k, prev, sizeof(k));
		/* A key the walk never got from us: memory it no longer owns. */
		if (k.index >= ENTRIES || k.check != CHECK_OF(k.index))
			fail_msg("the walk went on from bytes that are no key of the map");
		i = k.index + 1;
	} else {
		memset(deleted, 0, sizeof(deleted));
	}
	while (i < ENTRIES && deleted[i])
		i++;
	if (i == ENTRIES) {
		errno = ENOENT;
		return -ENOENT;
	}
	n = key_of(i);
	memcpy(next, &n, sizeof(n));
	return 0;
}

static int fake_lookup(int fd, const void *key, void *value)
{
	struct val v = { 1, 0 };
	struct key k;

	(void)fd;
	memcpy(&k, key, sizeof(k));
	if (k.index % DELETED_EVERY == DELETED_EVERY / 2) {
		deleted[k.index] = true;
		errno = ENOENT;
		return -ENOENT;
	}
	v.count = count_of(k.index);
	memcpy(value, &v, sizeof(v));
	return 0;
}

/* Each of the n keys once, counts from the highest down. */
static void assert_table(const struct net_counts *c, size_t n)
{
	static bool seen[ENTRIES];
	uint64_t last = UINT64_MAX;

	memset(seen, 0, sizeof(seen));
	assert_int_equal(c->n, n);
	for (size_t i = 0; i < c->n; i++) {
		struct key k;
		struct val v;

		memcpy(&k, net_counts_key(c, i), sizeof(k));
		memcpy(&v, net_counts_val(c, i), sizeof(v));
		assert_true(k.index < ENTRIES);
		assert_int_equal(k.check, CHECK_OF(k.index));
		assert_false(seen[k.index]);
		seen[k.index] = true;
		assert_int_equal(v.count, count_of(k.index));
		assert_true(v.count <= last);
		last = v.count;
	}
}

/* The walk goes on from the last key it kept. That key lives in the block
 * of records, which realloc() moves as it grows: the walk must read it
 * where it is now, not where it was. */
static void every_entry_once_across_reallocs(void **state)
{
	struct net_counts_src src = { -1, fake_next_key, fake_lookup };
	struct net_counts c;

	(void)state;
	assert_int_equal(net_counts_read(&src, sizeof(struct key), sizeof(struct val),
					 offsetof(struct val, count), &c),
			 0);
	assert_table(&c, ENTRIES - ENTRIES / DELETED_EVERY);
	net_counts_free(&c);
	assert_null(c.recs);
}

static int failing_next_key(int fd, const void *prev, void *next)
{
	static unsigned calls;

	if (!prev)
		calls = 0;
	if (++calls > 300) {
		errno = EPERM;
		return -EPERM;
	}
	return fake_next_key(fd, prev, next);
}

/* A failure other than the end of the map is the caller's, with nothing kept. */
static void error_midway_is_returned(void **state)
{
	struct net_counts_src src = { -1, failing_next_key, fake_lookup };
	struct net_counts c;

	(void)state;
	assert_int_equal(net_counts_read(&src, sizeof(struct key), sizeof(struct val),
					 offsetof(struct val, count), &c),
			 -EPERM);
	assert_null(c.recs);
	assert_int_equal(c.n, 0);
}

/* The same on a real BPF hash map, with libbpf's calls (needs root). */
static void real_hash_map(void **state)
{
	struct net_counts_src src = { -1, bpf_map_get_next_key, bpf_map_lookup_elem };
	struct net_counts c;

	(void)state;
	src.fd = bpf_map_create(BPF_MAP_TYPE_HASH, "test_counts", sizeof(struct key),
				sizeof(struct val), ENTRIES, NULL);
	if (src.fd < 0)
		skip();
	for (uint32_t i = 0; i < ENTRIES; i++) {
		struct key k = key_of(i);
		struct val v = { 1, count_of(i) };

		assert_int_equal(bpf_map_update_elem(src.fd, &k, &v, BPF_NOEXIST), 0);
	}
	assert_int_equal(net_counts_read(&src, sizeof(struct key), sizeof(struct val),
					 offsetof(struct val, count), &c),
			 0);
	assert_table(&c, ENTRIES);
	net_counts_free(&c);
	close(src.fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_entry_once_across_reallocs),
		cmocka_unit_test(error_midway_is_returned),
		cmocka_unit_test(real_hash_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
