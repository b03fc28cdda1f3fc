// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* render_golden: every run of render.h renders a fixed set of records through
 * its tool's own main() and event callback (built in as fuzz_render has
 * them: main() renamed <tool>_main, sonde_stream_run() wrapped), and the
 * output is printed, to be compared byte for byte with
 * tests/fuzz/golden/render.txt (the CTest test render_golden). What a change
 * to the output layer, the escaping or a tool's renderer does to a single
 * byte of any row shows there.
 *
 * The records: each run's record of render.c, then the same with its header
 * changed: a time at the last microsecond of a second, the largest numbers
 * and a full comm, a comm of bytes to escape, and times about the tool's
 * start that -t rounds either way. The clocks are fixed (the wall clock at
 * 2026-03-01 12:00:00 UTC, TZ=UTC), and so are the kernel's symbols
 * (golden/kallsyms), so that the output is the same on any machine, boot
 * and day.
 *
 *	render_golden > out; diff -u tests/fuzz/golden/render.txt out
 *	render_golden > tests/fuzz/golden/render.txt   # after a change meant to show */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/array_size.h"
#include "lib/stream.h"
#include "lib/sym.h"
#include "tests/fuzz/render.h"

#define R(tool, opts) int tool##_main(int argc, char **argv);
RENDER_RUNS(R)
#undef R

static const struct {
	const char *tool, *args;
	int (*main)(int argc, char **argv);
} runs[] = {
#define R(name, opts) { .tool = #name, .args = opts, .main = name##_main },
	RENDER_RUNS(R)
#undef R
};

/* Kernel symbols from a fixed file: this boot's addresses move (KASLR). */
struct ksyms *__wrap_ksyms__load(void);

struct ksyms *__wrap_ksyms__load(void)
{
	return ksyms__load_file(GOLDEN_KALLSYMS);
}

/* The run main() is in, and whether it reached its event loop. */
static unsigned current;
static int served;

#define START_MONO_NS 5000000000000ull	    /* the tool's start, on CLOCK_MONOTONIC */
#define START_REAL_NS 1772366400000000000ll /* 2026-03-01T12:00:00Z */

/* Variant v of the run's record (0: as render.c makes it); false when there
 * is no such variant. */
static bool variant(unsigned v, struct stream_hdr *h)
{
	/* Controls, quotes, a backslash, DEL, UTF-8 whole and cut, an escape
	 * sequence: every byte of it takes an escape of some kind. */
	static const char comm_escapes[TASK_COMM_LEN] = "\t\"\\\x7f\xc3\xa9\xe2\x82 \x1b[0mab";
	static const uint64_t ts[] = {
		START_MONO_NS + 999999000,	   /* the last microsecond of a second */
		START_MONO_NS + 1500000,	   /* -t: 0.0015 s, a tie */
		START_MONO_NS + 2499999,	   /* -t: just below the next tie */
		START_MONO_NS + 86400001500001ull, /* -t: a day, just above a tie */
		START_MONO_NS - 7000000,	   /* before the start */
	};

	switch (v) {
	case 0:
		return true;
	case 1:
		h->pid = h->tid = h->uid = UINT32_MAX;
		h->cgroup_id = UINT64_MAX;
		memcpy(h->comm, "0123456789abcdef", sizeof(h->comm));
		return true;
	case 2:
		memcpy(h->comm, comm_escapes, sizeof(h->comm));
		return true;
	default:
		if (v - 3 >= ARRAY_SIZE(ts))
			return false;
		h->ts_ns = ts[v - 3];
		return true;
	}
}

/* Takes the place of the event loop: the header, then each record. */
int __wrap_sonde_stream_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
			    const struct sonde_stream *st);

int __wrap_sonde_stream_run(struct bpf_object_skeleton *s, const struct sonde_opts *o,
			    const struct sonde_stream *st)
{
	static unsigned char rec[RENDER_RECORD_MAX];
	struct out *out = st->out;
	size_t len = 0;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, &len);
	int err;

	(void)s;
	if (!f)
		return -1;
	out_init(out, f, st->cols, st->ncols, st->show, &o->out);
	out->start_mono_ns = START_MONO_NS;
	out->mono_to_real_ns = START_REAL_NS - (int64_t)START_MONO_NS;
	out_header(out);
	for (unsigned v = 0;; v++) {
		size_t size = render_record(current, rec);

		if (!variant(v, (struct stream_hdr *)rec))
			break;
		if (st->on_event(st->ctx, rec, size)) {
			fprintf(stderr, "render_golden: %s %s: the callback failed\n",
				runs[current].tool, runs[current].args);
			exit(1);
		}
	}
	err = out_flush(out);
	fclose(f);
	fwrite(buf, 1, len, stdout);
	free(buf);
	served = 1;
	return err;
}

static int run_main(unsigned i)
{
	char *copy = strdup(runs[i].args), *argv[16], *save = NULL;
	int argc = 0, rc;

	if (!copy)
		return -1;
	argv[argc++] = (char *)runs[i].tool;
	for (char *a = strtok_r(copy, " ", &save); a && argc < 15; a = strtok_r(NULL, " ", &save))
		argv[argc++] = a;
	argv[argc] = NULL;
	rc = runs[i].main(argc, argv);
	free(copy);
	return rc;
}

int main(void)
{
	char name[128];

	setenv("TZ", "UTC", 1);
	tzset();
	for (unsigned i = 0; i < ARRAY_SIZE(runs); i++) {
		render_run_name(i, name, sizeof(name));
		printf("== %s\n", name);
		current = i;
		served = 0;
		if (run_main(i) || !served) {
			fprintf(stderr, "render_golden: %s %s ended before its event loop\n",
				runs[i].tool, runs[i].args);
			return 1;
		}
	}
	return 0;
}
