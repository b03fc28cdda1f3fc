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
 * root (*mnt_root, read once per mount) to its mount point in the parent
 * mount. Returns 1 at the task's root, -1 at the top of a tree that does not
 * lead there (a file outside the task's root, as for a chroot, or on an
 * internal mount such as a pipe's or a namespace's), 0 when *dentry is a
 * directory whose name goes into the path. */
static __always_inline int dpath_cross_mounts(struct dentry **dentry, struct vfsmount **vfsmnt,
					      struct dentry **mnt_root, const struct path *root)
{
	for (int i = 0; i < 8; i++) {
		struct mount *mnt, *parent;

		if (*dentry == root->dentry && *vfsmnt == root->mnt)
			return 1;
		if (*dentry != *mnt_root)
			return 0;
		mnt = (void *)*vfsmnt - bpf_core_field_offset(struct mount, mnt);
		parent = BPF_CORE_READ(mnt, mnt_parent);
		if (parent == mnt)
			return -1;
		*dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		*vfsmnt = (void *)parent + bpf_core_field_offset(struct mount, mnt);
		*mnt_root = BPF_CORE_READ(*vfsmnt, mnt_root);
	}
	return -1;
}

/* A dentry's parent and name. */
struct dpath_up {
	struct dentry *parent;
	struct qstr name;
};

/* In one copy where d_name follows d_parent, as it does in every kernel
 * sonde runs on (a walk is a copy or two per level: they are most of its
 * cost); in two otherwise. The offsets are the kernel's, known at load. */
static __always_inline int dpath_read_up(struct dentry *dentry, struct dpath_up *up)
{
	__u32 parent = bpf_core_field_offset(struct dentry, d_parent);

	if (bpf_core_field_offset(struct dentry, d_name) == parent + sizeof(up->parent))
		return bpf_probe_read_kernel(up, sizeof(*up), (void *)dentry + parent);
	if (BPF_CORE_READ_INTO(&up->name, dentry, d_name))
		return -1;
	return BPF_CORE_READ_INTO(&up->parent, dentry, d_parent);
}

/* Builds the path of (dentry, vfsmnt) at the end of d->buf; returns where it
 * starts, or -1 when it is deeper or longer than a walk goes, or does not
 * lead to the task's root. */
static __always_inline int dpath_of(struct dpath *d, struct dentry *dentry, struct vfsmount *vfsmnt)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	int pos = DPATH_END, top;
	struct dpath_up up;
	struct path root;

	if (BPF_CORE_READ_INTO(&root, task, fs, root))
		return -1;
	for (int i = 0; i < DPATH_MAX_DEPTH; i++) {
		top = dpath_cross_mounts(&dentry, &vfsmnt, &mnt_root, &root);
		if (top)
			return top > 0 ? pos : -1;
		if (dpath_read_up(dentry, &up) || up.parent == dentry)
			return -1;
		if (up.name.len > DPATH_NAME_MAX || up.name.len + 2 > pos)
			return -1;
		pos -= up.name.len;
		bpf_probe_read_kernel(&d->buf[pos & (DPATH_SIZE - 1)], up.name.len & DPATH_NAME_MAX,
				      up.name.name);
		pos--;
		d->buf[pos & (DPATH_SIZE - 1)] = '/';
		dentry = up.parent;
	}
	return -1;
}

#endif
