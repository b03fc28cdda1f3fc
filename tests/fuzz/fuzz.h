/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What every harness shares: the input as a NUL-terminated string, and a
 * check that aborts (a libFuzzer crash) when a property fails. */
#ifndef SONDE_TESTS_FUZZ_FUZZ_H
#define SONDE_TESTS_FUZZ_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__,        \
				#cond);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* A copy of data with a NUL after it (inner NULs cut it short, as they do
 * in argv). The caller frees it. */
static inline char *fuzz_str(const unsigned char *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
