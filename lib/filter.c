// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "common/filter.h"
#include "lib/cgroup.h"
#include "lib/filter.h"
#include "lib/loader.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "lib/procfs.h"

/* -c named the cgroup by its ID (cgroup_resolve() tries that form first). */
static bool given_by_id(const char *arg, uint64_t id)
{
	uint64_t v;

	return !parse_decimal(arg, 1, UINT64_MAX, &v) && v == id;
}

/* The thread group of thread `tid` from /proc (tid itself when unknown). */
static uint32_t tgid_of(uint32_t tid)
{
	uint64_t tgid;
	char v[32];

	if (!proc_status_field(tid, "Tgid:", v, sizeof(v)) ||
	    parse_decimal(v, 1, UINT32_MAX, &tgid))
		return tid;
	return tgid;
}

/* The filter compares thread group IDs: a PID that is gone, or a thread's
 * ID, would trace nothing, in silence. */
static int pid_check(uint32_t pid)
{
	uint32_t tgid;

	if (kill((pid_t)pid, 0) && errno == ESRCH) {
		log_err("no process with PID %u (-p/--pid)", pid);
		return -ESRCH;
	}
	tgid = tgid_of(pid);
	if (tgid != pid) {
		log_err("invalid value '%u' for -p/--pid: a thread of process %u; give the process "
			"ID",
			pid, tgid);
		return -EINVAL;
	}
	return 0;
}

/* The inode of the initial cgroup namespace (include/linux/proc_ns.h's
 * PROC_CGROUP_INIT_INO): fixed, whatever the kernel. */
#define CGROUP_INIT_NS "cgroup:[4026531835]"

/* The level in the kernel's cgroup2 tree of `path`, a cgroup directory
 * under the cgroup2 mount `mnt`: its depth below the mount, when the mount
 * shows the whole tree. In a cgroup namespace of its own, the mount's root
 * is the namespace's, at a level not known here: FILTER_LEVEL_WALK. */
static uint32_t cgroup_level_of(const char *mnt, const char *path)
{
	char ns[64] = "", real_mnt[PATH_MAX], real[PATH_MAX];
	ssize_t n = readlink("/proc/self/ns/cgroup", ns, sizeof(ns) - 1);
	uint32_t level = 0;
	size_t m;

	if (n <= 0 || strcmp(ns, CGROUP_INIT_NS) || !realpath(mnt, real_mnt) ||
	    !realpath(path, real))
		return FILTER_LEVEL_WALK;
	m = strlen(real_mnt);
	if (strncmp(real, real_mnt, m) || (real[m] != '/' && real[m] != '\0'))
		return FILTER_LEVEL_WALK;
	/* realpath() leaves no "//", "." or "..": each '/' starts a level. */
	for (const char *p = real + m; *p; p++)
		level += *p == '/';
	return level;
}

static int cgroup_check(struct sonde_opts *o)
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
	o->cgroup_path = strdup(path);
	if (o->cgroup_fd < 0 || !o->cgroup_path) {
		err = o->cgroup_fd < 0 ? -errno : -ENOMEM;
		log_err("cannot open cgroup %s: %s", path, strerror(-err));
		return err;
	}
	o->cgroup_by_id = given_by_id(o->cgroup, o->cgroup_id);
	o->cgroup_level = cgroup_level_of(mnt, path);
	if (o->cgroup_level == FILTER_LEVEL_WALK)
		log_debug(
		    "cgroup filter: %s (id %llu; its level is not known in this cgroup namespace)",
		    path, (unsigned long long)o->cgroup_id);
	else
		log_debug("cgroup filter: %s (id %llu, level %u)", path,
			  (unsigned long long)o->cgroup_id, o->cgroup_level);
	return 0;
}

int filter_resolve(struct sonde_opts *o)
{
	int err = o->pid ? pid_check(o->pid) : 0;

	return err ? err : cgroup_check(o);
}

void filter_close(struct sonde_opts *o)
{
	if (o->cgroup_fd >= 0)
		close(o->cgroup_fd);
	o->cgroup_fd = -1;
	free(o->cgroup_path);
	o->cgroup_path = NULL;
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
	/* For the filters on other tasks: .bss, so that following the cgroup
	 * can move the ID while the programs run. */
	if (!err && cg)
		err = sonde_global_set(obj, ".bss", FILTER_NAME(FILTER_CGROUP_ID), &o->cgroup_id,
				       sizeof(o->cgroup_id));
	if (!err && cg)
		err = sonde_global_set(obj, ".bss", FILTER_NAME(FILTER_CGROUP_LEVEL),
				       &o->cgroup_level, sizeof(o->cgroup_level));
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

/* Watches the parent directory of -c's path, if it exists (not yet: the
 * next check tries again). */
static void watch_parent(struct filter_watch *w)
{
	char dir[PATH_MAX];

	if (w->ino_fd < 0 || w->ino_wd >= 0)
		return;
	snprintf(dir, sizeof(dir), "%s", w->o->cgroup_path);
	w->ino_wd = inotify_add_watch(w->ino_fd, dirname(dir),
				      IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
					  IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
}

int filter_watch_start(struct filter_watch *w, struct bpf_object *obj, const struct sonde_opts *o)
{
	*w = (struct filter_watch){ obj, o, -1, -1, -1, o->cgroup_id, 0, false };
	if (o->cgroup_fd < 0)
		return 0;
	w->cg_fd = fcntl(o->cgroup_fd, F_DUPFD_CLOEXEC, 0);
	if (w->cg_fd < 0) {
		int err = -errno;

		log_err("cannot follow cgroup '%s': %s", o->cgroup_path, strerror(-err));
		return err;
	}
	/* Without inotify (none left for this user), the periodic check alone. */
	w->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	watch_parent(w);
	return 0;
}

void filter_watch_stop(struct filter_watch *w)
{
	if (w->ino_fd >= 0)
		close(w->ino_fd);
	if (w->cg_fd >= 0)
		close(w->cg_fd);
	w->ino_fd = w->cg_fd = w->ino_wd = -1;
}

/* Reads what inotify has (its content does not matter: the path is looked
 * at again); notes that the parent's watch went with the parent. */
static void drain_inotify(struct filter_watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(w->ino_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			if (e->mask & IN_IGNORED)
				w->ino_wd = -1;
			p += sizeof(*e) + e->len;
		}
	}
}

/* The cgroup filtered on was removed: its directory's files are gone. */
static bool cgroup_removed(int fd)
{
	return faccessat(fd, "cgroup.procs", F_OK, 0) && errno == ENOENT;
}

/* Moves the filter to the cgroup now at -c's path, the one fd holds (-1:
 * gone again already). */
static void follow(struct filter_watch *w, int fd)
{
	struct bpf_map *map = bpf_object__find_map_by_name(w->obj, FILTER_NAME(FILTER_CGROUP_MAP));
	__u32 key = 0;
	struct stat st;
	uint64_t id;

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	id = st.st_ino;
	if (!map || bpf_map_update_elem(bpf_map__fd(map), &key, &fd, BPF_ANY)) {
		log_err("cgroup '%s' was created again, but the filter cannot follow it: %s",
			w->o->cgroup_path, strerror(map ? errno : ENOENT));
		close(fd);
		return;
	}
	sonde_global_set(w->obj, ".bss", FILTER_NAME(FILTER_CGROUP_ID), &id, sizeof(id));
	close(w->cg_fd);
	w->cg_fd = fd;
	w->id = id;
	w->gone = false;
	log_err("cgroup '%s' was created again (id %llu): tracing it", w->o->cgroup_path,
		(unsigned long long)id);
}

static void say_removed(struct filter_watch *w)
{
	w->gone = true;
	if (w->o->cgroup_by_id)
		log_err("cgroup %llu was removed: nothing is left to trace; ending",
			(unsigned long long)w->id);
	else if (!w->o->follow)
		log_err(
		    "cgroup '%s' was removed: ending (--follow waits for it to be created again)",
		    w->o->cgroup_path);
	else
		log_err("cgroup '%s' was removed: nothing is traced until it is created again",
			w->o->cgroup_path);
}

bool filter_watch_check(struct filter_watch *w)
{
	uint64_t id;

	if (w->cg_fd < 0)
		return false;
	if (w->ino_fd >= 0) {
		drain_inotify(w);
		watch_parent(w);
	}
	if (!w->gone && cgroup_removed(w->cg_fd))
		say_removed(w);
	/* Without --follow, a cgroup removed ends the run; one given by ID is
	 * never seen again (IDs are not reused). */
	if (w->gone && (!w->o->follow || w->o->cgroup_by_id))
		return true;
	/* Each cgroup that appears at the path is looked at once. */
	if (!w->gone || cgroup_id_of(w->o->cgroup_path, &id) || id == w->id || id == w->seen_id)
		return false;
	w->seen_id = id;
	follow(w, open(w->o->cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	return false;
}
