/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Histograms of task times, the user side that runqlat and cpudist share
 * (BPF side: bpf/lib/hist_task.bpf.h): their options, and the run that
 * reads, each interval, one histogram or one per process (-P), thread (-L)
 * or cgroup (--by-cgroup) and writes them (lib/hist.h), busiest first.
 *
 * Text, per interval: the time, the header, then each histogram's row and
 * its bucket table. JSON: one object per histogram and interval,
 *	{"time":...,"interval_ms":1000,"pid":1234,"comm":"nginx","cgroup_id":...,
 *	 "count":812,"sum_us":...,"avg_us":41.3,"p50_us":27,...,"unit":"us","buckets":[...]}
 * with the key columns of the mode: none; pid, comm and cgroup_id (-P);
 * pid, tid, comm and cgroup_id (-L); cgroup_id and cgroup (--by-cgroup).
 * Without a key, every report has its histogram, empty or not (a run's
 * cut-short last interval only when it measured something). */
#ifndef SONDE_LIB_HIST_TASK_H
#define SONDE_LIB_HIST_TASK_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "common/hist.h"
#include "lib/opts.h"

struct hist_task_opts {
	uint32_t interval_s, count; /* [interval [count]], -i */
	bool ms;		    /* -m */
	bool fine;		    /* --fine: the log-linear buckets, not log2 */
	bool by_process, by_thread, by_cgroup;
	enum hist_by by; /* what the three above say, once parsed */
};

/* -i -m -P -L --by-cgroup --fine -T and [interval [count]], as the argp
 * children of a tool's parser, whose input is a struct hist_task_opts: the
 * tool's parser passes it on with `state->child_inputs[0] = &opts->hist` at
 * ARGP_KEY_INIT. */
extern const struct argp_child hist_task_argp_children[];
#define HIST_TASK_ARGS_DOC "[interval [count]]"

/* Sets the opened skeleton's hist_by and unit (rodata), loads and attaches
 * it, and prints its histograms (maps "hists", "hists_a", "hists_b",
 * "hist_names") every interval until the run ends. 0 or -errno as
 * interval_run(). */
int hist_task_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		  const struct hist_task_opts *h);

#endif
