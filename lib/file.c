// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "lib/file.h"

void file_out_path(struct out *o, unsigned col, unsigned col_cut, const char *path, size_t avail,
		   size_t path_len, bool cut)
{
	size_t len = path_len < avail ? path_len : avail;

	if (len)
		out_str_cut(o, col, path, len, cut);
	else
		out_null(o, col, "?");
	out_bool(o, col_cut, cut);
}
