#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# fsslower against the real kernel, as root: an ext4 file system on a loop
# device of the test's own (bio_helpers.bash), where an fsync of many
# dirty pages is slow and reads from the page cache are fast, and a tmpfs
# beside it. The oracle for the time a call took is strace -T.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/fsslower.bats

load helpers
load bio_helpers

# Names of fsslower's BPF programs, cut to the 15 characters bpftool may show.
FSSLOWER_PROGS=(handle_enter_re handle_exit_rea handle_enter_wr handle_exit_wri
	handle_enter_fs handle_exit_fsy handle_enter_op handle_exit_ope)

setup() {
	require_tool fsslower
	require_cmd jq losetup mkfs.ext4 mount umount strace python3 bpftool
	MOUNTS=()
}

teardown() {
	local m
	sonde_teardown
	for m in "${MOUNTS[@]}"; do
		umount "$m" 2>/dev/null || true
	done
	loop_teardown
}

# ext4_mount: an ext4 file system on a new 96 MiB loop device, mounted at
# EXT4 (a directory of the test's).
ext4_mount() {
	LOOP_SIZE=96M loop_create || return 1
	mkfs.ext4 -q -F "/dev/${LOOPS[-1]}" || sonde_fail "mkfs.ext4 failed"
	EXT4=$BATS_TEST_TMPDIR/ext4
	mkdir -p "$EXT4"
	mount "/dev/${LOOPS[-1]}" "$EXT4" || sonde_fail "mount of the ext4 file system failed"
	MOUNTS+=("$EXT4")
}

# tmpfs_mount: a tmpfs of the test's at TMPFS.
tmpfs_mount() {
	TMPFS=$BATS_TEST_TMPDIR/tmpfs
	mkdir -p "$TMPFS"
	mount -t tmpfs -o size=8m sonde-test "$TMPFS" || sonde_fail "mount of a tmpfs failed"
	MOUNTS+=("$TMPFS")
}

# slow_fsync FILE: 48 MiB of dirty pages written to FILE, then an fsync of
# it by python3 under strace -T; SYNC_PID is python3's, SYNC_S the time the
# fsync took, as strace saw it (seconds).
slow_fsync() {
	dd if=/dev/zero of="$1" bs=1M count=48 status=none
	strace -T -e trace=fsync -o "$BATS_TEST_TMPDIR/strace" \
		python3 -c 'import os, sys; print(os.getpid(), flush=True); fd = os.open(sys.argv[1], os.O_RDWR); os.fsync(fd)' "$1" \
		>"$BATS_TEST_TMPDIR/sync.pid"
	SYNC_PID=$(<"$BATS_TEST_TMPDIR/sync.pid")
	SYNC_S=$(sed -n 's/^fsync(.*) *= 0 <\([0-9.]*\)>$/\1/p' "$BATS_TEST_TMPDIR/strace")
	[[ -n $SYNC_S ]] || sonde_fail "strace saw no fsync:" "$(<"$BATS_TEST_TMPDIR/strace")"
}

@test "ext4: the slow fsync of a file with 48 MiB dirty is reported with its path, file system and strace's time; fast reads are not" {
	local reader
	ext4_mount
	tool_start fsslower -j -v
	slow_fsync "$EXT4/big"
	dd if="$EXT4/big" of=/dev/null bs=4k count=4000 status=none &
	reader=$!
	wait "$reader"
	wait_for_text '"op":"S"'
	stop_ok
	assert_json_lines
	one_event '.op == "S" and .pid == $p' "the fsync" --argjson p "$SYNC_PID"
	assert_jq "$EV" '.call == "fsync" and .path == $f and .fs == "ext4" and .comm == "python3" and .bytes == null and .offset_bytes == null and .truncated == false' --arg f "$EXT4/big"
	# strace's time holds the tool's, and its own stops around the call.
	assert_jq "$EV" '.lat_us >= 10000 and .lat_us <= $s * 1e6' --argjson s "$SYNC_S"
	assert_jq "$EV" '.lat_us >= $s * 1e6 * 0.8' --argjson s "$SYNC_S"
	assert_eq "$(jq -c --argjson p "$reader" 'select(.pid == $p)' "$TOOL_OUT")" "" "events of the fast reader"
}

@test "min_ms 0: every call on a regular file, reads and writes with their bytes and offsets" {
	tmpfs_mount
	tool_start fsslower -j -v 0
	dd if=/dev/zero of="$TMPFS/f" bs=4k count=3 status=none &
	wait $!
	dd if="$TMPFS/f" of=/dev/null bs=2k skip=1 status=none &
	wait $!
	wait_for_text '"offset_bytes":10240'
	stop_ok
	assert_jq "$(jq -s --arg f "$TMPFS/f" 'map(select(.path == $f))' "$TOOL_OUT")" \
		'(map(select(.op == "W") | [.offset_bytes, .bytes]) == [[0, 4096], [4096, 4096], [8192, 4096]]) and
		 (map(select(.op == "R" and .bytes > 0) | .offset_bytes) == [2048, 4096, 6144, 8192, 10240]) and
		 (map(select(.op == "O")) | length == 2) and all(.fs == "tmpfs")'
}

@test "-t: only the file system of that type" {
	ext4_mount
	tmpfs_mount
	tool_start fsslower -j -v -t tmpfs 0
	echo x >"$TMPFS/t"
	echo x >"$EXT4/e"
	wait_for_text "$TMPFS/t"
	stop_ok
	assert_jq "$(jq -s . "$TOOL_OUT")" 'length > 0 and all(.fs == "tmpfs")'

	tool_start fsslower -j -v -t ext4
	slow_fsync "$EXT4/big"
	echo x >"$TMPFS/t"
	wait_for_text '"op":"S"'
	stop_ok
	# The root file system may be ext4 too: the calls on ours.
	assert_jq "$(jq -s . "$TOOL_OUT")" 'map(select(.op == "S" and (.path | startswith($d)))) | length == 1 and .[0].pid == $p and .[0].fs == "ext4"' \
		--argjson p "$SYNC_PID" --arg d "$EXT4/"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.fs == "ext4")'
}

@test "-p: one process's calls only" {
	tmpfs_mount
	target_start dd if=/dev/zero of="$TMPFS/mine" bs=1k count=2 status=none
	tool_start fsslower -j -v -p "$TARGET" -m 0
	echo x >"$TMPFS/other"
	target_go
	wait_for_text '"offset_bytes":1024'
	stop_ok
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.pid == $p) and (map(select(.path == $f and .op == "W")) | length == 2)' --argjson p "$TARGET" --arg f "$TMPFS/mine"
}

@test "text: the header and a row per call" {
	tmpfs_mount
	tool_start fsslower -v -T 0
	echo hello >"$TMPFS/text"
	wait_for_text "$TMPFS/text"
	stop_ok
	assert_match "$(sed -n 1p "$TOOL_OUT")" '^TIME +PID +COMM +OP +BYTES +OFFSET_KB +LAT\(ms\) +FS +PATH$' "header"
	assert_match "$(grep ' W ' "$TOOL_OUT" | grep /text)" "^[0-9:]{8} +[0-9]+ +[^ ]+ +W +6 +0 +[0-9]+\\.[0-9]{2} +tmpfs +$TMPFS/text\$" "the write's row"
}

@test "bad values exit 2 naming the option and the value" {
	assert_bad_value fsslower min_ms x x
	assert_bad_value fsslower min_ms -1 -- -1
	assert_usage_error fsslower "'2'" 1 2
	assert_bad_value fsslower -t/--fstype "a/b" -t a/b
	assert_bad_value fsslower -t/--fstype "" -t ""
	assert_bad_value fsslower -t/--fstype "averyveryverylongname" -t averyveryverylongname
	assert_bad_value fsslower -m/--min x -m x
	assert_bad_value fsslower -m/--min 3600001 -m 3600001
	assert_bad_value fsslower -p/--pid abc -p abc
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help fsslower -t --fstype min_ms
	assert_unprivileged_exit fsslower
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start fsslower -v
	stop_ok INT
	assert_detached "${FSSLOWER_PROGS[@]}"
}
