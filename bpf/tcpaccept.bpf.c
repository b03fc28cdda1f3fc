// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* tcpaccept: accepted TCP connections, at the return of accept4()/accept().
 *
 * The returned file descriptor leads to the new connection's socket
 * (bpf/lib/net.bpf.h), read in the accepting process's own context: the
 * PID is the process that accepted, not whichever task the handshake
 * interrupted. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "common/tcpaccept.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/net.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* -P: local ports. */
const volatile __u16 lports[NET_MAX_PORTS] = {};
const volatile __u32 nlports = 0;

static __always_inline void report_accept(void *ctx, long fd)
{
	struct tcpaccept_event *e;
	struct net_tuple t;
	struct sock *sk;

	if (fd < 0 || !sonde_filter_pass())
		return;
	sk = sock_from_fd(fd);
	if (!sk || !sock_is_tcp(sk))
		return;
	sock_read_tuple(sk, &t);
	if (!net_family_pass(t.family) || !net_port_pass(lports, nlports, t.sport))
		return;
	e = sonde_reserve(sizeof(*e));
	if (!e)
		return;
	stream_hdr_current(&e->h, bpf_get_current_pid_tgid(), STREAM_UID);
	e->t = t;
	sonde_submit(ctx, e);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int handle_exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	report_accept(ctx, ctx->ret);
	return SONDE_TP_KEEP;
}

SEC("tracepoint/syscalls/sys_exit_accept")
int handle_exit_accept(struct trace_event_raw_sys_exit *ctx)
{
	report_accept(ctx, ctx->ret);
	return SONDE_TP_KEEP;
}
