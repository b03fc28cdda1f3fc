// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/cgroup.h: finding cgroup2, and resolving what -c names (a path, an ID,
 * a container ID) to one cgroup. The tree is faked with plain directories
 * under a temporary directory: cgroup IDs are inode numbers on cgroup2, and
 * lib/ reads them with stat(), so directory inodes stand in for them. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "lib/cgroup.h"
#include "tools/cgsyscount/cgroup_depth.h"

/* ---- cgroup2_mount_parse ---- */

static int parse_text(const char *text, char *buf, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err;

	assert_non_null(f);
	err = cgroup2_mount_parse(f, buf, len);
	fclose(f);
	return err;
}

static void mount_hybrid(void **state)
{
	const char text[] =
	    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	    "31 23 0:28 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n"
	    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	    "33 31 0:30 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
	    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
	    "42 22 0:39 / /proc rw - proc proc rw\n";
	char buf[PATH_MAX];

	(void)state;
	assert_int_equal(parse_text(text, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/cgroup/unified");
}

static void mount_pure_v2(void **state)
{
	const char text[] =
	    "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
	    "29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 "
	    "rw,nsdelegate,memory_recursiveprot\n";
	char buf[PATH_MAX];

	(void)state;
	assert_int_equal(parse_text(text, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/cgroup");
}

static void mount_optional_fields(void **state)
{
	/* Any number of optional fields come before the " - " separator. */
	const char text[] = "29 23 0:26 / /sys/fs/cgroup rw,nosuid shared:1 master:2 "
			    "propagate_from:3 - cgroup2 cgroup2 rw,nsdelegate\n";
	char buf[PATH_MAX];

	(void)state;
	assert_int_equal(parse_text(text, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/cgroup");
}

static void mount_escaped_space(void **state)
{
	const char text[] = "50 22 0:40 / /mnt/my\\040cgroups\\011v2 rw - cgroup2 none rw\n";
	char buf[PATH_MAX];

	(void)state;
	assert_int_equal(parse_text(text, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/mnt/my cgroups\tv2");
}

static void mount_none(void **state)
{
	const char text[] = "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
			    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
			    /* Named cgroup2 but a tmpfs: the type is what counts. */
			    "33 22 0:30 / /run/cgroup2 rw - tmpfs cgroup2 rw\n"
			    "34 22 0:31 / /mnt/x rw\n";
	char buf[PATH_MAX] = "untouched";

	(void)state;
	assert_int_equal(parse_text(text, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(parse_text("", buf, sizeof(buf)), -ENOENT);
}

static void mount_skips_subtree_bind(void **state)
{
	/* A bind mount of a sub-cgroup is not the hierarchy's root. */
	const char sub_only[] = "60 22 0:26 /kubepods /host/cgroup rw - cgroup2 cgroup2 rw\n";
	const char sub_then_root[] = "60 22 0:26 /kubepods /host/cgroup rw - cgroup2 cgroup2 rw\n"
				     "61 22 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
	char buf[PATH_MAX];

	(void)state;
	assert_int_equal(parse_text(sub_only, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(parse_text(sub_then_root, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/sys/fs/cgroup");
}

/* ---- a fake cgroup tree ---- */

#define ID_DOCKER "559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd"
#define ID_CRI "df7e70e5021544f4834bbee64a9e3789febc4be81470df629cad6ddb03320a5c"
#define ID_PODMAN "6b23c0d5f35d1b11f9b683f0b0a617355deb11277d91ae091d399c655b87940d"
#define ID_BARE "3f39d5c348e5b79d06e842c114e6cc571583bbf44e4b0ebfda1a01ec05745d43"
#define ID_CRIO "a9f51566bd6705f7ea6ad54bb9deb449f795582d6529a0e22207b8981233ec58"
/* Two containers whose IDs differ only in the last digit. */
#define ID_TWIN1 "f67ab10ad4e4c53121b6a5fe4da9c10ddee905b978d3788d2723d7bfacbe28a9"
#define ID_TWIN2 "f67ab10ad4e4c53121b6a5fe4da9c10ddee905b978d3788d2723d7bfacbe28a0"

static const char *const tree_dirs[] = {
	"system.slice/nginx.service",
	"system.slice/docker-" ID_DOCKER ".scope",
	"kubepods/pod1/cri-containerd-" ID_CRI ".scope",
	"machine.slice/libpod-" ID_PODMAN ".scope/container",
	/* conmon's cgroup carries the same ID but is not the container. */
	"machine.slice/libpod-conmon-" ID_PODMAN ".scope",
	ID_BARE,
	"kubepods.slice/kubepods-pod2.slice/crio-" ID_CRIO ".scope",
	"user.slice/docker-" ID_TWIN1 ".scope",
	"user.slice/docker-" ID_TWIN2 ".scope",
	"a/b",
};

struct tree {
	char mnt[256];
};

/* mkdir -p of a path relative to the tree; 0 or -1. */
static int mkdir_p(const struct tree *t, const char *rel)
{
	char path[PATH_MAX];
	size_t m = strlen(t->mnt);

	snprintf(path, sizeof(path), "%s/%s", t->mnt, rel);
	for (char *p = path + m + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0755);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char tmpl[] = "/tmp/sonde-test-cgroup-XXXXXX", path[PATH_MAX];
	FILE *f;

	if (!t || !mkdtemp(tmpl))
		return -1;
	*state = t;
	/* lib/ answers with resolved paths: make the mount one already. */
	snprintf(t->mnt, sizeof(t->mnt), "%s", tmpl);
	if (!realpath(tmpl, path) || strlen(path) >= sizeof(t->mnt))
		return -1;
	strcpy(t->mnt, path);
	for (size_t i = 0; i < sizeof(tree_dirs) / sizeof(tree_dirs[0]); i++)
		if (mkdir_p(t, tree_dirs[i]))
			return -1;
	/* A real mount holds files too, and a symlink may point anywhere. */
	snprintf(path, sizeof(path), "%s/cgroup.procs", t->mnt);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fclose(f);
	snprintf(path, sizeof(path), "%s/escape", t->mnt);
	return symlink("/etc", path);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	char sibling[PATH_MAX];
	int err = nftw(t->mnt, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

	snprintf(sibling, sizeof(sibling), "%s-sibling", t->mnt);
	rmdir(sibling); /* made by resolve_stays_under_mount */
	free(t);
	return err;
}

static uint64_t ino_of(const struct tree *t, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s%s", t->mnt, *rel ? "/" : "", rel);
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

/* -c `arg` names the directory `rel` of the tree. */
static void assert_resolves(const struct tree *t, const char *arg, const char *rel)
{
	char path[PATH_MAX], want[PATH_MAX];
	uint64_t id = 0;
	int err = cgroup_resolve(t->mnt, arg, path, sizeof(path), &id);

	if (err)
		fail_msg("'%s' does not resolve: %d", arg, err);
	snprintf(want, sizeof(want), "%s%s%s", t->mnt, *rel ? "/" : "", rel);
	assert_string_equal(path, want);
	assert_int_equal(id, ino_of(t, rel));
}

static void assert_refused(const struct tree *t, const char *arg, int want)
{
	char path[PATH_MAX];
	uint64_t id;
	int err = cgroup_resolve(t->mnt, arg, path, sizeof(path), &id);

	if (err != want)
		fail_msg("'%s' gave %d, want %d", arg, err, want);
}

/* ---- cgroup_resolve ---- */

static void resolve_paths(void **state)
{
	struct tree *t = *state;
	char abs_path[PATH_MAX + 32];

	snprintf(abs_path, sizeof(abs_path), "%s/system.slice/nginx.service", t->mnt);
	assert_resolves(t, abs_path, "system.slice/nginx.service");
	assert_resolves(t, "system.slice/nginx.service", "system.slice/nginx.service");
	/* Looks absolute, means "under the mount": how systemd spells cgroups. */
	assert_resolves(t, "/system.slice/nginx.service", "system.slice/nginx.service");
	assert_resolves(t, "system.slice/", "system.slice");
	assert_resolves(t, "/", "");
	assert_resolves(t, t->mnt, "");
}

static void resolve_numeric_id(void **state)
{
	struct tree *t = *state;
	char arg[32];

	snprintf(arg, sizeof(arg), "%llu", (unsigned long long)ino_of(t, "kubepods/pod1"));
	assert_resolves(t, arg, "kubepods/pod1");
	snprintf(arg, sizeof(arg), "%llu", (unsigned long long)ino_of(t, "a/b"));
	assert_resolves(t, arg, "a/b");
	snprintf(arg, sizeof(arg), "%llu", (unsigned long long)ino_of(t, ""));
	assert_resolves(t, arg, "");
}

static void resolve_container_ids(void **state)
{
	static const struct {
		const char *id, *rel;
	} containers[] = {
		{ ID_DOCKER, "system.slice/docker-" ID_DOCKER ".scope" },
		{ ID_CRI, "kubepods/pod1/cri-containerd-" ID_CRI ".scope" },
		{ ID_PODMAN, "machine.slice/libpod-" ID_PODMAN ".scope" },
		{ ID_BARE, ID_BARE },
		{ ID_CRIO, "kubepods.slice/kubepods-pod2.slice/crio-" ID_CRIO ".scope" },
	};
	struct tree *t = *state;
	char prefix[16];

	for (size_t i = 0; i < sizeof(containers) / sizeof(containers[0]); i++) {
		/* What `docker ps` shows, and what `docker inspect` shows. */
		snprintf(prefix, sizeof(prefix), "%.12s", containers[i].id);
		assert_resolves(t, prefix, containers[i].rel);
		assert_resolves(t, containers[i].id, containers[i].rel);
		/* Too short to be told from an ordinary name. */
		prefix[11] = '\0';
		assert_refused(t, prefix, -ENOENT);
	}
}

static void resolve_ambiguous_prefix(void **state)
{
	struct tree *t = *state;

	assert_refused(t, "f67ab10ad4e4", -EINVAL);
	/* 63 digits still match both; the full ID is one of them. */
	assert_refused(t, "f67ab10ad4e4c53121b6a5fe4da9c10ddee905b978d3788d2723d7bfacbe28a",
		       -EINVAL);
	assert_resolves(t, ID_TWIN1, "user.slice/docker-" ID_TWIN1 ".scope");
	assert_resolves(t, ID_TWIN2, "user.slice/docker-" ID_TWIN2 ".scope");
}

static void resolve_refuses_unknown(void **state)
{
	struct tree *t = *state;

	assert_refused(t, "", -ENOENT);
	assert_refused(t, "nope.service", -ENOENT);
	assert_refused(t, "system.slice/nope.service", -ENOENT);
	assert_refused(t, "0123456789ab", -ENOENT);
	assert_refused(t, "559AEAD08264", -ENOENT);
	/* An inode number that is no directory of the tree. */
	assert_refused(t, "2", -ENOENT);
}

static void resolve_stays_under_mount(void **state)
{
	struct tree *t = *state;
	char sibling[PATH_MAX], arg[PATH_MAX];

	assert_refused(t, "../../etc", -ENOENT);
	assert_refused(t, "/../../etc", -ENOENT);
	assert_refused(t, "system.slice/../../..", -ENOENT);
	/* "/etc" is taken as <mount>/etc, which does not exist. */
	assert_refused(t, "/etc", -ENOENT);
	assert_refused(t, "escape", -ENOENT);
	/* A neighbour whose name starts with the mount's is still outside it. */
	snprintf(sibling, sizeof(sibling), "%s-sibling", t->mnt);
	assert_int_equal(mkdir(sibling, 0755), 0);
	snprintf(arg, sizeof(arg), "../%s-sibling", strrchr(t->mnt, '/') + 1);
	assert_refused(t, arg, -ENOENT);
	assert_refused(t, sibling, -ENOENT);
}

static void resolve_refuses_files(void **state)
{
	struct tree *t = *state;

	/* Every cgroup directory holds files such as cgroup.procs: not cgroups. */
	assert_refused(t, "cgroup.procs", -ENOENT);
}

/* ---- cgroup_container_id ---- */

static void assert_container_id(const char *name, const char *want)
{
	size_t n = 0;
	const char *id = cgroup_container_id(name, &n);

	if (!want) {
		if (id)
			fail_msg("'%s' is not a container, got '%.*s'", name, (int)n, id);
		return;
	}
	assert_non_null(id);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(id, want, n);
}

static void container_id_from_names(void **state)
{
	(void)state;
	assert_container_id("docker-" ID_DOCKER ".scope", ID_DOCKER);
	assert_container_id("cri-containerd-" ID_CRI ".scope", ID_CRI);
	assert_container_id("crio-" ID_CRIO ".scope", ID_CRIO);
	assert_container_id("libpod-" ID_PODMAN ".scope", ID_PODMAN);
	assert_container_id(ID_BARE, ID_BARE);
	/* cgroupfs driver: /docker/<id>. */
	assert_container_id("docker-" ID_DOCKER, ID_DOCKER);
	assert_container_id("libpod-conmon-" ID_PODMAN ".scope", NULL);
	assert_container_id("crio-conmon-" ID_CRIO ".scope", NULL);
	assert_container_id("system.slice", NULL);
	assert_container_id("docker.service", NULL);
	assert_container_id("docker-0123456789a.scope", NULL);
	assert_container_id(
	    "docker-559AEAD08264D5795D3909718CDD05ABD49572E84FE55590EEF31A88A08FDFFD"
	    ".scope",
	    NULL);
	assert_container_id("", NULL);
}

/* ---- cgroup_path_under ---- */

static void path_of_id(void **state)
{
	struct tree *t = *state;
	const char *p;

	/* Not cgroup2: the kernel cannot open these by ID, so the tree walk is used. */
	p = cgroup_path_under(t->mnt, ino_of(t, "a/b"));
	assert_non_null(p);
	assert_string_equal(p, "/a/b");
	p = cgroup_path_under(t->mnt, ino_of(t, ""));
	assert_non_null(p);
	assert_string_equal(p, "/");
	p = cgroup_path_under(t->mnt, ino_of(t, "kubepods/pod1"));
	assert_non_null(p);
	assert_string_equal(p, "/kubepods/pod1");
	/* Asking again is answered the same (from the cache). */
	assert_string_equal(cgroup_path_under(t->mnt, ino_of(t, "a/b")), "/a/b");
}

static void path_of_unknown_id(void **state)
{
	struct tree *t = *state;

	assert_null(cgroup_path_under(t->mnt, 2));
	assert_null(cgroup_path_under(t->mnt, (1ULL << 62) + 12345));
	/* Still known afterwards. */
	assert_string_equal(cgroup_path_under(t->mnt, ino_of(t, "a")), "/a");
}

static void path_of_new_cgroup(void **state)
{
	struct tree *t = *state;
	const char *p;

	assert_string_equal(cgroup_path_under(t->mnt, ino_of(t, "a/b")), "/a/b");
	/* A container started after the first lookup. */
	assert_int_equal(mkdir_p(t, "a/new"), 0);
	p = cgroup_path_under(t->mnt, ino_of(t, "a/new"));
	assert_non_null(p);
	assert_string_equal(p, "/a/new");
}

/* A cgroup made at `rel`, its path looked up, then removed; its ID. */
static uint64_t seen_then_removed(const struct tree *t, const char *rel)
{
	char path[PATH_MAX];
	uint64_t id;

	assert_int_equal(mkdir_p(t, rel), 0);
	id = ino_of(t, rel);
	snprintf(path, sizeof(path), "/%s", rel);
	assert_string_equal(cgroup_path_under(t->mnt, id), path);
	assert_true(cgroup_alive_under(t->mnt, id, path));
	snprintf(path, sizeof(path), "%s/%s", t->mnt, rel);
	assert_int_equal(rmdir(path), 0);
	return id;
}

static void path_kept_after_removal(void **state)
{
	struct tree *t = *state;
	uint64_t id = seen_then_removed(t, "a/short-lived");

	/* Known once, so still named; but no longer there. */
	assert_string_equal(cgroup_path_under(t->mnt, id), "/a/short-lived");
	assert_false(cgroup_alive_under(t->mnt, id, "/a/short-lived"));
	assert_false(cgroup_alive_under(t->mnt, id, NULL));
	/* Another directory at the same path is another cgroup. */
	assert_int_equal(mkdir_p(t, "a/short-lived"), 0);
	if (ino_of(t, "a/short-lived") != id)
		assert_false(cgroup_alive_under(t->mnt, id, "/a/short-lived"));
}

/* ---- cgroup_depth.h ---- */

static void path_depths(void **state)
{
	(void)state;
	assert_int_equal(cgroup_path_depth("/"), 0);
	assert_int_equal(cgroup_path_depth("/a"), 1);
	assert_int_equal(cgroup_path_depth("/a/b"), 2);
	assert_int_equal(cgroup_path_depth("/system.slice/docker-x.scope/init"), 3);
}

static void assert_at_depth(const char *path, unsigned depth, const char *want)
{
	char buf[PATH_MAX];

	assert_int_equal(cgroup_path_at_depth(path, depth, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

static void path_ancestors(void **state)
{
	char small[4];

	(void)state;
	assert_at_depth("/system.slice/nginx.service", 0, "/");
	assert_at_depth("/system.slice/nginx.service", 1, "/system.slice");
	assert_at_depth("/system.slice/nginx.service", 2, "/system.slice/nginx.service");
	assert_at_depth("/system.slice/nginx.service", 5, "/system.slice/nginx.service");
	assert_at_depth("/", 1, "/");
	assert_int_equal(cgroup_path_at_depth("/system.slice", 1, small, sizeof(small)), 0);
}

static void rollup_to_ancestor(void **state)
{
	struct tree *t = *state;
	uint64_t pod = ino_of(t, "kubepods/pod1"),
		 ctr = ino_of(t, "kubepods/pod1/cri-containerd-" ID_CRI ".scope");

	assert_int_equal(cgroup_rollup_under(t->mnt, ctr, 1), ino_of(t, "kubepods"));
	assert_int_equal(cgroup_rollup_under(t->mnt, ctr, 2), pod);
	assert_int_equal(cgroup_rollup_under(t->mnt, pod, 2), pod);
	assert_int_equal(cgroup_rollup_under(t->mnt, ctr, 3), ctr);
	assert_int_equal(cgroup_rollup_under(t->mnt, ctr, 0), ino_of(t, ""));
	/* The root, and a cgroup never seen (gone before its path was known). */
	assert_int_equal(cgroup_rollup_under(t->mnt, ino_of(t, ""), 1), ino_of(t, ""));
	assert_int_equal(cgroup_rollup_under(t->mnt, (1ULL << 62) + 7, 1), (1ULL << 62) + 7);
}

static void rollup_of_removed_child(void **state)
{
	struct tree *t = *state;
	uint64_t id = seen_then_removed(t, "a/b/job");

	/* Its calls still go to the parent that is still there. */
	assert_int_equal(cgroup_rollup_under(t->mnt, id, 2), ino_of(t, "a/b"));
}

/* ---- cgroup_container_of, cgroup_display_name ---- */

static void assert_container(const char *path, const char *runtime, const char *id,
			     const char *rest)
{
	struct cgroup_container c;

	if (!runtime) {
		if (cgroup_container_of(path, &c))
			fail_msg("'%s' is no container, got %s:%.12s", path, c.runtime, c.id);
		return;
	}
	if (!cgroup_container_of(path, &c))
		fail_msg("'%s' is %s's container %s, found none", path, runtime, id);
	assert_string_equal(c.runtime, runtime);
	assert_int_equal(strncmp(c.id, id, CGROUP_CONTAINER_ID_LEN), 0);
	assert_string_equal(c.rest, rest);
}

/* The paths as the runtimes make them (docker and podman with systemd or
 * cgroupfs, containerd and cri-o under the kubelet's systemd driver,
 * kubepods with the cgroupfs driver). */
static void containers_of_real_paths(void **state)
{
	(void)state;
	assert_container("/system.slice/docker-" ID_DOCKER ".scope", "docker", ID_DOCKER, "");
	assert_container("/docker/" ID_DOCKER, "docker", ID_DOCKER, "");
	assert_container("/machine.slice/libpod-" ID_PODMAN ".scope", "podman", ID_PODMAN, "");
	assert_container("/machine.slice/libpod-" ID_PODMAN ".scope/container", "podman", ID_PODMAN,
			 "/container");
	assert_container(
	    "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID_PODMAN ".scope",
	    "podman", ID_PODMAN, "");
	assert_container("/libpod_parent/libpod-" ID_PODMAN, "podman", ID_PODMAN, "");
	assert_container("/libpod_parent/" ID_PODMAN, "podman", ID_PODMAN, "");
	assert_container("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-"
			 "pod0d8e4c5f_1a2b_4c3d_9e8f_001122334455.slice/cri-containerd-" ID_CRI
			 ".scope",
			 "containerd", ID_CRI, "");
	assert_container("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-"
			 "pod0d8e4c5f_1a2b_4c3d_9e8f_001122334455.slice/crio-" ID_CRIO ".scope",
			 "crio", ID_CRIO, "");
	assert_container("/kubepods/burstable/pod0d8e4c5f-1a2b-4c3d-9e8f-001122334455/" ID_BARE,
			 "container", ID_BARE, "");
	assert_container("/system.slice/containerd.service/k8s.io/" ID_CRI, "container", ID_CRI,
			 "");
	/* A container's own cgroups (systemd in it) are the container's. */
	assert_container("/system.slice/docker-" ID_DOCKER ".scope/init.scope", "docker", ID_DOCKER,
			 "/init.scope");
	/* Not containers: conmon, the runtimes' services, short or long hex. */
	assert_container("/machine.slice/libpod-conmon-" ID_PODMAN ".scope", NULL, NULL, NULL);
	assert_container("/system.slice/crio-conmon-" ID_CRIO ".scope", NULL, NULL, NULL);
	assert_container("/system.slice/docker.service", NULL, NULL, NULL);
	assert_container("/system.slice/docker-0123456789ab.scope", NULL, NULL, NULL);
	assert_container("/deadbeefcafe", NULL, NULL, NULL);
	assert_container("/docker/" ID_DOCKER "0", NULL, NULL, NULL);
	assert_container("/docker/"
			 "559AEAD08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd",
			 NULL, NULL, NULL);
	assert_container("/", NULL, NULL, NULL);
	assert_container("", NULL, NULL, NULL);
}

static void display_names(void **state)
{
	char buf[PATH_MAX];

	(void)state;
	assert_string_equal(
	    cgroup_display_name("/system.slice/docker-" ID_DOCKER ".scope", buf, sizeof(buf)),
	    "docker:559aead08264");
	assert_string_equal(
	    cgroup_display_name("/kubepods/pod1/cri-containerd-" ID_CRI ".scope", buf, sizeof(buf)),
	    "containerd:df7e70e50215");
	assert_string_equal(cgroup_display_name("/machine.slice/libpod-" ID_PODMAN
						".scope/container",
						buf, sizeof(buf)),
			    "podman:6b23c0d5f35d/container");
	assert_string_equal(cgroup_display_name("/system.slice/nginx.service", buf, sizeof(buf)),
			    "/system.slice/nginx.service");
	assert_string_equal(cgroup_display_name("/", buf, sizeof(buf)), "/");
}

int main(void)
{
#define TREE_TEST(f) cmocka_unit_test_setup_teardown(f, tree_setup, tree_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mount_hybrid),
		cmocka_unit_test(mount_pure_v2),
		cmocka_unit_test(mount_optional_fields),
		cmocka_unit_test(mount_escaped_space),
		cmocka_unit_test(mount_none),
		cmocka_unit_test(mount_skips_subtree_bind),
		TREE_TEST(resolve_paths),
		TREE_TEST(resolve_numeric_id),
		TREE_TEST(resolve_container_ids),
		TREE_TEST(resolve_ambiguous_prefix),
		TREE_TEST(resolve_refuses_unknown),
		TREE_TEST(resolve_stays_under_mount),
		TREE_TEST(resolve_refuses_files),
		cmocka_unit_test(container_id_from_names),
		TREE_TEST(path_of_id),
		TREE_TEST(path_of_unknown_id),
		TREE_TEST(path_of_new_cgroup),
		TREE_TEST(path_kept_after_removal),
		cmocka_unit_test(path_depths),
		cmocka_unit_test(path_ancestors),
		TREE_TEST(rollup_to_ancestor),
		TREE_TEST(rollup_of_removed_child),
		cmocka_unit_test(display_names),
		cmocka_unit_test(containers_of_real_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
