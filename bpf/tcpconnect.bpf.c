// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcpconnect: active TCP connects, on the inet_sock_set_state tracepoint.
 *
 * The CLOSE -> SYN_SENT transition runs in the context of whoever connects,
 * before the source port is chosen. Inside connect(), the socket and its
 * addresses are stashed per thread there and reported when connect()
 * returns, with the source port (inet_sport) set by then: a failed connect
 * has cleared the addresses, so they are not read again. A connect made
 * another way never returns through connect(): TCP Fast Open (sendto() or
 * sendmsg() with MSG_FASTOPEN), io_uring's IORING_OP_CONNECT (in
 * io_uring_enter() or an io_uring worker thread of the process), the
 * kernel's own. Its process is then remembered as the socket's owner and
 * the event is the transition out of SYN_SENT (ESTABLISHED, or CLOSE with
 * the socket's error), which usually runs in softirq context: what a
 * blocking connect() would have returned. With -L, every connect is
 * reported that way, with its latency and outcome. --count adds up connects
 * in a hash map instead of sending events.
 *
 * Neither way fills a table: the per-thread stash is the thread's own
 * storage and the owner the socket's (bpf/lib/net_owner.bpf.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "common/tcpconnect.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/net.bpf.h"
#include "bpf/lib/net_owner.bpf.h"
#include "bpf/lib/syscall.bpf.h"
#include "bpf/lib/net_count.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 count_mode = 0;
const volatile __u8 latency_mode = 0;
/* connect()'s syscall number on this architecture (user space sets it). */
const volatile __u32 connect_nr = 0;
const volatile __u16 dports[NET_MAX_PORTS] = {};
const volatile __u32 ndports = 0;

/* The socket a thread is connecting, from SYN_SENT to connect()'s return. */
struct connecting {
	struct entry_arm arm;
	__u64 sk;
	struct net_tuple t;
};

SONDE_ENTRY_STORE(connecting, struct connecting);

NET_COUNTS(counts, struct tcpconnect_key, struct tcpconnect_count, 10240);

static __always_inline void count_connect(const struct net_tuple *t)
{
	struct tcpconnect_key key = { .pid = bpf_get_current_pid_tgid() >> 32,
				      .dport = t->dport,
				      .family = t->family };
	struct tcpconnect_count init = { .connects = 1 };

	__builtin_memcpy(key.daddr, t->daddr, sizeof(key.daddr));
	net_owner_current(&init.o);
	if (!net_count(&counts, &key, &init))
		sonde_count_lost();
}

/* Inside connect(): the socket and its ends, for connect()'s return. */
static __always_inline void remember_connect(const struct sock *sk, const struct net_tuple *t)
{
	struct connecting *c = entry_store_get(&connecting);

	if (!c)
		return;
	c->sk = (__u64)sk;
	c->t = *t;
	entry_store_arm(&c->arm, connect_nr);
}

static __always_inline int on_syn_sent(const struct sock *sk)
{
	struct net_tuple t;

	if (!sonde_filter_pass())
		return 0;
	sock_read_tuple(sk, &t);
	if (!net_family_pass(t.family) || !net_port_pass(dports, ndports, t.dport))
		return 0;
	if (count_mode)
		count_connect(&t);
	else if (!latency_mode && sonde_current_syscall() == connect_nr)
		remember_connect(sk, &t);
	else if (!sock_owner_remember(sk))
		sonde_count_lost(); /* its outcome will find no owner */
	return 0;
}

/* The outcome, for -L: the latency and the result, ESTABLISHED or FAILED with
 * the socket's error. */
static __always_inline void fill_outcome(struct tcpconnect_event *e, const struct sock *sk,
					 __u64 since_ns, int newstate)
{
	e->lat_ns = e->h.ts_ns - since_ns;
	if (newstate == TCP_ESTABLISHED) {
		e->result = TCPCONNECT_ESTABLISHED;
		e->ret = 0;
	} else {
		e->result = TCPCONNECT_FAILED;
		e->ret = BPF_CORE_READ(sk, sk_err);
	}
}

/* The outcome, for a connect made without connect(): what a blocking
 * connect() would have returned, ECONNABORTED for a socket closed with no
 * error (as the kernel's connect() says then). */
static __always_inline void fill_return(struct tcpconnect_event *e, const struct sock *sk,
					int newstate)
{
	int err = BPF_CORE_READ(sk, sk_err);

	e->lat_ns = 0;
	e->result = TCPCONNECT_CALLED;
	e->ret = newstate == TCP_ESTABLISHED ? 0 : -(err ?: TCPCONNECT_ECONNABORTED);
}

/* The handshake's outcome, in whatever context it happens: reported for the
 * sockets whose owner on_syn_sent() remembered. */
static __always_inline int on_outcome(void *ctx, const struct sock *sk, int newstate)
{
	struct sock_owner *so = sock_owner_find(sk);
	struct tcpconnect_event *e;

	if (!so)
		return 0;
	e = sonde_reserve(sizeof(*e));
	if (e) {
		net_owner_hdr(&e->h, &so->o);
		sock_read_tuple(sk, &e->t);
		if (latency_mode)
			fill_outcome(e, sk, so->since_ns, newstate);
		else
			fill_return(e, sk, newstate);
		sonde_submit(ctx, e);
	}
	sock_owner_forget(sk);
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(handle_set_state, const struct sock *sk, int oldstate, int newstate)
{
	if (!sock_is_tcp(sk))
		return 0;
	if (newstate == TCP_SYN_SENT)
		return on_syn_sent(sk);
	/* A simultaneous open (SYN_SENT -> SYN_RECV) waits for its outcome. */
	if (!count_mode && oldstate == TCP_SYN_SENT && newstate != TCP_SYN_RECV)
		return on_outcome(ctx, sk, newstate);
	return 0;
}

static __always_inline void exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	struct tcpconnect_event *e;
	struct connecting *c;
	struct sock *sk;

	c = entry_store_take(&connecting, ctx->id);
	if (!c)
		return;
	e = sonde_reserve(sizeof(*e));
	if (!e)
		return;
	stream_hdr_current(&e->h, bpf_get_current_pid_tgid(), STREAM_UID);
	e->lat_ns = 0;
	e->ret = ctx->ret;
	e->result = TCPCONNECT_CALLED;
	e->t = c->t;
	sk = (struct sock *)c->sk;
	e->t.sport = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	sonde_submit(ctx, e);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int handle_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	exit_connect(ctx);
	return SONDE_TP_KEEP;
}
