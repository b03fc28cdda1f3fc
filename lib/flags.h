/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Bit flags by name: a call's flags argument rendered as the names of its
 * bits, for text ("O_WRONLY|O_CREAT|O_TRUNC") and JSON (["O_WRONLY",
 * "O_CREAT", "O_TRUNC"]); bits without a name as one hex number.
 *
 *	static const struct flag_name fl[] = { FLAG_BITS(1, "MNT_FORCE"), ... };
 *	struct flag_names n = { .len = 0 };
 *
 *	flag_names_of(&n, e->flags, fl, ARRAY_SIZE(fl), "");
 *	out_flag_names(o, C_FLAGS_TEXT, C_FLAGS_NAMES, &n);
 */
#ifndef SONDE_LIB_FLAGS_H
#define SONDE_LIB_FLAGS_H

#include <stddef.h>
#include <stdint.h>
#include "lib/out.h"

/* A name applies when the bits under `mask` equal `value`: one bit (mask ==
 * value), several bits named together (O_SYNC), or one value of a field
 * (O_RDONLY is 0 under the access mode's mask). */
struct flag_name {
	uint64_t mask;
	uint64_t value;
	const char *name;
};

#define FLAG_BITS(bits, name)                                                                      \
	{                                                                                          \
		(bits), (bits), (name)                                                             \
	}
#define FLAG_FIELD(mask, value, name)                                                              \
	{                                                                                          \
		(mask), (value), (name)                                                            \
	}

/* Names, NUL-separated (as out_strv() takes them), in the order added. */
struct flag_names {
	char buf[1024];
	size_t len;
};

/* Adds prefix and name as one more name (left out when the buffer is full). */
void flag_names_add(struct flag_names *n, const char *prefix, const char *name);
/* Adds the names of v: each entry of the table that applies, in table order
 * (its bits are then taken out of v, so list combined names first), then the
 * bits left over as one hex number. Every name gets the prefix. */
void flag_names_of(struct flag_names *n, uint64_t v, const struct flag_name *table, size_t count,
		   const char *prefix);
/* The entry named `name` (any case; `prefix`, such as "O_", may be left
 * out); NULL when there is none. */
const struct flag_name *flag_lookup(const char *name, const struct flag_name *table, size_t count,
				    const char *prefix);

/* The names in both forms: in text column text_col joined by '|' ("0" when
 * there are none), in JSON column json_col as an array of strings. */
void out_flag_names(struct out *o, unsigned text_col, unsigned json_col,
		    const struct flag_names *n);

#endif
