// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcplife: TCP sessions as they close, on the inet_sock_set_state tracepoint.
 *
 * A session is born when its socket enters SYN_SENT (an active open, in
 * connect()) or SYN_RECV (a passive one: the child socket of a listener, in
 * softirq context), and reported when it enters CLOSE, with the bytes its
 * tcp_sock counted. Sessions born before tcplife started are not reported.
 * The owner is the process that connected, or the one that accepted the
 * socket, or until then its listener's (bpf/lib/net_owner.bpf.h), and the
 * event says which; the close itself often runs in softirq context, so the
 * current task is never used.
 * A birth is kept in the socket's own storage: no table to fill. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "common/tcplife.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/net.bpf.h"
#include "bpf/lib/net_ports.bpf.h"
#include "bpf/lib/net_owner.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* When each session was born, in its socket (0: not yet). */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} births SEC(".maps");

static __always_inline void report_close(void *ctx, const struct sock *sk, __u64 born)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	struct tcplife_event *e;
	struct net_owner o;
	struct net_tuple t;
	__u8 from;

	if (!sock_owner_get(sk, &o, &from))
		return;
	sock_read_tuple(sk, &t);
	if (!net_ports_pass(&t))
		return;
	e = sonde_reserve(sizeof(*e));
	if (!e)
		return;
	net_owner_hdr(&e->h, &o);
	e->t = t;
	e->dur_ns = e->h.ts_ns - born;
	e->tx_bytes = BPF_CORE_READ(tp, bytes_acked);
	e->rx_bytes = BPF_CORE_READ(tp, bytes_received);
	e->owner_from = from;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	sonde_submit(ctx, e);
}

/* A session starts (the first of SYN_SENT and SYN_RECV, for a simultaneous
 * open); one whose birth cannot be kept will not be reported: lost. */
static __always_inline void remember_birth(const struct sock *sk)
{
	__u64 *born =
	    bpf_sk_storage_get(&births, (struct sock *)sk, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!born)
		sonde_count_lost();
	else if (!*born)
		*born = bpf_ktime_get_ns();
}

static __always_inline void on_close(void *ctx, const struct sock *sk)
{
	__u64 *born = bpf_sk_storage_get(&births, (struct sock *)sk, 0, 0);

	if (born && *born)
		report_close(ctx, sk, *born);
	bpf_sk_storage_delete(&births, (struct sock *)sk);
	sock_owner_forget(sk);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(handle_set_state, const struct sock *sk, int oldstate, int newstate)
{
	if (!sock_is_tcp(sk))
		return 0;
	sock_owner_on_state(sk, newstate);
	if (newstate == TCP_SYN_SENT || newstate == TCP_SYN_RECV)
		remember_birth(sk);
	else if (newstate == TCP_CLOSE)
		on_close(ctx, sk);
	return 0;
}

SOCK_OWNER_ACCEPT_HANDLERS
