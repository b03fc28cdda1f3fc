#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# runqlat against the real kernel, as root. The workload is contention the
# test controls: three busy loops pinned to CPU 0 in a cgroup of its own;
# the oracle is the kernel's own account of a task's waits,
# /proc/PID/schedstat (run_delay and the slices run).
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/runqlat.bats

load helpers
load sched_helpers

# Names of runqlat's BPF programs, cut to the 15 characters bpftool may show.
RUNQLAT_PROGS=(handle_wakeup handle_wakeup_n handle_switch)

setup() {
	require_tool runqlat
	require_cmd jq taskset bpftool perf
}

teardown() {
	sonde_teardown
}

@test "-p: the waits and their total are the kernel's (schedstat), within 2 %" {
	sched_window runqlat

	assert_json_lines
	assert_eq "$(wc -l <"$TOOL_OUT")" 1 "objects (one report, at the end)"
	sched_check "runqlat -p: waits" "$(jq .count "$TOOL_OUT")" "$SCHED_SEEN_IN" \
		"$(jq '.sum_us * 1000 | round' "$TOOL_OUT")" "$(jq '.max_us * 1000' "$TOOL_OUT")"
	# Three loops share CPU 0: many waits last a slice or two of the others'
	# (shorter ones are for what else the machine runs there).
	assert_jq "$(<"$TOOL_OUT")" '.unit == "us" and .p90_us >= 1000 and .max_us >= .p99_us and .p99_us >= .p90_us and .p90_us >= .p50_us'
	assert_jq "$(<"$TOOL_OUT")" '([.buckets[].count] | add) == .count'
	assert_jq "$(<"$TOOL_OUT")" '(.avg_us - .sum_us / .count | fabs) < 0.1'
	assert_jq "$(<"$TOOL_OUT")" 'has("pid") or has("cgroup_id") | not'
}

@test "--by-cgroup: the contended cgroup's median wait is far above an idle one's" {
	local busy_id idle_id busy_p50 idle_p50 busy_p90
	cgroup_create busy
	busy_id=$CGROUP_ID
	busy_start "$CGROUP_DIR" 3 30
	cgroup_create idle
	idle_id=$CGROUP_ID
	idle_start "$CGROUP_DIR" 30
	tool_start runqlat -j -v --by-cgroup -c "${CGROUP_DIR%/idle}"
	sonde_nap 2
	stop_ok

	assert_json_lines
	busy_p50=$(jq --argjson id "$busy_id" 'select(.cgroup_id == $id) | .p50_us' "$TOOL_OUT")
	idle_p50=$(jq --argjson id "$idle_id" 'select(.cgroup_id == $id) | .p50_us' "$TOOL_OUT")
	busy_p90=$(jq --argjson id "$busy_id" 'select(.cgroup_id == $id) | .p90_us' "$TOOL_OUT")
	sched_note "runqlat --by-cgroup: p50 ${busy_p50} us contended (p90 ${busy_p90}), ${idle_p50} us idle; $(jq -c "{cgroup, count, avg_us, p50_us, p90_us}" "$TOOL_OUT" | tr "\n" " ")"
	assert_match "$busy_p50" '^[0-9]+$' "the contended cgroup's p50"
	assert_match "$idle_p50" '^[0-9]+$' "the idle cgroup's p50"
	# The loops wait for each other's slices (milliseconds); what else runs
	# on CPU 0 preempts them for less, which pulls the median down on a
	# busy machine, but not to the idle task's.
	((busy_p90 >= 2000 && busy_p50 > 4 * idle_p50)) ||
		sonde_fail "p50 ${busy_p50} us contended is not far above ${idle_p50} us idle (p90 ${busy_p90} us)"
	# Only the two cgroups under -c's, each with its path, the busiest first.
	assert_eq "$(wc -l <"$TOOL_OUT")" 2 "histograms"
	assert_jq "$(head -n 1 "$TOOL_OUT")" '.cgroup == $rel and .cgroup_id == $id' \
		--arg rel "${CGROUP_REL%/idle}/busy" --argjson id "$busy_id"
	assert_jq "$(tail -n 1 "$TOOL_OUT")" '.cgroup == $rel' --arg rel "$CGROUP_REL"
}

# The filter tests the task that waits, which the hooks do not run in: its
# cgroup's ID is the one -c --follow moves to when the cgroup is made again.
@test "-c --follow: the cgroup removed and created again, the new one's waits are counted" {
	local dir new
	cgroup_create app
	dir=$CGROUP_DIR
	tool_start runqlat -j -v --by-cgroup --follow -c "$dir" 1
	rmdir "$dir"
	wait_for_text "cgroup '$dir' was removed: nothing is traced until it is created again" "$TOOL_ERR"
	mkdir "$dir"
	new=$(stat -c %i "$dir")
	wait_for_text "cgroup '$dir' was created again (id $new): tracing it" "$TOOL_ERR"
	busy_start "$dir" 3 30
	wait_for_text "\"cgroup_id\":$new,"
	stop_ok
	assert_json_lines
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.[]; .cgroup_id == $id)' --argjson id "$new"
	# Three loops on one CPU wait milliseconds for it, on average (the
	# median falls below 1 ms when the machine's other work cuts their
	# slices short: 703 us seen under the sanitizer build).
	assert_jq "$(jq -s . "$TOOL_OUT")" 'any(.[]; .count > 0 and .avg_us >= 1000)'
}

# In a cgroup namespace of its own, -c's level in the tree is not known: the
# filter walks up from each task's cgroup instead.
@test "-c from a cgroup namespace of its own: the subtree's waits, found by the walk up" {
	local parent
	cgroup_create busy
	parent=${CGROUP_DIR%/busy}
	busy_start "$CGROUP_DIR" 3 30
	status=0
	timeout -s KILL 10 unshare -C "$SONDE_BIN/runqlat" -j --by-cgroup -c "$parent" -d 1 \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- || status=$?
	assert_eq "$status" 0 "exit status ($(<"$BATS_TEST_TMPDIR/err"))"
	assert_json_lines "$BATS_TEST_TMPDIR/out"
	assert_jq "$(jq -s . "$BATS_TEST_TMPDIR/out")" \
		'length == 1 and .[0].cgroup_id == $id and .[0].count > 0' --argjson id "$CGROUP_ID"
}

@test "text: the block's time, the header, the histogram's row and its log2 buckets" {
	cgroup_create busy
	busy_start "$CGROUP_DIR" 3 30
	tool_start runqlat -v -p "${BUSY[1]}"
	sonde_nap 1
	stop_ok

	assert_match "$(sed -n 1p "$TOOL_OUT")" '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "block time"
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^ +COUNT +AVG +P50 +P90 +P99 +MAX UNIT$' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" '^ +[0-9]+ +[0-9]+\.[0-9] +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ us$' "row"
	assert_match "$(sed -n 4p "$TOOL_OUT")" '^ +RANGE +COUNT DISTRIBUTION$' "bucket header"
	assert_match "$(sed -n 5p "$TOOL_OUT")" '^ +[0-9]+ -> [0-9]+ +[0-9]+ \|[* ]{40}\|$' "bucket"
	assert_eq "$(tail -n 1 "$TOOL_OUT")" "" "the empty line ending the block"
}

@test "-m, --fine: milliseconds, and the buckets counted (4 per power of two)" {
	cgroup_create busy
	busy_start "$CGROUP_DIR" 3 30
	tool_start runqlat -j -v -m --fine -p "${BUSY[1]}"
	sonde_nap 1
	stop_ok
	assert_jq "$(<"$TOOL_OUT")" '.unit == "ms" and .count > 0 and .avg_ms >= 1 and .p50_ms < 100 and (.sum_ms | type) == "number"'
	assert_jq "$(<"$TOOL_OUT")" 'has("p50_us") | not'
	# 5 ms waits and more fall in buckets a quarter of a power of two wide.
	assert_jq "$(<"$TOOL_OUT")" 'any(.buckets[]; .low >= 4 and (.high - .low + 1) * 4 == (.low | . as $l | pow(2; $l | log2 | floor)))'
}

@test "-P, -L, -t: a histogram per process or per thread, with its name and cgroup" {
	cgroup_create busy
	busy_start "$CGROUP_DIR" 3 30
	tool_start runqlat -j -v -P -C -c "$CGROUP_DIR"
	sonde_nap 1
	stop_ok
	assert_json_lines
	assert_eq "$(jq -s 'map(.pid) | sort' "$TOOL_OUT" | jq -c .)" \
		"$(printf '%s\n' "${BUSY[@]}" | sort -n | jq -s -c .)" "the processes"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.[]; .comm == "bash" and .cgroup_id == $id and .cgroup == $rel and .count > 0)' \
		--argjson id "$CGROUP_ID" --arg rel "$CGROUP_REL"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'map(.sum_us) == (map(.sum_us) | sort | reverse)'

	tool_start runqlat -v -L -t "${BUSY[2]}"
	sonde_nap 1
	stop_ok
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^PID +TID +COMM +COUNT +AVG ' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" "^${BUSY[2]} +${BUSY[2]} +bash +[0-9]+ " "row"
	assert_eq "$(grep -c '^[0-9]' "$TOOL_OUT")" 1 "rows (-t: one thread)"
}

@test "interval and count: a histogram each second, empty ones too, then exit 0 by itself" {
	asleep_start
	assert_reports 2 2 runqlat -p "$ASLEEP" 1 2
	assert_jq "$(tail -n 1 <<<"$output")" '.count == 0 and .sum_us == 0 and .buckets == [] and .max_us == 0 and .p50_us == 0 and .unit == "us"'
}

@test "runqlat -j 1 | head -n1 exits 0 with nothing on stderr" {
	assert_head_ends runqlat 1 --
	assert_jq "$HEAD_LINE" '.count > 0'
}

@test "bad values exit 2 naming the option and the value" {
	assert_usage_error runqlat "exclude each other" -P -L
	assert_usage_error runqlat "exclude each other" -L --by-cgroup
	assert_bad_value runqlat -t/--tid abc -t abc
	assert_bad_value runqlat -t/--tid 0 --tid 0
	assert_bad_value runqlat -i/--interval 0 -i 0
	assert_bad_value runqlat interval 0 0
	assert_bad_value runqlat count x 1 x
	assert_bad_value runqlat "expected [interval [count]]" 3 1 2 3
	assert_bad_value runqlat -p/--pid abc -p abc
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help runqlat -m -P -L --by-cgroup --fine --tid
	assert_unprivileged_exit runqlat
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start runqlat -v 1
	stop_ok INT
	assert_detached "${RUNQLAT_PROGS[@]}"
}
