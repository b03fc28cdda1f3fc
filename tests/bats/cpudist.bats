#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# cpudist against the real kernel, as root. The workload is contention the
# test controls: three busy loops pinned to CPU 0 in a cgroup of its own,
# which take turns on it; the oracle is the kernel's own account of a task's
# time, /proc/PID/schedstat (on a CPU, waiting for one, and the slices run).
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/cpudist.bats

load helpers
load sched_helpers

# Names of cpudist's BPF programs, cut to the 15 characters bpftool may show.
CPUDIST_PROGS=(handle_switch)

setup() {
	require_tool cpudist
	require_cmd jq taskset bpftool perf
}

teardown() {
	sonde_teardown
}

@test "-p: the slices and their total are the kernel's on-CPU time (schedstat), within 2 %" {
	sched_window cpudist

	assert_json_lines
	assert_eq "$(wc -l <"$TOOL_OUT")" 1 "objects (one report, at the end)"
	sched_check "cpudist -p: slices" "$(jq .count "$TOOL_OUT")" "$SCHED_SEEN_IN" \
		"$(jq '.sum_us * 1000 | round' "$TOOL_OUT")" "$(jq '.max_us * 1000' "$TOOL_OUT")" \
		"${SCHED_DELTA[0]}" "$SCHED_UNSEEN" "$SCHED_STOLEN_NS"
	# A slice is about one scheduler tick or a few (shorter when something
	# else the machine runs on CPU 0 preempts the loop).
	assert_jq "$(<"$TOOL_OUT")" '.unit == "us" and .p90_us >= 1000 and .max_us >= .p90_us'
	assert_jq "$(<"$TOOL_OUT")" '([.buckets[].count] | add) == .count'
}

@test "-O: the time off the CPU, here all of it waiting for the CPU, is schedstat's wait" {
	sched_window cpudist -O

	# The first wait, from SIGCONT on, began off a CPU before cpudist saw
	# the task leave one: the kernel counts it, cpudist cannot.
	sched_check "cpudist -O -p: off-CPU periods" "$(jq .count "$TOOL_OUT")" $((SCHED_SEEN_IN - 1)) \
		"$(jq '.sum_us * 1000 | round' "$TOOL_OUT")" "$(jq '.max_us * 1000' "$TOOL_OUT")" \
		"${SCHED_DELTA[1]}" $((SCHED_UNSEEN + 1))
}

@test "text: the block's time, the header, the histogram's row and its log2 buckets" {
	cgroup_create busy
	busy_start "$CGROUP_DIR" 3 30
	tool_start cpudist -v -m -p "${BUSY[1]}"
	sonde_nap 1
	stop_ok

	assert_match "$(sed -n 1p "$TOOL_OUT")" '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "block time"
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^ +COUNT +AVG +P50 +P90 +P99 +MAX UNIT$' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" '^ +[0-9]+ +[0-9]+\.[0-9] +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ ms$' "row"
	assert_match "$(sed -n 4p "$TOOL_OUT")" '^ +RANGE +COUNT DISTRIBUTION$' "bucket header"
	assert_eq "$(tail -n 1 "$TOOL_OUT")" "" "the empty line ending the block"
}

@test "-P, -L, --by-cgroup: a histogram per process, thread or cgroup" {
	cgroup_create busy
	busy_start "$CGROUP_DIR" 3 30
	tool_start cpudist -j -v -L -c "$CGROUP_DIR"
	sonde_nap 1
	stop_ok
	assert_eq "$(jq -s -c 'map(.tid) | sort' "$TOOL_OUT")" \
		"$(printf '%s\n' "${BUSY[@]}" | sort -n | jq -s -c .)" "the threads"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.[]; .pid == .tid and .comm == "bash" and .cgroup_id == $id)' \
		--argjson id "$CGROUP_ID"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.[]; has("cgroup") | not)'

	tool_start cpudist -v -P -c "$CGROUP_DIR"
	sonde_nap 1
	stop_ok
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^PID +COMM +COUNT +AVG ' "header"
	assert_eq "$(grep -c '^[0-9]* *bash ' "$TOOL_OUT")" 3 "rows"

	tool_start cpudist -j -v --by-cgroup -c "$CGROUP_DIR"
	sonde_nap 1
	stop_ok
	assert_eq "$(wc -l <"$TOOL_OUT")" 1 "histograms"
	assert_jq "$(<"$TOOL_OUT")" '.cgroup_id == $id and .cgroup == $rel and .count > 0' \
		--argjson id "$CGROUP_ID" --arg rel "$CGROUP_REL"
}

@test "-i 1 -d 2: a report each second, the rest of the last one at the end" {
	assert_reports 2 3 cpudist -i 1 -d 2
	assert_jq "$(head -n 1 <<<"$output")" '.count > 0 and .sum_us > 0'
}

@test "-p of a process asleep all along: one empty histogram at the end, exit 0" {
	asleep_start
	tool_run_bounded 10 cpudist -j -O -p "$ASLEEP" -d 1
	assert_eq "$status" 0 "exit status"
	assert_eq "$stderr" "" "stderr"
	assert_jq "$output" '.count == 0 and .buckets == []'
}

@test "cpudist -j 1 | head -n1 exits 0 with nothing on stderr" {
	assert_head_ends cpudist 1 --
}

@test "bad values exit 2 naming the option and the value" {
	assert_usage_error cpudist "exclude each other" -P --by-cgroup
	assert_bad_value cpudist -i/--interval x -i x
	assert_bad_value cpudist interval 0 0
	assert_bad_value cpudist count 0 1 0
	assert_bad_value cpudist "expected [interval [count]]" 3 1 2 3
	assert_bad_value cpudist -p/--pid 0 -p 0
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help cpudist -O -m -P -L --by-cgroup --fine
	assert_unprivileged_exit cpudist
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start cpudist -v -O 1
	stop_ok INT
	assert_detached "${CPUDIST_PROGS[@]}"
}
