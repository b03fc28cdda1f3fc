// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A pinned instance: finding it, changing its rules, detaching it. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "lib/log.h"
#include "tools/xdpdrop/inst.h"

/* The settings of the instance in the directory p, if its "info" map is
 * the one this version writes. */
static int read_info(const struct xdp_pin *p, struct xdpdrop_info *info)
{
	struct bpf_map_info mi = {};
	__u32 len = sizeof(mi), zero = 0;
	int fd = xdp_pin_get(p, "info"), err;

	if (fd < 0)
		return fd;
	err = bpf_obj_get_info_by_fd(fd, &mi, &len) ? -errno : 0;
	if (!err && mi.value_size != sizeof(*info))
		err = -EPROTO;
	if (!err && bpf_map_lookup_elem(fd, &zero, info))
		err = -errno;
	close(fd);
	return err;
}

/* xdp_pin_each(): the instance that was attached to the interface named
 * ctx, one that has gone (a live one by that name is another interface's,
 * renamed since). */
static int gone_by_name(struct xdp_pin *p, void *ctx)
{
	struct xdpdrop_info info;
	char now[IF_NAMESIZE];

	if (read_info(p, &info))
		return 0;
	return !strncmp(info.iface, ctx, sizeof(info.iface)) && !if_indextoname(info.ifindex, now);
}

static int not_found(struct xdp_inst *inst)
{
	char old[PATH_MAX];

	if (xdp_pin_old(&inst->pin, inst->iface, old, sizeof(old)))
		log_err(
		    "no pinned xdpdrop for %s in this network namespace; %s holds the pins of an "
		    "earlier xdpdrop, kept by interface name (maybe another namespace's %s): "
		    "remove them with rm -r, which detaches their program",
		    inst->iface, old, inst->iface);
	else
		log_err("no pinned xdpdrop for %s (nothing in %s)", inst->iface, inst->pin.path);
	return -ENOENT;
}

/* The pin directory: by the interface's index, else by the name the
 * interface had. */
static int find(struct xdp_inst *inst, enum xdp_pin_how how)
{
	unsigned idx = if_nametoindex(inst->iface);
	int err = -ENOENT;

	if (idx)
		err = xdp_pin_open(&inst->pin, idx, how);
	if (err != -ENOENT)
		return err;
	xdp_pin_close(&inst->pin);
	err = xdp_pin_each(&inst->pin, how, gone_by_name, inst->iface);
	if (err == 1)
		return 0;
	return err ? err : not_found(inst);
}

int xdp_inst_open(const char *iface, struct xdp_inst *inst, enum xdp_pin_how how, bool read)
{
	int err;

	xdp_inst_init(inst, iface);
	err = find(inst, how);
	if (!err) {
		inst->link_fd = xdp_pin_get(&inst->pin, "link");
		if (inst->link_fd < 0 && inst->link_fd != -ENOENT)
			err = inst->link_fd;
	}
	/* --detach removes what is there, even pins left half made. */
	if (err || !read)
		return err;
	err = xdp_maps_open(inst->pin.fd, &inst->maps);
	if (!err)
		err = xdp_maps_info(&inst->maps, &inst->info);
	if (!err)
		err = xdp_maps_read_rules(&inst->maps, &inst->rules, &inst->nrules);
	if (err)
		log_err("cannot read the pinned xdpdrop in %s: %s", inst->pin.path, strerror(-err));
	return err;
}

void xdp_inst_close(struct xdp_inst *inst)
{
	if (inst->link_fd >= 0)
		close(inst->link_fd);
	inst->link_fd = -1;
	xdp_pin_close(&inst->pin);
	xdp_maps_close(&inst->maps);
	xdp_nrules_free(inst->rules, inst->nrules);
	inst->rules = NULL;
	inst->nrules = 0;
}

static int detach_pinned(struct xdp_inst *inst)
{
	int err;

	/* A link whose interface went away is detached already. */
	if (inst->link_fd >= 0 && bpf_link_detach(inst->link_fd) && errno != ENOLINK &&
	    errno != EINVAL)
		log_err("note: detaching %s/link: %s", inst->pin.path, strerror(errno));
	err = xdp_pin_remove(&inst->pin, xdp_inst_pin_names());
	if (err)
		log_err("cannot remove the pins in %s: %s", inst->pin.path, strerror(-err));
	return err;
}

/* The rules after --add: each new one gets the next number. */
static int rules_added(const struct xdp_inst *inst, const struct xdp_inst_rules *in,
		       struct xdp_nrule *out, size_t *n)
{
	uint32_t next = inst->nrules ? inst->rules[inst->nrules - 1].nr + 1 : 1;
	char text[256];

	for (size_t i = 0; i < inst->nrules; i++)
		out[(*n)++] = inst->rules[i];
	for (size_t i = 0; i < in->n; i++) {
		bool dup = false;

		for (size_t j = 0; j < *n && !dup; j++)
			dup = xdp_rule_equal(&out[j].rule, &in->rules[i]);
		xdp_rule_text(&in->rules[i], 4, text, sizeof(text));
		if (dup) {
			log_err("note: already a rule: %s", text);
			continue;
		}
		if (next >= inst->info.max_rules) {
			log_err("no room for rule %u: this instance numbers rules below %u (pin it "
				"again with a larger --max-rules)",
				next, inst->info.max_rules);
			return -E2BIG;
		}
		log_debug("rule %u: %s", next, text);
		out[*n].nr = next++;
		out[(*n)++].rule = in->rules[i];
	}
	return 0;
}

/* The rules after --del: each one given must be there. */
static int rules_deleted(const struct xdp_inst *inst, const struct xdp_inst_rules *in,
			 struct xdp_nrule *out, size_t *n)
{
	bool *gone = calloc(inst->nrules + 1, sizeof(*gone));
	char text[256];
	int err = gone ? 0 : -ENOMEM;

	for (size_t i = 0; !err && i < in->n + in->nnrs; i++) {
		size_t j;

		for (j = 0; j < inst->nrules; j++)
			if (i < in->n ? xdp_rule_equal(&inst->rules[j].rule, &in->rules[i])
				      : inst->rules[j].nr == in->nrs[i - in->n])
				break;
		if (j < inst->nrules) {
			gone[j] = true;
			continue;
		}
		if (i < in->n)
			xdp_rule_text(&in->rules[i], 4, text, sizeof(text));
		else
			snprintf(text, sizeof(text), "%u", in->nrs[i - in->n]);
		log_err("invalid value '%s' for --del: no such rule on %s", text, inst->iface);
		err = -EINVAL;
	}
	for (size_t j = 0; !err && j < inst->nrules; j++)
		if (!gone[j])
			out[(*n)++] = inst->rules[j];
	free(gone);
	return err;
}

static int change_rules(struct xdp_inst *inst, enum xdp_inst_action a,
			const struct xdp_inst_rules *in)
{
	struct xdp_nrule *to = calloc(inst->nrules + in->n + 1, sizeof(*to));
	struct xdp_tables from = {}, t = {};
	size_t n = 0;
	int err = to ? 0 : -ENOMEM;

	if (!err)
		err = a == XDP_INST_ADD ? rules_added(inst, in, to, &n)
					: rules_deleted(inst, in, to, &n);
	if (!err)
		err = xdp_inst_build(inst->rules, inst->nrules, &from);
	if (!err)
		err = xdp_inst_build(to, n, &t);
	if (!err)
		err = xdp_maps_apply(&inst->maps, inst->rules, inst->nrules, &from, to, n, &t);
	if (err && err != -EINVAL && err != -E2BIG)
		log_err("cannot change the rules of %s: %s", inst->iface, strerror(-err));
	xdp_tables_free(&from);
	xdp_tables_free(&t);
	free(to); /* the rules themselves belong to inst and in */
	return err == -E2BIG ? -EINVAL : err;
}

static int refuse_detached(const struct xdp_inst *inst)
{
	char why[256];
	int err = xdp_inst_attached(inst, why, sizeof(why));

	if (err == -ENOLINK)
		log_err("the pinned xdpdrop of %s is detached: %s; --detach removes its pins",
			inst->iface, why);
	else if (err)
		log_err("cannot query the link of %s: %s", inst->iface, strerror(-err));
	return err;
}

int xdp_inst_pinned(const struct xdp_inst_cfg *cfg, enum xdp_inst_action a,
		    const struct xdp_inst_rules *in)
{
	struct xdp_inst inst;
	int err = xdp_inst_open(cfg->iface, &inst, XDP_PIN_CHANGE, a != XDP_INST_DETACH);

	/* Rules changed in maps that no program reads would filter nothing. */
	if (!err && a != XDP_INST_DETACH)
		err = refuse_detached(&inst);
	if (!err)
		err = a == XDP_INST_DETACH ? detach_pinned(&inst) : change_rules(&inst, a, in);
	xdp_inst_close(&inst);
	return err;
}
