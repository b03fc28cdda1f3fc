// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Option values: the first byte picks the parser, the rest is the value.
 * Properties: an accepted value lies in the parser's range, and a refused one
 * leaves the output untouched. */
#include <errno.h>
#include <stdint.h>
#include "tests/fuzz/fuzz.h"
#include "lib/log.h"
#include "lib/names.h"
#include "lib/net.h"
#include "lib/parse.h"

static void uint_in_range(const char *s, uint64_t min, uint64_t max)
{
	uint64_t v = 7, d = 7;
	int r = parse_decimal(s, min, max, &d);

	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ERANGE);
	if (!parse_uint("-x", s, min, max, &v)) {
		FUZZ_CHECK(v >= min && v <= max);
		FUZZ_CHECK(r == 0 && d == v);
	} else {
		FUZZ_CHECK(v == 7 && r != 0 && d == 7);
	}
}

static void ports(const char *s)
{
	uint16_t p[8];
	unsigned n = 99;

	if (net_ports_parse("-P", s, 1, p, 8, &n))
		return;
	FUZZ_CHECK(n >= 1 && n <= 8);
	for (unsigned i = 0; i < n; i++)
		FUZZ_CHECK(p[i] >= 1);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	uint32_t v = 0, interval = 0, count = 0;
	char *s;
	int r;

	if (!size)
		return 0;
	log_init("fuzz", false);
	s = fuzz_str(data + 1, size - 1);
	switch (data[0] % 8) {
	case 0:
		uint_in_range(s, 1, 1000);
		break;
	case 1:
		if (!parse_pid("-p", s, &v))
			FUZZ_CHECK(v >= 1 && v <= SONDE_PID_MAX);
		break;
	case 2:
		if (!parse_seconds("-d", s, &v))
			FUZZ_CHECK(v >= 1 && v <= 366 * 86400);
		break;
	case 3:
		r = parse_interval_arg(data[0] & 8 ? 1 : 0, s, &interval, &count);
		FUZZ_CHECK(r == 0 || r == -EINVAL || r == -E2BIG);
		break;
	case 4:
		r = errno_parse(s);
		FUZZ_CHECK(r == -1 || (r > 0 && r < 4096));
		break;
	case 5:
		r = signal_parse(s);
		FUZZ_CHECK(r == -1 || (r >= 0 && r <= 64));
		break;
	case 6:
		r = syscall_nr(s);
		FUZZ_CHECK(r == -1 || (r >= 0 && r < syscall_count() && syscall_name(r)));
		break;
	default:
		ports(s);
		break;
	}
	free(s);
	return 0;
}
