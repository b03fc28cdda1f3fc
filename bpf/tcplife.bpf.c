// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcplife: TCP sessions as they close, on the inet_sock_set_state tracepoint.
 *
 * A session is born when its socket enters SYN_SENT (an active open, in
 * connect()) or SYN_RECV (a passive one: the child socket of a listener, in
 * softirq context), and reported when it enters CLOSE, with the bytes its
 * tcp_sock counted. Sessions born before tcplife started are not reported.
 * The owner is the process that connected, or the one that accepted the
 * socket (bpf/lib/net_owner.bpf.h); the close itself often runs in softirq
 * context, so the current task is never used. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "common/tcplife.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/net.bpf.h"
#include "bpf/lib/net_owner.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u16 lports[NET_MAX_PORTS] = {};
const volatile __u32 nlports = 0;
const volatile __u16 rports[NET_MAX_PORTS] = {};
const volatile __u32 nrports = 0;

/* When each session was born, by socket. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SOCK_OWNERS_MAX);
	__type(key, __u64);
	__type(value, __u64);
} births SEC(".maps");

static __always_inline void report_close(const struct sock *sk, __u64 born)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	struct tcplife_event *e;
	struct net_owner o;
	struct net_tuple t;

	if (!sock_owner_get(sk, &o))
		return;
	sock_read_tuple(sk, &t);
	if (!net_family_pass(t.family) || !net_port_pass(lports, nlports, t.sport) ||
	    !net_port_pass(rports, nrports, t.dport))
		return;
	e = sonde_reserve(sizeof(*e));
	if (!e)
		return;
	net_owner_hdr(&e->h, &o);
	e->t = t;
	e->dur_ns = e->h.ts_ns - born;
	e->tx_bytes = BPF_CORE_READ(tp, bytes_acked);
	e->rx_bytes = BPF_CORE_READ(tp, bytes_received);
	sonde_submit(e);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(handle_set_state, const struct sock *sk, int oldstate, int newstate)
{
	__u64 key = (__u64)sk, now, *born;

	if (!sock_is_tcp(sk))
		return 0;
	sock_owner_on_state(sk, newstate);
	if (newstate == TCP_SYN_SENT || newstate == TCP_SYN_RECV) {
		now = bpf_ktime_get_ns();
		bpf_map_update_elem(&births, &key, &now, BPF_NOEXIST);
		return 0;
	}
	if (newstate != TCP_CLOSE)
		return 0;
	born = bpf_map_lookup_elem(&births, &key);
	if (born) {
		report_close(sk, *born);
		bpf_map_delete_elem(&births, &key);
	}
	sock_owner_forget(sk);
	return 0;
}

SOCK_OWNER_ACCEPT_HANDLERS
