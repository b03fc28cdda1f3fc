// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/sym.h on ELF files this build made (tests/unit/sym/): without PIE,
 * PIE, stripped, with a .gnu_debuglink, with a debug file found by build
 * ID, with MiniDebugInfo; a running process of each (C++ names demangled),
 * one that exited after it was noted, one whose file was deleted, a JIT's
 * perf map, the kernel. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "lib/sym.h"

static const char *symdir(void)
{
	const char *d = getenv("SONDE_SYMDIR");

	return d ? d : "tests/sym";
}

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", symdir(), name);
}

/* A running symtarget: its PID, the addresses it printed, its stdin. */
struct target {
	pid_t pid;
	uint64_t sym_static, sym_global, jit, cxx, not_cxx;
	int in;
};

static void spawn(const char *path, struct target *t)
{
	int out[2], in[2];
	FILE *f;

	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(in), 0);
	t->pid = fork();
	assert_true(t->pid >= 0);
	if (!t->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	t->in = in[1];
	f = fdopen(out[0], "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64,
				&t->sym_static, &t->sym_global, &t->jit, &t->cxx, &t->not_cxx),
			 5);
	fclose(f);
}

static void finish(struct target *t)
{
	int status;

	assert_int_equal(write(t->in, "\n", 1), 1);
	close(t->in);
	assert_int_equal(waitpid(t->pid, &status, 0), t->pid);
}

static void expect(struct syms *s, const struct target *t, uint64_t addr, bool ret, const char *sym,
		   uint64_t off)
{
	struct sym_frame f;

	syms_user(s, t->pid, 1, addr, ret, &f);
	if (!sym) {
		assert_null(f.sym);
		assert_non_null(f.module);
		return;
	}
	assert_non_null(f.sym);
	assert_string_equal(f.sym, sym);
	assert_int_equal(f.off, off);
}

/* Where each file's symbols come from. */
static void sources(void **state)
{
	static const struct {
		const char *name;
		enum sym_source src;
	} cases[] = {
		{ "symtarget_nopie", SYM_FROM_SYMTAB }, { "symtarget_pie", SYM_FROM_SYMTAB },
		{ "stripped", SYM_FROM_DYNSYM },	{ "debuglink", SYM_FROM_DEBUG_LINK },
		{ "buildid", SYM_FROM_DEBUG_ID },	{ "minidebug", SYM_FROM_MINIDEBUG },
	};
	char path[4096], dbg[4096];

	(void)state;
	path_of(dbg, sizeof(dbg), "debug");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sym_elf *e;
		int fd;

		path_of(path, sizeof(path), cases[i].name);
		fd = open(path, O_RDONLY);
		assert_true(fd >= 0);
		e = sym_elf_load(fd, -1, path, dbg);
		close(fd);
		assert_non_null(e);
		assert_int_equal(sym_elf_source(e), cases[i].src);
		assert_true(sym_elf_count(e) > 0);
		sym_elf_free(e);
	}
}

/* Every variant, running: names and offsets of a static function (not in
 * a stripped file) and of an exported one, as the innermost frame and as a
 * return address. */
static void running(void **state)
{
	static const struct {
		const char *name;
		bool has_static;
	} cases[] = {
		{ "symtarget_nopie", true }, { "symtarget_pie", true }, { "symtarget_bid", true },
		{ "stripped", false },	     { "debuglink", true },	{ "buildid", true },
		{ "minidebug", true },
	};
	char path[4096], dbg[4096];

	(void)state;
	path_of(dbg, sizeof(dbg), "debug");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct syms *s = syms__new(dbg);
		struct target t;
		struct sym_frame f;

		assert_non_null(s);
		path_of(path, sizeof(path), cases[i].name);
		spawn(path, &t);
		assert_int_equal(syms_proc_note(s, t.pid, 1), 0);
		expect(s, &t, t.sym_static + 4, false, cases[i].has_static ? "sym_static" : NULL,
		       4);
		expect(s, &t, t.sym_global + 3, false, "sym_global", 3);
		/* A return address is looked up one byte back: right after a
		 * function's last call is the next function's start. */
		expect(s, &t, t.sym_global + 5, true, "sym_global", 5);
		/* C++ names demangled, from every kind of symbol table; a name
		 * that only starts as one stays as it is. */
		expect(s, &t, t.cxx + 2, false, "sonde::Target::spin(int)", 2);
		expect(s, &t, t.not_cxx + 2, false, "_Zsonde", 2);
		syms_user(s, t.pid, 1, t.sym_global, false, &f);
		assert_string_equal(f.module, path);
		finish(&t);
		syms__free(s);
	}
}

/* Noted while it ran, looked up after it exited. */
static void exited(void **state)
{
	struct syms *s = syms__new(NULL);
	struct target t;
	char path[4096];

	(void)state;
	path_of(path, sizeof(path), "symtarget_pie");
	spawn(path, &t);
	assert_int_equal(syms_proc_note(s, t.pid, 1), 0);
	finish(&t);
	expect(s, &t, t.sym_static + 1, false, "sym_static", 1);
	assert_int_equal(syms_procs_unread(s), 0);
	syms__free(s);
}

/* A process never noted, and gone: its addresses stay addresses, and it is
 * counted. */
static void never_noted(void **state)
{
	struct syms *s = syms__new(NULL);
	struct target t;
	struct sym_frame f;
	char path[4096];

	(void)state;
	path_of(path, sizeof(path), "symtarget_pie");
	spawn(path, &t);
	finish(&t);
	syms_user(s, t.pid, 1, t.sym_static, false, &f);
	assert_null(f.sym);
	assert_null(f.module);
	assert_int_equal(f.off, t.sym_static);
	assert_int_equal(syms_procs_unread(s), 1);
	syms__free(s);
}

/* The file a process runs, deleted: read through /proc/PID/map_files. */
static void deleted(void **state)
{
	char src[4096], copy[] = "/tmp/sonde-symtest-XXXXXX", buf[65536];
	struct syms *s = syms__new(NULL);
	struct target t;
	struct sym_frame f;
	int in, out;
	ssize_t n;

	(void)state;
	path_of(src, sizeof(src), "symtarget_pie");
	in = open(src, O_RDONLY);
	out = mkstemp(copy);
	assert_true(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, n), n);
	close(in);
	fchmod(out, 0755);
	close(out);
	spawn(copy, &t);
	unlink(copy);
	assert_int_equal(syms_proc_note(s, t.pid, 1), 0);
	expect(s, &t, t.sym_static + 2, false, "sym_static", 2);
	syms_user(s, t.pid, 1, t.sym_static, false, &f);
	assert_string_equal(f.module, copy);
	finish(&t);
	syms__free(s);
}

/* Anonymous code named by /tmp/perf-PID.map. */
static void jit_map(void **state)
{
	struct syms *s = syms__new(NULL);
	char path[4096], map[64];
	struct target t;
	struct sym_frame f;
	FILE *m;

	(void)state;
	path_of(path, sizeof(path), "symtarget_pie");
	spawn(path, &t);
	snprintf(map, sizeof(map), "/tmp/perf-%d.map", t.pid);
	m = fopen(map, "w");
	assert_non_null(m);
	fprintf(m, "%" PRIx64 " 10 jitted_fn\n%" PRIx64 " 8 other\n", t.jit, t.jit + 0x40);
	fclose(m);
	assert_int_equal(syms_proc_note(s, t.pid, 1), 0);
	syms_user(s, t.pid, 1, t.jit + 1, false, &f);
	unlink(map);
	finish(&t);
	assert_non_null(f.sym);
	assert_string_equal(f.sym, "jitted_fn");
	assert_int_equal(f.off, 1);
	assert_string_equal(f.module, map);
	syms__free(s);
}

/* A kernel function from /proc/kallsyms (needs the privilege to see kernel
 * addresses). */
static void kernel(void **state)
{
	struct ksyms *ks = ksyms__load();
	char line[512], name[256], type;
	uint64_t addr = 0, a;
	struct sym_frame f;
	FILE *k;

	(void)state;
	if (!ks)
		skip();
	k = fopen("/proc/kallsyms", "r");
	assert_non_null(k);
	while (fgets(line, sizeof(line), k))
		if (sscanf(line, "%" SCNx64 " %c %255s", &a, &type, name) == 3 &&
		    !strcmp(name, "schedule") && (type == 'T' || type == 't'))
			addr = a;
	fclose(k);
	assert_true(addr != 0);
	assert_true(ksyms_find(ks, addr + 1, &f));
	assert_string_equal(f.sym, "schedule");
	assert_int_equal(f.off, 1);
	assert_string_equal(f.module, "[kernel]");
	ksyms__free(ks);
}

/* A program all of whose code keeps frame pointers, and libc. */
static void frame_pointers(void **state)
{
	static const struct {
		const char *env, *path;
		bool fp;
	} cases[] = {
		{ "SONDE_FPCHAIN", NULL, true },
		{ NULL, "/lib/x86_64-linux-gnu/libc.so.6", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *path = cases[i].env ? getenv(cases[i].env) : cases[i].path;
		struct sym_elf *e;
		int fd = path ? open(path, O_RDONLY) : -1;

		if (fd < 0)
			skip();
		e = sym_elf_load(fd, -1, path, NULL);
		close(fd);
		assert_non_null(e);
		assert_int_equal(sym_elf_has_fp(e), cases[i].fp);
		sym_elf_free(e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sources), cmocka_unit_test(running),
		cmocka_unit_test(exited),  cmocka_unit_test(never_noted),
		cmocka_unit_test(deleted), cmocka_unit_test(jit_map),
		cmocka_unit_test(kernel),  cmocka_unit_test(frame_pointers),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
