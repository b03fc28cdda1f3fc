/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The command line every tool shares.
 *
 * sonde_parse() runs argp over the tool's own options plus the common ones
 * (-p -c -j -d -v -C -h -V) and, on request, the shared groups for time
 * stamps (-T/-t) and users (-u/-U). It then sets up logging and has -c
 * resolved (lib/filter.h), so an unknown cgroup fails before the tool does
 * anything else. */
#ifndef SONDE_LIB_OPTS_H
#define SONDE_LIB_OPTS_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include "lib/out.h"

/* Option groups a tool may ask for on top of the common ones. */
enum sonde_opt_groups {
	SONDE_OPT_TIME = 1 << 0, /* -T, -t */
	SONDE_OPT_UID = 1 << 1,	 /* -u UID (in-kernel filter), -U (UID column) */
};

struct sonde_opts {
	uint32_t pid;	     /* -p: 0 = every process */
	uint32_t uid;	     /* -u: SONDE_UID_ANY = every user */
	const char *cgroup;  /* -c as typed */
	uint32_t duration_s; /* -d: 0 = until interrupted */
	uint32_t buffer_kib; /* --buffer: ring buffer size; 0 = the object's own */
	bool verbose;	     /* -v */
	struct out_cfg out;  /* -j, -C, -U, -T, -t */
	/* -c resolved by filter_resolve(): the cgroup's ID, and its directory
	 * open for the filter map (-1 without -c), its absolute path and
	 * whether -c gave its ID (then it is not followed: lib/filter.h). */
	int cgroup_fd;
	uint64_t cgroup_id;
	char *cgroup_path;
	bool cgroup_by_id;
};

#define SONDE_OPTS_DEFAULTS                                                                        \
	{                                                                                          \
		.uid = (uint32_t)-1, .cgroup_fd = -1                                               \
	}

/* tool_opts is handed to the tool's argp parser as state->input. Returns 0
 * or -errno (-EINVAL for bad usage, -ENOENT for an unknown cgroup). */
int sonde_parse(int argc, char **argv, const struct argp *tool, void *tool_opts,
		struct sonde_opts *common, unsigned groups);
/* Closes what sonde_parse() opened (-c's cgroup). */
void sonde_opts_free(struct sonde_opts *common);

#endif
