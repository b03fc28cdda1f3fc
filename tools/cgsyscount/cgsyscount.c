// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* cgsyscount: system calls counted by cgroup v2 (which container, service
 * or pod is making the kernel work), optionally rolled up to a depth of the
 * hierarchy and broken down by syscall; one block per interval. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "lib/sonde.h"
#include "tools/cgsyscount/cgroup_depth.h"
#include "lib/count.h"
#include "lib/dbuf.h"
#include "lib/interval.h"
#include "common/cgsyscount.h"
#include "skel/cgsyscount.skel.h"

/* --depth: not given. */
#define DEPTH_NONE UINT32_MAX
/* The deepest --depth: no cgroup tree is deeper. */
#define DEPTH_MAX 64

struct cgsyscount_opts {
	struct sonde_opts common;
	struct count_opts count;
	uint32_t depth;
	bool by_syscall;
};

/* A cgroup's row: its total, and where its syscalls' rows are in the table. */
struct cg_group {
	struct count_row total;
	size_t first, n;
};

/* Without --by-syscall: buffers to read one half of the BPF side's slots
 * (see its source), the half dbuf's last switch left quiet. */
struct cg_slots {
	const struct bpf_map *map;
	__u32 *keys;
	struct cgsyscount_slot *vals; /* CGSYSCOUNT_SLOTS x ncpu */
};

struct cgsyscount_ctx {
	const struct cgsyscount_opts *opts;
	struct dbuf dbuf;
	struct cg_slots slots;
	struct count_table table;
	struct cg_group *groups;
	size_t ngroups;
	struct out_block block;
	struct out_rows syscalls;
};

enum {
	C_COUNT,
	C_NAME = C_COUNT + COUNT_NCOLS,
	C_PATH,
	C_ID,
	C_CONTAINER,
	C_RUNTIME,
	C_GONE,
	C_SYSCALLS
};

static const struct out_col cols[] = {
	COUNT_COLS(C_COUNT, "SYSCALLS", "syscalls"),
	[C_NAME] = { "CGROUP", NULL, 0, 0 },
	[C_PATH] = { NULL, "cgroup", 0, OUT_LABEL },
	[C_ID] = { NULL, "cgroup_id", 0, 0 },
	[C_CONTAINER] = { NULL, "container_id", 0, 0 },
	[C_RUNTIME] = { NULL, "container_runtime", 0, 0 },
	[C_GONE] = { NULL, "gone", 0, 0 },
	[C_SYSCALLS] = { NULL, "top_syscalls", 0, 0 },
};

/* --by-syscall: rows under a cgroup's, their names indented under its name. */
enum { S_COUNT, S_INDENT = S_COUNT + COUNT_NCOLS, S_SYSCALL, S_NR };

static const struct out_col syscall_cols[] = {
	COUNT_COLS(S_COUNT, "COUNT", "count"),
	[S_INDENT] = { "", NULL, 1, 0 },
	[S_SYSCALL] = { "SYSCALL", "syscall", 0, 0 },
	[S_NR] = { NULL, "nr", 0, 0 },
};

enum { OPT_BY_SYSCALL = 0x100, OPT_DEPTH };

static const struct argp_option options[] = {
	{ "by-syscall", OPT_BY_SYSCALL, NULL, 0, "Break each cgroup down by its top syscalls", 0 },
	{ "depth", OPT_DEPTH, "N", 0,
	  "Add up each cgroup's counts into its ancestor at depth N (1: system.slice, ...)", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE(OPT_BY_SYSCALL, struct cgsyscount_opts, by_syscall),
	SONDE_STORE_RANGE(OPT_DEPTH, "--depth", struct cgsyscount_opts, depth, 0, DEPTH_MAX),
	{ 0 },
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct cgsyscount_opts *o = state->input;

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
	.doc = "Count system calls by cgroup v2: which container, service or pod makes the most.\v"
	       "EXAMPLES:\n"
	       "  cgsyscount                # until Ctrl-C, then the top 10 cgroups\n"
	       "  cgsyscount 5              # every 5 seconds\n"
	       "  cgsyscount --depth 1 1 3  # system.slice, user.slice, ... three times\n"
	       "  cgsyscount --by-syscall -T 3 -c kubepods.slice  # 3 pods, 3 syscalls each\n"
	       "  cgsyscount -x -L          # failed calls only, with the time they took\n"
	       "  cgsyscount -j 1 | jq -c '.cgroups[] | {cgroup, syscalls}'",
	.children = count_argp_children,
};

static const struct sonde_cli cli = { &argp, stores, 0 };

static int collect(const void *key, const uint64_t *sum, void *vctx)
{
	const struct cgsyscount_key *k = key;
	struct cgsyscount_ctx *ctx = vctx;

	return count_table_add(&ctx->table, k->cgroup_id, k->nr, sum);
}

static int slots_init(struct cg_slots *sl, struct cgsyscount_bpf *skel)
{
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu <= 0)
		return -EINVAL;
	sl->map = skel->maps.slots;
	sl->keys = calloc(CGSYSCOUNT_SLOTS, sizeof(*sl->keys));
	sl->vals = calloc((size_t)CGSYSCOUNT_SLOTS * ncpu, sizeof(*sl->vals));
	return sl->keys && sl->vals ? 0 : -ENOMEM;
}

static void slots_free(struct cg_slots *sl)
{
	free(sl->keys);
	free(sl->vals);
}

/* A slot on every CPU: those a cgroup took into the table (and cleared). */
static int slot_taken(uint32_t index, const void *vals, void *vctx)
{
	const struct cgsyscount_slot *v = vals;
	struct cgsyscount_ctx *ctx = vctx;
	bool taken = false;
	int err;

	(void)index;
	for (int cpu = 0; cpu < ctx->dbuf.ncpu; cpu++) {
		if (!v[cpu].cgroup_id)
			continue;
		taken = true;
		err =
		    count_table_add(&ctx->table, v[cpu].cgroup_id, 0, (const uint64_t *)&v[cpu].v);
		if (err)
			return err;
	}
	return taken;
}

/* After dbuf_drain(): the half the programs counted into until its switch. */
static int slots_drain(struct cgsyscount_ctx *ctx)
{
	struct cg_slots *sl = &ctx->slots;

	return pcpu_array_drain(bpf_map__fd(sl->map), !ctx->dbuf.active * CGSYSCOUNT_SLOTS,
				CGSYSCOUNT_SLOTS, sizeof(*sl->vals), ctx->dbuf.ncpu, sl->keys,
				sl->vals, slot_taken, ctx);
}

/* The table, merged by cgroup (rolled up with --depth), as one group per
 * cgroup; each group's rows are its syscalls. */
static int group(struct cgsyscount_ctx *ctx)
{
	struct count_table *t = &ctx->table;
	struct cg_group *g;

	if (ctx->opts->depth != DEPTH_NONE)
		for (size_t i = 0; i < t->n; i++)
			t->rows[i].id = cgroup_rollup(t->rows[i].id, ctx->opts->depth);
	count_table_merge(t);
	free(ctx->groups);
	ctx->groups = calloc(t->n ? t->n : 1, sizeof(*ctx->groups));
	ctx->ngroups = 0;
	if (!ctx->groups)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		const struct count_row *r = &t->rows[i];

		g = &ctx->groups[ctx->ngroups];
		if (!ctx->ngroups || g[-1].total.id != r->id) {
			g->total.id = r->id;
			g->first = i;
			ctx->ngroups++;
		} else {
			g--;
		}
		g->n++;
		g->total.v.count += r->v.count;
		g->total.v.errors += r->v.errors;
		g->total.v.lat_ns += r->v.lat_ns;
		g->total.v.timed += r->v.timed;
	}
	return 0;
}

/* A group ranks by its total (its first member). */
static int rank_cmp(const void *a, const void *b, void *by_time)
{
	const struct count_row *x = a, *y = b;

	return count_row_cmp(x, y, *(bool *)by_time);
}

/* --by-syscall: the syscalls shown under a cgroup. */
static size_t shown(const struct cgsyscount_opts *opts, size_t n)
{
	return opts->count.top && opts->count.top < n ? opts->count.top : n;
}

/* The cgroup's name for people, its path, its container and whether it is
 * gone (a cgroup removed since its calls were counted is still shown). */
static void write_cgroup(struct out *o, uint64_t id)
{
	const char *path = cgroup_path_of(id);
	bool gone = !cgroup_alive(id, path);
	struct cgroup_container ct;
	bool in_ct = path && cgroup_container_of(path, &ct);
	char name[PATH_MAX + 32];

	if (path)
		cgroup_display_name(path, name, sizeof(name) - 8);
	else
		snprintf(name, sizeof(name), "#%llu", (unsigned long long)id);
	if (gone)
		snprintf(name + strlen(name), sizeof(name) - strlen(name), " (gone)");
	out_str(o, C_NAME, name, sizeof(name));
	if (path)
		out_str(o, C_PATH, path, strlen(path));
	else
		out_null(o, C_PATH, "");
	/* Gone before its path was read: no series under no name. */
	if (!path)
		out_no_series(o);
	out_uint(o, C_ID, id);
	if (in_ct) {
		out_str(o, C_CONTAINER, ct.id, CGROUP_CONTAINER_ID_LEN);
		out_name(o, C_RUNTIME, ct.runtime);
	} else {
		out_null(o, C_CONTAINER, "");
		out_null(o, C_RUNTIME, "");
	}
	out_bool(o, C_GONE, gone);
}

/* --by-syscall: the group's top syscalls, nested in its row. */
static void write_syscalls(struct cgsyscount_ctx *ctx, struct out *parent, const struct cg_group *g)
{
	struct count_row *rows = &ctx->table.rows[g->first];
	bool latency = ctx->opts->count.latency;

	count_rows_rank(rows, g->n, latency);
	out_rows_nest(&ctx->syscalls, parent, C_SYSCALLS);
	for (size_t i = 0; i < shown(ctx->opts, g->n); i++) {
		struct out *o = out_rows_row(&ctx->syscalls);

		out_count(o, S_COUNT, &rows[i].v, latency);
		out_str(o, S_INDENT, "", 0);
		out_syscall(o, S_SYSCALL, S_NR, rows[i].nr);
		out_rows_row_end(&ctx->syscalls);
	}
	out_rows_end(&ctx->syscalls);
}

static int report(void *vctx, bool skip_empty)
{
	struct cgsyscount_ctx *ctx = vctx;
	const struct cgsyscount_opts *opts = ctx->opts;
	bool latency = opts->count.latency;
	struct out_rows *rows;
	size_t n;
	int err;

	ctx->table.n = 0;
	err = dbuf_drain(&ctx->dbuf, collect, ctx);
	if (!err && !opts->by_syscall) {
		err = slots_drain(ctx);
		if (err)
			log_err("cannot read the counting slots: %s", strerror(-err));
	}
	if (err || (skip_empty && !ctx->table.n))
		return err;
	err = group(ctx);
	if (err)
		return err;
	if (ctx->ngroups > 1)
		qsort_r(ctx->groups, ctx->ngroups, sizeof(*ctx->groups), rank_cmp, &latency);
	rows = out_block_begin(&ctx->block);
	n = out_rows_top(rows, opts->count.top, ctx->ngroups);
	for (size_t i = 0; i < n; i++) {
		const struct cg_group *g = &ctx->groups[i];
		struct out *o = out_rows_row(rows);

		out_count(o, C_COUNT, &g->total.v, latency);
		write_cgroup(o, g->total.id);
		if (opts->by_syscall)
			write_syscalls(ctx, o, g);
		out_rows_row_end(rows);
	}
	out_block_end(&ctx->block);
	return 0;
}

static void setup_output(struct cgsyscount_ctx *ctx)
{
	const struct cgsyscount_opts *opts = ctx->opts;
	bool lat = opts->count.latency, ms = opts->count.ms;

	out_block_init(&ctx->block, stdout, "cgroups", cols, ARRAY_SIZE(cols),
		       count_cols_shown(C_COUNT, lat, ms), &opts->common.out);
	out_rows_init(&ctx->syscalls, stdout, syscall_cols, ARRAY_SIZE(syscall_cols),
		      count_cols_shown(S_COUNT, lat, ms), &opts->common.out);
}

/* --by-syscall counts (cgroup, syscall) pairs: room for more keys. (The
 * kernel does not hold a hash map in a map-in-map slot to the template's
 * size.) */
static int size_maps(struct cgsyscount_bpf *skel, bool by_syscall)
{
	int err;

	if (!by_syscall)
		return 0;
	skel->rodata->by_syscall = 1;
	err = bpf_map__set_max_entries(skel->maps.counts_a, CGSYSCOUNT_MAX_KEYS_BY_SYSCALL);
	return err ?: bpf_map__set_max_entries(skel->maps.counts_b, CGSYSCOUNT_MAX_KEYS_BY_SYSCALL);
}

int main(int argc, char **argv)
{
	struct cgsyscount_opts opts = { .common = SONDE_OPTS_DEFAULTS,
					.count = COUNT_OPTS_DEFAULTS,
					.depth = DEPTH_NONE };
	struct cgsyscount_ctx ctx = { .opts = &opts };
	struct interval_cfg cfg = {
		.report = report, .ctx = &ctx, .block = &ctx.block, .dbuf = &ctx.dbuf
	};
	struct cgsyscount_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = cgsyscount_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	cfg.interval_s = opts.count.interval_s;
	cfg.count = opts.count.count;
	cfg.prom = &opts.count.prom;
	cfg.outer = skel->maps.counts;
	cfg.a = skel->maps.counts_a;
	cfg.b = skel->maps.counts_b;

	err = count_bpf_setup(skel->obj, &opts.count);
	if (!err)
		err = size_maps(skel, opts.by_syscall);
	if (!err && !opts.by_syscall) {
		err = slots_init(&ctx.slots, skel);
		cfg.active_mirror = &skel->bss->slot_half;
	}
	if (!err) {
		setup_output(&ctx);
		err = interval_run(skel->skeleton, &opts.common, &cfg);
	}

	count_table_free(&ctx.table);
	slots_free(&ctx.slots);
	free(ctx.groups);
	cgsyscount_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
