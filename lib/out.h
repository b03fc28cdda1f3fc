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

struct prom;

/* How the time column is shown in text (JSON always has the wall clock). */
enum out_time {
	OUT_TIME_NONE,
	OUT_TIME_CLOCK,	  /* -T: wall-clock HH:MM:SS */
	OUT_TIME_ELAPSED, /* -t: seconds since start */
};

/* --label KEY=VALUE (repeatable): constant keys of every row, a fleet's
 * node name: in JSON the first members of every object a line holds, in
 * text columns before the others (a block's rows too only when each is a
 * line of JSON of its own), with --prometheus labels of every series. */
#define OUT_MAX_LABELS 8
struct out_labels {
	unsigned n;
	char key[OUT_MAX_LABELS][64];
	char val[OUT_MAX_LABELS][256];
	/* Made once: "k":"v",... (JSON), the values and the header (text). */
	char json[OUT_MAX_LABELS * (64 + 6 * 256 + 6)];
	char text[OUT_MAX_LABELS * (4 * 256 + 1)];
	char head[OUT_MAX_LABELS * (4 * 256 + 1)];
	size_t json_len, text_len, head_len;
};
/* Adds KEY=VALUE (a key of lower-case letters, digits and '_', starting
 * with a letter, at most 63 bytes; a value of at most 255); 0 or -EINVAL,
 * said naming --label and the value. */
int out_label_add(struct out_labels *l, const char *arg);

/* The output options of a run, the same for every table it prints. */
struct out_cfg {
	bool json;	  /* -j: NDJSON */
	bool show_cgroup; /* -C: the cgroup's path (text column, JSON "cgroup") */
	bool show_uid;	  /* -U: the UID column */
	/* --line-buffered: the kernel wakes the reader for an event when it
	 * waits (bpf/lib/stream.bpf.h), and what it reads goes out at once */
	bool line_buffered;
	enum out_time time;
	const struct out_labels *labels; /* --label; NULL: none */
};

enum out_col_flags {
	OUT_RIGHT = 1 << 0,	  /* right-aligned in text */
	OUT_HIDDEN = 1 << 1,	  /* no text column unless `show` has its bit */
	OUT_WITH_UID = 1 << 2,	  /* text column only with -U */
	OUT_WITH_CGROUP = 1 << 3, /* text column only with -C */
	OUT_WITH_TIME = 1 << 4,	  /* text column only with -T or -t */
	/* With --prometheus, a label of the row's series, named as its JSON
	 * key (out_cgroup()'s: "cgroup", the path) (lib/prom.h) */
	OUT_LABEL = 1 << 5,
	/* With --prometheus, a counter of the row's series (out_uint()):
	 * <key>_total */
	OUT_COUNTER = 1 << 6,
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
		"CGROUP", "cgroup_id", 24, OUT_WITH_CGROUP | OUT_LABEL                             \
	}

#define OUT_MAX_COLS 64
/* Bytes of a column's JSON key written ahead (,"key":), copied whole. */
#define OUT_KEY_ROOM 32
/* Bytes of a row built before they go to the stream: one write a row. */
#define OUT_LINE_MAX 4096

/* A row is built in `line` and handed to the stream in one write when it
 * ends, rather than in one or more stdio calls a field; keys are copied
 * from a ,"key": made once, numbers written in place, names (out_name())
 * copied unscanned. opensnoop's reader ran 12,289 instructions an event in
 * JSON and 3,004 in text before, 2,897 and 1,745 since (callgrind; see
 * docs/performance.md). Outside a row the line is empty, so that writers of
 * composite values (lib/out_rows.h) can write to `f` themselves. */
struct out {
	FILE *f;
	const struct out_col *cols;
	unsigned ncols;
	uint64_t text_on; /* bit i: column i is shown in text */
	uint64_t want;	  /* bit i: column i is written in this format (out_wanted()) */
	struct out_cfg cfg;
	unsigned fields; /* fields written in the current row */
	int64_t mono_to_real_ns;
	uint64_t start_mono_ns;
	/* Each column's ,"key": and its length (0: a key too long for it) */
	char key_json[OUT_MAX_COLS][OUT_KEY_ROOM];
	uint8_t key_json_len[OUT_MAX_COLS];
	/* The time column of the second last shown: JSON's quote, date, time
	 * and point; text's HH:MM:SS (-T). */
	int64_t cached_sec;
	char cached_time[40];
	size_t cached_len;
	/* --prometheus: the series the rows are added into (lib/prom.h), or
	 * NULL; its label columns' values go there too */
	struct prom *prom;
	size_t len; /* bytes in line */
	char line[OUT_LINE_MAX];
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
/* A name the program itself holds (a syscall's, an errno's, a flag's, a
 * constant word): printable ASCII without '"' or '\\', so written as it is,
 * not scanned for bytes to escape. Never a string from an event. */
void out_name(struct out *o, unsigned col, const char *name);
/* NUL-separated such names (the last one may lack its NUL): a JSON array of
 * strings; in text, the names joined by `sep` (at most OUT_NAMES_MAX bytes). */
#define OUT_NAMES_MAX 1024
void out_names(struct out *o, unsigned col, const char *buf, size_t len, char sep);
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

/* Bytes that may hold NULs (sslsniff's plaintext), escaped as strings are:
 * at most OUT_MEM_MAX of them, whose escaped form always fits a line. */
#define OUT_MEM_MAX 512
void out_mem(struct out *o, unsigned col, const void *s, size_t n);

/* A value the event does not have (a process killed by a signal has no exit
 * code; an older kernel lacks some field): JSON null, `text` (e.g. "-", a
 * name as out_name() takes) in text. */
void out_null(struct out *o, unsigned col, const char *text);
/* Longest string out_str_cut() marks; a longer one is written unmarked. */
#define OUT_CUT_MAX 4096
/* A string the event cut short (`cut`): text shows it followed by "...";
 * JSON writes it as it is (the tool's "truncated" key says it was cut). */
void out_str_cut(struct out *o, unsigned col, const char *s, size_t maxlen, bool cut);

/* With --prometheus, the current row is no series (its cgroup is gone). */
void out_no_series(struct out *o);
/* A stream that keeps nothing written to it (rows that are only series);
 * NULL if it cannot be made. */
FILE *out_nowhere(void);

/* Starts a value the caller writes itself (composite renderers such as
 * histograms); false when the column is not part of this format. */
bool out_key(struct out *o, unsigned col);

/* Hands the row built so far to the stream (for a writer that then writes to
 * o->f itself). */
void out_push(struct out *o);
/* Writes buffered output; 0, -EPIPE when the reader went away, or -errno. */
int out_flush(struct out *o);
/* Current CLOCK_MONOTONIC in ns. */
uint64_t mono_now_ns(void);

#endif
