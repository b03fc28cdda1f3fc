#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "probe.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

bool probe_btf(void)
{
	return faccessat(AT_FDCWD, SONDE_BTF_PATH, R_OK, AT_EACCESS) == 0;
}

bool probe_ringbuf(void)
{
	return libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
}

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

bool probe_privileged(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };

	if (syscall(SYS_capget, &h, d))
		return geteuid() == 0;
	return has_cap(d, CAP_SYS_ADMIN) || has_cap(d, CAP_BPF);
}

int tracefs_ensure(void)
{
	/* Effective IDs and capabilities: CAP_DAC_READ_SEARCH counts. */
	if (faccessat(AT_FDCWD, SONDE_TRACEFS "/events", F_OK, AT_EACCESS) == 0)
		return 0;
	if (mount("tracefs", SONDE_TRACEFS, "tracefs", 0, NULL) && errno != EBUSY) {
		int err = -errno;

		log_err("cannot mount tracefs at %s: %s", SONDE_TRACEFS, strerror(-err));
		return err;
	}
	log_debug("mounted tracefs at %s", SONDE_TRACEFS);
	return 0;
}

bool probe_tracepoint(const char *category, const char *name)
{
	char path[256];

	if (tracefs_ensure())
		return false;
	snprintf(path, sizeof(path), SONDE_TRACEFS "/events/%s/%s", category, name);
	return faccessat(AT_FDCWD, path, F_OK, AT_EACCESS) == 0;
}
