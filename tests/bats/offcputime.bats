#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# offcputime against the real kernel, as root. The workload is stackchain
# (tests/helpers/stackchain.c) asleep: main -> a -> b -> c -> nanosleep
# (libc), built without frame pointers, N times, and measures the time it
# slept around each call: the total under that chain must be that time,
# within 5 %. A build with frame pointers that makes the system call in c
# itself checks --unwind fp.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/offcputime.bats

load helpers
load stack_helpers

setup() {
	require_tool offcputime
	require_stackchain
	require_cmd jq bpftool
}

teardown() {
	sonde_teardown
}

@test "--help, and bad values exit 2 naming the option" {
	assert_help offcputime -t -U -K -m -M --state -f --format -o --unwind
	assert_bad_value offcputime -m/--min-block-time 0 -m 0
	assert_bad_value offcputime -M/--max-block-time x -M x
	assert_bad_value offcputime --state X --state X
	assert_bad_value offcputime -t/--tid 0 -t 0
	assert_usage_error offcputime "-m/--min-block-time" -m 10 -M 5
	assert_usage_error offcputime "-U and -K" -U -K
}

@test "no frame pointers: the time slept in libc's nanosleep under main;a;b;c is the time the program measured (5 %)" {
	local slept total
	target_start sh -c 'exec "$1" sleep 20 50 >"$2"' _ "$STACKCHAIN_NOFP" "$BATS_TEST_TMPDIR/slept"
	tool_start offcputime -v -f -U -p "$TARGET"
	target_go
	stop_ok
	slept=$(<"$BATS_TEST_TMPDIR/slept")
	total=$(folded_total '^stackchain_nofp;(.*;)?main;a;b;c;([^;]*nanosleep[^;]*;?)+$')
	((slept >= 1000000)) || sonde_fail "the program slept $slept us only"
	((total * 100 >= slept * 95 && total * 100 <= slept * 105)) ||
		sonde_fail "main;a;b;c;nanosleep blocked $total us; the program slept $slept us:" "$(<"$TOOL_OUT")"
	assert_detached handle_switch
}

@test "--unwind fp, a frame-pointer build, the system call made in c: main;a;b;c blocked the time measured (5 %)" {
	local slept total
	target_start sh -c 'exec "$1" sleep-raw 10 50 >"$2"' _ "$STACKCHAIN_FP" "$BATS_TEST_TMPDIR/slept"
	tool_start offcputime -v -f -U --unwind fp -p "$TARGET"
	target_go
	stop_ok
	slept=$(<"$BATS_TEST_TMPDIR/slept")
	total=$(folded_total '^stackchain_fp;(.*;)?main;a;b;c$')
	((total * 100 >= slept * 95 && total * 100 <= slept * 105)) ||
		sonde_fail "main;a;b;c blocked $total us; the program slept $slept us:" "$(<"$TOOL_OUT")" \
			"--- stderr:" "$(<"$TOOL_ERR")"
}

@test "-j: total_us, tid, the kernel's nanosleep frames and the user chain" {
	target_start "$STACKCHAIN_NOFP" sleep 5 20
	tool_start offcputime -v -j -p "$TARGET"
	target_go
	stop_ok
	assert_json_lines
	assert_jq "$(jq -s . "$TOOL_OUT")" '
		any(.[]; .tid == $t and .total_us >= 90000 and .unwind == "dwarf" and
		    any(.kernel_stack[]; .sym == "do_nanosleep" and .module == "[kernel]") and
		    (.user_stack | map(.sym) | index(["c", "b", "a", "main"]) != null))' \
		--argjson t "$TARGET"
}

# filtered COUNTED OPTS...: five 20 ms sleeps, traced with OPTS, are
# counted (COUNTED 1) or left out (0).
filtered() {
	local counted=$1
	shift
	target_start "$STACKCHAIN_FP" sleep-raw 5 20
	tool_start offcputime -v -f -p "$TARGET" "$@"
	target_go
	stop_ok
	# The sleeps, by the kernel's frame (the program blocks in other
	# ways too: a page read in, a preemption).
	if ((counted)); then
		(($(folded_total '^stackchain_fp;.*do_nanosleep') >= 90000)) ||
			sonde_fail "$*: not counted:" "$(<"$TOOL_OUT")"
	else
		assert_eq "$(folded_total '^stackchain_fp;.*do_nanosleep')" 0 "$*: time asleep"
	fi
}

@test "--state S: a sleep is counted" {
	filtered 1 --state S
}

@test "--state D: a sleep is not uninterruptible" {
	filtered 0 --state D
}

@test "-m 100000: 20 ms blocks are left out" {
	filtered 0 -m 100000
}

@test "-M 10000: 20 ms blocks are left out" {
	filtered 0 -M 10000
}

@test "-m 10000 -M 100000: 20 ms blocks are counted" {
	filtered 1 -m 10000 -M 100000
}

@test "-t: only that thread; text: BCC's layout with the thread's ID" {
	target_start "$STACKCHAIN_FP" sleep-raw 3 20
	tool_start offcputime -v -K -t "$TARGET"
	target_go
	stop_ok
	grep -qE "^    -                stackchain_fp \\($TARGET\\)$" "$TOOL_OUT" ||
		sonde_fail "no stack of thread $TARGET:" "$(<"$TOOL_OUT")"
	grep -q '^    do_nanosleep+0x' "$TOOL_OUT" || sonde_fail "no do_nanosleep frame"
	assert_eq "$(grep -c '^    -   ' "$TOOL_OUT")" "$(grep -c "($TARGET)\$" "$TOOL_OUT")" "stacks of other threads"
	assert_absent '    --'
}

@test "--format pprof: go tool pprof reads the waits, in microseconds, with the total of -f's lines" {
	local out=$BATS_TEST_TMPDIR/off.pb.gz raw total
	require_cmd go
	target_start "$STACKCHAIN_NOFP" sleep 5 20
	tool_start offcputime -v -f --format pprof -o "$out" -p "$TARGET"
	target_go
	stop_ok
	total=$(folded_total '')
	((total >= 90000)) || sonde_fail "blocked $total us only"
	raw=$(HOME=$BATS_TEST_TMPDIR go tool pprof -raw "$out" 2>&1) || sonde_fail "go tool pprof failed:" "$raw"
	# -raw: "Samples:", the types ("off_cpu/microseconds"), then one line
	# per sample starting with its value.
	[[ $raw == *"off_cpu/microseconds"* ]] || sonde_fail "not off_cpu/microseconds:" "$raw"
	assert_eq "$(awk '/^Samples:/ { s = 1; next } /^Locations/ { s = 0 } s && $1 ~ /^[0-9]+:$/ { t += $1 } END { print t + 0 }' <<<"$raw")" \
		"$total" "pprof's total against the folded total"
}
