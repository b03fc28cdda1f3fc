/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The file a syscall works on (filetop, fsslower), found in the kernel: the
 * struct file behind the descriptor, its kind, device and inode, its file
 * system's type (sb->s_type->name) and its path (bpf/lib/dpath.bpf.h).
 *
 * Include after vmlinux.h and the bpf_*.h headers. */
#ifndef SONDE_BPF_LIB_FILE_BPF_H
#define SONDE_BPF_LIB_FILE_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/file.h"
#include "bpf/lib/dpath.bpf.h"
#include "bpf/lib/task.bpf.h"

/* include/uapi/linux/stat.h */
#define FILE_S_IFMT 00170000
#define FILE_S_IFSOCK 0140000
#define FILE_S_IFLNK 0120000
#define FILE_S_IFREG 0100000
#define FILE_S_IFBLK 0060000
#define FILE_S_IFDIR 0040000
#define FILE_S_IFCHR 0020000
#define FILE_S_IFIFO 0010000

/* The first argument of the current syscall, a descriptor for the calls
 * the file tools follow, from the user registers the kernel saved at its
 * entry: still there at its exit tracepoint (x86's di, arm64's orig_x0), so
 * an exit program needs no entry program to keep it. */
static __always_inline int file_syscall_fd(void)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());

	return (int)PT_REGS_PARM1_CORE_SYSCALL(regs);
}

static __always_inline __u8 file_kind(struct file *f)
{
	switch (BPF_CORE_READ(f, f_inode, i_mode) & FILE_S_IFMT) {
	case FILE_S_IFREG:
		return FILE_KIND_REGULAR;
	case FILE_S_IFDIR:
		return FILE_KIND_DIR;
	case FILE_S_IFCHR:
		return FILE_KIND_CHAR;
	case FILE_S_IFBLK:
		return FILE_KIND_BLOCK;
	case FILE_S_IFIFO:
		return FILE_KIND_FIFO;
	case FILE_S_IFSOCK:
		return FILE_KIND_SOCKET;
	case FILE_S_IFLNK:
		return FILE_KIND_LINK;
	default:
		return FILE_KIND_OTHER;
	}
}

/* The name of f's file system type ("ext4") into buf[FILE_FSTYPE_LEN]. */
static __always_inline void file_fstype(struct file *f, char *buf)
{
	const char *name = BPF_CORE_READ(f, f_inode, i_sb, s_type, name);

	if (!name || bpf_probe_read_kernel_str(buf, FILE_FSTYPE_LEN, name) < 0)
		buf[0] = '\0';
}

/* The directory a relative path given with dirfd starts from (the working
 * directory for FILE_AT_FDCWD), walked into d; returns where its path
 * starts in d->buf, or -1. */
static __always_inline int file_dir_of(struct dpath *d, __s32 dirfd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file *f;
	struct path p;

	if (dirfd == FILE_AT_FDCWD) {
		if (BPF_CORE_READ_INTO(&p, task, fs, pwd))
			return -1;
		return dpath_of(d, p.dentry, p.mnt);
	}
	f = sonde_fd_file(dirfd);
	if (!f || BPF_CORE_READ_INTO(&p, f, f_path))
		return -1;
	return dpath_of(d, p.dentry, p.mnt);
}

/* f's path as the current task sees it, walked into d; its first size - 1
 * bytes and a NUL into out (size a power of two). Returns the bytes written
 * with the NUL (0: no path: deeper or longer than a walk goes, or outside
 * the task's root); *cut is set when the path was longer. */
static __always_inline __u32 file_path(struct dpath *d, struct file *f, char *out, __u32 size,
				       __u8 *cut)
{
	struct path p;
	__u32 len;
	int start;

	*cut = 0;
	if (BPF_CORE_READ_INTO(&p, f, f_path))
		return 0;
	start = dpath_of(d, p.dentry, p.mnt);
	if (start < 0)
		return 0;
	len = DPATH_END - start;
	if (!len) {
		out[0] = '/'; /* the root itself */
		out[1] = '\0';
		return 2;
	}
	if (len > size - 1) {
		len = size - 1;
		*cut = 1;
	}
	if (bpf_probe_read_kernel(out, len & (size - 1), &d->buf[start & (DPATH_SIZE - 1)]))
		return 0;
	out[len & (size - 1)] = '\0';
	return len + 1;
}

#endif
