// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The stacks as a pprof profile (lib/stack.h): the protobuf messages of
 * pprof's profile.proto, written by hand (a varint, a length, bytes), then
 * gzipped with zlib, as `go tool pprof` reads them. One Function (and one
 * Location) per distinct frame name and file, one Mapping per file; a
 * Sample per stack, its locations innermost first, the kernel's before the
 * user's, labelled with the process (pid, comm; tid; the cgroup). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "lib/cgroup.h"
#include "lib/stack.h"

/* profile.proto's field numbers. */
enum {
	PROFILE_SAMPLE_TYPE = 1,
	PROFILE_SAMPLE = 2,
	PROFILE_MAPPING = 3,
	PROFILE_LOCATION = 4,
	PROFILE_FUNCTION = 5,
	PROFILE_STRING_TABLE = 6,
	PROFILE_TIME_NANOS = 9,
	PROFILE_DURATION_NANOS = 10,
	PROFILE_PERIOD_TYPE = 11,
	PROFILE_PERIOD = 12,
	VALUE_TYPE_TYPE = 1,
	VALUE_TYPE_UNIT = 2,
	SAMPLE_LOCATION_ID = 1,
	SAMPLE_VALUE = 2,
	SAMPLE_LABEL = 3,
	LABEL_KEY = 1,
	LABEL_STR = 2,
	LABEL_NUM = 3,
	MAPPING_ID = 1,
	MAPPING_FILENAME = 5,
	MAPPING_HAS_FUNCTIONS = 7,
	LOCATION_ID = 1,
	LOCATION_MAPPING_ID = 2,
	LOCATION_LINE = 4,
	LINE_FUNCTION_ID = 1,
	FUNCTION_ID = 1,
	FUNCTION_NAME = 2,
	FUNCTION_SYSTEM_NAME = 3,
	FUNCTION_FILENAME = 4,
};

enum { WIRE_VARINT = 0, WIRE_LEN = 2 };

/* A growing buffer of protobuf bytes; oom once an append failed. */
struct pb {
	unsigned char *b;
	size_t n, cap;
	bool oom;
};

static void pb_raw(struct pb *p, const void *d, size_t len)
{
	if (!len)
		return;
	if (p->oom || sym_grow((void **)&p->b, &p->cap, p->n + len, 1)) {
		p->oom = true;
		return;
	}
	memcpy(p->b + p->n, d, len);
	p->n += len;
}

static void pb_varint(struct pb *p, uint64_t v)
{
	unsigned char buf[10];
	size_t n = 0;

	do {
		buf[n++] = (v & 0x7f) | (v > 0x7f ? 0x80 : 0);
		v >>= 7;
	} while (v);
	pb_raw(p, buf, n);
}

static void pb_tag(struct pb *p, unsigned field, unsigned wire)
{
	pb_varint(p, (uint64_t)field << 3 | wire);
}

/* A number; 0, proto3's default, is left out. */
static void pb_uint(struct pb *p, unsigned field, uint64_t v)
{
	if (!v)
		return;
	pb_tag(p, field, WIRE_VARINT);
	pb_varint(p, v);
}

static void pb_bytes(struct pb *p, unsigned field, const void *d, size_t len)
{
	pb_tag(p, field, WIRE_LEN);
	pb_varint(p, len);
	pb_raw(p, d, len);
}

/* A submessage, built in sub (emptied for the next). */
static void pb_msg(struct pb *p, unsigned field, struct pb *sub)
{
	p->oom |= sub->oom;
	pb_bytes(p, field, sub->b, sub->n);
	sub->n = 0;
}

/* The string table: each string once, by index; "" is index 0. */
struct strings {
	char **s;
	size_t n, cap;
	uint32_t *slots; /* index + 1, by hash; 0: free */
	size_t nslots;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

static int strings_rehash(struct strings *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 1024;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		size_t h = str_hash(t->s[i]) & (n - 1);

		while (slots[h])
			h = (h + 1) & (n - 1);
		slots[h] = i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	return 0;
}

/* The index of s (taken: freed here when already there); -1 for no memory. */
static int64_t str_index(struct strings *t, char *s)
{
	size_t h;

	if (!s || ((t->n + 1) * 2 > t->nslots && strings_rehash(t)))
		goto fail;
	for (h = str_hash(s) & (t->nslots - 1); t->slots[h]; h = (h + 1) & (t->nslots - 1)) {
		if (!strcmp(t->s[t->slots[h] - 1], s)) {
			free(s);
			return t->slots[h] - 1;
		}
	}
	if (sym_grow((void **)&t->s, &t->cap, t->n + 1, sizeof(*t->s)))
		goto fail;
	t->s[t->n] = s;
	t->slots[h] = ++t->n;
	return t->n - 1;
fail:
	free(s);
	return -1;
}

static int64_t str_of(struct strings *t, const char *s)
{
	return str_index(t, strdup(s));
}

static void strings_free(struct strings *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->slots);
}

struct pprof {
	const struct stack_out *so;
	struct strings str;
	struct stack_tab funcs; /* {name, file} string indexes -> function id */
	struct stack_tab maps;	/* file string index -> mapping id */
	struct pb out, sub, sub2;
	uint64_t nfuncs, nmaps;
	bool oom;
};

/* The mapping of a file (its string index), made if need be; NULL without
 * memory. */
static uint64_t *mapping_of(struct pprof *pp, const int64_t *file)
{
	uint64_t *map = stack_tab_get(&pp->maps, file, true);

	if (map && !*map)
		*map = ++pp->nmaps;
	return map;
}

/* Mappings numbered from the outermost user frames of the rows, busiest
 * first: the first, which pprof takes for the main binary, is that of the
 * busiest process's executable. */
static void number_mappings(struct pprof *pp, const struct stack_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (uint32_t j = rows[i].nuser; j-- > 0;) {
			const char *m = rows[i].frames[rows[i].nkernel + j].module;
			int64_t file = m ? str_of(&pp->str, m) : 0;

			if (file > 0 && !mapping_of(pp, &file))
				pp->oom = true;
		}
	}
}

/* A frame's function (its name as folded lines have it) and its location,
 * the same id; the file's mapping made too. */
static uint64_t function_of(struct pprof *pp, const struct sym_frame *fr)
{
	char *name = NULL;
	size_t len;
	FILE *m = open_memstream(&name, &len);
	int64_t key[2] = { 0, fr->module ? str_of(&pp->str, fr->module) : 0 };
	uint64_t *id, *map;

	if (m) {
		stack_frame_name(m, fr);
		if (fclose(m))
			name = NULL;
	}
	key[0] = str_index(&pp->str, name);
	id = key[0] < 0 || key[1] < 0 ? NULL : stack_tab_get(&pp->funcs, key, true);
	map = id && key[1] ? mapping_of(pp, &key[1]) : NULL;
	if (!id || (key[1] && !map)) {
		pp->oom = true;
		return 0;
	}
	if (!*id)
		*id = ++pp->nfuncs;
	return *id;
}

static void label(struct pprof *pp, const char *key, const char *str, uint64_t num)
{
	pb_uint(&pp->sub2, LABEL_KEY, str_of(&pp->str, key));
	if (str)
		pb_uint(&pp->sub2, LABEL_STR, str_of(&pp->str, str));
	else
		pb_uint(&pp->sub2, LABEL_NUM, num);
	pb_msg(&pp->sub, SAMPLE_LABEL, &pp->sub2);
}

/* The process's name, escaped as in every other format. */
static char *comm_of(const struct stack_key *k)
{
	char *s = NULL;
	size_t len;
	FILE *m = open_memstream(&s, &len);

	if (!m)
		return NULL;
	stack_name_str(m, k->comm, sizeof(k->comm));
	if (fclose(m)) {
		free(s);
		return NULL;
	}
	return s;
}

static void sample(struct pprof *pp, const struct stack_row *r)
{
	const struct stack_key *k = &r->key;
	uint32_t nf = r->nkernel + r->nuser;
	char *comm = comm_of(k);
	struct pb packed = { 0 };

	for (uint32_t i = 0; i < nf; i++)
		pb_varint(&packed, function_of(pp, &r->frames[i]));
	pb_bytes(&pp->sub, SAMPLE_LOCATION_ID, packed.b, packed.n);
	packed.n = 0;
	pb_varint(&packed, r->total);
	pb_bytes(&pp->sub, SAMPLE_VALUE, packed.b, packed.n);
	pp->oom |= packed.oom || !comm;
	free(packed.b);
	label(pp, "pid", NULL, k->pid);
	if (pp->so->cfg->by_thread)
		label(pp, "tid", NULL, k->tid);
	label(pp, "comm", comm ? comm : "", 0);
	free(comm);
	if (pp->so->cfg->opts->by_cgroup) {
		const char *path = cgroup_path_of(k->cgroup_id);

		if (path)
			label(pp, "cgroup", path, 0);
		else
			label(pp, "cgroup_id", NULL, k->cgroup_id);
	}
	pb_msg(&pp->out, PROFILE_SAMPLE, &pp->sub);
}

/* Each mapping's file, at its id's place. */
static int file_by_id(const void *key, void *value, void *arg)
{
	int64_t *files = arg;

	files[*(uint64_t *)value - 1] = *(const int64_t *)key;
	return 0;
}

/* The mappings in the order of their ids. */
static void write_mappings(struct pprof *pp)
{
	int64_t *files = calloc(pp->nmaps ? pp->nmaps : 1, sizeof(*files));

	if (!files) {
		pp->oom = true;
		return;
	}
	stack_tab_each(&pp->maps, file_by_id, files);
	for (uint64_t id = 1; id <= pp->nmaps; id++) {
		pb_uint(&pp->sub, MAPPING_ID, id);
		pb_uint(&pp->sub, MAPPING_FILENAME, files[id - 1]);
		pb_uint(&pp->sub, MAPPING_HAS_FUNCTIONS, 1);
		pb_msg(&pp->out, PROFILE_MAPPING, &pp->sub);
	}
	free(files);
}

/* A Function and its Location (same id), in its file's Mapping. */
static int write_function(const void *key, void *value, void *arg)
{
	struct pprof *pp = arg;
	const int64_t *k = key;
	uint64_t id = *(uint64_t *)value,
		 *map = k[1] ? stack_tab_get(&pp->maps, &k[1], false) : NULL;

	pb_uint(&pp->sub, FUNCTION_ID, id);
	pb_uint(&pp->sub, FUNCTION_NAME, k[0]);
	pb_uint(&pp->sub, FUNCTION_SYSTEM_NAME, k[0]);
	pb_uint(&pp->sub, FUNCTION_FILENAME, k[1]);
	pb_msg(&pp->out, PROFILE_FUNCTION, &pp->sub);
	pb_uint(&pp->sub2, LINE_FUNCTION_ID, id);
	pb_uint(&pp->sub, LOCATION_ID, id);
	pb_uint(&pp->sub, LOCATION_MAPPING_ID, map ? *map : 0);
	pb_msg(&pp->sub, LOCATION_LINE, &pp->sub2);
	pb_msg(&pp->out, PROFILE_LOCATION, &pp->sub);
	return 0;
}

static void value_type(struct pprof *pp, unsigned field, const char *type, const char *unit)
{
	pb_uint(&pp->sub, VALUE_TYPE_TYPE, str_of(&pp->str, type));
	pb_uint(&pp->sub, VALUE_TYPE_UNIT, str_of(&pp->str, unit));
	pb_msg(&pp->out, field, &pp->sub);
}

/* The whole profile in pp->out. */
static void build(struct pprof *pp, const struct stack_row *rows, size_t n)
{
	const struct stack_cfg *cfg = pp->so->cfg;

	str_of(&pp->str, "");
	value_type(pp, PROFILE_SAMPLE_TYPE, cfg->sample_type, cfg->sample_unit);
	number_mappings(pp, rows, n);
	for (size_t i = 0; i < n; i++)
		sample(pp, &rows[i]);
	write_mappings(pp);
	stack_tab_each(&pp->funcs, write_function, pp);
	pb_uint(&pp->out, PROFILE_TIME_NANOS, pp->so->start_ns);
	pb_uint(&pp->out, PROFILE_DURATION_NANOS, pp->so->end_ns - pp->so->start_ns);
	if (cfg->period_ns) {
		value_type(pp, PROFILE_PERIOD_TYPE, "cpu", "nanoseconds");
		pb_uint(&pp->out, PROFILE_PERIOD, cfg->period_ns);
	}
	/* Last: every string is in it by now. */
	for (size_t i = 0; i < pp->str.n; i++)
		pb_bytes(&pp->out, PROFILE_STRING_TABLE, pp->str.s[i], strlen(pp->str.s[i]));
	pp->oom |= pp->out.oom || pp->sub.oom || pp->sub2.oom;
}

/* data, gzipped, to f. */
static int gzip_to(FILE *f, const void *data, size_t len)
{
	z_stream z = { 0 };
	unsigned char buf[65536];
	int ret;

	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY))
		return -ENOMEM;
	z.next_in = (unsigned char *)data;
	z.avail_in = len;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		ret = deflate(&z, Z_FINISH);
		fwrite(buf, 1, sizeof(buf) - z.avail_out, f);
	} while (ret == Z_OK);
	deflateEnd(&z);
	return ret == Z_STREAM_END && !ferror(f) ? 0 : -EIO;
}

int stack_pprof_write(const struct stack_out *so, const struct stack_row *rows, size_t n)
{
	struct pprof pp = { .so = so };
	int err;

	pp.funcs.ksize = 2 * sizeof(int64_t);
	pp.funcs.vsize = sizeof(uint64_t);
	pp.maps.ksize = sizeof(int64_t);
	pp.maps.vsize = sizeof(uint64_t);
	build(&pp, rows, n);
	err = pp.oom ? -ENOMEM : gzip_to(so->f, pp.out.b, pp.out.n);
	free(pp.out.b);
	free(pp.sub.b);
	free(pp.sub2.b);
	stack_tab_free(&pp.funcs);
	stack_tab_free(&pp.maps);
	strings_free(&pp.str);
	return err;
}
