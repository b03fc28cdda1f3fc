/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Times counted by a key of the tool's own (hardirqs: a handler's name,
 * softirqs: a vector), on hist_keys_run() (lib/hist_task.h; BPF side:
 * HIST_MAPS of bpf/lib/hist.bpf.h): their options, and the columns of a
 * report, in which each key has its total time, or (--count) its calls
 * first, or (-D) a histogram.
 *
 * Text, per interval: the time, the header, then per key its name and its
 * total time (TOTAL(us)), or its calls (COUNT) with --count; with -D the
 * columns of a histogram (lib/hist.h) and its bucket table. JSON: one
 * object per key and interval,
 *	{"time":...,"interval_ms":1000,"hardirq":"virtio1-req.0","count":512,"total_us":300}
 * or, with -D, the key followed by the histogram's keys. A report in which
 * nothing was counted has no row. */
#ifndef SONDE_LIB_HIST_IRQ_H
#define SONDE_LIB_HIST_IRQ_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "lib/hist_task.h"
#include "lib/opts.h"
#include "lib/out.h"

struct hist_irq_opts {
	struct hist_opts h; /* first: the input of hist_argp_children too */
	bool by_count;	    /* --count: ranked and shown by calls */
	bool dist;	    /* -D */
	bool ns;	    /* -N */
};

/* --count -D -N, and hist_argp_children' -i -m --fine -T and [interval
 * [count]], as the argp children of a tool's parser, whose input is a
 * struct hist_irq_opts: the tool's parser passes it on with
 * `state->child_inputs[0] = &opts->hist` at ARGP_KEY_INIT. */
extern const struct argp_child hist_irq_argp_children[];
#define HIST_IRQ_ARGS_DOC "[interval [count]]"

/* A tool's whole options: the common ones and these. */
struct hist_irq_tool_opts {
	struct sonde_opts common;
	struct hist_irq_opts hist;
};

/* The parser of a tool whose options are a struct hist_irq_tool_opts and
 * hist_irq_argp_children, and none of its own. */
error_t hist_irq_tool_parse(int key, char *arg, struct argp_state *state);

/* What a tool's keys are. */
struct hist_irq_key {
	struct out_col col; /* the key's column: its text head, JSON key and width */
	uint32_t size;	    /* bytes of a key, at most HIST_KEY_MAX */
	/* Writes key in column col of o. */
	void (*write)(struct out *o, unsigned col, const void *key);
};

/* hist_keys_run() with the key k and the columns h asks for. */
int hist_irq_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
		 const struct hist_irq_opts *h, const struct hist_irq_key *k);

#endif
