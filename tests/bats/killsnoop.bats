#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# killsnoop against the real kernel: signals this test sends (to a child of
# its own, to a PID that cannot exist) and the ones the kernel sends (SIGCHLD),
# in text and JSON; each filter excludes; bad values are refused.

load helpers

# Above PID_MAX_LIMIT: kill() to it always fails with ESRCH.
NOPID=4195304

setup() {
	require_bpf killsnoop
	require_cmd jq
}

teardown() {
	sonde_teardown
}

# start_sleeper VAR: a child that sleeps until a signal ends it; PID in VAR.
start_sleeper() {
	local -n _pid=$1
	sleep 30 &
	_pid=$!
	sonde_track_pid "$_pid"
}

# signal_child SIG PID: send SIG to our child PID and reap it.
signal_child() {
	kill -s "$1" "$2"
	wait "$2" || true
}

@test "SIGUSR1 to our child and to a PID that does not exist: text" {
	local child
	start_sleeper child
	tool_start killsnoop
	signal_child USR1 "$child"
	kill -s USR1 "$NOPID" 2>/dev/null || true
	wait_for_match "^$BASHPID +bash +SIGUSR1 +$child +0$"
	wait_for_match "^$BASHPID +bash +SIGUSR1 +$NOPID +ESRCH$"
	stop_ok
	assert_header '^PID +COMM +SIG +TPID +RESULT$'
	# Each signal once, although the kill() reached two hooks.
	[ "$(count_lines_with " SIGUSR1   $child ")" -eq 1 ]
}

@test "JSON: sender, signal, target, result; the kernel's SIGCHLD too" {
	local child
	start_sleeper child
	tool_start killsnoop -j -v
	signal_child USR1 "$child"
	kill -s USR1 "$NOPID" 2>/dev/null || true
	wait_for_text "\"tpid\":$NOPID,"
	# The child's death sends us SIGCHLD, from the kernel, in the child's context.
	wait_for_match "\"pid\":$child,.*\"signal\":\"SIGCHLD\",\"tpid\":$BASHPID,"
	stop_ok
	assert_json_lines
	run jq -e -s --argjson me "$BASHPID" --argjson t "$child" '
		[.[] | select(.tpid == $t and .signal == "SIGUSR1")] | length == 1 and (.[0] |
		.pid == $me and .comm == "bash" and .sig == 10 and .result == 0 and
		.result_name == "ok" and .source == "syscall" and (.cgroup_id | type) == "number" and
		(.time | test("^[0-9-]{10}T[0-9:]{8}\\.[0-9]{6}Z$")))' "$TOOL_OUT"
	[ "$status" -eq 0 ]
	run jq -e -s --argjson me "$BASHPID" --argjson n "$NOPID" '
		[.[] | select(.tpid == $n)] | length == 1 and (.[0] |
		.pid == $me and .sig == 10 and .result == -3 and .result_name == "ESRCH" and
		.source == "syscall")' "$TOOL_OUT"
	[ "$status" -eq 0 ]
	run jq -e -s --argjson me "$BASHPID" --argjson t "$child" '
		[.[] | select(.pid == $t and .signal == "SIGCHLD")] | length == 1 and
		(.[0] | .tpid == $me and .sig == 17 and .source == "kernel")' "$TOOL_OUT"
	[ "$status" -eq 0 ]
}

@test "kill -0 (is it there?) shows signal 0, and null in JSON" {
	local child
	start_sleeper child
	tool_start killsnoop -j -v
	kill -0 "$child"
	wait_for_text "\"tpid\":$child,"
	tool_stop
	run jq -e -s --argjson t "$child" '
		[.[] | select(.tpid == $t)] | length == 1 and
		(.[0] | .sig == 0 and .signal == null and .result == 0 and .source == "syscall")' "$TOOL_OUT"
	[ "$status" -eq 0 ]
}

@test "-x shows only the failed send" {
	local child
	start_sleeper child
	tool_start killsnoop -x
	signal_child USR1 "$child"
	kill -s USR1 "$NOPID" 2>/dev/null || true
	wait_for_match "^$BASHPID +bash +SIGUSR1 +$NOPID +ESRCH$"
	stop_ok
	assert_absent " $child "
	[ "$(wc -l <"$TOOL_OUT")" -ge 2 ]
	run grep -v -E ' (RESULT|E[A-Z0-9]+|overflow)$' "$TOOL_OUT"
	[ -z "$output" ]
}

@test "-s filters by signal, given by name or number" {
	local a b c
	start_sleeper a
	start_sleeper b
	start_sleeper c
	tool_start killsnoop -s usr2
	signal_child USR1 "$a"
	signal_child USR2 "$b"
	wait_for_match " SIGUSR2 +$b +0$"
	stop_ok
	assert_absent " $a "
	assert_absent "SIGCHLD"

	tool_start killsnoop -s 12
	signal_child USR2 "$c"
	wait_for_match " SIGUSR2 +$c +0$"
	stop_ok
}

@test "-k: only kill-family calls, none of the kernel's own signals" {
	local child
	start_sleeper child
	tool_start killsnoop -k
	sh -c 'exit 0' || true
	signal_child USR1 "$child"
	kill -s USR1 "$NOPID" 2>/dev/null || true
	wait_for_match "^$BASHPID +bash +SIGUSR1 +$NOPID +ESRCH$"
	stop_ok
	[ "$(count_lines_with " SIGUSR1   $child ")" -eq 1 ]
	# Our children's deaths sent this shell SIGCHLD before the last kill():
	# not shown. (Another process on the machine may kill() with SIGCHLD.)
	assert_absent "SIGCHLD   $BASHPID "
}

@test "-n keeps senders whose name contains NAME" {
	local a b
	start_sleeper a
	start_sleeper b
	sonde_tmpdir_public
	ln -s "$(type -P kill)" "$SONDE_PUBLIC_DIR/sonde-killer"
	tool_start killsnoop -n killer
	signal_child USR1 "$a"
	"$SONDE_PUBLIC_DIR/sonde-killer" -s USR1 "$b"
	wait "$b" || true
	wait_for_match "^[0-9]+ +sonde-killer +SIGUSR1 +$b +0$"
	stop_ok
	assert_absent " $a "
}

@test "-p excludes other senders" {
	local a b
	start_sleeper a
	start_sleeper b
	tool_start killsnoop -p "$BASHPID"
	sh -c 'kill -s USR1 "$1"' sh "$a"
	signal_child USR2 "$b"
	wait_for_match "^$BASHPID +bash +SIGUSR2 +$b +0$"
	stop_ok
	assert_absent " $a "
}

@test "-c excludes senders outside the cgroup; -C and -T add columns" {
	local a b
	start_sleeper a
	start_sleeper b
	cgroup_create
	tool_start killsnoop -c "$CGROUP_REL" -C -T
	signal_child USR2 "$b"
	run_in_cgroup "$CGROUP_DIR" sh -c 'kill -s USR1 "$1"' sh "$a"
	wait "$a" || true
	wait_for_match "^[0-9]{2}:[0-9]{2}:[0-9]{2} +[0-9]+ +sh +SIGUSR1 +$a +0 +$CGROUP_REL$"
	stop_ok
	assert_header '^TIME +PID +COMM +SIG +TPID +RESULT +CGROUP$'
	assert_absent " $b "
}

@test "bad signal names and values exit 2 and name the option" {
	local v
	for v in FOO SIGBOGUS 0 65 -9 '' 'SIG' 'RTMIN+40'; do
		assert_usage_error killsnoop "invalid value '$v' for -s/--signal" -s "$v"
	done
	assert_usage_error killsnoop "invalid value '0' for -p/--pid" -p 0
	assert_usage_error killsnoop "" -k=1
}

@test "nothing is left attached after SIGINT, with and without -k" {
	tool_start killsnoop
	stop_ok
	assert_detached handle_generate handle_exit_kil
	tool_start killsnoop -k -x
	stop_ok
	assert_detached handle_exit_kil
}

@test "killsnoop -j | head -n1 exits 0 with nothing on stderr" {
	# A flood of failed sends (bounded: at most 2,000,000 or until the
	# test ends), so the tool is busy in its ring buffer when head leaves.
	# shellcheck disable=SC2016 # expanded by the inner bash
	assert_head_ends_storm killsnoop bash -c \
		'for ((i = 0; i < 2000000; i++)); do kill -s USR1 "$1" 2>/dev/null || :; done' bash "$NOPID"
}
