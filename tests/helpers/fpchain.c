// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A program every byte of whose code keeps frame pointers: no libc (which
 * Debian builds without them), its own _start and system calls. It runs
 * start -> a -> b -> c -> spin on the CPU for SECONDS (its argument, 1 to
 * 9): the stack tools' --unwind=auto must choose frame pointers for it.
 * x86_64 only. Built by tests/helpers/CMakeLists.txt. */

static volatile unsigned long sink;

static long sys1(long nr, long a)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a) : "rcx", "r11", "memory");
	return ret;
}

static long sys2(long nr, long a, long b)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

struct ts {
	long sec, nsec;
};

static long now_sec(void)
{
	struct ts t;

	sys2(228, 1, (long)&t); /* clock_gettime(CLOCK_MONOTONIC) */
	return t.sec;
}

__attribute__((noinline)) void spin(void)
{
	for (volatile unsigned long i = 0; i < 200000; i++)
		sink += i;
}

__attribute__((noinline)) int c(int x)
{
	spin();
	return x + (int)(sink & 1);
}

__attribute__((noinline)) int b(int x)
{
	return c(x + 1) + 1;
}

__attribute__((noinline)) int a(int x)
{
	return b(x + 1) + 1;
}

/* sp: the stack the kernel started the process with (argc, argv...). */
__attribute__((noinline, used)) void start(long *sp)
{
	const char *arg = sp[0] > 1 ? (const char *)sp[2] : "1";
	long secs = arg[0] >= '1' && arg[0] <= '9' ? arg[0] - '0' : 1, end = now_sec() + secs;
	int r = 0;

	while (now_sec() < end)
		r += a(1);
	sys1(60, r == 0); /* exit */
}

/* The chain of frame pointers ends at _start's 0. */
__asm__(".globl _start\n"
	".type _start, @function\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call start\n"
	"	hlt\n");
