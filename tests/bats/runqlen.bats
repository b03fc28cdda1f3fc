#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# runqlen against the real kernel, as root. The workload is contention the
# test controls: three busy loops pinned to CPU 0 in a cgroup of its own.
# The oracles are the kernel's own accounts of waiting: each loop's
# run-queue wait (/proc/PID/schedstat), whose sum over a window is, by
# Little's law, the loops' mean number waiting on CPU 0; and the cgroup's
# cpu.pressure, the time in which at least one of them waited.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/runqlen.bats

load helpers
load sched_helpers

setup() {
	require_tool runqlen
	require_cmd jq taskset bpftool
}

teardown() {
	sonde_teardown
}

# loops_wait_ns: the run-queue waits of BUSY so far, added (ns).
loops_wait_ns() {
	local pid sum=0
	for pid in "${BUSY[@]}"; do
		schedstat_of "$pid"
		sum=$((sum + SCHED[1]))
	done
	echo "$sum"
}

# psi_some_us DIR: cgroup DIR's cpu.pressure "some" total (us): the time
# in which at least one of its tasks waited for a CPU.
psi_some_us() {
	sed -n 's/^some .*total=\([0-9]*\)$/\1/p' "$1/cpu.pressure"
}

@test "--per-cpu: three loops on CPU 0 keep 2 or more tasks waiting there, no fewer than their schedstat waits say" {
	local w0 w1 t0 t1 little
	cgroup_create busy
	busy_start "$CGROUP_DIR" 3 30
	tool_start runqlen -j -v --per-cpu -F 499
	w0=$(loops_wait_ns) t0=$(sonde_now)
	sonde_nap 2
	w1=$(loops_wait_ns) t1=$(sonde_now)
	stop_ok

	assert_json_lines
	# The loops' mean number waiting on CPU 0 over the window (Little's
	# law): their waits added, over the window's length. What else the
	# machine runs there only adds to the run queue.
	little=$(awk -v w=$((w1 - w0)) -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.3f", w / ((t1 - t0) * 1e9) }')
	sched_note "runqlen --per-cpu: $(jq -c '{cpu, count, mean: (.sum_tasks / .count), p50_tasks, max_tasks}' "$TOOL_OUT" | tr '\n' ' ')the loops alone: $little waiting (schedstat)"
	assert_eq "$(jq -s 'map(.cpu) | sort' -c "$TOOL_OUT")" "[0,1]" "CPUs, one histogram each"
	assert_jq "$(jq 'select(.cpu == 0)' "$TOOL_OUT")" \
		'.unit == "tasks" and ([.buckets[].count] | add) == .count and .count > 800'
	# The issue's measure: 2 or more waiting in most of CPU 0's samples.
	assert_jq "$(jq 'select(.cpu == 0)' "$TOOL_OUT")" \
		'([.buckets[] | select(.low >= 2) | .count] | add) >= 0.9 * .count and .p50_tasks >= 2'
	assert_jq "$(jq 'select(.cpu == 0)' "$TOOL_OUT")" '.sum_tasks / .count >= 0.9 * $l and $l >= 1.8' \
		--argjson l "$little"
}

@test "-O --per-cpu: CPU 0's occupancy is no less than the time the loops' cgroup had one waiting (cpu.pressure)" {
	local p0 p1 t0 t1 psi
	cgroup_create busy
	busy_start "$CGROUP_DIR" 3 30
	tool_start runqlen -j -v -O --per-cpu -F 499
	p0=$(psi_some_us "$CGROUP_DIR") t0=$(sonde_now)
	sonde_nap 2
	p1=$(psi_some_us "$CGROUP_DIR") t1=$(sonde_now)
	stop_ok

	psi=$(awk -v p=$((p1 - p0)) -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.2f", p / ((t1 - t0) * 1e4) }')
	sched_note "runqlen -O: $(jq -c . "$TOOL_OUT" | tr '\n' ' ')the loops' cgroup: $psi % of the time with one waiting (cpu.pressure)"
	assert_jq "$(jq 'select(.cpu == 0)' "$TOOL_OUT")" \
		'.samples > 800 and .queued_samples <= .samples and (.occupancy_pct - 100 * .queued_samples / .samples | fabs) < 0.01'
	assert_jq "$(jq 'select(.cpu == 0)' "$TOOL_OUT")" '.occupancy_pct >= $p - 5 and $p >= 90' --argjson p "$psi"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.[]; has("count") or has("buckets") | not)'
}

@test "-p: samples only while that process runs, on the CPU it is pinned to, with the others waiting behind it" {
	cgroup_create busy
	busy_start "$CGROUP_DIR" 3 30
	tool_start runqlen -j -v --per-cpu -F 499 -p "${BUSY[0]}"
	sonde_nap 1
	stop_ok
	assert_eq "$(wc -l <"$TOOL_OUT")" 1 "histograms (CPU 0's alone)"
	assert_jq "$(<"$TOOL_OUT")" '.cpu == 0 and .count > 50 and .p50_tasks >= 2'
}

@test "text: one histogram, its lengths one bucket each; a CPU column with --per-cpu; occupancy with -O" {
	local low arrow high
	tool_start runqlen -v
	sonde_nap 0.5
	stop_ok
	assert_match "$(sed -n 1p "$TOOL_OUT")" '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "block time"
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^ +COUNT +AVG +P50 +P90 +P99 +MAX UNIT$' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" '^ +[0-9]+ +[0-9.]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ tasks$' "row"
	# The shortest length seen has a bucket of its own (lengths below 8 do).
	assert_match "$(sed -n 5p "$TOOL_OUT")" '^ +[0-7] -> [0-7] +[0-9]+ \|' "the first bucket"
	read -r low arrow high _ < <(sed -n 5p "$TOOL_OUT")
	assert_eq "$low $arrow $high" "$low -> $low" "the first bucket's bounds"

	tool_start runqlen -v --per-cpu -O
	sonde_nap 0.5
	stop_ok
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^CPU +SAMPLES +QUEUED +OCCUPANCY$' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" '^0 +[0-9]+ +[0-9]+ +[0-9.]+$' "CPU 0's row"
}

@test "-i 1 -d 2: a report each second, the rest of the last one at the end" {
	assert_reports 2 3 runqlen -i 1 -d 2
	assert_jq "$(head -n 1 <<<"$output")" '.count > 100 and .unit == "tasks"'
}

@test "runqlen -j 1 | head -n1 exits 0 with nothing on stderr" {
	assert_head_ends runqlen 1 --
}

@test "bad values exit 2 naming the option and the value" {
	assert_usage_error runqlen "count tasks, not time" -m
	assert_bad_value runqlen -F/--frequency 0 -F 0
	assert_bad_value runqlen -F/--frequency 10001 -F 10001
	assert_bad_value runqlen -F/--frequency x -F x
	assert_bad_value runqlen -i/--interval x -i x
	assert_bad_value runqlen "expected [interval [count]]" 3 1 2 3
	assert_bad_value runqlen -p/--pid 0 -p 0
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help runqlen -F -O --per-cpu
	assert_unprivileged_exit runqlen
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start runqlen -v 1
	stop_ok INT
	assert_detached handle_sample
}
