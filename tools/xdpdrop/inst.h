/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* An xdpdrop instance: its program attached to an interface with its rules
 * written, for the run of the process or pinned (--pin, in the directory
 * tools/xdpdrop/pin.h says); and the operations on a pinned one: add and
 * delete rules live, detach (tools/xdpdrop/pinned.c). */
#ifndef SONDE_TOOLS_XDPDROP_INST_H
#define SONDE_TOOLS_XDPDROP_INST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "lib/opts.h"
#include "tools/xdpdrop/link.h"
#include "tools/xdpdrop/maps.h"
#include "tools/xdpdrop/pin.h"

enum xdp_inst_action {
	XDP_INST_ATTACH,
	XDP_INST_STATUS,
	XDP_INST_ADD,
	XDP_INST_DEL,
	XDP_INST_DETACH,
};

/* --unparsed: what becomes of a packet that no rule decides and that was
 * not parsed to its end. */
enum xdp_unparsed {
	XDP_UNPARSED_AUTO, /* drop with --allow, else pass */
	XDP_UNPARSED_PASS,
	XDP_UNPARSED_DROP,
};

struct xdp_inst_cfg {
	const char *iface;
	enum xdp_mode mode;
	enum xdp_unparsed unparsed;
	uint32_t max_rules; /* 0: twice the rules given, at least 1024 */
	bool allow;
	bool dry_run;
	bool force;
	bool pin;
};

/* The rules an action was given; --del also takes rule numbers. */
struct xdp_inst_rules {
	struct xdp_rule *rules;
	size_t n;
	uint32_t *nrs;
	size_t nnrs;
};

/* One RULE argument (with numbers: a rule number, when all digits); 0 or
 * -EINVAL after one line. */
int xdp_inst_rule_arg(struct xdp_inst_rules *in, const char *arg, bool numbers);
/* The rules of a file (-f); 0 or -EINVAL after one line. */
int xdp_inst_rules_file(struct xdp_inst_rules *in, const char *path);
/* The same from an open stream, name for the messages. */
int xdp_inst_rules_stream(struct xdp_inst_rules *in, FILE *f, const char *name);
void xdp_inst_rules_free(struct xdp_inst_rules *in);

struct xdp_inst {
	struct bpf_object *obj; /* loaded here; NULL for a pinned instance opened */
	struct xdp_maps maps;
	struct xdp_nrule *rules; /* by number */
	size_t nrules;
	struct xdpdrop_info info;
	char iface[16];
	int link_fd;
	struct xdp_pin pin; /* the pin directory, locked (--pin, pinned instances) */
};

/* An instance with nothing open, for iface. */
void xdp_inst_init(struct xdp_inst *inst, const char *iface);
/* What a pin directory holds (NULL-terminated): the maps, link and prog. */
const char *const *xdp_inst_pin_names(void);

/* Compiles rules, or says in one line why they cannot be. */
int xdp_inst_build(const struct xdp_nrule *rules, size_t n, struct xdp_tables *t);
/* Loads the opened skeleton s (configured for cfg), writes the rules and
 * attaches it to cfg->iface, pinning it with cfg->pin. 0 or -errno after
 * one line. */
int xdp_inst_attach(const struct xdp_inst_cfg *cfg, const struct sonde_opts *common,
		    const struct xdp_inst_rules *in, struct bpf_object_skeleton *s,
		    struct xdp_inst *inst);
/* Opens the instance pinned for iface in our network namespace (by the
 * interface's index, or by the name it had when the interface has gone),
 * locked as how says until closed, and reads what read says; -ENOENT after
 * one line when there is none. */
enum xdp_inst_read {
	XDP_READ_NONE,	/* the pins only (--detach) */
	XDP_READ_MAPS,	/* and the maps and settings (--add, --del) */
	XDP_READ_RULES, /* and every rule (--status) */
};
int xdp_inst_open(const char *iface, struct xdp_inst *inst, enum xdp_pin_how how,
		  enum xdp_inst_read read);
/* --add, --del or --detach on the pinned instance of cfg->iface. */
int xdp_inst_pinned(const struct xdp_inst_cfg *cfg, enum xdp_inst_action a,
		    const struct xdp_inst_rules *in);
/* The instance's program still runs on its interface (its link, of a
 * pinned instance the one pinned, is attached there): 0, or -ENOLINK with
 * the reason in why (len bytes), or another -errno. */
int xdp_inst_attached(const struct xdp_inst *inst, char *why, size_t len);
/* Closes the fds (a link not pinned detaches); the skeleton is the
 * caller's to destroy. */
void xdp_inst_close(struct xdp_inst *inst);
/* The rule numbered nr, or NULL. */
const struct xdp_rule *xdp_inst_rule(const struct xdp_inst *inst, uint32_t nr);

#endif
