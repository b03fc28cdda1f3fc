// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* maxrss OUTFILE COMMAND [ARG...]: run COMMAND, forwarding SIGINT, SIGTERM
 * and SIGHUP to it; when it ends, write "PEAK_RSS_KB EXIT_STATUS" (the
 * ru_maxrss that wait4() reports, and the exit status or 128+signal) to
 * OUTFILE and exit with that status. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = forward };
	struct rusage ru;
	int status, code;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: maxrss OUTFILE COMMAND [ARG...]\n");
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	child = fork();
	if (child < 0) {
		perror("maxrss: fork");
		return 1;
	}
	if (child == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "maxrss: cannot run %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	while (wait4(child, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("maxrss: wait4");
			return 1;
		}
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	f = fopen(argv[1], "w");
	if (!f || fprintf(f, "%ld %d\n", ru.ru_maxrss, code) < 0 || fclose(f)) {
		perror("maxrss: OUTFILE");
		return 1;
	}
	return code;
}
