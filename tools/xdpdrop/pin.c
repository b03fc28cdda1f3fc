// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/log.h"
#include "tools/xdpdrop/pin.h"

/* Walks retried when a directory went away under us (a --detach removing
 * the last pins of a network namespace), or was replaced while we waited
 * for its lock. */
#define PIN_TRIES 16

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void xdp_pin_close(struct xdp_pin *p)
{
	close_fd(&p->fd);
	close_fd(&p->ns);
	close_fd(&p->base);
	close_fd(&p->sonde);
	bpffs_close(&p->fs);
}

/* The path of the network namespace's directory, or with name (not NULL)
 * of that directory in it, for messages. */
static void pin_path(const struct xdp_pin *p, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/netns-%llu%s%s", p->fs.path, XDP_PIN_BASE,
		 (unsigned long long)p->netns, name ? "/" : "", name ? name : "");
}

/* sonde/xdpdrop under the root, checked on the way. */
static int open_base(struct xdp_pin *p, bool create)
{
	char path[PATH_MAX + 8];

	close_fd(&p->base);
	close_fd(&p->sonde);
	p->sonde = bpffs_dir(p->fs.fd, p->fs.path, "sonde", create);
	if (p->sonde < 0)
		return p->sonde;
	snprintf(path, sizeof(path), "%s/sonde", p->fs.path);
	p->base = bpffs_dir(p->sonde, path, "xdpdrop", create);
	return p->base < 0 ? p->base : 0;
}

/* The directory p->name in p->ns, locked; one removed (or replaced) while
 * we waited for its lock is opened anew. */
static int lock_dir(struct xdp_pin *p, bool create, int op)
{
	char path[PATH_MAX];

	pin_path(p, NULL, path, sizeof(path));
	pin_path(p, p->name, p->path, sizeof(p->path));
	for (int i = 0; i < PIN_TRIES; i++) {
		int fd = bpffs_dir(p->ns, path, p->name, create);

		if (fd < 0)
			return fd;
		if (flock(fd, op)) {
			int err = -errno;

			close(fd);
			return err;
		}
		if (bpffs_linked(p->ns, p->name, fd)) {
			p->fd = fd;
			return 0;
		}
		close(fd);
	}
	return -EAGAIN;
}

static int lock_op(enum xdp_pin_how how)
{
	return how == XDP_PIN_READ ? LOCK_SH : LOCK_EX;
}

/* One walk from the root down: sonde/xdpdrop, the network namespace's
 * directory, and with p->name the interface's, locked. */
static int walk(struct xdp_pin *p, enum xdp_pin_how how)
{
	char ns[32], path[PATH_MAX + 16];
	bool create = how == XDP_PIN_CREATE;
	int err = open_base(p, create);

	if (err)
		return err;
	snprintf(ns, sizeof(ns), "netns-%llu", (unsigned long long)p->netns);
	snprintf(path, sizeof(path), "%s/%s", p->fs.path, XDP_PIN_BASE);
	close_fd(&p->ns);
	p->ns = bpffs_dir(p->base, path, ns, create);
	if (p->ns < 0)
		return p->ns;
	return p->name[0] ? lock_dir(p, create, lock_op(how)) : 0;
}

void xdp_pin_init(struct xdp_pin *p)
{
	memset(p, 0, sizeof(*p));
	p->fs.fd = p->sonde = p->base = p->ns = p->fd = -1;
}

int xdp_pin_netns(uint64_t *ino)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	*ino = st.st_ino;
	return 0;
}

int xdp_pin_open(struct xdp_pin *p, int ifindex, enum xdp_pin_how how)
{
	int err;

	xdp_pin_init(p);
	if (ifindex)
		snprintf(p->name, sizeof(p->name), "ifindex-%d", ifindex);
	err = xdp_pin_netns(&p->netns);
	if (!err)
		err = bpffs_open(&p->fs, how == XDP_PIN_CREATE);
	/* Made as we go, a directory is missing only when a --detach removed
	 * it, empty, under us: the walk starts again. */
	for (int i = 0; !err && i < PIN_TRIES; i++) {
		err = walk(p, how);
		if (err != -ENOENT || how != XDP_PIN_CREATE)
			break;
	}
	pin_path(p, p->name[0] ? p->name : NULL, p->path, sizeof(p->path));
	/* bpffs_open() and bpffs_dir() said what was wrong. */
	if (!err || err == -ENOENT || err == -EPERM || err == -ENXIO || err == -EINVAL ||
	    err == -ENODEV)
		return err;
	log_err("cannot open the pins in %s: %s", p->path, strerror(-err));
	return err;
}

/* The entries of the network namespace's directory that are instances. */
static bool instance_name(const char *name)
{
	return !strncmp(name, "ifindex-", 8) && strlen(name) < sizeof(((struct xdp_pin *)0)->name);
}

int xdp_pin_each(struct xdp_pin *p, enum xdp_pin_how how, int (*fn)(struct xdp_pin *, void *),
		 void *ctx)
{
	int err = xdp_pin_open(p, 0, how), fd;
	struct dirent *e;
	DIR *d;

	if (err)
		return err == -ENOENT ? 0 : err;
	fd = dup(p->ns);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		err = -errno;
		if (fd >= 0)
			close(fd);
		return err;
	}
	while (!err && (e = readdir(d))) {
		if (!instance_name(e->d_name))
			continue;
		snprintf(p->name, sizeof(p->name), "%s", e->d_name);
		err = lock_dir(p, false, lock_op(how));
		if (!err)
			err = fn(p, ctx);
		else if (err == -ENOENT)
			err = 0; /* removed meanwhile */
		if (err != 1)
			close_fd(&p->fd);
	}
	closedir(d);
	return err;
}

int xdp_pin_put(const struct xdp_pin *p, const char *name, int obj)
{
	return bpffs_pin(p->fd, name, obj);
}

int xdp_pin_get(const struct xdp_pin *p, const char *name)
{
	return bpffs_get(p->fd, name);
}

int xdp_pin_clear(const struct xdp_pin *p, const char *const *names)
{
	for (; *names; names++)
		if (unlinkat(p->fd, *names, 0) && errno != ENOENT)
			return -errno;
	return 0;
}

/* Removes the directory name in at if it is empty: 0 when it did. */
static int rmdir_empty(int at, const char *name)
{
	return unlinkat(at, name, AT_REMOVEDIR) ? -errno : 0;
}

int xdp_pin_remove(struct xdp_pin *p, const char *const *names)
{
	char ns[32];
	int err = xdp_pin_clear(p, names);

	/* Still locked: whoever waits for the lock finds it gone, and walks
	 * again. */
	if (!err && unlinkat(p->ns, p->name, AT_REMOVEDIR) && errno != ENOENT)
		err = -errno;
	snprintf(ns, sizeof(ns), "netns-%llu", (unsigned long long)p->netns);
	if (!err && !rmdir_empty(p->base, ns) && !rmdir_empty(p->sonde, "xdpdrop"))
		rmdir_empty(p->fs.fd, "sonde");
	return err;
}

bool xdp_pin_old(const struct xdp_pin *p, const char *iface, char *buf, size_t len)
{
	struct stat st;

	if (p->base < 0 || fstatat(p->base, iface, &st, AT_SYMLINK_NOFOLLOW))
		return false;
	snprintf(buf, len, "%s/%s/%s", p->fs.path, XDP_PIN_BASE, iface);
	return true;
}
