// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* User stacks unwound from DWARF call-frame information (lib/stack.h):
 * elfutils' libdw walks the copy of the stack's top that the kernel sent,
 * from the registers it sent, with the .eh_frame (or .debug_frame) of the
 * files the process mapped, as the symbolizer read its maps. One Dwfl per
 * process image, made at its first sample: libdw keeps the call-frame
 * tables it parsed. At most UNWIND_LIVE of them at once, the least recently
 * used ended first: each maps every file of its process again (measured,
 * profiling a busy machine at 999 Hz for 5 s: peak RSS 410 MB with one per
 * process image, against 28 MB with frame pointers). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elfutils/libdwfl.h>
#include "lib/stack.h"

struct unwind_proc {
	uint32_t pid, gen;
	Dwfl *dwfl;	 /* NULL: not made yet, ended, or it could not be made */
	bool failed;	 /* it could not be made (its maps were not read) */
	uint8_t rereads; /* its maps read again for an address in none of them */
	uint64_t used;	 /* when it last unwound a sample (a counter) */
	struct unwind_proc *next;
};

/* The sample being unwound: what the callbacks read. */
struct unwind_sample {
	const struct stack_sample_rec *rec;
	size_t size; /* of the stack copied, as much as the record holds */
	uint64_t *pcs;
	uint32_t n, max;
};

#define UNWIND_BUCKETS 1024
#define UNWIND_LIVE 32

struct stack_unwinder {
	struct syms *syms;
	struct unwind_proc *procs[UNWIND_BUCKETS];
	struct unwind_proc *live[UNWIND_LIVE]; /* those with a Dwfl */
	uint64_t clock;
	struct sym_module vdso; /* its image, for every process */
	struct unwind_sample cur;
};

/* Call-frame information is in the files themselves (.eh_frame); separate
 * debug files are not searched for it. */
static int no_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
			char **debuginfo_file_name)
{
	(void)mod, (void)userdata, (void)modname, (void)base, (void)file_name;
	(void)debuglink_file, (void)debuglink_crc, (void)debuginfo_file_name;
	return -1;
}

/* Only the vDSO is reported without its file (report_module): its image,
 * the module's userdata, is read from memory. */
static int vdso_elf(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
		    char **file_name, Elf **elfp)
{
	const struct sym_module *m = *userdata;

	(void)mod, (void)modname, (void)base;
	*file_name = NULL;
	*elfp = m ? elf_memory((char *)m->image, m->size) : NULL;
	return -1;
}

static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = vdso_elf,
	.find_debuginfo = no_debuginfo,
};

/* One thread: the sample's. */
static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_arg)
{
	struct stack_unwinder *u = arg;

	(void)dwfl;
	if (*thread_arg)
		return 0;
	*thread_arg = u;
	return u->cur.rec->key.tid ? (pid_t)u->cur.rec->key.tid : (pid_t)u->cur.rec->key.pid;
}

/* Memory is the copy of the stack, nothing else. */
static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct stack_unwinder *u = arg;
	const struct stack_sample_rec *r = u->cur.rec;
	uint64_t sp = r->regs.r[STACK_REG_SP];

	(void)dwfl;
	if (addr < sp || addr - sp > u->cur.size || u->cur.size - (addr - sp) < sizeof(*result))
		return false;
	memcpy(result, r->stack + (addr - sp), sizeof(*result));
	return true;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *thread_arg)
{
	struct stack_unwinder *u = thread_arg;
	Dwarf_Word regs[STACK_NREGS];

	for (int i = 0; i < STACK_NREGS; i++)
		regs[i] = u->cur.rec->regs.r[i];
	/* arm64's pc has no DWARF number: given apart. */
	if (STACK_DWARF_NREGS < STACK_NREGS)
		dwfl_thread_state_register_pc(thread, regs[STACK_REG_IP]);
	return dwfl_thread_state_registers(thread, 0, STACK_DWARF_NREGS, regs);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

struct report {
	struct stack_unwinder *u;
	Dwfl *dwfl;
};

static int report_module(const struct sym_module *m, void *arg)
{
	struct report *r = arg;
	Dwfl_Module *mod;
	void **userdata;
	int fd;

	if (m->fd < 0) {
		/* The symbolizer's one image, the same for every process. */
		r->u->vdso = *m;
		mod = dwfl_report_module(r->dwfl, m->path, m->start, m->end);
		if (mod && dwfl_module_info(mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL))
			*userdata = &r->u->vdso;
		return 0;
	}
	/* libdw takes the descriptor; a file it cannot use is left out. */
	fd = dup(m->fd);
	if (fd >= 0 && !dwfl_report_elf(r->dwfl, m->path, m->path, fd, m->bias, false))
		close(fd);
	return 0;
}

static Dwfl *dwfl_of(struct stack_unwinder *u, uint32_t pid, uint32_t gen)
{
	Dwfl *dwfl = dwfl_begin(&dwfl_callbacks);
	struct report r = { u, dwfl };

	if (!dwfl)
		return NULL;
	dwfl_report_begin(dwfl);
	if (syms_proc_modules(u->syms, pid, gen, report_module, &r) ||
	    dwfl_report_end(dwfl, NULL, NULL) ||
	    !dwfl_attach_state(dwfl, NULL, pid, &thread_callbacks, u)) {
		dwfl_end(dwfl);
		return NULL;
	}
	return dwfl;
}

static struct unwind_proc *proc_of(struct stack_unwinder *u, uint32_t pid, uint32_t gen)
{
	struct unwind_proc **pp = &u->procs[(pid * 31u + gen) % UNWIND_BUCKETS], *p;

	for (p = *pp; p; p = p->next)
		if (p->pid == pid && p->gen == gen)
			return p;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	*p = (struct unwind_proc){ .pid = pid, .gen = gen, .next = *pp };
	*pp = p;
	return p;
}

/* p's Dwfl, made if need be in the slot of the least recently used. */
static Dwfl *live_dwfl(struct stack_unwinder *u, struct unwind_proc *p)
{
	struct unwind_proc **slot = &u->live[0];

	p->used = ++u->clock;
	if (p->dwfl || p->failed)
		return p->dwfl;
	for (size_t i = 0; i < UNWIND_LIVE; i++) {
		if (!u->live[i]) {
			slot = &u->live[i];
			break;
		}
		if (u->live[i]->used < (*slot)->used)
			slot = &u->live[i];
	}
	if (*slot) {
		dwfl_end((*slot)->dwfl);
		(*slot)->dwfl = NULL;
	}
	p->dwfl = dwfl_of(u, p->pid, p->gen);
	p->failed = !p->dwfl;
	*slot = p->dwfl ? p : NULL;
	return p->dwfl;
}

static int on_frame(Dwfl_Frame *frame, void *arg)
{
	struct unwind_sample *cur = arg;
	Dwarf_Addr pc;

	if (!dwfl_frame_pc(frame, &pc, NULL) || !pc)
		return DWARF_CB_ABORT;
	cur->pcs[cur->n++] = pc;
	return cur->n < cur->max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

struct stack_unwinder *stack_unwinder__new(struct syms *syms)
{
	struct stack_unwinder *u = calloc(1, sizeof(*u));

	if (u)
		u->syms = syms;
	return u;
}

void stack_unwinder__free(struct stack_unwinder *u)
{
	if (!u)
		return;
	for (size_t b = 0; b < UNWIND_BUCKETS; b++) {
		for (struct unwind_proc *p = u->procs[b], *next; p; p = next) {
			next = p->next;
			if (p->dwfl)
				dwfl_end(p->dwfl);
			free(p);
		}
	}
	free(u);
}

void stack_unwinder_forget(struct stack_unwinder *u, uint32_t pid, uint32_t gen)
{
	struct unwind_proc *p = proc_of(u, pid, gen);

	if (!p)
		return;
	for (size_t i = 0; i < UNWIND_LIVE; i++)
		if (u->live[i] == p)
			u->live[i] = NULL;
	if (p->dwfl)
		dwfl_end(p->dwfl);
	p->dwfl = NULL;
	p->failed = false;
}

/* Whether the walk stopped at an address in no file libdw knows: a file
 * mapped after the maps were read (the first samples of a program can come
 * while the dynamic loader still maps its libraries). */
static bool stopped_outside(Dwfl *dwfl, const struct unwind_sample *cur)
{
	return cur->n && cur->n < cur->max && !dwfl_addrmodule(dwfl, cur->pcs[cur->n - 1]);
}

static void walk(struct stack_unwinder *u, struct unwind_proc *p, pid_t tid)
{
	u->cur.n = 0;
	if (live_dwfl(u, p))
		dwfl_getthread_frames(p->dwfl, tid, on_frame, &u->cur);
}

uint32_t stack_unwind(struct stack_unwinder *u, const struct stack_sample_rec *r, size_t len,
		      uint64_t *pcs, uint32_t max)
{
	struct unwind_proc *p = proc_of(u, r->key.pid, r->key.gen);
	pid_t tid = r->key.tid ? (pid_t)r->key.tid : (pid_t)r->key.pid;
	size_t hdr = offsetof(struct stack_sample_rec, stack), size = r->size;

	if (!max || len < hdr)
		return 0;
	if (size > len - hdr)
		size = len - hdr;
	u->cur = (struct unwind_sample){ r, size, pcs, 0, max };
	if (p)
		walk(u, p, tid);
	/* The process runs (its sample just came): its maps are read again,
	 * a few times at most. */
	if (p && p->dwfl && p->rereads < 3 && stopped_outside(p->dwfl, &u->cur)) {
		p->rereads++;
		if (!syms_proc_note(u->syms, r->key.pid, r->key.gen)) {
			stack_unwinder_forget(u, r->key.pid, r->key.gen);
			walk(u, p, tid);
		}
	}
	/* At least where the thread was. */
	if (!u->cur.n && r->regs.r[STACK_REG_IP])
		pcs[u->cur.n++] = r->regs.r[STACK_REG_IP];
	return u->cur.n;
}
