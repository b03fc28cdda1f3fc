// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* capable: trace capability checks: who needed which capability, and got it or not. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "lib/sonde.h"
#include "lib/stack.h"
#include "common/capable.h"
#include "skel/capable.skel.h"

/* The hooks, in the order they are tried. */
enum capable_hook { HOOK_AUTO, HOOK_TRACEPOINT, HOOK_FENTRY, HOOK_KPROBE, HOOK_COUNT };

static const char *const hook_names[HOOK_COUNT] = {
	[HOOK_TRACEPOINT] = "tracepoint",
	[HOOK_FENTRY] = "fentry",
	[HOOK_KPROBE] = "kprobe",
};

struct capable_opts {
	struct sonde_opts common;
	bool denied;
	bool unique;
	bool kernel_stack;
	enum capable_hook hook;
};

struct capable_ctx {
	struct out out;
	bool kernel_stack; /* -K */
	struct stack_event stack;
};

/* include/uapi/linux/capability.h */
static const char *const cap_names[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

enum { C_CAP = STREAM_COL_NEXT, C_NAME, C_AUDIT, C_VERDICT, C_INSETID, C_CGROUP, C_KSTACK };

static const struct out_col cols[] = {
	[STREAM_COL_TIME] = OUT_COL_TIME,
	[STREAM_COL_UID] = { "UID", "uid", 6, 0 },
	[STREAM_COL_PID] = { "PID", "pid", 7, 0 },
	[STREAM_COL_TID] = { NULL, "tid", 0, 0 },
	[STREAM_COL_COMM] = { "COMM", "comm", 16, 0 },
	[C_CAP] = { "CAP", "cap", 3, OUT_RIGHT },
	[C_NAME] = { "NAME", "cap_name", 22, 0 },
	[C_AUDIT] = { "AUDIT", "audit", 5, OUT_RIGHT },
	[C_VERDICT] = { "VERDICT", "verdict", 7, 0 },
	[C_INSETID] = { NULL, "insetid", 0, 0 },
	[C_CGROUP] = OUT_COL_CGROUP,
	[C_KSTACK] = { "KSTACK", "kernel_stack", 0, OUT_HIDDEN }, /* -K */
};

enum { OPT_UNIQUE = 0x100, OPT_HOOK };

static const struct argp_option options[] = {
	{ "denied", 'x', NULL, 0, "Only checks that were denied", 0 },
	{ "unique", OPT_UNIQUE, NULL, 0, "Show each capability once per process", 0 },
	{ "kernel-stack", 'K', NULL, 0, "Show the kernel stack that made each check", 0 },
	{ "hook", OPT_HOOK, "HOOK", 0,
	  "Trace through HOOK: tracepoint, fentry or kprobe (default: the first this kernel has)",
	  0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('x', struct capable_opts, denied),
	SONDE_STORE(OPT_UNIQUE, struct capable_opts, unique),
	SONDE_STORE('K', struct capable_opts, kernel_stack),
	{ 0 },
};

static int parse_hook(const char *arg, enum capable_hook *hook)
{
	for (int h = HOOK_TRACEPOINT; h < HOOK_COUNT; h++) {
		if (!strcmp(arg, hook_names[h])) {
			*hook = h;
			return 0;
		}
	}
	log_err("invalid value '%s' for --hook: expected tracepoint, fentry or kprobe", arg);
	return -EINVAL;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct capable_opts *o = state->input;

	if (key != OPT_HOOK)
		return ARGP_ERR_UNKNOWN;
	return parse_hook(arg, &o->hook) ? EINVAL : 0;
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.doc = "Trace capability checks: which process needed which capability, and whether it was "
	       "allowed or denied.\v"
	       "EXAMPLES:\n"
	       "  capable                   # every capability check, until Ctrl-C\n"
	       "  capable -x -T             # only denied checks, with a clock column\n"
	       "  capable --unique -c 3f2a9c1b7d4e   # what a container needs\n"
	       "  capable -p 1234 -u www-data        # one process, one user\n"
	       "  capable -x -K             # denied checks, with their kernel stacks\n"
	       "  capable -j | jq -c 'select(.verdict == \"deny\") | {comm, cap_name}'",
};

static const struct sonde_cli cli = { &argp, stores, SONDE_OPT_TIME | SONDE_OPT_UID };

static void select_hook(struct capable_bpf *skel, enum capable_hook h)
{
	bpf_program__set_autoload(skel->progs.handle_cap_tp, h == HOOK_TRACEPOINT);
	bpf_program__set_autoload(skel->progs.handle_cap_fexit, h == HOOK_FENTRY);
	bpf_program__set_autoload(skel->progs.handle_cap_kprobe, h == HOOK_KPROBE);
	bpf_program__set_autoload(skel->progs.handle_cap_kretprobe, h == HOOK_KPROBE);
}

/* Loads and attaches a throwaway copy with hook h only: whether this
 * kernel takes it (fentry needs BPF trampolines, kprobe needs kprobes;
 * neither can be told apart beforehand). libbpf's complaints show with -v. */
static bool hook_works(enum capable_hook h, const struct sonde_opts *common)
{
	struct capable_bpf *skel = capable_bpf__open_opts(&common->open);
	bool ok;

	if (!skel)
		return false;
	select_hook(skel, h);
	sonde_ringbuf_size(skel->obj, 4096);
	ok = !capable_bpf__load(skel) && !capable_bpf__attach(skel);
	capable_bpf__destroy(skel);
	return ok;
}

static bool hook_usable(enum capable_hook h, const struct sonde_opts *common)
{
	if (h == HOOK_TRACEPOINT)
		return !probe_tracefs() || probe_tracepoint("capability", "cap_capable");
	return hook_works(h, common);
}

static int choose_hook(enum capable_hook *h, const struct sonde_opts *common)
{
	bool privileged = !probe_caps_missing(PROBE_CAP_BPF | PROBE_CAP_PERFMON);

	/* Unprivileged or without kernel BTF, every probe fails: let the load
	 * say why. */
	if (!privileged || common->btf_none) {
		if (*h == HOOK_AUTO)
			*h = HOOK_TRACEPOINT;
		return 0;
	}
	if (*h != HOOK_AUTO && !hook_usable(*h, common)) {
		log_err("hook '%s' (--hook) is not available on this kernel", hook_names[*h]);
		return -ENOTSUP;
	}
	/* The tracepoint (tp_btf) needs no tracefs, only its probe here does:
	 * out of reach, the load tells whether the tracepoint is there. */
	if (*h == HOOK_AUTO && !probe_tracefs())
		*h = HOOK_TRACEPOINT;
	if (*h == HOOK_AUTO) {
		if (probe_tracepoint("capability", "cap_capable"))
			*h = HOOK_TRACEPOINT;
		else if (hook_works(HOOK_FENTRY, common))
			*h = HOOK_FENTRY;
		else if (hook_works(HOOK_KPROBE, common))
			*h = HOOK_KPROBE;
	}
	if (*h == HOOK_AUTO) {
		log_err("this kernel has neither the capability:cap_capable tracepoint nor "
			"kprobes/fentry on cap_capable");
		return -ENOTSUP;
	}
	log_debug("hook: %s", hook_names[*h]);
	return 0;
}

/* 0 or 1, or null where the hook does not tell (the tracepoint). */
static void out_opt_bit(struct out *o, unsigned col, const struct capable_event *e, bool bit)
{
	if (e->flags & CAPABLE_F_OPTS)
		out_uint(o, col, bit);
	else
		out_null(o, col, "-");
}

static int handle_event(void *vctx, void *data, size_t size)
{
	struct capable_ctx *ctx = vctx;
	const struct capable_event *e = data;
	struct out *o = &ctx->out;

	if (size < sizeof(*e))
		return 0;
	stream_row_begin(o, &e->h);
	out_int(o, C_CAP, e->cap);
	if (e->cap >= 0 && (size_t)e->cap < ARRAY_SIZE(cap_names))
		out_str(o, C_NAME, cap_names[e->cap], 32);
	else
		out_null(o, C_NAME, "?");
	out_opt_bit(o, C_AUDIT, e, !(e->opts & CAPABLE_OPT_NOAUDIT));
	out_str(o, C_VERDICT, e->ret == 0 ? "allow" : "deny", 8);
	out_opt_bit(o, C_INSETID, e, e->opts & CAPABLE_OPT_INSETID);
	out_cgroup(o, C_CGROUP, e->h.cgroup_id);
	if (ctx->kernel_stack)
		stack_event_out(&ctx->stack, o, C_KSTACK,
				size >= sizeof(struct capable_stack_event)
				    ? &((const struct capable_stack_event *)data)->k
				    : NULL);
	out_row_end(o);
	return 0;
}

int main(int argc, char **argv)
{
	struct capable_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct capable_ctx ctx = { 0 };
	struct sonde_stream st = { .cols = cols,
				   .ncols = ARRAY_SIZE(cols),
				   .on_event = handle_event,
				   .ctx = &ctx,
				   .out = &ctx.out };
	struct capable_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (!err)
		err = choose_hook(&opts.hook, &opts.common);
	if (err) {
		sonde_opts_free(&opts.common);
		return sonde_exit(err);
	}

	skel = capable_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	select_hook(skel, opts.hook);
	skel->rodata->denied_only = opts.denied;
	skel->rodata->unique = opts.unique;
	skel->rodata->self_tgid = getpid();
	st.show = OUT_SHOW(C_KSTACK, opts.kernel_stack);
	stack_event_init(&ctx.stack, stdout, &opts.common.out);
	ctx.kernel_stack = opts.kernel_stack;

	err = stack_event_setup(skel->obj, opts.kernel_stack);
	if (!err)
		err = sonde_stream_run(skel->skeleton, &opts.common, &st);

	stack_event_free(&ctx.stack);
	capable_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
