/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The kernel's BTF, which CO-RE relocates every program against: the
 * kernel's own at /sys/kernel/btf/vmlinux, a file given with --btf (such as
 * one scripts/gen-min-btf made), or, without either, the first of the
 * places where distributions install a kernel's vmlinux. */
#ifndef SONDE_LIB_BTFSRC_H
#define SONDE_LIB_BTFSRC_H

#include <stdbool.h>
#include "lib/opts.h"

/* Sets o->open.btf_custom_path: --btf's file, which must hold BTF (else a
 * usage error naming it); nothing when /sys/kernel/btf/vmlinux has the
 * kernel's own; else the first place that holds BTF; with none,
 * o->btf_none, which only a run that loads minds (btfsrc_require()): an
 * action that loads nothing (xdpdrop --status) needs no BTF. 0 or -errno
 * (-EINVAL for a bad --btf). */
int btfsrc_resolve(struct sonde_opts *o);

/* Before a load: 0, or -ENOTSUP after one line naming every place looked
 * at when there is no kernel BTF to relocate against. */
int btfsrc_require(const struct sonde_opts *o);

/* The kernel's own BTF is readable at /sys/kernel/btf/vmlinux (a hidden or
 * empty file does not count). */
bool btfsrc_sysfs(void);

/* Before load. A program attached by the kernel's BTF type IDs (tp_btf,
 * fentry) needs the kernel's complete BTF where libbpf reads it
 * (/sys/kernel/btf/vmlinux, or a vmlinux in libbpf's own places): type IDs
 * are the kernel build's own, and a --btf file, reduced or not, cannot give
 * them. Without it, each such "tp_btf/X" program with a "?raw_tp/X" twin
 * gives its place to the twin (the twin stays off otherwise), and any other
 * is refused: -ENOTSUP after one line naming it. */
struct bpf_object;
int btfsrc_pick_programs(struct bpf_object *obj);

#endif
