// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syscount: system calls counted by syscall or, with -P, by process, with
 * errors and (-L) the time spent; one block per interval. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include "lib/sonde.h"
#include "lib/count.h"
#include "lib/dbuf.h"
#include "lib/interval.h"
#include "common/syscount.h"
#include "skel/syscount.skel.h"

struct syscount_opts {
	struct sonde_opts common;
	struct count_opts count;
	bool by_process, list;
};

/* The calls numbered past the per-syscall array, which the kernel counts
 * for the whole run (far_nrs): each number's total, as last reported. */
struct far_seen {
	uint32_t nr[SYSCOUNT_MAX_FAR];
	struct count_val total[SYSCOUNT_MAX_FAR];
	size_t n;
};

struct syscount_ctx {
	const struct syscount_opts *opts;
	struct syscount_bpf *skel;
	struct dbuf dbuf;
	struct count_table table;
	struct out_block block;
	struct far_seen far;
	struct count_val *cpu_vals; /* one far_nrs value per possible CPU */
	int ncpu;
};

enum { C_PID, C_COMM, C_SYSCALL, C_NR, C_COUNT, C_CGROUP = C_COUNT + COUNT_NCOLS };

/* -P shows the process columns instead of the syscall's (see shown_cols). */
static const struct out_col cols[] = {
	[C_PID] = { "PID", "pid", 7, OUT_HIDDEN | OUT_LABEL },
	[C_COMM] = { "COMM", "comm", 16, OUT_HIDDEN | OUT_LABEL },
	[C_SYSCALL] = { "SYSCALL", "syscall", 22, OUT_HIDDEN | OUT_LABEL },
	[C_NR] = { NULL, "nr", 0, 0 },
	COUNT_COLS(C_COUNT, "COUNT", "count"),
	[C_CGROUP] = { "CGROUP", "cgroup_id", 24, OUT_WITH_CGROUP | OUT_HIDDEN | OUT_LABEL },
};

enum { L_NR, L_SYSCALL };

static const struct out_col list_cols[] = {
	[L_NR] = { "NR", "nr", 4, OUT_RIGHT },
	[L_SYSCALL] = { "SYSCALL", "syscall", 0, 0 },
};

static const struct argp_option options[] = {
	{ "process", 'P', NULL, 0, "Count by process instead of by syscall", 0 },
	{ "list", 'l', NULL, 0, "List the syscall names this tool knows, and exit", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('P', struct syscount_opts, by_process),
	SONDE_STORE('l', struct syscount_opts, list),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct syscount_opts *o = state->input;

	(void)arg;
	if (key != ARGP_KEY_INIT)
		return ARGP_ERR_UNKNOWN;
	state->child_inputs[0] = &o->count;
	return 0;
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.args_doc = COUNT_ARGS_DOC,
	.doc = "Count system calls, by syscall or by process, with errors and latency.\v"
	       "EXAMPLES:\n"
	       "  syscount                  # count until Ctrl-C, then print the top 10\n"
	       "  syscount 1 5              # five 1-second summaries\n"
	       "  syscount -P -i 5          # by process, every 5 seconds\n"
	       "  syscount -L -m -p 1234    # with the time spent (ms), one process only\n"
	       "  syscount -x -e ENOENT     # only calls that failed with ENOENT\n"
	       "  syscount -c 3f2a9c1b7d4e  # only inside this container\n"
	       "  syscount -j 1 | jq -c '.syscalls[:3] | map({syscall, count})'",
	.children = count_argp_children,
};

static const struct sonde_cli cli = { &argp, stores, 0 };

/* -l: the syscall table. */
static int list_syscalls(const struct out_cfg *cfg)
{
	struct out o;

	/* A closed stdout ends it quietly (EPIPE), as it ends a trace. */
	evloop_signals_init();
	out_init(&o, stdout, list_cols, ARRAY_SIZE(list_cols), 0, cfg);
	out_header(&o);
	for (int nr = 0; nr < syscall_count(); nr++) {
		const char *name = syscall_name(nr);

		if (!name)
			continue;
		out_row_begin(&o);
		out_uint(&o, L_NR, nr);
		out_str(&o, L_SYSCALL, name, strlen(name));
		out_row_end(&o);
	}
	return out_flush(&o);
}

static int collect(const void *key, const uint64_t *sum, void *vctx)
{
	struct syscount_ctx *ctx = vctx;
	uint32_t k = *(const uint32_t *)key;

	return count_table_add(&ctx->table, k, k, sum);
}

/* The last total reported for far number nr (a new one starts at zero). */
static struct count_val *far_total(struct far_seen *far, uint32_t nr)
{
	for (size_t i = 0; i < far->n; i++)
		if (far->nr[i] == nr)
			return &far->total[i];
	if (far->n == SYSCOUNT_MAX_FAR)
		return NULL;
	far->nr[far->n] = nr;
	memset(&far->total[far->n], 0, sizeof(far->total[0]));
	return &far->total[far->n++];
}

/* One far number: what it counted since the last report becomes a row. */
static int far_collect_one(struct syscount_ctx *ctx, int fd, uint32_t nr)
{
	const size_t words = sizeof(struct count_val) / sizeof(uint64_t);
	uint64_t now[sizeof(struct count_val) / sizeof(uint64_t)] = { 0 }, delta[words];
	struct count_val *last = far_total(&ctx->far, nr);
	uint64_t *prev = (uint64_t *)last;
	bool any = false;

	if (!last || bpf_map_lookup_elem(fd, &nr, ctx->cpu_vals))
		return 0;
	for (int cpu = 0; cpu < ctx->ncpu; cpu++)
		for (size_t w = 0; w < words; w++)
			now[w] += ((const uint64_t *)&ctx->cpu_vals[cpu])[w];
	for (size_t w = 0; w < words; w++) {
		delta[w] = now[w] - prev[w];
		any |= delta[w] != 0;
		prev[w] = now[w];
	}
	return any ? count_table_add(&ctx->table, nr, nr, delta) : 0;
}

/* Syscall numbers past the array (x32's, unknown ones, -1): their rows. */
static int far_collect(struct syscount_ctx *ctx)
{
	int fd = bpf_map__fd(ctx->skel->maps.far_nrs), err = 0;
	uint32_t key, next;
	bool first = true;

	while (!err && !bpf_map_get_next_key(fd, first ? NULL : &key, &next)) {
		first = false;
		key = next;
		err = far_collect_one(ctx, fd, key);
	}
	return err;
}

/* -P: the process's name and cgroup, as the kernel noted them; false when
 * newer processes pushed it out of the LRU map. */
static bool process_of(struct syscount_ctx *ctx, uint32_t pid, struct syscount_proc *p)
{
	return !bpf_map_lookup_elem(bpf_map__fd(ctx->skel->maps.procs), &pid, p);
}

static void write_row(struct syscount_ctx *ctx, struct out *o, const struct count_row *r)
{
	bool by_process = ctx->opts->by_process;
	struct syscount_proc p;
	bool known = by_process && process_of(ctx, r->id, &p);

	if (by_process) {
		out_uint(o, C_PID, r->id);
		if (known)
			out_str(o, C_COMM, p.comm, sizeof(p.comm));
		else
			out_null(o, C_COMM, "?");
	} else {
		out_syscall(o, C_SYSCALL, C_NR, r->nr);
	}
	out_count(o, C_COUNT, &r->v, ctx->opts->count.latency);
	if (known)
		out_cgroup(o, C_CGROUP, p.cgroup_id);
	else if (by_process)
		out_null(o, C_CGROUP, "-");
}

static int report(void *vctx, bool skip_empty)
{
	struct syscount_ctx *ctx = vctx;
	const struct syscount_opts *opts = ctx->opts;
	struct out_rows *rows;
	size_t n;
	int err;

	ctx->table.n = 0;
	err = dbuf_drain(&ctx->dbuf, collect, ctx);
	if (!err && !opts->by_process)
		err = far_collect(ctx);
	if (err || (skip_empty && !ctx->table.n))
		return err;
	count_rows_rank(ctx->table.rows, ctx->table.n, opts->count.latency);
	rows = out_block_begin(&ctx->block);
	n = out_rows_top(rows, opts->count.top, ctx->table.n);
	for (size_t i = 0; i < n; i++) {
		write_row(ctx, out_rows_row(rows), &ctx->table.rows[i]);
		out_rows_row_end(rows);
	}
	out_block_end(&ctx->block);
	return 0;
}

static uint64_t shown_cols(const struct syscount_opts *opts)
{
	bool p = opts->by_process;

	/* Only a process has a cgroup (shown with -C). */
	return OUT_SHOW(C_PID, p) | OUT_SHOW(C_COMM, p) | OUT_SHOW(C_CGROUP, p) |
	       OUT_SHOW(C_SYSCALL, !p) |
	       count_cols_shown(C_COUNT, opts->count.latency, opts->count.ms);
}

int main(int argc, char **argv)
{
	struct syscount_opts opts = { .common = SONDE_OPTS_DEFAULTS, .count = COUNT_OPTS_DEFAULTS };
	struct syscount_ctx ctx = { .opts = &opts };
	struct interval_cfg cfg = {
		.report = report, .ctx = &ctx, .block = &ctx.block, .dbuf = &ctx.dbuf
	};
	struct syscount_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err || opts.list)
		return sonde_exit(err ?: list_syscalls(&opts.common.out));

	skel = syscount_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	ctx.skel = skel;
	ctx.ncpu = libbpf_num_possible_cpus();
	ctx.cpu_vals = ctx.ncpu > 0 ? calloc(ctx.ncpu, sizeof(*ctx.cpu_vals)) : NULL;
	skel->rodata->by_process = opts.by_process;
	skel->rodata->nr_execve = SYS_execve;
	skel->rodata->nr_execveat = SYS_execveat;
	cfg.interval_s = opts.count.interval_s;
	cfg.count = opts.count.count;
	cfg.prom = &opts.count.prom;
	cfg.outer = opts.by_process ? skel->maps.pid_counts : skel->maps.nr_counts;
	cfg.a = opts.by_process ? skel->maps.pid_counts_a : skel->maps.nr_counts_a;
	cfg.b = opts.by_process ? skel->maps.pid_counts_b : skel->maps.nr_counts_b;

	err = ctx.cpu_vals ? count_bpf_setup(skel->obj, &opts.count) : -ENOMEM;
	if (!err) {
		out_block_init(&ctx.block, stdout, opts.by_process ? "processes" : "syscalls", cols,
			       ARRAY_SIZE(cols), shown_cols(&opts), &opts.common.out);
		err = interval_run(skel->skeleton, &opts.common, &cfg);
	}

	count_table_free(&ctx.table);
	free(ctx.cpu_vals);
	syscount_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
