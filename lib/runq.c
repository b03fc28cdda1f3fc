// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include "common/runq.h"
#include "lib/parse.h"
#include "lib/runq.h"

/* /proc/sys/kernel/pid_max, at most RUNQ_SLOTS_MAX; 0 when it cannot be
 * read. */
static uint32_t pid_max(void)
{
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
	char buf[32] = "";
	uint64_t v = 0;

	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	if (parse_decimal(buf, 1, SONDE_PID_MAX, &v))
		return 0;
	return v > RUNQ_SLOTS_MAX ? RUNQ_SLOTS_MAX : (uint32_t)v;
}

int runq_size(struct bpf_map *start, volatile uint32_t *mask)
{
	uint32_t want = pid_max(), n = RUNQ_SLOTS_MIN;

	while (n < want && n < RUNQ_SLOTS_MAX)
		n <<= 1;
	*mask = n - 1;
	return bpf_map__set_max_entries(start, n);
}
