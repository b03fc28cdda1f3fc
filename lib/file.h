/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Files, the user side of the file tools (filelife, filetop, fsslower;
 * common/file.h, bpf/lib/file.bpf.h). */
#ifndef SONDE_LIB_FILE_H
#define SONDE_LIB_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include "lib/out.h"

/* A path the kernel walked (file_path() of bpf/lib/file.bpf.h): path_len
 * bytes with its NUL, of which the first `avail` are at path (the rest of
 * an event), in column col, marked when `cut`; text "?" and JSON null when
 * there is none (the file is outside the process's root, or deeper than a
 * walk goes). Whether it was cut goes in column col_cut. */
void file_out_path(struct out *o, unsigned col, unsigned col_cut, const char *path, size_t avail,
		   size_t path_len, bool cut);

#endif
