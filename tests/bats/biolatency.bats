#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# biolatency against the real kernel, as root. The devices are the test's
# own: two loop devices over files in the test's directory, written and
# read with direct I/O (dd oflag=direct, iflag=direct) so that every dd
# block is one request. The oracle is the kernel's own count of completed
# requests, /sys/block/loopN/stat.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/biolatency.bats

load helpers
load bio_helpers

# Names of biolatency's BPF programs, cut to the 15 characters bpftool may show.
BIOLATENCY_PROGS=(handle_insert handle_issue handle_complete)

setup() {
	require_tool biolatency
	require_cmd jq losetup dd bpftool
}

teardown() {
	sonde_teardown
	loop_teardown
}

@test "--disk: the requests counted are the kernel's (stat deltas), exactly; another disk's are not" {
	local before other
	loop_create
	loop_create
	before=$(loop_done "${LOOPS[0]}")
	other=$(loop_done "${LOOPS[1]}")
	tool_start biolatency -j -v --disk "${LOOPS[0]}"
	loop_io "${LOOPS[0]}" 40 30
	loop_io "${LOOPS[1]}" 25 0
	stop_ok

	assert_json_lines
	assert_eq "$(wc -l <"$TOOL_OUT")" 1 "objects (one report, at the end)"
	assert_eq "$(($(loop_done "${LOOPS[1]}") - other))" 25 "the other disk's requests (its stat)"
	assert_eq "$(jq .count "$TOOL_OUT")" "$(($(loop_done "${LOOPS[0]}") - before))" \
		"requests counted against ${LOOPS[0]}'s stat delta"
	assert_jq "$(<"$TOOL_OUT")" '.count == 70 and .unit == "us" and .max_us >= .p99_us and .p50_us > 0'
	assert_jq "$(<"$TOOL_OUT")" '([.buckets[].count] | add) == .count'
	assert_jq "$(<"$TOOL_OUT")" 'has("disk") or has("cgroup_id") or has("flags") | not'
}

@test "-D, -F: a histogram per disk, per kind of request, each the kernel's count" {
	local r w
	loop_create
	loop_create
	tool_start biolatency -j -v -D
	loop_io "${LOOPS[0]}" 12 0
	loop_io "${LOOPS[1]}" 0 17
	stop_ok
	assert_json_lines
	assert_jq "$(jq -s . "$TOOL_OUT")" 'map(select(.disk == $d)) | .[0].count == 12' --arg d "${LOOPS[0]}"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'map(select(.disk == $d)) | .[0].count == 17' --arg d "${LOOPS[1]}"

	r=$(loop_stat "${LOOPS[0]}" 1)
	w=$(loop_stat "${LOOPS[0]}" 5)
	tool_start biolatency -j -v -F --disk "${LOOPS[0]}"
	loop_io "${LOOPS[0]}" 23 11
	stop_ok
	assert_json_lines
	assert_eq "$(jq -s 'map(select(.flags | startswith("W"))) | map(.count) | add' "$TOOL_OUT")" \
		"$(($(loop_stat "${LOOPS[0]}" 5) - w))" "writes counted against the stat's"
	assert_eq "$(jq -s 'map(select(.flags | startswith("R"))) | map(.count) | add' "$TOOL_OUT")" \
		"$(($(loop_stat "${LOOPS[0]}" 1) - r))" "reads counted against the stat's"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.flags | test("^F?[RWDEFN]F?A?S?M?$"))'
}

@test "-Q: the same requests, more time than from their issue (mq-deadline queues them)" {
	local plain plain_pid
	loop_create mq-deadline
	tool_start biolatency -j -v --disk "${LOOPS[0]}"
	plain=$BATS_TEST_TMPDIR/plain.out
	mv "$TOOL_OUT" "$plain"
	plain_pid=$TOOL_PID
	tool_start biolatency -j -v -Q --disk "${LOOPS[0]}"
	loop_io "${LOOPS[0]}" 30 30
	stop_ok
	kill -INT "$plain_pid"
	wait "$plain_pid" || sonde_fail "biolatency without -Q: exit status $?"
	assert_eq "$(jq .count "$plain")" 60 "requests from their issue"
	assert_eq "$(jq .count "$TOOL_OUT")" 60 "requests from their insertion (-Q)"
	assert_jq "$(<"$TOOL_OUT")" '.sum_us > $p' --argjson p "$(jq .sum_us "$plain")"
}

@test "--by-cgroup: the requests of a cgroup's dd in its own histogram" {
	loop_create
	cgroup_create io
	tool_start biolatency -j -v --by-cgroup --disk "${LOOPS[0]}"
	run_in_cgroup "$CGROUP_DIR" dd if=/dev/zero of="/dev/${LOOPS[0]}" bs=4k count=21 oflag=direct status=none
	stop_ok
	assert_json_lines
	assert_jq "$(jq -s . "$TOOL_OUT")" 'map(select(.cgroup_id == $id)) | .[0].count == 21 and .[0].cgroup == $rel' \
		--argjson id "$CGROUP_ID" --arg rel "$CGROUP_REL"
}

@test "text: the block's time, the header with DISK, the row and its log2 buckets" {
	loop_create
	tool_start biolatency -v -D -m --disk "${LOOPS[0]}"
	loop_io "${LOOPS[0]}" 5 5
	stop_ok
	assert_match "$(sed -n 1p "$TOOL_OUT")" '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "time line"
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^DISK +COUNT +AVG +P50 +P90 +P99 +MAX +UNIT$' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" "^${LOOPS[0]} +10 .* ms$" "row"
	assert_match "$(sed -n 4p "$TOOL_OUT")" '^ +RANGE +COUNT DISTRIBUTION$' "buckets' header"
}

@test "interval and count: a histogram each second, empty ones too, then exit 0 by itself" {
	loop_create
	assert_reports 2 2 biolatency --disk "${LOOPS[0]}" 1 2
	assert_jq "$(tail -n 1 <<<"$output")" '.count == 0 and .buckets == [] and .unit == "us"'
}

@test "biolatency -j 1 | head -n1 exits 0 with nothing on stderr" {
	assert_head_ends biolatency 1 --
}

@test "bad values exit 2 naming the option and the value" {
	assert_usage_error biolatency "exclude each other" -D -F
	assert_usage_error biolatency "exclude each other" -F --by-cgroup
	assert_bad_value biolatency --disk nosuchdisk --disk nosuchdisk
	assert_bad_value biolatency --disk ../loop0 --disk ../loop0
	assert_bad_value biolatency -i/--interval 0 -i 0
	assert_bad_value biolatency count x 1 x
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help biolatency -D -F -Q -m --disk --by-cgroup --fine
	assert_unprivileged_exit biolatency
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start biolatency -v 1
	stop_ok INT
	assert_detached "${BIOLATENCY_PROGS[@]}"
}
