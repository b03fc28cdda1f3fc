/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Attaching XDP programs: the interface, what it already runs, and a BPF
 * link in native or generic (skb) mode, so that the program goes away with
 * the process (or with its pinned link). */
#ifndef SONDE_TOOLS_XDPDROP_LINK_H
#define SONDE_TOOLS_XDPDROP_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum xdp_mode {
	XDP_MODE_AUTO,	 /* native, else skb with a note */
	XDP_MODE_NATIVE, /* the driver's hook only */
	XDP_MODE_SKB,	 /* generic XDP */
};

/* -i: an interface name (IFNAMSIZ, no '/', not "." or ".."): 0 or -EINVAL
 * after one line naming opt. It need not exist. */
int xdp_iface_parse(const char *opt, const char *arg);
/* -m: "native" or "skb". */
int xdp_mode_parse(const char *opt, const char *arg, enum xdp_mode *mode);
/* The interface's index; -ENODEV after one line when there is none. */
int xdp_ifindex(const char *iface);
/* The ID of the XDP program the interface runs (in any mode), 0 if none;
 * *skb when it runs in generic mode. 0 or -errno. */
int xdp_current(int ifindex, uint32_t *prog_id, bool *skb);
/* Removes whatever XDP program the interface runs, through its link or
 * without one. 0 or -errno. */
int xdp_detach_any(int ifindex);
/* The XDP link link_fd still holds the hook of ifindex (of this network
 * namespace): the kernel names its interface (0 once the link is detached,
 * or the interface gone) and the interface runs the link's program. 0; or
 * -ENOLINK with the reason in why; or another -errno. */
int xdp_link_attached(int link_fd, int ifindex, char *why, size_t len);
/* Attaches prog_fd to ifindex through a BPF link in the mode asked; auto
 * falls back to skb (with a note on stderr) when the driver has no native
 * XDP. Returns the link's fd, or -errno after one line; *skb tells the
 * mode used. */
int xdp_link_attach(int prog_fd, int ifindex, const char *iface, enum xdp_mode mode, bool *skb);

#endif
