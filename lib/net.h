/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The user side of the network tools: addresses in their text forms, the
 * columns they fill, the port-list options, TCP state names and the owner of
 * a socket (common/net.h; BPF side: bpf/lib/net.bpf.h and
 * bpf/lib/net_owner.bpf.h). The --count tables are lib/net_count.h; -4/-6
 * are sonde's option group SONDE_OPT_FAMILY (lib/opts.h). */
#ifndef SONDE_LIB_NET_H
#define SONDE_LIB_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "common/net.h"
#include "lib/opts.h"
#include "lib/out.h"

struct net_owner;
struct stream_hdr;

/* Room for "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535". */
#define NET_ENDPOINT_LEN 56

/* A comma list of ports ("80,443"), each from min to 65535, at most max of
 * them, no blanks or empty items; 0 or -EINVAL after one line naming opt. */
int net_ports_parse(const char *opt, const char *arg, unsigned min, uint16_t *ports, unsigned max,
		    unsigned *n);

/* A tool's local and remote port filters (tcplife's and tcpstates' -L/-D,
 * tcprtt's -l/-r): the BPF side's rodata lports, nlports, rports and
 * nrports (net_port_pass(), bpf/lib/net.bpf.h). */
struct net_ports {
	uint16_t lports[NET_MAX_PORTS], rports[NET_MAX_PORTS];
	unsigned nlports, nrports;
};

/* The list of local (local) or remote ports given to option opt, into p;
 * as net_ports_parse(). */
int net_ports_set(struct net_ports *p, bool local, const char *opt, const char *arg);

/* Writes p into the rodata of a skeleton whose program filters ports
 * (bpf/lib/net_ports.bpf.h). */
#define NET_PORTS_RODATA(rodata, p)                                                                \
	do {                                                                                       \
		memcpy((void *)(rodata)->lports, (p)->lports, sizeof((p)->lports));                \
		(rodata)->nlports = (p)->nlports;                                                  \
		memcpy((void *)(rodata)->rports, (p)->rports, sizeof((p)->rports));                \
		(rodata)->nrports = (p)->nrports;                                                  \
	} while (0)

/* "192.0.2.1" or "fd00::1"; addr is 4 or 16 bytes, network order. */
const char *net_addr_text(uint16_t family, const uint8_t *addr, char *buf, size_t len);
/* "192.0.2.1:80" or "[fd00::1]:80". */
const char *net_endpoint_text(uint16_t family, const uint8_t *addr, uint16_t port, char *buf,
			      size_t len);
/* 4 or 6. */
unsigned net_ip_version(uint16_t family);
/* "ESTABLISHED", "SYN_SENT", ...; NULL for a number no TCP state has. */
const char *tcp_state_name(unsigned state);

/* Column writers: an address (a string), an address with its port (text
 * columns that show them together), the IP version (a number). */
void out_addr(struct out *o, unsigned col, uint16_t family, const uint8_t *addr);
void out_endpoint(struct out *o, unsigned col, uint16_t family, const uint8_t *addr, uint16_t port);
void out_ip_version(struct out *o, unsigned col, uint16_t family);
/* One end in three columns: col, "addr:port" (a text column), then col + 1
 * and col + 2, the address and the port (JSON keys), declared together:
 *	NET_COLS_END(C_LOCAL, "LADDR:LPORT", "laddr", "lport"),
 */
#define NET_COLS_END(col, head, addr_key, port_key)                                                \
	[col] = { head, NULL, 21, 0 }, [(col) + 1] = { NULL, addr_key, 0, OUT_LABEL },             \
	[(col) + 2] = { NULL, port_key, 0, OUT_LABEL }
void out_endpoint_cols(struct out *o, unsigned col, uint16_t family, const uint8_t *addr,
		       uint16_t port);
/* A TCP state by name (unknown numbers as "STATE_<n>"). */
void out_tcp_state(struct out *o, unsigned col, unsigned state);

/* The columns every network tool's row begins with, in this order: the
 * time, the owner's UID, PID and COMM, and the IP version. A tool numbers
 * its own columns from C_IP and declares the first four with NET_COLS_OWNER
 * (a table of counts, which has no time, with NET_COLS_WHO):
 *
 *	enum { C_IP = NET_COL_IP, C_SADDR, C_CGROUP };
 *	static const struct out_col cols[] = {
 *		NET_COLS_OWNER,
 *		[C_IP] = { "IP", "family", 2, 0 },
 *		...
 */
enum { NET_COL_TIME, NET_COL_UID, NET_COL_PID, NET_COL_COMM, NET_COL_IP };

/* Labels of a --count table's series with --prometheus (lib/prom.h). */
#define NET_COLS_WHO                                                                               \
	[NET_COL_UID] = { "UID", "uid", 6, OUT_WITH_UID | OUT_LABEL },                             \
	[NET_COL_PID] = { "PID", "pid", 7, OUT_LABEL },                                            \
	[NET_COL_COMM] = { "COMM", "comm", 16, OUT_LABEL }
#define NET_COLS_OWNER [NET_COL_TIME] = OUT_COL_TIME, NET_COLS_WHO

/* Begins an event's row with its first five columns, from its header: the
 * time, the owner (UID, PID and COMM; "-" in text and null in JSON when it
 * is not known: pid 0) and the IP version. */
void net_row_begin(struct out *o, const struct stream_hdr *h, uint16_t family);
/* The same for a row of counts, which has no time. */
void net_count_row_begin(struct out *o, const struct net_owner *ow, uint16_t family);
/* The owner's cgroup (OUT_COL_CGROUP), or "-" / null when not known (pid 0). */
void out_owner_cgroup(struct out *o, unsigned col, uint32_t pid, uint64_t cgroup_id);

/* The last columns of an event attributed to a socket's owner (tcplife,
 * tcpretrans, tcpdrop): where the owner came from (enum net_owner_from: a
 * JSON key, "connect", "accept" or "listener", null when the owner is not
 * known), then its cgroup (as out_owner_cgroup()), in col and col + 1,
 * declared together:
 *	NET_COLS_OWNER_END(C_OWNER_FROM),
 */
#define NET_COLS_OWNER_END(col) [col] = { NULL, "owner_from", 0, 0 }, [(col) + 1] = OUT_COL_CGROUP
void out_owner_end(struct out *o, unsigned col, unsigned from, const struct stream_hdr *h);

/* What a tool that attributes its events to a socket's owner says when its
 * run ends about those it could not (struct sonde_stream's notes, for
 * the counts of bpf/lib/net_owner.bpf.h): `events` names them
 * ("sessions"); with -p, -u or -c, the line says they were not shown. */
const char *const *net_owner_notes(const struct sonde_opts *o, const char *events);

#endif
