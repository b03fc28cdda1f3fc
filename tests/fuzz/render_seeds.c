// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Writes fuzz_render's seed corpus: each run's record (render.c), in a file
 * named by the run's index, tool and options ("12-execsnoop-t-n-a-l-b").
 *
 *	render_seeds tests/fuzz/corpus/render */
#include <stdio.h>
#include "tests/fuzz/render.h"

int main(int argc, char **argv)
{
	static unsigned char rec[RENDER_RECORD_MAX];
	char path[4096], name[128];

	if (argc != 2) {
		fprintf(stderr, "usage: render_seeds DIR\n");
		return 2;
	}
	for (unsigned i = 0; i < RENDER_NRUNS; i++) {
		size_t size = render_record(i, rec);
		FILE *f;

		render_run_name(i, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/%s", argv[1], name);
		f = fopen(path, "wb");
		if (!f || fputc(i, f) == EOF || fwrite(rec, 1, size, f) != size || fclose(f)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}
