// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "common/stream.h"
#include "lib/btfsrc.h"
#include "lib/evloop.h"
#include "lib/filter.h"
#include "lib/log.h"
#include "lib/loader.h"
#include "lib/probe.h"

/* Links closed at once by sonde_detach(). */
#define SONDE_DETACH_THREADS 32

/* The kernel's own ENOTSUPP, which no C library names: arm64's 6.1 answers
 * an fexit attach with it (no BPF trampolines on kernel functions there). */
#define SONDE_ENOTSUPP 524

/* The internal map of section sec (".rodata", ".bss"), or NULL. */
static struct bpf_map *section_map(struct bpf_object *obj, const char *sec)
{
	size_t s = strlen(sec);
	struct bpf_map *map;

	bpf_object__for_each_map (map, obj) {
		const char *mname = bpf_map__name(map);
		size_t n = strlen(mname);

		if (bpf_map__is_internal(map) && n >= s && !strcmp(mname + n - s, sec))
			return map;
	}
	return NULL;
}

/* Where the global variable `name` of section secname lives: the memory
 * that a skeleton's ->rodata or ->bss points to (writable before load, and
 * for .bss the kernel's own map after it). NULL when absent (-ENOENT) or
 * of another size (-EINVAL), in *err. */
static void *global_at(struct bpf_object *obj, const char *secname, const char *name, size_t size,
		       int *err)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *map;
	size_t map_size;
	void *data;
	int id;

	*err = -ENOENT;
	if (!btf)
		return NULL;
	id = btf__find_by_name_kind(btf, secname, BTF_KIND_DATASEC);
	if (id < 0)
		return NULL;
	sec = btf__type_by_id(btf, id);
	map = section_map(obj, secname);
	/* libbpf 1.1 declares the initial value const. */
	if (!map || !(data = (void *)bpf_map__initial_value(map, &map_size)))
		return NULL;
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), name))
			continue;
		if (vs->size != size || vs->offset + size > map_size) {
			*err = -EINVAL;
			return NULL;
		}
		*err = 0;
		return (char *)data + vs->offset;
	}
	return NULL;
}

int sonde_global_set(struct bpf_object *obj, const char *secname, const char *name, const void *val,
		     size_t size)
{
	int err;
	void *at = global_at(obj, secname, name, size, &err);

	if (at)
		memcpy(at, val, size);
	return err;
}

int sonde_global_get(struct bpf_object *obj, const char *secname, const char *name, void *val,
		     size_t size)
{
	int err;
	const void *at = global_at(obj, secname, name, size, &err);

	if (at)
		memcpy(val, at, size);
	return err;
}

int sonde_rodata_set(struct bpf_object *obj, const char *name, const void *val, size_t size)
{
	return sonde_global_set(obj, ".rodata", name, val, size);
}

int sonde_ringbuf_size(struct bpf_object *obj, size_t bytes)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, STREAM_NAME(STREAM_EVENTS));
	__u64 wakeup = bytes / 4;

	if (!map)
		return -ENOENT;
	/* Where the reader is woken early (bpf/lib/stream.bpf.h). */
	sonde_rodata_set(obj, STREAM_NAME(STREAM_WAKEUP_BYTES), &wakeup, sizeof(wakeup));
	return bpf_map__set_max_entries(map, bytes);
}

/* The events' transport: the BPF ring buffer, or, where the kernel has none
 * or SONDE_OUTPUT=perfbuf asks for it, a per-CPU perf event array in its
 * place (bpf/lib/stream.bpf.h). */
static int pick_transport(struct bpf_object *obj)
{
	struct bpf_map *events = bpf_object__find_map_by_name(obj, STREAM_NAME(STREAM_EVENTS));
	const char *want = getenv("SONDE_OUTPUT");
	bool yes = true;
	int err;

	if (!events || !bpf_map__autocreate(events))
		return 0;
	if (want && strcmp(want, "perfbuf") && strcmp(want, "ringbuf")) {
		log_err("SONDE_OUTPUT: '%s' is neither ringbuf nor perfbuf", want);
		return -EINVAL;
	}
	if (want && !strcmp(want, "ringbuf") && !probe_ringbuf()) {
		log_err("SONDE_OUTPUT: this kernel has no BPF ring buffer (Linux 5.8 or later)");
		return -ENOTSUP;
	}
	if (want ? strcmp(want, "perfbuf") : probe_ringbuf())
		return 0;
	log_debug("events through a perf buffer");
	/* max_entries 0: libbpf makes one entry per possible CPU. */
	err = bpf_map__set_type(events, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	if (!err)
		err = bpf_map__set_key_size(events, sizeof(int));
	if (!err)
		err = bpf_map__set_value_size(events, sizeof(int));
	if (!err)
		err = bpf_map__set_max_entries(events, 0);
	if (!err)
		err = sonde_rodata_set(obj, STREAM_NAME(STREAM_PERFBUF), &yes, sizeof(yes));
	if (err)
		log_err("cannot set up the perf buffer: %s", strerror(-err));
	return err;
}

/* The capabilities (enum probe_cap) the object's programs to load take. */
static unsigned caps_needed(struct bpf_object *obj)
{
	struct bpf_program *prog;
	/* Every program: the verifier lets a program subtract pointers (a
	 * packet's length from its bounds, xdpdrop) or leak them only with
	 * CAP_PERFMON ("R6 pointer -= pointer prohibited" with CAP_BPF and
	 * CAP_NET_ADMIN alone). */
	unsigned caps = PROBE_CAP_BPF | PROBE_CAP_PERFMON;

	bpf_object__for_each_program (prog, obj) {
		if (!bpf_program__autoload(prog))
			continue;
		switch (bpf_program__type(prog)) {
		case BPF_PROG_TYPE_XDP:
		case BPF_PROG_TYPE_SCHED_CLS:
		case BPF_PROG_TYPE_SCHED_ACT:
		case BPF_PROG_TYPE_CGROUP_SKB:
		case BPF_PROG_TYPE_CGROUP_SOCK:
		case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
		case BPF_PROG_TYPE_SOCK_OPS:
			caps |= PROBE_CAP_NET_ADMIN;
			break;
		default:
			break;
		}
	}
	return caps;
}

/* The kernel's "not permitted", said as what this process lacks: the
 * capabilities the programs take that it does not hold, or, holding them
 * all, why they do not count. -EPERM. */
static int not_permitted(struct bpf_object *obj, const char *what)
{
	unsigned need = caps_needed(obj), missing = probe_caps_missing(need);
	char need_s[64], missing_s[64];

	probe_caps_text(need, need_s, sizeof(need_s));
	if (missing)
		log_err("not permitted to %s: this process lacks %s (run as root, or with %s)",
			what, probe_caps_text(missing, missing_s, sizeof(missing_s)), need_s);
	else if (probe_in_user_ns())
		log_err("not permitted to %s: the capabilities of a user namespace do not count "
			"for BPF (run as root, or with %s, in the initial user namespace)",
			what, need_s);
	else
		log_err("not permitted to %s, though this process has %s: a security module or "
			"the kernel's lockdown forbids it",
			what, need_s);
	return -EPERM;
}

/* A program of the kind the kernel refuses when it lacks the feature (BPF
 * trampolines for fentry/fexit, kprobes): its section, or NULL. */
static const char *optional_hook(struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program (prog, obj) {
		enum bpf_prog_type t = bpf_program__type(prog);

		if (bpf_program__autoload(prog) &&
		    (t == BPF_PROG_TYPE_TRACING || t == BPF_PROG_TYPE_KPROBE))
			return bpf_program__section_name(prog);
	}
	return NULL;
}

static int load_failed(struct bpf_object *obj, int err)
{
	const char *hook;

	if (err == -EPERM || err == -EACCES) {
		/* Privileged, a kernel without BPF trampolines refuses fentry
		 * with EPERM: the hook is what is missing. */
		hook = err == -EPERM ? optional_hook(obj) : NULL;
		if (hook && !probe_caps_missing(caps_needed(obj))) {
			log_err("hook %s is not available on this kernel: %s", hook,
				strerror(-err));
			return -ENOTSUP;
		}
		/* EACCES is the verifier's too: it refuses what it allows
		 * only with CAP_PERFMON. */
		if (err == -EPERM || probe_caps_missing(caps_needed(obj)))
			return not_permitted(obj, "load BPF programs");
	}
	log_err("the kernel refused to load the BPF programs: %s%s", strerror(-err),
		log_verbose() ? "" : " (-v shows the verifier log)");
	return -ENOTSUP;
}

int sonde_load(struct bpf_object_skeleton *s, const struct sonde_opts *o)
{
	bool yes = true;
	int err;

	/* Here, where every run that loads begins, not at parse time: from here
	 * on the run makes programs, links and pins, and a Ctrl-C must not cut
	 * an attach or a pin in half. SIGINT and SIGTERM wait for the event
	 * loop's signalfd, which ends the run through its teardown. */
	evloop_signals_init();
	err = btfsrc_require(o);
	if (!err)
		err = btfsrc_pick_programs(*s->obj);
	if (!err)
		err = filter_rodata_write(*s->obj, o);
	if (err)
		return err;
	/* Tools without an event buffer (interval tools) have nothing to size. */
	if (o->buffer_kib && sonde_ringbuf_size(*s->obj, (size_t)o->buffer_kib * 1024) == 0)
		log_debug("event buffer: %u KiB", o->buffer_kib);
	err = pick_transport(*s->obj);
	if (err)
		return err;
	if (o->out.line_buffered)
		sonde_rodata_set(*s->obj, STREAM_NAME(STREAM_WAKE_IDLE), &yes, sizeof(yes));
	err = bpf_object__load_skeleton(s);
	if (err)
		return load_failed(*s->obj, err);
	return filter_map_fill(*s->obj, o);
}

static bool needs_tracefs(struct bpf_program *prog)
{
	return bpf_program__autoload(prog) &&
	       (bpf_program__type(prog) == BPF_PROG_TYPE_TRACEPOINT ||
		bpf_program__type(prog) == BPF_PROG_TYPE_KPROBE);
}

static int attach_failed(struct bpf_object *obj, struct bpf_program *prog, int err)
{
	const char *hook = bpf_program__section_name(prog);
	char what[160];

	if (err == -EPERM || err == -EACCES) {
		snprintf(what, sizeof(what), "attach to %s", hook);
		return not_permitted(obj, what);
	}
	if (err == -SONDE_ENOTSUPP) {
		log_err("hook %s is not available on this kernel: not supported here", hook);
		return -ENOTSUP;
	}
	if (err == -ENOENT || err == -EOPNOTSUPP || err == -ENODEV || err == -EINVAL) {
		log_err("hook %s is not available on this kernel: %s", hook, strerror(-err));
		return -ENOTSUP;
	}
	log_err("cannot attach to %s: %s", hook, strerror(-err));
	return err;
}

/* The kernel's ID of a loaded program: tests and scripts match it with what
 * bpftool and /proc/PID/fdinfo show. 0 when it cannot be read. */
static uint32_t prog_id_of(const struct bpf_program *prog)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return 0;
	return info.id;
}

/* A program in a section without a hook, SEC("tracepoint"): the target of
 * tail calls from programs that have one (filelife's). */
static bool tail_call_target(const struct bpf_program *prog)
{
	return !strcmp(bpf_program__section_name(prog), "tracepoint");
}

int sonde_attach(struct bpf_object_skeleton *s)
{
	int err, n = 0;

	for (int i = 0; i < s->prog_cnt; i++) {
		if (needs_tracefs(*s->progs[i].prog)) {
			/* It says why it failed. */
			err = tracefs_ensure();
			if (err == -EPERM || err == -EACCES)
				return -EPERM;
			if (err)
				return -ENOTSUP;
			break;
		}
	}
	for (int i = 0; i < s->prog_cnt; i++) {
		struct bpf_program *prog = *s->progs[i].prog;
		struct bpf_link *link;

		/* A program the tool attaches itself (profile's perf events),
		 * or one that tail calls reach (its section names no hook). */
		if (!bpf_program__autoload(prog) || !bpf_program__autoattach(prog) ||
		    tail_call_target(prog))
			continue;
		link = bpf_program__attach(prog);
		if (!link)
			return attach_failed(*s->obj, prog, -errno);
		*s->progs[i].link = link;
		log_debug("attached %s (program %u)", bpf_program__section_name(prog),
			  prog_id_of(prog));
		n++;
	}
	log_debug("attached %d programs", n);
	return 0;
}

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

/* Closes up to SONDE_DETACH_THREADS links concurrently. */
static void detach_batch(struct bpf_link ***links, int n)
{
	pthread_t th[SONDE_DETACH_THREADS];
	bool threaded[SONDE_DETACH_THREADS];

	for (int j = 0; j < n; j++) {
		threaded[j] = !pthread_create(&th[j], NULL, destroy_link, *links[j]);
		/* Without a thread, this one is closed here. */
		if (!threaded[j])
			bpf_link__destroy(*links[j]);
	}
	for (int j = 0; j < n; j++) {
		if (threaded[j])
			pthread_join(th[j], NULL);
		*links[j] = NULL;
	}
}

void sonde_detach(struct bpf_object_skeleton *s)
{
	struct bpf_link **links[SONDE_DETACH_THREADS];
	int n = 0;

	for (int i = 0; i < s->prog_cnt; i++) {
		if (!*s->progs[i].link)
			continue;
		links[n++] = s->progs[i].link;
		if (n == SONDE_DETACH_THREADS) {
			detach_batch(links, n);
			n = 0;
		}
	}
	detach_batch(links, n);
}
