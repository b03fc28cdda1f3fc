/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* --prometheus FILE: an interval tool's rows as Prometheus series, written
 * in the text format that node_exporter's textfile collector reads, again
 * after every interval, whole (a file beside it, then renamed over it).
 *
 * The rows are the ones the tool prints (lib/out_rows.h; a --count mode's
 * table, lib/net_count.h, once a second): the output layer
 * hands each row's label columns (OUT_LABEL: the JSON key is the label's
 * name, the value as text shows it) and its values here, the counters of a
 * count (lib/count.h), a histogram (lib/hist.h) or its OUT_COUNTER
 * columns (<key>_total), and they are added into
 * one series per tool, metric and label set, so that counters are
 * cumulative:
 *
 *	# HELP sonde_cgsyscount_syscalls_total System calls made.
 *	# TYPE sonde_cgsyscount_syscalls_total counter
 *	sonde_cgsyscount_syscalls_total{cgroup="/system.slice/nginx.service"} 81234
 *	# TYPE sonde_runqlat_seconds histogram
 *	sonde_runqlat_seconds_bucket{le="2e-06"} 3
 *	...
 *	sonde_runqlat_seconds_bucket{le="+Inf"} 812
 *	sonde_runqlat_seconds_sum 0.033535612
 *	sonde_runqlat_seconds_count 812
 *
 * Histograms have the log2 buckets (whatever --fine says), in seconds for a
 * time and in the tool's unit otherwise. At most max_series label sets are
 * kept (the first ones seen); the rows of others are counted, per interval,
 * in sonde_<tool>_dropped_series. A series whose `cgroup` label names a
 * cgroup that no longer exists is no longer written. */
#ifndef SONDE_LIB_PROM_H
#define SONDE_LIB_PROM_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/hist.h"
#include "lib/opts.h"
#include "lib/out.h"

/* --max-series when not given: label sets of a run. 1000 cgroups, each a
 * row of cgsyscount, fit with room (docs/prometheus.md). */
#define PROM_MAX_SERIES 10000

struct prom_opts {
	const char *path;    /* --prometheus FILE; NULL: none */
	uint32_t max_series; /* --max-series; 0: PROM_MAX_SERIES */
};

/* --prometheus and --max-series, as an argp child whose input is a struct
 * prom_opts (the interval options' parsers pass it on). */
extern const struct argp_child prom_argp_children[];

/* The same, as rows of a tool's own options and stores (lib/opts.h), for a
 * struct prom_opts `field` of its options struct `type`. */
enum { PROM_OPT_PROMETHEUS = 0x700, PROM_OPT_MAX_SERIES };
#define PROM_OPTIONS                                                                               \
	{ "prometheus",                                                                            \
	  PROM_OPT_PROMETHEUS,                                                                     \
	  "FILE",                                                                                  \
	  0,                                                                                       \
	  "Also write the counts as Prometheus metrics to FILE (node_exporter's textfile "         \
	  "collector), whole, after each report (--count: each second)",                           \
	  0 },                                                                                     \
	{                                                                                          \
		"max-series", PROM_OPT_MAX_SERIES, "N", 0,                                         \
		    "With --prometheus: at most N label sets (default 10000)", 0                   \
	}
#define PROM_MAX_SERIES_LIMIT 10000000
#define PROM_STORES(type, field)                                                                   \
	SONDE_STORE(PROM_OPT_PROMETHEUS, type, field.path),                                        \
	    SONDE_STORE_RANGE(PROM_OPT_MAX_SERIES, "--max-series", type, field.max_series, 1,      \
			      PROM_MAX_SERIES_LIMIT)

struct prom;

/* A registry for o->path, its metrics named sonde_<tool>_..., each series
 * labelled with `labels` first (--label; NULL: none); *p is NULL
 * without --prometheus. 0, -ENOMEM, -EINVAL for an empty name, or -errno
 * when the file cannot be created there (said on stderr). */
int prom_open(struct prom **p, const struct prom_opts *o, const char *tool,
	      const struct out_labels *labels);
void prom_free(struct prom *p);
/* Writes every series to the file (atomically); 0 or -errno, said on
 * stderr. */
int prom_write(struct prom *p);

/* A row, from the output layer. */
void prom_row_begin(struct prom *p);
/* A label: name, and the value's bytes (len at most, up to a NUL). */
void prom_label(struct prom *p, const char *name, const char *s, size_t len);
/* The row is no series (a cgroup gone before its path was read). */
void prom_row_drop(struct prom *p);
/* A counter of the row: raw units, times `scale` in the file. help: a
 * sentence; name (after sonde_<tool>_) and help are string literals. */
void prom_counter(struct prom *p, const char *name, const char *help, uint64_t v, double scale);
/* The counters' values are totals read whole each time (a --count mode's
 * map), not what an interval added: they start from zero again, and a
 * series no row has until the next prom_write() is not written. */
void prom_restart(struct prom *p);
/* The row's histogram, its values in units of unit_ns nanoseconds (0: not
 * a time, named `unit`). */
void prom_hist(struct prom *p, const struct hist *h, uint64_t unit_ns, const char *unit);
void prom_row_end(struct prom *p);

/* A label value in the text format: the value as sonde's text output shows
 * it (printable ASCII, "\\" for a backslash, "\xNN" for any other byte),
 * then escaped for the format ('\\' and '"' after a backslash). Stops at a
 * NUL or after len bytes; dst has room for PROM_ESCAPE_ROOM(len). Returns
 * the bytes written. */
#define PROM_ESCAPE_ROOM(len) (5 * (len))
size_t prom_escape(char *dst, const char *s, size_t len);

#endif
