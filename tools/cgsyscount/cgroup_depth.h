/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Cgroups as rows of a table (cgsyscount): rolled up to a depth of the
 * hierarchy, and told apart from cgroups that are gone. */
#ifndef SONDE_TOOLS_CGSYSCOUNT_CGROUP_DEPTH_H
#define SONDE_TOOLS_CGSYSCOUNT_CGROUP_DEPTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How deep a path relative to the cgroup2 mount is: "/" 0, "/a" 1, "/a/b" 2. */
unsigned cgroup_path_depth(const char *path);
/* The ancestor of `path` at `depth` ("/system.slice" for
 * "/system.slice/foo.service" at depth 1, "/" at depth 0); path itself when
 * it is not deeper. Returns the length, or 0 when buf is too small. */
size_t cgroup_path_at_depth(const char *path, unsigned depth, char *buf, size_t len);

/* The cgroup a count of cgroup `id` goes to with --depth `depth`: the ID of
 * its ancestor at that depth under the mount `mnt` (as lib/cgroup.h's
 * cgroup_path_under finds it), or id itself when it is not deeper, or when
 * its path is unknown (gone before it was first seen). */
uint64_t cgroup_rollup_under(const char *mnt, uint64_t id, unsigned depth);
uint64_t cgroup_rollup(uint64_t id, unsigned depth);

/* The cgroup `id` still exists, at `path` (relative to mnt). */
bool cgroup_alive_under(const char *mnt, uint64_t id, const char *path);
bool cgroup_alive(uint64_t id, const char *path);

#endif
