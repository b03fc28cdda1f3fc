/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The "owner" of a socket: the process it belongs to, for events that
 * happen in softirq context (a session closing, a retransmit, a drop),
 * where the current task is whoever was interrupted.
 *
 * The owner is remembered where it is the current task: when it connects
 * (the CLOSE -> SYN_SENT transition runs in connect()), listens (CLOSE ->
 * LISTEN, in listen(), after any bind()) or accepts (the accept syscalls'
 * exit, from the returned fd). Every owner is remembered, with whether it
 * passes -p/-u/-c and where it came from (enum net_owner_from); an event is
 * then reported when its owner passes them.
 *
 * Nothing a user does can push another's owner out:
 * - connect and listen write the socket's own storage (sk storage: no size
 *   to fill; it lives and dies with the socket), and a connection a
 *   listener receives starts with a copy of the listener's (BPF_F_CLONE):
 *   until a process accepts it (through accept() or not: io_uring), it
 *   belongs to the listener's owner;
 * - accept is seen by a syscall tracepoint, whose programs cannot reach a
 *   socket's storage: who accepted is kept in a hash by socket address.
 *   When that is full, the connection keeps its listener's owner, and the
 *   tool counts it (STREAM_OWNER_LISTENER).
 * An event whose socket has no known owner (opened before the tool started,
 * or its storage could not be made) is counted (STREAM_NO_OWNER); it is
 * reported with no owner, unless -p, -u or -c is given: then it cannot be
 * told apart and the count is what the user sees of it.
 *
 * Include after bpf/lib/net.bpf.h and bpf/lib/stream.bpf.h. */
#ifndef SONDE_BPF_LIB_NET_OWNER_BPF_H
#define SONDE_BPF_LIB_NET_OWNER_BPF_H

#include "bpf/lib/net.bpf.h"
#include "bpf/lib/stream.bpf.h"

/* Connections whose accepting process is remembered at once. */
#define SOCK_OWNERS_MAX 16384

struct sock_owner {
	struct net_owner o;
	__u64 since_ns; /* when it was remembered (connect start for SYN_SENT) */
	__u8 passes;	/* the owner passes -p/-u/-c */
	__u8 from;	/* enum net_owner_from */
	__u8 pad[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct sock_owner);
} sock_owners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SOCK_OWNERS_MAX);
	__type(key, __u64);
	__type(value, struct sock_owner);
} accept_owners SEC(".maps");

/* -p, -u or -c was given. */
static __always_inline bool sonde_filter_active(void)
{
	return FILTER_TGID || FILTER_UID != SONDE_UID_ANY || FILTER_CGROUP;
}

/* The current task as an owner, come from `from`. */
static __always_inline void sock_owner_current(struct sock_owner *so, __u8 from)
{
	so->since_ns = bpf_ktime_get_ns();
	so->passes = sonde_filter_pass();
	so->from = from;
	__builtin_memset(so->pad, 0, sizeof(so->pad));
	net_owner_current(&so->o);
}

/* Remembers the current task as sk's owner, in sk's storage; false when it
 * could not be made (no memory, or the socket's option memory is used up). */
static __always_inline bool sock_owner_remember(const struct sock *sk, __u8 from)
{
	struct sock_owner *so =
	    bpf_sk_storage_get(&sock_owners, (struct sock *)sk, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!so)
		return false;
	sock_owner_current(so, from);
	return true;
}

static __always_inline struct sock_owner *sock_owner_find(const struct sock *sk)
{
	__u64 key = (__u64)sk;
	struct sock_owner *so = bpf_map_lookup_elem(&accept_owners, &key);

	if (so)
		return so;
	return bpf_sk_storage_get(&sock_owners, (struct sock *)sk, 0, 0);
}

static __always_inline void sock_owner_forget(const struct sock *sk)
{
	__u64 key = (__u64)sk;

	bpf_map_delete_elem(&accept_owners, &key);
	bpf_sk_storage_delete(&sock_owners, (struct sock *)sk);
}

/* An event with no socket, or one that has no owner by nature (a time-wait
 * socket): *o is zero, *from NET_OWNER_NONE; the event passes unless -p, -u
 * or -c was given. */
static __always_inline bool sock_owner_none(struct net_owner *o, __u8 *from)
{
	__builtin_memset(o, 0, sizeof(*o));
	*from = NET_OWNER_NONE;
	return !sonde_filter_active();
}

/* An event about a socket whose owner is not known: counted, then as
 * sock_owner_none(). */
static __always_inline bool sock_owner_unknown(struct net_owner *o, __u8 *from)
{
	sonde_count(STREAM_NO_OWNER);
	return sock_owner_none(o, from);
}

/* Copies so's owner into *o and where it came from into *from (so NULL: not
 * known). Returns whether the event passes -p/-u/-c. */
static __always_inline bool sock_owner_copy(const struct sock_owner *so, struct net_owner *o,
					    __u8 *from)
{
	if (!so)
		return sock_owner_unknown(o, from);
	*o = so->o;
	*from = so->from;
	return so->passes;
}

/* Copies sk's owner into *o (zero when unknown) and where it came from into
 * *from. Returns whether the event passes -p/-u/-c. sk is the socket a
 * BTF-typed hook handed over. */
static __always_inline bool sock_owner_get(const struct sock *sk, struct net_owner *o, __u8 *from)
{
	return sock_owner_copy(sock_owner_find(sk), o, from);
}

/* To call from a tool's inet_sock_set_state handler: remembers the owner
 * when a TCP socket starts connecting or listening (process context). */
static __always_inline void sock_owner_on_state(const struct sock *sk, int newstate)
{
	if (newstate == TCP_SYN_SENT)
		sock_owner_remember(sk, NET_OWNER_CONNECT);
	else if (newstate == TCP_LISTEN)
		sock_owner_remember(sk, NET_OWNER_LISTENER);
}

/* The state hook of tools that only need owners: remembers them, and
 * forgets them when the socket closes (its address may be reused). */
#define SOCK_OWNER_STATE_HANDLER                                                                   \
	SEC("tp_btf/inet_sock_set_state")                                                          \
	int BPF_PROG(handle_owner_state, const struct sock *sk, int oldstate, int newstate)        \
	{                                                                                          \
		if (!sock_is_tcp(sk))                                                              \
			return 0;                                                                  \
		if (newstate == TCP_CLOSE)                                                         \
			sock_owner_forget(sk);                                                     \
		else                                                                               \
			sock_owner_on_state(sk, newstate);                                         \
		return 0;                                                                          \
	}

/* To call from the accept syscalls' exit: remembers the accepting process
 * as the owner of the new connection's socket. */
static __always_inline void sock_owner_on_accept(long fd)
{
	struct sock_owner so;
	struct sock *sk;
	__u64 key;

	if (fd < 0)
		return;
	sk = sock_from_fd(fd);
	if (!sk || !sock_is_tcp(sk))
		return;
	key = (__u64)sk;
	sock_owner_current(&so, NET_OWNER_ACCEPT);
	if (bpf_map_update_elem(&accept_owners, &key, &so, BPF_ANY))
		sonde_count(STREAM_OWNER_LISTENER);
}

/* The accept hooks, for tools that only need owners from them. */
#define SOCK_OWNER_ACCEPT_HANDLERS                                                                 \
	SEC("tracepoint/syscalls/sys_exit_accept4")                                                \
	int handle_owner_accept4(struct trace_event_raw_sys_exit *ctx)                             \
	{                                                                                          \
		sock_owner_on_accept(ctx->ret);                                                    \
		return SONDE_TP_KEEP;                                                              \
	}                                                                                          \
	SEC("tracepoint/syscalls/sys_exit_accept")                                                 \
	int handle_owner_accept(struct trace_event_raw_sys_exit *ctx)                              \
	{                                                                                          \
		sock_owner_on_accept(ctx->ret);                                                    \
		return SONDE_TP_KEEP;                                                              \
	}

#endif
