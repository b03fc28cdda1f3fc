// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Kernel symbols from /proc/kallsyms (lib/sym.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/sym.h"

struct ksym {
	uint64_t addr;
	uint32_t name;	 /* offset in names */
	uint32_t module; /* offset in names of "[module]"; 0: the kernel's own */
};

struct ksyms {
	struct ksym *syms;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
};

int sym_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 256;
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

size_t sym_upto(const void *base, size_t n, size_t size, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t a;

		memcpy(&a, (const char *)base + mid * size, sizeof(a));
		if (a <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The offset of a copy of s in names. */
static int intern(struct ksyms *ks, const char *s, uint32_t *off)
{
	size_t len = strlen(s) + 1;

	if (ks->names_len + len > UINT32_MAX ||
	    sym_grow((void **)&ks->names, &ks->names_cap, ks->names_len + len, 1))
		return -ENOMEM;
	memcpy(ks->names + ks->names_len, s, len);
	*off = ks->names_len;
	ks->names_len += len;
	return 0;
}

/* Modules come in runs of lines: a module's name is kept once per run. */
static int add(struct ksyms *ks, uint64_t addr, const char *name, const char *module)
{
	uint32_t n, m = 0;
	const struct ksym *prev = ks->n ? &ks->syms[ks->n - 1] : NULL;

	if (sym_grow((void **)&ks->syms, &ks->cap, ks->n + 1, sizeof(*ks->syms)) ||
	    intern(ks, name, &n))
		return -ENOMEM;
	if (*module && prev && prev->module && !strcmp(ks->names + prev->module, module))
		m = prev->module;
	else if (*module && intern(ks, module, &m))
		return -ENOMEM;
	ks->syms[ks->n++] = (struct ksym){ addr, n, m };
	return 0;
}

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* One line of /proc/kallsyms, "ffffffff81000000 T _stext\t[module]": a
 * text symbol (weak ones included) with an address; *name and *module
 * ("[module]", or "") are cut out of line. */
static bool text_symbol(char *line, uint64_t *addr, char **name, char **module)
{
	char *end;

	errno = 0;
	*addr = strtoull(line, &end, 16);
	if (errno || end == line || !*addr || end[0] != ' ' || !end[1] || end[2] != ' ' ||
	    !strchr("tTwW", end[1]))
		return false;
	*name = end + 3;
	end = *name + strcspn(*name, " \t\n");
	*module = end;
	*module = "";
	if (*end == '\t' && end[1] == '[' && strchr(end, ']')) {
		*module = end + 1;
		strchr(*module, ']')[1] = '\0';
	}
	*end = '\0';
	return **name != '\0';
}

struct ksyms *ksyms__load(void)
{
	return ksyms__load_file("/proc/kallsyms");
}

struct ksyms *ksyms__load_file(const char *path)
{
	FILE *f = fopen(path, "re");
	struct ksyms *ks = calloc(1, sizeof(*ks));
	char line[512], *name, *module;
	uint64_t addr;
	int err = 0;

	if (!f || !ks) {
		err = f ? -ENOMEM : -errno;
		goto out;
	}
	/* Offset 0 of names is "": no module. */
	err = intern(ks, "", &(uint32_t){ 0 });
	while (!err && fgets(line, sizeof(line), f)) {
		if (text_symbol(line, &addr, &name, &module))
			err = add(ks, addr, name, module);
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

/* The last symbol at or below addr, or NULL. */
static const struct ksym *lookup(const struct ksyms *ks, uint64_t addr)
{
	size_t n = sym_upto(ks->syms, ks->n, sizeof(*ks->syms), addr);

	return n ? &ks->syms[n - 1] : NULL;
}

bool ksyms_find(const struct ksyms *ks, uint64_t addr, struct sym_frame *f)
{
	const struct ksym *s = lookup(ks, addr);

	if (!s) {
		*f = (struct sym_frame){ NULL, addr, NULL, false };
		return false;
	}
	*f = (struct sym_frame){ ks->names + s->name, addr - s->addr,
				 s->module ? ks->names + s->module : "[kernel]", false };
	return true;
}

void ksyms_frame(const struct ksyms *ks, uint64_t addr, bool ret, struct sym_frame *f)
{
	uint64_t look = ret ? addr - 1 : addr;

	if (ks && ksyms_find(ks, look, f))
		f->off += addr - look;
	else
		*f = (struct sym_frame){ NULL, addr, "[kernel]", false };
}

bool ksyms_name(const struct ksyms *ks, uint64_t addr, char *buf, size_t len)
{
	struct sym_frame f;

	if (!ksyms_find(ks, addr, &f))
		return false;
	snprintf(buf, len, "%s+0x%" PRIx64, f.sym, f.off);
	return true;
}
