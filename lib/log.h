/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Diagnostics on stderr, one line each, prefixed with the tool's name. */
#ifndef SONDE_LIB_LOG_H
#define SONDE_LIB_LOG_H

#include <stdbool.h>

void log_init(const char *tool, bool verbose);
const char *log_tool(void);
bool log_verbose(void);

/* Always shown: errors and warnings the user must see. */
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Shown only with -v. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
