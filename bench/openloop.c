// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* openloop PATH N [WORKERS [RATE]]: WORKERS processes (default 1) together
 * open PATH read-only and close it N times, or only try to open it when it
 * does not exist (a failed open is the cheapest event of an open tracer) (N/WORKERS each), at RATE
 * opens per second in all (0 or none: as fast as they can), starting together. Prints
 * "OPENS_PER_SECOND NS_PER_OPEN CPU_NS_PER_OPEN": the rate achieved, the wall time of one open +
 * close in one worker, and the CPU time the workers spent on one (which time another process took
 * on their CPU does not inflate). Exit 0; 1 when an open or a worker failed; 2 on usage. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PACE_EVERY 256 /* opens between two looks at the clock */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	struct timespec ts = { (time_t)t, (long)((t - (time_t)t) * 1e9) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Wait for the start (the parent closes the pipe), then open and close. */
static int worker(const char *path, long n, double rate, int start_fd)
{
	char c;
	double t0;

	if (read(start_fd, &c, 1) < 0)
		return 1;
	t0 = now();
	for (long i = 0; i < n; i++) {
		int fd = open(path, O_RDONLY);

		if (fd >= 0)
			close(fd);
		else if (errno != ENOENT) {
			perror(path);
			return 1;
		}
		if (rate > 0 && i % PACE_EVERY == PACE_EVERY - 1)
			sleep_until(t0 + (i + 1) / rate);
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n, workers = 1, each;
	double rate = 0, t0, secs;
	int start[2], status, failed = 0;
	struct rusage ru;
	double cpu = 0;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: openloop PATH N [WORKERS [RATE]]\n");
		return 2;
	}
	n = atol(argv[2]);
	if (argc > 3)
		workers = atol(argv[3]);
	if (argc > 4)
		rate = atof(argv[4]);
	if (n < 1 || workers < 1 || workers > 64 || rate < 0)
		return 2;
	if (pipe(start))
		return 1;
	each = n / workers;
	for (long w = 0; w < workers; w++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			close(start[1]);
			_exit(worker(argv[1], each, rate / workers, start[0]));
		}
	}
	close(start[0]);
	t0 = now();
	close(start[1]);
	while (wait4(-1, &status, 0, &ru) > 0) {
		failed |= !WIFEXITED(status) || WEXITSTATUS(status);
		cpu += ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
		       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	}
	secs = now() - t0;
	if (failed)
		return 1;
	printf("%.0f %.1f %.1f\n", each * workers / secs, secs / each * 1e9,
	       cpu / (each * workers) * 1e9);
	return 0;
}
