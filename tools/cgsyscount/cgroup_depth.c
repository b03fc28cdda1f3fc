// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "lib/cgroup.h"
#include "tools/cgsyscount/cgroup_depth.h"

unsigned cgroup_path_depth(const char *path)
{
	unsigned depth = 0;

	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			depth++;
	return depth;
}

size_t cgroup_path_at_depth(const char *path, unsigned depth, char *buf, size_t len)
{
	size_t n = 0;
	unsigned seen = 0;

	/* The prefix up to (not including) the depth+1-th component's slash. */
	for (; path[n]; n++)
		if (path[n] == '/' && path[n + 1] && path[n + 1] != '/' && seen++ == depth)
			break;
	if (n == 0)
		n = 1; /* the root: "/" */
	if (n >= len)
		return 0;
	memcpy(buf, path, n);
	buf[n] = '\0';
	return n;
}

uint64_t cgroup_rollup_under(const char *mnt, uint64_t id, unsigned depth)
{
	const char *path = cgroup_path_under(mnt, id);
	char rel[PATH_MAX], abs_path[PATH_MAX];
	uint64_t up;

	if (!path || cgroup_path_depth(path) <= depth ||
	    !cgroup_path_at_depth(path, depth, rel, sizeof(rel)))
		return id;
	if ((size_t)snprintf(abs_path, sizeof(abs_path), "%s%s", mnt, rel) >= sizeof(abs_path) ||
	    cgroup_id_of(abs_path, &up))
		return id;
	return up;
}

uint64_t cgroup_rollup(uint64_t id, unsigned depth)
{
	const char *mnt = cgroup2_mount();

	return mnt ? cgroup_rollup_under(mnt, id, depth) : id;
}

bool cgroup_alive_under(const char *mnt, uint64_t id, const char *path)
{
	char abs_path[PATH_MAX];
	uint64_t now;

	if (!path)
		return false;
	if ((size_t)snprintf(abs_path, sizeof(abs_path), "%s%s", mnt, path) >= sizeof(abs_path))
		return false;
	return !cgroup_id_of(abs_path, &now) && now == id;
}

bool cgroup_alive(uint64_t id, const char *path)
{
	const char *mnt = cgroup2_mount();

	return mnt && cgroup_alive_under(mnt, id, path);
}
