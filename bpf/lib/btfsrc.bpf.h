/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A tp_btf program and its raw_tp twin from one body.
 *
 * libbpf attaches a tp_btf program by the kernel's own BTF type ID of the
 * tracepoint, which it reads from /sys/kernel/btf/vmlinux (or a vmlinux in
 * its own places): without it (a --btf file only, lib/btfsrc.h), the same
 * tracepoint is reached as a raw tracepoint, which needs no ID. The twin is
 * "?raw_tp/TP", off unless lib/btfsrc.c turns it on in the other's place.
 *
 *   SONDE_TP_BTF(handle_exit, sched_process_exit, struct task_struct *task)
 *   {
 *           ... BPF_CORE_READ(task, tgid) ...
 *   }
 *
 * defines handle_exit (tp_btf) and handle_exit_raw (raw_tp). To the
 * verifier the twin's arguments are numbers, not BTF pointers: the body
 * reads kernel memory through BPF_CORE_READ (a helper call), or by a plain
 * load only where sonde_raw, a constant in each program, is false. */
#ifndef SONDE_BPF_LIB_BTFSRC_BPF_H
#define SONDE_BPF_LIB_BTFSRC_BPF_H

#include <bpf/bpf_tracing.h>

/* clang-format off */
/* The body called with the context's arguments cast, as BPF_PROG does. */
#define SONDE_TP_BTF_CALL(name, raw, args...)                                                      \
	{                                                                                          \
		_Pragma("GCC diagnostic push")                                                     \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")                             \
		return ____##name(raw, ___bpf_ctx_cast(args));                                     \
		_Pragma("GCC diagnostic pop")                                                      \
	}

#define SONDE_TP_BTF(name, tp, args...)                                                            \
	static __always_inline int ____##name(bool sonde_raw, unsigned long long *ctx, ##args);    \
	SEC("tp_btf/" #tp)                                                                         \
	int name(unsigned long long *ctx) SONDE_TP_BTF_CALL(name, false, ##args)                   \
	SEC("?raw_tp/" #tp)                                                                        \
	int name##_raw(unsigned long long *ctx) SONDE_TP_BTF_CALL(name, true, ##args)              \
	static __always_inline int ____##name(bool sonde_raw, unsigned long long *ctx, ##args)
/* clang-format on */

#endif
