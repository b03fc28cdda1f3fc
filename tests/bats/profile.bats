#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# profile against the real kernel, as root. The workload is stackchain
# (tests/helpers/stackchain.c): main -> a -> b -> c -> spin on the CPU,
# built with frame pointers, so every sample in spin must show that chain;
# perf record sampling the same way is the oracle of the sample count.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/profile.bats

load helpers
load stack_helpers

setup() {
	require_tool profile
	require_stackchain
	require_cmd jq bpftool perf taskset unshare
}

teardown() {
	sonde_teardown
}

# spin_bg SECONDS [CMD...]: stackchain_fp spinning for SECONDS in the
# background (through CMD, e.g. taskset), its PID in SPIN_PID.
spin_bg() {
	local s=$1
	shift
	"$@" "$STACKCHAIN_FP" direct "$s" &
	SPIN_PID=$!
	sonde_track_pid "$SPIN_PID"
}

@test "--help, and bad values exit 2 naming the option" {
	assert_help profile -F -L -I -U -K -f --format -o --cpu --by-cgroup
	assert_bad_value profile -F/--frequency 0 -F 0
	assert_bad_value profile -F/--frequency 10001 -F 10001
	assert_bad_value profile --cpu x --cpu x
	assert_bad_value profile -L/--tid 0 -L 0
	assert_bad_value profile --format svgz --format svgz
	assert_usage_error profile "-U and -K" -U -K
	assert_usage_error profile "-f/--folded" -f -j
	assert_bad_value profile duration 0 0
	assert_usage_error profile "unexpected argument" 1 2
}

@test "frame pointers: every sample in spin shows main;a;b;c;spin, as many samples as perf record's" {
	local want n
	cgroup_create
	tool_start profile -v -f -U -c "$CGROUP_DIR"
	# perf samples the same way (a CPU clock on every CPU at 49 Hz) in the
	# same window: its samples of the workload are the oracle.
	run_in_cgroup "$CGROUP_DIR" perf record -q -a -e cpu-clock -F 49 \
		-o "$BATS_TEST_TMPDIR/perf.data" -- "$STACKCHAIN_FP" direct 2
	stop_ok
	assert_chain_share stackchain_fp spin "main;a;b;c;spin" 90
	want=$(perf script -i "$BATS_TEST_TMPDIR/perf.data" -F comm 2>/dev/null | grep -c '^ *stackchain_fp *$')
	n=$(folded_total '^stackchain_fp;')
	((want > 20)) || sonde_fail "perf took $want samples only"
	((n * 100 >= want * 80 && n * 100 <= want * 120)) ||
		sonde_fail "$n samples; perf record took $want (±20 %)"
	assert_detached handle_sample
}

@test "-j: one object per stack; frames are sym, off and module; the binary is the module" {
	spin_bg 2
	tool_start profile -v -j -p "$SPIN_PID"
	wait "$SPIN_PID"
	stop_ok
	assert_json_lines
	assert_jq "$(jq -s . "$TOOL_OUT")" '
		all(.[]; .pid > 0 and .comm == "stackchain_fp" and .count > 0
		    and (.time | test("Z$")) and (.kernel_stack | type == "array")
		    and (.user_stack | type == "array"))'
	assert_jq "$(jq -s . "$TOOL_OUT")" '
		[.[] | select(.user_stack[0].sym == "spin")] | length > 0 and
		all(.[]; .user_stack[0] | (keys == ["module", "off", "sym"]) and .module == $bin
		    and (.off | type == "number"))' --arg bin "$STACKCHAIN_FP"
	assert_jq "$(jq -s . "$TOOL_OUT")" 'map(.count) == (map(.count) | sort | reverse)'
}

@test "-K: kernel stacks only, -U: user stacks only" {
	spin_bg 1
	tool_start profile -v -j -K -p "$SPIN_PID"
	wait "$SPIN_PID"
	stop_ok
	assert_json_lines
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.[]; has("user_stack") | not) and all(.[]; has("kernel_stack"))'
	spin_bg 1
	tool_start profile -v -j -U -p "$SPIN_PID"
	wait "$SPIN_PID"
	stop_ok
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.[]; has("kernel_stack") | not) and length > 0'
}

@test "--cpu: only that CPU's samples; -L: only that thread" {
	(($(nproc) >= 2)) || skip "needs two CPUs"
	spin_bg 1 taskset -c 1
	tool_start profile -v -f --cpu 0 -p "$SPIN_PID"
	wait "$SPIN_PID"
	stop_ok
	assert_eq "$(folded_total '^stackchain_fp;')" 0 "samples on CPU 0 of a process pinned to CPU 1"
	spin_bg 1 taskset -c 1
	tool_start profile -v -f --cpu 1 -L "$SPIN_PID"
	wait "$SPIN_PID"
	stop_ok
	(($(folded_total '^stackchain_fp;') > 10)) || sonde_fail "few samples on CPU 1:" "$(<"$TOOL_OUT")"
	assert_eq "$(folded_total '^[^s]')" 0 "samples of other threads"
}

@test "--by-cgroup: each folded line starts with its cgroup's path (below the cgroup2 mount)" {
	cgroup_create
	tool_start profile -v -f --by-cgroup -c "$CGROUP_DIR"
	run_in_cgroup "$CGROUP_DIR" "$STACKCHAIN_FP" direct 1
	stop_ok
	(($(folded_total "^$CGROUP_REL;stackchain_fp;") > 10)) ||
		sonde_fail "no line starts with $CGROUP_REL:" "$(<"$TOOL_OUT")"
	assert_eq "$(folded_total "^$CGROUP_REL;")" "$(folded_total "")" "every sample"
}

@test "a process that exited before the end, and one whose binary only its mount namespace sees, get names" {
	local dir=$BATS_TEST_TMPDIR/private
	mkdir -p "$dir"
	cgroup_create
	tool_start profile -v -f -U -c "$CGROUP_DIR"
	run_in_cgroup "$CGROUP_DIR" "$STACKCHAIN_FP" direct 1
	# A private tmpfs over $dir, the binary copied there: the host's $dir
	# stays empty, /proc/PID/root and map_files reach the copy.
	run_in_cgroup "$CGROUP_DIR" unshare -m --propagation private sh -c \
		'mount -t tmpfs tmpfs "$1" && cp "$2" "$1/stackchain_priv" && exec "$1/stackchain_priv" direct 1' \
		_ "$dir" "$STACKCHAIN_FP"
	stop_ok
	[[ -z $(ls -A "$dir") ]] || sonde_fail "the private copy is visible on the host"
	assert_chain_share stackchain_fp spin "main;a;b;c;spin" 90
	assert_chain_share stackchain_priv spin "main;a;b;c;spin" 90
}

@test "a hostile process name is escaped in text and folded, and kept in JSON" {
	local name=$'st\e\n"\\;x' link
	link=$BATS_TEST_TMPDIR/$name
	ln -s "$STACKCHAIN_FP" "$link"
	tool_start profile -v
	"$link" direct 1
	stop_ok
	grep -qF -- '-                st\x1b\x0a"\\;x (' "$TOOL_OUT" ||
		sonde_fail "no escaped name in:" "$(grep -F -- '-  ' "$TOOL_OUT" | head)"
	LC_ALL=C grep -q '[^[:print:]]' "$TOOL_OUT" && sonde_fail "a byte outside printable ASCII"
	tool_start profile -v -j
	"$link" direct 1
	stop_ok
	assert_json_lines
	assert_jq "$(jq -s . "$TOOL_OUT")" 'any(.[]; .comm == $n)' --arg n "$name"
}

@test "-o FILE: the stacks go to FILE; a duration as argument ends the run" {
	local out=$BATS_TEST_TMPDIR/stacks.folded
	spin_bg 2
	tool_run_bounded 10 profile -f -o "$out" -p "$SPIN_PID" 1
	assert_eq "$status" 0 "exit status"
	assert_eq "$output" "" "stdout"
	(($(folded_total '^stackchain_fp;' "$out") > 10)) || sonde_fail "few samples in $out:" "$(<"$out")"
}
