/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The symbolizer: an address as a symbol, an offset and a module.
 *
 * Kernel addresses (struct ksyms, lib/sym_kernel.c): /proc/kallsyms, read
 * once, binary-searched; a module's symbols name their module.
 *
 * User addresses (struct syms, lib/sym_proc.c): a process's maps are read
 * the first time one of its stacks is seen (syms_proc_note()), so that a
 * process gone by the time its stacks are printed still gets names. Each
 * executable file is opened through /proc/PID/map_files (a deleted or
 * replaced file, a file of another mount namespace), else through
 * /proc/PID/root (the binaries of a container), and read once whatever
 * number of processes map it (lib/sym_elf.c): its .symtab, else that of a
 * separate debug file (by build ID under the debug directory, or by
 * .gnu_debuglink next to it, in its .debug/ or under the debug directory),
 * else its MiniDebugInfo (.gnu_debugdata, xz) with its .dynsym, else its
 * .dynsym; C++ (and Rust) names demangled. Addresses in no file (JIT code)
 * are looked up in the process's /tmp/perf-PID.map. The functions inlined
 * at an address come from the DWARF of the debug file, else of the file
 * (lib/sym_inline.c). */
#ifndef SONDE_LIB_SYM_H
#define SONDE_LIB_SYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One symbolized address. */
struct sym_frame {
	const char *sym;    /* NULL: no symbol covers the address */
	uint64_t off;	    /* from sym; without it, from the module's start; without
			     * either, the address itself */
	const char *module; /* the file as the process saw it, "[kernel]", or a kernel
			     * module's name in brackets; NULL: no module */
	bool inlined;	    /* a function inlined at the address of the frame after it
			     * (off 0) */
};

struct ksyms;

/* NULL (errno set) when /proc/kallsyms cannot be read or shows no
 * addresses (kptr_restrict without the privilege to see them). */
struct ksyms *ksyms__load(void);
/* The same from a file in /proc/kallsyms's format (a fixed one: tests). */
struct ksyms *ksyms__load_file(const char *path);
void ksyms__free(struct ksyms *ks);
/* False when no symbol is at or below addr (f->sym NULL, f->off addr). */
bool ksyms_find(const struct ksyms *ks, uint64_t addr, struct sym_frame *f);
/* A frame of a kernel stack: ret, it is a return address (every frame but
 * the innermost), looked up one byte before. ks may be NULL: no symbols,
 * the address. */
void ksyms_frame(const struct ksyms *ks, uint64_t addr, bool ret, struct sym_frame *f);
/* Writes "tcp_v4_rcv+0x1a5" into buf; false when no symbol is at or below
 * addr. */
bool ksyms_name(const struct ksyms *ks, uint64_t addr, char *buf, size_t len);

/* One executable file's symbols (lib/sym_elf.c). */
struct sym_elf;

/* Where separate debug files are looked for, by default. */
#define SYM_DEBUG_DIR "/usr/lib/debug"

/* Reads the symbols of the ELF file open at fd (which stays the caller's).
 * root_fd: the directory the file's process sees as "/" (-1: ours), path:
 * the file's name there; both find its separate debug file. debug_dir: as
 * SYM_DEBUG_DIR, looked for under root_fd first, then in our tree; NULL: no
 * separate debug file. NULL with errno set when fd is no ELF file. */
struct sym_elf *sym_elf_load(int fd, int root_fd, const char *path, const char *debug_dir);
/* The same for an ELF image in memory (the vDSO); image stays the caller's. */
struct sym_elf *sym_elf_load_mem(const void *image, size_t size);
void sym_elf_free(struct sym_elf *e);
/* The symbol covering file offset `off` (where the address is mapped from):
 * its name (C++ and Rust names demangled) and *sym_off; NULL when none
 * does. The name lives as long as e. */
const char *sym_elf_find(struct sym_elf *e, uint64_t off, uint64_t *sym_off);
/* The functions inlined at file offset `off`, innermost first (the
 * function that holds them is sym_elf_find()'s): at most max names into
 * names, which live as long as e; how many. fd: the file's own, whose DWARF
 * is read when no separate debug file was found. */
size_t sym_elf_inlined(struct sym_elf *e, int fd, uint64_t off, const char **names, size_t max);
/* How many symbols were read, and from where (for -v and tests). */
size_t sym_elf_count(const struct sym_elf *e);
enum sym_source {
	SYM_FROM_SYMTAB,     /* the file's own .symtab */
	SYM_FROM_DEBUG_ID,   /* a debug file found by build ID */
	SYM_FROM_DEBUG_LINK, /* a debug file found by .gnu_debuglink */
	SYM_FROM_MINIDEBUG,  /* .gnu_debugdata and .dynsym */
	SYM_FROM_DYNSYM,     /* .dynsym only */
	SYM_FROM_NONE,
};
enum sym_source sym_elf_source(const struct sym_elf *e);
/* Whether the file's functions set up frame pointers (x86_64's prologue
 * found in most of 64 of them). */
bool sym_elf_has_fp(const struct sym_elf *e);
/* The load bias of the file mapped at start from file offset pgoff: what
 * is added to its link-time addresses. */
uint64_t sym_elf_bias(const struct sym_elf *e, uint64_t start, uint64_t pgoff);

/* For lib/sym_*.c and lib/stack*.c: grows the array *p of *cap elements of elem bytes to
 * hold need of them (doubling). 0 or -ENOMEM. */
int sym_grow(void **p, size_t *cap, size_t need, size_t elem);
/* For lib/sym_*.c: in the array base of n elements of size bytes, sorted by
 * the uint64_t address each starts with, how many are at or below addr
 * (the last such one's index + 1; 0 for none). */
size_t sym_upto(const void *base, size_t n, size_t size, uint64_t addr);

/* For lib/sym_*.c: the C++ ABI's demangler (libsupc++, linked
 * statically): a malloc'ed name, or NULL when `mangled` is not one. */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

/* For lib/sym_elf.c: the DWARF of the file open at fd (dup'ed), NULL when
 * it has none; the functions inlined at link-time address vaddr, as
 * sym_elf_inlined() gives them. */
struct sym_inline;
struct sym_inline *sym_inline_open(int fd);
void sym_inline_free(struct sym_inline *d);
size_t sym_inline_find(struct sym_inline *d, uint64_t vaddr, const char **names, size_t max);

/* Opens path read-only, resolved inside root_fd as the process with that
 * root would resolve it (symlinks included; -1: in our tree): a regular
 * file only, never a device. The fd, or -errno. */
int sym_open_in(int root_fd, const char *path);

/* The user-space symbolizer of a run: processes, their files, the kernel. */
struct syms;

/* debug_dir: NULL for SYM_DEBUG_DIR. NULL when out of memory. */
struct syms *syms__new(const char *debug_dir);
void syms__free(struct syms *s);
/* Process pid has a new image numbered gen (common/stack.h): its maps are
 * read now, and the files they map; again when called again. 0, or -errno
 * when they cannot be read (the process is gone). */
int syms_proc_note(struct syms *s, uint32_t pid, uint32_t gen);
/* A user address of image (pid, gen). ret: it is a return address (every
 * frame but the innermost), looked up one byte before, inside the call. */
void syms_user(struct syms *s, uint32_t pid, uint32_t gen, uint64_t addr, bool ret,
	       struct sym_frame *f);
/* Inlined functions shown at one address, at most (--inline). */
#define SYM_INLINE_MAX 16

/* syms_user(), and before it the frames of the functions inlined there
 * (f->inlined; innermost first): at most max frames in all, the last one
 * the function's own; how many (at least 1). */
size_t syms_user_frames(struct syms *s, uint32_t pid, uint32_t gen, uint64_t addr, bool ret,
			struct sym_frame *f, size_t max);
/* A kernel address; /proc/kallsyms is read at the first one. */
void syms_kernel(struct syms *s, uint64_t addr, bool ret, struct sym_frame *f);
/* Processes whose maps could not be read, so that their addresses stay
 * addresses. */
size_t syms_procs_unread(const struct syms *s);

/* An ELF file an image maps executable, as an unwinder reads it. */
struct sym_module {
	const char *path;    /* as the process saw it */
	int fd;		     /* open for the run; stays the symbolizer's; -1: the vDSO */
	uint64_t bias;	     /* added to the file's link-time addresses */
	uint64_t start, end; /* the vDSO: where it is mapped */
	const void *image;   /* the vDSO: its image, for the run */
	size_t size;
};

/* Calls cb once per ELF file the image (pid, gen) maps executable, and for
 * its vDSO, until cb returns non-zero, which is returned. -ENOENT when the
 * image's maps were not read. */
int syms_proc_modules(struct syms *s, uint32_t pid, uint32_t gen,
		      int (*cb)(const struct sym_module *m, void *arg), void *arg);
/* Whether every ELF file the image maps executable keeps frame pointers
 * (sym_elf_has_fp()); false when its maps were not read or it maps none. */
bool syms_proc_has_fp(struct syms *s, uint32_t pid, uint32_t gen);

#endif
