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
#include "tools/xdpdrop/edit.h"
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

int xdp_inst_open(const char *iface, struct xdp_inst *inst, enum xdp_pin_how how,
		  enum xdp_inst_read read)
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
	if (err || read == XDP_READ_NONE)
		return err;
	err = xdp_maps_open(inst->pin.fd, &inst->maps);
	if (!err)
		err = xdp_maps_info(&inst->maps, &inst->info);
	if (!err && read == XDP_READ_RULES)
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

/* The rules one --add wrote (numbers, and indexes into its rules),
 * deleted again when a later one cannot be. */
struct added {
	uint32_t *nr;
	size_t *i;
	size_t n;
};

/* One rule of --add, numbered next: noted and skipped when the instance
 * has it already. */
static int add_one(struct xdp_inst *inst, const struct xdp_inst_rules *in, size_t i, uint32_t *next,
		   struct added *ad)
{
	const struct xdp_rule *r = &in->rules[i];
	char text[256], why[XDP_ERR_LEN];
	uint32_t nr = 0;
	int err = xdp_edit_find(&inst->maps, r, &nr);

	xdp_rule_text(r, 4, text, sizeof(text));
	if (!err && nr) {
		log_err("note: already a rule: %s", text);
		return 0;
	}
	if (!err && *next >= inst->info.max_rules) {
		log_err("no room for rule %u: this instance numbers rules below %u (pin it again "
			"with a larger --max-rules)",
			*next, inst->info.max_rules);
		return -E2BIG;
	}
	if (!err)
		err = xdp_edit_add(&inst->maps, *next, r, why, sizeof(why));
	if (err == -EINVAL)
		log_err("%s", why);
	else if (err == -ENOSPC)
		log_err("no room for the prefixes of rule %u: the tables of %s are full (pin it "
			"again to make room)",
			*next, inst->iface);
	/* A rule written half way goes again. */
	if (err && err != -EINVAL)
		xdp_edit_del(&inst->maps, *next, r);
	if (err)
		return err == -ENOSPC ? -EINVAL : err;
	log_debug("rule %u: %s", *next, text);
	ad->nr[ad->n] = *next;
	ad->i[ad->n++] = i;
	(*next)++;
	return 0;
}

/* --add: each new rule numbered after the last; all of them, or none. */
static int add_rules(struct xdp_inst *inst, const struct xdp_inst_rules *in)
{
	struct added ad = { calloc(in->n + 1, sizeof(*ad.nr)), calloc(in->n + 1, sizeof(*ad.i)),
			    0 };
	uint32_t last = 0, next;
	int err = ad.nr && ad.i ? 0 : -ENOMEM;

	if (!err)
		err = xdp_edit_last(&inst->maps, inst->info.last_rule, &last);
	next = last + 1;
	for (size_t i = 0; !err && i < in->n; i++)
		err = add_one(inst, in, i, &next, &ad);
	while (err && ad.n--)
		xdp_edit_del(&inst->maps, ad.nr[ad.n], &in->rules[ad.i[ad.n]]);
	if (!err && next - 1 > inst->info.last_rule) {
		inst->info.last_rule = next - 1;
		err = xdp_maps_set_info(&inst->maps, &inst->info);
	}
	free(ad.nr);
	free(ad.i);
	return err;
}

/* A rule --del names: by its number or by its text. */
struct target {
	uint32_t nr;
	struct xdp_rule rule;
	bool owned; /* rule was read here (by number) */
};

static int find_target(const struct xdp_inst *inst, const struct xdp_inst_rules *in, size_t i,
		       struct target *t)
{
	char text[256];
	int err;

	if (i < in->n) {
		err = xdp_edit_find(&inst->maps, &in->rules[i], &t->nr);
		t->rule = in->rules[i];
	} else {
		t->nr = in->nrs[i - in->n];
		err = xdp_edit_rule(&inst->maps, t->nr, &t->rule);
		t->owned = !err;
		if (err == -ENOENT)
			t->nr = err = 0;
	}
	if (err || t->nr)
		return err;
	if (i < in->n)
		xdp_rule_text(&in->rules[i], 4, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "%u", in->nrs[i - in->n]);
	log_err("invalid value '%s' for --del: no such rule on %s", text, inst->iface);
	return -EINVAL;
}

/* --del: every rule given is found before any is deleted. */
static int del_rules(const struct xdp_inst *inst, const struct xdp_inst_rules *in)
{
	size_t n = in->n + in->nnrs;
	struct target *t = calloc(n + 1, sizeof(*t));
	int err = t ? 0 : -ENOMEM;

	for (size_t i = 0; !err && i < n; i++)
		err = find_target(inst, in, i, &t[i]);
	for (size_t i = 0; !err && i < n; i++) {
		bool again = false;

		for (size_t j = 0; j < i; j++)
			again |= t[j].nr == t[i].nr;
		if (!again)
			err = xdp_edit_del(&inst->maps, t[i].nr, &t[i].rule);
	}
	for (size_t i = 0; t && i < n; i++)
		if (t[i].owned)
			xdp_rule_free(&t[i].rule);
	free(t);
	return err;
}

static int change_rules(struct xdp_inst *inst, enum xdp_inst_action a,
			const struct xdp_inst_rules *in)
{
	int err = a == XDP_INST_ADD ? add_rules(inst, in) : del_rules(inst, in);

	if (err && err != -EINVAL && err != -E2BIG)
		log_err("cannot change the rules of %s: %s", inst->iface, strerror(-err));
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
	int err = xdp_inst_open(cfg->iface, &inst, XDP_PIN_CHANGE,
				a == XDP_INST_DETACH ? XDP_READ_NONE : XDP_READ_MAPS);

	/* Rules changed in maps that no program reads would filter nothing. */
	if (!err && a != XDP_INST_DETACH)
		err = refuse_detached(&inst);
	if (!err)
		err = a == XDP_INST_DETACH ? detach_pinned(&inst) : change_rules(&inst, a, in);
	xdp_inst_close(&inst);
	return err;
}
