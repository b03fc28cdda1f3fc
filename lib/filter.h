/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The user side of the in-kernel filter every tool shares: -p, -u and -c
 * (BPF side: bpf/lib/filter.bpf.h; the names both use: common/filter.h).
 *
 * -c is resolved once, right after the command line is parsed; the run
 * writes the filter into the object's rodata before load and -c's cgroup
 * into its map after load (sonde_load()). */
#ifndef SONDE_LIB_FILTER_H
#define SONDE_LIB_FILTER_H

#include <bpf/libbpf.h>
#include "lib/opts.h"

/* Without -c, nothing. With it: the cgroup's ID (o->cgroup_id) and its
 * directory, open for the filter map (o->cgroup_fd). 0, or after one line
 * -ENOENT (no such cgroup, or no cgroup v2: exit 3), -EINVAL (a container
 * ID that more than one cgroup matches: exit 2) or the open's -errno. */
int filter_resolve(struct sonde_opts *o);
/* Closes what filter_resolve() opened. */
void filter_close(struct sonde_opts *o);
/* Before load: -p, -u and -c into the object's rodata. 0, or -EIO after one
 * line when the object lacks the filter. */
int filter_rodata_write(struct bpf_object *obj, const struct sonde_opts *o);
/* After load: -c's cgroup into the filter map. 0 or -errno after one line. */
int filter_map_fill(struct bpf_object *obj, const struct sonde_opts *o);

#endif
