/* mountinfo lines: whatever the file holds, the cgroup2 mount found (if
 * any) is an absolute path that fits the buffer. */
#include "cgroup.h"
#include "fuzz.h"

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
