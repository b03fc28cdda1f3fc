// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcprtt: TCP's smoothed round-trip time (the socket's srtt, as ss -ti
 * shows it), sampled each time an established socket receives a segment
 * (tp_btf/tcp_probe), counted in log-linear histograms per CPU: one for the
 * system, or one per local or remote address or per socket cgroup.
 *
 * tcp_probe runs in softirq context as often as not: -p and -c select by
 * the socket's owner (bpf/lib/net_owner.bpf.h), whose hooks are loaded only
 * then; --by-cgroup keys by the socket's own cgroup (the cgroup its creator
 * was in: sk_cgrp_data), which every socket has. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "common/tcprtt.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/net.bpf.h"
#include "bpf/lib/net_ports.bpf.h"
#include "bpf/lib/net_owner.bpf.h"
#include "bpf/lib/hist.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 tcprtt_by = TCPRTT_BY_ALL;

HIST_MAPS(hists, HIST_TASK_MAX_KEYS, __u64);

/* The address of each address key, written when the key is first counted
 * in an interval. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TCPRTT_ADDRS_MAX);
	__type(key, __u64);
	__type(value, struct tcprtt_addr);
} addrs SEC(".maps");

static __always_inline __u64 addr_key(const __u8 *addr, __u16 family)
{
	__u64 h = 0xcbf29ce484222325ULL;
	__u32 a4;

	if (family == NET_AF_INET) {
		__builtin_memcpy(&a4, addr, 4);
		return TCPRTT_ADDR_KEY(family, a4);
	}
	for (int i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 0x100000001b3ULL;
	return TCPRTT_ADDR_KEY(family, h);
}

static __always_inline __u64 sock_cgroup_id(const struct sock *sk)
{
	return BPF_CORE_READ(sk, sk_cgrp_data.cgroup, kn, id);
}

/* The histogram key of sk's sample; the address it names in *a. */
static __always_inline __u64 rtt_key(const struct sock *sk, const struct net_tuple *t,
				     struct tcprtt_addr *a)
{
	const __u8 *addr = tcprtt_by == TCPRTT_BY_LADDR ? t->saddr : t->daddr;

	if (tcprtt_by == TCPRTT_BY_CGROUP)
		return sock_cgroup_id(sk);
	if (tcprtt_by == TCPRTT_BY_ALL)
		return 0;
	__builtin_memcpy(a->addr, addr, sizeof(a->addr));
	a->family = t->family;
	__builtin_memset(a->pad, 0, sizeof(a->pad));
	return addr_key(a->addr, t->family);
}

/* -p and -c: the socket's owner passes them (counted when not known). */
static __always_inline bool owner_pass(const struct sock *sk)
{
	struct net_owner o;
	__u8 from;

	if (!sonde_filter_active())
		return true;
	return sock_owner_get(sk, &o, &from);
}

SEC("tp_btf/tcp_probe")
int BPF_PROG(handle_probe, struct sock *sk, const struct sk_buff *skb)
{
	struct tcprtt_addr a;
	struct net_tuple t;
	__u32 srtt_us;
	__u64 key;

	sock_read_tuple(sk, &t);
	if (!net_ports_pass(&t))
		return 0;
	/* srtt_us is kept eight times over; 0 before the first sample. */
	srtt_us = BPF_CORE_READ((struct tcp_sock *)sk, srtt_us) >> 3;
	if (!srtt_us || !owner_pass(sk))
		return 0;
	key = rtt_key(sk, &t, &a);
	if (hist_record(&hists, &hists_a, &key, (__u64)srtt_us * 1000) &&
	    (tcprtt_by == TCPRTT_BY_LADDR || tcprtt_by == TCPRTT_BY_RADDR))
		bpf_map_update_elem(&addrs, &key, &a, BPF_ANY);
	return 0;
}

SOCK_OWNER_STATE_HANDLER
SOCK_OWNER_ACCEPT_HANDLERS
