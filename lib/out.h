/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The output layer. A tool declares its columns once; each event is written
 * as a row of typed values in column order, and the layer renders text
 * (header, fixed widths, escaped strings) or NDJSON (one object a line).
 * Tools never branch on the output format themselves.
 *
 *	enum { C_TIME, C_PID, C_PPID, C_COMM };
 *	static const struct out_col cols[] = {
 *		[C_TIME] = OUT_COL_TIME,
 *		[C_PID] = { "PID", "pid", 7, 0 },
 *		[C_PPID] = { "PPID", "ppid", 7, OUT_HIDDEN },	// text with -P
 *		[C_COMM] = { "COMM", "comm", 0, 0 },
 *	};
 *	out_init(o, stdout, cols, ARRAY_SIZE(cols), OUT_SHOW(C_PPID, opts.ppid), &cfg);
 *	out_row_begin(o); out_time(o, C_TIME, e->ts_ns); out_uint(o, C_PID, e->pid);
 *	out_uint(o, C_PPID, e->ppid); out_str(o, C_COMM, e->comm, sizeof(e->comm));
 *	out_row_end(o);
 *
 * Column tables are const: the text columns of a run are settled by
 * out_init(), from the out_cfg (-U, -C, -T/-t) and from `show`, the mask of
 * OUT_HIDDEN columns the tool's options turn on. One table can serve two
 * outs at once, and a header always matches the rows under it.
 */
#ifndef SONDE_LIB_OUT_H
#define SONDE_LIB_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* How the time column is shown in text (JSON always has the wall clock). */
enum out_time {
	OUT_TIME_NONE,
	OUT_TIME_CLOCK,	  /* -T: wall-clock HH:MM:SS */
	OUT_TIME_ELAPSED, /* -t: seconds since start */
};

/* The output options of a run, the same for every table it prints. */
struct out_cfg {
	bool json;	  /* -j: NDJSON */
	bool show_cgroup; /* -C: the cgroup's path (text column, JSON "cgroup") */
	bool show_uid;	  /* -U: the UID column */
	enum out_time time;
};

enum out_col_flags {
	OUT_RIGHT = 1 << 0,	  /* right-aligned in text */
	OUT_HIDDEN = 1 << 1,	  /* no text column unless `show` has its bit */
	OUT_WITH_UID = 1 << 2,	  /* text column only with -U */
	OUT_WITH_CGROUP = 1 << 3, /* text column only with -C */
	OUT_WITH_TIME = 1 << 4,	  /* text column only with -T or -t */
};

struct out_col {
	const char *head; /* text header; NULL: JSON only */
	const char *key;  /* JSON key; NULL: text only */
	int width;	  /* text width; 0: free width (the last column) */
	unsigned flags;	  /* enum out_col_flags */
};

/* Wall-clock time: text "TIME" (-T) or "TIME(s)" (-t), JSON "time" always. */
#define OUT_COL_TIME                                                                               \
	{                                                                                          \
		"TIME", "time", 8, OUT_WITH_TIME                                                   \
	}
/* The event's cgroup: JSON "cgroup_id" always (and "cgroup" with -C), text
 * CGROUP with -C. */
#define OUT_COL_CGROUP                                                                             \
	{                                                                                          \
		"CGROUP", "cgroup_id", 24, OUT_WITH_CGROUP                                         \
	}

#define OUT_MAX_COLS 64

struct out {
	FILE *f;
	const struct out_col *cols;
	unsigned ncols;
	uint64_t text_on; /* bit i: column i is shown in text */
	struct out_cfg cfg;
	unsigned fields; /* fields written in the current row */
	int64_t mono_to_real_ns;
	uint64_t start_mono_ns;
	int64_t cached_sec;
	char cached_prefix[32];
};

/* The bit of column col in out_init()'s `show`, set when `on`. */
#define OUT_SHOW(col, on) ((uint64_t) !!(on) << (col))

/* show: OUT_SHOW() of each OUT_HIDDEN column this run shows in text (FLAGS
 * with -e); the column's other conditions (OUT_WITH_*) still apply. */
void out_init(struct out *o, FILE *f, const struct out_col *cols, unsigned ncols, uint64_t show,
	      const struct out_cfg *cfg);
/* Whether column col is written in this format and run: it has a JSON key,
 * or it is a text column shown. For a tool that would compute a value only
 * to have it dropped (kernel symbols for a LOCATION no one sees). */
bool out_wanted(const struct out *o, unsigned col);
/* The text header line; nothing in JSON. */
void out_header(struct out *o);

void out_row_begin(struct out *o);
void out_row_end(struct out *o);
void out_str(struct out *o, unsigned col, const char *s, size_t maxlen);
void out_uint(struct out *o, unsigned col, uint64_t v);
void out_int(struct out *o, unsigned col, int64_t v);
/* An errno value (positive): text shows its name ("ENOENT"), JSON the
 * number; 0 and numbers without a name as numbers. */
void out_errno(struct out *o, unsigned col, int64_t err);
/* A call's return value: a failure (-errno) as out_errno() in text, the
 * number in JSON; other values as numbers. */
void out_ret(struct out *o, unsigned col, int64_t ret);
void out_bool(struct out *o, unsigned col, bool v);
/* A fixed-point number with `decimals` digits after the point. */
void out_double(struct out *o, unsigned col, double v, int decimals);
/* CLOCK_MONOTONIC nanoseconds, rendered as the time the mode asks for. */
void out_time(struct out *o, unsigned col, uint64_t mono_ns);
void out_cgroup(struct out *o, unsigned col, uint64_t cgroup_id);
/* NUL-separated strings (the last one may lack its NUL): a JSON array, or
 * in text the strings joined by spaces, each in double quotes when `quote`.
 * At most max_items strings are written; returns true if some were left
 * out. A cut text list ends in " ...". */
bool out_strv(struct out *o, unsigned col, const char *buf, size_t len, unsigned max_items,
	      bool quote, bool cut);

/* A value the event does not have (a process killed by a signal has no exit
 * code; an older kernel lacks some field): JSON null, `text` (e.g. "-") in
 * text. */
void out_null(struct out *o, unsigned col, const char *text);
/* Longest string out_str_cut() marks; a longer one is written unmarked. */
#define OUT_CUT_MAX 4096
/* A string the event cut short (`cut`): text shows it followed by "...";
 * JSON writes it as it is (the tool's "truncated" key says it was cut). */
void out_str_cut(struct out *o, unsigned col, const char *s, size_t maxlen, bool cut);

/* Starts a value the caller writes itself (composite renderers such as
 * histograms); false when the column is not part of this format. */
bool out_key(struct out *o, unsigned col);

/* Writes buffered output; 0, -EPIPE when the reader went away, or -errno. */
int out_flush(struct out *o);
/* Current CLOCK_MONOTONIC in ns. */
uint64_t mono_now_ns(void);

#endif
