/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The uprobe tools (gethostlatency, sslsniff): functions of shared
 * libraries, probed in every file of the library that processes map.
 *
 * A uprobe belongs to a file (its inode), not to a path or a process: one
 * on the host's libc.so.6 fires in every process that maps that file,
 * started before the tool or after it. A container has files of its own,
 * reached from the host through /proc/PID/root/ of a process inside it.
 * So the libraries are found in /proc/PID/maps of every process (or of
 * -p's), each file through its process's root, plus the host's own copy
 * at its usual paths; each file is probed once (by device and inode).
 *
 *	static const char *const stems[] = { "libc.so.", NULL };
 *	struct uprobe_fn fns[] = { { "getaddrinfo", false, skel->progs.handle_gai }, ... };
 *	struct uprobe_set u = { .stems = stems, .host = true, .fns = fns,
 *				.nfns = ARRAY_SIZE(fns), .pid = opts.common.pid };
 *	err = uprobe_set_prepare(&u);		// before load
 *	st.attach = uprobe_set_attach;		// struct sonde_stream's hook
 *	st.attach_ctx = &u;
 *	err = sonde_stream_run(...);
 *	uprobe_set_free(&u);
 */
#ifndef SONDE_LIB_UPROBE_H
#define SONDE_LIB_UPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <bpf/libbpf.h>

/* A function to probe in each library: at its entry, or at its return. */
struct uprobe_fn {
	const char *name;
	bool ret;
	struct bpf_program *prog;
};

struct uprobe_lib {
	char *path; /* as the host reaches it: /proc/PID/root/... or a host path */
	dev_t dev;
	ino_t ino;
	unsigned attached; /* uprobes placed in it */
};

/* A uprobe placed (its own struct: an array of them grows by realloc). */
struct uprobe_link {
	struct bpf_link *link;
};

struct uprobe_set {
	/* Set by the tool. */
	const char *const *stems; /* a library's file name starts with one of these */
	bool host;		  /* in the host's library directories too (not with pid) */
	const struct uprobe_fn *fns;
	size_t nfns;
	uint32_t pid; /* -p: only this process (its maps, and uprobes for it alone) */
	/* Found and made by uprobe_set_attach(). */
	struct uprobe_lib *libs;
	size_t nlibs;
	struct uprobe_link *links;
	size_t nlinks;
};

/* Before load: the programs are the tool's to attach (not the skeleton's).
 * 0, or -EPERM after one line when this process may not make uprobes. */
int uprobe_set_prepare(struct uprobe_set *u);
/* Finds the libraries and attaches every function in each, for struct
 * sonde_stream's attach hook. A library without one of the functions is
 * left out of that function's; 0, or -ENOENT after one line when nothing
 * at all could be probed. */
int uprobe_set_attach(void *u);
/* Detaches and frees what uprobe_set_attach() made. */
void uprobe_set_free(struct uprobe_set *u);

/* Whether a mapped file's path (a line of /proc/PID/maps past its inode)
 * names a library of `stems`: its last component starts with one of them.
 * A path the kernel marks " (deleted)" is not one. */
bool uprobe_path_matches(const char *path, const char *const *stems);

#endif
