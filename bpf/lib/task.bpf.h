/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Facts about tasks that several tools report or test. */
#ifndef SONDE_BPF_LIB_TASK_BPF_H
#define SONDE_BPF_LIB_TASK_BPF_H

#include <bpf/bpf_core_read.h>

/* include/linux/sched.h: a runnable task's state, and the bit of a task
 * switched out for the last time. */
#define SONDE_TASK_RUNNING 0
#define SONDE_TASK_DEAD 0x80

/* Before Linux 5.14 the state was `long state`. */
struct task_struct___state_long {
	long state;
} __attribute__((preserve_access_index));

static __always_inline __u32 sonde_current_ppid(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	return BPF_CORE_READ(task, real_parent, tgid);
}

/* The file behind the current task's descriptor fd, or NULL. The table is
 * reached by plain loads through the task's BTF pointer (no helper call:
 * the kernel turns a fault into 0); the slot, an array of pointers, is
 * copied. */
static __always_inline struct file *sonde_fd_file(int fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = task->files->fdt;
	struct file *file = NULL;

	if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]))
		return NULL;
	return file;
}

/* Task t's state (SONDE_TASK_RUNNING: runnable, on a CPU or waiting for one). */
static __always_inline unsigned int sonde_task_state(struct task_struct *t)
{
	struct task_struct___state_long *old = (void *)t;

	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ(old, state);
}

/* The same, of a BTF pointer (a tp_btf program's argument): a plain load. */
static __always_inline unsigned int sonde_task_state_btf(struct task_struct *t)
{
	struct task_struct___state_long *old = (void *)t;

	if (bpf_core_field_exists(t->__state))
		return t->__state;
	return old->state;
}

#endif
