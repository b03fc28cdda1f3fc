// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* mountsnoop: trace mount(2), umount2(2) and the new mount API. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "lib/flags.h"
#include "lib/sonde.h"
#include "common/mountsnoop.h"
#include "skel/mountsnoop.skel.h"

struct mountsnoop_opts {
	struct sonde_opts common;
	bool failed;
};

/* Per call: its name, and the syscall tracepoints' name (umount2(2) is
 * sys_umount in the kernel). */
static const struct {
	const char *name;
	const char *tp;
} calls[MOUNTSNOOP_NCALLS] = {
	[MOUNTSNOOP_MOUNT] = { "mount", "mount" },
	[MOUNTSNOOP_UMOUNT2] = { "umount2", "umount" },
	[MOUNTSNOOP_FSOPEN] = { "fsopen", "fsopen" },
	[MOUNTSNOOP_FSCONFIG] = { "fsconfig", "fsconfig" },
	[MOUNTSNOOP_FSMOUNT] = { "fsmount", "fsmount" },
	[MOUNTSNOOP_MOVE_MOUNT] = { "move_mount", "move_mount" },
	[MOUNTSNOOP_OPEN_TREE] = { "open_tree", "open_tree" },
	[MOUNTSNOOP_MOUNT_SETATTR] = { "mount_setattr", "mount_setattr" },
	[MOUNTSNOOP_OPEN_TREE_ATTR] = { "open_tree_attr", "open_tree_attr" },
};

/* No UID column. */
enum {
	C_CALL = STREAM_COL_NEXT,
	C_SOURCE,
	C_TARGET,
	C_FS,
	C_FLAGS_TEXT,
	C_FLAGS,
	C_FLAGS_NAMES,
	C_RET,
	C_CGROUP,
	C_DATA,
	C_STRINGS_FROM,
	C_TRUNC
};

static const struct out_col cols[] = {
	[STREAM_COL_TIME] = OUT_COL_TIME,
	[STREAM_COL_PID] = { "PID", "pid", 7, 0 },
	[STREAM_COL_TID] = { NULL, "tid", 0, 0 },
	[STREAM_COL_COMM] = { "COMM", "comm", 16, 0 },
	[C_CALL] = { "CALL", "call", 14, 0 },
	[C_SOURCE] = { "SOURCE", "source", 16, 0 },
	[C_TARGET] = { "TARGET", "target", 24, 0 },
	[C_FS] = { "FS", "fs", 8, 0 },
	[C_FLAGS_TEXT] = { "FLAGS", NULL, 20, 0 },
	[C_FLAGS] = { NULL, "flags", 0, 0 },
	[C_FLAGS_NAMES] = { NULL, "flags_names", 0, 0 },
	[C_RET] = { "RET", "ret", 7, OUT_RIGHT },
	[C_CGROUP] = OUT_COL_CGROUP,
	[C_DATA] = { "DATA", "data", 0, 0 },
	[C_STRINGS_FROM] = { NULL, "strings_from", 0, 0 },
	[C_TRUNC] = { NULL, "truncated", 0, 0 },
};

static const struct argp_option options[] = {
	{ "failed", 'x', NULL, 0, "Only calls that failed", 0 },
	{ 0 },
};

static const struct sonde_store stores[] = {
	SONDE_STORE('x', struct mountsnoop_opts, failed),
	{ 0 },
};

static const struct argp argp = {
	.options = options,
	.doc = "Trace mount system calls: mount, umount2, fsopen, fsconfig, fsmount, move_mount, "
	       "open_tree, mount_setattr and open_tree_attr.\v"
	       "EXAMPLES:\n"
	       "  mountsnoop                # every mount call, until Ctrl-C\n"
	       "  mountsnoop -x -T          # only failed calls, with a clock column\n"
	       "  mountsnoop -c 3f2a9c1b7d4e   # mounts made inside this container\n"
	       "  mountsnoop -j | jq -c 'select(.call == \"mount\") | {target, fs, data}'",
};

static const struct sonde_cli cli = { &argp, stores, SONDE_OPT_TIME };

/* ------------------------------------------------------------- flags --- */

/* include/uapi/linux/mount.h; bits 22-31 are the kernel's own (MS_KERNMOUNT...). */
static const struct flag_name ms_flags[] = {
	FLAG_BITS(1 << 0, "MS_RDONLY"),	      FLAG_BITS(1 << 1, "MS_NOSUID"),
	FLAG_BITS(1 << 2, "MS_NODEV"),	      FLAG_BITS(1 << 3, "MS_NOEXEC"),
	FLAG_BITS(1 << 4, "MS_SYNCHRONOUS"),  FLAG_BITS(1 << 5, "MS_REMOUNT"),
	FLAG_BITS(1 << 6, "MS_MANDLOCK"),     FLAG_BITS(1 << 7, "MS_DIRSYNC"),
	FLAG_BITS(1 << 8, "MS_NOSYMFOLLOW"),  FLAG_BITS(1 << 10, "MS_NOATIME"),
	FLAG_BITS(1 << 11, "MS_NODIRATIME"),  FLAG_BITS(1 << 12, "MS_BIND"),
	FLAG_BITS(1 << 13, "MS_MOVE"),	      FLAG_BITS(1 << 14, "MS_REC"),
	FLAG_BITS(1 << 15, "MS_SILENT"),      FLAG_BITS(1 << 16, "MS_POSIXACL"),
	FLAG_BITS(1 << 17, "MS_UNBINDABLE"),  FLAG_BITS(1 << 18, "MS_PRIVATE"),
	FLAG_BITS(1 << 19, "MS_SLAVE"),	      FLAG_BITS(1 << 20, "MS_SHARED"),
	FLAG_BITS(1 << 21, "MS_RELATIME"),    FLAG_BITS(1 << 23, "MS_I_VERSION"),
	FLAG_BITS(1 << 24, "MS_STRICTATIME"), FLAG_BITS(1 << 25, "MS_LAZYTIME"),
};

/* The magic old programs put in the high 16 bits; the kernel drops it. */
#define MS_MGC_VAL 0xc0ed0000u
#define MS_MGC_MSK 0xffff0000u

static const struct flag_name umount_flags[] = {
	FLAG_BITS(1, "MNT_FORCE"),
	FLAG_BITS(2, "MNT_DETACH"),
	FLAG_BITS(4, "MNT_EXPIRE"),
	FLAG_BITS(8, "UMOUNT_NOFOLLOW"),
};

static const struct flag_name fsopen_flags[] = { FLAG_BITS(1, "FSOPEN_CLOEXEC") };
static const struct flag_name fsmount_flags[] = { FLAG_BITS(1, "FSMOUNT_CLOEXEC") };

/* MOUNT_ATTR__ATIME first: cleared as a whole to change the atime mode. */
static const struct flag_name attr_flags[] = {
	FLAG_BITS(0x70, "MOUNT_ATTR__ATIME"),	   FLAG_BITS(0x01, "MOUNT_ATTR_RDONLY"),
	FLAG_BITS(0x02, "MOUNT_ATTR_NOSUID"),	   FLAG_BITS(0x04, "MOUNT_ATTR_NODEV"),
	FLAG_BITS(0x08, "MOUNT_ATTR_NOEXEC"),	   FLAG_BITS(0x10, "MOUNT_ATTR_NOATIME"),
	FLAG_BITS(0x20, "MOUNT_ATTR_STRICTATIME"), FLAG_BITS(0x80, "MOUNT_ATTR_NODIRATIME"),
	FLAG_BITS(0x100000, "MOUNT_ATTR_IDMAP"),   FLAG_BITS(0x200000, "MOUNT_ATTR_NOSYMFOLLOW"),
};

static const struct flag_name move_mount_flags[] = {
	FLAG_BITS(0x001, "MOVE_MOUNT_F_SYMLINKS"),   FLAG_BITS(0x002, "MOVE_MOUNT_F_AUTOMOUNTS"),
	FLAG_BITS(0x004, "MOVE_MOUNT_F_EMPTY_PATH"), FLAG_BITS(0x010, "MOVE_MOUNT_T_SYMLINKS"),
	FLAG_BITS(0x020, "MOVE_MOUNT_T_AUTOMOUNTS"), FLAG_BITS(0x040, "MOVE_MOUNT_T_EMPTY_PATH"),
	FLAG_BITS(0x100, "MOVE_MOUNT_SET_GROUP"),    FLAG_BITS(0x200, "MOVE_MOUNT_BENEATH"),
};

/* open_tree(), mount_setattr(): AT_* flags, and open_tree()'s own. */
static const struct flag_name tree_flags[] = {
	FLAG_BITS(1, "OPEN_TREE_CLONE"),	 FLAG_BITS(02000000, "OPEN_TREE_CLOEXEC"),
	FLAG_BITS(0x100, "AT_SYMLINK_NOFOLLOW"), FLAG_BITS(0x800, "AT_NO_AUTOMOUNT"),
	FLAG_BITS(0x1000, "AT_EMPTY_PATH"),	 FLAG_BITS(0x8000, "AT_RECURSIVE"),
};

static const char *const fsconfig_cmds[] = {
	"FSCONFIG_SET_FLAG",   "FSCONFIG_SET_STRING",	   "FSCONFIG_SET_BINARY",
	"FSCONFIG_SET_PATH",   "FSCONFIG_SET_PATH_EMPTY",  "FSCONFIG_SET_FD",
	"FSCONFIG_CMD_CREATE", "FSCONFIG_CMD_RECONFIGURE", "FSCONFIG_CMD_CREATE_EXCL",
};
enum {
	FSCONFIG_SET_FLAG,
	FSCONFIG_SET_STRING,
	FSCONFIG_SET_BINARY,
	FSCONFIG_SET_PATH,
	FSCONFIG_SET_PATH_EMPTY,
	FSCONFIG_SET_FD
};

/* mount_setattr(), open_tree_attr(): attributes set (+), cleared (-), and
 * the propagation type (one MS_* value). */
static void attr_names(struct flag_names *n, const struct mountsnoop_event *e)
{
	flag_names_of(n, e->attr[0], attr_flags, ARRAY_SIZE(attr_flags), "+");
	flag_names_of(n, e->attr[1], attr_flags, ARRAY_SIZE(attr_flags), "-");
	flag_names_of(n, e->attr[2], ms_flags, ARRAY_SIZE(ms_flags), "");
}

static void call_flags(struct flag_names *n, const struct mountsnoop_event *e)
{
	uint64_t f = e->flags;

	switch (e->call) {
	case MOUNTSNOOP_MOUNT:
		if ((f & MS_MGC_MSK) == MS_MGC_VAL) {
			flag_names_add(n, "", "MS_MGC_VAL");
			f &= ~(uint64_t)MS_MGC_MSK;
		}
		flag_names_of(n, f, ms_flags, ARRAY_SIZE(ms_flags), "");
		break;
	case MOUNTSNOOP_UMOUNT2:
		flag_names_of(n, f, umount_flags, ARRAY_SIZE(umount_flags), "");
		break;
	case MOUNTSNOOP_FSOPEN:
		flag_names_of(n, f, fsopen_flags, ARRAY_SIZE(fsopen_flags), "");
		break;
	case MOUNTSNOOP_FSCONFIG:
		if (f < ARRAY_SIZE(fsconfig_cmds))
			flag_names_add(n, "", fsconfig_cmds[f]);
		else
			flag_names_of(n, f, NULL, 0, "");
		break;
	case MOUNTSNOOP_FSMOUNT:
		flag_names_of(n, f, fsmount_flags, ARRAY_SIZE(fsmount_flags), "");
		flag_names_of(n, e->attr[0], attr_flags, ARRAY_SIZE(attr_flags), "");
		break;
	case MOUNTSNOOP_MOVE_MOUNT:
		flag_names_of(n, f, move_mount_flags, ARRAY_SIZE(move_mount_flags), "");
		break;
	default: /* open_tree, mount_setattr, open_tree_attr */
		flag_names_of(n, f, tree_flags, ARRAY_SIZE(tree_flags), "");
		if (e->call != MOUNTSNOOP_OPEN_TREE)
			attr_names(n, e);
		break;
	}
}

/* ------------------------------------------------------------- strings --- */

/* A string column's value: NULL for none (not given, or empty). */
struct value {
	const char *s;
	size_t len;
	bool cut;
	char own[MOUNTSNOOP_STR_LEN * 2 + 32];
};

static bool has(const struct mountsnoop_event *e, int i)
{
	return e->present & (1u << i);
}

static void value_raw(struct value *v, const struct mountsnoop_event *e, int i)
{
	if (!has(e, i) || !e->str[i][0])
		return;
	v->s = e->str[i];
	v->len = strnlen(e->str[i], MOUNTSNOOP_STR_LEN);
	v->cut = e->truncated & (1u << i);
}

static void value_printf(struct value *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void value_printf(struct value *v, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(v->own, sizeof(v->own), fmt, ap);
	va_end(ap);
	v->s = v->own;
	v->len = n < 0 ? 0 : (size_t)n < sizeof(v->own) ? (size_t)n : sizeof(v->own) - 1;
}

/* A path string i given with a dirfd: an empty path names the fd itself
 * ("fd:3"), a relative one starts there ("fd:3/sub"); an absolute path, or
 * one relative to the working directory, is shown as given. */
static void value_path(struct value *v, const struct mountsnoop_event *e, int i, int dirfd)
{
	value_raw(v, e, i);
	if (dirfd == MOUNTSNOOP_AT_FDCWD || (v->s && v->s[0] == '/'))
		return;
	if (!v->s)
		value_printf(v, "fd:%d", dirfd);
	else
		value_printf(v, "fd:%d/%.*s", dirfd, (int)v->len, v->s);
}

/* fsconfig(): "key", "key=value", "key=fd:N" as the command sets it. */
static void value_fsconfig(struct value *v, const struct mountsnoop_event *e)
{
	struct value val = { 0 };
	const char *key = e->str[MOUNTSNOOP_SOURCE];

	if (!has(e, MOUNTSNOOP_SOURCE))
		return;
	switch (e->flags) {
	case FSCONFIG_SET_STRING:
		value_raw(&val, e, MOUNTSNOOP_DATA);
		break;
	case FSCONFIG_SET_PATH:
	case FSCONFIG_SET_PATH_EMPTY:
		value_path(&val, e, MOUNTSNOOP_DATA, e->fd[1]);
		break;
	case FSCONFIG_SET_FD:
		value_printf(&val, "fd:%d", e->fd[1]);
		break;
	}
	if (val.s)
		value_printf(v, "%.*s=%.*s", (int)strnlen(key, MOUNTSNOOP_STR_LEN), key,
			     (int)val.len, val.s);
	else
		value_printf(v, "%.*s", (int)strnlen(key, MOUNTSNOOP_STR_LEN), key);
	v->cut = val.cut || (e->truncated & (1u << MOUNTSNOOP_SOURCE));
}

static void out_value(struct out *o, unsigned col, const struct value *v)
{
	if (v->s)
		out_str_cut(o, col, v->s, v->len, v->cut);
	else
		out_null(o, col, "-");
}

/* The event's source, target, fs and data, as its call means them. */
static void call_values(const struct mountsnoop_event *e, struct value v[MOUNTSNOOP_NSTRS])
{
	switch (e->call) {
	case MOUNTSNOOP_MOUNT:
		value_raw(&v[MOUNTSNOOP_SOURCE], e, MOUNTSNOOP_SOURCE);
		value_raw(&v[MOUNTSNOOP_DATA], e, MOUNTSNOOP_DATA);
		break;
	case MOUNTSNOOP_FSCONFIG:
		value_printf(&v[MOUNTSNOOP_SOURCE], "fd:%d", e->fd[0]);
		value_fsconfig(&v[MOUNTSNOOP_DATA], e);
		return;
	case MOUNTSNOOP_FSMOUNT:
		value_printf(&v[MOUNTSNOOP_SOURCE], "fd:%d", e->fd[0]);
		return;
	default:
		value_path(&v[MOUNTSNOOP_SOURCE], e, MOUNTSNOOP_SOURCE, e->fd[0]);
		break;
	}
	value_path(&v[MOUNTSNOOP_TARGET], e, MOUNTSNOOP_TARGET, e->fd[1]);
	value_raw(&v[MOUNTSNOOP_FS], e, MOUNTSNOOP_FS);
}

/* ------------------------------------------------------------- events --- */

static int handle_event(void *vctx, void *data, size_t size)
{
	struct out *o = vctx;
	const struct mountsnoop_event *e = data;
	struct value v[MOUNTSNOOP_NSTRS] = { 0 };
	struct flag_names n = { .len = 0 };
	bool cut = false;

	if (size < sizeof(*e) || e->call >= MOUNTSNOOP_NCALLS)
		return 0;
	call_values(e, v);
	call_flags(&n, e);
	for (int i = 0; i < MOUNTSNOOP_NSTRS; i++)
		cut |= v[i].cut;

	stream_row_begin(o, &e->h);
	out_str(o, C_CALL, calls[e->call].name, 32);
	out_value(o, C_SOURCE, &v[MOUNTSNOOP_SOURCE]);
	out_value(o, C_TARGET, &v[MOUNTSNOOP_TARGET]);
	out_value(o, C_FS, &v[MOUNTSNOOP_FS]);
	out_uint(o, C_FLAGS, e->flags);
	out_flag_names(o, C_FLAGS_TEXT, C_FLAGS_NAMES, &n);
	out_ret(o, C_RET, e->ret);
	out_cgroup(o, C_CGROUP, e->h.cgroup_id);
	out_value(o, C_DATA, &v[MOUNTSNOOP_DATA]);
	stream_out_from(o, C_STRINGS_FROM, e->strings_from);
	out_bool(o, C_TRUNC, cut);
	out_row_end(o);
	return 0;
}

/* Turns off the calls whose tracepoints this kernel lacks (the new mount
 * API came in 5.2, mount_setattr in 5.12, open_tree_attr in 6.15). */
static int skip_missing_calls(struct bpf_object *obj)
{
	char name[64], tp[64];
	int left = 0, err;

	/* Unprivileged, tracefs may be out of reach: let the load say why. */
	if (!probe_privileged())
		return 0;
	err = tracefs_ensure();
	if (err)
		return err;
	for (int c = 0; c < MOUNTSNOOP_NCALLS; c++) {
		snprintf(tp, sizeof(tp), "sys_enter_%s", calls[c].tp);
		if (probe_tracepoint("syscalls", tp)) {
			left++;
			continue;
		}
		log_debug("%s: no syscalls:%s in this kernel, not traced", calls[c].name, tp);
		snprintf(name, sizeof(name), "handle_enter_%s", calls[c].tp);
		bpf_program__set_autoload(bpf_object__find_program_by_name(obj, name), false);
		snprintf(name, sizeof(name), "handle_exit_%s", calls[c].tp);
		bpf_program__set_autoload(bpf_object__find_program_by_name(obj, name), false);
	}
	if (left)
		return 0;
	log_err("this kernel has none of the mount syscall tracepoints (CONFIG_FTRACE_SYSCALLS)");
	return -ENOTSUP;
}

int main(int argc, char **argv)
{
	struct mountsnoop_opts opts = { .common = SONDE_OPTS_DEFAULTS };
	struct out out;
	struct sonde_stream st = { .cols = cols,
				   .ncols = ARRAY_SIZE(cols),
				   .on_event = handle_event,
				   .ctx = &out,
				   .out = &out };
	struct mountsnoop_bpf *skel;
	int err;

	err = sonde_parse(argc, argv, &cli, &opts, &opts.common);
	if (err)
		return sonde_exit(err);

	skel = mountsnoop_bpf__open_opts(&opts.common.open);
	if (!skel)
		return sonde_open_failed();
	skel->rodata->failed_only = opts.failed;

	err = skip_missing_calls(skel->obj);
	if (!err)
		err = sonde_stream_run(skel->skeleton, &opts.common, &st);

	mountsnoop_bpf__destroy(skel);
	sonde_opts_free(&opts.common);
	return sonde_exit(err);
}
