// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* -c values against a small fake cgroup tree (plain directories made in the
 * current directory, which is the build tree under CTest): whatever the string (.., symlinks, IDs,
 * hex), a resolved cgroup is a directory inside the tree, and its ID is that directory's. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/cgroup.h"
#include "tests/fuzz/fuzz.h"

static char root[4096];

static void mk(const char *rel)
{
	char p[4352];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	mkdir(p, 0700);
}

static void make_tree(void)
{
	char p[4352];

	mkdir("fuzz-cgroup-tree", 0700);
	FUZZ_CHECK(realpath("fuzz-cgroup-tree", root));
	mk("system.slice");
	mk("system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope");
	mk("kubepods.slice");
	mk("kubepods.slice/cri-containerd-0123456789abfffff.scope");
	mk("user.slice");
	snprintf(p, sizeof(p), "%s/user.slice/out", root);
	if (symlink("/", p) && errno != EEXIST)
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char path[4096], *s;
	uint64_t id = 0, want;
	size_t m;

	if (!root[0])
		make_tree();
	s = fuzz_str(data, size);
	if (!cgroup_resolve(root, s, path, sizeof(path), &id)) {
		m = strlen(root);
		FUZZ_CHECK(!strncmp(path, root, m) && (path[m] == '/' || path[m] == '\0'));
		FUZZ_CHECK(!cgroup_id_of(path, &want) && want == id);
	}
	free(s);
	return 0;
}
