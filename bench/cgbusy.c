// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* cgbusy DIR N SECONDS: create N cgroups DIR/b0 .. DIR/b(N-1) (DIR an
 * existing directory of the cgroup2 mount) and fork N children, one in each;
 * from one common start they call getppid() (the raw syscall: glibc cannot
 * cache it) in a loop for SECONDS. Prints "go" at the start (flushed, for
 * whoever measures the same window), then "CALLS_PER_SECOND_TOTAL
 * NS_PER_CALL_PER_CPU": the calls of all children per second, and the CPU
 * time per call, in ns: SECONDS times the CPUs the children keep busy (N, or
 * the CPUs we may run on when fewer) over the calls. Then removes the
 * cgroups. N at most 5000, SECONDS at most 60; the whole run is cut short
 * SECONDS + 60 s after it began. Exit 0; 1 on a failure, SIGINT or SIGTERM
 * (its children killed, its cgroups removed, one line on stderr); 2 on usage. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#define MAX_CGROUPS 5000
#define MAX_SECONDS 60
/* Calls between two looks at the clock. */
#define BATCH 1024
/* rmdir of a cgroup whose last task was just reaped may see EBUSY briefly. */
#define RMDIR_TRIES 200

/* Shared with the children: when to stop, and what each counted. */
struct shared {
	volatile double end;
	volatile int go;
	uint64_t calls[];
};

static volatile sig_atomic_t stop_sig;
static pid_t pids[MAX_CGROUPS];
static int nforked, nmade;
static const char *dir;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	stop_sig = sig;
}

static int cgroup_name(char *buf, size_t len, int k, const char *file)
{
	int n = snprintf(buf, len, "%s/b%d%s%s", dir, k, file ? "/" : "", file ? file : "");

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int make_cgroups(int n)
{
	char path[PATH_MAX];
	int err;

	for (nmade = 0; nmade < n; nmade++) {
		if (stop_sig)
			return -EINTR;
		err = cgroup_name(path, sizeof(path), nmade, NULL);
		if (err)
			return err;
		if (mkdir(path, 0755))
			return -errno;
	}
	return 0;
}

static int remove_cgroups(void)
{
	struct timespec gap = { 0, 5000000 };
	char path[PATH_MAX];
	int err = 0;

	for (; nmade > 0; nmade--) {
		int tries = 0, r;

		if (cgroup_name(path, sizeof(path), nmade - 1, NULL))
			return -ENAMETOOLONG;
		while ((r = rmdir(path)) && errno == EBUSY && ++tries < RMDIR_TRIES)
			nanosleep(&gap, NULL);
		if (r && errno != ENOENT)
			err = -errno;
	}
	return err;
}

/* SIGKILL to every child not reaped yet, by its pid, and reap it. */
static void kill_children(void)
{
	for (int k = 0; k < nforked; k++)
		if (pids[k] > 0)
			kill(pids[k], SIGKILL);
	for (int k = 0; k < nforked; k++)
		if (pids[k] > 0) {
			while (waitpid(pids[k], NULL, 0) < 0 && errno == EINTR)
				;
			pids[k] = 0;
		}
}

/* The pipes: each child says on ready whether it joined its cgroup; the
 * parent closes barrier's write end to start them all. */
static int ready[2], barrier[2];

/* Join cgroup k, say so ('+' or '!'), wait for the start, then call
 * getppid() until the end. */
static void child(int k, pid_t parent, struct shared *sh)
{
	char path[PATH_MAX], pid[32], ok = '!', c;
	uint64_t calls = 0;
	double end;
	int fd, len;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (stop_sig || getppid() != parent)
		_exit(1);
	/* Only the parent may hold these ends: EOF on each means all are done. */
	close(ready[0]);
	close(barrier[1]);
	len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (!cgroup_name(path, sizeof(path), k, "cgroup.procs")) {
		fd = open(path, O_WRONLY);
		if (fd >= 0 && write(fd, pid, len) == len)
			ok = '+';
		if (fd >= 0)
			close(fd);
	}
	if (write(ready[1], &ok, 1) != 1 || ok != '+')
		_exit(1);
	close(ready[1]);
	/* EOF once the parent closes its end: the start. */
	while (read(barrier[0], &c, 1) < 0 && errno == EINTR)
		;
	if (!sh->go)
		_exit(1);
	end = sh->end;
	do {
		for (int i = 0; i < BATCH; i++)
			syscall(SYS_getppid);
		calls += BATCH;
	} while (now() < end);
	sh->calls[k] = calls;
	_exit(0);
}

static int fork_children(int n, struct shared *sh)
{
	pid_t parent = getpid();

	for (nforked = 0; nforked < n; nforked++) {
		if (stop_sig)
			return -EINTR;
		pids[nforked] = fork();
		if (pids[nforked] < 0) {
			pids[nforked] = 0;
			return -errno;
		}
		if (pids[nforked] == 0)
			child(nforked, parent, sh);
	}
	return 0;
}

/* Reads one byte from each child (or EOF once every child has closed its
 * write end); *joined: how many said '+'. */
static int count_ready(int n, int *joined)
{
	char buf[256];
	int got = 0;

	*joined = 0;
	while (got < n) {
		ssize_t r = read(ready[0], buf, sizeof(buf));

		if (r < 0 && errno == EINTR && !stop_sig)
			continue;
		if (r < 0)
			return stop_sig ? -EINTR : -errno;
		if (r == 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			*joined += buf[i] == '+';
		got += r;
	}
	return 0;
}

static int reap_children(void)
{
	int status, err = 0;

	for (int k = 0; k < nforked; k++) {
		while (waitpid(pids[k], &status, 0) < 0) {
			if (errno != EINTR)
				return -errno;
			if (stop_sig)
				return -EINTR;
		}
		pids[k] = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			err = -ECHILD;
	}
	return err;
}

static int cpus_allowed(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return (int)sysconf(_SC_NPROCESSORS_ONLN);
	return CPU_COUNT(&set);
}

/* Undoes everything and says what failed (and why, when err is -errno). */
static int fail(const char *what, int err)
{
	kill_children();
	remove_cgroups();
	if (stop_sig == SIGALRM)
		fprintf(stderr, "cgbusy: %s: cut short, the run took too long\n", what);
	else if (stop_sig)
		fprintf(stderr, "cgbusy: %s: stopped by signal %d\n", what, (int)stop_sig);
	else if (err)
		fprintf(stderr, "cgbusy: %s: %s\n", what, strerror(-err));
	else
		fprintf(stderr, "cgbusy: %s\n", what);
	return 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int n, joined, err, ncpu;
	struct shared *sh;
	struct statfs sfs;
	uint64_t total = 0;
	double secs;
	char *end;

	if (argc != 4) {
		fprintf(stderr, "usage: cgbusy DIR N SECONDS\n");
		return 2;
	}
	dir = argv[1];
	n = (int)strtol(argv[2], &end, 10);
	if (*end || n < 1 || n > MAX_CGROUPS) {
		fprintf(stderr, "cgbusy: N '%s' is not 1 to %d\n", argv[2], MAX_CGROUPS);
		return 2;
	}
	secs = strtod(argv[3], &end);
	if (*end || !(secs > 0 && secs <= MAX_SECONDS)) {
		fprintf(stderr, "cgbusy: SECONDS '%s' is not over 0 and at most %d\n", argv[3],
			MAX_SECONDS);
		return 2;
	}
	if (statfs(dir, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		fprintf(stderr, "cgbusy: %s is not a directory of the cgroup2 mount\n", dir);
		return 2;
	}
	/* No SA_RESTART: a signal interrupts the waits below. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned)secs + 60);

	sh = mmap(NULL, sizeof(*sh) + (size_t)n * sizeof(sh->calls[0]), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || pipe(ready) || pipe(barrier))
		return fail("cannot set up", -errno);
	err = make_cgroups(n);
	if (err)
		return fail("cannot create the cgroups", err);
	err = fork_children(n, sh);
	close(ready[1]);
	close(barrier[0]);
	if (!err)
		err = count_ready(n, &joined);
	if (err)
		return fail("cannot start the children", err);
	if (joined != n)
		return fail("a child could not join its cgroup", 0);

	sh->end = now() + secs;
	sh->go = 1;
	printf("go\n");
	fflush(stdout);
	close(barrier[1]);
	err = reap_children();
	if (err == -ECHILD)
		return fail("a child failed", 0);
	if (err)
		return fail("cannot wait for the children", err);
	for (int k = 0; k < n; k++)
		total += sh->calls[k];
	err = remove_cgroups();
	if (err)
		return fail("cannot remove the cgroups", err);
	if (!total)
		return fail("no calls counted", 0);
	ncpu = cpus_allowed();
	if (ncpu > n)
		ncpu = n;
	printf("%.0f %.2f\n", total / secs, secs * ncpu * 1e9 / total);
	return 0;
}
