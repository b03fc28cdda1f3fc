/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Loading and attaching a tool's BPF skeleton, with one clear line (and the
 * right exit code) when the kernel or the privileges are not enough. */
#ifndef SONDE_LIB_LOADER_H
#define SONDE_LIB_LOADER_H

#include <stddef.h>
#include <bpf/libbpf.h>
#include "lib/opts.h"

/* Blocks SIGINT and SIGTERM for the event loop and ignores SIGPIPE
 * (evloop_signals_init()), writes the common filters (-p, -u, -c) into the
 * object's rodata, loads it (the verifier runs here) and fills the cgroup
 * filter map (lib/filter.h). */
int sonde_load(struct bpf_object_skeleton *s, const struct sonde_opts *o);
/* Attaches every loaded program; links live in the skeleton and go away
 * with its __destroy(). Mounts tracefs first when a tracepoint needs it. */
int sonde_attach(struct bpf_object_skeleton *s);
/* Detaches every program at once: each link is closed on a thread of its
 * own, so that the kernel's grace periods of the links overlap where the
 * kernel lets them (mountsnoop's 18 syscall tracepoints: 1.3 s one by one,
 * 0.66 s this way).
 * The skeleton's __destroy() then has nothing left to detach. */
void sonde_detach(struct bpf_object_skeleton *s);
/* Sets a `const volatile` variable by name before load; -ENOENT if absent. */
int sonde_rodata_set(struct bpf_object *obj, const char *name, const void *val, size_t size);
/* Sets a global variable of the section secname (".rodata" before load;
 * ".bss" before or after load: the BPF programs then see it at once) by
 * name; -ENOENT if absent, -EINVAL if its size differs. */
int sonde_global_set(struct bpf_object *obj, const char *secname, const char *name, const void *val,
		     size_t size);
/* Reads a global variable of section secname (".bss" after load: what the
 * BPF programs wrote); the same errors as sonde_global_set(). */
int sonde_global_get(struct bpf_object *obj, const char *secname, const char *name, void *val,
		     size_t size);
/* Sets the "events" ring buffer's size (a power of two) before load. */
int sonde_ringbuf_size(struct bpf_object *obj, size_t bytes);

#endif
