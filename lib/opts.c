// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/btfsrc.h"
#include "lib/filter.h"
#include "lib/escape.h"
#include "lib/log.h"
#include "lib/opts.h"
#include "lib/parse.h"
#include "common/net.h"

#ifndef SONDE_VERSION
#define SONDE_VERSION "0.0.0"
#endif

enum {
	OPT_USAGE = 0x1000,
	OPT_BUFFER,
	OPT_FOLLOW,
	OPT_LIST_OPTIONS,
	OPT_BTF,
	OPT_LINE_BUFFERED,
	OPT_LABEL
};

static const struct argp_option common_options[] = {
	{ NULL, 0, NULL, 0, "Common options:", 100 },
	{ "pid", 'p', "PID", 0, "Only this process (thread group ID)", 100 },
	{ "cgroup", 'c', "CG", 0,
	  "Only this cgroup v2 subtree: a path (absolute or relative to the cgroup2 mount), a "
	  "cgroup ID, or a container ID (12+ hex digits); the tool ends when the cgroup is removed",
	  100 },
	{ "follow", OPT_FOLLOW, NULL, 0,
	  "With -c: when its cgroup is removed, go on, and trace the one created again at its path",
	  100 },
	{ "show-cgroup", 'C', NULL, 0, "Show each event's cgroup path", 100 },
	{ "json", 'j', NULL, 0, "Print NDJSON: one object per line", 100 },
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS", 100 },
	{ "buffer", OPT_BUFFER, "KIB", 0,
	  "Kernel event buffer size in KiB: a power of two, 4 to 262144 (default 4096)", 100 },
	{ "line-buffered", OPT_LINE_BUFFERED, NULL, 0,
	  "Write each line as soon as its event happens, even into a pipe or a file", 100 },
	{ "label", OPT_LABEL, "KEY=VALUE", 0,
	  "Add KEY with VALUE to every JSON object, as a column in text and as a Prometheus "
	  "label (repeatable: a node's name, a cluster's)",
	  100 },
	{ "verbose", 'v', NULL, 0, "Show libbpf and loader diagnostics on stderr", 100 },
	{ "btf", OPT_BTF, "FILE", 0,
	  "Kernel BTF to use where the kernel has none at /sys/kernel/btf/vmlinux (a vmlinux, a "
	  "BTF file, or a small one from scripts/gen-min-btf)",
	  100 },
	{ "help", 'h', NULL, 0, "Show this help and exit", 100 },
	{ "usage", OPT_USAGE, NULL, 0, "Show a short usage message and exit", 100 },
	{ "version", 'V', NULL, 0, "Print the version and exit", 100 },
	/* For the build, which makes the shell completion of each tool from it. */
	{ "list-options", OPT_LIST_OPTIONS, NULL, OPTION_HIDDEN, "List every option, one a line",
	  100 },
	{ 0 },
};

static const struct argp_option time_options[] = {
	{ "timestamp", 'T', NULL, 0, "Show the wall-clock time (HH:MM:SS)", 90 },
	{ "time", 't', NULL, 0, "Show seconds since the tool started", 90 },
	{ 0 },
};

static const struct argp_option uid_options[] = {
	{ "uid", 'u', "UID", 0, "Only this user (UID or user name)", 90 },
	{ "print-uid", 'U', NULL, 0, "Show the UID column", 90 },
	{ 0 },
};

static const struct argp_option family_options[] = {
	{ "ipv4", '4', NULL, 0, "Only IPv4", 0 },
	{ "ipv6", '6', NULL, 0, "Only IPv6", 0 },
	{ 0 },
};

/* Sets the field of a stored option: 0, EINVAL for a bad value (after one
 * line naming the option and the value), ARGP_ERR_UNKNOWN for a key that
 * has no store. */
static error_t store(const struct sonde_store *stores, int key, char *arg, void *opts)
{
	const struct sonde_store *s = stores;
	char *field;
	uint64_t v;

	while (s && s->key && s->key != key)
		s++;
	if (!s || !s->key)
		return ARGP_ERR_UNKNOWN;
	field = (char *)opts + s->offset;
	switch (s->kind) {
	case SONDE_STORE_TRUE:
		*(bool *)field = true;
		return 0;
	case SONDE_STORE_ARG:
		*(const char **)field = arg;
		return 0;
	case SONDE_STORE_UINT32:
		if (parse_uint(s->name, arg, s->min, s->max, &v))
			return EINVAL;
		*(uint32_t *)field = v;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static const struct sonde_store sonde_stores[] = {
	SONDE_STORE('c', struct sonde_opts, cgroup),
	SONDE_STORE('C', struct sonde_opts, out.show_cgroup),
	SONDE_STORE('j', struct sonde_opts, out.json),
	SONDE_STORE('v', struct sonde_opts, verbose),
	SONDE_STORE(OPT_FOLLOW, struct sonde_opts, follow),
	SONDE_STORE(OPT_BTF, struct sonde_opts, btf),
	SONDE_STORE('U', struct sonde_opts, out.show_uid),
	SONDE_STORE(OPT_LINE_BUFFERED, struct sonde_opts, out.line_buffered),
	{ 0 },
};

static int parse_buffer_kib(const char *arg, uint32_t *kib)
{
	uint64_t v;

	if (parse_uint("--buffer", arg, 4, 262144, &v))
		return -EINVAL;
	if (v & (v - 1)) {
		log_err("invalid value '%s' for --buffer: expected a power of two (KiB)", arg);
		return -EINVAL;
	}
	*kib = v;
	return 0;
}

/* argp ends an option's help with a line of only spaces when the help fills
 * its last line exactly: the help goes out without such lines and without
 * blanks at the ends of lines. */
static void help_write(const char *text, FILE *f)
{
	while (*text) {
		size_t len = strcspn(text, "\n"), end = len;

		while (end && text[end - 1] == ' ')
			end--;
		if (end || !len)
			fprintf(f, "%.*s\n", (int)end, text);
		text += len + (text[len] == '\n');
	}
}

/* argp's help and usage, through help_write(); exits 0. */
static void help_print(struct argp_state *state, unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m) {
		argp_state_help(state, stdout, flags | ARGP_HELP_EXIT_OK);
		return;
	}
	argp_state_help(state, m, flags & ~(unsigned)ARGP_HELP_EXIT_OK);
	fclose(m);
	help_write(buf, stdout);
	free(buf);
	exit(0);
}

/* Every option of argp a and its children, one a line, as `--name`,
 * `--name=ARG`, `-k` or `-k ARG`: what the shell completion offers. */
static void options_list(const struct argp *a, FILE *f)
{
	const char *arg = NULL;

	for (const struct argp_option *opt = a->options;
	     opt && (opt->name || opt->key || opt->doc || opt->group); opt++) {
		if (!(opt->flags & OPTION_ALIAS))
			arg = opt->arg;
		if (opt->flags & (OPTION_HIDDEN | OPTION_DOC))
			continue;
		if (opt->name)
			fprintf(f, "--%s%s%s\n", opt->name, arg ? "=" : "", arg ? arg : "");
		if (opt->key > 0 && opt->key < 128 && isalnum(opt->key))
			fprintf(f, "-%c%s%s\n", opt->key, arg ? " " : "", arg ? arg : "");
	}
	for (const struct argp_child *c = a->children; c && c->argp; c++)
		options_list(c->argp, f);
}

/* -4 and -6 together are a usage error. */
static int parse_family(int key, uint16_t *family)
{
	uint16_t want = key == '4' ? NET_AF_INET : NET_AF_INET6;

	if (*family && *family != want) {
		log_err("-4/--ipv4 and -6/--ipv6 exclude each other: give one or neither");
		return -EINVAL;
	}
	*family = want;
	return 0;
}

/* The options of sonde's groups (common, time, uid, family), all of them
 * into struct sonde_opts: argp hands each group's parser that group's. */
static error_t parse_sonde(int key, char *arg, struct argp_state *state)
{
	struct sonde_opts *o = state->input;
	error_t err = store(sonde_stores, key, arg, o);

	if (err != ARGP_ERR_UNKNOWN)
		return err;
	switch (key) {
	case 'p':
		return parse_pid("-p/--pid", arg, &o->pid) ? EINVAL : 0;
	case 'd':
		return parse_seconds("-d/--duration", arg, &o->duration_s) ? EINVAL : 0;
	case OPT_BUFFER:
		return parse_buffer_kib(arg, &o->buffer_kib) ? EINVAL : 0;
	case OPT_LABEL:
		if (out_label_add(&o->labels, arg))
			return EINVAL;
		o->out.labels = &o->labels;
		return 0;
	case 'u':
		return parse_uid("-u/--uid", arg, &o->uid) ? EINVAL : 0;
	case '4':
	case '6':
		return parse_family(key, &o->family) ? EINVAL : 0;
	case 'T':
		o->out.time = OUT_TIME_CLOCK;
		return 0;
	case 't':
		o->out.time = OUT_TIME_ELAPSED;
		return 0;
	case 'h':
		help_print(state, ARGP_HELP_STD_HELP);
		return 0;
	case OPT_USAGE:
		help_print(state, ARGP_HELP_USAGE);
		return 0;
	case OPT_LIST_OPTIONS:
		options_list(state->root_argp, stdout);
		exit(0);
	case 'V':
		printf("%s (sonde) %s\n", state->name, SONDE_VERSION);
		exit(0);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp common_argp = { .options = common_options, .parser = parse_sonde };
static const struct argp time_argp = { .options = time_options, .parser = parse_sonde };
static const struct argp uid_argp = { .options = uid_options, .parser = parse_sonde };
static const struct argp family_argp = { .options = family_options, .parser = parse_sonde };

struct parse_inputs {
	const struct sonde_cli *cli;
	void *tool;
	struct sonde_opts *common;
	unsigned nchildren;
};

/* The standard error stream of the process, while argp runs with stderr
 * pointed at argp_err_stream(). */
static FILE *real_stderr;

/* argp follows each usage error with "Try `tool --help' or ..."; errors are
 * one line here, so argp's error stream is stderr without those lines. */
static ssize_t write_no_try(void *cookie, const char *buf, size_t size)
{
	static bool dropping, at_line_start = true;

	(void)cookie;
	for (size_t i = 0; i < size; i++) {
		if (at_line_start)
			dropping = !strncmp(buf + i, "Try `", size - i < 5 ? size - i : 5);
		/* Its messages quote what was typed: escaped as the tool's own are. */
		if (!dropping && buf[i] != '\n')
			escape_text(real_stderr, buf + i, 1);
		else if (!dropping)
			fputc('\n', real_stderr);
		at_line_start = buf[i] == '\n';
	}
	return size;
}

static FILE *argp_err_stream(void)
{
	static FILE *f;

	if (!f) {
		f = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = write_no_try });
		if (f)
			setvbuf(f, NULL, _IOLBF, 0);
	}
	return f ? f : real_stderr;
}

/* The tool's options: those it declared as stores are set here, the others
 * go to its own parser, which sees its options struct as state->input. */
static error_t parse_tool(int key, char *arg, struct argp_state *state)
{
	const struct parse_inputs *in = state->input;
	error_t err = store(in->cli->stores, key, arg, in->tool);

	if (err != ARGP_ERR_UNKNOWN || !in->cli->argp->parser)
		return err;
	state->input = in->tool;
	return in->cli->argp->parser(key, arg, state);
}

static error_t parse_root(int key, char *arg, struct argp_state *state)
{
	struct parse_inputs *in = state->input;

	(void)arg;
	if (key != ARGP_KEY_INIT)
		return ARGP_ERR_UNKNOWN;
	state->err_stream = argp_err_stream();
	/* Child 0 is the tool (parse_tool); the others are sonde's groups. */
	state->child_inputs[0] = in;
	for (unsigned i = 1; i < in->nchildren; i++)
		state->child_inputs[i] = in->common;
	return 0;
}

/* The last group: an argument that every other group's parser refused
 * (argp offers it to each group in turn). */
static error_t parse_stray(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	if (key != ARGP_KEY_ARGS)
		return ARGP_ERR_UNKNOWN;
	log_err("unexpected argument '%s'", state->argv[state->next]);
	return EINVAL;
}

static const struct argp stray_argp = { .parser = parse_stray };

/* Installed setuid or setgid, a tool would let any user trace everything
 * and read root's files through its options (xdpdrop -f): it runs only with
 * the IDs it was started with. */
static bool started_setid(void)
{
	return getuid() != geteuid() || getgid() != getegid();
}

int sonde_parse(int argc, char **argv, const struct sonde_cli *cli, void *tool_opts,
		struct sonde_opts *common)
{
	const struct argp *tool = cli->argp;
	struct argp tool_child = *tool;
	struct argp_child children[7] = { { &tool_child, 0, NULL, 0 },
					  { &common_argp, 0, NULL, 0 } };
	struct argp root = { NULL, parse_root, tool->args_doc, tool->doc, children, NULL, NULL };
	struct parse_inputs in = { cli, tool_opts, common, 2 };
	int err;

	if (cli->groups & SONDE_OPT_TIME)
		children[in.nchildren++].argp = &time_argp;
	if (cli->groups & SONDE_OPT_UID)
		children[in.nchildren++].argp = &uid_argp;
	if (cli->groups & SONDE_OPT_FAMILY)
		children[in.nchildren++].argp = &family_argp;
	children[in.nchildren].argp = &stray_argp;
	tool_child.parser = parse_tool;
	tool_child.doc = NULL;
	tool_child.args_doc = NULL;
	log_init(program_invocation_short_name, false);
	if (started_setid()) {
		log_err("refusing to run setuid or setgid (real and effective IDs differ): "
			"run it as root, or with CAP_BPF and CAP_PERFMON");
		return -EPERM;
	}
	argp_err_exit_status = 2;
	/* getopt names the program by argv[0] in its messages: use the short name. */
	argv[0] = program_invocation_short_name;
	/* getopt prints its own messages ("unrecognized option '--x'") to
	 * stderr, not to argp's stream; glibc lets stderr be set, so while argp
	 * runs both go through the stream that escapes what was typed. */
	real_stderr = stderr;
	stderr = argp_err_stream();
	err = argp_parse(&root, argc, argv, ARGP_NO_HELP, NULL, &in);
	fflush(stderr);
	stderr = real_stderr;
	if (err)
		return -EINVAL;
	log_init(program_invocation_short_name, common->verbose);
	/* -c is resolved here, not by the run: an unknown cgroup must fail
	 * (one line, exit 3) before a tool's own checks (xdpdrop refuses -c),
	 * its probes (capable loads some) and its rodata (oomkill's holds -c's
	 * ID), as a bad value does. So is a --btf that holds no BTF. */
	err = filter_resolve(common);
	return err ? err : btfsrc_resolve(common);
}

void sonde_opts_free(struct sonde_opts *o)
{
	filter_close(o);
	free(o->btf_found);
	o->btf_found = NULL;
}
