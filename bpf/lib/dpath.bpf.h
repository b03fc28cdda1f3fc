/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The path of a directory as the current task sees it, from its dentry: no
 * helper gives it to a tracepoint program (bpf_d_path() is for a few
 * functions' fentry only), so the dentries are walked up to the task's root,
 * from a mount's root to the directory it is mounted on, and the names
 * written backwards into a buffer.
 *
 *	struct dpath *d = ...per-CPU scratch...;
 *	int start = dpath_of(d, dentry, vfsmount);
 *	// d->buf[start .. DPATH_END) is "/usr/lib" ("" for the root)
 *
 * Include after vmlinux.h and the bpf_*.h headers. */
#ifndef SONDE_BPF_LIB_DPATH_BPF_H
#define SONDE_BPF_LIB_DPATH_BPF_H

/* Bytes of path a walk can build (a power of two). */
#define DPATH_SIZE 4096
/* The path ends here: dpath_of() leaves one byte for a NUL or a '/'. */
#define DPATH_END (DPATH_SIZE - 1)
/* Dentries and mounts walked at most. */
#define DPATH_MAX_DEPTH 64
/* The longest name a directory can have (NAME_MAX). */
#define DPATH_NAME_MAX 255

struct dpath {
	/* Room for a name written at any offset below DPATH_SIZE. */
	char buf[DPATH_SIZE + DPATH_NAME_MAX + 1];
};

/* One level up from (*dentry, *vfsmnt), as the walk goes: from a mount's
 * root to its mount point in the parent mount. Returns 1 when the walk is
 * over (the task's root, or the root of its mount namespace), 0 when
 * *dentry is a directory whose name goes into the path. */
static __always_inline int dpath_cross_mounts(struct dentry **dentry, struct vfsmount **vfsmnt,
					      const struct path *root)
{
	for (int i = 0; i < 8; i++) {
		struct mount *mnt, *parent;

		if (*dentry == root->dentry && *vfsmnt == root->mnt)
			return 1;
		if (*dentry != BPF_CORE_READ(*vfsmnt, mnt_root))
			return 0;
		mnt = (void *)*vfsmnt - bpf_core_field_offset(struct mount, mnt);
		parent = BPF_CORE_READ(mnt, mnt_parent);
		if (parent == mnt)
			return 1;
		*dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		*vfsmnt = (void *)parent + bpf_core_field_offset(struct mount, mnt);
	}
	return 1;
}

/* Builds the path of (dentry, vfsmnt) at the end of d->buf; returns where it
 * starts, or -1 when it is deeper or longer than a walk goes. */
static __always_inline int dpath_of(struct dpath *d, struct dentry *dentry, struct vfsmount *vfsmnt)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct path root;
	int pos = DPATH_END;

	if (BPF_CORE_READ_INTO(&root, task, fs, root))
		return -1;
	for (int i = 0; i < DPATH_MAX_DEPTH; i++) {
		struct dentry *parent;
		struct qstr name;

		if (dpath_cross_mounts(&dentry, &vfsmnt, &root))
			return pos;
		parent = BPF_CORE_READ(dentry, d_parent);
		if (parent == dentry || BPF_CORE_READ_INTO(&name, dentry, d_name))
			return pos;
		if (name.len > DPATH_NAME_MAX || name.len + 2 > pos)
			return -1;
		pos -= name.len;
		bpf_probe_read_kernel(&d->buf[pos & (DPATH_SIZE - 1)], name.len & DPATH_NAME_MAX,
				      name.name);
		pos--;
		d->buf[pos & (DPATH_SIZE - 1)] = '/';
		dentry = parent;
	}
	return -1;
}

#endif
