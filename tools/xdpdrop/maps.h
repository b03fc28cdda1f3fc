/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* xdpdrop's BPF maps from user space: writing a compiled rule set into them
 * (also live, into a running or pinned instance), reading the rules and the
 * counters back, and pinning them. */
#ifndef SONDE_TOOLS_XDPDROP_MAPS_H
#define SONDE_TOOLS_XDPDROP_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "tools/xdpdrop/set.h"

enum xdp_map {
	XDP_M_STATS,
	XDP_M_RULES,
	XDP_M_HITS,
	XDP_M_ANY,
	XDP_M_INFO,
	XDP_M_SRC4, /* tries of prefixes, in enum xdp_trie order */
	XDP_M_SRC6,
	XDP_M_DST4,
	XDP_M_DST6,
	XDP_M_SRC4H, /* hashes of hosts, same order */
	XDP_M_SRC6H,
	XDP_M_DST4H,
	XDP_M_DST6H,
	XDP_M_RDST4,
	XDP_M_RDST6,
	XDP_M_PRESENT,
	XDP_MAPS,
};

/* The map names, in the object and as pinned files. */
extern const char *const xdp_map_names[XDP_MAPS];

struct xdp_maps {
	int fd[XDP_MAPS];
	uint32_t max_rules; /* entries of "rules" and "hits" */
	int ncpu;	    /* possible CPUs (values of per-CPU maps) */
	bool owned;	    /* the fds were opened here (xdp_maps_close closes them) */
};

/* Before load: room in the hashes of hosts for twice the hosts of t (at
 * least XDPDROP_HOSTS_MIN each). 0 or -errno. */
int xdp_maps_size(struct bpf_object *obj, const struct xdp_tables *t);
/* The maps of a loaded object (not owned). */
int xdp_maps_of(struct bpf_object *obj, struct xdp_maps *m);
/* The maps pinned in the directory dir (a checked one, bpffs.h); -ENOENT
 * when there are none. */
int xdp_maps_open(int dir, struct xdp_maps *m);
void xdp_maps_close(struct xdp_maps *m);
/* Pins every map in the directory dir (a checked one, bpffs.h). */
int xdp_maps_pin(const struct xdp_maps *m, int dir);

/* Moves the maps from the rules `from` (compiled to tfrom; what the maps
 * hold now) to `to` (tto). Every step leaves each rule either as it was or
 * as it will be: new rules are written before the lists that name them, and
 * rules are cleared after the lists no longer do. 0 or -errno. */
int xdp_maps_apply(const struct xdp_maps *m, const struct xdp_nrule *from, size_t nfrom,
		   const struct xdp_tables *tfrom, const struct xdp_nrule *to, size_t nto,
		   const struct xdp_tables *tto);

/* Calls fn for each entry of table t: of its trie (hosts false) or of its
 * hash of hosts, in no order. fn returns 0 to go on, 1 to stop, or -errno,
 * which is returned. 0 or -errno. */
typedef int (*xdp_maps_each_fn)(void *ctx, const struct xdp_prefix *p,
				const struct xdpdrop_cands *c);
int xdp_maps_each(const struct xdp_maps *m, enum xdp_trie t, bool hosts, xdp_maps_each_fn fn,
		  void *ctx);

/* What live edits (tools/xdpdrop/edit.c) write with. */
/* The map of a table entry (hash of hosts or trie) and its key in key. */
int xdp_maps_entry_key(enum xdp_trie t, const struct xdp_prefix *p, void *key);
/* The key of a rule's own destination prefix. */
void xdp_maps_rdst_key(const struct xdp_rdst_entry *e, void *key);
/* Writes rule nr (r NULL: clears its slot), with its counters zeroed. */
int xdp_maps_put_rule(const struct xdp_maps *m, uint32_t nr, const struct xdp_rule *r);
/* present.bits, read and written. */
int xdp_maps_present(const struct xdp_maps *m, __u32 *bits);
int xdp_maps_set_present(const struct xdp_maps *m, __u32 bits);
/* The list of the rules without addresses in use (n 0 when none). */
int xdp_maps_any(const struct xdp_maps *m, struct xdpdrop_any *any);
/* Writes the list into the entry not in use; *slot: the present bit that
 * makes it the one in use. */
int xdp_maps_put_any(const struct xdp_maps *m, const struct xdpdrop_any *any, __u32 *slot);
/* The conditions of a rule from its kernel form (not its prefixes). */
void xdp_rule_from_kernel(const struct xdpdrop_rule *k, struct xdp_rule *r);

/* The rules the maps hold, sorted by number (free with xdp_nrules_free). */
int xdp_maps_read_rules(const struct xdp_maps *m, struct xdp_nrule **rules, size_t *n);
void xdp_nrules_free(struct xdp_nrule *rules, size_t n);

/* The totals, summed over CPUs. */
int xdp_maps_read_stats(const struct xdp_maps *m, struct xdpdrop_stats *st);
/* Per-rule counters summed over CPUs, hits[nr] for nr < max_rules. */
int xdp_maps_read_hits(const struct xdp_maps *m, struct xdpdrop_count *hits);

int xdp_maps_info(const struct xdp_maps *m, struct xdpdrop_info *info);
int xdp_maps_set_info(const struct xdp_maps *m, const struct xdpdrop_info *info);

#endif
