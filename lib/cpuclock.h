/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Samplers: the CPU clock (a software perf event) of each CPU, or of one,
 * running a BPF program hz times a second on that CPU (profile's stacks,
 * runqlen's run queues). A possible CPU that is offline has no clock and
 * is left out. */
#ifndef SONDE_LIB_CPUCLOCK_H
#define SONDE_LIB_CPUCLOCK_H

#include <stdint.h>
#include <bpf/libbpf.h>

/* Every CPU, not one. */
#define CPU_CLOCKS_ALL UINT32_MAX

/* A CPU's clock and its link to the program. */
struct cpu_clock {
	struct bpf_link *link;
	int fd;
};

struct cpu_clocks {
	struct cpu_clock *cpus;
	int n; /* attached */
};

/* Opens the clock of cpu (or of each, CPU_CLOCKS_ALL) and attaches prog to
 * it. 0, or -errno (said on stderr); what was attached stays for
 * cpu_clocks_detach(). */
int cpu_clocks_attach(struct cpu_clocks *c, struct bpf_program *prog, uint32_t hz, uint32_t cpu);
/* Detaches and closes them all; again is harmless. */
void cpu_clocks_detach(struct cpu_clocks *c);

#endif
