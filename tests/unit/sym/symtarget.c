// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The process tests/unit/test_sym.c symbolizes, built several ways
 * (tests/unit/CMakeLists.txt): it prints the addresses of a static
 * function, of an exported one, of a page of anonymous code (a JIT's), of
 * a function named as g++ names a C++ method and of one whose name only
 * looks mangled, then waits for a line on stdin. */
#include <stdio.h>
#include <sys/mman.h>

/* Called only through a pointer, so that no compiler makes a specialized
 * clone (sym_static.constprop.0) of it. */
__attribute__((noinline, used)) static int sym_static(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x * 3 + 1;
}

static int (*volatile sym_static_ptr)(int) = sym_static;

__attribute__((noinline, used)) int sym_global(int x)
{
	__asm__ volatile("" : "+r"(x));
	return sym_static_ptr(x) + 2;
}

/* sonde::Target::spin(int), as g++ mangles it. */
int sym_cxx(int x) __asm__("_ZN5sonde6Target4spinEi");
__attribute__((noinline, used)) int sym_cxx(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x + 5;
}

/* "_Z" and then no valid mangling. */
int sym_not_cxx(int x) __asm__("_Zsonde");
__attribute__((noinline, used)) int sym_not_cxx(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x + 7;
}

int main(int argc, char **argv)
{
	unsigned char *jit = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char line[8];

	(void)argv;
	if (jit == MAP_FAILED)
		return 1;
	jit[0] = 0xc3; /* ret */
	printf("%p %p %p %p %p\n", (void *)sym_static, (void *)sym_global, (void *)jit,
	       (void *)sym_cxx, (void *)sym_not_cxx);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return sym_global(argc) == 0;
}
