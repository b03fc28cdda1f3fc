// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* floor SECTION...: attach programs that do nothing (bpf/bench_floor.bpf.c)
 * to the hooks named as the tools name them with -v ("attached SECTION"):
 * tracepoint/CATEGORY/NAME, tp_btf/NAME or raw_tp/NAME; other kinds are
 * skipped with a line on stderr. Prints "floor: PROG_ID PROG_ID" (the two
 * programs' IDs, for their run statistics) once attached, then waits for
 * SIGINT or SIGTERM. Exit 0, 1 on a failure, 2 on usage. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "skel/bench_floor.skel.h"

#define MAX_HOOKS 64

static volatile sig_atomic_t done;

static void on_signal(int sig)
{
	(void)sig;
	done = 1;
}

static unsigned prog_id(const struct bpf_program *p)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len) ? 0 : info.id;
}

static struct bpf_link *attach(struct bench_floor_bpf *skel, const char *sec)
{
	char cat[128];
	const char *slash;

	if (!strncmp(sec, "tracepoint/", 11)) {
		sec += 11;
		slash = strchr(sec, '/');
		if (!slash || (size_t)(slash - sec) >= sizeof(cat))
			return NULL;
		memcpy(cat, sec, slash - sec);
		cat[slash - sec] = 0;
		return bpf_program__attach_tracepoint(skel->progs.floor_tp, cat, slash + 1);
	}
	if (!strncmp(sec, "tp_btf/", 7))
		return bpf_program__attach_raw_tracepoint(skel->progs.floor_raw, sec + 7);
	if (!strncmp(sec, "raw_tp/", 7))
		return bpf_program__attach_raw_tracepoint(skel->progs.floor_raw, sec + 7);
	return NULL;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[MAX_HOOKS];
	struct bench_floor_bpf *skel;
	int n = 0;

	if (argc < 2 || argc - 1 > MAX_HOOKS) {
		fprintf(stderr, "usage: floor SECTION... (at most %d)\n", MAX_HOOKS);
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	skel = bench_floor_bpf__open_and_load();
	if (!skel) {
		perror("floor: cannot load bpf/bench_floor.bpf.c");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		links[n] = attach(skel, argv[i]);
		if (links[n])
			n++;
		else
			fprintf(stderr, "floor: skipped %s\n", argv[i]);
	}
	printf("floor: %u %u\n", prog_id(skel->progs.floor_tp), prog_id(skel->progs.floor_raw));
	fflush(stdout);
	while (!done)
		pause();
	for (int i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	bench_floor_bpf__destroy(skel);
	return 0;
}
