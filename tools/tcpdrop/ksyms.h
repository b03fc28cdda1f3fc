/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Kernel text symbols from /proc/kallsyms: a kernel address as
 * "function+0xoffset". */
#ifndef SONDE_TOOLS_TCPDROP_KSYMS_H
#define SONDE_TOOLS_TCPDROP_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ksyms;

/* NULL (errno set) when /proc/kallsyms cannot be read or shows no
 * addresses (kptr_restrict without the privilege to see them). */
struct ksyms *ksyms__load(void);
void ksyms__free(struct ksyms *ks);
/* Writes "tcp_v4_rcv+0x1a5" into buf; false when no symbol is at or below
 * addr. */
bool ksyms_name(const struct ksyms *ks, uint64_t addr, char *buf, size_t len);

#endif
