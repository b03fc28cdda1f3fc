/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Strict parsing of option values. Each parse_* but parse_decimal() returns
 * 0, or prints one line naming the option and the value and returns -EINVAL
 * (exit code 2). `opt` is the option as the user sees it, e.g. "-p/--pid". */
#ifndef SONDE_LIB_PARSE_H
#define SONDE_LIB_PARSE_H

#include <stdint.h>

/* PID_MAX_LIMIT of the kernel. */
#define SONDE_PID_MAX 4194304u

/* A decimal integer in [min, max], without a word on stderr: digits only
 * (leading zeros too), no sign, blank or trailing byte. 0; -EINVAL when s is
 * not such a number (the empty string included); -ERANGE when it is one but
 * lies outside [min, max] or beyond UINT64_MAX. *out is set on 0 only. */
int parse_decimal(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* The same, saying on stderr what was expected. */
int parse_uint(const char *opt, const char *arg, uint64_t min, uint64_t max, uint64_t *out);
int parse_pid(const char *opt, const char *arg, uint32_t *out);
/* A numeric UID, or a user name from /etc/passwd. */
int parse_uid(const char *opt, const char *arg, uint32_t *out);
/* Whole seconds, 1 .. one year. */
int parse_seconds(const char *opt, const char *arg, uint32_t *out);
/* The positional [interval [count]] of interval tools: argument number
 * `index` (0 or 1) sets the interval (seconds) or the count. Returns
 * -E2BIG for a third argument. */
int parse_interval_arg(unsigned index, const char *arg, uint32_t *interval_s, uint32_t *count);
/* Lookup of a user name in a passwd-format file (exposed for tests). */
int passwd_lookup(const char *passwd_path, const char *name, uint32_t *uid);

#endif
