// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "lib/log.h"
#include "lib/net.h"
#include "lib/parse.h"
#include "lib/stream.h"
#include "common/net.h"

int net_family_opt(int key, uint16_t *family)
{
	uint16_t want;

	if (key == '4')
		want = NET_AF_INET;
	else if (key == '6')
		want = NET_AF_INET6;
	else
		return ARGP_ERR_UNKNOWN;
	if (*family && *family != want) {
		log_err("-4/--ipv4 and -6/--ipv6 exclude each other: give one or neither");
		return EINVAL;
	}
	*family = want;
	return 0;
}

int net_ports_parse(const char *opt, const char *arg, unsigned min, uint16_t *ports, unsigned max,
		    unsigned *n)
{
	const char *p = arg;
	char item[8];

	*n = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		uint64_t v;

		if (*n == max) {
			log_err("invalid value '%s' for %s: at most %u ports", arg, opt, max);
			return -EINVAL;
		}
		if (len == 0 || len >= sizeof(item)) {
			log_err(
			    "invalid value '%s' for %s: expected ports from %u to 65535, separated "
			    "by commas",
			    arg, opt, min);
			return -EINVAL;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		if (parse_uint(opt, item, min, 65535, &v))
			return -EINVAL;
		ports[(*n)++] = v;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

unsigned net_ip_version(uint16_t family)
{
	return family == NET_AF_INET6 ? 6 : 4;
}

const char *net_addr_text(uint16_t family, const uint8_t *addr, char *buf, size_t len)
{
	int af = family == NET_AF_INET6 ? AF_INET6 : AF_INET;

	if (!inet_ntop(af, addr, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

const char *net_endpoint_text(uint16_t family, const uint8_t *addr, uint16_t port, char *buf,
			      size_t len)
{
	char a[INET6_ADDRSTRLEN];

	net_addr_text(family, addr, a, sizeof(a));
	if (family == NET_AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
	return buf;
}

const char *tcp_state_name(unsigned state)
{
	static const char *const names[] = {
		[1] = "ESTABLISHED",	 [2] = "SYN_SENT",  [3] = "SYN_RECV", [4] = "FIN_WAIT1",
		[5] = "FIN_WAIT2",	 [6] = "TIME_WAIT", [7] = "CLOSE",    [8] = "CLOSE_WAIT",
		[9] = "LAST_ACK",	 [10] = "LISTEN",   [11] = "CLOSING", [12] = "NEW_SYN_RECV",
		[13] = "BOUND_INACTIVE",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : NULL;
}

void out_addr(struct out *o, unsigned col, uint16_t family, const uint8_t *addr)
{
	char buf[INET6_ADDRSTRLEN];

	net_addr_text(family, addr, buf, sizeof(buf));
	out_str(o, col, buf, sizeof(buf));
}

void out_endpoint(struct out *o, unsigned col, uint16_t family, const uint8_t *addr, uint16_t port)
{
	char buf[NET_ENDPOINT_LEN];

	net_endpoint_text(family, addr, port, buf, sizeof(buf));
	out_str(o, col, buf, sizeof(buf));
}

void out_ip_version(struct out *o, unsigned col, uint16_t family)
{
	out_uint(o, col, net_ip_version(family));
}

void out_endpoint_cols(struct out *o, unsigned col, uint16_t family, const uint8_t *addr,
		       uint16_t port)
{
	out_endpoint(o, col, family, addr, port);
	out_addr(o, col + 1, family, addr);
	out_uint(o, col + 2, port);
}

void out_tcp_state(struct out *o, unsigned col, unsigned state)
{
	const char *name = tcp_state_name(state);
	char buf[24];

	if (!name) {
		snprintf(buf, sizeof(buf), "STATE_%u", state);
		name = buf;
	}
	out_str(o, col, name, strlen(name));
}

static void out_owner(struct out *o, uint32_t pid, uint32_t uid, const char comm[TASK_COMM_LEN])
{
	if (pid) {
		out_uint(o, NET_COL_UID, uid);
		out_uint(o, NET_COL_PID, pid);
		out_str(o, NET_COL_COMM, comm, TASK_COMM_LEN);
	} else {
		out_null(o, NET_COL_UID, "-");
		out_null(o, NET_COL_PID, "-");
		out_null(o, NET_COL_COMM, "-");
	}
}

void net_row_begin(struct out *o, const struct stream_hdr *h, uint16_t family)
{
	out_row_begin(o);
	out_time(o, NET_COL_TIME, h->ts_ns);
	out_owner(o, h->pid, h->uid, h->comm);
	out_ip_version(o, NET_COL_IP, family);
}

void net_count_row_begin(struct out *o, const struct net_owner *ow, uint16_t family)
{
	out_row_begin(o);
	out_owner(o, ow->pid, ow->uid, ow->comm);
	out_ip_version(o, NET_COL_IP, family);
}

void out_owner_cgroup(struct out *o, unsigned col, uint32_t pid, uint64_t cgroup_id)
{
	if (pid)
		out_cgroup(o, col, cgroup_id);
	else
		out_null(o, col, "-");
}

/* The entries of a BPF hash map of counters, each record a key then its
 * value, sorted by the 64-bit count at a given offset of the value, highest
 * first. */
struct counts {
	uint8_t *recs;
	size_t n, key_size, rec_size;
};

#define COUNT_KEY(c, i) ((const void *)((c)->recs + (i) * (c)->rec_size))
#define COUNT_VAL(c, i) ((const void *)((c)->recs + (i) * (c)->rec_size + (c)->key_size))

static void counts_free(struct counts *c)
{
	free(c->recs);
	c->recs = NULL;
	c->n = 0;
}

static int count_cmp(const void *a, const void *b, void *arg)
{
	size_t off = *(const size_t *)arg;
	uint64_t x, y;

	memcpy(&x, (const uint8_t *)a + off, sizeof(x));
	memcpy(&y, (const uint8_t *)b + off, sizeof(y));
	return x < y ? 1 : x > y ? -1 : 0;
}

static int counts_read(int map_fd, size_t key_size, size_t val_size, size_t cnt_off,
		       struct counts *c)
{
	size_t rec = key_size + val_size, cap = 0, off = key_size + cnt_off;
	uint8_t *prev = NULL, *next;

	memset(c, 0, sizeof(*c));
	c->key_size = key_size;
	for (;;) {
		if (c->n == cap) {
			uint8_t *p = realloc(c->recs, (cap = cap ? cap * 2 : 64) * rec);

			if (!p) {
				counts_free(c);
				return -ENOMEM;
			}
			c->recs = p;
		}
		next = c->recs + c->n * rec;
		if (bpf_map_get_next_key(map_fd, prev, next))
			break;
		/* An entry deleted meanwhile is skipped, not an error. */
		if (bpf_map_lookup_elem(map_fd, next, next + key_size))
			continue;
		prev = next;
		c->n++;
	}
	if (errno != ENOENT) {
		int err = -errno;

		counts_free(c);
		return err;
	}
	if (c->n > 1)
		qsort_r(c->recs, c->n, rec, count_cmp, &off);
	c->rec_size = rec;
	return 0;
}

int net_count_run(struct bpf_object_skeleton *s, const struct sonde_opts *opts,
		  const struct net_count_table *t)
{
	struct out out;
	struct sonde_stream st = { t->cols, t->ncols, NULL, NULL, &out };
	struct counts c;
	int err;

	err = sonde_stream_run(s, opts, &st);
	if (err)
		return err;
	err = counts_read(bpf_map__fd(t->map), t->key_size, t->val_size, t->cnt_off, &c);
	if (err) {
		log_err("cannot read the counts: %s", strerror(-err));
		return err;
	}
	for (size_t i = 0; i < c.n; i++)
		t->row(&out, COUNT_KEY(&c, i), COUNT_VAL(&c, i), t->ctx);
	counts_free(&c);
	return out_flush(&out);
}
