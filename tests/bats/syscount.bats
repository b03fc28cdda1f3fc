#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# syscount against the real kernel, as root. The workload is sysloop, which
# makes exactly N calls of getppid (always succeeds) or close(-1) (always
# fails with EBADF), run in a cgroup of the test's own or watched by PID, so
# that other activity on the machine cannot change the counts checked.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/syscount.bats

load helpers
load count_helpers

# Names of syscount's BPF programs, cut to the 15 characters bpftool may show.
SYSCOUNT_PROGS=(handle_sys_exit handle_sys_ente)

setup() {
	require_tool syscount
	require_sysloop
	require_cmd jq bpftool perf timeout
}

teardown() {
	sonde_teardown
}

# The count of one syscall's row, from every interval of the JSON output.
syscall_count() {
	block_count ".syscalls[] | select(.syscall == \"$1\") | .${2:-count}"
}

@test "a known number of getppid calls is counted exactly, as perf counts them" {
	cgroup_create
	tool_start syscount -j -v -T 0 -c "$CGROUP_DIR"
	perf_sysloop "$CGROUP_DIR" "$BATS_TEST_TMPDIR/perf" getppid 50000
	stop_ok

	assert_json_lines
	assert_eq "$(wc -l <"$TOOL_OUT")" 1 "objects (one report, at the end)"
	local n
	n=$(syscall_count getppid)
	assert_eq "$n" "$(<"$BATS_TEST_TMPDIR/perf")" "getppid calls against perf's count"
	((n >= 50000)) || sonde_fail "getppid counted $n times, fewer than the 50000 made"
	assert_eq "$(syscall_count getppid errors)" 0 "getppid errors"
	assert_jq "$(<"$TOOL_OUT")" '.syscalls[] | select(.syscall == "getppid") | .nr == 110'
	assert_jq "$(<"$TOOL_OUT")" '.syscalls | . == sort_by(-.count)'
	assert_jq "$(<"$TOOL_OUT")" '.time | test("^[0-9-]{10}T[0-9:]{8}\\.[0-9]{6}Z$")'
}

@test "calls of a number past the table (syscall 1000) are counted by number, as perf counts them" {
	local perf n
	cgroup_create
	tool_start syscount -j -v -T 0 -c "$CGROUP_DIR"
	run_in_cgroup "$CGROUP_DIR" perf stat -x, -e raw_syscalls:sys_exit --filter 'id == 1000' \
		-o "$BATS_TEST_TMPDIR/perf" -- "$SYSLOOP" 1000 100
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"
	perf=$(awk -F, '$3 == "raw_syscalls:sys_exit" { print $1 }' "$BATS_TEST_TMPDIR/perf")
	assert_eq "$perf" 100 "perf's count of syscall 1000"
	n=$(block_count '.syscalls[] | select(.nr == 1000) | .count')
	assert_eq "$n" "$perf" "syscall 1000 against perf's count"
	assert_eq "$(block_count '.syscalls[] | select(.nr == 1000) | .errors')" 100 "ENOSYS errors"
	assert_jq "$(<"$TOOL_OUT")" '.syscalls[] | select(.nr == 1000) | .syscall == null'
	[[ $(<"$TOOL_ERR") != *"lost"* ]] || sonde_fail "events lost: $(<"$TOOL_ERR")"
}

@test "text, -p: a block with the time, the header and the process's exact count" {
	local go=$BATS_TEST_TMPDIR/go pid
	mkfifo "$go"
	"$SYSLOOP" -w getppid 30000 <"$go" &
	pid=$!
	sonde_track_pid "$pid"
	tool_start syscount -v -p "$pid"
	echo go >"$go"
	wait "$pid"
	stop_ok

	assert_match "$(sed -n 1p "$TOOL_OUT")" '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "block time"
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^SYSCALL +COUNT +ERRORS$' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" '^getppid +30000 +0$' "first row"
	assert_eq "$(tail -n 1 "$TOOL_OUT")" "" "the empty line ending the block"
}

@test "-x counts only failed calls, -e only those with that errno" {
	cgroup_create
	tool_start syscount -j -v -x -T 0 -c "$CGROUP_DIR"
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" getppid 5000
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" close 3000
	tool_stop
	assert_eq "$(syscall_count close)" 3000 "failed closes"
	assert_eq "$(syscall_count close errors)" 3000 "close errors"
	assert_eq "$(syscall_count getppid)" 0 "getppid calls with -x"
	assert_jq "$(<"$TOOL_OUT")" 'all(.syscalls[]; .errors == .count)'

	tool_start syscount -j -v -e EBADF -T 0 -c "$CGROUP_DIR"
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" close 2000
	tool_stop
	assert_eq "$(syscall_count close)" 2000 "closes failed with EBADF"

	tool_start syscount -j -v -e ENOENT -T 0 -c "$CGROUP_DIR"
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" close 2000
	tool_stop
	assert_eq "$(syscall_count close)" 0 "closes with -e ENOENT"
}

@test "-P counts by process, with its name and (-C) its cgroup" {
	cgroup_create
	local big small
	tool_start syscount -j -v -P -C -c "$CGROUP_DIR"
	in_cgroup_bg "$CGROUP_DIR" "$SYSLOOP" getppid 20000
	big=$BG_PID
	wait "$big"
	in_cgroup_bg "$CGROUP_DIR" "$SYSLOOP" getppid 5000
	small=$BG_PID
	wait "$small"
	stop_read
	assert_jq "$OUT" '.processes | length == 2'
	assert_jq "$OUT" '.processes[0].pid == $p and .processes[0].count >= 20000' --argjson p "$big"
	assert_jq "$OUT" '.processes[1].pid == $p and .processes[1].count >= 5000' --argjson p "$small"
	assert_jq "$OUT" '.processes[1].count < 20000'
	assert_jq "$OUT" 'all(.processes[]; .comm == "sysloop" and .cgroup_id == $id and .cgroup == $rel)' \
		--argjson id "$CGROUP_ID" --arg rel "$CGROUP_REL"
	assert_jq "$OUT" 'has("syscalls") | not'

	tool_start syscount -v -P -c "$CGROUP_DIR"
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" getppid 100
	tool_stop
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^PID +COMM +COUNT +ERRORS$' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" '^[0-9]+ +sysloop +[0-9]+ +[0-9]+$' "row"
}

@test "-L adds the time spent, in microseconds or (-m, text only) milliseconds" {
	cgroup_create
	tool_start syscount -j -v -L -c "$CGROUP_DIR"
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" getppid 1000
	tool_stop
	local row
	row=$(jq -c '.syscalls[] | select(.syscall == "getppid")' "$TOOL_OUT")
	assert_jq "$row" '.count == 1000 and .total_us > 0 and .avg_us > 0'
	assert_jq "$row" '(.avg_us - .total_us / 1000 | fabs) < 0.01'

	tool_start syscount -v -L -m -c "$CGROUP_DIR"
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" getppid 1000
	tool_stop
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^SYSCALL +COUNT +ERRORS +TIME\(ms\) +AVG\(ms\)$' "header"
	assert_match "$(lines_with getppid)" '^getppid +1000 +0 +[0-9]+\.[0-9]{3} +[0-9]+\.[0-9]{3}$' "row"
}

@test "interval and count: two 1-second reports, then exit 0 by itself" {
	assert_reports 2 2 syscount 1 2
	assert_jq "$(tail -n 1 <<<"$output")" '.interval_ms > 800 and .interval_ms < 1500'
	assert_jq "$(head -n 1 <<<"$output")" '.syscalls | length > 0 and length <= 10'

	tool_run_bounded 10 syscount -T 3 1 1
	assert_eq "$status" 0 "exit status"
	assert_eq "$(grep -c '^\[..:..:..\]$' <<<"$output")" 1 "blocks"
	# The empty line that ends the block is cut by $(...).
	assert_eq "$(wc -l <<<"$output")" 5 "lines: time, header, 3 rows"
}

@test "-i 1 -d 2: a report each second, the rest of the last one at the end" {
	assert_reports 2 3 syscount -i 1 -d 2
}

@test "-l lists the syscall names with their numbers" {
	tool_run_bounded 10 syscount -l
	assert_eq "$status" 0 "exit status"
	assert_match "$(head -n 1 <<<"$output")" '^ +NR SYSCALL$' "header"
	assert_match "$(grep -w getppid <<<"$output")" '^ +110 getppid$' "getppid"
	tool_run_bounded 10 syscount -l -j
	assert_jq "$(grep '"getppid"' <<<"$output")" '.nr == 110'
}

@test "syscount -j 1 | head -n1 exits 0 with nothing on stderr" {
	assert_head_ends syscount 1 --
}

@test "bad values exit 2 naming the option and the value" {
	assert_bad_value syscount -T/--top x -T x
	assert_bad_value syscount -e/--errno EFOO -e EFOO
	assert_bad_value syscount -e/--errno 0 -e 0
	assert_bad_value syscount -i/--interval 0 -i 0
	assert_bad_value syscount interval 0 0
	assert_bad_value syscount count x 1 x
	assert_bad_value syscount "expected [interval [count]]" 3 1 2 3
	assert_bad_value syscount -p/--pid abc -p abc
	assert_bad_value syscount -d/--duration 0 -d 0
}

@test "SIGINT ends with exit 0 and nothing left attached, -L's entry program included" {
	tool_start syscount -v -L 1
	stop_ok INT
	assert_detached "${SYSCOUNT_PROGS[@]}"
	[[ " ${TOOL_PROG_NAMES[*]} " == *" handle_sys_ente"* ]] ||
		sonde_fail "-L did not load the entry program: ${TOOL_PROG_NAMES[*]}"
}
