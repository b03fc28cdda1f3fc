// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* execstorm [-c] PROGRAM N WORKERS [ARG]: WORKERS processes each fork and
 * exec PROGRAM (with ARG) N/WORKERS times, waiting for each; prints the execs
 * per second achieved, and with -c also the CPU time (ns) spent on one exec,
 * the workers' and the exec'd processes' together (which time another
 * process took on their CPU does not inflate). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void worker(const char *prog, const char *arg, long n)
{
	char *argv[] = { (char *)prog, (char *)arg, NULL };

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execv(prog, argv);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, NULL, 0) < 0)
			exit(1);
	}
	exit(0);
}

int main(int argc, char **argv)
{
	long n, workers;
	double t0, rate;
	int cpu = argc > 1 && !strcmp(argv[1], "-c");
	struct rusage ru;

	argc -= cpu;
	argv += cpu;
	if (argc < 4) {
		fprintf(stderr, "usage: execstorm [-c] PROGRAM N WORKERS [ARG]\n");
		return 2;
	}
	n = atol(argv[2]);
	workers = atol(argv[3]);
	if (n < 1 || workers < 1 || workers > 64)
		return 2;
	t0 = now();
	for (long w = 0; w < workers; w++)
		if (fork() == 0)
			worker(argv[1], argc > 4 ? argv[4] : "storm", n / workers);
	for (long w = 0; w < workers; w++)
		wait(NULL);
	rate = (n / workers) * workers / (now() - t0);
	if (!cpu) {
		printf("%.0f\n", rate);
		return 0;
	}
	/* The workers waited for their children: theirs is counted too. */
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("%.0f %.0f\n", rate,
	       (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6) /
		   ((n / workers) * workers) * 1e9);
	return 0;
}
