/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The "owner" of a socket: the process it belongs to, for events that
 * happen in softirq context (a session closing, a retransmit, a drop),
 * where the current task is whoever was interrupted.
 *
 * The owner is remembered where it is the current task, keyed by the
 * socket's address: when it connects (the CLOSE -> SYN_SENT transition runs
 * in connect()), listens (CLOSE -> LISTEN, in listen(), after any bind()) or
 * accepts (the accept syscalls' exit, from the returned fd). Such events are
 * then attributed only when the owner is known, and -p/-u/-c apply to the
 * owner: an owner is remembered only when it passes them, and an event whose
 * socket has no known owner is dropped when any of them is given.
 *
 * Include after bpf/lib/net.bpf.h. */
#ifndef SONDE_BPF_LIB_NET_OWNER_BPF_H
#define SONDE_BPF_LIB_NET_OWNER_BPF_H

#include "bpf/lib/net.bpf.h"

/* Sockets whose owner is remembered at once; the least recently used go
 * first, so a socket older than 16384 newer ones may lose its owner. */
#define SOCK_OWNERS_MAX 16384

struct sock_owner {
	struct net_owner o;
	__u64 since_ns; /* when it was remembered (connect start for SYN_SENT) */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SOCK_OWNERS_MAX);
	__type(key, __u64);
	__type(value, struct sock_owner);
} sock_owners SEC(".maps");

/* -p, -u or -c was given. */
static __always_inline bool sonde_filter_active(void)
{
	return FILTER_TGID || FILTER_UID != SONDE_UID_ANY || FILTER_CGROUP;
}

/* Remembers the current task as sk's owner, if it passes -p/-u/-c. */
static __always_inline void sock_owner_remember(const void *sk)
{
	struct sock_owner so = { .since_ns = bpf_ktime_get_ns() };
	__u64 key = (__u64)sk;

	if (!sonde_filter_pass())
		return;
	net_owner_current(&so.o);
	bpf_map_update_elem(&sock_owners, &key, &so, BPF_ANY);
}

static __always_inline struct sock_owner *sock_owner_find(const void *sk)
{
	__u64 key = (__u64)sk;

	return bpf_map_lookup_elem(&sock_owners, &key);
}

static __always_inline void sock_owner_forget(const void *sk)
{
	__u64 key = (__u64)sk;

	bpf_map_delete_elem(&sock_owners, &key);
}

/* Copies sk's owner into *o (zero when unknown). Returns whether the event
 * passes -p/-u/-c: its owner is known, or no such filter was given. */
static __always_inline bool sock_owner_get(const void *sk, struct net_owner *o)
{
	struct sock_owner *so = sk ? sock_owner_find(sk) : NULL;

	if (so) {
		*o = so->o;
		return true;
	}
	__builtin_memset(o, 0, sizeof(*o));
	return !sonde_filter_active();
}

/* To call from a tool's inet_sock_set_state handler: remembers the owner
 * when a TCP socket starts connecting or listening (process context). */
static __always_inline void sock_owner_on_state(const struct sock *sk, int newstate)
{
	if (newstate == TCP_SYN_SENT || newstate == TCP_LISTEN)
		sock_owner_remember(sk);
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
	struct sock *sk;

	if (fd < 0)
		return;
	sk = sock_from_fd(fd);
	if (sk && sock_is_tcp(sk))
		sock_owner_remember(sk);
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
