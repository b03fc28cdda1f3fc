// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "lib/array_size.h"
#include "lib/btfsrc.h"
#include "lib/log.h"
#include "lib/probe.h"

/* Where a kernel's vmlinux (with its .BTF section) is installed, "%1$s"
 * being its release: Debian's and Ubuntu's debug packages, Fedora's
 * kernel-debuginfo, and a kernel built and installed by hand. */
static const char *const places[] = {
	"/boot/vmlinux-%1$s",
	"/lib/modules/%1$s/vmlinux",
	"/usr/lib/debug/boot/vmlinux-%1$s",
	"/usr/lib/debug/lib/modules/%1$s/vmlinux",
};

bool btfsrc_sysfs(void)
{
	struct stat st;

	/* sysfs gives the file the size of the kernel's BTF. */
	return !stat(SONDE_BTF_PATH, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	       !faccessat(AT_FDCWD, SONDE_BTF_PATH, R_OK, AT_EACCESS);
}

/* 0 when path holds BTF (raw, or an ELF file's .BTF section), else -errno. */
static int btf_check(const char *path)
{
	struct btf *btf;

	if (faccessat(AT_FDCWD, path, R_OK, AT_EACCESS))
		return -errno;
	btf = btf__parse(path, NULL);
	if (!btf)
		return -EPROTO;
	btf__free(btf);
	return 0;
}

static int btf_given(struct sonde_opts *o)
{
	int err = btf_check(o->btf);

	if (err) {
		log_err("invalid value '%s' for --btf: %s", o->btf,
			err == -EPROTO ? "holds no BTF (a BTF file or a vmlinux with a .BTF "
					 "section is needed)"
				       : strerror(-err));
		return -EINVAL;
	}
	o->open.btf_custom_path = o->btf;
	log_debug("kernel BTF for CO-RE: %s", o->btf);
	return 0;
}

/* places[i] for the running kernel. */
static int place(size_t i, char *buf, size_t size)
{
	struct utsname u;

	if (uname(&u))
		return -errno;
	snprintf(buf, size, places[i], u.release);
	return 0;
}

/* The first of places that holds BTF, if any. */
static int btf_search(struct sonde_opts *o)
{
	char path[256];

	for (size_t i = 0; i < ARRAY_SIZE(places); i++) {
		if (place(i, path, sizeof(path)) || btf_check(path))
			continue;
		o->btf_found = strdup(path);
		if (!o->btf_found)
			return -ENOMEM;
		o->open.btf_custom_path = o->btf_found;
		log_debug("kernel BTF for CO-RE: %s (no %s)", o->btf_found, SONDE_BTF_PATH);
		return 0;
	}
	o->btf_none = true;
	return 0;
}

int btfsrc_resolve(struct sonde_opts *o)
{
	o->open.sz = sizeof(o->open);
	if (o->btf)
		return btf_given(o);
	if (btfsrc_sysfs())
		return 0;
	return btf_search(o);
}

int btfsrc_require(const struct sonde_opts *o)
{
	char looked[1024], path[256];
	size_t n = 0;

	if (!o->btf_none)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(places) && n < sizeof(looked); i++) {
		if (!place(i, path, sizeof(path)))
			n += snprintf(looked + n, sizeof(looked) - n, ", %s", path);
	}
	log_err("kernel BTF not found: looked at %s%s; give a BTF file with --btf FILE "
		"(scripts/gen-min-btf makes one)",
		SONDE_BTF_PATH, n ? looked : "");
	return -ENOTSUP;
}

/* Whether libbpf finds the kernel's complete BTF, as it looks for it to
 * attach a program by type ID. */
static bool kernel_ids(void)
{
	static int found = -1;
	struct btf *btf;

	if (found >= 0)
		return found;
	if (btfsrc_sysfs()) {
		found = 1;
		return true;
	}
	btf = btf__load_vmlinux_btf();
	found = btf != NULL;
	btf__free(btf);
	return found;
}

/* The "?raw_tp/X" program of obj for a "tp_btf/X" one, or NULL. */
static struct bpf_program *raw_twin(struct bpf_object *obj, const char *tp_btf_sec)
{
	const char *tp = tp_btf_sec + strlen("tp_btf/");
	struct bpf_program *prog;

	bpf_object__for_each_program (prog, obj) {
		const char *sec = bpf_program__section_name(prog);

		if (!strncmp(sec, "raw_tp/", 7) && !strcmp(sec + 7, tp))
			return prog;
	}
	return NULL;
}

int btfsrc_pick_programs(struct bpf_object *obj)
{
	struct bpf_program *prog, *twin;

	if (kernel_ids())
		return 0;
	bpf_object__for_each_program (prog, obj) {
		const char *sec = bpf_program__section_name(prog);

		if (!bpf_program__autoload(prog) ||
		    bpf_program__type(prog) != BPF_PROG_TYPE_TRACING)
			continue;
		twin = strncmp(sec, "tp_btf/", 7) ? NULL : raw_twin(obj, sec);
		if (!twin) {
			log_err("%s needs the kernel's complete BTF at %s (or a vmlinux where "
				"libbpf looks): it attaches by the kernel's own type IDs, which a "
				"--btf file cannot give",
				sec, SONDE_BTF_PATH);
			return -ENOTSUP;
		}
		bpf_program__set_autoload(prog, false);
		bpf_program__set_autoload(twin, true);
		log_debug("%s: no kernel BTF type IDs, %s instead", sec,
			  bpf_program__section_name(twin));
	}
	return 0;
}
