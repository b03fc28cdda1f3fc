// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* biotop: each block I/O request (bpf/lib/bio.bpf.h) counted at its
 * completion, as a read or a write of its size and the time it took from
 * its issue, for the process that submitted it (or its cgroup) and its
 * disk (bpf/lib/top.bpf.h). Hooks: the BTF-typed block_rq_insert,
 * block_rq_issue and block_rq_complete tracepoints. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/biotop.h"
#include "bpf/lib/bio.bpf.h"
#define TOP_KEY struct biotop_key
#define TOP_MAX_KEYS BIOTOP_MAX_KEYS
#include "bpf/lib/top.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u8 by_cgroup = 0; /* --by-cgroup */

SEC("tp_btf/block_rq_complete")
int BPF_PROG(handle_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	struct biotop_key key = {};
	struct top_val add = {};
	struct bio_start s;
	__u32 op;

	if (!bio_complete(ctx, &s))
		return 0;
	key.cgroup_id = s.cgroup_id;
	key.dev = bio_rq_dev(rq);
	if (!by_cgroup) {
		key.pid = s.pid;
		__builtin_memcpy(key.comm, s.comm, sizeof(key.comm));
	}
	/* The kernel's op_is_write(): writes, discards, secure erases have
	 * the low bit set; a flush, neither a read nor a write, is left out. */
	op = BPF_CORE_READ(rq, cmd_flags) & BIO_OP_MASK;
	if (op == BIO_OP_READ) {
		add.reads = 1;
		add.read_bytes = nr_bytes;
	} else if (op & 1) {
		add.writes = 1;
		add.write_bytes = nr_bytes;
	} else {
		return 0;
	}
	add.ns = bpf_ktime_get_ns() - s.issue_ns;
	top_add(&key, &add);
	return 0;
}
