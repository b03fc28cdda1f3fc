// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The stack tools' C++ workload (tests/bats/profile.bats): methods of a
 * namespace's class and class template, main -> shop::Till::ring(int) ->
 * shop::Basket<long>::weigh(long) -> shop::tally(long), the last inlined
 * into weigh, on the CPU for SECONDS (argv[1]). Built -O2 -g, as a
 * distribution builds: no frame pointers. */
#include <cstdlib>
#include <ctime>

namespace shop {

static inline __attribute__((always_inline)) long tally(long x)
{
	for (int i = 0; i < 1000000; i++)
		__asm__ volatile("" : "+r"(x));
	return x;
}

template <typename T> struct Basket {
	T total;

	__attribute__((noinline)) T weigh(T x)
	{
		total += tally(x) + 1;
		return total;
	}
};

struct Till {
	__attribute__((noinline)) static long ring(int seconds)
	{
		Basket<long> b{ 0 };
		timespec now, end;
		long v = 0;

		clock_gettime(CLOCK_MONOTONIC, &end);
		end.tv_sec += seconds;
		do {
			v = b.weigh(v);
			clock_gettime(CLOCK_MONOTONIC, &now);
		} while (now.tv_sec < end.tv_sec ||
			 (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
		return v;
	}
};

} // namespace shop

int main(int argc, char **argv)
{
	return shop::Till::ring(argc > 1 ? atoi(argv[1]) : 1) == 42;
}
