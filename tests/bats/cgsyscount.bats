#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# cgsyscount against the real kernel, as root. Each test makes cgroups of its
# own under one parent and runs sysloop in them from the start (it makes
# exactly N calls of getppid, or of close(-1), which fails with EBADF);
# cgsyscount watches only that parent (-c), so other activity on the machine
# cannot change the counts checked.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/cgsyscount.bats

load helpers
load count_helpers

CGSYSCOUNT_PROGS=(handle_sys_exit handle_sys_ente)

setup() {
	require_tool cgsyscount
	require_sysloop
	require_cmd jq bpftool perf timeout
}

teardown() {
	sonde_teardown
}

# make_cgroups NAME...: the cgroups NAME under this test's parent; sets
# PARENT (absolute), PARENT_REL, and for each NAME the variables
# DIR_<NAME>, REL_<NAME> and ID_<NAME>.
make_cgroups() {
	local name
	for name; do
		cgroup_create "$name"
		printf -v "DIR_$name" %s "$CGROUP_DIR"
		printf -v "REL_$name" %s "$CGROUP_REL"
		printf -v "ID_$name" %s "$CGROUP_ID"
	done
	PARENT=${CGROUP_DIR%/*}
	PARENT_REL=${CGROUP_REL%/*}
}

# The row of one cgroup (by ID) in the last JSON object of the output.
row_of() {
	tail -n 1 "$TOOL_OUT" | jq -c --argjson id "$1" '.cgroups[] | select(.cgroup_id == $id)'
}

@test "two cgroups ranked by their calls; the busy one's getppid count is perf's, within 1%" {
	make_cgroups busy calm
	tool_start cgsyscount -j -v --by-syscall -T 0 -c "$PARENT"
	in_cgroup_bg "$DIR_calm" "$SYSLOOP" close 10000
	perf_sysloop "$DIR_busy" "$BATS_TEST_TMPDIR/perf" getppid 100000
	wait "$BG_PID"
	stop_read

	assert_json_lines
	local perf n
	perf=$(<"$BATS_TEST_TMPDIR/perf")
	assert_jq "$OUT" '.cgroups | length == 2'
	assert_jq "$OUT" '.cgroups[0].cgroup == $r and .cgroups[0].cgroup_id == $id' \
		--arg r "$REL_busy" --argjson id "$ID_busy"
	assert_jq "$OUT" '.cgroups[1].cgroup == $r and .cgroups[1].cgroup_id == $id' \
		--arg r "$REL_calm" --argjson id "$ID_calm"
	assert_jq "$OUT" '.cgroups[0].syscalls >= 100000 and .cgroups[0].gone == false'
	assert_jq "$OUT" '.cgroups[1].errors >= 10000 and .cgroups[1].container_id == null'
	n=$(jq '.cgroups[0].top_syscalls[] | select(.syscall == "getppid") | .count' <<<"$OUT")
	((n >= 100000)) || sonde_fail "getppid counted $n times, fewer than the 100000 made"
	((100 * (n > perf ? n - perf : perf - n) <= perf)) ||
		sonde_fail "getppid: cgsyscount counted $n, perf $perf: more than 1% apart"
	assert_jq "$OUT" '.cgroups[1].top_syscalls[0] | .syscall == "close" and .nr == 3 and .errors >= 10000'
}

@test "text: one block, the busiest cgroup first, syscalls indented under it" {
	make_cgroups busy calm
	tool_start cgsyscount -v --by-syscall -T 2 -c "$PARENT"
	run_in_cgroup "$DIR_busy" "$SYSLOOP" getppid 20000
	run_in_cgroup "$DIR_calm" "$SYSLOOP" close 5000
	stop_ok

	assert_match "$(sed -n 1p "$TOOL_OUT")" '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "block time"
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^ +SYSCALLS +ERRORS CGROUP$' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" "^ +[0-9]+ +[0-9]+ $REL_busy\$" "busy's row"
	assert_match "$(sed -n 4p "$TOOL_OUT")" '^ +20000 +0   getppid$' "busy's top syscall"
	assert_match "$(sed -n 6p "$TOOL_OUT")" "^ +[0-9]+ +[0-9]+ $REL_calm\$" "calm's row"
	assert_match "$(sed -n 7p "$TOOL_OUT")" '^ +5[0-9]{3} +5000   close$' "calm's top syscall"
	assert_eq "$(wc -l <"$TOOL_OUT")" 9 "lines: time, header, 2 x 3 rows, empty"
}

@test "--depth rolls the children's calls up into their ancestor at that depth" {
	make_cgroups a b
	local depth slashes=${PARENT_REL//[^\/]/}
	depth=${#slashes}
	tool_start cgsyscount -j -v --depth "$depth" -c "$PARENT"
	run_in_cgroup "$DIR_a" "$SYSLOOP" getppid 3000
	run_in_cgroup "$DIR_b" "$SYSLOOP" getppid 4000
	stop_read
	assert_jq "$OUT" '.cgroups | length == 1'
	assert_jq "$OUT" '.cgroups[0] | .cgroup == $r and .syscalls >= 7000' --arg r "$PARENT_REL"

	# Deeper than the tree: nothing to roll up.
	tool_start cgsyscount -j -v --depth $((depth + 5)) -c "$PARENT"
	run_in_cgroup "$DIR_a" "$SYSLOOP" getppid 3000
	run_in_cgroup "$DIR_b" "$SYSLOOP" getppid 4000
	tool_stop
	assert_jq "$(<"$TOOL_OUT")" '[.cgroups[].cgroup] == [$b, $a]' --arg a "$REL_a" --arg b "$REL_b"
}

@test "-c restricts the counts to one subtree" {
	make_cgroups a b
	tool_start cgsyscount -j -v -c "$REL_a"
	run_in_cgroup "$DIR_a" "$SYSLOOP" getppid 3000
	run_in_cgroup "$DIR_b" "$SYSLOOP" getppid 40000
	stop_read
	assert_jq "$OUT" '.cgroups | length == 1'
	assert_jq "$OUT" '.cgroups[0] | .cgroup_id == $id and .syscalls >= 3000 and .syscalls < 40000' \
		--argjson id "$ID_a"
}

@test "a cgroup removed mid-run is still reported, by ID and marked gone" {
	make_cgroups brief
	tool_start cgsyscount -j -v -c "$PARENT"
	run_in_cgroup "$DIR_brief" "$SYSLOOP" getppid 7000
	rmdir "$DIR_brief"
	stop_ok
	local row
	row=$(row_of "$ID_brief")
	assert_one_line "$row" "rows of the removed cgroup"
	assert_jq "$row" '.gone == true and .cgroup == null and .syscalls >= 7000'

	make_cgroups brief2
	tool_start cgsyscount -v -c "$PARENT"
	run_in_cgroup "$DIR_brief2" "$SYSLOOP" getppid 7000
	rmdir "$DIR_brief2"
	tool_stop
	assert_match "$(lines_with "#$ID_brief2")" "^ +[0-9]+ +[0-9]+ #$ID_brief2 \\(gone\\)\$" "row"
}

@test "a container's cgroup is shown by its runtime and short ID, with the full ID in JSON" {
	local hex
	hex=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
	assert_match "$hex" '^[0-9a-f]{64}$' "container ID"
	cgroup_create "docker-$hex.scope"
	tool_start cgsyscount -j -v -c "${hex:0:12}"
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" getppid 1000
	tool_stop
	assert_jq "$(row_of "$CGROUP_ID")" \
		'.container_id == $h and .container_runtime == "docker" and .cgroup == $r' \
		--arg h "$hex" --arg r "$CGROUP_REL"

	tool_start cgsyscount -v -c "${hex:0:12}"
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" getppid 1000
	tool_stop
	assert_match "$(sed -n 3p "$TOOL_OUT")" "^ +[0-9]+ +[0-9]+ docker:${hex:0:12}\$" "row"
}

@test "a hostile cgroup name is one escaped text line, and JSON that parses to the name" {
	# Any byte but '/' and newline (which the kernel refuses in a cgroup name).
	local name=$'h\e[31m\x01\xff\xfe"\\ z'$RANDOM
	local esc='h\x1b[31m\x01\xff\xfe"\\ z'${name##*z}
	cgroup_create "$name"
	tool_start cgsyscount -v -c "${CGROUP_DIR%/*}"
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" getppid 100
	tool_stop
	assert_eq "$(count_lines_with "$esc")" 1 "text lines with the escaped name"
	LC_ALL=C grep -q '[^[:print:]]' "$TOOL_OUT" && sonde_fail "text: a byte outside printable ASCII"

	tool_start cgsyscount -j -v -c "${CGROUP_DIR%/*}"
	run_in_cgroup "$CGROUP_DIR" "$SYSLOOP" getppid 100
	tool_stop
	assert_json_lines
	LC_ALL=C grep -q '[^[:print:]]' "$TOOL_OUT" && sonde_fail "JSON: a byte outside printable ASCII"
	# Each byte of invalid UTF-8 comes back as the code point of that byte.
	assert_jq "$(row_of "$CGROUP_ID")" \
		'.cgroup == $p + "/h\u001b[31m\u0001\u00ff\u00fe\"\\ z" + $n' \
		--arg p "${CGROUP_REL%/*}" --arg n "${name##*z}"
}

@test "-x counts only failed calls; -L adds the time spent" {
	make_cgroups busy calm
	tool_start cgsyscount -j -v -x -L -c "$PARENT"
	run_in_cgroup "$DIR_busy" "$SYSLOOP" getppid 20000
	run_in_cgroup "$DIR_calm" "$SYSLOOP" close 5000
	tool_stop
	local calm busy
	calm=$(row_of "$ID_calm")
	busy=$(row_of "$ID_busy")
	assert_jq "$calm" '.syscalls >= 5000 and .errors == .syscalls and .total_us > 0 and .avg_us > 0'
	# sysloop's own start-up may fail a call or two (the dynamic loader's probes).
	[[ -z $busy ]] || assert_jq "$busy" '.syscalls < 100'
}

@test "interval and count: reports every second, then exit 0 by itself" {
	assert_reports 2 2 cgsyscount 1 2
	assert_jq "$(head -n 1 <<<"$output")" '.cgroups | length > 0'
}

@test "cgsyscount -j 1 | head -n1 exits 0 with nothing on stderr" {
	assert_head_ends cgsyscount 1 --
}

@test "bad values exit 2 naming the option and the value" {
	assert_bad_value cgsyscount --depth x --depth x
	assert_bad_value cgsyscount --depth 65 --depth 65
	assert_bad_value cgsyscount -T/--top -1 -T -1
	assert_bad_value cgsyscount -e/--errno ENOPE -e ENOPE
	assert_bad_value cgsyscount interval 0 0
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start cgsyscount -v -L --by-syscall 1
	stop_ok INT
	assert_detached "${CGSYSCOUNT_PROGS[@]}"
}
