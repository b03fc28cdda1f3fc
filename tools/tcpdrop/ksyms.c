// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tools/tcpdrop/ksyms.h"

struct ksym {
	uint64_t addr;
	size_t name; /* offset in names */
};

struct ksyms {
	struct ksym *syms;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 4096;
	void *q;

	if (need <= *cap && *p)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static int add(struct ksyms *ks, uint64_t addr, const char *name)
{
	size_t len = strlen(name) + 1;

	if (grow((void **)&ks->syms, &ks->cap, ks->n + 1, sizeof(*ks->syms)) ||
	    grow((void **)&ks->names, &ks->names_cap, ks->names_len + len, 1))
		return -ENOMEM;
	ks->syms[ks->n++] = (struct ksym){ addr, ks->names_len };
	memcpy(ks->names + ks->names_len, name, len);
	ks->names_len += len;
	return 0;
}

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* One line of /proc/kallsyms, "ffffffff81000000 T _stext\t[module]": a
 * text symbol (weak ones included) with an address; *name is cut out of
 * line. */
static bool text_symbol(char *line, uint64_t *addr, char **name)
{
	char *end;

	errno = 0;
	*addr = strtoull(line, &end, 16);
	if (errno || end == line || !*addr || end[0] != ' ' || !end[1] || end[2] != ' ' ||
	    !strchr("tTwW", end[1]))
		return false;
	*name = end + 3;
	(*name)[strcspn(*name, " \t\n")] = '\0';
	return **name != '\0';
}

struct ksyms *ksyms__load(void)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	struct ksyms *ks = calloc(1, sizeof(*ks));
	char line[512], *name;
	uint64_t addr;
	int err = 0;

	if (!f || !ks) {
		err = f ? -ENOMEM : -errno;
		goto out;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		if (text_symbol(line, &addr, &name))
			err = add(ks, addr, name);
	}
	if (!err && !ks->n)
		err = -EPERM; /* every address hidden */
out:
	if (f)
		fclose(f);
	if (err) {
		ksyms__free(ks);
		errno = -err;
		return NULL;
	}
	if (ks->n > 1)
		qsort(ks->syms, ks->n, sizeof(*ks->syms), by_addr);
	return ks;
}

void ksyms__free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->names);
	free(ks);
}

bool ksyms_name(const struct ksyms *ks, uint64_t addr, char *buf, size_t len)
{
	size_t lo = 0, hi = ks->n;
	const struct ksym *s;

	/* The last symbol at or below addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return false;
	s = &ks->syms[lo - 1];
	snprintf(buf, len, "%s+0x%" PRIx64, ks->names + s->name, addr - s->addr);
	return true;
}
