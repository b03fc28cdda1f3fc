// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "lib/escape.h"
#include "lib/log.h"

static const char *tool_name = "sonde";
static bool verbose;
/* stderr as log_init() found it. While argp parses, stderr is a stream that
 * escapes what it is given (lib/opts.c): a message escaped here, printed
 * there, would be escaped twice ('\\x1b' for an ESC in an option's value). */
static FILE *log_stream;

/* libbpf's warnings and notes (the verifier log among them) with -v only. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void log_init(const char *tool, bool be_verbose)
{
	if (tool)
		tool_name = tool;
	verbose = be_verbose;
	log_stream = stderr;
	libbpf_set_print(libbpf_print);
}

const char *log_tool(void)
{
	return tool_name;
}

bool log_verbose(void)
{
	return verbose;
}

/* The message is escaped as text output is (lib/escape.h): whatever value
 * from input it quotes, it cannot put a control byte on a terminal or split
 * into two lines. */
static void log_line(const char *fmt, va_list ap)
{
	FILE *f = log_stream ? log_stream : stderr;
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	flockfile(f);
	escape_text(f, tool_name, strlen(tool_name));
	fputs_unlocked(": ", f);
	escape_text(f, msg, sizeof(msg));
	putc_unlocked('\n', f);
	funlockfile(f);
}

void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	log_line(fmt, ap);
	va_end(ap);
}
