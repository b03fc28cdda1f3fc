// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* gethostlatency: name look-ups through libc (getaddrinfo, gethostbyname,
 * gethostbyname2), timed from a uprobe at the function's entry to a
 * uretprobe at its return, in every process that maps a libc the tool
 * found (lib/uprobe.h attaches them). The name is read from the caller's
 * memory at the entry: it is all there is (no kernel object holds it),
 * and the call could rewrite it before returning. The entry's time and
 * name wait in the thread's own storage, no table to fill. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/gethostlatency.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/syscall.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* What an entry arms its thread's storage with: a call, not a syscall. */
#define GETHOST_CALL 0x7fff0001

struct gethost_call {
	struct entry_arm arm;
	__u64 ts_ns;
	__u8 fn;
	__u8 cut;
	__u8 pad[6];
	char host[GETHOST_NAME_MAX];
};

SONDE_ENTRY_STORE(calls, struct gethost_call);

static __always_inline int enter(const char *name, __u8 fn)
{
	struct gethost_call *c;

	if (!sonde_filter_pass())
		return 0;
	c = entry_store_get(&calls);
	if (!c)
		return 0;
	c->cut = 0;
	if (!name || !sonde_read_user_str(c->host, sizeof(c->host), name, &c->cut))
		c->host[0] = '\0';
	c->fn = fn;
	c->ts_ns = bpf_ktime_get_ns();
	entry_store_arm(&c->arm, GETHOST_CALL);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(handle_getaddrinfo, const char *node)
{
	return enter(node, GETHOST_GETADDRINFO);
}

SEC("uprobe")
int BPF_KPROBE(handle_gethostbyname, const char *name)
{
	return enter(name, GETHOST_GETHOSTBYNAME);
}

SEC("uprobe")
int BPF_KPROBE(handle_gethostbyname2, const char *name)
{
	return enter(name, GETHOST_GETHOSTBYNAME2);
}

SEC("uretprobe")
int BPF_KRETPROBE(handle_return)
{
	struct gethost_call *c = entry_store_take(&calls, GETHOST_CALL);
	struct gethostlatency_event *e;

	if (!c)
		return 0;
	e = sonde_reserve(sizeof(*e));
	if (!e)
		return 0;
	stream_hdr_current(&e->h, bpf_get_current_pid_tgid(), STREAM_NO_UID);
	e->lat_ns = e->h.ts_ns - c->ts_ns;
	e->fn = c->fn;
	e->cut = c->cut;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	__builtin_memcpy(e->host, c->host, sizeof(e->host));
	sonde_submit(ctx, e);
	return 0;
}
