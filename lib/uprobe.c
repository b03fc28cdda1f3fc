// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "lib/array_size.h"
#include "lib/escape.h"
#include "lib/log.h"
#include "lib/probe.h"
#include "lib/uprobe.h"

/* Where distributions keep shared libraries; %s is the machine (x86_64,
 * aarch64) of the Debian multiarch directories, which also hold other
 * architectures' libraries (a cross toolchain's) that no process here maps. */
static const char *const libdirs[] = {
	"/lib/%s-linux-gnu/", "/usr/lib/%s-linux-gnu/", "/lib64/", "/usr/lib64/", "/lib/",
	"/usr/lib/",
};

int uprobe_set_prepare(struct uprobe_set *u)
{
	/* The kernel's uprobe events (perf_event_open's uprobe PMU) take
	 * CAP_SYS_ADMIN, which also stands for the load's CAP_BPF and
	 * CAP_PERFMON: said before the load, which would name those. */
	if (probe_caps_missing(PROBE_CAP_SYS_ADMIN)) {
		log_err("not permitted to load BPF programs: this process lacks CAP_SYS_ADMIN (run "
			"as root, or with CAP_SYS_ADMIN, which uprobes take and which stands for "
			"CAP_BPF and CAP_PERFMON)");
		return -EPERM;
	}
	for (size_t i = 0; i < u->nfns; i++)
		bpf_program__set_autoattach(u->fns[i].prog, false);
	return 0;
}

bool uprobe_path_matches(const char *path, const char *const *stems)
{
	const char *base = strrchr(path, '/');
	size_t len = strlen(path);

	if (!base || path[0] != '/')
		return false;
	if (len >= 10 && !strcmp(path + len - 10, " (deleted)"))
		return false;
	base++;
	for (size_t i = 0; stems[i]; i++)
		if (!strncmp(base, stems[i], strlen(stems[i])))
			return true;
	return false;
}

/* Adds the file at path unless it is one already found (or not a regular
 * file that can be read). 0 or -ENOMEM. */
static int lib_add(struct uprobe_set *u, const char *path)
{
	struct uprobe_lib *l;
	struct stat st;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	for (size_t i = 0; i < u->nlibs; i++)
		if (u->libs[i].dev == st.st_dev && u->libs[i].ino == st.st_ino)
			return 0;
	l = realloc(u->libs, (u->nlibs + 1) * sizeof(*l));
	if (!l)
		return -ENOMEM;
	u->libs = l;
	l = &u->libs[u->nlibs];
	l->path = strdup(path);
	if (!l->path)
		return -ENOMEM;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	l->attached = 0;
	u->nlibs++;
	return 0;
}

/* The libraries process pid maps, each through its root. 0 or -ENOMEM (a
 * process that went away, or whose maps this process cannot read, has
 * none). */
static int libs_of_process(struct uprobe_set *u, uint32_t pid)
{
	char maps[64], path[PATH_MAX + 64], line[PATH_MAX + 256];
	int err = 0;
	FILE *f;

	snprintf(maps, sizeof(maps), "/proc/%u/maps", pid);
	f = fopen(maps, "re");
	if (!f)
		return 0;
	while (!err && fgets(line, sizeof(line), f)) {
		char *file = strchr(line, '/');

		line[strcspn(line, "\n")] = '\0';
		if (!file || !uprobe_path_matches(file, u->stems))
			continue;
		snprintf(path, sizeof(path), "/proc/%u/root%s", pid, file);
		err = lib_add(u, path);
	}
	fclose(f);
	return err;
}

static int libs_of_processes(struct uprobe_set *u)
{
	struct dirent *d;
	int err = 0;
	DIR *dir;

	if (u->pid)
		return libs_of_process(u, u->pid);
	dir = opendir("/proc");
	if (!dir)
		return 0;
	while (!err && (d = readdir(dir)))
		if (isdigit((unsigned char)d->d_name[0]))
			err = libs_of_process(u, strtoul(d->d_name, NULL, 10));
	closedir(dir);
	return err;
}

/* The host's own copies, in its library directories. */
static int libs_of_host(struct uprobe_set *u)
{
	char dirpath[PATH_MAX], path[PATH_MAX + 256];
	struct utsname uts;
	struct dirent *d;
	int err = 0;

	if (uname(&uts))
		return 0;
	for (size_t i = 0; !err && i < ARRAY_SIZE(libdirs); i++) {
		DIR *dir;

		snprintf(dirpath, sizeof(dirpath), libdirs[i], uts.machine);
		dir = opendir(dirpath);
		if (!dir)
			continue;
		while (!err && (d = readdir(dir))) {
			snprintf(path, sizeof(path), "%s%s", dirpath, d->d_name);
			if (uprobe_path_matches(path, u->stems))
				err = lib_add(u, path);
		}
		closedir(dir);
	}
	return err;
}

static void log_path(const char *what, const char *fn, const char *path)
{
	char esc[ESCAPE_TEXT_ROOM(PATH_MAX) + 1];
	size_t n = strnlen(path, PATH_MAX);

	esc[escape_text_mem(esc, path, n)] = '\0';
	log_debug("%s %s in '%s'", what, fn, esc);
}

/* fn in lib; a library without the function (or one the kernel refuses:
 * a security module) is left out of its. 0 or -ENOMEM. */
static int attach_one(struct uprobe_set *u, const struct uprobe_fn *fn, struct uprobe_lib *lib)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = fn->name, .retprobe = fn->ret);
	struct uprobe_link *links;
	struct bpf_link *link;

	link = bpf_program__attach_uprobe_opts(fn->prog, u->pid ? (pid_t)u->pid : -1, lib->path, 0,
					       &opts);
	if (!link) {
		log_path("no uprobe for", fn->name, lib->path);
		return 0;
	}
	links = realloc(u->links, (u->nlinks + 1) * sizeof(*links));
	if (!links) {
		bpf_link__destroy(link);
		return -ENOMEM;
	}
	u->links = links;
	u->links[u->nlinks++].link = link;
	lib->attached++;
	log_path(fn->ret ? "attached uretprobe" : "attached uprobe", fn->name, lib->path);
	return 0;
}

int uprobe_set_attach(void *vu)
{
	struct uprobe_set *u = vu;
	int err = libs_of_processes(u);

	if (!err && u->host && !u->pid)
		err = libs_of_host(u);
	for (size_t l = 0; !err && l < u->nlibs; l++)
		for (size_t f = 0; !err && f < u->nfns; f++)
			err = attach_one(u, &u->fns[f], &u->libs[l]);
	if (err == -ENOMEM)
		log_err("cannot attach uprobes: %s", strerror(-err));
	if (err)
		return err;
	if (!u->nlinks) {
		log_err("no library to probe: no file named %s... with these functions is mapped "
			"by %s",
			u->stems[0],
			u->pid ? "the process of -p"
			       : "a process or in the usual library directories");
		return -ENOENT;
	}
	return 0;
}

void uprobe_set_free(struct uprobe_set *u)
{
	for (size_t i = 0; i < u->nlinks; i++)
		bpf_link__destroy(u->links[i].link);
	for (size_t i = 0; i < u->nlibs; i++)
		free(u->libs[i].path);
	free(u->links);
	free(u->libs);
	u->links = NULL;
	u->libs = NULL;
	u->nlinks = u->nlibs = 0;
}
