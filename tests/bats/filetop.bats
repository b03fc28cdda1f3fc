#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# filetop against the real kernel, as root: dd writes and reads files of
# the test's own in blocks of known size, one call per block. The oracles:
# the blocks dd moved, the file's size, and its device and inode as
# stat(1) gives them.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/filetop.bats

load helpers

# Names of filetop's BPF programs, cut to the 15 characters bpftool may show.
FILETOP_PROGS=(handle_read handle_pread64 handle_readv handle_preadv handle_preadv2
	handle_write handle_pwrite64 handle_writev handle_pwritev handle_pwritev2)

setup() {
	require_tool filetop
	require_cmd jq dd bpftool stat
	DIR=$(mktemp -d "$BATS_TEST_TMPDIR/files.XXXXXX")
}

teardown() {
	sonde_teardown
}

# The rows of every interval the tool printed, in one array.
all_rows() {
	jq -s 'map(.files[])' "$TOOL_OUT"
}

# dd_bg ARGS...: dd ARGS in the background, waited for; its PID in DD.
dd_bg() {
	dd "$@" status=none &
	DD=$!
	wait "$DD"
}

@test "a writer's and a reader's rows: calls and bytes as dd moved them, the file's path, device and inode" {
	local writer reader rows
	tool_start filetop -j -v -r 0 60
	dd_bg if=/dev/zero of="$DIR/data" bs=4k count=30
	writer=$DD
	dd_bg if="$DIR/data" of=/dev/null bs=8k
	reader=$DD
	stop_ok
	assert_json_lines
	assert_eq "$(stat -c %s "$DIR/data")" 122880 "the file's size"
	rows=$(all_rows)
	rows=$(jq --argjson d "$(stat -c %d "$DIR/data")" --argjson i "$(stat -c %i "$DIR/data")" \
		'map(select(.dev == $d and .ino == $i))' <<<"$rows")
	assert_jq "$rows" 'map(.pid) | sort == ([$w, $r] | sort)' --argjson w "$writer" --argjson r "$reader"
	assert_jq "$rows" 'map(select(.pid == $w)) | .[0].writes == 30 and .[0].write_bytes == 122880 and .[0].reads == 0 and .[0].comm == "dd"' --argjson w "$writer"
	# 15 reads of 8 KiB, and the one at the end of the file, which reads nothing and is not counted.
	assert_jq "$rows" 'map(select(.pid == $r)) | .[0].reads == 15 and .[0].read_bytes == 122880 and .[0].writes == 0' --argjson r "$reader"
	assert_jq "$rows" 'all(.path == $p and .type == "regular" and .truncated == false)' --arg p "$DIR/data"
}

@test "-s and -r: ranked by the key asked for, the first ROWS only; -p: one process's files" {
	local writer reader
	sleep 60 &
	sonde_track_pid $!
	tool_start filetop -j -v -p $! -s writes -r 1 60
	stop_ok
	assert_jq "$(all_rows)" 'length == 0'

	tool_start filetop -j -v -s writes -r 1 60
	dd_bg if=/dev/zero of="$DIR/w" bs=1k count=50
	writer=$DD
	dd_bg if=/dev/zero of="$DIR/r" bs=64k count=4
	dd_bg if="$DIR/r" of=/dev/null bs=64k
	reader=$DD
	stop_ok
	assert_jq "$(<"$TOOL_OUT")" '.files == [.files[0]] and .files[0].pid == $p and .files[0].writes == 50' --argjson p "$writer"

	target_start dd if="$DIR/w" of=/dev/null bs=1k
	tool_start filetop -j -v -s rbytes -p "$TARGET" 60
	dd_bg if="$DIR/r" of=/dev/null bs=64k
	target_go
	stop_ok
	assert_jq "$(all_rows)" 'all(.pid == $p) and (map(select(.path == $f)) | length == 1 and .[0].reads == 50)' --argjson p "$TARGET" --arg f "$DIR/w"
}

@test "-a: a character device's reads too, with its type; without -a only regular files" {
	local zero
	tool_start filetop -j -v -r 0 60
	dd_bg if=/dev/zero of=/dev/null bs=4k count=7
	zero=$DD
	stop_ok
	assert_jq "$(all_rows)" 'map(select(.pid == $p and (.path | startswith("/dev/")))) == []' --argjson p "$zero"

	tool_start filetop -j -v -a -r 0 60
	dd_bg if=/dev/zero of=/dev/null bs=4k count=7
	zero=$DD
	stop_ok
	assert_jq "$(all_rows)" 'map(select(.pid == $p and .path == "/dev/zero")) | length == 1 and .[0].type == "char" and .[0].reads == 7' --argjson p "$zero"
	assert_jq "$(all_rows)" 'map(select(.pid == $p and .path == "/dev/null")) | length == 1 and .[0].writes == 7' --argjson p "$zero"
}

@test "text: the header and a row per process and file" {
	tool_start filetop -v -r 0 60
	dd_bg if=/dev/zero of="$DIR/text" bs=2k count=3
	stop_ok
	assert_match "$(sed -n 1p "$TOOL_OUT")" '^\[[0-9:]{8}\]$' "time line"
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^PID +COMM +READS +WRITES +READ_KB +WRITE_KB +TYPE +PATH$' "header"
	assert_match "$(grep "^$DD .*/text\$" "$TOOL_OUT")" "^$DD +dd +0 +3 +0 +6 +regular +$DIR/text\$" "dd's row"
}

@test "[interval [count]]: count reports, then exit 0; filetop -j | head -n1 exits 0" {
	assert_reports 2 2 filetop 1 2
	assert_head_ends filetop 1
}

@test "bad values exit 2 naming the option and the value" {
	assert_bad_value filetop -s/--sort xx -s xx
	assert_bad_value filetop -r/--rows x -r x
	assert_bad_value filetop interval x x
	assert_bad_value filetop count 0 1 0
	assert_bad_value filetop -p/--pid abc -p abc
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help filetop -a --all-files -s --sort -r --rows --noclear
	assert_unprivileged_exit filetop
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start filetop -v
	stop_ok INT
	assert_detached "${FILETOP_PROGS[@]}"
}
