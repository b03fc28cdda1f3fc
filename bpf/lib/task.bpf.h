/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Facts about the current task that several tools report. */
#ifndef SONDE_BPF_LIB_TASK_BPF_H
#define SONDE_BPF_LIB_TASK_BPF_H

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

#endif
