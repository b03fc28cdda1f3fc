/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The user side of tools that trace syscalls naming a path (opensnoop,
 * statsnoop; BPF side: bpf/lib/pathcall.bpf.h): their shared options
 * (-x, -n, -F), one column set and one event renderer, the probing of the
 * syscall tracepoints this kernel has, and open(2) flag names.
 *
 * A tool declares its columns as `static const struct out_col cols[PATHCALL_NCOLS]`,
 * starting with PATHCALL_COLS_COMMON and leaving out (all zero) those it
 * does not have, and hands them with its opened skeleton to pathcall_run(). */
#ifndef SONDE_LIB_PATHCALL_H
#define SONDE_LIB_PATHCALL_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "lib/opts.h"
#include "lib/out.h"
#include "lib/stream.h"
#include "common/pathcall.h"

struct pathcall_opts {
	struct sonde_opts common;
	bool failed;	  /* -x: only failed calls (filtered in the kernel) */
	bool full_path;	  /* -F: relative paths made absolute */
	bool extended;	  /* -e: FLAGS and MODE columns (opensnoop) */
	const char *name; /* -n: only process names containing this */
};

/* The options every path tool has; `what` names its calls ("opens"). */
#define PATHCALL_OPTIONS(what)                                                                     \
	{ "failed", 'x', NULL, 0, "Only failed " what, 0 },                                        \
	    { "name", 'n', "NAME", 0, "Only processes whose name contains NAME", 0 },              \
	{                                                                                          \
		"full-path", 'F', NULL, 0, "Show relative paths as absolute ones (best effort)", 0 \
	}

/* Parses -x, -n and -F; ARGP_ERR_UNKNOWN for any other key. */
error_t pathcall_parse_opt(int key, char *arg, struct pathcall_opts *o);

/* In the order of the text columns and of the JSON keys, after the header's
 * (lib/stream.h: time, UID, PID, TID, COMM). */
enum pathcall_col {
	PATHCALL_CALL = STREAM_COL_NEXT,
	PATHCALL_FD,	      /* the fd, or -1 on failure */
	PATHCALL_ERR,	      /* errno, or 0 */
	PATHCALL_RET,	      /* the return: 0, or -errno */
	PATHCALL_FLAGS,	      /* the number */
	PATHCALL_FLAGS_TEXT,  /* O_RDONLY|O_CLOEXEC (with -e) */
	PATHCALL_FLAGS_NAMES, /* ["O_RDONLY", "O_CLOEXEC"] */
	PATHCALL_MODE_TEXT,   /* 0644 (with -e) */
	PATHCALL_MODE,
	PATHCALL_CGROUP,
	PATHCALL_PATH,
	PATHCALL_PATH_FROM, /* where the path came from: the kernel's file, or the caller's memory
			     */
	PATHCALL_TRUNC,
	PATHCALL_NCOLS
};

/* The columns both tools have. */
#define PATHCALL_COLS_COMMON                                                                       \
	[STREAM_COL_TIME] = OUT_COL_TIME, [STREAM_COL_UID] = { "UID", "uid", 6, OUT_WITH_UID },    \
	[STREAM_COL_PID] = { "PID", "pid", 7, 0 }, [STREAM_COL_TID] = { NULL, "tid", 0, 0 },       \
	[STREAM_COL_COMM] = { "COMM", "comm", 16, 0 }, [PATHCALL_CALL] = { NULL, "call", 0, 0 },   \
	[PATHCALL_CGROUP] = OUT_COL_CGROUP, [PATHCALL_PATH] = { "PATH", "path", 0, 0 },            \
	[PATHCALL_PATH_FROM] = { NULL, "path_from", 0, 0 },                                        \
	[PATHCALL_TRUNC] = { NULL, "truncated", 0, 0 }

/* Runs an opened skeleton of a path tool to the end: writes -x into its
 * rodata, turns off the programs of syscall tracepoints this kernel lacks
 * (-ENOTSUP, after one line, when none is left), shows the -e columns when
 * asked, then loads, attaches and streams events through `cols`. Returns 0
 * or -errno, as sonde_stream_run(). */
int pathcall_run(struct bpf_object_skeleton *s, const struct pathcall_opts *o,
		 const struct out_col cols[PATHCALL_NCOLS]);

/* -f: one open(2) flag name, with or without "O_", any case. An access mode
 * (O_RDONLY, O_WRONLY, O_RDWR) sets its bit (1 << mode) in *accmodes; any
 * other flag gives the bits it needs all of in *bits. Returns 0, or -EINVAL
 * for an unknown name. */
int open_flag_parse(const char *name, uint32_t *bits, uint8_t *accmodes);

#endif
