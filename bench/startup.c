// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* startup [-t] [-w TIMEOUT_MS] MATCH COMMAND [ARG...]: run COMMAND with its
 * stdout on a pipe (-t: on a pseudo-terminal, as in an interactive shell) and
 * print the milliseconds (CLOCK_MONOTONIC) from just before fork() to the
 * first complete line that contains MATCH. Then stop COMMAND (SIGINT, SIGKILL
 * after 5 s), draining its output meanwhile so it can see the signal.
 * COMMAND's stderr is ours. Exit 0 on a match; 1 when COMMAND ended first,
 * 3 when the timeout (default 30000 ms) passed first, with the reason on
 * stderr; 2 on usage. SIGINT/SIGTERM/SIGHUP stop COMMAND too before we exit. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_sig;
static pid_t child = -1;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void on_signal(int sig)
{
	stop_sig = sig;
}

/* Ask the child to stop, keep reading its output, SIGKILL after 5 s. */
static int finish(int fd)
{
	double deadline = now_ms() + 5000;
	bool killed = false;
	char buf[65536];
	int status = 0;

	if (child > 0)
		kill(child, SIGINT);
	for (;;) {
		pid_t r = waitpid(child, &status, WNOHANG);

		if (r == child || (r < 0 && errno != EINTR))
			break;
		if (!killed && now_ms() > deadline) {
			kill(child, SIGKILL);
			killed = true;
		}
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (fd >= 0 && poll(&p, 1, 20) > 0) {
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n <= 0)
				fd = -1; /* EOF, or EIO on a pty whose slave closed */
		} else if (fd < 0) {
			usleep(20000);
		}
	}
	child = -1;
	return status;
}

static int open_pty(int *slave)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	struct termios t;
	char *name;

	if (m < 0 || grantpt(m) || unlockpt(m) || !(name = ptsname(m)))
		return -1;
	*slave = open(name, O_RDWR | O_NOCTTY);
	if (*slave < 0)
		return -1;
	/* No "\n" -> "\r\n", no echo: the bytes come back as written. */
	if (!tcgetattr(*slave, &t)) {
		t.c_oflag &= ~OPOST;
		t.c_lflag &= ~(ECHO | ICANON);
		tcsetattr(*slave, TCSANOW, &t);
	}
	return m;
}

int main(int argc, char **argv)
{
	double timeout_ms = 30000, t0, t1;
	const char *match;
	bool pty = false;
	int rfd, wfd, opt;
	char line[8192];
	size_t len = 0;
	struct sigaction sa = { .sa_handler = on_signal };

	while ((opt = getopt(argc, argv, "+tw:")) != -1) {
		if (opt == 't')
			pty = true;
		else if (opt == 'w')
			timeout_ms = atof(optarg);
		else
			return 2;
	}
	if (argc - optind < 2 || timeout_ms <= 0) {
		fprintf(stderr, "usage: startup [-t] [-w TIMEOUT_MS] MATCH COMMAND [ARG...]\n");
		return 2;
	}
	match = argv[optind];
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (pty) {
		rfd = open_pty(&wfd);
	} else {
		int p[2];

		rfd = pipe2(p, O_CLOEXEC) ? -1 : p[0];
		wfd = p[1];
	}
	if (rfd < 0) {
		perror("startup: pipe/pty");
		return 1;
	}

	t0 = now_ms();
	child = fork();
	if (child < 0) {
		perror("startup: fork");
		return 1;
	}
	if (child == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		dup2(wfd, STDOUT_FILENO);
		if (wfd != STDOUT_FILENO)
			close(wfd);
		execvp(argv[optind + 1], argv + optind + 1);
		fprintf(stderr, "startup: cannot run %s: %s\n", argv[optind + 1], strerror(errno));
		_exit(127);
	}
	close(wfd);

	for (;;) {
		double left = t0 + timeout_ms - now_ms();
		struct pollfd p = { .fd = rfd, .events = POLLIN };
		ssize_t n;
		int r;

		if (stop_sig) {
			finish(rfd);
			return 128 + stop_sig;
		}
		if (left <= 0) {
			fprintf(stderr, "startup: no line containing \"%s\" within %.0f ms\n",
				match, timeout_ms);
			finish(rfd);
			return 3;
		}
		r = poll(&p, 1, left < 100 ? (int)left + 1 : 100);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		n = read(rfd, line + len, sizeof(line) - 1 - len);
		t1 = now_ms();
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int status = finish(-1);

			if (WIFEXITED(status))
				fprintf(
				    stderr,
				    "startup: %s exited with status %d before printing \"%s\"\n",
				    argv[optind + 1], WEXITSTATUS(status), match);
			else
				fprintf(stderr,
					"startup: %s killed by signal %d before printing \"%s\"\n",
					argv[optind + 1], WTERMSIG(status), match);
			return 1;
		}
		len += n;
		line[len] = '\0';
		/* Look at complete lines only; keep the unfinished tail. */
		for (char *nl; (nl = memchr(line, '\n', len));) {
			*nl = '\0';
			if (strstr(line, match)) {
				printf("%.2f\n", t1 - t0);
				fflush(stdout);
				finish(rfd);
				return 0;
			}
			len -= nl + 1 - line;
			memmove(line, nl + 1, len);
			line[len] = '\0';
		}
		if (len == sizeof(line) - 1)
			len = 0; /* an overlong line: drop it */
	}
	finish(rfd);
	return 1;
}
