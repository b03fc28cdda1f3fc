/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Live edits of a running instance's maps, one rule at a time, that read
 * and write only the entries the rule concerns: those of its prefixes and,
 * for a prefix shorter than a host's, the entries under it. Compiling the
 * rule set whole (tools/xdpdrop/set.h) and diffing it took seconds and
 * hundreds of megabytes with a million rules.
 *
 * After each write the tables hold (common/xdpdrop.h): an entry lists, in
 * ascending order, the rules whose prefixes cover it, its own marked; a
 * rule is written before a list names it, and cleared once none does.
 * A new rule gets a number above every rule's, so that it goes at the end
 * of each list. */
#ifndef SONDE_TOOLS_XDPDROP_EDIT_H
#define SONDE_TOOLS_XDPDROP_EDIT_H

#include <stddef.h>
#include <stdint.h>
#include "tools/xdpdrop/maps.h"

/* *nr: the number of the rule equal to r (finished), 0 if there is none.
 * 0 or -errno. */
int xdp_edit_find(const struct xdp_maps *m, const struct xdp_rule *r, uint32_t *nr);
/* Rule nr as it was given (its prefixes found in the tables, which are
 * read for them); -ENOENT when no rule has that number. */
int xdp_edit_rule(const struct xdp_maps *m, uint32_t nr, struct xdp_rule *r);
/* *last: the highest number of a rule in use, at most hint (a number no
 * rule is above), 0 when there is none. */
int xdp_edit_last(const struct xdp_maps *m, uint32_t hint, uint32_t *last);
/* Adds r (finished, and no rule of m) as rule nr, above every rule of m.
 * -EINVAL with the reason in err when a list would hold too many rules
 * (nothing is written then); -ENOSPC when a table is full, or another
 * -errno (xdp_edit_del then undoes what was written). */
int xdp_edit_add(const struct xdp_maps *m, uint32_t nr, const struct xdp_rule *r, char *err,
		 size_t errlen);
/* Deletes rule nr, which is r. 0 or -errno. */
int xdp_edit_del(const struct xdp_maps *m, uint32_t nr, const struct xdp_rule *r);

#endif
