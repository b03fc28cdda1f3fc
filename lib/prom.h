/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* --prometheus FILE: an interval tool's rows as Prometheus series, written
 * in the text format that node_exporter's textfile collector reads, again
 * after every interval, whole (a file beside it, then renamed over it).
 *
 * The rows are the ones the tool prints (lib/out_rows.h): the output layer
 * hands each row's label columns (OUT_LABEL: the JSON key is the label's
 * name, the value as text shows it) and its values here, the counters of a
 * count (lib/count.h) or a histogram (lib/hist.h), and they are added into
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

struct prom;

/* A registry for o->path, its metrics named sonde_<tool>_...; *p is NULL
 * without --prometheus. 0, -ENOMEM, or -errno when the file cannot be
 * created there (said on stderr). */
int prom_open(struct prom **p, const struct prom_opts *o, const char *tool);
void prom_free(struct prom *p);
/* Writes every series to the file (atomically); 0 or -errno, said on
 * stderr. */
int prom_write(struct prom *p);

/* A row, from the output layer. */
void prom_row_begin(struct prom *p);
/* A label: name, and the value's bytes (len at most, up to a NUL). */
void prom_label(struct prom *p, const char *name, const char *s, size_t len);
/* A label whose value the row does not have: `text` (what text output
 * shows instead, "?"), or none when NULL; a row whose cgroup is not known
 * (gone) is no series at all. */
void prom_label_null(struct prom *p, const char *name, const char *text);
/* A counter of the row: raw units, times `scale` in the file. help: a
 * sentence; name (after sonde_<tool>_) and help are string literals. */
void prom_counter(struct prom *p, const char *name, const char *help, uint64_t v, double scale);
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
