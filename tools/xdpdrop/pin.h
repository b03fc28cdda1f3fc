/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Where a pinned xdpdrop lives, and its lock:
 *
 *	<pin root>/sonde/xdpdrop/netns-<inode>/ifindex-<index>/
 *
 * keyed by the network namespace (the inode of its nsfs file, as
 * /proc/self/ns/net shows it) and the index of the interface in it: names
 * repeat across namespaces, and change. The name at attach is kept in the
 * instance's "info" map, for display and to find the pins of an interface
 * that has gone. The directory holds the maps, "link" and "prog", and is
 * locked (flock) by each action for as long as it runs: exclusively to
 * attach and pin, change rules or detach, shared to read. The pin root and
 * the checks of every directory are tools/xdpdrop/bpffs.h's.
 *
 * Earlier versions pinned under <pin root>/sonde/xdpdrop/<IFACE>/, by name
 * alone; such a directory is recognised (xdp_pin_old) and left alone. */
#ifndef SONDE_TOOLS_XDPDROP_PIN_H
#define SONDE_TOOLS_XDPDROP_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tools/xdpdrop/bpffs.h"

#define XDP_PIN_BASE "sonde/xdpdrop"

enum xdp_pin_how {
	XDP_PIN_READ,	/* an existing directory, shared lock */
	XDP_PIN_CHANGE, /* an existing directory, exclusive lock */
	XDP_PIN_CREATE, /* made if absent (bpffs mounted if need be), exclusive */
};

struct xdp_pin {
	struct bpffs fs;
	int sonde;	     /* sonde, -1 until opened */
	int base;	     /* sonde/xdpdrop */
	int ns;		     /* netns-<inode> */
	int fd;		     /* ifindex-<index>, locked */
	uint64_t netns;	     /* the inode of our network namespace */
	char name[32];	     /* "ifindex-<index>" */
	char path[PATH_MAX]; /* the directory, for messages */
};

/* A closed xdp_pin (xdp_pin_close does nothing to it). */
void xdp_pin_init(struct xdp_pin *p);
/* The inode of our network namespace (its key in the layout). */
int xdp_pin_netns(uint64_t *ino);
/* The pin directory of the interface ifindex of our network namespace,
 * locked. 0; -ENOENT, quietly, when there is none (the base stays open for
 * xdp_pin_old); or -errno after one line. Close it in any case. */
int xdp_pin_open(struct xdp_pin *p, int ifindex, enum xdp_pin_how how);
/* Each pin directory of our network namespace in turn, locked, for fn:
 * which returns 1 to keep it open in p (and stop), 0 to go on, or -errno.
 * 1 when fn kept one, 0 when none, or -errno. */
int xdp_pin_each(struct xdp_pin *p, enum xdp_pin_how how, int (*fn)(struct xdp_pin *, void *),
		 void *ctx);
/* Pins the BPF object obj as name in the directory; 0 or -errno. */
int xdp_pin_put(const struct xdp_pin *p, const char *name, int obj);
/* The object pinned as name: its fd, or -errno. */
int xdp_pin_get(const struct xdp_pin *p, const char *name);
/* Unlinks the names (NULL-terminated; absent ones are fine). 0 or -errno. */
int xdp_pin_clear(const struct xdp_pin *p, const char *const *names);
/* xdp_pin_clear, then removes the directory, and those above it up to the
 * pin root while they are empty. 0 or -errno. */
int xdp_pin_remove(struct xdp_pin *p, const char *const *names);
/* The directory of an earlier version's layout for iface exists; its path
 * goes to buf. */
bool xdp_pin_old(const struct xdp_pin *p, const char *iface, char *buf, size_t len);
void xdp_pin_close(struct xdp_pin *p);

#endif
