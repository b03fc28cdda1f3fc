// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* toctou: system calls whose argument in memory another thread rewrites
 * while the call runs, the workload of the tests that the tracers report
 * what the kernel used rather than what memory held afterwards.
 *
 * Racing: a thread flips one byte (bind: the port) of the argument between
 * two values, as fast as it can, while the main thread makes N calls. GOOD
 * makes the call succeed and BAD makes it fail, so each call's result says
 * which one the kernel read:
 *
 *	toctou open N GOOD BAD        openat(GOOD or BAD); GOOD exists, BAD does not
 *	toctou stat N GOOD BAD        newfstatat(), likewise
 *	toctou mount N GOOD BAD       mount("toctou", GOOD or BAD, "tmpfs"), then umount;
 *	                              GOOD a directory, BAD none
 *	toctou exec N GOOD BAD        a child execs GOOD or BAD (argv[0] the same buffer):
 *	                              GOOD a file of no executable format (ENOEXEC), BAD none
 *	toctou bind N GOOD BAD        a UDP socket bound to 127.0.0.1:GOOD or :BAD, BAD held
 *
 * TOCTOU_HOLD=N in the environment makes the flipper hold each value for N
 * loops (default 32, about 100 ns).
 *
 * prints "good G bad B": how many calls the kernel made with GOOD and with
 * BAD, as their results say (exec: ENOEXEC is GOOD, ENOENT BAD). After N
 * calls it goes on until it has seen both, for at most 100 N calls and
 * RACE_MORE_S seconds: on a loaded machine the flipper can miss a whole
 * run of N.
 *
 * Waiting: the call is held inside the kernel after it has read the
 * argument, the argument is rewritten with DECOY (same length), then the
 * call is let go; prints "ok" or "failed ERRNO":
 *
 *	toctou open-wait FIFO DECOY [intr]   openat(FIFO) waits for a writer, which comes;
 *	                                     with intr, a signal ends the wait (EINTR)
 *	toctou stat-wait PATH DECOY          newfstatat(PATH) waits to write its result
 *	toctou mount-wait SOURCE DECOY TARGET  mount(SOURCE, TARGET, "tmpfs") waits to read
 *	                                     its options; SOURCE and the type are rewritten
 *
 * (the last two wait in a userfaultfd page). Exit 0, 1 on failure, 2 on usage. */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <poll.h>
#include <time.h>
#include <stdbool.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define WAIT_MS 5000

/* ------------------------------------------------------------- racing --- */

struct flip {
	volatile char *at; /* the byte that differs */
	char a, b;
	volatile int stop;
	volatile unsigned long flips;
	pthread_t thread;
};

/* Loops each value stays the same while: 32, about 100 ns here, unless
 * TOCTOU_HOLD says otherwise (a slower flipper tells a short window of a
 * tracer's from a long one). */
static int hold_loops = 32;

static void hold(void)
{
	for (volatile int i = 0; i < hold_loops; i++)
		;
}

static void *flipper(void *arg)
{
	struct flip *f = arg;

	while (!f->stop) {
		*f->at = f->a;
		hold();
		*f->at = f->b;
		hold();
		f->flips++;
	}
	return NULL;
}

/* The calls and the flipper on two CPUs of their own, when there are two:
 * on one CPU the flipper would only run between the calls. */
static void pin(pthread_t caller, pthread_t other)
{
	cpu_set_t allowed, one;
	int cpus[2], n = 0;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return;
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &allowed))
			cpus[n++] = c;
	if (n < 2)
		return;
	CPU_ZERO(&one);
	CPU_SET(cpus[0], &one);
	pthread_setaffinity_np(caller, sizeof(one), &one);
	CPU_ZERO(&one);
	CPU_SET(cpus[1], &one);
	pthread_setaffinity_np(other, sizeof(one), &one);
}

/* buf holds good; the thread flips the one byte where bad differs. */
static int flip_start(struct flip *f, char *buf, const char *good, const char *bad)
{
	size_t n = strlen(good), i, diff = 0;

	if (strlen(bad) != n || n >= 4096)
		return -1;
	for (i = 0; i < n; i++)
		if (good[i] != bad[i])
			f->at = buf + i, diff++;
	if (diff != 1)
		return -1;
	memcpy(buf, good, n + 1);
	f->a = *f->at;
	f->b = bad[f->at - buf];
	f->stop = 0;
	f->flips = 0;
	if (pthread_create(&f->thread, NULL, flipper, f))
		return -1;
	pin(pthread_self(), f->thread);
	/* The calls race a thread that runs. */
	while (!f->flips)
		;
	return 0;
}

static void flip_stop(struct flip *f)
{
	f->stop = 1;
	pthread_join(f->thread, NULL);
}

static int call_open(const char *path)
{
	int fd = openat(AT_FDCWD, path, O_RDONLY);

	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static int call_stat(const char *path)
{
	struct stat st;

	return syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0) == 0;
}

/* A child execs path with argv[0] = path, the buffer the flipper rewrites. */
static int call_exec(char *path, struct flip *f, const char *good, const char *bad)
{
	char *argv[] = { path, NULL }, *envp[] = { NULL };
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		unsigned seed = getpid();
		int wait;

		if (flip_start(f, path, good, bad))
			_exit(127);
		/* flip_start() returns as the flipper changes the value: an
		 * exec at once would always race the next change. */
		wait = rand_r(&seed) % (4 * hold_loops);
		for (volatile int i = 0; i < wait; i++)
			;
		execve(path, argv, envp);
		_exit(errno == ENOEXEC ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) == 0;
}

static int call_mount(const char *target, const char *good)
{
	if (mount("toctou", target, "tmpfs", 0, NULL))
		return 0;
	umount2(good, MNT_DETACH);
	return 1;
}

/* Seconds a race goes on past its N calls for the kind it has not seen. */
#define RACE_MORE_S 10

/* Whether call i of a race of n, which has seen good_n and bad_n, is made. */
static bool race_on(long i, long n, long good_n, long bad_n, const struct timespec *start)
{
	struct timespec now;

	if (i < n)
		return true;
	if ((good_n && bad_n) || i >= 100 * n)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - start->tv_sec < RACE_MORE_S;
}

static int race(const char *what, long n, const char *good, const char *bad)
{
	static char buf[4096];
	struct flip f;
	long good_n = 0, bad_n = 0;
	struct timespec start;
	int r;

	if (strcmp(what, "exec") && flip_start(&f, buf, good, bad))
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long i = 0; race_on(i, n, good_n, bad_n, &start); i++) {
		if (!strcmp(what, "open"))
			r = call_open(buf);
		else if (!strcmp(what, "stat"))
			r = call_stat(buf);
		else if (!strcmp(what, "mount"))
			r = call_mount(buf, good);
		else
			r = call_exec(buf, &f, good, bad);
		if (r < 0)
			return 1;
		if (r)
			good_n++;
		else
			bad_n++;
	}
	if (strcmp(what, "exec"))
		flip_stop(&f);
	printf("good %ld bad %ld\n", good_n, bad_n);
	return 0;
}

/* The port of a sockaddr_in is one 16-bit store: the flipper swaps it whole. */
struct port_flip {
	volatile in_port_t *port;
	in_port_t a, b;
	volatile int stop;
	volatile unsigned long flips;
};

static void *port_flipper(void *arg)
{
	struct port_flip *f = arg;

	while (!f->stop) {
		*f->port = f->a;
		hold();
		*f->port = f->b;
		hold();
		f->flips++;
	}
	return NULL;
}

static int udp_bound(in_port_t port, const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	if (port) {
		struct sockaddr_in own = *sa;

		own.sin_port = htons(port);
		if (bind(fd, (struct sockaddr *)&own, sizeof(own))) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

static int race_bind(long n, int good, int bad)
{
	static struct sockaddr_in sa = { .sin_family = AF_INET };
	struct port_flip f = { &sa.sin_port, htons(good), htons(bad), 0, 0 };
	long good_n = 0, bad_n = 0;
	struct timespec start;
	int held, fd;
	pthread_t t;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(good);
	held = udp_bound(bad, &sa);
	if (held < 0 || pthread_create(&t, NULL, port_flipper, &f))
		return 1;
	pin(pthread_self(), t);
	while (!f.flips)
		;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long i = 0; race_on(i, n, good_n, bad_n, &start); i++) {
		fd = udp_bound(0, &sa);
		if (fd < 0)
			return 1;
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
			bad_n++;
		else
			good_n++;
		close(fd);
	}
	f.stop = 1;
	pthread_join(t, NULL);
	close(held);
	printf("good %ld bad %ld\n", good_n, bad_n);
	return 0;
}

/* ------------------------------------------------------------ waiting --- */

static void on_signal(int sig)
{
	(void)sig;
}

/* Whether thread tid sleeps inside system call nr. */
static int sleeps_in(pid_t tid, long nr)
{
	char path[64], buf[256];
	long got = -1;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fscanf(f, "%ld", &got);
	fclose(f);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	buf[0] = '\0';
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return n == 1 && got == nr && strstr(buf, ") S ");
}

static int wait_sleeping(pid_t tid, long nr)
{
	for (int i = 0; i < WAIT_MS; i++) {
		if (sleeps_in(tid, nr))
			return 0;
		usleep(1000);
	}
	return -1;
}

struct opener {
	char *path;
	volatile pid_t tid;
	int ret, err;
};

static void *opener(void *arg)
{
	struct opener *o = arg;

	o->tid = gettid();
	o->ret = openat(AT_FDCWD, o->path, O_RDONLY);
	o->err = errno;
	return NULL;
}

static int report(int ok, int err)
{
	if (ok)
		printf("ok\n");
	else
		printf("failed %d\n", err);
	return 0;
}

static int open_wait(const char *fifo, const char *decoy, int intr)
{
	static char buf[4096];
	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART */
	struct opener o = { buf, 0, -1, 0 };
	pthread_t t;
	int w = -1;

	if (strlen(fifo) != strlen(decoy) || strlen(fifo) >= sizeof(buf))
		return 2;
	strcpy(buf, fifo);
	if (sigaction(SIGUSR1, &sa, NULL) || pthread_create(&t, NULL, opener, &o))
		return 1;
	while (!o.tid)
		usleep(100);
	if (wait_sleeping(o.tid, SYS_openat))
		return 1;
	strcpy(buf, decoy);
	if (intr)
		syscall(SYS_tgkill, getpid(), o.tid, SIGUSR1);
	else
		w = open(fifo, O_WRONLY | O_NONBLOCK);
	pthread_join(t, NULL);
	if (w >= 0)
		close(w);
	if (o.ret >= 0)
		close(o.ret);
	return report(o.ret >= 0, o.err);
}

/* Two pages: the first one present, the second one served by a
 * userfaultfd, whose first fault the caller waits for. */
struct held {
	char *pages;
	long size;
	int uffd;
};

static int held_map(struct held *h)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };

	h->size = sysconf(_SC_PAGESIZE);
	h->pages =
	    mmap(NULL, 2 * h->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h->pages == MAP_FAILED)
		return -1;
	memset(h->pages, 0, h->size);
	h->uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (h->uffd < 0 || ioctl(h->uffd, UFFDIO_API, &api))
		return -1;
	reg.range.start = (unsigned long)h->pages + h->size;
	reg.range.len = h->size;
	return ioctl(h->uffd, UFFDIO_REGISTER, &reg);
}

/* Waits for the fault, lets the caller rewrite, then fills the page with
 * zeros so that the call goes on. */
static int held_release(struct held *h, void (*rewrite)(void *), void *arg)
{
	struct pollfd p = { h->uffd, POLLIN, 0 };
	struct uffd_msg msg;
	struct uffdio_copy copy;
	static char zero[65536];

	if (poll(&p, 1, WAIT_MS) != 1 || read(h->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		return -1;
	rewrite(arg);
	copy = (struct uffdio_copy){ .dst = (unsigned long)h->pages + h->size,
				     .src = (unsigned long)zero,
				     .len = h->size };
	return ioctl(h->uffd, UFFDIO_COPY, &copy);
}

struct call {
	long nr;
	long args[5];
	long ret;
	int err;
};

static void *caller(void *arg)
{
	struct call *c = arg;

	c->ret = syscall(c->nr, c->args[0], c->args[1], c->args[2], c->args[3], c->args[4]);
	c->err = errno;
	return NULL;
}

struct rewrite {
	char *dst[2];
	const char *src[2];
};

static void rewrite(void *arg)
{
	struct rewrite *r = arg;

	for (int i = 0; i < 2; i++)
		if (r->dst[i])
			strcpy(r->dst[i], r->src[i]);
}

/* Runs the call c on a thread of its own, held in the second page of h. */
static int held_call(struct held *h, struct call *c, struct rewrite *r)
{
	pthread_t t;
	int err;

	if (pthread_create(&t, NULL, caller, c))
		return 1;
	err = held_release(h, rewrite, r);
	pthread_join(t, NULL);
	if (err)
		return 1;
	return report(c->ret == 0, c->err);
}

/* newfstatat() writes its result into the held page. */
static int stat_wait(const char *path, const char *decoy)
{
	static char buf[4096];
	struct held h;
	struct rewrite r = { { buf, NULL }, { decoy, NULL } };
	struct call c = { SYS_newfstatat, { AT_FDCWD, (long)buf, 0, 0, 0 }, 0, 0 };

	if (strlen(path) != strlen(decoy) || strlen(path) >= sizeof(buf) || held_map(&h))
		return 2;
	strcpy(buf, path);
	c.args[2] = (long)h.pages + h.size;
	return held_call(&h, &c, &r);
}

/* mount() reads a page of options from "size=1m" at the end of the first
 * page: its copy runs into the held one, after the source and the type
 * have been read. */
static int mount_wait(const char *source, const char *decoy, const char *target)
{
	static char src[4096], type[] = "tmpfs";
	struct held h;
	struct rewrite r = { { src, type }, { decoy, "tmpfx" } };
	struct call c = { SYS_mount, { (long)src, (long)target, (long)type, 0, 0 }, 0, 0 };
	static const char opts[] = "size=1m";

	if (strlen(source) != strlen(decoy) || strlen(source) >= sizeof(src) || held_map(&h))
		return 2;
	strcpy(src, source);
	memcpy(h.pages + h.size - sizeof(opts), opts, sizeof(opts));
	c.args[4] = (long)(h.pages + h.size - sizeof(opts));
	if (held_call(&h, &c, &r))
		return 1;
	if (c.ret == 0)
		umount2(target, MNT_DETACH);
	return 0;
}

/* --------------------------------------------------------------- main --- */

static int usage(void)
{
	fprintf(stderr, "usage: toctou open|stat|mount|exec|bind N GOOD BAD\n"
			"       toctou open-wait FIFO DECOY [intr] | stat-wait PATH DECOY\n"
			"       toctou mount-wait SOURCE DECOY TARGET\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *w = argc > 1 ? argv[1] : "";
	long n = argc > 2 ? atol(argv[2]) : 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("TOCTOU_HOLD"))
		hold_loops = atoi(getenv("TOCTOU_HOLD"));
	if (!strcmp(w, "open-wait") && (argc == 4 || argc == 5))
		return open_wait(argv[2], argv[3], argc == 5 && !strcmp(argv[4], "intr"));
	if (!strcmp(w, "stat-wait") && argc == 4)
		return stat_wait(argv[2], argv[3]);
	if (!strcmp(w, "mount-wait") && argc == 5)
		return mount_wait(argv[2], argv[3], argv[4]);
	if (n <= 0)
		return usage();
	if (!strcmp(w, "bind") && argc == 5)
		return race_bind(n, atoi(argv[3]), atoi(argv[4]));
	if ((!strcmp(w, "open") || !strcmp(w, "stat") || !strcmp(w, "mount") ||
	     !strcmp(w, "exec")) &&
	    argc == 5)
		return race(w, n, argv[3], argv[4]);
	return usage();
}
