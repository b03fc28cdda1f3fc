// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include "common/filter.h"
#include "lib/cgroup.h"
#include "lib/filter.h"
#include "lib/loader.h"
#include "lib/log.h"

int filter_resolve(struct sonde_opts *o)
{
	const char *mnt;
	char path[PATH_MAX];
	int err;

	if (!o->cgroup)
		return 0;
	mnt = cgroup2_mount();
	if (!mnt) {
		log_err("cgroup '%s': cgroup v2 is not mounted (see /proc/self/mountinfo)",
			o->cgroup);
		return -ENOENT;
	}
	err = cgroup_resolve(mnt, o->cgroup, path, sizeof(path), &o->cgroup_id);
	if (err == -EINVAL) {
		log_err("invalid value '%s' for -c/--cgroup: the container ID matches more than "
			"one cgroup under %s; give more digits",
			o->cgroup, mnt);
		return err;
	}
	if (err) {
		log_err("cgroup '%s' not found under %s", o->cgroup, mnt);
		return -ENOENT;
	}
	o->cgroup_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->cgroup_fd < 0) {
		err = -errno;
		log_err("cannot open cgroup %s: %s", path, strerror(-err));
		return err;
	}
	log_debug("cgroup filter: %s (id %llu)", path, (unsigned long long)o->cgroup_id);
	return 0;
}

void filter_close(struct sonde_opts *o)
{
	if (o->cgroup_fd >= 0)
		close(o->cgroup_fd);
	o->cgroup_fd = -1;
}

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
