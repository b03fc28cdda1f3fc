// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <bpf/libbpf.h>
#include "lib/log.h"
#include "lib/probe.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
/* linux/magic.h's; spelt out for older headers. */
#define SONDE_TRACEFS_MAGIC 0x74726163

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
	return !probe_caps_missing(PROBE_CAP_BPF);
}

static const struct {
	unsigned bit;
	int cap;
	const char *name;
} caps_known[] = {
	{ PROBE_CAP_BPF, CAP_BPF, "CAP_BPF" },
	{ PROBE_CAP_PERFMON, CAP_PERFMON, "CAP_PERFMON" },
	{ PROBE_CAP_NET_ADMIN, CAP_NET_ADMIN, "CAP_NET_ADMIN" },
	{ PROBE_CAP_SYS_ADMIN, CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
};

unsigned probe_caps_missing(unsigned caps)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };
	unsigned missing = 0;

	if (syscall(SYS_capget, &h, d))
		return geteuid() == 0 ? 0 : caps;
	if (has_cap(d, CAP_SYS_ADMIN))
		return 0;
	for (size_t i = 0; i < sizeof(caps_known) / sizeof(caps_known[0]); i++)
		if ((caps & caps_known[i].bit) && !has_cap(d, caps_known[i].cap))
			missing |= caps_known[i].bit;
	return missing;
}

const char *probe_caps_text(unsigned caps, char *buf, size_t len)
{
	size_t n = 0, left = (size_t)__builtin_popcount(caps);

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(caps_known) / sizeof(caps_known[0]) && n < len; i++) {
		if (!(caps & caps_known[i].bit))
			continue;
		left--;
		n += snprintf(buf + n, len - n, "%s%s", caps_known[i].name,
			      left > 1	  ? ", "
			      : left == 1 ? " and "
					  : "");
	}
	return buf;
}

bool probe_in_user_ns(void)
{
	char line[128], *p = line, *end;
	unsigned long v[3];
	FILE *f = fopen("/proc/self/uid_map", "re");
	bool read_ok;

	if (!f)
		return false;
	read_ok = fgets(line, sizeof(line), f);
	fclose(f);
	if (!read_ok)
		return false;
	/* The initial namespace maps every ID to itself: "0 0 4294967295". */
	for (int i = 0; i < 3; i++, p = end) {
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (end == p || errno)
			return false;
	}
	return !(v[0] == 0 && v[1] == 0 && v[2] == 4294967295UL);
}

/* tracefs is mounted, but its events are out of this user's reach: say
 * what keeps them out (a user other than root with CAP_BPF and CAP_PERFMON
 * meets this on a default system, where the directory is root's only). */
static int tracefs_unreachable(bool say)
{
	struct stat st;

	if (stat(SONDE_TRACEFS, &st))
		return -errno;
	if (say)
		log_err(
		    "cannot reach tracefs at %s: its mode %04o (owner %u, group %u) keeps this user "
		    "out: run as root, add CAP_DAC_READ_SEARCH, or mount it with a gid= and mode= "
		    "that let this user's group in",
		    SONDE_TRACEFS, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
		    (unsigned)st.st_gid);
	return -EACCES;
}

static bool tracefs_mounted(void)
{
	struct statfs sf;

	return !statfs(SONDE_TRACEFS, &sf) && sf.f_type == SONDE_TRACEFS_MAGIC;
}

/* tracefs_ensure(), saying why it failed or not. */
static int tracefs_setup(bool say)
{
	int err;

	/* Effective IDs and capabilities: CAP_DAC_READ_SEARCH counts. */
	if (faccessat(AT_FDCWD, SONDE_TRACEFS "/events", F_OK, AT_EACCESS) == 0)
		return 0;
	if (tracefs_mounted())
		return tracefs_unreachable(say);
	if (mount("tracefs", SONDE_TRACEFS, "tracefs", 0, NULL) && errno != EBUSY) {
		err = -errno;
		if (!say)
			return err;
		if (err == -EPERM)
			log_err(
			    "tracefs is not mounted at %s, and mounting it takes CAP_SYS_ADMIN: "
			    "run as root, or mount it first (mount -t tracefs tracefs %s)",
			    SONDE_TRACEFS, SONDE_TRACEFS);
		else
			log_err("cannot mount tracefs at %s: %s", SONDE_TRACEFS, strerror(-err));
		return err;
	}
	log_debug("mounted tracefs at %s", SONDE_TRACEFS);
	return 0;
}

int tracefs_ensure(void)
{
	return tracefs_setup(true);
}

bool probe_tracefs(void)
{
	return tracefs_setup(false) == 0;
}

bool probe_tracepoint(const char *category, const char *name)
{
	char path[256];

	if (tracefs_setup(false))
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
	bool privileged = probe_privileged();
	int left = 0, err;

	/* Unprivileged, the load says why it cannot go on; privileged, a
	 * tracefs out of reach says nothing of the tracepoints. */
	if (privileged && (err = tracefs_ensure()))
		return err;
	bpf_object__for_each_program (prog, obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (!privileged || prog_tracepoint_present(prog)) {
			left++;
			continue;
		}
		log_debug("%s: not in this kernel, not traced", bpf_program__section_name(prog));
		bpf_program__set_autoload(prog, false);
	}
	return left;
}
