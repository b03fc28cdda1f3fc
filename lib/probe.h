/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What this kernel offers, asked at run time. */
#ifndef SONDE_LIB_PROBE_H
#define SONDE_LIB_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#define SONDE_BTF_PATH "/sys/kernel/btf/vmlinux"
#define SONDE_TRACEFS "/sys/kernel/tracing"

bool probe_ringbuf(void);
/* Effective CAP_BPF or CAP_SYS_ADMIN. */
bool probe_privileged(void);

/* The capabilities loading BPF programs takes, as the kernel asks for them:
 * CAP_BPF for any program or map, CAP_PERFMON for a tracing program
 * (tracepoint, kprobe, fentry, raw tracepoint, perf event), CAP_NET_ADMIN
 * for a network program (XDP, TC, cgroup socket hooks). CAP_SYS_ADMIN
 * stands for each of them. */
enum probe_cap {
	PROBE_CAP_BPF = 1 << 0,
	PROBE_CAP_PERFMON = 1 << 1,
	PROBE_CAP_NET_ADMIN = 1 << 2,
	PROBE_CAP_SYS_ADMIN = 1 << 3, /* uprobe events (lib/uprobe.h) */
};
/* Those of `caps` (enum probe_cap) this process lacks in its effective set. */
unsigned probe_caps_missing(unsigned caps);
/* "CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN": the names of `caps`, in buf. */
const char *probe_caps_text(unsigned caps, char *buf, size_t len);
/* The process runs in a user namespace other than the initial one, whose
 * capabilities do not count for BPF (its uid_map is not the identity). */
bool probe_in_user_ns(void);

/* Mounts tracefs at /sys/kernel/tracing unless its events are visible; on
 * failure, one line on stderr says why (see above). */
int tracefs_ensure(void);
/* tracefs_ensure() without a word: whether tracefs's events are in reach. */
bool probe_tracefs(void);
/* The tracepoint category:name exists (mounts tracefs when needed); false,
 * without a word, when tracefs is out of reach. */
bool probe_tracepoint(const char *category, const char *name);
/* Turns off (autoload) the programs of obj whose tracepoint this kernel
 * lacks, such as a syscall's that came in a later release; returns how many
 * programs are left to load, or, after one line, tracefs_ensure()'s
 * -errno. */
struct bpf_object;
int probe_drop_missing_tracepoints(struct bpf_object *obj);

#endif
