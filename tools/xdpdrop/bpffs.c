// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "lib/log.h"
#include "tools/xdpdrop/bpffs.h"

#define BPF_FS_MAGIC 0xcafe4a11

/* A task of the system's mount namespace: PID 1, or where PID 1 cannot be
 * inspected (some sandboxes hide it even from root) kthreadd, PID 2, which
 * runs in the initial namespaces and shares PID 1's root. NULL: neither. */
static const char *system_task(void)
{
	char comm[16] = "";
	struct stat st;
	FILE *f;

	if (!stat("/proc/1/root/", &st))
		return "/proc/1";
	f = fopen("/proc/2/comm", "re");
	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
	}
	if (!strcmp(comm, "kthreadd\n") && !stat("/proc/2/root/", &st))
		return "/proc/2";
	return NULL;
}

/* 1: our mount namespace is not the system's; 0: it is; -1: unknown. */
static int private_mounts(const char *sys)
{
	struct stat a, b;
	char p[64];

	if (!sys)
		return -1;
	snprintf(p, sizeof(p), "%s/ns/mnt", sys);
	if (stat(p, &a) || stat("/proc/self/ns/mnt", &b))
		return -1;
	return a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

/* 1: the system sees at path the directory fd is; 0: it does not (another
 * file system, or none); -1: unknown. */
static int system_sees(const char *sys, const char *path, int fd)
{
	struct stat a, b;
	char p[PATH_MAX + 16];

	if (!sys || fstat(fd, &b))
		return -1;
	snprintf(p, sizeof(p), "%s/root%s", sys, path);
	if (stat(p, &a))
		return errno == EACCES || errno == EPERM ? -1 : 0;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The name under /run/netns of our network namespace ("NAME" if none). */
static void netns_name(char *name, size_t len)
{
	struct stat self, st;
	struct dirent *e;
	DIR *d;

	snprintf(name, len, "NAME");
	if (stat("/proc/self/ns/net", &self) || !(d = opendir("/run/netns")))
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, 0))
			continue;
		if (st.st_dev == self.st_dev && st.st_ino == self.st_ino) {
			snprintf(name, len, "%s", e->d_name);
			break;
		}
	}
	closedir(d);
}

static int refuse_private(const char *path)
{
	char name[256];

	netns_name(name, sizeof(name));
	log_err("%s is not the BPF file system the system sees (this is a private mount namespace, "
		"as ip netns exec and unshare -m make): pins there would vanish with the command; "
		"enter only the network namespace: nsenter --net=/run/netns/%s xdpdrop ...",
		path, name);
	return -ENXIO;
}

static bool is_bpffs(int fd)
{
	struct statfs st;

	return !fstatfs(fd, &st) && st.f_type == BPF_FS_MAGIC;
}

/* bpffs at /sys/fs/bpf, where it is not mounted at boot on some systems. */
static int mount_default(struct bpffs *fs)
{
	int err = 0;

	if (mount("bpf", SONDE_BPFFS, "bpf", 0, "mode=0700"))
		err = -errno;
	else
		log_debug("mounted bpffs at %s", SONDE_BPFFS);
	if (!err) {
		close(fs->fd);
		fs->fd = open(SONDE_BPFFS, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		err = fs->fd < 0 ? -errno : 0;
	}
	if (err)
		log_err("cannot mount the BPF file system at %s: %s", SONDE_BPFFS, strerror(-err));
	return err;
}

/* Others may not replace what is in the root: it is root's or ours, and
 * if others may write in it, sticky (bpffs makes its root 1777). */
static int check_root(const struct bpffs *fs)
{
	struct stat st;

	if (fstat(fs->fd, &st))
		return -errno;
	if ((st.st_uid == 0 || st.st_uid == geteuid()) &&
	    (!(st.st_mode & 0022) || (st.st_mode & S_ISVTX)))
		return 0;
	log_err("%s belongs to uid %u with mode %04o: others could replace what is pinned there; "
		"mount the BPF file system with mode=0700",
		fs->path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	return -EPERM;
}

static int root_path(struct bpffs *fs)
{
	const char *env = secure_getenv(SONDE_BPFFS_ENV);

	if (!env || !*env)
		env = SONDE_BPFFS;
	if (env[0] != '/' || strlen(env) >= sizeof(fs->path)) {
		log_err("invalid value '%s' for %s: expected an absolute path", env,
			SONDE_BPFFS_ENV);
		return -EINVAL;
	}
	snprintf(fs->path, sizeof(fs->path), "%s", env);
	return 0;
}

/* No bpffs at the root: for --pin, one is mounted at /sys/fs/bpf, unless
 * this is a private mount namespace, with which it would go away. */
static int no_bpffs(struct bpffs *fs, const char *sys, bool mount)
{
	if (private_mounts(sys) == 1)
		return refuse_private(fs->path);
	if (mount && fs->fd >= 0 && !strcmp(fs->path, SONDE_BPFFS))
		return mount_default(fs);
	log_err("no BPF file system at %s", fs->path);
	return -ENODEV;
}

int bpffs_open(struct bpffs *fs, bool mount)
{
	const char *sys = system_task();
	int err;

	fs->fd = -1;
	err = root_path(fs);
	if (err)
		return err;
	fs->fd = open(fs->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fs->fd < 0 && errno != ENOENT && errno != ENOTDIR) {
		err = -errno;
		log_err("cannot open %s: %s", fs->path, strerror(-err));
		return err;
	}
	if (fs->fd < 0 || !is_bpffs(fs->fd)) {
		err = no_bpffs(fs, sys, mount);
		if (err)
			return err;
	}
	if (system_sees(sys, fs->path, fs->fd) == 0)
		return refuse_private(fs->path);
	return check_root(fs);
}

void bpffs_close(struct bpffs *fs)
{
	if (fs->fd >= 0)
		close(fs->fd);
	fs->fd = -1;
}

static int not_ours(const char *path, const char *name, const struct stat *st)
{
	if (!S_ISDIR(st->st_mode))
		log_err("%s/%s is not a directory: not using it", path, name);
	else
		log_err(
		    "%s/%s belongs to uid %u with mode %04o: not using it (a directory of uid %u "
		    "that no one else may write in is needed; remove it)",
		    path, name, (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777),
		    (unsigned)geteuid());
	return -EPERM;
}

int bpffs_dir(int at, const char *path, const char *name, bool create)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(at, name, flags);
	struct stat st;

	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(at, name, 0700) && errno != EEXIST)
			return -errno;
		fd = openat(at, name, flags);
	}
	if (fd < 0 && errno != ELOOP && errno != ENOTDIR)
		return -errno;
	/* A symlink (ELOOP) or a file: say what it is. */
	if (fd < 0)
		return fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) ? -errno
								   : not_ours(path, name, &st);
	if (fstat(fd, &st)) {
		close(fd);
		return -errno;
	}
	if (st.st_uid == geteuid() && !(st.st_mode & 0022))
		return fd;
	close(fd);
	return not_ours(path, name, &st);
}

bool bpffs_linked(int parent, const char *name, int at)
{
	struct stat a, b;

	return !fstatat(parent, name, &a, AT_SYMLINK_NOFOLLOW) && !fstat(at, &b) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int bpffs_pin(int at, const char *name, int obj)
{
	char p[64 + NAME_MAX];

	snprintf(p, sizeof(p), "/proc/self/fd/%d/%s", at, name);
	return bpf_obj_pin(obj, p) ? -errno : 0;
}

int bpffs_get(int at, const char *name)
{
	char p[64 + NAME_MAX];
	int fd;

	snprintf(p, sizeof(p), "/proc/self/fd/%d/%s", at, name);
	fd = bpf_obj_get(p);
	return fd < 0 ? -errno : fd;
}
