/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* cgroup v2: where it is mounted, what -c names, and the path of an ID. */
#ifndef SONDE_LIB_CGROUP_H
#define SONDE_LIB_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The cgroup2 mount point from a mountinfo stream; 0 or -ENOENT. */
int cgroup2_mount_parse(FILE *mountinfo, char *buf, size_t len);
/* The cgroup2 mount of this process (from /proc/self/mountinfo, cached);
 * NULL when cgroup v2 is not mounted. */
const char *cgroup2_mount(void);

/* Resolves what -c names under the cgroup2 mount `mnt`: an absolute path,
 * a path relative to the mount, a numeric cgroup ID, or a container ID (at
 * least 12 hex digits, matched against directory names such as
 * docker-<id>.scope, cri-containerd-<id>.scope, crio-<id>.scope,
 * libpod-<id>.scope or <id>). Writes the absolute path and the cgroup ID.
 * Returns 0, -ENOENT (nothing found) or -EINVAL (ambiguous container ID). */
int cgroup_resolve(const char *mnt, const char *arg, char *path, size_t len, uint64_t *id);
/* The cgroup ID of a cgroup directory (its inode number on cgroup2). */
int cgroup_id_of(const char *path, uint64_t *id);
/* The container ID a cgroup directory name carries, or NULL; *n is its length. */
const char *cgroup_container_id(const char *name, size_t *n);

/* Digits of a container ID: the whole one, and the short one people see. */
#define CGROUP_CONTAINER_ID_LEN 64
#define CGROUP_CONTAINER_SHORT 12

/* The container a cgroup path (relative to the mount) belongs to: the
 * deepest component that names one, with the whole ID: docker-ID.scope,
 * cri-containerd-ID.scope, crio-ID.scope, libpod-ID.scope,
 * containerd-ID.scope (.scope optional) or ID itself (under docker/ or
 * libpod_parent/, or kubepods/.../pod.../ with the cgroupfs driver). */
struct cgroup_container {
	/* "docker", "containerd", "crio", "podman"; "container" for a bare ID
	 * whose directory names no runtime */
	const char *runtime;
	const char *id;	  /* in the path: CGROUP_CONTAINER_ID_LEN hex digits */
	const char *rest; /* in the path: what is below the container's cgroup ("" or "/...") */
};
bool cgroup_container_of(const char *path, struct cgroup_container *c);
/* What a person is shown for a cgroup path: "runtime:<12 hex digits>" and
 * what is below the container's cgroup when the path is a container's
 * ("podman:ecdfd736a1b2", "docker:3f2a9c1b7d4e/init.scope"), else the
 * path. Writes into buf and returns it. */
const char *cgroup_display_name(const char *path, char *buf, size_t len);

/* The path of a cgroup ID relative to the cgroup2 mount ("/" for the root),
 * cached; NULL when it no longer exists. */
const char *cgroup_path_of(uint64_t id);
/* Same, under an explicit mount (for tests); clears the cache when it changes. */
const char *cgroup_path_under(const char *mnt, uint64_t id);

#endif
