// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The functions a compiler inlined at an address, from the DWARF of the
 * file or of its separate debug file (lib/sym.h, --inline): each
 * DW_TAG_inlined_subroutine among the scopes that hold the address. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/sym.h"

/* Names made, at most: beyond it a function is named as its DWARF has it,
 * unqualified. A profile's inlined functions are a few hundred. */
#define INLINE_NAMES_MAX 4096

/* Slots of the names' hash table (open addressing): twice the most names. */
#define INLINE_SLOTS ((size_t)2 * INLINE_NAMES_MAX)

struct inline_name {
	Dwarf_Off die; /* the function's DIE, + 1 (0: a free slot) */
	char *name;
};

struct sym_inline {
	Dwarf *dw;
	int fd;
	struct inline_name *names; /* INLINE_SLOTS of them, at the first name made */
	size_t n;
};

struct sym_inline *sym_inline_open(int fd)
{
	struct sym_inline *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->fd = dup(fd);
	d->dw = d->fd >= 0 ? dwarf_begin(d->fd, DWARF_C_READ) : NULL;
	if (!d->dw) {
		sym_inline_free(d);
		return NULL;
	}
	return d;
}

void sym_inline_free(struct sym_inline *d)
{
	if (!d)
		return;
	for (size_t i = 0; d->names && i < INLINE_SLOTS; i++)
		free(d->names[i].name);
	free(d->names);
	if (d->dw)
		dwarf_end(d->dw);
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}

/* The DIE a reference attribute of die points at, in *to. */
static bool follow(Dwarf_Die *die, unsigned attr, Dwarf_Die *to)
{
	Dwarf_Attribute a;

	return dwarf_attr(die, attr, &a) && dwarf_formref_die(&a, to);
}

/* name qualified by the namespaces and classes around decl:
 * "shop::Basket::tally". */
static char *qualified(Dwarf_Die *decl, const char *name)
{
	Dwarf_Die *scopes = NULL;
	int n = dwarf_getscopes_die(decl, &scopes);
	char *q = NULL;
	size_t len;
	FILE *f = open_memstream(&q, &len);

	if (!f) {
		free(scopes);
		return NULL;
	}
	/* scopes[0] is decl itself; the last, its compile unit. */
	for (int i = n - 2; i >= 1; i--) {
		int tag = dwarf_tag(&scopes[i]);
		const char *s = dwarf_diename(&scopes[i]);

		if (s && (tag == DW_TAG_namespace || tag == DW_TAG_class_type ||
			  tag == DW_TAG_structure_type || tag == DW_TAG_union_type))
			fprintf(f, "%s::", s);
	}
	fputs(name, f);
	free(scopes);
	return fclose(f) ? NULL : q;
}

/* The slot of DIE off: where its name is, or would go. */
static struct inline_name *slot_of(struct sym_inline *d, Dwarf_Off off)
{
	size_t i = (size_t)(off * 0x9e3779b97f4a7c15ull) & (INLINE_SLOTS - 1);

	while (d->names[i].die && d->names[i].die != off + 1)
		i = (i + 1) & (INLINE_SLOTS - 1);
	return &d->names[i];
}

/* The name of the function die inlined: its linkage name demangled (C++'s
 * whole name, parameters included), else its name within its namespaces
 * and classes; made once for the run. */
static const char *name_of(struct sym_inline *d, Dwarf_Die *die)
{
	Dwarf_Die fn = *die, to;
	Dwarf_Attribute a;
	struct inline_name *slot = NULL;
	const char *link, *name;
	char *made = NULL;
	int status;

	while (follow(&fn, DW_AT_abstract_origin, &to) || follow(&fn, DW_AT_specification, &to))
		fn = to;
	if (d->names || (d->names = calloc(INLINE_SLOTS, sizeof(*d->names))))
		slot = slot_of(d, dwarf_dieoffset(&fn));
	if (slot && slot->die)
		return slot->name;
	link = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
	name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
	if (!slot || d->n == INLINE_NAMES_MAX)
		return name;
	if (link && !strncmp(link, "_Z", 2))
		made = __cxa_demangle(link, NULL, NULL, &status);
	if (!made && name)
		made = qualified(&fn, name);
	if (!made)
		return name;
	*slot = (struct inline_name){ dwarf_dieoffset(&fn) + 1, made };
	d->n++;
	return made;
}

size_t sym_inline_find(struct sym_inline *d, uint64_t vaddr, const char **names, size_t max)
{
	Dwarf_Die cu, *scopes = NULL;
	size_t k = 0;
	int n;

	if (!dwarf_addrdie(d->dw, vaddr, &cu))
		return 0;
	n = dwarf_getscopes(&cu, vaddr, &scopes);
	/* Innermost first; the function that holds them all is the symbol's. */
	for (int i = 0; i < n && k < max; i++) {
		const char *name;

		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram)
			break;
		if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine)
			continue;
		name = name_of(d, &scopes[i]);
		names[k++] = name ? name : "[inlined]";
	}
	free(scopes);
	return k;
}
