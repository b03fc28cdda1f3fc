/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The command line every tool shares.
 *
 * sonde_parse() runs argp over the tool's own options plus the common ones
 * (-p -c -j -d -v -C --btf -h -V) and, on request, the shared groups for time
 * stamps (-T/-t), users (-u/-U) and address families (-4/-6). It then sets
 * up logging and has -c resolved (lib/filter.h), so an unknown cgroup fails
 * before the tool does anything else, and finds the kernel BTF to open
 * skeletons with (lib/btfsrc.h).
 *
 * A tool declares its command line as a struct sonde_cli. Its options that
 * only store what they were given (a flag, a string kept as typed, a number
 * in a range) are declared in a table of struct sonde_store, which
 * sonde_parse() handles; the tool's own parser sees only the others, or
 * there is none. */
#ifndef SONDE_LIB_OPTS_H
#define SONDE_LIB_OPTS_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "lib/out.h"

/* Option groups a tool may ask for on top of the common ones. */
enum sonde_opt_groups {
	SONDE_OPT_TIME = 1 << 0,   /* -T, -t */
	SONDE_OPT_UID = 1 << 1,	   /* -u UID (in-kernel filter), -U (UID column) */
	SONDE_OPT_FAMILY = 1 << 2, /* -4, -6: one address family (network tools) */
};

struct sonde_opts {
	uint32_t pid;	     /* -p: 0 = every process */
	uint32_t uid;	     /* -u: SONDE_UID_ANY = every user */
	const char *cgroup;  /* -c as typed */
	uint32_t duration_s; /* -d: 0 = until interrupted */
	uint32_t buffer_kib; /* --buffer: ring buffer size; 0 = the object's own */
	uint16_t family;     /* -4/-6: NET_AF_INET or NET_AF_INET6; 0 = both */
	bool verbose;	     /* -v */
	struct out_cfg out;  /* -j, -C, -U, -T, -t, --label (out.labels: &labels or NULL) */
	struct out_labels labels;
	/* -c resolved by filter_resolve(): the cgroup's ID, its level in the
	 * cgroup2 tree (FILTER_LEVEL_WALK when not known), its directory open
	 * for the filter map (-1 without -c), its absolute path and whether -c
	 * gave its ID (then it is not followed: lib/filter.h). */
	int cgroup_fd;
	uint32_t cgroup_level;
	uint64_t cgroup_id;
	char *cgroup_path;
	bool cgroup_by_id;
	bool follow;	 /* --follow: -c's cgroup is followed through its removal */
	const char *btf; /* --btf as typed */
	/* What every skeleton is opened with (foo_bpf__open_opts()): the
	 * kernel BTF that CO-RE relocates against, when it is not the
	 * kernel's own (lib/btfsrc.h); btf_found is a path found there, and
	 * btf_none says there is none at all. */
	struct bpf_object_open_opts open;
	char *btf_found;
	bool btf_none;
};

#define SONDE_OPTS_DEFAULTS                                                                        \
	{                                                                                          \
		.uid = (uint32_t)-1, .cgroup_fd = -1, .open = {                                    \
			.sz = sizeof(struct bpf_object_open_opts)                                  \
		}                                                                                  \
	}

/* What a stored option writes into its field. */
enum sonde_store_kind {
	SONDE_STORE_TRUE,   /* a flag: true, into a bool */
	SONDE_STORE_ARG,    /* the argument as typed, into a const char * */
	SONDE_STORE_UINT32, /* the argument, an integer from min to max, into a uint32_t */
};

/* An option of the tool that stores what it was given in a field of the
 * tool's options struct: `kind` says what. */
struct sonde_store {
	int key;		    /* the option's key in the tool's argp options */
	enum sonde_store_kind kind; /* follows from the field's type */
	size_t offset;		    /* of the field in the tool's options struct */
	const char *name;	    /* SONDE_STORE_UINT32: the option, as messages name it */
	uint64_t min, max;	    /* SONDE_STORE_UINT32: the values allowed */
};

/* The store of option `key` into `field` of struct `type`: a flag for a bool
 * field, the argument for a const char * one; any other type does not
 * compile. */
#define SONDE_STORE(key_, type, field)                                                             \
	{                                                                                          \
		.key = (key_), .kind = SONDE_STORE_KIND(((type *)0)->field),                       \
		.offset = offsetof(type, field)                                                    \
	}
#define SONDE_STORE_KIND(field)                                                                    \
	_Generic((field), bool : SONDE_STORE_TRUE, const char * : SONDE_STORE_ARG)

/* The store of option `key`, named `name` in messages ("--depth"), into the
 * uint32_t `field` of struct `type`: an integer from min to max, else a usage
 * error naming the option and the value. Another type does not compile. */
#define SONDE_STORE_RANGE(key_, name_, type, field, min_, max_)                                    \
	{                                                                                          \
		.key = (key_), .kind = SONDE_STORE_KIND_UINT32(((type *)0)->field),                \
		.offset = offsetof(type, field), .name = (name_), .min = (min_), .max = (max_)     \
	}
#define SONDE_STORE_KIND_UINT32(field) _Generic((field), uint32_t : SONDE_STORE_UINT32)

/* A tool's own command line: its argp (options with their help, the parser
 * of those `stores` does not cover or none, args_doc, doc: the description,
 * "\v", then the EXAMPLES), its stored options, and sonde's option groups it
 * adds (enum sonde_opt_groups). */
struct sonde_cli {
	const struct argp *argp;
	const struct sonde_store *stores; /* ends with { 0 }; NULL for none */
	unsigned groups;
};

/* tool_opts is where `stores` write, and is handed to the tool's argp parser
 * as state->input. Returns 0 or -errno (-EINVAL for bad usage, -ENOENT for
 * an unknown cgroup). */
int sonde_parse(int argc, char **argv, const struct sonde_cli *cli, void *tool_opts,
		struct sonde_opts *common);
/* Closes what sonde_parse() opened (-c's cgroup). */
void sonde_opts_free(struct sonde_opts *common);

#endif
