#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# biosnoop against the real kernel, as root, on loop devices of the test's
# own (bio_helpers.bash) written and read with direct I/O, one request per
# dd block. The oracle is the kernel's own count of completed requests,
# /sys/block/loopN/stat.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/biosnoop.bats

load helpers
load bio_helpers

# Names of biosnoop's BPF programs, cut to the 15 characters bpftool may show.
BIOSNOOP_PROGS=(handle_insert handle_issue handle_complete)

setup() {
	require_tool biosnoop
	require_cmd jq losetup dd bpftool
}

teardown() {
	sonde_teardown
	loop_teardown
}

@test "--disk: one event per request the kernel completed (stat deltas), with dd as the task; not another disk's" {
	local before r w
	loop_create
	loop_create
	before=$(loop_done "${LOOPS[0]}")
	r=$(loop_stat "${LOOPS[0]}" 1)
	w=$(loop_stat "${LOOPS[0]}" 5)
	tool_start biosnoop -j -v --disk "${LOOPS[0]}"
	loop_io "${LOOPS[0]}" 40 30
	loop_io "${LOOPS[1]}" 25 0
	wait_for_lines 70
	stop_ok

	assert_json_lines
	assert_eq "$(wc -l <"$TOOL_OUT")" "$(($(loop_done "${LOOPS[0]}") - before))" "events against ${LOOPS[0]}'s stat delta"
	assert_eq "$(jq -s 'map(select(.flags | startswith("W"))) | length' "$TOOL_OUT")" \
		"$(($(loop_stat "${LOOPS[0]}" 5) - w))" "writes against the stat's"
	assert_eq "$(jq -s 'map(select(.flags | startswith("R"))) | length' "$TOOL_OUT")" \
		"$(($(loop_stat "${LOOPS[0]}" 1) - r))" "reads against the stat's"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.disk == $d and .comm == "dd" and .bytes == 4096 and .status == 0 and .lat_us > 0)' --arg d "${LOOPS[0]}"
	# dd's blocks one after the other: sectors 0, 8, 16, ... for the writes, again for the reads.
	assert_jq "$(jq -s . "$TOOL_OUT")" '[.[] | select(.flags | startswith("W")) | .sector] == [range(0; 320; 8)]'
	assert_jq "$(jq -s . "$TOOL_OUT")" '[.[] | select(.flags | startswith("R")) | .sector] == [range(0; 240; 8)]'
}

# wait_for_lines N: the tool has printed N lines (bounded).
wait_for_lines() {
	local i
	for ((i = 0; i < 100; i++)); do
		(($(wc -l <"$TOOL_OUT") >= $1)) && return 0
		sonde_nap 0.05
	done
}

@test "-p: the requests of one dd, not another's, with dd as the task that submitted them" {
	loop_create
	target_start dd if=/dev/zero of="/dev/${LOOPS[0]}" bs=4k count=9 oflag=direct status=none
	tool_start biosnoop -j -v --disk "${LOOPS[0]}" -p "$TARGET"
	dd if=/dev/zero of="/dev/${LOOPS[0]}" bs=4k count=13 seek=100 oflag=direct status=none
	target_go
	wait_for_lines 9
	stop_ok
	assert_eq "$(wc -l <"$TOOL_OUT")" 9 "events"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.pid == $p and .tid == $p and .comm == "dd" and .sector < 100 * 8)' --argjson p "$TARGET"
}

@test "-Q: the time queued, with mq-deadline; --min-us keeps the slow ones only" {
	loop_create mq-deadline
	tool_start biosnoop -v -j -Q --disk "${LOOPS[0]}"
	loop_io "${LOOPS[0]}" 20 0
	wait_for_lines 20
	stop_ok
	assert_eq "$(wc -l <"$TOOL_OUT")" 20 "events"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.queue_us > 0 and .lat_us > 0)'

	tool_start biosnoop -v -j --min-us 1000000 --disk "${LOOPS[0]}"
	loop_io "${LOOPS[0]}" 20 0
	stop_ok
	assert_eq "$(wc -l <"$TOOL_OUT")" 0 "requests over a second"
}

@test "text: the header, and a row per request with its columns" {
	loop_create
	tool_start biosnoop --disk "${LOOPS[0]}"
	loop_io "${LOOPS[0]}" 3 0
	wait_for_lines 4
	stop_ok
	assert_match "$(sed -n 1p "$TOOL_OUT")" '^PID +COMM +DISK +FLAGS +SECTOR +BYTES +LAT\(us\)$' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" "^[0-9]+ +dd +${LOOPS[0]} +WS? +8 +4096 +[0-9]+\\.[0-9]$" "row"

	tool_start biosnoop -Q -T --disk "${LOOPS[0]}"
	stop_ok
	assert_match "$(sed -n 1p "$TOOL_OUT")" '^TIME +PID +COMM +DISK +FLAGS +SECTOR +BYTES +QUEUE\(us\) +LAT\(us\)$' "header with -Q -T"
}

@test "biosnoop -j | head -n1 exits 0 with nothing on stderr" {
	loop_create
	assert_head_ends biosnoop --disk "${LOOPS[0]}" -- dd if=/dev/zero of="/dev/${LOOPS[0]}" bs=4k count=1 oflag=direct status=none
	assert_jq "$HEAD_LINE" '.disk == $d and .bytes == 4096' --arg d "${LOOPS[0]}"
}

@test "bad values exit 2 naming the option and the value" {
	assert_bad_value biosnoop --disk nosuchdisk --disk nosuchdisk
	assert_bad_value biosnoop --disk .. --disk ..
	assert_bad_value biosnoop --min-us x --min-us x
	assert_bad_value biosnoop --min-us -1 --min-us -1
	assert_bad_value biosnoop -p/--pid abc -p abc
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help biosnoop -Q --disk --min-us
	assert_unprivileged_exit biosnoop
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start biosnoop -v
	stop_ok INT
	assert_detached "${BIOSNOOP_PROGS[@]}"
}
