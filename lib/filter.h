/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The user side of the in-kernel filter every tool shares: -p, -u and -c
 * (BPF side: bpf/lib/filter.bpf.h; the names both use: common/filter.h).
 *
 * -c is resolved once, right after the command line is parsed; the run
 * writes the filter into the object's rodata before load and -c's cgroup
 * into its map after load (sonde_load()), then follows the cgroup while it
 * runs (struct filter_watch, which the event loop polls). */
#ifndef SONDE_LIB_FILTER_H
#define SONDE_LIB_FILTER_H

#include <stdbool.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "lib/opts.h"

/* With -p: the process exists and the PID is its thread group's, else
 * after one line -ESRCH (no such process: exit 3) or -EINVAL (a thread's
 * ID: exit 2). Without -c, nothing more. With it: the cgroup's ID
 * (o->cgroup_id) and its directory, open for the filter map
 * (o->cgroup_fd). 0, or after one line -ENOENT (no such cgroup, or no
 * cgroup v2: exit 3), -EINVAL (a container ID that more than one cgroup
 * matches: exit 2) or the open's -errno. */
int filter_resolve(struct sonde_opts *o);
/* Closes what filter_resolve() opened. */
void filter_close(struct sonde_opts *o);
/* Before load: -p, -u and -c into the object's rodata. 0, or -EIO after one
 * line when the object lacks the filter. */
int filter_rodata_write(struct bpf_object *obj, const struct sonde_opts *o);
/* After load: -c's cgroup into the filter map. 0 or -errno after one line. */
int filter_map_fill(struct bpf_object *obj, const struct sonde_opts *o);

/* -c's cgroup, watched while the tool runs. When it is removed, one line on
 * stderr says so and the run ends (exit 0, after the events already
 * queued). With --follow it goes on instead, tracing nothing while the
 * cgroup is gone; when a cgroup is created again at its path (a service or
 * a container restarted), the filter moves to the new cgroup and one line
 * says so. A cgroup given by its ID is never followed (a cgroup ID is never
 * reused): its removal ends the run.
 *
 * The parent directory is watched with inotify, so the move follows the new
 * cgroup's creation at once; every FILTER_WATCH_CHECK_MS the path is looked
 * at too (the parent itself may go and come back). */
#define FILTER_WATCH_CHECK_MS 1000

struct filter_watch {
	struct bpf_object *obj;
	const struct sonde_opts *o;
	int cg_fd;	  /* the cgroup filtered on now; -1: nothing to watch */
	int ino_fd;	  /* inotify, readable when the parent directory changed */
	int ino_wd;	  /* the parent's watch; -1 while there is none */
	uint64_t id;	  /* cg_fd's cgroup ID */
	uint64_t seen_id; /* the last cgroup seen at the path since (looked at once) */
	bool gone;	  /* cg_fd's cgroup was removed */
};

/* After load: without -c, nothing to watch (w->cg_fd is -1; the other calls
 * do nothing). 0, or -errno after one line. */
int filter_watch_start(struct filter_watch *w, struct bpf_object *obj, const struct sonde_opts *o);
/* Looks at the cgroup again, after ino_fd was readable or the check period
 * ended: says whether it went and, with --follow, follows it when it came
 * back. True when the run is to end: the cgroup went, and is not followed. */
bool filter_watch_check(struct filter_watch *w);
void filter_watch_stop(struct filter_watch *w);

#endif
