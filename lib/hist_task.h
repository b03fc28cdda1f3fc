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
#include "lib/hist.h"
#include "lib/opts.h"
#include "lib/out.h"
#include "lib/prom.h"

/* What every histogram tool takes. */
struct hist_opts {
	uint32_t interval_s, count; /* [interval [count]], -i */
	bool ms;		    /* -m */
	bool fine;		    /* --fine: the log-linear buckets, not log2 */
	/* A tool's unit other than a time (hist_bytes), which -m does not
	 * change; NULL: us, or ms with -m. */
	const struct hist_unit *unit;
	struct prom_opts prom; /* --prometheus, --max-series */
};

struct hist_task_opts {
	struct hist_opts h; /* first: the input of hist_argp_children too */
	bool by_process, by_thread, by_cgroup;
	enum hist_by by; /* what the three above say, once parsed */
};

/* -i -m --fine -T, --prometheus, --max-series and [interval [count]], as the argp children of a
 * tool's parser, whose input is a struct hist_opts: the tool's parser passes it on with
 * `state->child_inputs[0] = &opts->hist` at ARGP_KEY_INIT. */
extern const struct argp_child hist_argp_children[];
/* The same and -P -L --by-cgroup, for a struct hist_task_opts. */
extern const struct argp_child hist_task_argp_children[];
#define HIST_TASK_ARGS_DOC "[interval [count]]"

/* A tool's histograms by a key of its own: its columns (OUT_COLS_BLOCK_TIME,
 * its key columns, then HIST_COLS from index hist_col), one table per unit
 * (cols_us also serves a unit of struct hist_opts'), and how a key is
 * written. */
struct hist_keys {
	const struct out_col *cols_us, *cols_ms;
	size_t ncols;
	unsigned hist_col;
	uint64_t shown;	  /* the key columns shown in text (OUT_SHOW) */
	bool show_cgroup; /* the key is a cgroup, shown whether or not -C is given */
	bool one;	  /* a single histogram, key 0: shown empty too */
	void (*write_key)(void *ctx, struct out *o, uint64_t key);
	void *ctx;
};

/* Sets the opened skeleton's unit (rodata), loads and attaches it, and
 * prints its histograms (maps "hists", "hists_a", "hists_b", keyed by a
 * __u64) every interval until the run ends, the largest sum first. 0 or
 * -errno as interval_run(). */
int hist_keys_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		  const struct hist_opts *h, const struct hist_keys *k);

/* hist_keys_run() with the key of h->by (rodata hist_by) and the names of
 * the map "hist_names". */
int hist_task_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		  const struct hist_task_opts *h);

#endif
