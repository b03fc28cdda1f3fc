// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include "lib/cpuclock.h"
#include "lib/log.h"

/* The CPU clock of one CPU at hz samples per second; its fd, or -errno. */
static int clock_open(int cpu, uint32_t hz)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.size = sizeof(attr),
		.freq = 1,
		.sample_freq = hz,
	};
	int fd = (int)syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int attach_cpu(struct cpu_clocks *c, struct bpf_program *prog, int cpu, uint32_t hz)
{
	int fd = clock_open(cpu, hz), err;
	struct bpf_link *link;

	if (fd == -ENODEV)
		return 0; /* offline */
	if (fd < 0) {
		log_err("cannot open the CPU clock of CPU %d: %s", cpu, strerror(-fd));
		return fd == -EACCES ? -EPERM : fd;
	}
	link = bpf_program__attach_perf_event(prog, fd);
	if (!link) {
		err = -errno;
		close(fd);
		log_err("cannot attach to the CPU clock of CPU %d: %s", cpu, strerror(-err));
		return err;
	}
	c->cpus[c->n++] = (struct cpu_clock){ link, fd };
	return 0;
}

int cpu_clocks_attach(struct cpu_clocks *c, struct bpf_program *prog, uint32_t hz, uint32_t cpu)
{
	int ncpu = libbpf_num_possible_cpus(), err = 0;

	if (ncpu <= 0)
		return -EIO;
	c->cpus = calloc(ncpu, sizeof(*c->cpus));
	if (!c->cpus)
		return -ENOMEM;
	for (int i = 0; i < ncpu && !err; i++)
		if (cpu == CPU_CLOCKS_ALL || (int)cpu == i)
			err = attach_cpu(c, prog, i, hz);
	if (!err && !c->n) {
		log_err("no online CPU to sample");
		err = -ENODEV;
	}
	log_debug("sampling %d CPUs at %u Hz", c->n, hz);
	return err;
}

void cpu_clocks_detach(struct cpu_clocks *c)
{
	for (int i = 0; i < c->n; i++) {
		bpf_link__destroy(c->cpus[i].link);
		close(c->cpus[i].fd);
	}
	free(c->cpus);
	memset(c, 0, sizeof(*c));
}
