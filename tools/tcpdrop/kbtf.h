/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Facts read from the running kernel's BTF (/sys/kernel/btf/vmlinux) at run
 * time, so that what a newer kernel adds (a tracepoint argument, an enum
 * value) is known without a rebuild. */
#ifndef SONDE_TOOLS_TCPDROP_KBTF_H
#define SONDE_TOOLS_TCPDROP_KBTF_H

#include <stddef.h>
#include <stdint.h>

/* How many arguments the tracepoint NAME hands a tp_btf program (its
 * btf_trace_NAME prototype, without the leading context pointer), or -errno
 * (-ENOENT: no such tracepoint). */
int kbtf_tp_nargs(const char *name);

struct kbtf_enum_val {
	int64_t value;
	char *name;
};

/* The values of a kernel enum with their names. */
struct kbtf_enum {
	struct kbtf_enum_val *vals;
	size_t n;
	char *prefix;
};

/* Loads the enum ENUM_NAME, each name without PREFIX ("" for none).
 * 0 or -errno (-ENOENT: this kernel has no such enum). */
int kbtf_enum_load(const char *enum_name, const char *prefix, struct kbtf_enum *e);
/* The name of value v (without the prefix); NULL when no value has it. */
const char *kbtf_enum_name(const struct kbtf_enum *e, int64_t v);
/* The value named NAME, case-insensitive, with or without the prefix; 0 or
 * -ENOENT. */
int kbtf_enum_value(const struct kbtf_enum *e, const char *name, int64_t *v);
void kbtf_enum_free(struct kbtf_enum *e);
/* Frees the parsed BTF (what was copied out of it stays valid). Call it
 * before loading a BPF object: libbpf parses its own copy, and two at once
 * would double the tool's peak memory. The next kbtf_ call parses again. */
void kbtf_release(void);

#endif
