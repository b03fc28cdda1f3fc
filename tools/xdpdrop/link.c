// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lib/array_size.h"
#include "lib/log.h"
#include "tools/xdpdrop/link.h"

int xdp_iface_parse(const char *opt, const char *arg)
{
	size_t n = strlen(arg);

	if (!n || n >= IFNAMSIZ || strchr(arg, '/') || !strcmp(arg, ".") || !strcmp(arg, "..") ||
	    strpbrk(arg, " \t\n:")) {
		log_err(
		    "invalid value '%s' for %s: expected an interface name (1 to %d characters, "
		    "no '/', ':' or blanks)",
		    arg, opt, IFNAMSIZ - 1);
		return -EINVAL;
	}
	return 0;
}

int xdp_mode_parse(const char *opt, const char *arg, enum xdp_mode *mode)
{
	if (!strcmp(arg, "native"))
		*mode = XDP_MODE_NATIVE;
	else if (!strcmp(arg, "skb"))
		*mode = XDP_MODE_SKB;
	else {
		log_err("invalid value '%s' for %s: expected native or skb", arg, opt);
		return -EINVAL;
	}
	return 0;
}

int xdp_ifindex(const char *iface)
{
	unsigned idx = if_nametoindex(iface);

	if (!idx) {
		log_err("no network interface '%s'", iface);
		return -ENODEV;
	}
	return idx;
}

int xdp_current(int ifindex, uint32_t *prog_id, bool *skb)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err = bpf_xdp_query(ifindex, 0, &q);

	if (err)
		return err;
	*prog_id = q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id;
	*skb = !q.drv_prog_id && q.skb_prog_id;
	return 0;
}

/* The XDP link of an interface, if its program came through one. Links
 * know their interface by index only, which other network namespaces reuse:
 * the program must be the one this namespace's interface runs, too. */
static int xdp_link_of(int ifindex, uint32_t prog_id)
{
	__u32 id = 0;

	while (!bpf_link_get_next_id(id, &id)) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_LINK_TYPE_XDP &&
		    (int)info.xdp.ifindex == ifindex && info.prog_id == prog_id)
			return fd;
		close(fd);
	}
	return -ENOENT;
}

int xdp_detach_any(int ifindex)
{
	static const __u32 modes[] = { XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE, XDP_FLAGS_HW_MODE };
	uint32_t prog_id;
	bool skb;
	int fd, err;

	err = xdp_current(ifindex, &prog_id, &skb);
	if (err || !prog_id)
		return err;
	fd = xdp_link_of(ifindex, prog_id);
	if (fd >= 0) {
		err = bpf_link_detach(fd) ? -errno : 0;
		close(fd);
		return err;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(modes); i++) {
		err = bpf_xdp_detach(ifindex, modes[i], NULL);
		if (err && err != -EINVAL && err != -EOPNOTSUPP && err != -ENOENT)
			return err;
	}
	return 0;
}

int xdp_link_attached(int link_fd, int ifindex, char *why, size_t len)
{
	struct bpf_link_info info = {};
	__u32 n = sizeof(info), prog = 0;
	char name[IF_NAMESIZE];
	bool skb;
	int err;

	if (bpf_obj_get_info_by_fd(link_fd, &info, &n))
		return -errno;
	if (!if_indextoname(ifindex, name)) {
		snprintf(why, len, "its interface has gone");
		return -ENOLINK;
	}
	if (info.type != BPF_LINK_TYPE_XDP || (int)info.xdp.ifindex != ifindex) {
		snprintf(why, len,
			 "its link was detached (by --force of another xdpdrop, or by "
			 "bpftool link detach)");
		return -ENOLINK;
	}
	err = xdp_current(ifindex, &prog, &skb);
	if (err)
		return err;
	if (prog == info.prog_id)
		return 0;
	snprintf(why, len, "%s runs another XDP program (id %u)", name, prog);
	return -ENOLINK;
}

static int link_create(int prog_fd, int ifindex, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, o, .flags = flags);
	int fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &o);

	return fd < 0 ? -errno : fd;
}

int xdp_link_attach(int prog_fd, int ifindex, const char *iface, enum xdp_mode mode, bool *skb)
{
	int fd;

	*skb = mode == XDP_MODE_SKB;
	fd = link_create(prog_fd, ifindex, *skb ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);
	if (fd == -EOPNOTSUPP && mode == XDP_MODE_AUTO) {
		log_err("note: %s has no native XDP; attaching in skb (generic) mode", iface);
		*skb = true;
		fd = link_create(prog_fd, ifindex, XDP_FLAGS_SKB_MODE);
	}
	if (fd == -EPERM || fd == -EACCES)
		log_err("not permitted to attach XDP to %s: run as root, or with CAP_NET_ADMIN "
			"and CAP_BPF",
			iface);
	else if (fd == -EOPNOTSUPP)
		log_err("%s has no native XDP (-m skb attaches in generic mode)", iface);
	else if (fd == -EBUSY || fd == -EEXIST) {
		log_err("%s already runs an XDP program (--force replaces it)", iface);
		fd = -ENXIO; /* the interface is not available: an environment error */
	} else if (fd < 0)
		log_err("cannot attach XDP to %s: %s", iface, strerror(-fd));
	return fd;
}
