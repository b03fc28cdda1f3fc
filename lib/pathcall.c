// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lib/array_size.h"
#include "lib/flags.h"
#include "lib/loader.h"
#include "lib/log.h"
#include "lib/names.h"
#include "lib/pathcall.h"
#include "lib/probe.h"
#include "lib/stream.h"

/* Open flags with which a call may create a file, and so has a mode. */
#define O_CREATES (00000100 | 020000000) /* O_CREAT, __O_TMPFILE */

/* -n: a process name has 1 to TASK_COMM_LEN - 1 bytes. */
static int parse_name(const char *arg, const char **name)
{
	if (!*arg || strlen(arg) >= TASK_COMM_LEN) {
		log_err("invalid value '%s' for -n/--name: expected 1 to %d characters", arg,
			TASK_COMM_LEN - 1);
		return -EINVAL;
	}
	*name = arg;
	return 0;
}

error_t pathcall_parse_opt(int key, char *arg, struct pathcall_opts *o)
{
	switch (key) {
	case 'x':
		o->failed = true;
		return 0;
	case 'n':
		return parse_name(arg, &o->name) ? EINVAL : 0;
	case 'F':
		o->full_path = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* ----------------------------------------------------------- open flags --- */

/* The kernel's values (include/uapi/asm-generic/fcntl.h), not libc's: glibc
 * defines O_LARGEFILE as 0 on 64-bit, but a caller may pass the kernel's bit.
 * arm64 has four of them elsewhere (arch/arm64/include/uapi/asm/fcntl.h). */
#ifdef __aarch64__
#define KO_DIRECTORY 0040000
#define KO_NOFOLLOW 0100000
#define KO_DIRECT 0200000
#define KO_LARGEFILE 0400000
#else
#define KO_DIRECT 0040000
#define KO_LARGEFILE 0100000
#define KO_DIRECTORY 0200000
#define KO_NOFOLLOW 0400000
#endif

/* The access mode comes first, then the flags made of two bits, so that
 * those are named once. */
static const struct flag_name open_flags[] = {
	FLAG_FIELD(3, 0, "O_RDONLY"),
	FLAG_FIELD(3, 1, "O_WRONLY"),
	FLAG_FIELD(3, 2, "O_RDWR"),
	FLAG_BITS(04010000, "O_SYNC"),
	FLAG_BITS(020000000 | KO_DIRECTORY, "O_TMPFILE"),
	FLAG_BITS(00000100, "O_CREAT"),
	FLAG_BITS(00000200, "O_EXCL"),
	FLAG_BITS(00000400, "O_NOCTTY"),
	FLAG_BITS(00001000, "O_TRUNC"),
	FLAG_BITS(00002000, "O_APPEND"),
	FLAG_BITS(00004000, "O_NONBLOCK"),
	FLAG_BITS(00010000, "O_DSYNC"),
	FLAG_BITS(00020000, "O_ASYNC"),
	FLAG_BITS(KO_DIRECT, "O_DIRECT"),
	FLAG_BITS(KO_LARGEFILE, "O_LARGEFILE"),
	FLAG_BITS(KO_DIRECTORY, "O_DIRECTORY"),
	FLAG_BITS(KO_NOFOLLOW, "O_NOFOLLOW"),
	FLAG_BITS(01000000, "O_NOATIME"),
	FLAG_BITS(02000000, "O_CLOEXEC"),
	FLAG_BITS(010000000, "O_PATH"),
};

int open_flag_parse(const char *name, uint32_t *bits, uint8_t *accmodes)
{
	const struct flag_name *f = flag_lookup(name, open_flags, ARRAY_SIZE(open_flags), "O_");

	if (!f)
		return -EINVAL;
	if (f->mask == f->value)
		*bits = f->value;
	else
		*accmodes |= 1u << f->value;
	return 0;
}

/* ------------------------------------------------------------- probing --- */

/* Each exit hook has two programs (PATHCALL_EXIT in bpf/lib/pathcall.bpf.h):
 * NAME_full, which joins relative paths to their directory, is the one
 * loaded with -F, NAME otherwise. Entry hooks have one. */
static void pick_programs(struct bpf_object *obj, bool full_path)
{
	static const char suffix[] = "_full";
	struct bpf_program *prog;

	bpf_object__for_each_program (prog, obj) {
		const char *name = bpf_program__name(prog);
		size_t n = strlen(name);
		bool full = n >= sizeof(suffix) && !strcmp(name + n - (sizeof(suffix) - 1), suffix);

		if (!strstr(bpf_program__section_name(prog), "/sys_exit_"))
			continue;
		if (full != full_path)
			bpf_program__set_autoload(prog, false);
	}
}

static int prepare(struct bpf_object *obj, const struct pathcall_opts *o)
{
	__u8 failed = o->failed;
	__u32 self = getpid();
	int left;

	if (sonde_rodata_set(obj, "pathcall_failed_only", &failed, sizeof(failed)) ||
	    sonde_rodata_set(obj, "pathcall_self_tgid", &self, sizeof(self))) {
		log_err("internal error: the BPF object lacks the path tools' settings");
		return -EIO;
	}
	pick_programs(obj, o->full_path);
	/* open() and creat() exist on x86_64 only; openat2() since 5.6. */
	left = probe_drop_missing_tracepoints(obj);
	if (left)
		return left < 0 ? left : 0;
	log_err("this kernel has none of the syscall tracepoints needed (CONFIG_FTRACE_SYSCALLS)");
	return -ENOTSUP;
}

/* ------------------------------------------------------------ rendering --- */

struct pathcall_ctx {
	const struct pathcall_opts *opts;
	struct out out;
	/* The names of the last sets of flags seen: most opens of a run share a
	 * few (naming them was 170 of opensnoop's 3,400 instructions a JSON
	 * row); replaced in turn. */
	struct {
		bool set;
		uint32_t flags;
		struct flag_names names;
	} named[4];
	unsigned next;
};

static bool comm_contains(const struct pathcall_event *e, const char *name)
{
	return memmem(e->h.comm, strnlen(e->h.comm, sizeof(e->h.comm)), name, strlen(name));
}

/* The flags as a number, and as names for -e and JSON. */
static void out_open_flags(struct pathcall_ctx *c, const struct pathcall_event *e)
{
	unsigned i = 0;

	out_uint(&c->out, PATHCALL_FLAGS, e->flags);
	if (!out_wanted(&c->out, PATHCALL_FLAGS_TEXT) && !out_wanted(&c->out, PATHCALL_FLAGS_NAMES))
		return;
	while (i < ARRAY_SIZE(c->named) && !(c->named[i].set && c->named[i].flags == e->flags))
		i++;
	if (i == ARRAY_SIZE(c->named)) {
		i = c->next++ % ARRAY_SIZE(c->named);
		c->named[i].names.len = 0;
		flag_names_of(&c->named[i].names, e->flags, open_flags, ARRAY_SIZE(open_flags), "");
		c->named[i].set = true;
		c->named[i].flags = e->flags;
	}
	out_flag_names(&c->out, PATHCALL_FLAGS_TEXT, PATHCALL_FLAGS_NAMES, &c->named[i].names);
}

/* The mode, where the call can create a file. */
static void out_mode(struct out *o, const struct pathcall_event *e)
{
	char buf[8];
	unsigned m = e->mode;
	int n = 0;

	if (!(e->flags & O_CREATES)) {
		out_null(o, PATHCALL_MODE_TEXT, "-");
		out_null(o, PATHCALL_MODE, "-");
		return;
	}
	/* "%04o" of 16 bits: 4 to 6 digits. */
	for (int shift = m >> 12 ? (m >> 15 ? 15 : 12) : 9; shift >= 0; shift -= 3)
		buf[n++] = (char)('0' + (m >> shift & 7));
	buf[n] = '\0';
	out_name(o, PATHCALL_MODE_TEXT, buf);
	out_uint(o, PATHCALL_MODE, e->mode);
}

static int handle_event(void *vctx, void *data, size_t size)
{
	struct pathcall_ctx *c = vctx;
	const struct pathcall_opts *opts = c->opts;
	const struct pathcall_event *e = data;
	struct out *o = &c->out;
	const char *call;
	size_t len;

	if (size < offsetof(struct pathcall_event, path))
		return 0;
	if (opts->name && !comm_contains(e, opts->name))
		return 0;
	len = size - offsetof(struct pathcall_event, path);
	len = strnlen(e->path, e->path_len < len ? e->path_len : len);
	call = syscall_name(e->nr);

	stream_row_begin(o, &e->h);
	out_name(o, PATHCALL_CALL, call ? call : "unknown");
	out_int(o, PATHCALL_FD, e->ret >= 0 ? e->ret : -1);
	out_errno(o, PATHCALL_ERR, e->ret < 0 ? -(int64_t)e->ret : 0);
	out_ret(o, PATHCALL_RET, e->ret);
	out_open_flags(c, e);
	out_mode(o, e);
	out_cgroup(o, PATHCALL_CGROUP, e->h.cgroup_id);
	out_str_cut(o, PATHCALL_PATH, e->path, len, e->truncated);
	stream_out_from(o, PATHCALL_PATH_FROM, e->path_from);
	out_bool(o, PATHCALL_TRUNC, e->truncated);
	out_row_end(o);
	return 0;
}

int pathcall_run(struct bpf_object_skeleton *s, const struct pathcall_opts *o,
		 const struct out_col cols[PATHCALL_NCOLS])
{
	struct pathcall_ctx ctx = { .opts = o };
	uint64_t show =
	    OUT_SHOW(PATHCALL_FLAGS_TEXT, o->extended) | OUT_SHOW(PATHCALL_MODE_TEXT, o->extended);
	struct sonde_stream st = { .cols = cols,
				   .ncols = PATHCALL_NCOLS,
				   .show = show,
				   .on_event = handle_event,
				   .ctx = &ctx,
				   .out = &ctx.out };
	int err;

	err = prepare(*s->obj, o);
	return err ? err : sonde_stream_run(s, &o->common, &st);
}
