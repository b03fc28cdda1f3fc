// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "lib/loader.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "tools/xdpdrop/inst.h"
#include "tools/xdpdrop/pin.h"

/* ---------------------------------------------------------------- rules --- */

/* --del's RULE given as a number: err is parse_decimal()'s for 1 to
 * XDPDROP_RULES_MAX - 1, which has 7 digits; more are refused too. */
static int rule_number(struct xdp_inst_rules *in, const char *arg, int err, uint64_t v)
{
	uint32_t *a = realloc(in->nrs, (in->nnrs + 1) * sizeof(*a));

	if (!a)
		return -ENOMEM;
	in->nrs = a;
	if (err || strlen(arg) > 7) {
		log_err("invalid value '%s' for RULE: no rule has that number", arg);
		return -EINVAL;
	}
	in->nrs[in->nnrs++] = v;
	return 0;
}

int xdp_inst_rule_arg(struct xdp_inst_rules *in, const char *arg, bool numbers)
{
	char err[XDP_ERR_LEN];
	struct xdp_rule r;
	uint64_t nr = 0;
	int e;

	/* Digits alone are a number, in range or not; anything else a rule. */
	e = numbers ? parse_decimal(arg, 1, XDPDROP_RULES_MAX - 1, &nr) : -EINVAL;
	if (e != -EINVAL)
		return rule_number(in, arg, e, nr);
	e = xdp_rule_parse(arg, &r, err, sizeof(err));
	if (e == 1) {
		log_err("invalid value '%s' for RULE: it holds no condition", arg);
		return -EINVAL;
	}
	if (e) {
		log_err("RULE '%s': %s", arg, err);
		return -EINVAL;
	}
	e = xdp_rules_push(&in->rules, &in->n, &r);
	xdp_rule_free(&r);
	return e;
}

int xdp_inst_rules_stream(struct xdp_inst_rules *in, FILE *f, const char *name)
{
	char err[XDP_ERR_LEN];
	int e = xdp_rules_read(f, name, &in->rules, &in->n, err, sizeof(err));

	if (e)
		log_err("%s", err);
	return e == -ENOMEM ? e : e ? -EINVAL : 0;
}

int xdp_inst_rules_file(struct xdp_inst_rules *in, const char *path)
{
	FILE *f = fopen(path, "re");
	int e;

	if (!f) {
		e = -errno;
		log_err("invalid value '%s' for -f/--file: %s", path, strerror(-e));
		return e == -ENOMEM ? e : -EINVAL;
	}
	e = xdp_inst_rules_stream(in, f, path);
	fclose(f);
	return e;
}

void xdp_inst_rules_free(struct xdp_inst_rules *in)
{
	for (size_t i = 0; i < in->n; i++)
		xdp_rule_free(&in->rules[i]);
	free(in->rules);
	free(in->nrs);
	memset(in, 0, sizeof(*in));
}

const struct xdp_rule *xdp_inst_rule(const struct xdp_inst *inst, uint32_t nr)
{
	size_t lo = 0, hi = inst->nrules;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (inst->rules[mid].nr == nr)
			return &inst->rules[mid].rule;
		if (inst->rules[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int xdp_inst_build(const struct xdp_nrule *rules, size_t n, struct xdp_tables *t)
{
	char err[XDP_ERR_LEN];
	int e = xdp_tables_build(rules, n, t, err, sizeof(err));

	if (e)
		log_err("%s", err);
	return e;
}

/* -------------------------------------------------------------- pinning --- */

const char *const *xdp_inst_pin_names(void)
{
	static const char *names[XDP_MAPS + 3];

	if (!names[0]) {
		for (int i = 0; i < XDP_MAPS; i++)
			names[i] = xdp_map_names[i];
		names[XDP_MAPS] = "link";
		names[XDP_MAPS + 1] = "prog";
	}
	return names;
}

static bool has_pins(const struct xdp_pin *p)
{
	struct stat st;

	for (const char *const *n = xdp_inst_pin_names(); *n; n++)
		if (!fstatat(p->fd, *n, &st, AT_SYMLINK_NOFOLLOW))
			return true;
	return false;
}

static int pin_all(struct xdp_inst *inst, int prog_fd)
{
	int err = xdp_maps_pin(&inst->maps, inst->pin.fd);

	if (!err)
		err = xdp_pin_put(&inst->pin, "link", inst->link_fd);
	if (!err)
		err = xdp_pin_put(&inst->pin, "prog", prog_fd);
	if (err) {
		log_err("cannot pin in %s: %s", inst->pin.path, strerror(-err));
		xdp_pin_clear(&inst->pin, xdp_inst_pin_names());
	}
	return err;
}

/* Pins left in the directory, whose program is no longer attached (the
 * interface went away, --force replaced it, or we replace it now), are
 * removed before new ones are made. */
static int clear_old_pins(struct xdp_inst *inst)
{
	int err;

	if (!has_pins(&inst->pin))
		return 0;
	log_err("note: removing the pins of an earlier xdpdrop in %s", inst->pin.path);
	err = xdp_pin_clear(&inst->pin, xdp_inst_pin_names());
	if (err)
		log_err("cannot remove the old pins in %s: %s", inst->pin.path, strerror(-err));
	return err;
}

/* ------------------------------------------------------------ attaching --- */

static struct xdp_nrule *numbered(const struct xdp_inst_rules *in)
{
	struct xdp_nrule *r = calloc(in->n ? in->n : 1, sizeof(*r));

	for (size_t i = 0; r && i < in->n; i++) {
		r[i].nr = i + 1;
		r[i].rule = in->rules[i]; /* shared, not copied */
	}
	return r;
}

static int configure(struct bpf_object *obj, const struct xdpdrop_info *info,
		     const struct xdp_tables *t)
{
	__u8 allow = info->allow, dry = info->dry_run, unparsed = info->unparsed_drop;
	uint32_t max = info->max_rules;
	int err = sonde_rodata_set(obj, "allow_policy", &allow, sizeof(allow));

	if (!err)
		err = sonde_rodata_set(obj, "dry_run", &dry, sizeof(dry));
	if (!err)
		err = sonde_rodata_set(obj, "unparsed_drop", &unparsed, sizeof(unparsed));
	if (!err)
		err = bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "rules"), max);
	if (!err)
		err = bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "hits"), max);
	if (!err)
		err = xdp_maps_size(obj, t);
	if (err)
		log_err("internal error: cannot configure the BPF object (%s)", strerror(-err));
	return err;
}

/* Rule numbers run below max: room for what was given, and for --add. */
static int rule_room(const struct xdp_inst_cfg *cfg, size_t n, uint32_t *max)
{
	char err[XDP_ERR_LEN];

	if (!xdp_rule_room(n, cfg->max_rules, max, err, sizeof(err)))
		return 0;
	log_err("%s", err);
	return -EINVAL;
}

/* The interface runs no XDP program, or --force lets us replace it. */
static int check_free(const struct xdp_inst_cfg *cfg, int ifindex, uint32_t *old)
{
	bool skb;
	int err = xdp_current(ifindex, old, &skb);

	if (err) {
		log_err("cannot query the XDP program of %s: %s", cfg->iface, strerror(-err));
		return err;
	}
	if (*old && !cfg->force) {
		log_err("%s already runs an XDP program (id %u, %s mode); --force replaces it",
			cfg->iface, *old, skb ? "skb" : "native");
		return -ENXIO; /* the interface is not available: exit 3 */
	}
	return 0;
}

static int load_rules(const struct sonde_opts *common, struct bpf_object_skeleton *s,
		      struct xdp_inst *inst, const struct xdp_tables *t)
{
	struct xdp_tables none = {};
	int err;

	err = configure(*s->obj, &inst->info, t);
	if (!err)
		err = sonde_load(s, common);
	if (err)
		return err;
	inst->obj = *s->obj;
	err = xdp_maps_of(*s->obj, &inst->maps);
	if (!err)
		err = xdp_maps_apply(&inst->maps, NULL, 0, &none, inst->rules, inst->nrules, t);
	if (err)
		log_err("cannot write the rules into the BPF maps: %s", strerror(-err));
	return err;
}

static int attach_now(const struct xdp_inst_cfg *cfg, struct xdp_inst *inst, uint32_t old,
		      int prog_fd)
{
	bool skb;
	int err;

	if (old && (err = xdp_detach_any(inst->info.ifindex))) {
		log_err("cannot detach the XDP program of %s: %s", cfg->iface, strerror(-err));
		return err;
	}
	if (cfg->pin && (err = clear_old_pins(inst)))
		return err;
	inst->link_fd = xdp_link_attach(prog_fd, inst->info.ifindex, cfg->iface, cfg->mode, &skb);
	if (inst->link_fd < 0)
		return inst->link_fd;
	inst->info.skb_mode = skb;
	err = xdp_maps_set_info(&inst->maps, &inst->info);
	if (!err && cfg->pin)
		err = pin_all(inst, prog_fd);
	if (!err && cfg->pin)
		log_debug("pinned in %s", inst->pin.path);
	return err;
}

/* --pin: the instance's directory, locked until the end (two at once would
 * each clear the other's pins); then the interface is checked again, as
 * another xdpdrop may have attached to it meanwhile. */
static int lock_pins(const struct xdp_inst_cfg *cfg, struct xdp_inst *inst, uint32_t *old)
{
	char path[PATH_MAX];
	int err = xdp_pin_open(&inst->pin, inst->info.ifindex, XDP_PIN_CREATE);

	if (!err)
		err = check_free(cfg, inst->info.ifindex, old);
	if (!err && xdp_pin_old(&inst->pin, cfg->iface, path, sizeof(path)))
		log_err("note: %s holds the pins of an earlier xdpdrop, kept by interface name (of "
			"this or another network namespace's %s): left alone",
			path, cfg->iface);
	return err;
}

/* The settings the instance keeps (info) and copies of its rules. */
static int inst_setup(const struct xdp_inst_cfg *cfg, const struct xdp_inst_rules *in,
		      struct xdp_inst *inst)
{
	struct timespec now;
	uint64_t netns = 0;
	int err = xdp_pin_netns(&netns);

	inst->info.netns = netns;
	clock_gettime(CLOCK_REALTIME, &now);
	inst->info.attached_ns = now.tv_sec * 1000000000ULL + now.tv_nsec;
	inst->info.allow = cfg->allow;
	inst->info.dry_run = cfg->dry_run;
	/* An allow list fails closed: what it cannot judge is dropped. */
	inst->info.unparsed_drop = cfg->unparsed == XDP_UNPARSED_DROP ||
				   (cfg->unparsed == XDP_UNPARSED_AUTO && cfg->allow);
	snprintf(inst->info.iface, sizeof(inst->info.iface), "%s", cfg->iface);
	inst->info.last_rule = in->n;
	if (!err && !(inst->rules = calloc(in->n ? in->n : 1, sizeof(*inst->rules))))
		err = -ENOMEM;
	for (size_t i = 0; !err && i < in->n; i++) {
		err = xdp_rule_copy(&inst->rules[i].rule, &in->rules[i]);
		inst->rules[i].nr = i + 1;
		inst->nrules += !err;
	}
	return err;
}

void xdp_inst_init(struct xdp_inst *inst, const char *iface)
{
	memset(inst, 0, sizeof(*inst));
	inst->link_fd = -1;
	xdp_pin_init(&inst->pin);
	snprintf(inst->iface, sizeof(inst->iface), "%s", iface);
}

int xdp_inst_attached(const struct xdp_inst *inst, char *why, size_t len)
{
	if (inst->link_fd < 0) {
		snprintf(why, len, "its link is no longer pinned (%s/link was removed)",
			 inst->pin.path);
		return -ENOLINK;
	}
	return xdp_link_attached(inst->link_fd, inst->info.ifindex, why, len);
}

int xdp_inst_attach(const struct xdp_inst_cfg *cfg, const struct sonde_opts *common,
		    const struct xdp_inst_rules *in, struct bpf_object_skeleton *s,
		    struct xdp_inst *inst)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(*s->obj, "xdpdrop");
	struct xdp_nrule *rules = numbered(in);
	struct xdp_tables t = {};
	uint32_t old = 0;
	int err;

	xdp_inst_init(inst, cfg->iface);
	if (!rules || !prog) {
		free(rules);
		return -ENOMEM;
	}
	/* Every rule is checked before anything is attached. */
	err = rule_room(cfg, in->n, &inst->info.max_rules);
	if (!err)
		err = xdp_inst_build(rules, in->n, &t);
	if (!err && (err = xdp_ifindex(cfg->iface)) > 0) {
		inst->info.ifindex = err;
		err = check_free(cfg, inst->info.ifindex, &old);
	}
	if (!err && cfg->pin)
		err = lock_pins(cfg, inst, &old);
	if (!err)
		err = inst_setup(cfg, in, inst);
	if (!err)
		err = load_rules(common, s, inst, &t);
	if (!err)
		err = attach_now(cfg, inst, old, bpf_program__fd(prog));
	xdp_tables_free(&t);
	free(rules);
	return err;
}
