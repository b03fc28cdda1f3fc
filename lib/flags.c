// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "lib/flags.h"

void flag_names_add(struct flag_names *n, const char *prefix, const char *name)
{
	size_t room = sizeof(n->buf) - n->len, p = strlen(prefix), w = strlen(name);

	if (p + w >= room)
		return;
	memcpy(n->buf + n->len, prefix, p);
	memcpy(n->buf + n->len + p, name, w);
	n->buf[n->len + p + w] = '\0';
	n->len += p + w + 1;
}

void flag_names_of(struct flag_names *n, uint64_t v, const struct flag_name *table, size_t count,
		   const char *prefix)
{
	char hex[24];

	for (size_t i = 0; i < count; i++) {
		if ((v & table[i].mask) != table[i].value)
			continue;
		v &= ~table[i].mask;
		flag_names_add(n, prefix, table[i].name);
	}
	if (v) {
		snprintf(hex, sizeof(hex), "%#llx", (unsigned long long)v);
		flag_names_add(n, prefix, hex);
	}
}

const struct flag_name *flag_lookup(const char *name, const struct flag_name *table, size_t count,
				    const char *prefix)
{
	size_t plen = strlen(prefix);

	for (size_t i = 0; i < count; i++) {
		const char *t = table[i].name;

		if (!strcasecmp(name, t) ||
		    (!strncasecmp(t, prefix, plen) && !strcasecmp(name, t + plen)))
			return &table[i];
	}
	return NULL;
}

void out_flag_names(struct out *o, unsigned text_col, unsigned json_col, const struct flag_names *n)
{
	if (n->len)
		out_names(o, text_col, n->buf, n->len, '|');
	else
		out_name(o, text_col, "0");
	out_names(o, json_col, n->buf, n->len, '|');
}
