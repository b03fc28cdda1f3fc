// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcpdrop: TCP packets the kernel drops, on the kfree_skb tracepoint (tp_btf:
 * the skb itself), with the reason the kernel gives.
 *
 * The packet's addresses, ports and flags are read from its IPv4 or IPv6
 * header (the network header offset is set on both the receive and the
 * send path); packets that are not TCP, or whose TCP header does not follow
 * the IP header directly, are not reported. The socket is the one the
 * kernel passes (rx_sk, on kernels whose tracepoint has it) or the one the
 * skb belongs to (a socket sending, or the one early demux found for an
 * incoming packet): its state is shown, and the event is attributed to its
 * owner (bpf/lib/net_owner.bpf.h), the listener's owner for a request socket.
 * Drops run in softirq context as often as not, so the current task is never
 * used. --count adds up drops per reason in a hash map instead.
 *
 * A request socket's listener is a plain number to the verifier (a union
 * member), which a socket's storage cannot be reached from: listeners'
 * owners are also kept here by address. When that table is full, drops of
 * a later listener's request sockets have no known owner, and are counted
 * as such. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
/* Events reserved whole with their kernel stack (-K): 1128 bytes. */
#define STREAM_SCRATCH_SIZE 1152
#include "common/tcpdrop.h"
#include "bpf/lib/stack_event.bpf.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/net.bpf.h"
#include "bpf/lib/net_owner.bpf.h"
#include "bpf/lib/net_count.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD

const volatile __u8 count_mode = 0;
/* The tracepoint passes the receiving socket as a 4th argument (6.12+). */
const volatile __u8 has_rx_sk = 0;
/* -r: only these reasons; none: every reason. */
const volatile __u32 reasons[TCPDROP_MAX_REASONS] = {};
const volatile __u32 nreasons = 0;

NET_COUNTS(counts, struct tcpdrop_count_key, struct tcpdrop_count, 1024);

/* Listeners' owners, by socket address. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SOCK_OWNERS_MAX);
	__type(key, __u64);
	__type(value, struct sock_owner);
} listener_owners SEC(".maps");

static __always_inline bool reason_pass(__u32 reason)
{
	if (!nreasons)
		return true;
	for (__u32 i = 0; i < TCPDROP_MAX_REASONS && i < nreasons; i++)
		if (reasons[i] == reason)
			return true;
	return false;
}

/* The packet's addresses and ports (s: its source) and its TCP flags, or
 * false when it is not a TCP packet over IPv4 or IPv6. */
static __always_inline bool skb_read_tcp(const struct sk_buff *skb, struct net_tuple *t,
					 __u8 *flags)
{
	unsigned char *ip = BPF_CORE_READ(skb, head) + BPF_CORE_READ(skb, network_header);
	__u16 proto = bpf_ntohs(BPF_CORE_READ(skb, protocol));
	__u8 hdr[40], tcp[14];
	__u32 th;

	__builtin_memset(t, 0, sizeof(*t));
	if (proto == ETH_P_IP) {
		if (bpf_probe_read_kernel(hdr, 20, ip) || hdr[0] >> 4 != 4 || hdr[9] != IPPROTO_TCP)
			return false;
		/* A fragment other than the first has no TCP header. */
		if ((hdr[6] & 0x1f) || hdr[7])
			return false;
		t->family = NET_AF_INET;
		__builtin_memcpy(t->saddr, &hdr[12], 4);
		__builtin_memcpy(t->daddr, &hdr[16], 4);
		th = (hdr[0] & 0xf) * 4;
	} else if (proto == ETH_P_IPV6) {
		if (bpf_probe_read_kernel(hdr, 40, ip) || hdr[0] >> 4 != 6 || hdr[6] != IPPROTO_TCP)
			return false;
		t->family = NET_AF_INET6;
		__builtin_memcpy(t->saddr, &hdr[8], 16);
		__builtin_memcpy(t->daddr, &hdr[24], 16);
		th = 40;
	} else {
		return false;
	}
	if (bpf_probe_read_kernel(tcp, sizeof(tcp), ip + th))
		return false;
	t->sport = (__u16)tcp[0] << 8 | tcp[1];
	t->dport = (__u16)tcp[2] << 8 | tcp[3];
	*flags = tcp[13];
	return true;
}

/* A request socket's owner: its listener's. */
static __always_inline bool listener_owner_get(const struct sock *req, struct net_owner *o,
					       __u8 *from)
{
	__u64 key = (__u64)BPF_CORE_READ((struct request_sock *)req, __req_common.skc_listener);

	return sock_owner_copy(bpf_map_lookup_elem(&listener_owners, &key), o, from);
}

/* The owner a drop is attributed to, into *o and e->owner_from, and the TCP
 * state to show into e->state (0: none); returns whether the drop passes
 * -p/-u/-c. A request socket stands for its listener; a time-wait socket
 * has no owner. */
static __always_inline bool drop_owner(const struct sock *sk, struct tcpdrop_event *e,
				       struct net_owner *o)
{
	__u8 *from = &e->owner_from;

	e->state = 0;
	if (!sk)
		return sock_owner_none(o, from);
	e->state = sock_state(sk);
	if (e->state == TCP_NEW_SYN_RECV)
		return listener_owner_get(sk, o, from);
	if (e->state == TCP_TIME_WAIT)
		return sock_owner_none(o, from);
	/* A full socket: a TCP one, or (a raw socket sending TCP) none. */
	if (!sock_is_tcp(sk)) {
		e->state = 0;
		return sock_owner_none(o, from);
	}
	return sock_owner_get(sk, o, from);
}

static __always_inline void count_drop(__u32 reason)
{
	struct tcpdrop_count_key key = { .reason = reason };
	struct tcpdrop_count init = { .drops = 1 };

	if (!net_count(&counts, &key, &init))
		sonde_count_lost();
}

/* The event, with -K its kernel stack too. */
static __always_inline void send(void *ctx, struct tcpdrop_event *e)
{
	struct tcpdrop_stack_event *se;

	if (!STACK_EVENT_KERNEL) {
		sonde_output(ctx, e, sizeof(*e));
		return;
	}
	se = sonde_reserve(sizeof(*se));
	if (!se)
		return;
	se->e = *e;
	stack_event_kernel(ctx, &se->k);
	sonde_submit(ctx, se);
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(handle_kfree_skb, struct sk_buff *skb, void *location, enum skb_drop_reason reason)
{
	struct tcpdrop_event e = { .reason = reason, .location = (__u64)location };
	const struct sock *sk = NULL;
	struct net_owner o;

	if (!reason_pass(reason) || !skb_read_tcp(skb, &e.t, &e.flags) ||
	    !net_family_pass(e.t.family))
		return 0;
	if (has_rx_sk)
		sk = (const struct sock *)ctx[3];
	if (!sk)
		sk = skb->sk;
	if (!drop_owner(sk, &e, &o))
		return 0;
	if (count_mode) {
		count_drop(reason);
		return 0;
	}
	net_owner_hdr(&e.h, &o);
	send(ctx, &e);
	return 0;
}

/* Owners, as SOCK_OWNER_STATE_HANDLER remembers them, and listeners' by
 * address. */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(handle_owner_state, const struct sock *sk, int oldstate, int newstate)
{
	struct sock_owner so;
	__u64 key = (__u64)sk;

	if (!sock_is_tcp(sk))
		return 0;
	if (newstate == TCP_CLOSE) {
		sock_owner_forget(sk);
		bpf_map_delete_elem(&listener_owners, &key);
		return 0;
	}
	sock_owner_on_state(sk, newstate);
	if (newstate == TCP_LISTEN) {
		sock_owner_current(&so, NET_OWNER_LISTENER);
		bpf_map_update_elem(&listener_owners, &key, &so, BPF_ANY);
	}
	return 0;
}

SOCK_OWNER_ACCEPT_HANDLERS
