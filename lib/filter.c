// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include "common/filter.h"
#include "lib/filter.h"
#include "lib/loader.h"
#include "lib/log.h"

int filter_rodata_write(struct bpf_object *obj, const struct sonde_opts *o)
{
	__u8 cg = o->cgroup_fd >= 0;
	int err = 0;

	if (o->pid)
		err = sonde_rodata_set(obj, FILTER_NAME(FILTER_TGID), &o->pid, sizeof(o->pid));
	if (!err && o->uid != SONDE_UID_ANY)
		err = sonde_rodata_set(obj, FILTER_NAME(FILTER_UID), &o->uid, sizeof(o->uid));
	if (!err && cg)
		err = sonde_rodata_set(obj, FILTER_NAME(FILTER_CGROUP), &cg, sizeof(cg));
	if (err)
		log_err("internal error: the BPF object has no common filter (%s)", strerror(-err));
	return err ? -EIO : 0;
}

int filter_map_fill(struct bpf_object *obj, const struct sonde_opts *o)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, FILTER_NAME(FILTER_CGROUP_MAP));
	__u32 key = 0;
	int err;

	if (o->cgroup_fd < 0)
		return 0;
	if (!map || bpf_map__update_elem(map, &key, sizeof(key), &o->cgroup_fd,
					 sizeof(o->cgroup_fd), BPF_ANY)) {
		err = map ? -errno : -ENOENT;
		log_err("cannot set the cgroup filter: %s", strerror(-err));
		return err;
	}
	return 0;
}
