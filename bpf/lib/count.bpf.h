/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Counting system calls as they return, shared by syscount and cgsyscount.
 *
 * Hooks: tp_btf/sys_exit (and tp_btf/sys_enter for -L), the BTF-typed form
 * of the raw_syscalls tracepoints: the syscall number is a plain load from
 * regs, with no bpf_probe_read_kernel() call. Their raw_tp twins
 * (bpf/lib/btfsrc.bpf.h) make that load a helper call.
 *
 * Counters are per-CPU (no atomics, no shared cache lines) and live in one
 * of two maps behind a one-slot ARRAY_OF_MAPS: user space points the slot at
 * the other map each interval and reads the quiet one (lib/dbuf.h).
 * Everything a run does not use is rodata the verifier prunes, so a plain
 * count is a filter check, two map lookups and two increments. */
#ifndef SONDE_BPF_LIB_COUNT_BPF_H
#define SONDE_BPF_LIB_COUNT_BPF_H

#include "common/count.h"
#include "bpf/lib/dbuf.bpf.h"
#include "bpf/lib/btfsrc.bpf.h"
#include "bpf/lib/filter.bpf.h"
#include "bpf/lib/stream.bpf.h"
#include "bpf/lib/syscall.bpf.h"

/* The counting maps of a tool: double-buffered (bpf/lib/dbuf.bpf.h), values
 * struct count_val. */
#define COUNT_MAPS(name, map_type, flags, max, key_type)                                           \
	DBUF_MAPS(name, map_type, flags, max, key_type, struct count_val)

const volatile __u8 count_failed = 0;	 /* -x: only calls that failed */
const volatile __u32 count_errno = 0;	 /* -e: only calls that failed with this errno */
const volatile __u8 measure_latency = 0; /* -L */

/* -L: each thread's syscall entry time. Task storage has no capacity to run
 * out of (every sleeping thread is inside a syscall) and goes with the task. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} sys_start SEC(".maps");

/* Loaded only with -L. */
SONDE_TP_BTF(handle_sys_enter, sys_enter, struct pt_regs *regs, long id)
{
	__u64 *ts;

	if (!sonde_filter_pass())
		return 0;
	ts = bpf_task_storage_get(&sys_start, bpf_get_current_task_btf(), 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ts)
		*ts = bpf_ktime_get_ns();
	return 0;
}

static __always_inline bool count_is_error(long ret)
{
	return ret < 0 && ret >= -COUNT_MAX_ERRNO;
}

/* The return passes -x, -e and the common filter; the cheap tests first. */
static __always_inline bool count_pass(long ret)
{
	if (count_failed && !count_is_error(ret))
		return false;
	if (count_errno && ret != -(long)count_errno)
		return false;
	return sonde_filter_pass();
}

/* What one call adds: the call, its error, and with -L the time since this
 * thread entered the syscall (when that entry was seen: not for a call
 * that began before the tool attached). */
static __always_inline void count_measure(struct count_val *add, long ret)
{
	__u64 *ts;

	add->count = 1;
	add->errors = count_is_error(ret);
	add->lat_ns = 0;
	add->timed = 0;
	if (!measure_latency)
		return;
	ts = bpf_task_storage_get(&sys_start, bpf_get_current_task_btf(), 0, 0);
	if (!ts || !*ts)
		return;
	add->lat_ns = bpf_ktime_get_ns() - *ts;
	add->timed = 1;
	*ts = 0;
}

static __always_inline void count_add(struct count_val *v, const struct count_val *add)
{
	v->count += add->count;
	v->errors += add->errors;
	v->lat_ns += add->lat_ns;
	v->timed += add->timed;
}

/* Counts one call for key in a per-CPU hash. Returns true when the key is
 * new in this interval; a call that finds the map full is counted as lost. */
static __always_inline bool count_bump(void *map, const void *key, const struct count_val *add)
{
	struct count_val *v = bpf_map_lookup_elem(map, key);

	if (v) {
		count_add(v, add);
		return false;
	}
	/* Inserting sets this CPU's copy and zeroes the others'. */
	if (!bpf_map_update_elem(map, key, add, BPF_NOEXIST))
		return true;
	/* Another CPU inserted it first, or the map is full. */
	v = bpf_map_lookup_elem(map, key);
	if (v)
		count_add(v, add);
	else
		sonde_count_lost();
	return false;
}

/* Counts one call for key in map: a per-CPU hash (count_bump()) or,
 * when !hash, a per-CPU array. */
static __always_inline bool count_in(void *map, const void *key, const struct count_val *add,
				     bool hash)
{
	struct count_val *v;

	if (hash)
		return count_bump(map, key, add);
	/* Out of range (-1 for a call skipped by seccomp or ptrace): not counted. */
	v = bpf_map_lookup_elem(map, key);
	if (v)
		count_add(v, add);
	return false;
}

/* Counts one call for key in this interval's map (dbuf_current(), or first
 * while the slot is empty). Returns true when key is new in this interval
 * (hashes only). */
static __always_inline bool count_call(void *outer, void *first, const void *key,
				       const struct count_val *add, bool hash)
{
	void *map = dbuf_current(outer);
	bool fresh;

	if (map)
		return count_in(map, key, add, hash);
	fresh = count_in(first, key, add, hash);
	asm volatile("" ::: "memory");
	return fresh;
}

#endif
