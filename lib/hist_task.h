/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Histograms by key, the run every histogram tool makes (runqlat, cpudist,
 * bitesize, biolatency, hardirqs, softirqs, runqlen): their common options,
 * and hist_keys_run(), which reads, each interval, one histogram per key
 * the kernel counted (bpf/lib/hist.bpf.h) and writes them (lib/hist.h) in
 * the tool's columns. On it, the histograms of task times (runqlat,
 * cpudist, bitesize; BPF side bpf/lib/hist_task.bpf.h): one histogram or
 * one per process (-P), thread (-L) or cgroup (--by-cgroup), busiest
 * first.
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

/* The most bytes of a key (a hardirq handler's name, the longest). */
#define HIST_KEY_MAX 32

/* The order of an interval's rows. */
enum hist_order {
	HIST_ORDER_SUM,	  /* the largest sum (the most time) first */
	HIST_ORDER_COUNT, /* the most values first */
	HIST_ORDER_KEY,	  /* by key (a CPU, a vector: a number of 4 or 8 bytes) */
};

/* A tool's histograms by a key of its own: every histogram tool's report
 * (the tool's own columns, how a key and its values are written) and its
 * run. The columns are OUT_COLS_BLOCK_TIME, the key columns, then those of
 * the values from index hist_col, HIST_COLS by default: a table per unit. */
struct hist_keys {
	const struct out_col *cols; /* the table of the unit in use (hist_unit_of()) */
	size_t ncols;
	unsigned hist_col;
	uint64_t shown;	       /* the key columns shown in text (OUT_SHOW) */
	bool show_cgroup;      /* the key is a cgroup, shown whether or not -C is given */
	bool one;	       /* a single histogram, key 0: shown empty too */
	uint32_t key_size;     /* bytes of a key, at most HIST_KEY_MAX; 0: a __u64 */
	enum hist_order order; /* ties in key order, so that the output is stable */
	void (*write_key)(void *ctx, struct out *o, const void *key);
	/* NULL: h written as a histogram (out_hist() at hist_col); else the
	 * tool's own columns of it from hist_col (a total, an occupancy). */
	void (*write_values)(void *ctx, struct out *o, const struct hist *h);
	void *ctx;
	/* NULL, or called after the skeleton's own programs are attached, for
	 * those the tool attaches itself (perf events, one per CPU); 0 or
	 * -errno. detach (if set) undoes it when the run ends. */
	int (*attach)(void *ctx);
	void (*detach)(void *ctx);
};

/* The unit the histograms of h are written in: h's own, else us or ms
 * (-m). */
const struct hist_unit *hist_unit_of(const struct hist_opts *h);

/* Sets the opened skeleton's unit (rodata), loads and attaches it, and
 * prints its histograms (maps "hists", "hists_a", "hists_b", keyed by
 * k->key_size bytes) every interval until the run ends, in k->order. 0 or
 * -errno as interval_run(). */
int hist_keys_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		  const struct hist_opts *h, const struct hist_keys *k);

/* hist_keys_run() with the key of h->by (rodata hist_by) and the names of
 * the map "hist_names". */
int hist_task_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		  const struct hist_task_opts *h);

#endif
