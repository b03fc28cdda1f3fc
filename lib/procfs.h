/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Fields of /proc/PID/status. */
#ifndef SONDE_LIB_PROCFS_H
#define SONDE_LIB_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value of the line `key` (e.g. "Tgid:") of /proc/PID/status, without
 * the blanks before it or the newline, into buf; false when the process or
 * the line is not there. */
bool proc_status_field(uint32_t pid, const char *key, char *buf, size_t size);

#endif
