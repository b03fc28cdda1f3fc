// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* sslsniff: the plaintext of TLS reads and writes, from uprobes at the
 * entry of OpenSSL's SSL_read, SSL_write, SSL_read_ex and SSL_write_ex and
 * GnuTLS's gnutls_record_recv and gnutls_record_send, and a uretprobe at
 * their return, in every process that maps a library the tool found
 * (lib/uprobe.h). The entry keeps the buffer's address (and, for the _ex
 * functions, where the byte count goes) in the thread's own storage; the
 * return reads the bytes the call moved from that buffer: for a read, what
 * it decrypted into it; for a write, what the caller handed over (the
 * caller's memory at the return: no kernel object holds plaintext). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
/* An event is larger than the default room to build one in (perf buffer). */
#define STREAM_SCRATCH_SIZE 640
#include "common/sslsniff.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/syscall.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* --max-bytes: plaintext bytes kept per event (0: --no-data). */
const volatile __u32 max_bytes = SSLSNIFF_MAX_DATA;
/* --comm: only threads of this name (empty: any). */
const volatile char comm_filter[TASK_COMM_LEN] = {};

/* What an entry arms its thread's storage with: a call, not a syscall. */
#define SSLSNIFF_CALL 0x7fff0002

struct ssl_call {
	struct entry_arm arm;
	__u64 ts_ns;
	__u64 buf;
	__u64 count_ptr; /* the _ex functions' size_t *; 0 for the others */
	__u8 fn;
	__u8 pad[7];
};

SONDE_ENTRY_STORE(calls, struct ssl_call);

static __always_inline bool comm_pass(void)
{
	char comm[TASK_COMM_LEN];

	if (!comm_filter[0])
		return true;
	bpf_get_current_comm(comm, sizeof(comm));
	for (int i = 0; i < TASK_COMM_LEN; i++) {
		if (comm[i] != comm_filter[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

static __always_inline int enter(const void *buf, const void *count_ptr, __u8 fn)
{
	struct ssl_call *c;

	if (!sonde_filter_pass() || !comm_pass())
		return 0;
	c = entry_store_get(&calls);
	if (!c)
		return 0;
	c->buf = (__u64)buf;
	c->count_ptr = (__u64)count_ptr;
	c->fn = fn;
	c->ts_ns = bpf_ktime_get_ns();
	entry_store_arm(&c->arm, SSLSNIFF_CALL);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(handle_ssl_read, void *ssl, void *buf, int num)
{
	return enter(buf, NULL, SSLSNIFF_SSL_READ);
}

SEC("uprobe")
int BPF_KPROBE(handle_ssl_write, void *ssl, const void *buf, int num)
{
	return enter(buf, NULL, SSLSNIFF_SSL_WRITE);
}

SEC("uprobe")
int BPF_KPROBE(handle_ssl_read_ex, void *ssl, void *buf, __u64 num, __u64 *readbytes)
{
	return enter(buf, readbytes, SSLSNIFF_SSL_READ_EX);
}

SEC("uprobe")
int BPF_KPROBE(handle_ssl_write_ex, void *ssl, const void *buf, __u64 num, __u64 *written)
{
	return enter(buf, written, SSLSNIFF_SSL_WRITE_EX);
}

SEC("uprobe")
int BPF_KPROBE(handle_gnutls_recv, void *session, void *data, __u64 size)
{
	return enter(data, NULL, SSLSNIFF_GNUTLS_RECV);
}

SEC("uprobe")
int BPF_KPROBE(handle_gnutls_send, void *session, const void *data, __u64 size)
{
	return enter(data, NULL, SSLSNIFF_GNUTLS_SEND);
}

/* Bytes the call moved: the _ex functions return 1 and store the count;
 * SSL_read and SSL_write return it as an int, GnuTLS's as a ssize_t (0 or
 * less: nothing moved). */
static __always_inline __s64 moved(const struct ssl_call *c, long ret)
{
	__u64 n = 0;

	if (c->fn == SSLSNIFF_SSL_READ || c->fn == SSLSNIFF_SSL_WRITE)
		return (int)ret;
	if (!c->count_ptr)
		return ret;
	if (ret != 1 || bpf_probe_read_user(&n, sizeof(n), (void *)c->count_ptr))
		return 0;
	return n;
}

SEC("uretprobe")
int BPF_KRETPROBE(handle_return, long ret)
{
	struct ssl_call *c = entry_store_take(&calls, SSLSNIFF_CALL);
	struct sslsniff_event *e;
	__s64 len;
	__u32 n;

	if (!c)
		return 0;
	len = moved(c, ret);
	if (len <= 0)
		return 0;
	e = sonde_reserve(sizeof(*e));
	if (!e)
		return 0;
	stream_hdr_current(&e->h, bpf_get_current_pid_tgid(), STREAM_NO_UID);
	e->lat_ns = e->h.ts_ns - c->ts_ns;
	e->len = len > 0xffffffffLL ? 0xffffffff : (__u32)len;
	n = e->len < max_bytes ? e->len : max_bytes;
	if (n > SSLSNIFF_MAX_DATA)
		n = SSLSNIFF_MAX_DATA;
	if (n && bpf_probe_read_user(e->data, n, (void *)c->buf))
		n = 0;
	e->data_len = n;
	e->fn = c->fn;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	sonde_submit(ctx, e);
	return 0;
}
