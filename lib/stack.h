/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The stack tools' user side (profile, offcputime): their shared options
 * (-U -K -f --format -o), the run (load, attach, read each new process's
 * maps as the kernel announces it, then at the end read the totals), and
 * the stacks symbolized (lib/sym.h) and written in the format asked for
 * (lib/stack_out.c). The BPF side is bpf/lib/stack.bpf.h. */
#ifndef SONDE_LIB_STACK_H
#define SONDE_LIB_STACK_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "lib/opts.h"
#include "lib/out_rows.h"
#include "lib/sym.h"
#include "common/stack.h"

enum stack_format {
	STACK_FMT_TEXT,	  /* BCC's: frames, then "- comm (pid)", then the total */
	STACK_FMT_FOLDED, /* -f: "comm;outer;...;inner total", the flame graphs' input */
	STACK_FMT_JSON,	  /* -j: one object per stack */
	STACK_FMT_PPROF,  /* gzipped pprof protobuf, to -o's file */
	STACK_FMT_SVG,	  /* an interactive flame graph, to -o's file */
};

struct stack_opts {
	bool user_only;		/* -U */
	bool kernel_only;	/* -K */
	bool folded;		/* -f */
	bool by_cgroup;		/* --by-cgroup (a tool that offers it) */
	const char *format;	/* --format, as typed */
	const char *output;	/* -o: a file instead of stdout */
	uint32_t duration_s;	/* [duration], as BCC's tools take it */
	const char *unwind_arg; /* --unwind, as typed */
	enum stack_unwind unwind;
	bool inlined; /* --inline */
	/* What is written, from the options: fmt (text, folded or JSON) to
	 * stdout, or to -o's file when there is no file_fmt; file_fmt (pprof or
	 * SVG, 0 for none) to -o's file. `print`: fmt is written at all (with
	 * a file_fmt, only when -f or -j asked for it too). */
	enum stack_format fmt, file_fmt;
	bool print;
};

/* -U -K -f --format -o and [duration], as an argp child whose input is a
 * struct stack_opts (the tool's parser passes it on at ARGP_KEY_INIT, as
 * count_argp_children's users do). */
extern const struct argp_child stack_argp_children[];
#define STACK_ARGS_DOC "[duration]"

/* After parsing: the options that exclude each other, the format (-j is
 * JSON), and [duration] as -d. 0, or -EINVAL after one line naming the
 * option and value. */
int stack_opts_check(struct stack_opts *o, struct sonde_opts *common);

/* What a stack's total is. */
struct stack_value {
	const char *key;  /* JSON key: "count", "total_us" */
	uint64_t divisor; /* the kernel's unit per unit shown (1000: ns as us) */
};

struct stack_cfg {
	const struct stack_opts *opts;
	const struct sonde_opts *common;
	struct stack_value value;
	/* pprof: what a sample is ("samples"/"count" or "off_cpu"/"microseconds"),
	 * and for a sampling tool the time between two samples of a CPU (ns). */
	const char *sample_type, *sample_unit;
	uint64_t period_ns;
	bool by_thread; /* stacks are told apart by thread (TID shown) */
	/* Called after the skeleton's own programs are attached (perf
	 * events), and before the totals are read; NULL: none. */
	int (*attach)(void *ctx);
	void (*detach)(void *ctx);
	void *ctx;
};

/* The stack tools' ring buffer, unless --buffer says otherwise: user
 * stacks copied for unwinding take up to 16 KiB each (measured: with the
 * default 4 MiB, offcputime on a busy machine lost 388 in 2 s). */
#define STACK_RINGBUF_BYTES (16u << 20)

/* Loads the opened skeleton, attaches it, runs until a signal, --duration
 * or -c's cgroup going, then writes the stacks. 0 or -errno as
 * evloop_run(). */
int stack_run(struct bpf_object_skeleton *s, const struct stack_cfg *cfg);

/* One distinct stack, symbolized. */
struct stack_row {
	struct stack_key key;
	uint64_t total;		  /* in the unit shown */
	struct sym_frame *frames; /* the kernel's (innermost first), then the user's */
	uint32_t nkernel, nuser;
};

struct stack_out {
	FILE *f;
	enum stack_format fmt;
	const struct stack_cfg *cfg;
	struct out_cfg out;	   /* -C for the cgroup's path */
	uint64_t start_ns, end_ns; /* CLOCK_REALTIME of the run's start and end */
};

/* Writes the rows (sorted as they should appear). 0 or -errno. */
int stack_out_write(const struct stack_out *so, const struct stack_row *rows, size_t n);
/* A frame's name in folded lines, pprof and flame graphs: its function, or
 * its file's name in brackets, or [unknown]; written escaped as text is,
 * ';' too (the folded format's separator). */
void stack_frame_name(FILE *f, const struct sym_frame *fr);
/* The same for a string of at most len bytes (a process name, a path). */
void stack_name_str(FILE *f, const char *s, size_t len);
/* The gzipped pprof protobuf of the rows (lib/stack_pprof.c). */
int stack_pprof_write(const struct stack_out *so, const struct stack_row *rows, size_t n);
/* The self-contained interactive flame graph of the rows (lib/stack_svg.c). */
int stack_svg_write(const struct stack_out *so, const struct stack_row *rows, size_t n);

/* User stacks unwound in user space (lib/stack_unwind.c, elfutils' libdw):
 * the copy of a sample's stack walked with the call-frame information of
 * the files its process maps, as the symbolizer read them. */
struct stack_unwinder;

struct stack_unwinder *stack_unwinder__new(struct syms *syms);
void stack_unwinder__free(struct stack_unwinder *u);
/* The image's maps were read again: what was made of them is made again at
 * its next sample. */
void stack_unwinder_forget(struct stack_unwinder *u, uint32_t pid, uint32_t gen);
/* The addresses of the sample's user stack (len: the record's bytes),
 * innermost first, at most max; how many. At least the one it was at. */
uint32_t stack_unwind(struct stack_unwinder *u, const struct stack_sample_rec *r, size_t len,
		      uint64_t *pcs, uint32_t max);

/* A hash table of fixed-size keys and values (lib/stack_agg.c). */
struct stack_tab {
	size_t ksize, vsize;
	size_t n, cap; /* cap: a power of two */
	unsigned char *slots;
};

/* The value of key, made zeroed when absent and `create`; NULL when absent
 * (or out of memory). */
void *stack_tab_get(struct stack_tab *t, const void *key, bool create);
/* Calls cb for every entry until it returns non-zero, which is returned. */
int stack_tab_each(const struct stack_tab *t, int (*cb)(const void *key, void *value, void *arg),
		   void *arg);
void stack_tab_free(struct stack_tab *t);

/* A user stack user space unwound. */
struct stack_pcs {
	uint32_t n;
	uint64_t pc[STACK_MAX_DEPTH];
};

/* Distinct unwound stacks, and keys, kept: as many as the kernel keeps of
 * its own, four times over. */
#define STACK_AGG_MAX (4u * STACK_MAX_STACKS)

/* The totals of samples whose user stacks user space unwound. */
struct stack_agg {
	struct stack_tab stacks; /* hash -> struct stack_pcs */
	struct stack_tab totals; /* struct stack_key -> uint64_t */
	uint64_t missed;	 /* samples counted without their stack: stacks was full */
	uint64_t uncounted;	 /* samples not counted: totals was full */
};

void stack_agg_init(struct stack_agg *a);
void stack_agg_free(struct stack_agg *a);
/* Adds v to key (its user stack: pcs, n of them; none when n is 0). */
int stack_agg_add(struct stack_agg *a, const struct stack_key *key, const uint64_t *pcs, uint32_t n,
		  uint64_t v);
/* The stack a key's user hash names (STACK_USER_UNWOUND), or NULL. */
const struct stack_pcs *stack_agg_stack(const struct stack_agg *a, uint64_t hash);

/* Frames as JSON (lib/stack_event.c): a column whose value is an array of
 * {"sym", "off", "module"}, innermost first, or null when `missed`; fr,
 * from stack_frames_init(), writes them. */
void stack_frames_init(struct out_rows *fr, FILE *f, const struct out_cfg *cfg);
void stack_frames_json(struct out *o, unsigned col, struct out_rows *fr,
		       const struct sym_frame *frames, uint32_t n, bool missed);
/* A frame of the machinery that ran the BPF program (a tracepoint's or a
 * probe's), left out of kernel stacks. */
bool stack_tracing_frame(const struct sym_frame *f);

/* The kernel stack an event carries (capable -K, tcpdrop -K), as the
 * value of a column: in JSON an array of frames as the stack tools'
 * kernel_stack, in text the functions innermost first, joined by ';';
 * null or "-" for an event without one (k NULL: a record too short).
 * /proc/kallsyms is read at the first one. */
struct stack_event {
	struct ksyms *ks;
	bool tried;
	struct out_rows frames;
};

/* Before load: whether events carry their kernel stack (-K). 0 or -EIO. */
int stack_event_setup(struct bpf_object *obj, bool on);
void stack_event_init(struct stack_event *se, FILE *f, const struct out_cfg *cfg);
void stack_event_out(struct stack_event *se, struct out *o, unsigned col,
		     const struct stack_kernel *k);
void stack_event_free(struct stack_event *se);
/* Its kernel symbols, read at the first call (one line on stderr when they
 * cannot be); NULL then. */
const struct ksyms *stack_event_ksyms(struct stack_event *se);

#endif
