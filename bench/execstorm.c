/* execstorm PROGRAM N WORKERS [ARG]: WORKERS processes each fork and exec
 * PROGRAM (with ARG) N/WORKERS times, waiting for each; prints the execs per
 * second achieved. */
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
	double t0;

	if (argc < 4) {
		fprintf(stderr, "usage: execstorm PROGRAM N WORKERS [ARG]\n");
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
	printf("%.0f\n", (n / workers) * workers / (now() - t0));
	return 0;
}
