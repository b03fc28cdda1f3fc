/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Errors to exit codes: the one place that does it.
 *
 *   0  finished: --duration elapsed, SIGINT/SIGTERM, reader closed the pipe
 *   1  runtime failure
 *   2  usage: a bad option or value (parsers return -EINVAL / -ERANGE)
 *   3  environment: privileges, BTF, a hook this kernel lacks, no such cgroup
 *
 * Functions return 0 or -errno and print their own one-line message where
 * the failure is understood; library calls whose errno would be ambiguous
 * (libbpf's -EINVAL) are translated at the call site (lib/loader.c). */
#ifndef SONDE_LIB_ERR_H
#define SONDE_LIB_ERR_H

enum sonde_exit_code {
	SONDE_EXIT_OK = 0,
	SONDE_EXIT_RUNTIME = 1,
	SONDE_EXIT_USAGE = 2,
	SONDE_EXIT_ENV = 3,
};

int sonde_exit_code(int err);
/* Flushes stdout (a closed pipe is not an error) and returns the exit code. */
int sonde_exit(int err);

#endif
