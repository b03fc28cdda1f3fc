/* Sockets for the network tools: a struct sock's addresses, ports and state
 * read with CO-RE, the socket behind a file descriptor, the -4/-6 and port
 * filters, and the "owner" of a socket.
 *
 * Many TCP events (a session closing, a retransmit, a drop) happen in softirq
 * context, where the current task is whoever was interrupted. So the process
 * that owns a socket is remembered where it is the current task, when it
 * connects (the CLOSE -> SYN_SENT transition runs in connect()), listens
 * (CLOSE -> LISTEN, in listen()) or accepts (the accept syscalls' exit, from
 * the returned fd), keyed by the socket's address. Such events are then
 * attributed only when the owner is known, and -p/-u/-c apply to the owner:
 * an owner is remembered only when it passes them, and an event whose socket
 * has no known owner is dropped when any of them is given.
 *
 * Include after vmlinux.h and the bpf_*.h headers. */
#ifndef SONDE_SOCK_BPF_H
#define SONDE_SOCK_BPF_H

#include "net.h"
#include "lib/filter.bpf.h"

/* -4/-6: only this family; 0 for both. */
const volatile __u16 net_family = 0;

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

/* The socket behind the current task's file descriptor fd, or NULL when fd
 * is not a socket (its file's private data is checked to be a struct socket
 * that points back at the file). */
static __always_inline struct sock *sock_from_fd(int fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;
	struct socket *sock;

	if (fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	if (!sock || BPF_CORE_READ(sock, file) != file)
		return NULL;
	return BPF_CORE_READ(sock, sk);
}

/* -p, -u or -c was given. */
static __always_inline bool sonde_filter_active(void)
{
	return sonde_filter_tgid || sonde_filter_uid != SONDE_UID_ANY || sonde_filter_cgroup;
}

/* The current task, as an owner. */
static __always_inline void net_owner_current(struct net_owner *o)
{
	o->cgroup_id = bpf_get_current_cgroup_id();
	o->pid = bpf_get_current_pid_tgid() >> 32;
	o->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(o->comm, sizeof(o->comm));
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
		return 0;                                                                          \
	}                                                                                          \
	SEC("tracepoint/syscalls/sys_exit_accept")                                                 \
	int handle_owner_accept(struct trace_event_raw_sys_exit *ctx)                              \
	{                                                                                          \
		sock_owner_on_accept(ctx->ret);                                                    \
		return 0;                                                                          \
	}

#endif
