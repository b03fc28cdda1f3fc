// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* mountinfo lines: whatever the file holds, the cgroup2 mount found (if
 * any) is an absolute path that fits the buffer. */
#include "lib/cgroup.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char mnt[64];
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	FUZZ_CHECK(f);
	if (!cgroup2_mount_parse(f, mnt, sizeof(mnt)))
		FUZZ_CHECK(mnt[0] == '/' && strnlen(mnt, sizeof(mnt)) < sizeof(mnt));
	fclose(f);
	return 0;
}
