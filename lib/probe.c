// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <bpf/libbpf.h>
#include "lib/log.h"
#include "lib/probe.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

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

/* The tracepoint a "tracepoint/CATEGORY/NAME" (or "tp/...") program attaches
 * to exists; true for programs of any other kind. */
static bool prog_tracepoint_present(struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog), *name;
	char category[64];
	size_t n;

	if (!strncmp(sec, "tracepoint/", 11))
		sec += 11;
	else if (!strncmp(sec, "tp/", 3))
		sec += 3;
	else
		return true;
	name = strchr(sec, '/');
	n = name ? (size_t)(name - sec) : 0;
	if (!n || n >= sizeof(category))
		return true;
	memcpy(category, sec, n);
	category[n] = '\0';
	return probe_tracepoint(category, name + 1);
}

int probe_drop_missing_tracepoints(struct bpf_object *obj)
{
	struct bpf_program *prog;
	int left = 0;

	bpf_object__for_each_program (prog, obj) {
		if (!bpf_program__autoload(prog))
			continue;
		/* Unprivileged, tracefs may be out of reach: the load says why. */
		if (!probe_privileged() || prog_tracepoint_present(prog)) {
			left++;
			continue;
		}
		log_debug("%s: not in this kernel, not traced", bpf_program__section_name(prog));
		bpf_program__set_autoload(prog, false);
	}
	return left;
}
