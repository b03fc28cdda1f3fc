/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Sockets for the network tools: a struct sock's addresses, ports and state
 * read with CO-RE, the socket behind a file descriptor, the -4/-6 and port
 * filters, the current task as a socket's owner (the owner of a socket seen
 * in softirq context is in bpf/lib/net_owner.bpf.h), and an owner as the
 * header of an event.
 *
 * Include after vmlinux.h and the bpf_*.h headers. */
#ifndef SONDE_BPF_LIB_NET_BPF_H
#define SONDE_BPF_LIB_NET_BPF_H

#include "common/net.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/task.bpf.h"

/* -4/-6: only this family; 0 for both. */
const volatile __u16 net_family = 0;

static __always_inline bool net_family_pass(__u16 family)
{
	if (family != NET_AF_INET && family != NET_AF_INET6)
		return false;
	return !net_family || family == net_family;
}

/* port is in ports[0..n); an empty list lets every port pass. */
static __always_inline bool net_port_pass(const volatile __u16 *ports, __u32 n, __u16 port)
{
	if (!n)
		return true;
	for (__u32 i = 0; i < NET_MAX_PORTS && i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

/* Family, addresses and ports of a socket, a request socket or a time-wait
 * socket: all begin with a struct sock_common. */
static __always_inline void skc_read_tuple(const struct sock_common *skc, struct net_tuple *t)
{
	t->family = BPF_CORE_READ(skc, skc_family);
	t->sport = BPF_CORE_READ(skc, skc_num);
	t->dport = bpf_ntohs(BPF_CORE_READ(skc, skc_dport));
	t->pad = 0;
	__builtin_memset(t->saddr, 0, sizeof(t->saddr));
	__builtin_memset(t->daddr, 0, sizeof(t->daddr));
	if (t->family == NET_AF_INET6) {
		BPF_CORE_READ_INTO(&t->saddr, skc, skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&t->daddr, skc, skc_v6_daddr);
	} else {
		BPF_CORE_READ_INTO((__u32 *)t->saddr, skc, skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)t->daddr, skc, skc_daddr);
	}
}

/* The same for a full socket. Its local port is also read from inet_sport:
 * a socket going to CLOSE has released its port (skc_num is 0) by the time
 * inet_sock_set_state fires on some kernels (6.1), and a failed connect()
 * returns with it released. */
static __always_inline void sock_read_tuple(const struct sock *sk, struct net_tuple *t)
{
	skc_read_tuple(&sk->__sk_common, t);
	if (!t->sport)
		t->sport = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
}

static __always_inline __u8 sock_state(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_state);
}

static __always_inline bool sock_is_tcp(const struct sock *sk)
{
	return BPF_CORE_READ(sk, sk_protocol) == IPPROTO_TCP;
}

/* A caller's sockaddr (bind(), connect()), copied as the call entered:
 * another thread of the caller can rewrite it while the call runs, and the
 * kernel's own copy is out of a tracepoint's reach. */
struct net_sockaddr {
	__u64 uaddr;
	__u32 len; /* bytes read: at most a sockaddr_in6's 28 */
	__u8 from; /* enum stream_from of sa */
	__u8 pad[3];
	__u8 sa[32]; /* as read; zero beyond len */
};

#define NET_SOCKADDR_MAX 28

static __always_inline bool net_sockaddr_read(struct net_sockaddr *s)
{
	__u32 len = s->len;

	if (len > NET_SOCKADDR_MAX)
		len = NET_SOCKADDR_MAX;
	return !bpf_probe_read_user(s->sa, len, (void *)s->uaddr);
}

/* At the call's entry: the len bytes at uaddr. A page not yet in memory
 * (a constant nothing has read yet) cannot be read here: it is read again
 * at exit, once the kernel has loaded it (from: STREAM_FROM_EXIT). */
static __always_inline void net_sockaddr_enter(struct net_sockaddr *s, __u64 uaddr, __u64 len)
{
	s->uaddr = uaddr;
	s->len = len > NET_SOCKADDR_MAX ? NET_SOCKADDR_MAX : len;
	__builtin_memset(s->sa, 0, sizeof(s->sa));
	s->from = net_sockaddr_read(s) ? STREAM_FROM_ENTRY : STREAM_FROM_EXIT;
}

/* At the call's exit: the address (addr[16], network order) and port (host
 * order) the sockaddr names, read as a socket of family lays it out (an
 * AF_INET socket also takes AF_UNSPEC; an AF_INET6 one given another
 * family's sockaddr shows "::"); returns where it came from. */
static __always_inline __u8 net_sockaddr_addr(struct net_sockaddr *s, __u16 family, __u8 *addr,
					      __u16 *port)
{
	__u16 sa_family = 0, p = 0;

	if (s->from == STREAM_FROM_EXIT && !net_sockaddr_read(s))
		__builtin_memset(s->sa, 0, sizeof(s->sa));
	__builtin_memcpy(&sa_family, &s->sa[0], 2);
	__builtin_memcpy(&p, &s->sa[2], 2);
	*port = bpf_ntohs(p);
	if (family == NET_AF_INET)
		__builtin_memcpy(addr, &s->sa[4], 4);
	else if (sa_family == NET_AF_INET6)
		__builtin_memcpy(addr, &s->sa[8], 16);
	return s->from;
}

/* The socket behind the current task's file descriptor fd, or NULL when fd
 * is not a socket (its file's private data is checked to be a struct socket
 * that points back at the file). */
static __always_inline struct sock *sock_from_fd(int fd)
{
	struct file *file = sonde_fd_file(fd);
	struct socket *sock;

	if (!file)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	if (!sock || BPF_CORE_READ(sock, file) != file)
		return NULL;
	return BPF_CORE_READ(sock, sk);
}

/* The current task, as an owner. */
static __always_inline void net_owner_current(struct net_owner *o)
{
	o->cgroup_id = bpf_get_current_cgroup_id();
	o->pid = bpf_get_current_pid_tgid() >> 32;
	o->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(o->comm, sizeof(o->comm));
}

/* The header of an event about a socket whose owner is o (pid 0: not known),
 * at the time of the call; the owner's thread is not remembered (tid 0). */
static __always_inline void net_owner_hdr(struct stream_hdr *h, const struct net_owner *o)
{
	h->ts_ns = bpf_ktime_get_ns();
	h->cgroup_id = o->cgroup_id;
	h->pid = o->pid;
	h->tid = 0;
	h->uid = o->uid;
	h->pad = 0;
	__builtin_memcpy(h->comm, o->comm, sizeof(h->comm));
}

#endif
