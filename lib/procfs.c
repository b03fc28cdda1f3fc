// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include "lib/procfs.h"

bool proc_status_field(uint32_t pid, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	char path[32], line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, size, "%s", line + klen + strspn(line + klen, " \t"));
		found = true;
	}
	fclose(f);
	return found;
}
