// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* oomkill: OOM kills, from the oom:mark_victim tracepoint.
 *
 * __oom_kill_process() runs in the task that hit the OOM condition (the
 * trigger, our current task) and, for each victim, first sends it SIGKILL
 * (do_send_sig_info(SIGKILL, SEND_SIG_PRIV, victim, ...)), then marks it
 * (mark_oom_victim() -> oom:mark_victim). Older kernels give mark_victim
 * nothing but the victim's thread ID; since 6.8 (and in some stable
 * kernels) it also carries the victim's comm, memory and uid. So the victim
 * task itself is caught one step earlier, at signal:signal_generate (a
 * tp_btf program, with the target task's pointer): its process ID, comm,
 * cgroup, and the memory figures when the tracepoint lacks them. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "common/oomkill.h"
#include "bpf/lib/btfsrc.bpf.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define SIGKILL 9
/* include/linux/sched/signal.h: SEND_SIG_PRIV is ((struct kernel_siginfo *)1). */
#define SEND_SIG_PRIV 1
/* x86: 4 KiB pages. */
#define PAGES_TO_KB(n) ((n) << 2)

/* The victim as seen when it was sent SIGKILL. */
struct victim {
	__u64 cgroup_id;
	__u64 mem_kb[5]; /* total_vm, anon, file, shmem, pgtables */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__s16 oom_score_adj;
	__u8 has_mem;
	__u8 passes; /* the victim passes -p and -c */
	char comm[TASK_COMM_LEN];
};

/* By the sender's thread ID: the killer's SIGKILL until its mark_victim,
 * microseconds later in the same thread. An LRU, as the kernel's other
 * SIGKILLs (SEND_SIG_PRIV, outside any OOM kill) leave entries nobody
 * takes; if 256 of them pushed the killer's out in between, the event is
 * still sent, with the tracepoint's own fields and flags saying what is
 * known: never lost. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct victim);
} victims SEC(".maps");

/* Since Linux 6.2, a percpu_counter per counter (a flavour of mm_struct,
 * which every kernel has: vmlinux.h may be an older kernel's). */
struct mm_struct___pcp {
	struct percpu_counter rss_stat[4];
} __attribute__((preserve_access_index));

/* get_mm_counter(mm, idx) in kB; the percpu sum is approximate, as in /proc.
 * Before Linux 6.2 the counters were NR_MM_COUNTERS (4) atomic longs in a
 * struct mm_rss_stat, since then percpu_counters. The old layout is told by
 * the field's size, not by a flavour of the old struct: a type missing from
 * vmlinux makes libbpf search the modules' BTF, which takes CAP_SYS_ADMIN
 * that CAP_BPF + CAP_PERFMON users do not have. */
static __always_inline __u64 mm_counter_kb(struct mm_struct *mm, const int idx)
{
	__s64 n = 0;

	if (bpf_core_field_size(mm->rss_stat) == 4 * sizeof(long))
		bpf_probe_read_kernel(&n, sizeof(n),
				      (void *)mm + bpf_core_field_offset(mm->rss_stat) +
					  idx * sizeof(long));
	else
		n = BPF_CORE_READ((struct mm_struct___pcp *)mm, rss_stat[idx].count);
	return n > 0 ? PAGES_TO_KB(n) : 0;
}

static __always_inline void read_mm(struct mm_struct *mm, struct victim *v)
{
	if (!mm)
		return;
	v->mem_kb[0] = PAGES_TO_KB(BPF_CORE_READ(mm, total_vm));
	v->mem_kb[1] = mm_counter_kb(mm, MM_ANONPAGES);
	v->mem_kb[2] = mm_counter_kb(mm, MM_FILEPAGES);
	v->mem_kb[3] = mm_counter_kb(mm, MM_SHMEMPAGES);
	v->mem_kb[4] = BPF_CORE_READ(mm, pgtables_bytes.counter) >> 10;
	v->has_mem = 1;
}

static __always_inline void read_victim(struct task_struct *t, struct victim *v)
{
	v->tgid = BPF_CORE_READ(t, tgid);
	v->tid = BPF_CORE_READ(t, pid);
	v->cgroup_id = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
	v->uid = BPF_CORE_READ(t, cred, uid.val);
	v->oom_score_adj = BPF_CORE_READ(t, signal, oom_score_adj);
	BPF_CORE_READ_STR_INTO(&v->comm, t, comm);
	/* The tracepoint's own figures are exact: read the mm only without them. */
	if (!bpf_core_field_exists(struct trace_event_raw_mark_victim, total_vm))
		read_mm(BPF_CORE_READ(t, mm), v);
	v->passes = sonde_filter_task(t);
}

SONDE_TP_BTF(handle_signal, signal_generate, int sig, struct kernel_siginfo *info,
	     struct task_struct *task)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct victim v = {};

	if (sig != SIGKILL || (unsigned long)info != SEND_SIG_PRIV)
		return 0;
	read_victim(task, &v);
	bpf_map_update_elem(&victims, &tid, &v, BPF_ANY);
	return 0;
}

static __always_inline void fill_victim(struct oomkill_event *e, const struct victim *v)
{
	e->h.pid = v->tgid;
	e->h.cgroup_id = v->cgroup_id;
	e->h.uid = v->uid;
	e->oom_score_adj = v->oom_score_adj;
	e->flags |= OOMKILL_F_VICTIM | OOMKILL_F_COMM | OOMKILL_F_CRED;
	__builtin_memcpy(e->h.comm, v->comm, sizeof(e->h.comm));
	if (!v->has_mem)
		return;
	e->total_vm_kb = v->mem_kb[0];
	e->anon_rss_kb = v->mem_kb[1];
	e->file_rss_kb = v->mem_kb[2];
	e->shmem_rss_kb = v->mem_kb[3];
	e->pgtables_kb = v->mem_kb[4];
	e->flags |= OOMKILL_F_MEM;
}

/* What Linux 6.8+ puts in the tracepoint itself (memory already in kB). */
static __always_inline void fill_from_tracepoint(struct oomkill_event *e,
						 struct trace_event_raw_mark_victim *ctx)
{
	if (!(e->flags & OOMKILL_F_COMM) && bpf_core_field_exists(ctx->__data_loc_comm)) {
		/* __data_loc: the string's offset in the record, in the low 16 bits. */
		__u32 loc = ctx->__data_loc_comm;

		if (bpf_probe_read_kernel_str(e->h.comm, sizeof(e->h.comm),
					      (void *)ctx + (loc & 0xffff)) > 0)
			e->flags |= OOMKILL_F_COMM;
	}
	if (!bpf_core_field_exists(ctx->total_vm))
		return;
	e->total_vm_kb = ctx->total_vm;
	e->anon_rss_kb = ctx->anon_rss;
	e->file_rss_kb = ctx->file_rss;
	e->shmem_rss_kb = ctx->shmem_rss;
	e->pgtables_kb = ctx->pgtables;
	e->h.uid = ctx->uid;
	e->oom_score_adj = ctx->oom_score_adj;
	e->flags |= OOMKILL_F_MEM | OOMKILL_F_CRED;
}

static __always_inline void mark_victim(struct trace_event_raw_mark_victim *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid, vtid = ctx->pid;
	struct victim *v = bpf_map_lookup_elem(&victims, &tid), self = {};
	struct oomkill_event *e;

	if (v && v->tid != vtid)
		v = NULL;
	/* A task already dying is marked without a SIGKILL: it is the trigger. */
	if (!v && vtid == tid) {
		read_victim((struct task_struct *)bpf_get_current_task(), &self);
		v = &self;
	}
	/* -p and -c pass when either the trigger or the victim matches. */
	if (!sonde_filter_pass() && !(v && v->passes))
		goto out;
	e = sonde_reserve(sizeof(*e));
	if (!e)
		goto out;
	/* The header is the victim's, known only in part (e->flags): filled
	 * from what was seen of it, not from the current task (the trigger). */
	__builtin_memset(e, 0, sizeof(*e));
	e->h.ts_ns = bpf_ktime_get_ns();
	e->h.pid = vtid;
	e->h.tid = vtid;
	e->trigger_cgroup_id = bpf_get_current_cgroup_id();
	e->trigger_pid = pid_tgid >> 32;
	e->trigger_tid = tid;
	bpf_get_current_comm(e->trigger_comm, sizeof(e->trigger_comm));
	if (v)
		fill_victim(e, v);
	fill_from_tracepoint(e, ctx);
	sonde_submit(ctx, e);
out:
	bpf_map_delete_elem(&victims, &tid);
}

SEC("tracepoint/oom/mark_victim")
int handle_mark_victim(struct trace_event_raw_mark_victim *ctx)
{
	mark_victim(ctx);
	return SONDE_TP_KEEP;
}
