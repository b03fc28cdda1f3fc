// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* bindsnoop: bind() calls on IPv4/IPv6 sockets, on the syscall tracepoints.
 *
 * The entry copies the caller's sockaddr into the thread's entry store (for
 * tasks that pass -p/-u/-c): as the call returns, another thread could have
 * rewritten it. The exit reports a successful bind with the address and
 * port the socket is now bound to (a port asked as 0 is the one the kernel
 * chose), a failed one with the address asked for as the call entered, and
 * either with the socket's family, protocol, options and bound interface.
 * Everything is filtered before the event is sent: a record reserved in the
 * ring buffer and then discarded would hold back the wake-up of the reader
 * for the records after it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "common/bindsnoop.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/net.bpf.h"
#include "bpf/lib/syscall.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 failed_only = 0;
const volatile __u16 ports[NET_MAX_PORTS] = {};
const volatile __u32 nports = 0;

struct bind_entry {
	struct entry_arm arm;
	__s32 fd;
	__u32 pad;
	struct net_sockaddr sa; /* the address asked for */
};

SONDE_ENTRY_STORE(binds, struct bind_entry);

/* Up to Linux 6.5 the inet options were bitfields, from 6.6 on bits of
 * inet_flags (CO-RE flavours: vmlinux.h has one or the other). */
struct inet_sock___old {
	__u8 freebind : 1;
	__u8 transparent : 1;
	__u8 bind_address_no_port : 1;
} __attribute__((preserve_access_index));

struct inet_sock___new {
	unsigned long inet_flags;
} __attribute__((preserve_access_index));

/* Bits of inet_flags from 6.6 on. Their enum has no name, so CO-RE cannot
 * relocate them; these values have not changed since they were introduced. */
#define INET_FREEBIND_BIT 11
#define INET_TRANSPARENT_BIT 15
#define INET_BIND_ADDRESS_NO_PORT_BIT 18

static __always_inline __u8 inet_opts(const struct sock *sk)
{
	struct inet_sock___old *old = (void *)sk;
	struct inet_sock___new *new = (void *)sk;
	__u8 o = 0;

	if (bpf_core_field_exists(new->inet_flags)) {
		unsigned long f = BPF_CORE_READ(new, inet_flags);

		o |= (f >> INET_FREEBIND_BIT & 1) ? BINDSNOOP_OPT_FREEBIND : 0;
		o |= (f >> INET_TRANSPARENT_BIT & 1) ? BINDSNOOP_OPT_TRANSPARENT : 0;
		o |= (f >> INET_BIND_ADDRESS_NO_PORT_BIT & 1) ? BINDSNOOP_OPT_BIND_ADDRESS_NO_PORT
							      : 0;
	} else {
		o |= BPF_CORE_READ_BITFIELD_PROBED(old, freebind) ? BINDSNOOP_OPT_FREEBIND : 0;
		o |=
		    BPF_CORE_READ_BITFIELD_PROBED(old, transparent) ? BINDSNOOP_OPT_TRANSPARENT : 0;
		o |= BPF_CORE_READ_BITFIELD_PROBED(old, bind_address_no_port)
			 ? BINDSNOOP_OPT_BIND_ADDRESS_NO_PORT
			 : 0;
	}
	if (BPF_CORE_READ_BITFIELD_PROBED(&sk->__sk_common, skc_reuse))
		o |= BINDSNOOP_OPT_REUSEADDR;
	if (BPF_CORE_READ_BITFIELD_PROBED(&sk->__sk_common, skc_reuseport))
		o |= BINDSNOOP_OPT_REUSEPORT;
	return o;
}

SEC("tracepoint/syscalls/sys_enter_bind")
int handle_enter_bind(struct trace_event_raw_sys_enter *ctx)
{
	struct bind_entry *b;

	if (!sonde_filter_pass())
		return SONDE_TP_KEEP;
	b = entry_store_get(&binds);
	if (!b)
		return SONDE_TP_KEEP;
	b->fd = ctx->args[0];
	net_sockaddr_enter(&b->sa, ctx->args[1], ctx->args[2]);
	entry_store_arm(&b->arm, ctx->id);
	return SONDE_TP_KEEP;
}

/* The address and port the socket is bound to. */
static __always_inline void bound_addr(struct bindsnoop_event *e, const struct sock *sk)
{
	e->port = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (e->family == NET_AF_INET6)
		BPF_CORE_READ_INTO(&e->addr, sk, __sk_common.skc_v6_rcv_saddr);
	else
		BPF_CORE_READ_INTO((__u32 *)e->addr, sk, __sk_common.skc_rcv_saddr);
	e->addr_from = STREAM_FROM_KERNEL;
}

static __always_inline void exit_bind(struct trace_event_raw_sys_exit *ctx)
{
	struct bindsnoop_event e = { .ret = ctx->ret };
	struct bind_entry *b;
	struct sock *sk;

	b = entry_store_take(&binds, ctx->id);
	if (!b || (failed_only && ctx->ret >= 0))
		return;
	sk = sock_from_fd(b->fd);
	if (!sk)
		return;
	/* Unix, netlink and packet sockets bind too: not ours. */
	e.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (!net_family_pass(e.family))
		return;
	if (ctx->ret == 0)
		bound_addr(&e, sk);
	else
		e.addr_from = net_sockaddr_addr(&b->sa, e.family, e.addr, &e.port);
	if (!net_port_pass(ports, nports, e.port))
		return;
	stream_hdr_current(&e.h, bpf_get_current_pid_tgid(), STREAM_UID);
	e.protocol = BPF_CORE_READ(sk, sk_protocol);
	e.opts = inet_opts(sk);
	e.ifindex = BPF_CORE_READ(sk, __sk_common.skc_bound_dev_if);
	sonde_output(ctx, &e, sizeof(e));
}

SEC("tracepoint/syscalls/sys_exit_bind")
int handle_exit_bind(struct trace_event_raw_sys_exit *ctx)
{
	exit_bind(ctx);
	return SONDE_TP_KEEP;
}
