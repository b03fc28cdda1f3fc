// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcpretrans: TCP retransmissions, on the tcp_retransmit_skb and
 * tcp_retransmit_synack tracepoints (tp_btf: the socket itself).
 *
 * Retransmissions mostly run in softirq context (the retransmission and
 * loss-probe timers, incoming ACKs), where the current task is whoever was
 * interrupted; so they are attributed to the socket's owner, remembered at
 * connect, listen and accept (bpf/lib/net_owner.bpf.h). A SYN-ACK sent again
 * belongs to the listener's owner. The kind of retransmission comes from the
 * socket's congestion state: the timer has put it in Loss before it
 * retransmits, fast retransmit runs in Recovery, and a tail loss probe is
 * only sent in Open or CWR. --count adds up retransmissions per flow in a
 * hash map instead of sending events.
 *
 * Since Linux 6.17 tcp_retransmit_skb also fires for an attempt that sent
 * nothing (no route, a netfilter drop on output, no memory, the previous
 * copy still in the host's queue), with the error as a third argument;
 * before, it fired for sent retransmissions only. The kernel's BTF says
 * which: the tracepoint's record (trace_event_raw_tcp_retransmit_skb) has
 * an err field exactly when the tracepoint passes one. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "common/tcpretrans.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/net.bpf.h"
#include "bpf/lib/net_owner.bpf.h"
#include "bpf/lib/net_count.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 count_mode = 0;

NET_COUNTS(counts, struct net_tuple, struct tcpretrans_count, 10240);

static __always_inline __u8 retransmit_type(const struct sock *sk)
{
	struct inet_connection_sock *icsk = (struct inet_connection_sock *)sk;

	switch (BPF_CORE_READ_BITFIELD_PROBED(icsk, icsk_ca_state)) {
	case TCP_CA_Loss:
		return TCPRETRANS_RTO;
	case TCP_CA_Recovery:
		return TCPRETRANS_FAST;
	case TCP_CA_Open:
	case TCP_CA_CWR:
		return TCPRETRANS_TLP;
	default:
		return TCPRETRANS_OTHER;
	}
}

/* The record of the 6.17+ tracepoint, for CO-RE to say whether it has err. */
struct trace_event_raw_tcp_retransmit_skb___err {
	int err;
} __attribute__((preserve_access_index));

/* owner_sk: the socket whose owner the event is attributed to; err: 0, or
 * the negative errno of an attempt that sent nothing. */
static __always_inline void report(void *ctx, const struct sock_common *skc, const void *owner_sk,
				   __u8 state, __u8 type, int err)
{
	struct tcpretrans_event *e;
	struct tcpretrans_count init = { .retransmits = 1 };
	struct net_tuple t;
	__u8 from;

	skc_read_tuple(skc, &t);
	if (!net_family_pass(t.family) || !sock_owner_get(owner_sk, &init.o, &from))
		return;
	if (count_mode) {
		if (!net_count(&counts, &t, &init))
			sonde_count_lost();
		return;
	}
	e = sonde_reserve(sizeof(*e));
	if (!e)
		return;
	net_owner_hdr(&e->h, &init.o);
	e->t = t;
	e->state = state;
	e->type = type;
	e->owner_from = from;
	e->pad = 0;
	e->err = -err;
	sonde_submit(ctx, e);
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(handle_retransmit, const struct sock *sk, const struct sk_buff *skb)
{
	int err = 0;

	/* Read only where it exists: the verifier refuses a 3rd argument of a
	 * tracepoint that has two, and skips this on such kernels. */
	if (bpf_core_field_exists(struct trace_event_raw_tcp_retransmit_skb___err, err))
		err = (int)ctx[2];
	report(ctx, &sk->__sk_common, sk, sock_state(sk), retransmit_type(sk), err);
	return 0;
}

/* A request socket has no state a user knows: the connection is SYN_RECV. */
SEC("tp_btf/tcp_retransmit_synack")
int BPF_PROG(handle_retransmit_synack, const struct sock *listener, const struct request_sock *req)
{
	report(ctx, &req->__req_common, listener, TCP_SYN_RECV, TCPRETRANS_SYNACK, 0);
	return 0;
}

SOCK_OWNER_STATE_HANDLER
SOCK_OWNER_ACCEPT_HANDLERS
