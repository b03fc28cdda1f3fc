#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# biotop against the real kernel, as root, on loop devices of the test's
# own (bio_helpers.bash) written and read with direct I/O, one request per
# dd block. The oracle is the kernel's own count of completed reads and
# writes, /sys/block/loopN/stat.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/biotop.bats

load helpers
load bio_helpers

# Names of biotop's BPF programs, cut to the 15 characters bpftool may show.
BIOTOP_PROGS=(handle_insert handle_issue handle_complete)

setup() {
	require_tool biotop
	require_cmd jq losetup dd bpftool
}

teardown() {
	sonde_teardown
	loop_teardown
}

# The rows of every interval the tool printed, in one array.
all_rows() {
	jq -s "map(.${1:-processes}[])" "$TOOL_OUT"
}

@test "--disk: reads, writes and bytes per process equal the kernel's stat deltas; not another disk's" {
	local r w f rows
	loop_create
	loop_create
	r=$(loop_stat "${LOOPS[0]}" 1)
	w=$(loop_stat "${LOOPS[0]}" 5)
	f=$(loop_stat "${LOOPS[0]}" 16)
	tool_start biotop -j -v --disk "${LOOPS[0]}" -r 0 1
	loop_io "${LOOPS[0]}" 40 30
	loop_io "${LOOPS[1]}" 25 0
	# An fsync of the device: a flush request (stat field 16), neither a
	# read nor a write, and the empty write that asked for it, which the
	# kernel counts in field 5 but completes without issuing it.
	dd if=/dev/zero of="/dev/${LOOPS[0]}" bs=4k count=0 conv=fsync status=none
	stop_ok

	assert_json_lines
	rows=$(all_rows)
	assert_jq "$rows" 'all(.reads + .writes > 0)'
	assert_eq "$(($(loop_stat "${LOOPS[0]}" 16) - f))" 1 "flushes"
	assert_eq "$(jq 'map(.reads) | add' <<<"$rows")" "$(($(loop_stat "${LOOPS[0]}" 1) - r))" "reads against ${LOOPS[0]}'s stat delta"
	assert_eq "$(jq 'map(.writes) | add' <<<"$rows")" "$(($(loop_stat "${LOOPS[0]}" 5) - w - ($(loop_stat "${LOOPS[0]}" 16) - f)))" \
		"writes against ${LOOPS[0]}'s stat delta, less the flushes' empty writes"
	assert_jq "$rows" 'all(.disk == $d)' --arg d "${LOOPS[0]}"
	assert_jq "$rows" 'map(select(.comm == "dd")) | (map(.writes) | add) == 40 and (map(.reads) | add) == 30 and (map(.write_bytes) | add) == 40 * 4096 and (map(.read_bytes) | add) == 30 * 4096'
	assert_jq "$rows" 'all(.avg_us > 0 and .cgroup_id > 0)'
}

# write_then_read: one dd writes 30 blocks of 4 KiB to the test's disk, then
# another reads 10 of 64 KiB, both with direct I/O; their PIDs in WRITER and
# READER.
write_then_read() {
	dd if=/dev/zero of="/dev/${LOOPS[0]}" bs=4k count=30 oflag=direct status=none &
	WRITER=$!
	wait "$WRITER"
	dd if="/dev/${LOOPS[0]}" of=/dev/null bs=64k count=10 iflag=direct status=none &
	READER=$!
	wait "$READER"
}

@test "-s and -r: ranked by the key asked for, the first ROWS only; --by-cgroup: a row per cgroup" {
	loop_create
	tool_start biotop -j -v --disk "${LOOPS[0]}" -s writes -r 1 60
	write_then_read
	stop_ok
	assert_eq "$(wc -l <"$TOOL_OUT")" 1 "reports"
	assert_jq "$(<"$TOOL_OUT")" '.processes == [.processes[0]] and .processes[0].pid == $p and .processes[0].writes == 30' --argjson p "$WRITER"

	tool_start biotop -j -v --disk "${LOOPS[0]}" -s rbytes 60
	write_then_read
	stop_ok
	assert_jq "$(<"$TOOL_OUT")" '.processes[0].pid == $p and .processes[0].read_bytes == 655360' --argjson p "$READER"
	assert_jq "$(<"$TOOL_OUT")" '.processes[1].pid == $p and .processes[1].write_bytes == 122880' --argjson p "$WRITER"

	cgroup_create
	tool_start biotop -j -v --disk "${LOOPS[0]}" --by-cgroup 60
	run_in_cgroup "$CGROUP_DIR" dd if=/dev/zero of="/dev/${LOOPS[0]}" bs=4k count=12 oflag=direct status=none
	stop_ok
	assert_jq "$(<"$TOOL_OUT")" '.cgroups | map(select(.cgroup_id == $id)) | length == 1 and .[0].writes == 12 and .[0].cgroup == $rel and (.[0] | has("pid") | not)' \
		--argjson id "$CGROUP_ID" --arg rel "$CGROUP_REL"
}

@test "-p: one process's requests only" {
	loop_create
	target_start dd if=/dev/zero of="/dev/${LOOPS[0]}" bs=4k count=9 oflag=direct status=none
	tool_start biotop -j -v --disk "${LOOPS[0]}" -p "$TARGET" 60
	loop_io "${LOOPS[0]}" 13 0
	target_go
	stop_ok
	assert_jq "$(all_rows)" 'length == 1 and .[0].pid == $p and .[0].writes == 9' --argjson p "$TARGET"
}

@test "text: the header and a row per process; on a terminal the screen is cleared, not with --noclear" {
	loop_create
	tool_start biotop -v --disk "${LOOPS[0]}" 60
	loop_io "${LOOPS[0]}" 3 0
	stop_ok
	assert_match "$(sed -n 1p "$TOOL_OUT")" '^\[[0-9:]{8}\]$' "time line"
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^PID +COMM +DISK +READS +WRITES +READ_KB +WRITE_KB +AVG\(ms\)$' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" "^[0-9]+ +dd +${LOOPS[0]} +0 +3 +0 +12 +[0-9]+\\.[0-9]{2}$" "row"
	[[ $(<"$TOOL_OUT") != *$'\e'* ]] || sonde_fail "escape sequences into a file"

	require_cmd script
	timeout -s KILL 20 script -qec "$SONDE_BIN/biotop --disk ${LOOPS[0]} 1 2" /dev/null \
		</dev/null >"$BATS_TEST_TMPDIR/tty" 3>&-
	assert_eq "$(grep -o $'\e\\[H\e\\[2J' "$BATS_TEST_TMPDIR/tty" | wc -l)" 2 "screens cleared on a terminal"
	timeout -s KILL 20 script -qec "$SONDE_BIN/biotop --noclear --disk ${LOOPS[0]} 1 2" /dev/null \
		</dev/null >"$BATS_TEST_TMPDIR/tty" 3>&-
	assert_eq "$(grep -c $'\e' "$BATS_TEST_TMPDIR/tty")" 0 "escapes with --noclear"
	assert_eq "$(grep -c '^PID' "$BATS_TEST_TMPDIR/tty")" 2 "headers with --noclear"
}

@test "a hostile process name (dd through a symlink) is one escaped text field and JSON that parses to it" {
	local name dir
	loop_create
	# ESC, newline, CR, quote, backslash, a byte next to NUL, invalid UTF-8: 15 bytes.
	name=$'m\e\n\r"\\\x01\xff\xfe z'
	dir=$(mktemp -d "$BATS_TEST_TMPDIR/bin.XXXXXX")
	ln -s "$(command -v dd)" "$dir/$name"
	tool_start biotop -v --disk "${LOOPS[0]}" 60
	"$dir/$name" if=/dev/zero of="/dev/${LOOPS[0]}" bs=4k count=2 oflag=direct status=none
	stop_ok
	assert_eq "$(wc -l <"$TOOL_OUT")" 4 "lines: time, header, one row, blank"
	assert_match "$(sed -n 3p "$TOOL_OUT")" '^[0-9]+ +m\\x1b\\x0a\\x0d"\\\\\\x01\\xff\\xfe z +loop' "the escaped name"
	tool_start biotop -j -v --disk "${LOOPS[0]}" 60
	"$dir/$name" if=/dev/zero of="/dev/${LOOPS[0]}" bs=4k count=2 oflag=direct status=none
	stop_ok
	assert_json_lines
	LC_ALL=C grep -q '[^[:print:]]' "$TOOL_OUT" && sonde_fail "a raw byte outside printable ASCII"
	assert_jq "$(<"$TOOL_OUT")" '.processes[0].comm | startswith("m\u001b\n\r\"\\\u0001")'
}

@test "[interval [count]]: count reports, then exit 0; biotop -j | head -n1 exits 0" {
	assert_reports 2 2 biotop 1 2
	assert_head_ends biotop 1
}

@test "bad values exit 2 naming the option and the value" {
	assert_bad_value biotop --disk nosuchdisk --disk nosuchdisk
	assert_bad_value biotop -s/--sort xx -s xx
	assert_bad_value biotop -r/--rows x -r x
	assert_bad_value biotop -r/--rows -1 -r -1
	assert_bad_value biotop interval 0 0
	assert_bad_value biotop count 0 1 0
	assert_bad_value biotop -p/--pid abc -p abc
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help biotop -s --sort -r --rows --noclear --by-cgroup --disk
	assert_unprivileged_exit biotop
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start biotop -v
	stop_ok INT
	assert_detached "${BIOTOP_PROGS[@]}"
}
