/* The user side of the network tools: addresses in their text forms, the
 * columns they fill, the -4/-6 and port-list options, TCP state names and
 * the owner of a socket (common/net.h; BPF side: bpf/lib/sock.bpf.h). */
#ifndef SONDE_NET_H
#define SONDE_NET_H

#include <argp.h>
#include <stddef.h>
#include <stdint.h>
#include "out.h"

struct net_owner;

/* Room for "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535". */
#define NET_ENDPOINT_LEN 56

/* -4 and -6, for a tool's argp options. */
#define NET_FAMILY_OPTIONS                                                                         \
	{ "ipv4", '4', NULL, 0, "Only IPv4", 0 }, { "ipv6", '6', NULL, 0, "Only IPv6", 0 }

/* Handles -4 and -6 (key '4' or '6') into *family (2 or 10): the two
 * together are a usage error. ARGP_ERR_UNKNOWN for any other key. */
int net_family_opt(int key, uint16_t *family);

/* A comma list of ports ("80,443"), each from min to 65535, at most max of
 * them, no blanks or empty items; 0 or -EINVAL after one line naming opt. */
int net_ports_parse(const char *opt, const char *arg, unsigned min, uint16_t *ports, unsigned max,
		    unsigned *n);

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
void out_endpoint(struct out *o, unsigned col, uint16_t family, const uint8_t *addr,
		  uint16_t port);
void out_ip_version(struct out *o, unsigned col, uint16_t family);
/* A TCP state by name (unknown numbers as "STATE_<n>"). */
void out_tcp_state(struct out *o, unsigned col, unsigned state);

/* The columns a socket's owner fills, in this order in a row (a column a
 * tool does not have is OUT_MAX_COLS). */
struct net_owner_cols {
	unsigned uid, pid, comm;
};

/* The owner's UID, PID and name, or, when it is not known (pid 0), "-" in
 * text and null in JSON. */
void out_owner(struct out *o, const struct net_owner_cols *c, const struct net_owner *ow);
/* The owner's cgroup (OUT_COL_CGROUP), or "-" / null when not known. */
void out_owner_cgroup(struct out *o, unsigned col, const struct net_owner *ow);

/* The entries of a BPF hash map of counters, each record a key then its
 * value, sorted by the 64-bit count at a given offset of the value, highest
 * first. */
struct net_counts {
	uint8_t *recs;
	size_t n, key_size, rec_size;
};

#define NET_COUNT_KEY(c, i) ((const void *)((c)->recs + (i) * (c)->rec_size))
#define NET_COUNT_VAL(c, i) ((const void *)((c)->recs + (i) * (c)->rec_size + (c)->key_size))

/* 0 or -errno. */
int net_counts_read(int map_fd, size_t key_size, size_t val_size, size_t cnt_off,
		    struct net_counts *c);
void net_counts_free(struct net_counts *c);

#endif
