// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The user-space symbolizer: processes, the files they map, JIT maps, the
 * vDSO and the kernel (lib/sym.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/procfs.h"
#include "lib/sym.h"

/* A file read once, by identity, whatever number of processes map it. */
struct elf_entry {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct sym_elf *elf; /* NULL: not an ELF file */
	int fd;		     /* kept open: an unwinder reads the file after its process is gone */
	struct elf_entry *next;
};

/* An executable mapping of a process. */
struct sym_map {
	uint64_t start, end, pgoff;
	struct sym_elf *elf;	      /* NULL: no symbols */
	const struct elf_entry *file; /* the file read, when it is one (not the vDSO) */
	const char *path;	      /* as the process saw it (in paths); NULL: anonymous */
};

/* A symbol of a JIT's /tmp/perf-PID.map. */
struct jit_sym {
	uint64_t addr, size;
	char *name;
};

struct sym_proc {
	uint32_t pid, gen;
	struct sym_map *maps;
	size_t n;
	/* Every path its maps ever named: frames point at them, and maps read
	 * again must not take them away. */
	char **paths;
	size_t npaths, paths_cap;
	bool reread;	/* the maps were read again for an address in none */
	bool unread;	/* they could not be read at all */
	bool counted;	/* in syms_procs_unread(), once an address of it was looked up */
	int root_fd;	/* kept while the process has anonymous code: its JIT map */
	uint32_t nspid; /* its PID in its own namespace (the JIT map's name) */
	struct jit_sym *jit;
	size_t njit;
	bool jit_read;
	char *jit_path;
	struct sym_proc *next;
};

#define PROC_BUCKETS 1024
#define ELF_BUCKETS 256

struct syms {
	char *debug_dir;
	struct sym_proc *procs[PROC_BUCKETS];
	struct elf_entry *elfs[ELF_BUCKETS];
	struct ksyms *ksyms;
	bool ksyms_tried;
	struct sym_elf *vdso;
	void *vdso_image; /* a copy of it, for an unwinder */
	size_t vdso_size;
	bool vdso_tried;
	size_t unread;
};

/* A hexadecimal number at *p (0x or not), *p moved past it. */
static bool hex_at(char **p, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(*p, &end, 16);
	if (errno || end == *p)
		return false;
	*p = end;
	return true;
}

/* The byte c at *p, *p moved past it. */
static bool skip(char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

/* Past the field at *p and the blanks after it; false at the line's end. */
static bool next_field(char **p)
{
	*p += strcspn(*p, " \n");
	if (**p != ' ')
		return false;
	*p += strspn(*p, " ");
	return true;
}

struct syms *syms__new(const char *debug_dir)
{
	struct syms *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->debug_dir = strdup(debug_dir ? debug_dir : SYM_DEBUG_DIR);
	if (!s->debug_dir) {
		free(s);
		return NULL;
	}
	return s;
}

static void maps_free(struct sym_proc *p)
{
	free(p->maps);
	p->maps = NULL;
	p->n = 0;
}

static void proc_free(struct sym_proc *p)
{
	maps_free(p);
	for (size_t i = 0; i < p->npaths; i++)
		free(p->paths[i]);
	free(p->paths);
	for (size_t i = 0; i < p->njit; i++)
		free(p->jit[i].name);
	free(p->jit);
	free(p->jit_path);
	if (p->root_fd >= 0)
		close(p->root_fd);
	free(p);
}

void syms__free(struct syms *s)
{
	if (!s)
		return;
	for (size_t b = 0; b < PROC_BUCKETS; b++) {
		for (struct sym_proc *p = s->procs[b], *next; p; p = next) {
			next = p->next;
			proc_free(p);
		}
	}
	for (size_t b = 0; b < ELF_BUCKETS; b++) {
		for (struct elf_entry *e = s->elfs[b], *next; e; e = next) {
			next = e->next;
			sym_elf_free(e->elf);
			if (e->fd >= 0)
				close(e->fd);
			free(e);
		}
	}
	ksyms__free(s->ksyms);
	sym_elf_free(s->vdso);
	free(s->vdso_image);
	free(s->debug_dir);
	free(s);
}

static struct sym_proc **proc_slot(struct syms *s, uint32_t pid, uint32_t gen)
{
	struct sym_proc **pp = &s->procs[(pid * 31u + gen) % PROC_BUCKETS];

	while (*pp && ((*pp)->pid != pid || (*pp)->gen != gen))
		pp = &(*pp)->next;
	return pp;
}

/* Our own vDSO: the kernel maps the same image into every process. */
static struct sym_elf *vdso_elf(struct syms *s)
{
	unsigned long base = getauxval(AT_SYSINFO_EHDR);
	FILE *f;
	char line[256];
	uint64_t start, end;

	if (s->vdso_tried)
		return s->vdso;
	s->vdso_tried = true;
	f = base ? fopen("/proc/self/maps", "re") : NULL;
	while (f && fgets(line, sizeof(line), f)) {
		char *p = line;

		if (hex_at(&p, &start) && skip(&p, '-') && hex_at(&p, &end) && start == base &&
		    strstr(line, "[vdso]")) {
			s->vdso_image = malloc(end - start);
			if (!s->vdso_image)
				break;
			memcpy(s->vdso_image, (const void *)base, end - start);
			s->vdso_size = end - start;
			s->vdso = sym_elf_load_mem(s->vdso_image, s->vdso_size);
			break;
		}
	}
	if (f)
		fclose(f);
	return s->vdso;
}

static struct elf_entry **elf_slot(struct syms *s, const struct stat *st)
{
	struct elf_entry **ep = &s->elfs[(st->st_ino ^ st->st_dev) % ELF_BUCKETS];

	for (; *ep; ep = &(*ep)->next) {
		const struct elf_entry *e = *ep;

		if (e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size &&
		    e->mtime.tv_sec == st->st_mtim.tv_sec &&
		    e->mtime.tv_nsec == st->st_mtim.tv_nsec)
			break;
	}
	return ep;
}

/* The file open at fd (which it takes), read the first time it is seen. */
static const struct elf_entry *elf_of(struct syms *s, int fd, int root_fd, const char *path)
{
	struct elf_entry **ep, *e;
	struct stat st;

	if (fstat(fd, &st)) {
		close(fd);
		return NULL;
	}
	ep = elf_slot(s, &st);
	if (*ep) {
		close(fd);
		return *ep;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		close(fd);
		return NULL;
	}
	*e = (struct elf_entry){ st.st_dev, st.st_ino, st.st_size, st.st_mtim, NULL, -1, NULL };
	e->elf = sym_elf_load(fd, root_fd, path, s->debug_dir);
	if (e->elf)
		e->fd = fd;
	else
		close(fd);
	*ep = e;
	return e;
}

/* The file of a mapping: through map_files (deleted, replaced, or in
 * another mount namespace: the very file mapped), else by its name in the
 * process's root. */
static void map_elf(struct syms *s, uint32_t pid, int root_fd, struct sym_map *m)
{
	char link[96];
	int fd;

	if (!strcmp(m->path, "[vdso]")) {
		m->elf = vdso_elf(s);
		return;
	}
	if (m->path[0] == '[')
		return;
	snprintf(link, sizeof(link), "/proc/%u/map_files/%" PRIx64 "-%" PRIx64, pid, m->start,
		 m->end);
	fd = sym_open_in(-1, link);
	if (fd < 0 && root_fd >= 0)
		fd = sym_open_in(root_fd, m->path);
	if (fd < 0)
		return;
	m->file = elf_of(s, fd, root_fd, m->path);
	m->elf = m->file ? m->file->elf : NULL;
}

/* One line of /proc/PID/maps, "start-end perms offset dev inode path",
 * when it maps code: its range, offset and path (NULL for anonymous code). */
static bool parse_map(char *line, struct sym_map *m)
{
	char *p = line, *perms, *path, *end;

	if (!hex_at(&p, &m->start) || !skip(&p, '-') || !hex_at(&p, &m->end) || !skip(&p, ' '))
		return false;
	perms = p;
	if (!next_field(&p) || !memchr(perms, 'x', p - perms) || !hex_at(&p, &m->pgoff) ||
	    !skip(&p, ' '))
		return false;
	/* Past the device and the inode; an anonymous mapping's line ends
	 * there. */
	path = p;
	for (int field = 0; field < 2 && path; field++)
		if (!next_field(&path))
			path = NULL;
	if (path)
		path[strcspn(path, "\n")] = '\0';
	else
		path = "";
	/* A file deleted or replaced since it was mapped. */
	end = strstr(path, " (deleted)");
	if (end && !end[10])
		*end = '\0';
	m->path = *path ? path : NULL;
	m->elf = NULL;
	m->file = NULL;
	return true;
}

/* A path of the process's maps, kept as long as the process is: the same
 * as the last one kept when it is (a file maps several ranges). */
static const char *keep_path(struct sym_proc *p, const char *path)
{
	char *copy;

	if (p->npaths && !strcmp(p->paths[p->npaths - 1], path))
		return p->paths[p->npaths - 1];
	if (sym_grow((void **)&p->paths, &p->paths_cap, p->npaths + 1, sizeof(*p->paths)))
		return NULL;
	copy = strdup(path);
	if (copy)
		p->paths[p->npaths++] = copy;
	return copy;
}

static int add_map(struct sym_map **maps, size_t *n, size_t *cap, const struct sym_map *m)
{
	if (sym_grow((void **)maps, cap, *n + 1, sizeof(**maps)))
		return -ENOMEM;
	(*maps)[(*n)++] = *m;
	return 0;
}

static bool overlaps(const struct sym_map *maps, size_t n, const struct sym_map *m)
{
	for (size_t i = 0; i < n; i++)
		if (m->start < maps[i].end && maps[i].start < m->end)
			return true;
	return false;
}

static int by_start(const void *a, const void *b)
{
	const struct sym_map *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The maps just read, and those read before that none of them replaced (a
 * library unmapped since: an earlier sample may be in it), by address. */
static int merge_maps(struct sym_proc *p, struct sym_map *maps, size_t n, size_t cap)
{
	int err = 0;

	for (size_t i = 0; i < p->n && !err; i++)
		if (!overlaps(maps, n, &p->maps[i]))
			err = add_map(&maps, &n, &cap, &p->maps[i]);
	if (n)
		qsort(maps, n, sizeof(*maps), by_start);
	free(p->maps);
	p->maps = maps;
	p->n = n;
	return err;
}

/* The last PID of "NSpid:" in /proc/PID/status: the one the process has in
 * its own namespace, which names its JIT map. */
static uint32_t ns_pid(uint32_t pid)
{
	char v[200], *last;
	uint32_t ns;

	if (!proc_status_field(pid, "NSpid:", v, sizeof(v)))
		return pid;
	last = strrchr(v, '\t');
	ns = strtoul(last ? last + 1 : v, NULL, 10);
	return ns ? ns : pid;
}

/* Anonymous code (a JIT's): the process's root is kept open, to read its
 * perf map when the stacks are printed, after it may have exited. */
static void keep_root(struct sym_proc *p, int *root_fd)
{
	if (p->root_fd >= 0 || *root_fd < 0)
		return;
	p->root_fd = *root_fd;
	*root_fd = -1;
	p->nspid = ns_pid(p->pid);
}

static int read_maps(struct syms *s, struct sym_proc *p)
{
	char path[64], line[4096 + 256];
	struct sym_map m, *maps = NULL;
	size_t n = 0, cap = 0;
	int root_fd, err = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/maps", p->pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	snprintf(path, sizeof(path), "/proc/%u/root", p->pid);
	root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	while (!err && fgets(line, sizeof(line), f)) {
		if (!parse_map(line, &m))
			continue;
		if (m.path && !(m.path = keep_path(p, m.path)))
			err = -ENOMEM;
		else if (m.path)
			map_elf(s, p->pid, root_fd, &m);
		else
			keep_root(p, &root_fd);
		if (!err)
			err = add_map(&maps, &n, &cap, &m);
	}
	fclose(f);
	if (root_fd >= 0)
		close(root_fd);
	if (!err)
		return merge_maps(p, maps, n, cap) ?: (p->n ? 0 : -ENOENT);
	free(maps);
	return err;
}

static struct sym_proc *proc_new(struct syms *s, uint32_t pid, uint32_t gen)
{
	struct sym_proc **pp = proc_slot(s, pid, gen), *p;

	if (*pp)
		return *pp;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	p->gen = gen;
	p->root_fd = -1;
	*pp = p;
	return p;
}

int syms_proc_note(struct syms *s, uint32_t pid, uint32_t gen)
{
	struct sym_proc *p = proc_new(s, pid, gen);
	int err;

	if (!p)
		return -ENOMEM;
	/* Read again: a library loaded since is added; one unmapped since
	 * stays (an earlier frame may be in it). */
	err = read_maps(s, p);
	p->unread = !p->n;
	return err;
}

size_t syms_procs_unread(const struct syms *s)
{
	return s->unread;
}

/* The maps are sorted by address, as /proc lists them. */
static const struct sym_map *find_map(const struct sym_proc *p, uint64_t addr)
{
	size_t n = p->maps ? sym_upto(p->maps, p->n, sizeof(*p->maps), addr) : 0;

	return n && addr < p->maps[n - 1].end ? &p->maps[n - 1] : NULL;
}

static int by_jit_addr(const void *a, const void *b)
{
	const struct jit_sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* "START SIZE name" lines, in hex, as perf reads them. */
static void read_jit(struct sym_proc *p)
{
	char path[64], line[1024];
	size_t cap = 0;
	int fd;
	FILE *f;

	p->jit_read = true;
	snprintf(path, sizeof(path), "/tmp/perf-%u.map", p->nspid);
	fd = sym_open_in(p->root_fd, path);
	f = fd >= 0 ? fdopen(fd, "re") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	p->jit_path = strdup(path);
	while (fgets(line, sizeof(line), f)) {
		struct jit_sym j;
		char *q = line;

		if (!hex_at(&q, &j.addr) || !skip(&q, ' ') || !hex_at(&q, &j.size) ||
		    !skip(&q, ' '))
			continue;
		q[strcspn(q, "\n")] = '\0';
		if (sym_grow((void **)&p->jit, &cap, p->njit + 1, sizeof(*p->jit)))
			break;
		j.name = strdup(q);
		if (j.name)
			p->jit[p->njit++] = j;
	}
	fclose(f);
	if (p->njit)
		qsort(p->jit, p->njit, sizeof(*p->jit), by_jit_addr);
}

static bool jit_find(struct sym_proc *p, uint64_t addr, struct sym_frame *f)
{
	size_t n;

	if (!p->jit_read && p->root_fd >= 0)
		read_jit(p);
	n = p->jit ? sym_upto(p->jit, p->njit, sizeof(*p->jit), addr) : 0;
	if (!n || addr - p->jit[n - 1].addr >= p->jit[n - 1].size)
		return false;
	f->sym = p->jit[n - 1].name;
	f->off = addr - p->jit[n - 1].addr;
	f->module = p->jit_path;
	return true;
}

/* The image's process; its maps are read now if they were not (its
 * announcement was lost), and again once for an address in none of them
 * (a library loaded since). */
static struct sym_proc *proc_for(struct syms *s, uint32_t pid, uint32_t gen, uint64_t addr)
{
	struct sym_proc *p = *proc_slot(s, pid, gen);

	if (!p) {
		syms_proc_note(s, pid, gen);
		p = *proc_slot(s, pid, gen);
	} else if (!p->unread && !p->reread && !find_map(p, addr)) {
		p->reread = true;
		read_maps(s, p);
	}
	return p;
}

/* The frame of a user address; the map it is in, when it is a file's (and
 * *off its offset in the file). */
static const struct sym_map *resolve(struct syms *s, uint32_t pid, uint32_t gen, uint64_t addr,
				     bool ret, struct sym_frame *f, uint64_t *off)
{
	uint64_t look = ret && addr ? addr - 1 : addr, so;
	struct sym_proc *p = proc_for(s, pid, gen, look);
	const struct sym_map *m = p ? find_map(p, look) : NULL;

	*f = (struct sym_frame){ NULL, addr, NULL, false };
	if (p && p->unread && !p->counted) {
		p->counted = true;
		s->unread++;
	}
	if (!m) {
		if (p && jit_find(p, look, f))
			f->off += addr - look;
		return NULL;
	}
	if (!m->path && jit_find(p, look, f)) {
		f->off += addr - look;
		return NULL;
	}
	*off = look - m->start + m->pgoff;
	f->module = m->path;
	f->off = *off + (addr - look);
	if (m->elf && (f->sym = sym_elf_find(m->elf, *off, &so)))
		f->off = so + (addr - look);
	return m;
}

void syms_user(struct syms *s, uint32_t pid, uint32_t gen, uint64_t addr, bool ret,
	       struct sym_frame *f)
{
	uint64_t off;

	resolve(s, pid, gen, addr, ret, f, &off);
}

size_t syms_user_frames(struct syms *s, uint32_t pid, uint32_t gen, uint64_t addr, bool ret,
			struct sym_frame *f, size_t max)
{
	struct sym_frame own;
	const char *names[SYM_INLINE_MAX];
	uint64_t off = 0;
	const struct sym_map *m = resolve(s, pid, gen, addr, ret, &own, &off);
	size_t n = 0;

	if (m && m->elf && m->file && own.sym && max > 1)
		n = sym_elf_inlined(m->elf, m->file->fd, off, names,
				    max - 1 < SYM_INLINE_MAX ? max - 1 : SYM_INLINE_MAX);
	for (size_t i = 0; i < n; i++)
		f[i] = (struct sym_frame){ names[i], 0, own.module, true };
	f[n] = own;
	return n + 1;
}

void syms_kernel(struct syms *s, uint64_t addr, bool ret, struct sym_frame *f)
{
	if (!s->ksyms_tried) {
		s->ksyms_tried = true;
		s->ksyms = ksyms__load();
	}
	ksyms_frame(s->ksyms, addr, ret, f);
}

int syms_proc_modules(struct syms *s, uint32_t pid, uint32_t gen,
		      int (*cb)(const struct sym_module *m, void *arg), void *arg)
{
	struct sym_proc *p = *proc_slot(s, pid, gen);
	const struct elf_entry *last = NULL;
	int ret = 0;

	if (!p || !p->n)
		return -ENOENT;
	for (size_t i = 0; i < p->n && !ret; i++) {
		const struct sym_map *m = &p->maps[i];
		struct sym_module mod;

		if (m->elf && m->elf == s->vdso) {
			mod = (struct sym_module){ m->path,	-1,	m->start,
						   m->start,	m->end, s->vdso_image,
						   s->vdso_size };
			ret = cb(&mod, arg);
			continue;
		}
		/* A file's executable mappings follow each other: once each. */
		if (!m->file || !m->elf || m->file == last)
			continue;
		last = m->file;
		mod = (struct sym_module){ .path = m->path,
					   .fd = m->file->fd,
					   .bias = sym_elf_bias(m->elf, m->start, m->pgoff) };
		ret = cb(&mod, arg);
	}
	return ret;
}

bool syms_proc_has_fp(struct syms *s, uint32_t pid, uint32_t gen)
{
	struct sym_proc *p = *proc_slot(s, pid, gen);
	size_t files = 0;

	if (!p)
		return false;
	for (size_t i = 0; i < p->n; i++) {
		if (!p->maps[i].file)
			continue;
		if (!p->maps[i].elf || !sym_elf_has_fp(p->maps[i].elf))
			return false;
		files++;
	}
	return files > 0;
}
