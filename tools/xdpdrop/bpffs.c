// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "tools/xdpdrop/bpffs.h"
#include "lib/log.h"

#define BPF_FS_MAGIC 0xcafe4a11

int bpffs_ensure(void)
{
	struct statfs st;

	if (!statfs(SONDE_BPFFS, &st) && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", SONDE_BPFFS, "bpf", 0, "mode=0700")) {
		int err = -errno;

		log_err("cannot mount the BPF file system at %s: %s", SONDE_BPFFS, strerror(-err));
		return err;
	}
	log_debug("mounted bpffs at %s", SONDE_BPFFS);
	return 0;
}

int bpffs_mkdirs(const char *path)
{
	char p[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(p) || strncmp(path, SONDE_BPFFS "/", sizeof(SONDE_BPFFS)))
		return -EINVAL;
	memcpy(p, path, n + 1);
	for (char *s = p + sizeof(SONDE_BPFFS);; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0700) && errno != EEXIST)
			return -errno;
		*s = c;
		if (!c)
			return 0;
	}
}

int bpffs_remove(const char *dir, const char *const *names, const char *stop)
{
	char p[PATH_MAX];
	size_t n;

	for (; *names; names++) {
		snprintf(p, sizeof(p), "%s/%s", dir, *names);
		if (unlink(p) && errno != ENOENT)
			return -errno;
	}
	n = strlen(dir);
	if (n >= sizeof(p))
		return -ENAMETOOLONG;
	memcpy(p, dir, n + 1);
	while (strcmp(p, stop) && strlen(p) > strlen(stop)) {
		char *slash;

		if (rmdir(p) && errno != ENOENT)
			return errno == ENOTEMPTY || errno == EEXIST ? 0 : -errno;
		slash = strrchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	return 0;
}
