// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* One ELF file's function symbols, and the separate files they may live in
 * (lib/sym.h). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <linux/openat2.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <zlib.h>
#include "lib/sym.h"

struct elf_sym {
	uint64_t addr, size;
	uint32_t name; /* offset in strs */
	uint32_t rank; /* of aliases at one address, the lowest is shown */
};

/* A PT_LOAD segment: file offsets [off, off + filesz) are at vaddr. */
struct elf_load {
	uint64_t off, vaddr, filesz;
};

struct sym_elf {
	struct elf_sym *syms;
	size_t n, cap;
	char *strs;
	size_t strs_len, strs_cap;
	struct elf_load *loads;
	size_t nloads;
	enum sym_source source;
	bool has_fp;
	char **pretty;		/* C++ (and Rust) names demangled, by symbol, at their first find */
	int debug_fd;		/* the separate debug file the symbols came from; -1: none */
	struct sym_inline *inl; /* its DWARF, or the file's, at the first question */
	bool inl_tried;
};

/* The longest build ID (SHA-1 is 20 bytes; some linkers write more). */
#define BUILD_ID_MAX 64

int sym_open_in(int root_fd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	char self[64];
	struct stat st;
	int fd, rfd;

	/* Inside a process's root, a symlink resolves as it does for that
	 * process, never into our own tree. */
	if (root_fd >= 0)
		fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
	else
		fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* A regular file only: opening a device can have effects (a tape
	 * rewinds, a watchdog arms), and a name read from a binary could be
	 * anything. O_PATH opens nothing. */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	rfd = open(self, O_RDONLY | O_CLOEXEC);
	rfd = rfd < 0 ? -errno : rfd;
	close(fd);
	return rfd;
}

/* Aliases at one address: a global name before a weak one before a local
 * one, then the one with fewer leading underscores (qsort over
 * __GI___qsort_r), then the shorter. */
static uint32_t rank_of(const GElf_Sym *s, const char *name)
{
	uint32_t bind = GELF_ST_BIND(s->st_info), r;

	r = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
	r = r << 8 | (uint32_t)(strspn(name, "_") & 0xff);
	return r << 16 | (uint32_t)(strlen(name) & 0xffff);
}

/* A symbol, without the version a debug file's .symtab may append to a
 * shared library's ("__libc_start_main@@GLIBC_2.34"). */
static int add_sym(struct sym_elf *e, const GElf_Sym *s, const char *name)
{
	size_t len = strcspn(name, "@") + 1;

	if (e->strs_len + len > UINT32_MAX ||
	    sym_grow((void **)&e->syms, &e->cap, e->n + 1, sizeof(*e->syms)) ||
	    sym_grow((void **)&e->strs, &e->strs_cap, e->strs_len + len, 1))
		return -ENOMEM;
	e->syms[e->n++] =
	    (struct elf_sym){ s->st_value, s->st_size, e->strs_len, rank_of(s, name) };
	memcpy(e->strs + e->strs_len, name, len - 1);
	e->strs[e->strs_len + len - 1] = '\0';
	e->strs_len += len;
	return 0;
}

static bool is_function(const GElf_Sym *s)
{
	unsigned type = GELF_ST_TYPE(s->st_info);

	return (type == STT_FUNC || type == STT_GNU_IFUNC) && s->st_shndx != SHN_UNDEF &&
	       s->st_value;
}

/* The functions of the symbol table of type `type` (SHT_SYMTAB,
 * SHT_DYNSYM); -ENOENT when the file has none. */
static int add_table(struct sym_elf *e, Elf *elf, unsigned type)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			return -ENOENT;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *name;

			if (!gelf_getsym(d, i, &s) || !is_function(&s))
				continue;
			name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (name && *name && add_sym(e, &s, name))
				return -ENOMEM;
		}
		return 0;
	}
	return -ENOENT;
}

static int read_loads(struct sym_elf *e, Elf *elf)
{
	size_t n;

	if (elf_getphdrnum(elf, &n))
		return -EINVAL;
	e->loads = calloc(n ? n : 1, sizeof(*e->loads));
	if (!e->loads)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, i, &ph) && ph.p_type == PT_LOAD)
			e->loads[e->nloads++] =
			    (struct elf_load){ ph.p_offset, ph.p_vaddr, ph.p_filesz };
	}
	return 0;
}

/* The data of the section named `name`, or NULL. */
static Elf_Data *section_data(Elf *elf, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, sh) || sh->sh_type == SHT_NOBITS)
			continue;
		n = elf_strptr(elf, shstrndx, sh->sh_name);
		if (n && !strcmp(n, name))
			return elf_getdata(scn, NULL);
	}
	return NULL;
}

/* The GNU build ID; its length, 0 when there is none. */
static size_t build_id(Elf *elf, unsigned char *id)
{
	GElf_Shdr sh;
	Elf_Data *d = section_data(elf, ".note.gnu.build-id", &sh);
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	while (d && (off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp((char *)d->d_buf + name_off, "GNU", 4) && nh.n_descsz &&
		    nh.n_descsz <= BUILD_ID_MAX) {
			memcpy(id, (char *)d->d_buf + desc_off, nh.n_descsz);
			return nh.n_descsz;
		}
	}
	return 0;
}

/* The symbols of the debug file open at fd, when it has a .symtab; the
 * file is kept for its DWARF. */
static int add_debug_file(struct sym_elf *e, int fd)
{
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	int err = elf ? add_table(e, elf, SHT_SYMTAB) : -EINVAL;

	if (elf)
		elf_end(elf);
	if (err)
		close(fd);
	else
		e->debug_fd = fd;
	return err;
}

/* A debug file under `dir` inside root_fd's tree, then in ours. */
static int open_debug(int root_fd, const char *path)
{
	int fd = root_fd >= 0 ? sym_open_in(root_fd, path) : -ENOENT;

	return fd >= 0 ? fd : sym_open_in(-1, path);
}

static int add_by_build_id(struct sym_elf *e, Elf *elf, int root_fd, const char *debug_dir)
{
	unsigned char id[BUILD_ID_MAX];
	size_t n = build_id(elf, id);
	char path[PATH_MAX];
	size_t len;
	int fd;

	if (n < 2)
		return -ENOENT;
	len = snprintf(path, sizeof(path), "%s/.build-id/%02x/", debug_dir, id[0]);
	for (size_t i = 1; i < n && len < sizeof(path) - 8; i++)
		len += snprintf(path + len, sizeof(path) - len, "%02x", id[i]);
	snprintf(path + len, sizeof(path) - len, ".debug");
	fd = open_debug(root_fd, path);
	return fd < 0 ? fd : add_debug_file(e, fd);
}

/* zlib's CRC-32 is the one .gnu_debuglink carries. */
static bool crc_matches(int fd, uint32_t want)
{
	unsigned char buf[65536];
	uLong crc = crc32(0, Z_NULL, 0);
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		crc = crc32(crc, buf, n);
	return n == 0 && crc == want && lseek(fd, 0, SEEK_SET) == 0;
}

/* The places gdb looks at: next to the file, in .debug/ next to it, and
 * under the debug directory. */
static int open_debuglink(int root_fd, const char *path, const char *name, uint32_t crc,
			  const char *debug_dir)
{
	const char *slash = strrchr(path, '/');
	int dlen = slash ? (int)(slash - path) : 0;
	char cand[3][PATH_MAX];

	snprintf(cand[0], PATH_MAX, "%.*s/%s", dlen, path, name);
	snprintf(cand[1], PATH_MAX, "%.*s/.debug/%s", dlen, path, name);
	snprintf(cand[2], PATH_MAX, "%s%.*s/%s", debug_dir, dlen, path, name);
	for (int i = 0; i < 3; i++) {
		int fd = i < 2 ? sym_open_in(root_fd, cand[i]) : open_debug(root_fd, cand[i]);

		if (fd < 0)
			continue;
		if (crc_matches(fd, crc))
			return fd;
		close(fd);
	}
	return -ENOENT;
}

static int add_by_debuglink(struct sym_elf *e, Elf *elf, int root_fd, const char *path,
			    const char *debug_dir)
{
	GElf_Shdr sh;
	Elf_Data *d = section_data(elf, ".gnu_debuglink", &sh);
	const char *name;
	size_t len;
	uint32_t crc;
	int fd;

	if (!d || !path || !*path || d->d_size < 8)
		return -ENOENT;
	name = d->d_buf;
	len = strnlen(name, d->d_size);
	/* A file name, never a path a binary could point anywhere with. */
	if (!len || len + 1 + 4 > d->d_size || strchr(name, '/'))
		return -ENOENT;
	memcpy(&crc, (char *)d->d_buf + ((len + 4) & ~(size_t)3), sizeof(crc));
	fd = open_debuglink(root_fd, path, name, crc, debug_dir);
	return fd < 0 ? fd : add_debug_file(e, fd);
}

/* The xz stream of .gnu_debugdata, decoded into a fresh buffer. At most
 * 64 MiB out, and 100 MiB for the decoder (xz -9's dictionary is 64 MiB;
 * Fedora's MiniDebugInfo uses xz's default, 8 MiB). */
static void *xz_decode(const void *in, size_t in_size, size_t *out_size)
{
	lzma_stream st = LZMA_STREAM_INIT;
	size_t cap = in_size * 4 + 4096;
	uint8_t *out = NULL, *q;
	lzma_ret r = LZMA_OK;

	if (lzma_stream_decoder(&st, 100u << 20, 0) != LZMA_OK)
		return NULL;
	st.next_in = in;
	st.avail_in = in_size;
	while (r == LZMA_OK && cap <= (64u << 20)) {
		q = realloc(out, cap);
		if (!q)
			break;
		out = q;
		st.next_out = out + st.total_out;
		st.avail_out = cap - st.total_out;
		r = lzma_code(&st, LZMA_FINISH);
		cap *= 2;
	}
	*out_size = st.total_out;
	lzma_end(&st);
	if (r != LZMA_STREAM_END) {
		free(out);
		return NULL;
	}
	return out;
}

static int add_minidebug(struct sym_elf *e, Elf *elf)
{
	GElf_Shdr sh;
	Elf_Data *d = section_data(elf, ".gnu_debugdata", &sh);
	size_t size;
	void *image = d ? xz_decode(d->d_buf, d->d_size, &size) : NULL;
	Elf *mini;
	int err = -ENOENT;

	if (!image)
		return -ENOENT;
	mini = elf_memory(image, size);
	if (mini) {
		err = add_table(e, mini, SHT_SYMTAB);
		elf_end(mini);
	}
	free(image);
	/* Its .symtab holds what .dynsym lacks: both are needed. */
	if (!err)
		err = add_table(e, elf, SHT_DYNSYM) == -ENOMEM ? -ENOMEM : 0;
	return err;
}

static int by_addr_rank(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Sorted by address, one symbol per address. */
static void sort_syms(struct sym_elf *e)
{
	size_t w = 0;

	if (!e->n)
		return;
	qsort(e->syms, e->n, sizeof(*e->syms), by_addr_rank);
	for (size_t r = 0; r < e->n; r++)
		if (!w || e->syms[w - 1].addr != e->syms[r].addr)
			e->syms[w++] = e->syms[r];
	e->n = w;
}

/* The first source of symbols that the file has. */
static int read_symbols(struct sym_elf *e, Elf *elf, int root_fd, const char *path,
			const char *debug_dir)
{
	int err = add_table(e, elf, SHT_SYMTAB);

	e->source = SYM_FROM_SYMTAB;
	if (err == -ENOENT && debug_dir) {
		e->source = SYM_FROM_DEBUG_ID;
		err = add_by_build_id(e, elf, root_fd, debug_dir);
		if (err == -ENOENT) {
			e->source = SYM_FROM_DEBUG_LINK;
			err = add_by_debuglink(e, elf, root_fd, path, debug_dir);
		}
	}
	if (err == -ENOENT) {
		e->source = SYM_FROM_MINIDEBUG;
		err = add_minidebug(e, elf);
	}
	if (err == -ENOENT) {
		e->source = SYM_FROM_DYNSYM;
		err = add_table(e, elf, SHT_DYNSYM);
	}
	if (err == -ENOENT) {
		e->source = SYM_FROM_NONE;
		err = 0;
	}
	return err;
}

/* x, a file offset (to_vaddr) or a link-time address, as the other; false
 * outside every segment. */
static bool convert(const struct sym_elf *e, uint64_t x, bool to_vaddr, uint64_t *out)
{
	for (size_t i = 0; i < e->nloads; i++) {
		const struct elf_load *l = &e->loads[i];
		uint64_t from = to_vaddr ? l->off : l->vaddr, to = to_vaddr ? l->vaddr : l->off;

		if (x >= from && x - from < l->filesz) {
			*out = x - from + to;
			return true;
		}
	}
	return false;
}

/* The file offset of link-time address va. */
static bool off_of(const struct sym_elf *e, uint64_t va, uint64_t *off)
{
	return convert(e, va, false, off);
}

/* x86_64's frame set-up: "push %rbp" first (after an endbr64), then
 * "mov %rsp,%rbp" among the next instructions (gcc may schedule one
 * between). Code without frame pointers pushes %rbp too, when it uses it as
 * a register, but does not copy %rsp to it. p: 24 bytes. */
static bool fp_prologue(const unsigned char *p)
{
	static const unsigned char endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	static const unsigned char mov_rsp_rbp[] = { 0x48, 0x89, 0xe5 };

	if (!memcmp(p, endbr64, sizeof(endbr64)))
		p += sizeof(endbr64);
	return p[0] == 0x55 && memmem(p + 1, 16, mov_rsp_rbp, sizeof(mov_rsp_rbp));
}

/* Whether the file's code keeps frame pointers: of 64 functions of 8
 * bytes or more spread over the symbol table, at least half set one up.
 * (Built with -fno-omit-frame-pointer, most do; leaf functions that need
 * no stack do not. Built without, none but hand-written ones do.) */
static bool detect_fp(const struct sym_elf *e, Elf *elf)
{
	size_t step = e->n / 64 + 1, tried = 0, with = 0;

	for (size_t i = 0; i < e->n; i += step) {
		uint64_t off;
		Elf_Data *d;

		if (e->syms[i].size < 8 || !off_of(e, e->syms[i].addr, &off))
			continue;
		d = elf_getdata_rawchunk(elf, off, 24, ELF_T_BYTE);
		if (!d || !d->d_buf)
			continue;
		tried++;
		with += fp_prologue(d->d_buf);
	}
	return tried >= 4 && with * 2 >= tried;
}

static struct sym_elf *load(Elf *elf, int root_fd, const char *path, const char *debug_dir)
{
	struct sym_elf *e = calloc(1, sizeof(*e));
	int err = e ? 0 : -ENOMEM;

	if (e)
		e->debug_fd = -1;
	if (!err && elf_kind(elf) != ELF_K_ELF)
		err = -EINVAL;
	if (!err)
		err = read_loads(e, elf);
	if (!err)
		err = read_symbols(e, elf, root_fd, path, debug_dir);
	if (!err) {
		sort_syms(e);
		e->has_fp = detect_fp(e, elf);
	}
	elf_end(elf);
	if (err) {
		sym_elf_free(e);
		errno = -err;
		return NULL;
	}
	return e;
}

struct sym_elf *sym_elf_load(int fd, int root_fd, const char *path, const char *debug_dir)
{
	Elf *elf;

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf) {
		errno = EINVAL;
		return NULL;
	}
	return load(elf, root_fd, path, debug_dir);
}

struct sym_elf *sym_elf_load_mem(const void *image, size_t size)
{
	Elf *elf;

	elf_version(EV_CURRENT);
	/* libelf does not write through it (ELF_C_READ semantics). */
	elf = elf_memory((char *)image, size);
	if (!elf) {
		errno = EINVAL;
		return NULL;
	}
	return load(elf, -1, NULL, NULL);
}

void sym_elf_free(struct sym_elf *e)
{
	if (!e)
		return;
	for (size_t i = 0; e->pretty && i < e->n; i++)
		free(e->pretty[i]);
	free(e->pretty);
	sym_inline_free(e->inl);
	if (e->debug_fd >= 0)
		close(e->debug_fd);
	free(e->syms);
	free(e->strs);
	free(e->loads);
	free(e);
}

/* The link-time address of file offset off. */
static bool vaddr_of(const struct sym_elf *e, uint64_t off, uint64_t *vaddr)
{
	return convert(e, off, true, vaddr);
}

/* Symbol i's name as people read it: demangled when it is an Itanium C++
 * ABI name ("_Z...", which Rust's legacy names are too); as it is
 * otherwise, or when it cannot be demangled (memory). */
static const char *shown_name(struct sym_elf *e, size_t i)
{
	const char *raw = e->strs + e->syms[i].name;
	int status;

	if (strncmp(raw, "_Z", 2))
		return raw;
	if (!e->pretty && !(e->pretty = calloc(e->n, sizeof(*e->pretty))))
		return raw;
	if (!e->pretty[i])
		e->pretty[i] = __cxa_demangle(raw, NULL, NULL, &status);
	return e->pretty[i] ? e->pretty[i] : raw;
}

const char *sym_elf_find(struct sym_elf *e, uint64_t off, uint64_t *sym_off)
{
	const struct elf_sym *s;
	uint64_t va;
	size_t n;

	if (!vaddr_of(e, off, &va))
		return NULL;
	n = sym_upto(e->syms, e->n, sizeof(*e->syms), va);
	if (!n)
		return NULL;
	s = &e->syms[n - 1];
	/* Past a sized symbol's end is code no symbol names (a static
	 * function of a stripped file): not the symbol before it. */
	if (s->size && va - s->addr >= s->size)
		return NULL;
	*sym_off = va - s->addr;
	return shown_name(e, n - 1);
}

size_t sym_elf_inlined(struct sym_elf *e, int fd, uint64_t off, const char **names, size_t max)
{
	uint64_t va;

	if (!e->inl_tried) {
		e->inl_tried = true;
		if (e->debug_fd >= 0)
			e->inl = sym_inline_open(e->debug_fd);
		if (!e->inl && fd >= 0)
			e->inl = sym_inline_open(fd);
	}
	if (!e->inl || !vaddr_of(e, off, &va))
		return 0;
	return sym_inline_find(e->inl, va, names, max);
}

size_t sym_elf_count(const struct sym_elf *e)
{
	return e->n;
}

enum sym_source sym_elf_source(const struct sym_elf *e)
{
	return e->source;
}

bool sym_elf_has_fp(const struct sym_elf *e)
{
	return e->has_fp;
}

uint64_t sym_elf_bias(const struct sym_elf *e, uint64_t start, uint64_t pgoff)
{
	for (size_t i = 0; i < e->nloads; i++) {
		const struct elf_load *l = &e->loads[i];

		/* The segment the mapping starts in: its offset is the segment's
		 * rounded down to a page (of up to 64 KiB). Its file offsets x
		 * are at x - off + vaddr + bias. */
		if (pgoff < l->off + l->filesz && pgoff + 65536 > l->off)
			return start - pgoff + l->off - l->vaddr;
	}
	return start - pgoff;
}
