// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcpconnect: active TCP connects, on the inet_sock_set_state tracepoint and
 * connect()'s syscall tracepoints.
 *
 * connect()'s entry finds the socket behind its fd and, for a TCP socket that
 * is not connected yet, keeps it per thread with the caller's sockaddr as it
 * read then. The CLOSE -> SYN_SENT transition runs in the context of whoever
 * connects, before the source port is chosen: inside that connect(), it
 * keeps the socket's addresses, and the connect is reported when connect()
 * returns, with the source port (inet_sport) set by then: a failed connect
 * has cleared the addresses, so they are not read again. A connect() that
 * fails before its socket reaches SYN_SENT (no route, a cgroup program or an
 * LSM refusing it, a bad address) sends no SYN: it is reported at its
 * return too, with the destination the caller's sockaddr named at entry,
 * the socket's kernel copy of it not existing yet. A connect made another
 * way never returns through connect(): TCP Fast Open (sendto() or
 * sendmsg() with MSG_FASTOPEN), io_uring's IORING_OP_CONNECT (in
 * io_uring_enter() or an io_uring worker thread of the process), the
 * kernel's own. Its process is then remembered as the socket's owner and
 * the event is the transition out of SYN_SENT (ESTABLISHED, or CLOSE with
 * the socket's error), which usually runs in softirq context: what a
 * blocking connect() would have returned. With -L, every connect is
 * reported that way, with its latency and outcome, and a connect() that
 * failed before sending a SYN at its return. --count adds up connects
 * (those that reached SYN_SENT) in a hash map instead of sending events.
 *
 * Neither way fills a table: the per-thread state is the thread's own
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
const volatile __u16 dports[NET_MAX_PORTS] = {};
const volatile __u32 ndports = 0;

/* A connect() in flight, from its entry to its return. */
struct connecting {
	struct entry_arm arm;
	__u64 sk;		/* the socket behind the fd, at entry */
	__u64 since_ns;		/* the entry */
	struct net_tuple t;	/* the socket's ends at SYN_SENT */
	struct net_sockaddr sa; /* the destination asked for, at entry */
	__u8 syn_sent;		/* the socket reached SYN_SENT in this call */
	__u8 closed;		/* -L: and went back to CLOSE in it, with no socket error */
	__u8 pad[6];
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

/* The connect() this thread is in, when its entry was seen and it is
 * connecting sk; else NULL (a connect made another way). */
static __always_inline struct connecting *connect_of(const struct sock *sk)
{
	struct connecting *c = entry_store_peek(&connecting);

	return c && c->sk == (__u64)sk ? c : NULL;
}

static __always_inline int on_syn_sent(const struct sock *sk)
{
	struct connecting *c = count_mode ? NULL : connect_of(sk);
	struct net_tuple t;

	sock_read_tuple(sk, &t);
	/* Before the filters: the call's return must know a SYN went out. */
	if (c) {
		c->syn_sent = 1;
		c->t = t;
	}
	if (!sonde_filter_pass() || !net_family_pass(t.family) ||
	    !net_port_pass(dports, ndports, t.dport))
		return 0;
	if (count_mode)
		count_connect(&t);
	else if ((latency_mode || !c) && !sock_owner_remember(sk, NET_OWNER_CONNECT))
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

/* -L: the socket went back to CLOSE inside the connect() that moved it to
 * SYN_SENT, without a socket error: connect() failed on its own way to the
 * SYN (no source port left: EADDRNOTAVAIL) and returns why; its return
 * reports it. */
static __always_inline bool closed_in_connect(const struct sock *sk)
{
	struct connecting *c = connect_of(sk);

	if (!c || !c->syn_sent || BPF_CORE_READ(sk, sk_err))
		return false;
	c->closed = 1;
	return true;
}

/* The handshake's outcome, in whatever context it happens: reported for the
 * sockets whose owner on_syn_sent() remembered. */
static __always_inline int on_outcome(void *ctx, const struct sock *sk, int newstate)
{
	struct sock_owner *so = sock_owner_find(sk);
	struct tcpconnect_event *e;

	if (!so)
		return 0;
	if (newstate == TCP_CLOSE && closed_in_connect(sk)) {
		sock_owner_forget(sk);
		return 0;
	}
	e = sonde_reserve(sizeof(*e));
	if (e) {
		net_owner_hdr(&e->h, &so->o);
		sock_read_tuple(sk, &e->t);
		e->addr_from = STREAM_FROM_KERNEL;
		__builtin_memset(e->pad, 0, sizeof(e->pad));
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

SEC("tracepoint/syscalls/sys_enter_connect")
int handle_enter_connect(struct trace_event_raw_sys_enter *ctx)
{
	struct connecting *c;
	struct sock *sk;

	if (!sonde_filter_pass())
		return SONDE_TP_KEEP;
	sk = sock_from_fd(ctx->args[0]);
	/* A connected socket's connect() (EISCONN, EALREADY, or the outcome
	 * of an earlier non-blocking one) starts nothing. */
	if (!sk || !sock_is_tcp(sk) || sock_state(sk) != TCP_CLOSE ||
	    BPF_CORE_READ(sk, sk_socket, state) != SS_UNCONNECTED)
		return SONDE_TP_KEEP;
	c = entry_store_get(&connecting);
	if (!c)
		return SONDE_TP_KEEP;
	c->sk = (__u64)sk;
	c->since_ns = bpf_ktime_get_ns();
	c->syn_sent = 0;
	c->closed = 0;
	net_sockaddr_enter(&c->sa, ctx->args[1], ctx->args[2]);
	entry_store_arm(&c->arm, ctx->id);
	return SONDE_TP_KEEP;
}

/* The ends a connect() is reported with at its return: the socket's, when
 * it reached SYN_SENT in the call, with the source port chosen since (or
 * released again: 0); otherwise the socket never had a destination: the
 * local end it is bound to (if any), and the remote end the caller asked
 * for. Returns where the remote end came from. */
static __always_inline __u8 call_tuple(struct connecting *c, struct net_tuple *t)
{
	const struct sock *sk = (const struct sock *)c->sk;
	const struct inet_sock *inet = (const struct inet_sock *)sk;

	if (c->syn_sent) {
		*t = c->t;
		t->sport = bpf_ntohs(BPF_CORE_READ(inet, inet_sport));
		return STREAM_FROM_KERNEL;
	}
	sock_read_tuple(sk, t);
	__builtin_memset(t->daddr, 0, sizeof(t->daddr));
	return net_sockaddr_addr(&c->sa, t->family, t->daddr, &t->dport);
}

/* connect()'s return: what it returned, or, with -L, the outcome of a
 * connect that failed before its SYN went out. */
static __always_inline void report_return(void *ctx, struct connecting *c, long ret)
{
	struct tcpconnect_event *e;
	struct net_tuple t;
	__u8 from;

	from = call_tuple(c, &t);
	if (!net_family_pass(t.family) || !net_port_pass(dports, ndports, t.dport))
		return;
	e = sonde_reserve(sizeof(*e));
	if (!e)
		return;
	stream_hdr_current(&e->h, bpf_get_current_pid_tgid(), STREAM_UID);
	e->t = t;
	e->addr_from = from;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	e->lat_ns = latency_mode ? e->h.ts_ns - c->since_ns : 0;
	e->result = latency_mode ? TCPCONNECT_UNSENT : TCPCONNECT_CALLED;
	e->ret = latency_mode ? -ret : ret;
	sonde_submit(ctx, e);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int handle_exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	struct connecting *c = entry_store_take(&connecting, ctx->id);
	bool sent;

	if (!c)
		return SONDE_TP_KEEP;
	/* A connect whose SYN went out has its outcome reported by -L. */
	sent = c->syn_sent && !c->closed;
	if (sent ? !latency_mode : ctx->ret < 0)
		report_return(ctx, c, ctx->ret);
	return SONDE_TP_KEEP;
}
