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

/* What a pin directory holds besides the maps. */
static const char *const pin_extra[] = { "link", "prog" };

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

/* Compiles rules, or says in one line why they cannot be. */
static int build(const struct xdp_nrule *rules, size_t n, struct xdp_tables *t)
{
	char err[XDP_ERR_LEN];
	int e = xdp_tables_build(rules, n, t, err, sizeof(err));

	if (e)
		log_err("%s", err);
	return e;
}

/* -------------------------------------------------------------- pinning --- */

static void pin_dir(const char *iface, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", XDP_INST_PIN_ROOT, iface);
}

static int remove_pins(const char *dir)
{
	const char *names[XDP_MAPS + 3];
	int n = 0;

	for (int i = 0; i < XDP_MAPS; i++)
		names[n++] = xdp_map_names[i];
	names[n++] = pin_extra[0];
	names[n++] = pin_extra[1];
	names[n] = NULL;
	return bpffs_remove(dir, names, SONDE_BPFFS);
}

static int pin_all(struct xdp_inst *inst, int prog_fd, const char *dir)
{
	char path[512];
	int err = bpffs_mkdirs(dir);

	if (!err)
		err = xdp_maps_pin(&inst->maps, dir);
	snprintf(path, sizeof(path), "%s/link", dir);
	if (!err && bpf_obj_pin(inst->link_fd, path))
		err = -errno;
	snprintf(path, sizeof(path), "%s/prog", dir);
	if (!err && bpf_obj_pin(prog_fd, path))
		err = -errno;
	if (err) {
		log_err("cannot pin under %s: %s", dir, strerror(-err));
		remove_pins(dir);
	}
	return err;
}

/* A pin directory whose program is no longer attached (the interface went
 * away, or --force replaced it) is removed before a new one is made. */
static int clear_old_pins(const char *dir)
{
	struct stat st;

	if (stat(dir, &st))
		return 0;
	log_err("note: removing the pins of an earlier xdpdrop in %s", dir);
	return remove_pins(dir);
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
	char dir[256];
	bool skb;
	int err;

	pin_dir(cfg->iface, dir, sizeof(dir));
	if (cfg->pin && (err = bpffs_ensure()))
		return err;
	if (old && (err = xdp_detach_any(inst->info.ifindex))) {
		log_err("cannot detach the XDP program of %s: %s", cfg->iface, strerror(-err));
		return err;
	}
	if (cfg->pin && (err = clear_old_pins(dir))) {
		log_err("cannot remove the old pins in %s: %s", dir, strerror(-err));
		return err;
	}
	inst->link_fd = xdp_link_attach(prog_fd, inst->info.ifindex, cfg->iface, cfg->mode, &skb);
	if (inst->link_fd < 0)
		return inst->link_fd;
	inst->info.skb_mode = skb;
	err = xdp_maps_set_info(&inst->maps, &inst->info);
	if (!err && cfg->pin)
		err = pin_all(inst, prog_fd, dir);
	if (!err && cfg->pin)
		log_debug("pinned under %s", dir);
	return err;
}

int xdp_inst_attach(const struct xdp_inst_cfg *cfg, const struct sonde_opts *common,
		    const struct xdp_inst_rules *in, struct bpf_object_skeleton *s,
		    struct xdp_inst *inst)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(*s->obj, "xdpdrop");
	struct xdp_nrule *rules = numbered(in);
	struct xdp_tables t = {};
	struct timespec now;
	uint32_t old = 0;
	int err;

	memset(inst, 0, sizeof(*inst));
	inst->link_fd = inst->dir_fd = -1;
	snprintf(inst->iface, sizeof(inst->iface), "%s", cfg->iface);
	if (!rules || !prog) {
		free(rules);
		return -ENOMEM;
	}
	/* Every rule is checked before anything is attached. */
	err = rule_room(cfg, in->n, &inst->info.max_rules);
	if (!err)
		err = build(rules, in->n, &t);
	if (!err && (err = xdp_ifindex(cfg->iface)) > 0) {
		inst->info.ifindex = err;
		err = check_free(cfg, inst->info.ifindex, &old);
	}
	clock_gettime(CLOCK_REALTIME, &now);
	inst->info.attached_ns = now.tv_sec * 1000000000ULL + now.tv_nsec;
	inst->info.allow = cfg->allow;
	inst->info.dry_run = cfg->dry_run;
	/* An allow list fails closed: what it cannot judge is dropped. */
	inst->info.unparsed_drop = cfg->unparsed == XDP_UNPARSED_DROP ||
				   (cfg->unparsed == XDP_UNPARSED_AUTO && cfg->allow);
	/* The instance keeps copies of the rules for its output. */
	if (!err && !(inst->rules = calloc(in->n ? in->n : 1, sizeof(*inst->rules))))
		err = -ENOMEM;
	for (size_t i = 0; !err && i < in->n; i++) {
		err = xdp_rule_copy(&inst->rules[i].rule, &in->rules[i]);
		inst->rules[i].nr = i + 1;
		inst->nrules += !err;
	}
	if (!err)
		err = load_rules(common, s, inst, &t);
	if (!err)
		err = attach_now(cfg, inst, old, bpf_program__fd(prog));
	xdp_tables_free(&t);
	free(rules);
	return err;
}

/* --------------------------------------------------------------- pinned --- */

int xdp_inst_open(const char *iface, struct xdp_inst *inst, bool read)
{
	char dir[256];
	int err;

	memset(inst, 0, sizeof(*inst));
	inst->link_fd = -1;
	snprintf(inst->iface, sizeof(inst->iface), "%s", iface);
	pin_dir(iface, dir, sizeof(dir));
	inst->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (inst->dir_fd < 0) {
		err = -errno;
		if (err == -ENOENT)
			log_err("no pinned xdpdrop for %s (nothing in %s)", iface, dir);
		else
			log_err("cannot open %s: %s", dir, strerror(-err));
		return err;
	}
	/* One change at a time: each reads the rules, then writes. */
	if (flock(inst->dir_fd, LOCK_EX))
		return -errno;
	/* --detach removes what is there, even pins left half made. */
	if (!read)
		return 0;
	err = xdp_maps_open(dir, &inst->maps);
	if (!err)
		err = xdp_maps_info(&inst->maps, &inst->info);
	if (!err)
		err = xdp_maps_read_rules(&inst->maps, &inst->rules, &inst->nrules);
	if (err)
		log_err("cannot read the pinned xdpdrop in %s: %s", dir, strerror(-err));
	return err;
}

void xdp_inst_close(struct xdp_inst *inst)
{
	if (inst->link_fd >= 0)
		close(inst->link_fd);
	if (inst->dir_fd >= 0)
		close(inst->dir_fd);
	inst->link_fd = inst->dir_fd = -1;
	xdp_maps_close(&inst->maps);
	xdp_nrules_free(inst->rules, inst->nrules);
	inst->rules = NULL;
	inst->nrules = 0;
}

static int detach_pinned(struct xdp_inst *inst)
{
	char dir[256], path[300];
	int fd, err;

	pin_dir(inst->iface, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/link", dir);
	fd = bpf_obj_get(path);
	/* A link whose interface went away is detached already. */
	if (fd >= 0 && bpf_link_detach(fd) && errno != ENOLINK && errno != EINVAL)
		log_err("note: detaching %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	err = remove_pins(dir);
	if (err)
		log_err("cannot remove the pins in %s: %s", dir, strerror(-err));
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
		err = build(inst->rules, inst->nrules, &from);
	if (!err)
		err = build(to, n, &t);
	if (!err)
		err = xdp_maps_apply(&inst->maps, inst->rules, inst->nrules, &from, to, n, &t);
	if (err && err != -EINVAL && err != -E2BIG)
		log_err("cannot change the rules of %s: %s", inst->iface, strerror(-err));
	xdp_tables_free(&from);
	xdp_tables_free(&t);
	free(to); /* the rules themselves belong to inst and in */
	return err == -E2BIG ? -EINVAL : err;
}

int xdp_inst_pinned(const struct xdp_inst_cfg *cfg, enum xdp_inst_action a,
		    const struct xdp_inst_rules *in)
{
	struct xdp_inst inst;
	int err = xdp_inst_open(cfg->iface, &inst, a != XDP_INST_DETACH);

	if (!err)
		err = a == XDP_INST_DETACH ? detach_pinned(&inst) : change_rules(&inst, a, in);
	xdp_inst_close(&inst);
	return err;
}
