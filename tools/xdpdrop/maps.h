/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* xdpdrop's BPF maps from user space: writing a compiled rule set into them
 * (also live, into a running or pinned instance), reading the rules and the
 * counters back, and pinning them. */
#ifndef SONDE_TOOLS_XDPDROP_MAPS_H
#define SONDE_TOOLS_XDPDROP_MAPS_H

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
