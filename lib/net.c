// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "lib/array_size.h"
#include "lib/log.h"
#include "lib/net.h"
#include "lib/parse.h"
#include "common/net.h"

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

int net_ports_set(struct net_ports *p, bool local, const char *opt, const char *arg)
{
	return local ? net_ports_parse(opt, arg, 1, p->lports, NET_MAX_PORTS, &p->nlports)
		     : net_ports_parse(opt, arg, 1, p->rports, NET_MAX_PORTS, &p->nrports);
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

	return state < ARRAY_SIZE(names) ? names[state] : NULL;
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

void out_owner_end(struct out *o, unsigned col, unsigned from, const struct stream_hdr *h)
{
	static const char *const names[] = {
		[NET_OWNER_CONNECT] = "connect",
		[NET_OWNER_ACCEPT] = "accept",
		[NET_OWNER_LISTENER] = "listener",
	};

	if (h->pid && from < ARRAY_SIZE(names) && names[from])
		out_str(o, col, names[from], 8);
	else
		out_null(o, col, "-");
	out_owner_cgroup(o, col + 1, h->pid, h->cgroup_id);
}

const char *const *net_owner_notes(const struct sonde_opts *o, const char *events)
{
	static char no_owner[192];
	static const char *notes[STREAM_NCOUNTS];
	bool filtered = o->pid || o->uid != SONDE_UID_ANY || o->cgroup_fd >= 0;

	snprintf(no_owner, sizeof(no_owner), "%s had no known owner%s", events,
		 filtered ? " and were not shown: -p, -u and -c select by owner" : "");
	notes[STREAM_NO_OWNER] = no_owner;
	notes[STREAM_OWNER_LISTENER] =
	    "connections accepted while the table of accepting processes "
	    "was full carry their listener's owner";
	return notes;
}
