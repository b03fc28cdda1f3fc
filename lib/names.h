/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Built-in names: syscalls (x86_64 or arm64, as built), errno values, signals. No run-time
 * helpers (ausyscall, errno(1)) are needed on the target. */
#ifndef SONDE_LIB_NAMES_H
#define SONDE_LIB_NAMES_H

#include <stddef.h>

/* NULL when unknown. */
const char *syscall_name(int nr);
/* -1 when unknown. */
int syscall_nr(const char *name);
/* Highest syscall number in the table, plus one. */
int syscall_count(void);

/* "ENOENT"; NULL when unknown. errno_parse accepts a name as errno(3)
 * spells it (case-insensitive, aliases too) or a positive number; it returns
 * the value or -1. */
const char *errno_name(int err);
int errno_parse(const char *s);

/* "SIGKILL", "SIGRTMIN+3"; writes into buf and returns it. */
const char *signal_name(int sig, char *buf, size_t len);
/* A name with or without "SIG" (case-insensitive), "RTMIN+N", or a number
 * 1..64; returns the signal or -1. */
int signal_parse(const char *s);

#endif
