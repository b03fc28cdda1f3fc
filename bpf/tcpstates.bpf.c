// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcpstates: every TCP state change, on the inet_sock_set_state tracepoint,
 * with the time the socket spent in the state it leaves.
 *
 * The time of a socket's last change is kept in the socket's own storage
 * (no table to fill) and forgotten when it enters CLOSE. A socket's first
 * change seen has no previous one: its duration is not known. Events are
 * attributed to the socket's owner (bpf/lib/net_owner.bpf.h), never to the
 * current task: most changes (ESTABLISHED after a SYN-ACK, FIN_WAIT2 after
 * an ACK) run in softirq context, on behalf of whoever was interrupted. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "common/tcpstates.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/net.bpf.h"
#include "bpf/lib/net_ports.bpf.h"
#include "bpf/lib/net_owner.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* When each socket last changed state, in the socket (0: not seen). Not
 * cloned: a listener's time is not its connections'. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} changes SEC(".maps");

/* The time in the state left, now that the socket changes again at now; the
 * change is remembered whether or not it is reported. */
static __always_inline __u64 time_in_state(const struct sock *sk, __u64 now)
{
	__u64 *last =
	    bpf_sk_storage_get(&changes, (struct sock *)sk, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	__u64 dur = TCPSTATES_DUR_UNKNOWN;

	if (!last)
		return dur;
	if (*last)
		dur = now - *last;
	*last = now;
	return dur;
}

static __always_inline void report(void *ctx, const struct sock *sk, int oldstate, int newstate,
				   __u64 now, __u64 dur)
{
	struct tcpstates_event *e;
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
	e->h.ts_ns = now;
	e->t = t;
	e->cookie = bpf_get_socket_cookie((void *)sk);
	e->dur_ns = dur;
	e->oldstate = oldstate;
	e->newstate = newstate;
	e->owner_from = from;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	sonde_submit(ctx, e);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(handle_set_state, const struct sock *sk, int oldstate, int newstate)
{
	__u64 now, dur;

	if (!sock_is_tcp(sk))
		return 0;
	sock_owner_on_state(sk, newstate);
	now = bpf_ktime_get_ns();
	dur = time_in_state(sk, now);
	report(ctx, sk, oldstate, newstate, now, dur);
	if (newstate == TCP_CLOSE) {
		bpf_sk_storage_delete(&changes, (struct sock *)sk);
		sock_owner_forget(sk);
	}
	return 0;
}

SOCK_OWNER_ACCEPT_HANDLERS
