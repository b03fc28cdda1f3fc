// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* symbench N [PID]: the stack tools' end of run on N distinct stacks of 8
 * kernel frames (random addresses of the kernel's text) and 24 user frames
 * (random addresses of process PID's executable mappings: its program,
 * its libraries, the vDSO; by default this process's), each frame
 * symbolized (lib/sym.h), the stacks written as folded lines (to
 * /dev/null). Prints the milliseconds that took, from a symbolizer that
 * has read nothing yet, the process's maps and files included
 * (scripts/bench.d/stack.sh). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lib/stack.h"

#define KFRAMES 8
#define UFRAMES 24

struct range {
	uint64_t lo, hi;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The executable mappings of process pid. */
static size_t user_ranges(pid_t pid, struct range *r, size_t max)
{
	char line[512], perms[8];
	FILE *f;

	snprintf(line, sizeof(line), "/proc/%d/maps", pid);
	f = fopen(line, "r");
	size_t n = 0;

	while (f && n < max && fgets(line, sizeof(line), f))
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &r[n].lo, &r[n].hi, perms) == 3 &&
		    strchr(perms, 'x'))
			n++;
	if (f)
		fclose(f);
	return n;
}

/* The kernel's text, _stext to _etext. */
static struct range kernel_range(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	struct range r = { 0, 0 };
	char line[512], name[256], t;
	uint64_t a;

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNx64 " %c %255s", &a, &t, name) != 3)
			continue;
		if (!strcmp(name, "_stext"))
			r.lo = a;
		else if (!strcmp(name, "_etext"))
			r.hi = a;
	}
	if (f)
		fclose(f);
	return r;
}

static uint64_t pick(const struct range *r)
{
	uint64_t span = r->hi - r->lo;

	return r->lo + (span ? ((uint64_t)random() << 16 ^ (uint64_t)random()) % span : 0);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000, nu;
	pid_t pid = argc > 2 ? (pid_t)strtol(argv[2], NULL, 10) : getpid();
	struct stack_opts opts = { .fmt = STACK_FMT_FOLDED };
	struct stack_cfg cfg = { .opts = &opts, .value = { "count", 1 } };
	struct range ur[256], kr = kernel_range();
	struct stack_row *rows = calloc(n ? n : 1, sizeof(*rows));
	struct syms *s = syms__new(NULL);
	FILE *null = fopen("/dev/null", "w");
	struct stack_out so = { null, STACK_FMT_FOLDED, &cfg, { 0 }, 0, 0 };
	double t0;
	int err;

	nu = user_ranges(pid, ur, 256);
	if (!rows || !s || !null || !nu) {
		fprintf(stderr, "symbench: cannot set up\n");
		return 1;
	}
	srandom(1);
	t0 = now_ms();
	syms_proc_note(s, pid, 1);
	for (size_t i = 0; i < n; i++) {
		struct stack_row *r = &rows[i];

		r->frames = calloc(KFRAMES + UFRAMES, sizeof(*r->frames));
		if (!r->frames)
			return 1;
		r->key.pid = pid;
		r->key.gen = 1;
		memcpy(r->key.comm, "symbench", 9);
		r->total = 1;
		r->nkernel = kr.hi ? KFRAMES : 0;
		r->nuser = UFRAMES;
		for (uint32_t j = 0; j < r->nkernel; j++)
			syms_kernel(s, pick(&kr), j > 0, &r->frames[j]);
		for (uint32_t j = 0; j < UFRAMES; j++)
			syms_user(s, pid, 1, pick(&ur[random() % nu]), j > 0,
				  &r->frames[r->nkernel + j]);
	}
	err = stack_out_write(&so, rows, n);
	printf("%.1f\n", now_ms() - t0);
	for (size_t i = 0; i < n; i++)
		free(rows[i].frames);
	free(rows);
	syms__free(s);
	fclose(null);
	return err ? 1 : 0;
}
