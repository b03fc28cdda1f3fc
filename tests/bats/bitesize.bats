#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# bitesize against the real kernel, as root, on loop devices of the test's
# own (bio_helpers.bash) written with direct I/O of known sizes, one
# request per dd block. The oracles: the sizes dd wrote, and the kernel's
# count of completed requests, /sys/block/loopN/stat.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/bitesize.bats

load helpers
load bio_helpers

# Names of bitesize's BPF programs, cut to the 15 characters bpftool may show.
BITESIZE_PROGS=(handle_insert handle_issue handle_complete)

setup() {
	require_tool bitesize
	require_cmd jq losetup dd bpftool
}

teardown() {
	sonde_teardown
	loop_teardown
}

@test "--disk: each dd's sizes in its own histogram's bucket; the requests the kernel's (stat deltas)" {
	local before small big all
	loop_create
	loop_create
	before=$(loop_done "${LOOPS[0]}")
	tool_start bitesize -j -v --disk "${LOOPS[0]}"
	dd if=/dev/zero of="/dev/${LOOPS[0]}" bs=4k count=10 oflag=direct status=none &
	small=$!
	wait "$small"
	dd if=/dev/zero of="/dev/${LOOPS[0]}" bs=64k count=6 seek=10 oflag=direct status=none &
	big=$!
	wait "$big"
	loop_io "${LOOPS[1]}" 7 0
	stop_ok

	assert_json_lines
	all=$(jq -s . "$TOOL_OUT")
	assert_eq "$(jq 'map(.count) | add' <<<"$all")" "$(($(loop_done "${LOOPS[0]}") - before))" \
		"requests against ${LOOPS[0]}'s stat delta"
	assert_jq "$all" 'length == 2'
	assert_jq "$all" 'map(select(.pid == $p)) | .[0] | .comm == "dd" and .count == 10 and .sum_bytes == 40960 and .p50_bytes == 4096 and .max_bytes == 4096 and .unit == "bytes" and .buckets == [{"low": 4096, "high": 8191, "count": 10}]' --argjson p "$small"
	assert_jq "$all" 'map(select(.pid == $p)) | .[0] | .count == 6 and .sum_bytes == 393216 and .max_bytes == 65536 and .buckets == [{"low": 65536, "high": 131071, "count": 6}]' --argjson p "$big"
	# The most bytes first.
	assert_jq "$(head -n 1 "$TOOL_OUT")" '.pid == $p' --argjson p "$big"
}

@test "-p: one process's requests only; --system --fine: one histogram, the buckets counted" {
	loop_create
	target_start dd if=/dev/zero of="/dev/${LOOPS[0]}" bs=16k count=3 oflag=direct status=none
	tool_start bitesize -j -v --disk "${LOOPS[0]}" -p "$TARGET"
	loop_io "${LOOPS[0]}" 5 0
	target_go
	stop_ok
	assert_eq "$(wc -l <"$TOOL_OUT")" 1 "histograms"
	assert_jq "$(<"$TOOL_OUT")" '.pid == $p and .count == 3 and .max_bytes == 16384' --argjson p "$TARGET"

	tool_start bitesize -j -v --system --fine --disk "${LOOPS[0]}"
	dd if=/dev/zero of="/dev/${LOOPS[0]}" bs=20k count=2 oflag=direct status=none
	loop_io "${LOOPS[0]}" 3 0
	stop_ok
	assert_eq "$(wc -l <"$TOOL_OUT")" 1 "histograms"
	assert_jq "$(<"$TOOL_OUT")" 'has("pid") | not'
	assert_jq "$(<"$TOOL_OUT")" '.count == 5 and .buckets == [{"low": 4096, "high": 5119, "count": 3}, {"low": 20480, "high": 24575, "count": 2}]'
}

@test "text: the block's time, the header, the row and its log2 buckets in bytes" {
	loop_create
	tool_start bitesize -v --disk "${LOOPS[0]}"
	loop_io "${LOOPS[0]}" 4 0
	stop_ok
	assert_match "$(sed -n 1p "$TOOL_OUT")" '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "time line"
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^PID +COMM +COUNT +AVG +P50 +P90 +P99 +MAX +UNIT$' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" '^[0-9]+ +dd +4 +4096\.0 +4096 +4096 +4096 +4096 bytes$' "row"
	assert_match "$(sed -n 5p "$TOOL_OUT")" '^ +4096 -> 8191 +4 \|\*+\|$' "bucket"
}

@test "interval and count: a report each second, then exit 0 by itself" {
	loop_create
	assert_reports 2 2 bitesize --system --disk "${LOOPS[0]}" 1 2
	assert_jq "$(tail -n 1 <<<"$output")" '.count == 0 and .buckets == [] and .unit == "bytes"'
}

@test "bitesize -j 1 | head -n1 exits 0 with nothing on stderr" {
	assert_head_ends bitesize --system 1 --
}

@test "bad values exit 2 naming the option and the value" {
	assert_usage_error bitesize "-m/--milliseconds" -m
	assert_usage_error bitesize "exclude each other" --system -P
	assert_usage_error bitesize "exclude each other" -P -L
	assert_bad_value bitesize --disk nosuchdisk --disk nosuchdisk
	assert_bad_value bitesize -i/--interval 0 -i 0
	assert_bad_value bitesize count x 1 x
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help bitesize --disk --system -P -L --by-cgroup --fine
	assert_unprivileged_exit bitesize
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start bitesize -v 1
	stop_ok INT
	assert_detached "${BITESIZE_PROGS[@]}"
}
