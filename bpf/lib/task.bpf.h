/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Facts about the current task that several tools report. */
#ifndef SONDE_BPF_LIB_TASK_BPF_H
#define SONDE_BPF_LIB_TASK_BPF_H

static __always_inline __u32 sonde_current_ppid(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	return BPF_CORE_READ(task, real_parent, tgid);
}

#endif
