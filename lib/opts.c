// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/filter.h"
#include "lib/escape.h"
#include "lib/log.h"
#include "lib/opts.h"
#include "lib/parse.h"

#ifndef SONDE_VERSION
#define SONDE_VERSION "0.0.0"
#endif

enum { OPT_USAGE = 0x1000, OPT_BUFFER };

static const struct argp_option common_options[] = {
	{ NULL, 0, NULL, 0, "Common options:", 100 },
	{ "pid", 'p', "PID", 0, "Only this process (thread group ID)", 100 },
	{ "cgroup", 'c', "CG", 0,
	  "Only this cgroup v2 subtree: a path (absolute or relative to the cgroup2 mount), a "
	  "cgroup ID, or a container ID (12+ hex digits); a path or container ID is followed "
	  "when its cgroup is removed and created again",
	  100 },
	{ "show-cgroup", 'C', NULL, 0, "Show each event's cgroup path", 100 },
	{ "json", 'j', NULL, 0, "Print NDJSON: one object per line", 100 },
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS", 100 },
	{ "buffer", OPT_BUFFER, "KIB", 0,
	  "Kernel event buffer size in KiB: a power of two, 4 to 262144 (default 4096)", 100 },
	{ "verbose", 'v', NULL, 0, "Show libbpf and loader diagnostics on stderr", 100 },
	{ "help", 'h', NULL, 0, "Show this help and exit", 100 },
	{ "usage", OPT_USAGE, NULL, 0, "Show a short usage message and exit", 100 },
	{ "version", 'V', NULL, 0, "Print the version and exit", 100 },
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

static error_t parse_common(int key, char *arg, struct argp_state *state)
{
	struct sonde_opts *o = state->input;

	switch (key) {
	case 'p':
		return parse_pid("-p/--pid", arg, &o->pid) ? EINVAL : 0;
	case 'c':
		o->cgroup = arg;
		return 0;
	case 'C':
		o->out.show_cgroup = true;
		return 0;
	case 'j':
		o->out.json = true;
		return 0;
	case 'd':
		return parse_seconds("-d/--duration", arg, &o->duration_s) ? EINVAL : 0;
	case OPT_BUFFER:
		return parse_buffer_kib(arg, &o->buffer_kib) ? EINVAL : 0;
	case 'v':
		o->verbose = true;
		return 0;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		return 0;
	case OPT_USAGE:
		argp_state_help(state, stdout, ARGP_HELP_USAGE | ARGP_HELP_EXIT_OK);
		return 0;
	case 'V':
		printf("%s (sonde) %s\n", state->name, SONDE_VERSION);
		exit(0);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp common_argp = {
	.options = common_options,
	.parser = parse_common,
};

static const struct argp_option time_options[] = {
	{ "timestamp", 'T', NULL, 0, "Show the wall-clock time (HH:MM:SS)", 90 },
	{ "time", 't', NULL, 0, "Show seconds since the tool started", 90 },
	{ 0 },
};

static error_t parse_time(int key, char *arg, struct argp_state *state)
{
	struct sonde_opts *o = state->input;

	(void)arg;
	switch (key) {
	case 'T':
		o->out.time = OUT_TIME_CLOCK;
		return 0;
	case 't':
		o->out.time = OUT_TIME_ELAPSED;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp time_argp = {
	.options = time_options,
	.parser = parse_time,
};

static const struct argp_option uid_options[] = {
	{ "uid", 'u', "UID", 0, "Only this user (UID or user name)", 90 },
	{ "print-uid", 'U', NULL, 0, "Show the UID column", 90 },
	{ 0 },
};

static error_t parse_uid_group(int key, char *arg, struct argp_state *state)
{
	struct sonde_opts *o = state->input;

	switch (key) {
	case 'u':
		return parse_uid("-u/--uid", arg, &o->uid) ? EINVAL : 0;
	case 'U':
		o->out.show_uid = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp uid_argp = {
	.options = uid_options,
	.parser = parse_uid_group,
};

struct parse_inputs {
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

static error_t parse_root(int key, char *arg, struct argp_state *state)
{
	struct parse_inputs *in = state->input;

	(void)arg;
	if (key != ARGP_KEY_INIT)
		return ARGP_ERR_UNKNOWN;
	state->err_stream = argp_err_stream();
	/* Child 0 is the tool; the others are sonde's groups. */
	state->child_inputs[0] = in->tool;
	for (unsigned i = 1; i < in->nchildren; i++)
		state->child_inputs[i] = in->common;
	return 0;
}

int sonde_parse(int argc, char **argv, const struct argp *tool, void *tool_opts,
		struct sonde_opts *common, unsigned groups)
{
	struct argp tool_child = *tool;
	struct argp_child children[5] = { { &tool_child, 0, NULL, 0 },
					  { &common_argp, 0, NULL, 0 } };
	struct argp root = { NULL, parse_root, tool->args_doc, tool->doc, children, NULL, NULL };
	struct parse_inputs in = { tool_opts, common, 2 };
	int err;

	if (groups & SONDE_OPT_TIME)
		children[in.nchildren++].argp = &time_argp;
	if (groups & SONDE_OPT_UID)
		children[in.nchildren++].argp = &uid_argp;
	tool_child.doc = NULL;
	tool_child.args_doc = NULL;
	log_init(program_invocation_short_name, false);
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
	 * ID), as a bad value does. */
	return filter_resolve(common);
}

void sonde_opts_free(struct sonde_opts *o)
{
	filter_close(o);
}
