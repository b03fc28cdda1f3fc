// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sysloop: makes exactly N calls of one system call, the ground truth of the
 * counting tools' tests.
 *
 *	sysloop [-w] getppid|close|NR N
 *
 * getppid always succeeds; close(-1) always fails with EBADF; a number NR
 * calls syscall NR with no arguments (1000, which no syscall has, fails
 * with ENOSYS). With -w it
 * first waits for a line on stdin, so that a test can start a tool on its
 * PID before the calls begin. Calls go through syscall(2): no libc cache or
 * wrapper stands between the loop and the kernel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long nr = -1, arg = 0;
	unsigned long n;
	char line[16];
	char *end;
	int i = 1;

	if (argc > 1 && !strcmp(argv[1], "-w")) {
		if (!fgets(line, sizeof(line), stdin))
			return 1;
		i++;
	}
	if (argc != i + 2)
		goto usage;
	if (!strcmp(argv[i], "getppid"))
		nr = SYS_getppid;
	if (!strcmp(argv[i], "close")) {
		nr = SYS_close;
		arg = -1;
	}
	if (argv[i][0] >= '0' && argv[i][0] <= '9')
		nr = strtol(argv[i], &end, 10) < 0 || *end ? -1 : strtol(argv[i], NULL, 10);
	n = strtoul(argv[i + 1], &end, 10);
	if (nr < 0 || *end || end == argv[i + 1])
		goto usage;
	while (n--)
		syscall(nr, arg);
	return 0;
usage:
	fprintf(stderr, "usage: sysloop [-w] getppid|close|NR N\n");
	return 2;
}
