// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include "lib/array_size.h"
#include "lib/evloop.h"
#include "lib/filter.h"
#include "lib/loader.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "lib/stack.h"
#include "common/stream.h"

enum { OPT_FORMAT = 0x200, OPT_UNWIND, OPT_INLINE };

static const struct argp_option stack_options[] = {
	{ "user-stacks-only", 'U', NULL, 0, "User stacks only (no kernel stacks)", 0 },
	{ "kernel-stacks-only", 'K', NULL, 0, "Kernel stacks only (no user stacks)", 0 },
	{ "folded", 'f', NULL, 0, "Folded stacks, one line each (flame graph input)", 0 },
	{ "format", OPT_FORMAT, "FORMAT", 0, "text (default), folded or json", 0 },
	{ "output", 'o', "FILE", 0, "Write the stacks to FILE instead of stdout", 0 },
	{ "unwind", OPT_UNWIND, "HOW", 0,
	  "User stacks by fp (frame pointers), dwarf (call-frame information) or auto (default: "
	  "fp where all of a process's code has frame pointers)",
	  0 },
	{ "inline", OPT_INLINE, NULL, 0,
	  "Show the functions inlined at each user frame too (where debug information has them)",
	  0 },
	{ 0 },
};

static error_t stack_parse_opt(int key, char *arg, struct argp_state *state)
{
	struct stack_opts *o = state->input;

	switch (key) {
	case 'U':
		o->user_only = true;
		return 0;
	case 'K':
		o->kernel_only = true;
		return 0;
	case 'f':
		o->folded = true;
		return 0;
	case OPT_FORMAT:
		o->format = arg;
		return 0;
	case OPT_UNWIND:
		o->unwind_arg = arg;
		return 0;
	case OPT_INLINE:
		o->inlined = true;
		return 0;
	case 'o':
		o->output = arg;
		return 0;
	case ARGP_KEY_ARG:
		if (state->arg_num > 0) {
			log_err("unexpected argument '%s' (one duration at most)", arg);
			return EINVAL;
		}
		return parse_seconds("duration", arg, &o->duration_s) ? EINVAL : 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp stack_argp = { .options = stack_options, .parser = stack_parse_opt };

const struct argp_child stack_argp_children[] = { { &stack_argp, 0, NULL, 0 }, { 0 } };

static const char *const format_names[] = {
	[STACK_FMT_TEXT] = "text",   [STACK_FMT_FOLDED] = "folded", [STACK_FMT_JSON] = "json",
	[STACK_FMT_PPROF] = "pprof", [STACK_FMT_SVG] = "svg",
};

static int parse_format(const char *arg, enum stack_format *fmt)
{
	for (unsigned i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (!strcmp(arg, format_names[i])) {
			*fmt = i;
			return 0;
		}
	}
	log_err("invalid value '%s' for --format: expected text, folded, json, pprof or svg", arg);
	return -EINVAL;
}

static int parse_unwind(const char *arg, enum stack_unwind *u)
{
	static const char *const names[] = {
		[STACK_UNWIND_AUTO] = "auto",
		[STACK_UNWIND_FP] = "fp",
		[STACK_UNWIND_DWARF] = "dwarf",
	};

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(arg, names[i])) {
			*u = i;
			return 0;
		}
	}
	log_err("invalid value '%s' for --unwind: expected fp, dwarf or auto", arg);
	return -EINVAL;
}

/* -f, -j and --format (parsed into fmt) agree, or one line says why not. */
static int formats_agree(const struct stack_opts *o, const struct sonde_opts *common,
			 enum stack_format fmt)
{
	bool file = fmt == STACK_FMT_PPROF || fmt == STACK_FMT_SVG;

	if (o->folded && common->out.json) {
		log_err("-f/--folded and -j/--json exclude each other");
		return -EINVAL;
	}
	if (o->format && !file &&
	    ((o->folded && fmt != STACK_FMT_FOLDED) ||
	     (common->out.json && fmt != STACK_FMT_JSON))) {
		log_err("--format '%s' and %s exclude each other", o->format,
			o->folded ? "-f/--folded" : "-j/--json");
		return -EINVAL;
	}
	if (file && !o->output) {
		log_err("--format '%s' needs -o FILE: it is written to a file", o->format);
		return -EINVAL;
	}
	return 0;
}

int stack_opts_check(struct stack_opts *o, struct sonde_opts *common)
{
	enum stack_format fmt = STACK_FMT_TEXT;

	if (o->user_only && o->kernel_only) {
		log_err("-U and -K exclude each other: give one (or neither, for both stacks)");
		return -EINVAL;
	}
	if ((o->format && parse_format(o->format, &fmt)) ||
	    (o->unwind_arg && parse_unwind(o->unwind_arg, &o->unwind)) ||
	    formats_agree(o, common, fmt))
		return -EINVAL;
	o->file_fmt = fmt == STACK_FMT_PPROF || fmt == STACK_FMT_SVG ? fmt : 0;
	o->print = !o->file_fmt || o->folded || common->out.json;
	o->fmt = o->folded	    ? STACK_FMT_FOLDED
		 : common->out.json ? STACK_FMT_JSON
		 : o->file_fmt	    ? STACK_FMT_TEXT
				    : fmt;
	/* -d wins over [duration]. */
	if (!common->duration_s)
		common->duration_s = o->duration_s;
	return 0;
}

/* Before load: which stacks, and what tells stacks apart. */
static int stack_setup(struct bpf_object *obj, const struct stack_cfg *cfg)
{
	const struct stack_opts *o = cfg->opts;
	__u8 user = !o->kernel_only, kernel = !o->user_only, cg = o->by_cgroup,
	     thread = cfg->by_thread, unwind = o->unwind;
	int err;

	err = sonde_rodata_set(obj, STACK_NAME(STACK_WANT_USER), &user, 1);
	if (!err)
		err = sonde_rodata_set(obj, STACK_NAME(STACK_WANT_KERNEL), &kernel, 1);
	if (!err)
		err = sonde_rodata_set(obj, STACK_NAME(STACK_BY_CGROUP), &cg, 1);
	if (!err)
		err = sonde_rodata_set(obj, STACK_NAME(STACK_BY_THREAD), &thread, 1);
	if (!err)
		err = sonde_rodata_set(obj, STACK_NAME(STACK_UNWIND), &unwind, 1);
	if (err)
		log_err("internal error: the BPF object has no stack settings (%s)",
			strerror(-err));
	return err ? -EIO : 0;
}

struct stack_state {
	const struct stack_cfg *cfg;
	struct bpf_object *obj;
	struct syms *syms;
	struct stack_unwinder *unwinder;
	struct stack_agg agg; /* samples whose user stacks were unwound here */
	uint64_t start_ns;    /* CLOCK_REALTIME when tracing began */
	uint64_t pcs[STACK_MAX_DEPTH];
	struct stack_row *rows;
	size_t n, cap;
};

static int map_fd(struct bpf_object *obj, const char *name);

/* --unwind=auto: the kernel follows frame pointers in an image whose every
 * file keeps them; it copies the stacks of the others (and of all until
 * this is written). */
static void choose_unwind(struct stack_state *st, uint32_t pid, uint32_t gen)
{
	int fd = map_fd(st->obj, STACK_NAME(STACK_PROCS));
	struct stack_proc p;

	if (fd < 0 || bpf_map_lookup_elem(fd, &pid, &p) || p.gen != gen)
		return;
	p.unwind = syms_proc_has_fp(st->syms, pid, gen) ? STACK_UNWIND_FP : STACK_UNWIND_DWARF;
	bpf_map_update_elem(fd, &pid, &p, BPF_EXIST);
}

/* A new process image: its maps are read while it lives. A sample whose
 * user stack was copied: unwound and counted. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct stack_state *st = ctx;
	const struct stack_proc_rec *p = data;
	const struct stack_sample_rec *r = data;
	uint32_t n;

	if (size >= sizeof(*p) && p->type == STACK_REC_PROC) {
		syms_proc_note(st->syms, p->pid, p->gen);
		/* The files its unwinder knows are those of the maps before. */
		if (p->again)
			stack_unwinder_forget(st->unwinder, p->pid, p->gen);
		if (st->cfg->opts->unwind == STACK_UNWIND_AUTO)
			choose_unwind(st, p->pid, p->gen);
		return 0;
	}
	if (size < offsetof(struct stack_sample_rec, stack) || r->type != STACK_REC_SAMPLE)
		return 0;
	n = stack_unwind(st->unwinder, r, size, st->pcs, STACK_MAX_DEPTH);
	return stack_agg_add(&st->agg, &r->key, st->pcs, n, r->value);
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

/* The depth of a stored stack, its addresses in s. */
static uint32_t stack_get(int fd, uint64_t hash, struct stack_ips *s)
{
	uint32_t n = 0;

	if (!hash || bpf_map_lookup_elem(fd, &hash, s))
		return 0;
	while (n < STACK_MAX_DEPTH && s->ip[n])
		n++;
	return n;
}

/* The user stack of a key: from the kernel's store, or unwound here. */
static uint32_t user_get(const struct stack_state *st, int store, const struct stack_key *key,
			 struct stack_ips *u)
{
	const struct stack_pcs *p;

	if (!(key->flags & STACK_USER_UNWOUND))
		return stack_get(store, key->user, u);
	p = key->user ? stack_agg_stack(&st->agg, key->user) : NULL;
	if (!p)
		return 0;
	memcpy(u->ip, p->pc, p->n * sizeof(p->pc[0]));
	return p->n;
}

/* The user frames of a row, each after the functions inlined at it
 * (--inline): the row's frames grow to hold them. */
static int user_inlined(struct stack_state *st, struct stack_row *r, const struct stack_ips *u,
			uint32_t nu)
{
	size_t cap = r->nkernel + nu, n = r->nkernel;
	struct sym_frame at[SYM_INLINE_MAX + 1];

	for (uint32_t i = 0; i < nu; i++) {
		size_t k = syms_user_frames(st->syms, r->key.pid, r->key.gen, u->ip[i], i > 0, at,
					    ARRAY_SIZE(at));

		if (sym_grow((void **)&r->frames, &cap, n + k, sizeof(*r->frames)))
			return -ENOMEM;
		memcpy(&r->frames[n], at, k * sizeof(at[0]));
		n += k;
	}
	r->nuser = n - r->nkernel;
	return 0;
}

/* The row of one key: its stacks symbolized. */
static int row_fill(struct stack_state *st, int store, struct stack_row *r)
{
	struct stack_ips k, u;
	uint32_t nk = stack_get(store, r->key.kernel, &k), nu = user_get(st, store, &r->key, &u);

	r->frames = calloc(nk + nu ? nk + nu : 1, sizeof(*r->frames));
	if (!r->frames)
		return -ENOMEM;
	r->nkernel = nk;
	r->nuser = nu;
	for (uint32_t i = 0; i < nk; i++)
		syms_kernel(st->syms, k.ip[i], i > 0, &r->frames[i]);
	while (r->nkernel && stack_tracing_frame(&r->frames[nk - r->nkernel]))
		r->nkernel--;
	memmove(r->frames, r->frames + (nk - r->nkernel), r->nkernel * sizeof(*r->frames));
	if (st->cfg->opts->inlined)
		return user_inlined(st, r, &u, nu);
	for (uint32_t i = 0; i < nu; i++)
		syms_user(st->syms, r->key.pid, r->key.gen, u.ip[i], i > 0,
			  &r->frames[r->nkernel + i]);
	return 0;
}

static int row_add(struct stack_state *st, const struct stack_key *key, uint64_t total)
{
	struct stack_row *q;

	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 256;
		q = realloc(st->rows, st->cap * sizeof(*q));
		if (!q)
			return -ENOMEM;
		st->rows = q;
	}
	st->rows[st->n++] = (struct stack_row){ .key = *key, .total = total };
	return 0;
}

static int agg_row(const void *key, void *value, void *arg)
{
	struct stack_state *st = arg;
	uint64_t v = *(uint64_t *)value, div = st->cfg->value.divisor ? st->cfg->value.divisor : 1;

	return v / div ? row_add(st, key, v / div) : 0;
}

/* Every key's total, the kernel's and ours; 0 or -errno. */
static int read_totals(struct stack_state *st)
{
	int fd = map_fd(st->obj, STACK_NAME(STACK_TOTALS)), err = 0;
	struct stack_key key, next;
	uint64_t v, div = st->cfg->value.divisor ? st->cfg->value.divisor : 1;
	bool first = true;

	if (fd < 0)
		return fd;
	while (!err && !bpf_map_get_next_key(fd, first ? NULL : &key, &next)) {
		first = false;
		key = next;
		if (!bpf_map_lookup_elem(fd, &key, &v) && v / div)
			err = row_add(st, &key, v / div);
	}
	return err ? err : stack_tab_each(&st->agg.totals, agg_row, st);
}

static int row_cmp(const void *a, const void *b)
{
	const struct stack_row *x = a, *y = b;

	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

static uint64_t real_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The rows in each format asked for. f: -o's file, or stdout. */
static int write_all(struct stack_state *st, FILE *f)
{
	const struct stack_opts *o = st->cfg->opts;
	struct stack_out so = {
		f, o->file_fmt, st->cfg, st->cfg->common->out, st->start_ns, real_now_ns()
	};
	int err = 0;

	if (o->file_fmt)
		err = stack_out_write(&so, st->rows, st->n);
	so.f = o->file_fmt ? stdout : f;
	so.fmt = o->fmt;
	if (!err && o->print)
		err = stack_out_write(&so, st->rows, st->n);
	return err;
}

static int report(struct stack_state *st, FILE *f)
{
	int store = map_fd(st->obj, STACK_NAME(STACK_STORE)), err;

	if (store < 0)
		return store;
	err = read_totals(st);
	for (size_t i = 0; !err && i < st->n; i++)
		err = row_fill(st, store, &st->rows[i]);
	if (err) {
		log_err("cannot read the stacks: %s", strerror(-err));
		return err;
	}
	if (st->n)
		qsort(st->rows, st->n, sizeof(*st->rows), row_cmp);
	err = write_all(st, f);
	if (st->agg.missed || st->agg.uncounted)
		log_err("%llu samples kept without their user stack, %llu not counted: the table "
			"of unwound stacks was full",
			(unsigned long long)st->agg.missed, (unsigned long long)st->agg.uncounted);
	if (syms_procs_unread(st->syms))
		log_err("%zu processes were gone before their maps could be read: their user "
			"frames are addresses",
			syms_procs_unread(st->syms));
	return err;
}

static const char note_missed[] =
    "stacks not kept: the table of stacks was full (their samples are counted without them)";
static const char note_uncounted[] = "samples not counted: the table of stack totals was full";

static const char *const stack_notes[STREAM_NCOUNTS] = {
	[STREAM_STACK_MISSED] = note_missed,
	[STREAM_STACK_UNCOUNTED] = note_uncounted,
};

/* Loaded, attached and watched: the loop, then the report. */
static int run_loop(struct bpf_object_skeleton *s, struct stack_state *st, FILE *f)
{
	const struct stack_cfg *cfg = st->cfg;
	struct evloop_cfg loop = {
		.obj = *s->obj,
		.on_event = on_record,
		.ctx = st,
		.duration_s = cfg->common->duration_s,
		.notes = stack_notes,
		/* The perf buffer, where it stands in for the ring buffer, is
		 * sized by this (lib/perfread.c). */
		.buffer_bytes = cfg->common->buffer_kib ? (size_t)cfg->common->buffer_kib * 1024
							: STACK_RINGBUF_BYTES,
	};
	struct filter_watch watch;
	long store_err = 0;
	int err;

	err = filter_watch_start(&watch, *s->obj, cfg->common);
	if (err)
		return err;
	loop.watch = &watch;
	st->start_ns = real_now_ns();
	err = evloop_run(&loop);
	if (!sonde_global_get(*s->obj, ".bss", STACK_NAME(STACK_STORE_ERR), &store_err,
			      sizeof(store_err)) &&
	    store_err)
		log_debug("a stack could not be stored: %s", strerror((int)-store_err));
	if (cfg->detach)
		cfg->detach(cfg->ctx);
	sonde_detach(s);
	filter_watch_stop(&watch);
	if (!err)
		err = report(st, f);
	if (!err && fflush(f))
		err = -errno;
	return err;
}

static FILE *open_output(const char *path)
{
	FILE *f = path ? fopen(path, "we") : stdout;

	if (!f)
		log_err("cannot write '%s': %m", path);
	return f;
}

int stack_run(struct bpf_object_skeleton *s, const struct stack_cfg *cfg)
{
	struct stack_state st = { .cfg = cfg, .obj = *s->obj };
	FILE *f;
	int err;

	err = stack_setup(*s->obj, cfg);
	if (err)
		return err;
	/* Room for 1024 copied stacks; --buffer sets another size at load. */
	if (!cfg->common->buffer_kib)
		sonde_ringbuf_size(*s->obj, STACK_RINGBUF_BYTES);
	f = open_output(cfg->opts->output);
	if (!f)
		return -errno;
	st.syms = syms__new(NULL);
	st.unwinder = st.syms ? stack_unwinder__new(st.syms) : NULL;
	stack_agg_init(&st.agg);
	err = st.unwinder ? sonde_load(s, cfg->common) : -ENOMEM;
	if (!err)
		err = sonde_attach(s);
	if (!err && cfg->attach)
		err = cfg->attach(cfg->ctx);
	if (!err)
		err = run_loop(s, &st, f);
	for (size_t i = 0; i < st.n; i++)
		free(st.rows[i].frames);
	free(st.rows);
	stack_agg_free(&st.agg);
	stack_unwinder__free(st.unwinder);
	syms__free(st.syms);
	if (f != stdout && fclose(f) && !err)
		err = -errno;
	return err;
}
