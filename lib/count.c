// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/count.h"
#include "lib/loader.h"
#include "lib/log.h"
#include "lib/names.h"
#include "lib/parse.h"
#include "lib/prom.h"

static int parse_errno(const char *arg, uint32_t *out)
{
	int e = errno_parse(arg);

	if (e <= 0 || e > COUNT_MAX_ERRNO) {
		log_err("invalid value '%s' for -e/--errno: expected an errno name (EPERM) or "
			"number (1 to %d)",
			arg, COUNT_MAX_ERRNO);
		return EINVAL;
	}
	*out = e;
	return 0;
}

static const struct argp_option count_options[] = {
	{ "interval", 'i', "SECONDS", 0, "Print a summary every SECONDS (also the first argument)",
	  0 },
	{ "top", 'T', "TOP", 0, "Show the TOP rows with the most calls (default 10; 0: all)", 0 },
	{ "failures", 'x', NULL, 0, "Count only calls that failed", 0 },
	{ "errno", 'e', "ERRNO", 0, "Count only calls that failed with ERRNO (EPERM or 1)", 0 },
	{ "latency", 'L', NULL, 0, "Also show the time spent in the calls, total and average", 0 },
	{ "milliseconds", 'm', NULL, 0, "With -L: times in milliseconds (default: microseconds)",
	  0 },
	{ 0 },
};

static error_t count_parse_opt(int key, char *arg, struct argp_state *state)
{
	struct count_opts *o = state->input;
	uint64_t v;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &o->prom;
		return 0;
	case 'i':
		return parse_seconds("-i/--interval", arg, &o->interval_s) ? EINVAL : 0;
	case ARGP_KEY_ARG:
		if (parse_interval_arg(state->arg_num, arg, &o->interval_s, &o->count))
			return EINVAL;
		return 0;
	case 'T':
		if (parse_uint("-T/--top", arg, 0, UINT32_MAX, &v))
			return EINVAL;
		o->top = v;
		return 0;
	case 'x':
		o->failed = true;
		return 0;
	case 'e':
		return parse_errno(arg, &o->errno_v);
	case 'L':
		o->latency = true;
		return 0;
	case 'm':
		o->ms = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp count_argp = {
	.options = count_options,
	.parser = count_parse_opt,
	.children = prom_argp_children,
};

const struct argp_child count_argp_children[] = { { &count_argp, 0, NULL, 0 }, { 0 } };

int count_bpf_setup(struct bpf_object *obj, const struct count_opts *o)
{
	struct bpf_program *enter = bpf_object__find_program_by_name(obj, "handle_sys_enter");
	__u8 failed = o->failed, latency = o->latency;
	int err;

	err = sonde_rodata_set(obj, "count_failed", &failed, sizeof(failed));
	if (!err)
		err = sonde_rodata_set(obj, "count_errno", &o->errno_v, sizeof(o->errno_v));
	if (!err)
		err = sonde_rodata_set(obj, "measure_latency", &latency, sizeof(latency));
	if (!err && !enter)
		err = -ENOENT;
	if (!err)
		err = bpf_program__set_autoload(enter, o->latency);
	if (err)
		log_err("internal error: the BPF object has no counting settings (%s)",
			strerror(-err));
	return err ? -EIO : 0;
}

int count_table_add(struct count_table *t, uint64_t id, uint32_t nr, const uint64_t *sum)
{
	struct count_row *r;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;

		r = realloc(t->rows, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		t->rows = r;
		t->cap = cap;
	}
	r = &t->rows[t->n++];
	r->id = id;
	r->nr = nr;
	memcpy(&r->v, sum, sizeof(r->v));
	return 0;
}

void count_table_free(struct count_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

static int by_key(const void *a, const void *b)
{
	const struct count_row *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

void count_table_merge(struct count_table *t)
{
	size_t out = 0;

	if (t->n > 1) /* an empty table may have no array at all */
		qsort(t->rows, t->n, sizeof(*t->rows), by_key);
	for (size_t i = 0; i < t->n; i++) {
		struct count_row *r = &t->rows[i], *last = out ? &t->rows[out - 1] : NULL;

		if (last && last->id == r->id && last->nr == r->nr) {
			last->v.count += r->v.count;
			last->v.errors += r->v.errors;
			last->v.lat_ns += r->v.lat_ns;
			last->v.timed += r->v.timed;
			continue;
		}
		t->rows[out++] = *r;
	}
	t->n = out;
}

int count_row_cmp(const struct count_row *x, const struct count_row *y, bool by_time)
{
	uint64_t a = by_time ? x->v.lat_ns : x->v.count, b = by_time ? y->v.lat_ns : y->v.count;

	if (a != b)
		return a > b ? -1 : 1;
	return by_key(x, y);
}

static int by_calls(const void *a, const void *b)
{
	return count_row_cmp(a, b, false);
}

static int by_time(const void *a, const void *b)
{
	return count_row_cmp(a, b, true);
}

void count_rows_rank(struct count_row *rows, size_t n, bool time)
{
	if (n > 1)
		qsort(rows, n, sizeof(*rows), time ? by_time : by_calls);
}

uint64_t count_cols_shown(unsigned first, bool latency, bool ms)
{
	return OUT_SHOW(first + 2, latency && !ms) | OUT_SHOW(first + 3, latency && ms) |
	       OUT_SHOW(first + 4, latency && !ms) | OUT_SHOW(first + 5, latency && ms);
}

/* The row's counters as Prometheus series (lib/prom.h). */
static void count_prom(struct prom *p, const struct count_val *v, bool latency)
{
	prom_counter(p, "syscalls_total", "System calls made.", v->count, 1);
	prom_counter(p, "syscall_errors_total", "System calls that failed.", v->errors, 1);
	if (latency)
		prom_counter(p, "syscall_seconds_total", "Time spent in system calls.", v->lat_ns,
			     1e-9);
}

void out_count(struct out *o, unsigned first, const struct count_val *v, bool latency)
{
	if (o->prom)
		count_prom(o->prom, v, latency);
	out_uint(o, first, v->count);
	out_uint(o, first + 1, v->errors);
	if (!latency)
		return;
	out_double(o, first + 2, v->lat_ns / 1e3, 3);
	out_double(o, first + 3, v->lat_ns / 1e6, 3);
	if (!v->timed) {
		/* Every call had begun before the tool attached. */
		out_null(o, first + 4, "-");
		out_null(o, first + 5, "-");
		return;
	}
	out_double(o, first + 4, (double)v->lat_ns / v->timed / 1e3, 3);
	out_double(o, first + 5, (double)v->lat_ns / v->timed / 1e6, 3);
}

void out_syscall(struct out *o, unsigned col_name, unsigned col_nr, uint32_t nr)
{
	const char *name = syscall_name((int)nr);
	char buf[32];

	if (name) {
		out_str(o, col_name, name, strlen(name));
	} else {
		snprintf(buf, sizeof(buf), "[unknown: %d]", (int)nr);
		out_null(o, col_name, buf);
	}
	out_int(o, col_nr, (int32_t)nr);
}
