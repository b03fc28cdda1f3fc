// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcptop: the bytes each process sends and receives on each TCP flow, from
 * the sock:sock_send_length and sock:sock_recv_length tracepoints (Linux
 * 6.3+), which fire in the sending or receiving task as sock_sendmsg() and
 * sock_recvmsg() return: write(), send(), sendfile() and splice() to a
 * socket, io_uring's sends and their reads alike. The current task is the
 * one that moved the bytes. Counted per CPU in the map of this interval
 * (bpf/lib/dbuf.bpf.h). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "common/tcptop.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/net.bpf.h"
#include "bpf/lib/dbuf.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* recvmsg()'s flag that leaves the data queued: read again later. */
#define TCPTOP_MSG_PEEK 2

DBUF_MAPS(flows, BPF_MAP_TYPE_PERCPU_HASH, BPF_F_NO_PREALLOC, TCPTOP_MAX_FLOWS, struct tcptop_key,
	  struct tcptop_val);

static __always_inline void add_in(void *map, const struct tcptop_key *k, __u64 bytes, bool tx)
{
	static const struct tcptop_val zero;
	struct tcptop_val *v = bpf_map_lookup_elem(map, k);

	if (!v) {
		/* Fails when another CPU made it first (then found below) or
		 * the map is full. */
		bpf_map_update_elem(map, k, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(map, k);
		if (!v) {
			sonde_count_lost();
			return;
		}
	}
	if (tx)
		v->tx_bytes += bytes;
	else
		v->rx_bytes += bytes;
}

static __always_inline void count(struct sock *sk, int ret, bool tx)
{
	struct tcptop_key k;
	void *map;

	if (ret <= 0 || !sock_is_tcp(sk) || !sonde_filter_pass())
		return;
	sock_read_tuple(sk, &k.t);
	if (!net_family_pass(k.t.family))
		return;
	k.cgroup_id = bpf_get_current_cgroup_id();
	k.pid = bpf_get_current_pid_tgid() >> 32;
	k.pad = 0;
	bpf_get_current_comm(k.comm, sizeof(k.comm));
	/* Two call sites, one per map: see dbuf_current(). */
	map = dbuf_current(&flows);
	if (map) {
		add_in(map, &k, ret, tx);
		return;
	}
	add_in(&flows_a, &k, ret, tx);
	asm volatile("" ::: "memory");
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(handle_send, struct sock *sk, int ret, int flags)
{
	count(sk, ret, true);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(handle_recv, struct sock *sk, int ret, int flags)
{
	if (!(flags & TCPTOP_MSG_PEEK))
		count(sk, ret, false);
	return 0;
}
