/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What this kernel offers, asked at run time. */
#ifndef SONDE_LIB_PROBE_H
#define SONDE_LIB_PROBE_H

#include <stdbool.h>

#define SONDE_BTF_PATH "/sys/kernel/btf/vmlinux"
#define SONDE_TRACEFS "/sys/kernel/tracing"

bool probe_ringbuf(void);
/* Effective CAP_BPF or CAP_SYS_ADMIN. */
bool probe_privileged(void);
/* Mounts tracefs at /sys/kernel/tracing unless its events are visible. */
int tracefs_ensure(void);
/* The tracepoint category:name exists (mounts tracefs when needed). */
bool probe_tracepoint(const char *category, const char *name);
/* Turns off (autoload) the programs of obj whose tracepoint this kernel
 * lacks, such as a syscall's that came in a later release; returns how many
 * programs are left to load. */
struct bpf_object;
int probe_drop_missing_tracepoints(struct bpf_object *obj);

#endif
