// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A known call chain for the stack tools' tests: main -> a -> b -> c, and
 * under c, by the first argument:
 *   qsort SECONDS     c -> qsort (libc) -> cmp -> spin, on the CPU
 *   direct SECONDS    c -> spin, on the CPU
 *   sleep N MS        c -> nanosleep (libc), N times MS milliseconds
 *   sleep-raw N MS    the same with the system call's instruction in c itself
 * Each function is noinline and does work after its call (no tail calls),
 * so each has a frame. Built with and without frame pointers
 * (tests/helpers/CMakeLists.txt). The sleep modes print the time they
 * slept, measured around each call, in microseconds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>

enum mode { QSORT, DIRECT, SLEEP, SLEEP_RAW };

/* nanosleep(2) made by the caller's own instruction, inlined: no libc
 * function (without a frame pointer) between it and the kernel. */
#if defined(__x86_64__)
static inline __attribute__((always_inline)) void raw_nanosleep(const struct timespec *ts)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"((long)SYS_nanosleep), "D"(ts), "S"(0L)
			 : "rcx", "r11", "memory");
	(void)ret;
}
#elif defined(__aarch64__)
static inline __attribute__((always_inline)) void raw_nanosleep(const struct timespec *ts)
{
	register long x8 __asm__("x8") = SYS_nanosleep;
	register long x0 __asm__("x0") = (long)ts;
	register long x1 __asm__("x1") = 0;

	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
}
#endif

static enum mode mode;
static struct timespec nap;
static volatile unsigned long sink;

/* Its counter lives on the stack: gcc gives a leaf function a frame only
 * when it needs one, even with -fno-omit-frame-pointer. */
__attribute__((noinline)) void spin(void)
{
	for (volatile unsigned long i = 0; i < 200000; i++)
		sink += i;
}

__attribute__((noinline)) int cmp(const void *x, const void *y)
{
	spin();
	return *(const int *)x - *(const int *)y + (int)(sink & 0);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

__attribute__((noinline)) int c(int x)
{
	int v[2] = { 2, 1 };

	switch (mode) {
	case QSORT:
		qsort(v, 2, sizeof(v[0]), cmp);
		break;
	case DIRECT:
		spin();
		break;
	case SLEEP:
		nanosleep(&nap, NULL);
		break;
	case SLEEP_RAW:
		raw_nanosleep(&nap);
		break;
	}
	return x + v[0] + (int)(sink & 1);
}

__attribute__((noinline)) int b(int x)
{
	return c(x + 1) + 1;
}

__attribute__((noinline)) int a(int x)
{
	return b(x + 1) + 1;
}

static int usage(void)
{
	fputs("usage: stackchain qsort|direct SECONDS | stackchain sleep|sleep-raw N MS\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	double start, slept = 0;
	long n, ms = 0;
	int r = 0;

	if (argc < 3)
		return usage();
	mode = !strcmp(argv[1], "qsort")    ? QSORT
	       : !strcmp(argv[1], "direct") ? DIRECT
	       : !strcmp(argv[1], "sleep")  ? SLEEP
					    : SLEEP_RAW;
	n = atol(argv[2]);
	if (mode >= SLEEP) {
		if (argc < 4 || strcmp(argv[1], mode == SLEEP ? "sleep" : "sleep-raw"))
			return usage();
		ms = atol(argv[3]);
		nap = (struct timespec){ ms / 1000, (ms % 1000) * 1000000 };
		for (long i = 0; i < n; i++) {
			start = now_us();
			r += a(1);
			slept += now_us() - start;
		}
		printf("%.0f\n", slept);
		return r == 0;
	}
	start = now_us();
	while (now_us() - start < n * 1e6)
		r += a(1);
	return r == 0;
}
