#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# runqslower against the real kernel, as root. The workload is contention the
# test controls: three busy loops pinned to CPU 0 in a cgroup of its own,
# which wait for each other; the oracle is the kernel's own account of a
# task's waits, /proc/PID/schedstat (run_delay and the slices run).
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/runqslower.bats

load helpers
load sched_helpers

# Names of runqslower's BPF programs, cut to the 15 characters bpftool may show.
RUNQSLOWER_PROGS=(handle_wakeup handle_wakeup_n handle_switch)

setup() {
	require_tool runqslower
	require_cmd jq taskset bpftool perf
}

teardown() {
	sonde_teardown
}

@test "threshold 0: every wait of the PID is an event; their count and total are schedstat's" {
	sched_window runqslower 0

	assert_json_lines
	# Whole microseconds: the total is short of the kernel's by up to 1 us
	# a wait.
	sched_check "runqslower -p 0: waits" "$(wc -l <"$TOOL_OUT")" "$SCHED_SEEN_IN" \
		"$(jq -s 'map(.lat_us) | add * 1000' "$TOOL_OUT")" "$(jq -s 'map(.lat_us) | max * 1000' "$TOOL_OUT")"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.[]; .pid == $p and .tid == $p and .comm == "bash")' \
		--argjson p "${BUSY[0]}"
}

@test "waits over the threshold, with the task that had the CPU: the other loops" {
	local others n
	cgroup_create busy
	busy_start "$CGROUP_DIR" 3 30
	others=$(printf '%s\n' "${BUSY[@]:1}" | jq -s -c .)
	tool_start runqslower -j -v -p "${BUSY[0]}" 4000
	sonde_nap 1.5
	stop_ok

	assert_json_lines
	n=$(wc -l <"$TOOL_OUT")
	((n >= 10)) || sonde_fail "only $n waits over 4 ms among three loops on one CPU"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.[]; .pid == $p and .lat_us >= 4000)' --argjson p "${BUSY[0]}"
	# The loops take turns (with whatever else the machine runs on CPU 0):
	# the task before is another one, often one of the two other loops.
	assert_jq "$(jq -s . "$TOOL_OUT")" \
		'any(.[]; .prev_pid as $q | $others | index($q) != null)' --argjson others "$others"
	assert_jq "$(jq -s . "$TOOL_OUT")" \
		'all(.[] | select(.prev_pid as $q | $others | index($q) != null); .prev_tid == .prev_pid and .prev_comm == "bash")' \
		--argjson others "$others"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.[]; .prev_tid != .tid and (.prev_comm | type) == "string")'
	assert_jq "$(head -n 1 "$TOOL_OUT")" '.cgroup_id == $id and (has("cgroup") | not)' \
		--argjson id "$CGROUP_ID"
}

@test "text, -P -C: the previous task's TID and name, the cgroup; JSON's keys" {
	cgroup_create busy
	busy_start "$CGROUP_DIR" 3 30
	tool_start runqslower -v -P -C -p "${BUSY[1]}" 4000
	# A row ends with the cgroup (a wait over 4 ms comes within a second
	# or so; on a loaded machine later).
	wait_for_text "$CGROUP_REL"
	stop_ok
	assert_header '^PID +TID +COMM +LAT\(us\) PREV_TID PREV_COMM +CGROUP$'
	assert_match "$(sed -n 2p "$TOOL_OUT")" \
		"^${BUSY[1]} +${BUSY[1]} +bash +[0-9]{4,} [0-9]+ +[^ ].* +${CGROUP_REL}\$" "row"

	tool_start runqslower -v -T -t "${BUSY[1]}" 4000
	wait_for_text " bash "
	stop_ok
	assert_header '^TIME +PID +TID +COMM +LAT\(us\)$'
	assert_match "$(sed -n 2p "$TOOL_OUT")" "^[0-9]{2}:[0-9]{2}:[0-9]{2} +${BUSY[1]} +${BUSY[1]} +bash +[0-9]+\$" "row"
	assert_eq "$(tail -n +2 "$TOOL_OUT" | grep -Ecv " ${BUSY[1]} +${BUSY[1]} ")" 0 "rows of other threads"
}

# Four loops on one CPU: each waits for the three others, some 8 ms, some
# 12 ms or more. A run with threshold 0 traces the same waits beside it.
@test "the default threshold, 10 ms: the waits over it, and only those" {
	local all all_out over near n
	cgroup_create busy
	busy_start "$CGROUP_DIR" 4 30
	sched_pause
	tool_start runqslower -j -v -p "${BUSY[0]}" 0
	all=$TOOL_PID all_out=$BATS_TEST_TMPDIR/all.out
	mv "$TOOL_OUT" "$all_out"
	tool_start runqslower -j -v -p "${BUSY[0]}"
	sched_run
	stop_ok
	TOOL_OUT=$all_out TOOL_PID=$all TOOL_PROG_IDS=()
	stop_ok
	kill -s CONT "${BUSY[0]}"

	assert_json_lines "$all_out"
	assert_jq "$(jq -s . "$all_out")" 'any(.[]; .lat_us < 9900) and any(.[]; .lat_us > 10100)'
	assert_json_lines "$BATS_TEST_TMPDIR/runqslower.out"
	assert_jq "$(jq -s . "$BATS_TEST_TMPDIR/runqslower.out")" 'all(.[]; .lat_us >= 10000)'
	# Each run times a wait itself: the same wait may differ by microseconds.
	over=$(jq -s 'map(select(.lat_us > 10050)) | length' "$all_out")
	near=$(jq -s 'map(select(.lat_us > 9950)) | length' "$all_out")
	n=$(wc -l <"$BATS_TEST_TMPDIR/runqslower.out")
	sched_note "runqslower: $n waits over 10 ms; threshold 0: $(wc -l <"$all_out") waits, $over over 10.05 ms, $near over 9.95 ms"
	((n >= over && n <= near)) || sonde_fail "$n waits shown over 10 ms, but $over to $near in the run with threshold 0"
}

@test "runqslower -j 0 | head -n1 exits 0 with nothing on stderr" {
	assert_head_ends runqslower 0 --
}

@test "bad values exit 2 naming the option and the value" {
	assert_bad_value runqslower min_us abc abc
	assert_bad_value runqslower min_us -1 -- -1
	assert_bad_value runqslower min_us 4294967296 4294967296
	assert_bad_value runqslower "expected [min_us]" 2 1 2
	assert_bad_value runqslower -t/--tid 0 -t 0
	assert_bad_value runqslower -t/--tid x --tid x
	assert_bad_value runqslower -p/--pid x -p x
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help runqslower -P --tid -T -C
	assert_unprivileged_exit runqslower
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start runqslower -v
	stop_ok INT
	assert_detached "${RUNQSLOWER_PROGS[@]}"
}
