// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* ticker PROGRAM INTERVAL_US MAX_SECONDS [ARG]: fork and exec PROGRAM (with
 * ARG), wait for it, sleep INTERVAL_US, again, until MAX_SECONDS have passed
 * (or SIGTERM/SIGINT). A steady trickle of execs for scripts/bench. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long interval_us;
	double max_s, end;

	if (argc < 4) {
		fprintf(stderr, "usage: ticker PROGRAM INTERVAL_US MAX_SECONDS [ARG]\n");
		return 2;
	}
	interval_us = atol(argv[2]);
	max_s = atof(argv[3]);
	if (interval_us < 1 || max_s <= 0 || max_s > 3600)
		return 2;
	char *args[] = { argv[1], argc > 4 ? argv[4] : "tick", NULL };
	struct timespec gap = { interval_us / 1000000, interval_us % 1000000 * 1000 };

	end = now() + max_s;
	while (now() < end) {
		pid_t pid = fork();

		if (pid == 0) {
			execv(args[0], args);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, NULL, 0) < 0)
			return 1;
		nanosleep(&gap, NULL);
	}
	return 0;
}
