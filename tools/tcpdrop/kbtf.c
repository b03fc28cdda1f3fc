// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "tools/tcpdrop/kbtf.h"
#include "lib/log.h"

/* Parsed once (a few MB), kept until kbtf_release(). */
static struct btf *btf;

static struct btf *vmlinux(void)
{
	static int err;

	if (!btf && !err) {
		btf = btf__load_vmlinux_btf();
		if (!btf) {
			err = -errno;
			log_debug("cannot read the kernel's BTF: %s", strerror(-err));
		}
	}
	errno = -err;
	return btf;
}

void kbtf_release(void)
{
	btf__free(btf);
	btf = NULL;
}

int kbtf_tp_nargs(const char *name)
{
	struct btf *btf = vmlinux();
	const struct btf_type *t;
	char type_name[128];
	int id;

	if (!btf)
		return -errno;
	snprintf(type_name, sizeof(type_name), "btf_trace_%s", name);
	id = btf__find_by_name_kind(btf, type_name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -ENOENT;
	/* typedef -> pointer -> function prototype */
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	if (!t || !btf_is_ptr(t))
		return -EINVAL;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) < 1)
		return -EINVAL;
	return btf_vlen(t) - 1;
}

static int64_t enum_value(const struct btf_type *t, unsigned i)
{
	if (btf_is_enum64(t))
		return (int64_t)btf_enum64_value(btf_enum64(t) + i);
	return btf_enum(t)[i].val;
}

static uint32_t enum_name_off(const struct btf_type *t, unsigned i)
{
	return btf_is_enum64(t) ? btf_enum64(t)[i].name_off : btf_enum(t)[i].name_off;
}

int kbtf_enum_load(const char *enum_name, const char *prefix, struct kbtf_enum *e)
{
	struct btf *btf = vmlinux();
	const struct btf_type *t;
	size_t plen = strlen(prefix);
	int id;

	memset(e, 0, sizeof(*e));
	if (!btf)
		return -errno;
	id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM);
	if (id < 0)
		id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM64);
	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(btf, id);
	e->vals = calloc(btf_vlen(t) ?: 1, sizeof(*e->vals));
	e->prefix = strdup(prefix);
	if (!e->vals || !e->prefix) {
		kbtf_enum_free(e);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < btf_vlen(t); i++) {
		const char *name = btf__name_by_offset(btf, enum_name_off(t, i));

		if (!name)
			continue;
		if (!strncmp(name, prefix, plen))
			name += plen;
		e->vals[e->n].value = enum_value(t, i);
		e->vals[e->n].name = strdup(name);
		if (!e->vals[e->n].name) {
			kbtf_enum_free(e);
			return -ENOMEM;
		}
		e->n++;
	}
	return 0;
}

const char *kbtf_enum_name(const struct kbtf_enum *e, int64_t v)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->vals[i].value == v)
			return e->vals[i].name;
	return NULL;
}

int kbtf_enum_value(const struct kbtf_enum *e, const char *name, int64_t *v)
{
	size_t plen = e->prefix ? strlen(e->prefix) : 0;

	if (plen && !strncasecmp(name, e->prefix, plen))
		name += plen;
	for (size_t i = 0; i < e->n; i++) {
		if (!strcasecmp(e->vals[i].name, name)) {
			*v = e->vals[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

void kbtf_enum_free(struct kbtf_enum *e)
{
	for (size_t i = 0; e->vals && i < e->n; i++)
		free(e->vals[i].name);
	free(e->vals);
	free(e->prefix);
	memset(e, 0, sizeof(*e));
}
