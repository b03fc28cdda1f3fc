// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "common/stream.h"
#include "lib/evloop.h"
#include "lib/filter.h"
#include "lib/log.h"
#include "lib/loader.h"
#include "lib/probe.h"

/* Links closed at once by sonde_detach(). */
#define SONDE_DETACH_THREADS 32

#define PRIV_HINT "run as root, or with CAP_BPF and CAP_PERFMON"

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

static int load_failed(int err)
{
	if (err == -EPERM || (err == -EACCES && !probe_privileged())) {
		log_err("not permitted to load BPF programs: %s", PRIV_HINT);
		return -EPERM;
	}
	if (!probe_ringbuf()) {
		log_err("this kernel has no BPF ring buffer (Linux 5.8 or later is needed)");
		return -ENOTSUP;
	}
	log_err("the kernel refused to load the BPF programs: %s%s", strerror(-err),
		log_verbose() ? "" : " (-v shows the verifier log)");
	return -ENOTSUP;
}

int sonde_load(struct bpf_object_skeleton *s, const struct sonde_opts *o)
{
	int err;

	/* Here, where every run that loads begins, not at parse time: from here
	 * on the run makes programs, links and pins, and a Ctrl-C must not cut
	 * an attach or a pin in half. SIGINT and SIGTERM wait for the event
	 * loop's signalfd, which ends the run through its teardown. */
	evloop_signals_init();
	if (!probe_btf()) {
		log_err("kernel BTF not found at %s: a kernel built with CONFIG_DEBUG_INFO_BTF "
			"is needed",
			SONDE_BTF_PATH);
		return -ENOTSUP;
	}
	err = filter_rodata_write(*s->obj, o);
	if (err)
		return err;
	/* Tools without an event buffer (interval tools) have nothing to size. */
	if (o->buffer_kib && sonde_ringbuf_size(*s->obj, (size_t)o->buffer_kib * 1024) == 0)
		log_debug("event buffer: %u KiB", o->buffer_kib);
	err = bpf_object__load_skeleton(s);
	if (err)
		return load_failed(err);
	return filter_map_fill(*s->obj, o);
}

static bool needs_tracefs(struct bpf_program *prog)
{
	return bpf_program__autoload(prog) &&
	       (bpf_program__type(prog) == BPF_PROG_TYPE_TRACEPOINT ||
		bpf_program__type(prog) == BPF_PROG_TYPE_KPROBE);
}

static int attach_failed(struct bpf_program *prog, int err)
{
	const char *hook = bpf_program__section_name(prog);

	if (err == -EPERM || err == -EACCES) {
		log_err("not permitted to attach to %s: %s", hook, PRIV_HINT);
		return -EPERM;
	}
	if (err == -ENOENT || err == -EOPNOTSUPP || err == -ENODEV || err == -EINVAL) {
		log_err("this kernel has no usable hook %s: %s", hook, strerror(-err));
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

int sonde_attach(struct bpf_object_skeleton *s)
{
	int err, n = 0;

	for (int i = 0; i < s->prog_cnt; i++) {
		if (needs_tracefs(*s->progs[i].prog)) {
			err = tracefs_ensure();
			if (err == -EPERM || err == -EACCES)
				return attach_failed(*s->progs[i].prog, err);
			if (err)
				return -ENOTSUP;
			break;
		}
	}
	for (int i = 0; i < s->prog_cnt; i++) {
		struct bpf_program *prog = *s->progs[i].prog;
		struct bpf_link *link;

		/* A program the tool attaches itself (profile's perf events). */
		if (!bpf_program__autoload(prog) || !bpf_program__autoattach(prog))
			continue;
		link = bpf_program__attach(prog);
		if (!link)
			return attach_failed(prog, -errno);
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
