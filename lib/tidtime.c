// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include "common/tidtime.h"
#include "lib/parse.h"
#include "lib/tidtime.h"

/* /proc/sys/kernel/pid_max, at most TIDTIME_SLOTS_MAX; 0 when it cannot be
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
	return v > TIDTIME_SLOTS_MAX ? TIDTIME_SLOTS_MAX : (uint32_t)v;
}

int tid_time_size(struct bpf_map *times, volatile uint32_t *mask)
{
	uint32_t want = pid_max(), n = TIDTIME_SLOTS_MIN;

	while (n < want && n < TIDTIME_SLOTS_MAX)
		n <<= 1;
	*mask = n - 1;
	return bpf_map__set_max_entries(times, n);
}
