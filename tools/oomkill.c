// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* oomkill: trace OOM kills: the victim, its cgroup and memory, and the trigger. */
#include "lib/sonde.h"
#include "common/oomkill.h"
#include "skel/oomkill.skel.h"

struct oomkill_opts {
	struct sonde_opts common;
};

struct oomkill_ctx {
	struct out out;
};

enum {
	C_TIME,
	C_TRIG_PID,
	C_TRIG_TID,
	C_TRIG_COMM,
	C_TRIG_CGROUP,
	C_PID,
	C_TID,
	C_COMM,
	C_UID,
	C_SCORE,
	C_CGROUP,
	C_RSS,
	C_TOTAL_VM,
	C_ANON,
	C_FILE,
	C_SHMEM,
	C_PGTABLES
};

static const struct out_col cols[] = {
	[C_TIME] = OUT_COL_TIME,
	[C_TRIG_PID] = { "TRIGGER_PID", "trigger_pid", 11, 0 },
	[C_TRIG_TID] = { NULL, "trigger_tid", 0, 0 },
	[C_TRIG_COMM] = { "TRIGGER_COMM", "trigger_comm", 16, 0 },
	[C_TRIG_CGROUP] = { NULL, "trigger_cgroup_id", 0, 0 },
	[C_PID] = { "VICTIM_PID", "pid", 10, 0 },
	[C_TID] = { NULL, "tid", 0, 0 },
	[C_COMM] = { "VICTIM_COMM", "comm", 16, 0 },
	[C_UID] = { NULL, "uid", 0, 0 },
	[C_SCORE] = { NULL, "oom_score_adj", 0, 0 },
	[C_CGROUP] = OUT_COL_CGROUP,
	[C_RSS] = { "RSS_KB", "rss_kb", 10, OUT_RIGHT },
	[C_TOTAL_VM] = { NULL, "total_vm_kb", 0, 0 },
	[C_ANON] = { NULL, "anon_rss_kb", 0, 0 },
	[C_FILE] = { NULL, "file_rss_kb", 0, 0 },
	[C_SHMEM] = { NULL, "shmem_rss_kb", 0, 0 },
	[C_PGTABLES] = { NULL, "pgtables_kb", 0, 0 },
};

/* No options of its own: only the common ones and -T/-t. */
static const struct argp argp = {
	.doc = "Trace OOM kills: the process killed, its cgroup and memory, and the task that ran "
	       "the OOM killer.\v"
	       "EXAMPLES:\n"
	       "  oomkill                   # every OOM kill, until Ctrl-C\n"
	       "  oomkill -T -C             # with the time and the victim's cgroup\n"
	       "  oomkill -c 3f2a9c1b7d4e   # kills in (or triggered from) this container\n"
	       "  oomkill -j | jq -c '{comm, pid, rss_kb, cgroup_id}'",
};

static const struct sonde_cli cli = { &argp, NULL, SONDE_OPT_TIME };

/* A number the event may lack (an older kernel, a victim not seen). */
static void out_known(struct out *o, unsigned col, bool known, int64_t v)
{
	if (known)
		out_int(o, col, v);
	else
		out_null(o, col, "-");
}

static int handle_event(void *vctx, void *data, size_t size)
{
	struct oomkill_ctx *ctx = vctx;
	const struct oomkill_event *e = data;
	struct out *o = &ctx->out;
	bool mem, cred;

	if (size < sizeof(*e))
		return 0;
	mem = e->flags & OOMKILL_F_MEM;
	cred = e->flags & OOMKILL_F_CRED;
	out_row_begin(o);
	out_time(o, C_TIME, e->h.ts_ns);
	out_uint(o, C_TRIG_PID, e->trigger_pid);
	out_uint(o, C_TRIG_TID, e->trigger_tid);
	out_str(o, C_TRIG_COMM, e->trigger_comm, sizeof(e->trigger_comm));
	out_uint(o, C_TRIG_CGROUP, e->trigger_cgroup_id);
	out_uint(o, C_PID, e->h.pid);
	out_uint(o, C_TID, e->h.tid);
	if (e->flags & OOMKILL_F_COMM)
		out_str(o, C_COMM, e->h.comm, sizeof(e->h.comm));
	else
		out_null(o, C_COMM, "-");
	out_known(o, C_UID, cred, e->h.uid);
	out_known(o, C_SCORE, cred, e->oom_score_adj);
	if (e->flags & OOMKILL_F_VICTIM)
		out_cgroup(o, C_CGROUP, e->h.cgroup_id);
	else
		out_null(o, C_CGROUP, "-");
	out_known(o, C_RSS, mem, e->anon_rss_kb + e->file_rss_kb + e->shmem_rss_kb);
	out_known(o, C_TOTAL_VM, mem, e->total_vm_kb);
	out_known(o, C_ANON, mem, e->anon_rss_kb);
	out_known(o, C_FILE, mem, e->file_rss_kb);
	out_known(o, C_SHMEM, mem, e->shmem_rss_kb);
	out_known(o, C_PGTABLES, mem, e->pgtables_kb);
	out_row_end(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct oomkill_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct oomkill_ctx ctx = { 0 };
	struct sonde_stream stream = { .cols = cols,
				       .ncols = ARRAY_SIZE(cols),
				       .on_event = handle_event,
				       .ctx = &ctx,
				       .out = &ctx.out };
	struct oomkill_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = oomkill_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();

	err = sonde_stream_run(skel->skeleton, &opts.common, &stream);
	oomkill_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
