#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# exitsnoop against the real kernel: processes we start and end, seen with the
# right exit status and age; each filter excludes; bad values are refused.

load helpers

setup() {
	require_bpf exitsnoop
	require_cmd jq
}

teardown() {
	sonde_teardown
}

# start_exit VAR CMD...: run CMD in the background, its PID in VAR, and reap it.
start_exit() {
	local -n _pid=$1
	shift
	"$@" &
	_pid=$!
	wait "$_pid" || true
}

@test "exit code 7 and SIGKILL: text EXIT column, PID, PPID and TID" {
	local code killed
	tool_start exitsnoop
	start_exit code sh -c 'exit 7'
	start_exit killed sh -c 'kill -KILL $$'
	wait_for_match "^sh +$code +$BASHPID +$code +[0-9]+\.[0-9]{2} code 7$"
	wait_for_match "^sh +$killed +$BASHPID +$killed +[0-9]+\.[0-9]{2} SIGKILL$"
	stop_ok
	assert_header '^PCOMM +PID +PPID +TID +AGE\(s\) EXIT$'
}

@test "JSON: exit_code, signal, core_dumped, age_ms and cgroup_id" {
	local code killed aged
	tool_start exitsnoop -j -v
	start_exit code sh -c 'exit 7'
	start_exit killed sh -c 'kill -KILL $$'
	start_exit aged sh -c 'sleep 0.2; exit 0'
	wait_for_text "\"pid\":$aged,"
	stop_ok
	assert_json_lines
	run jq -e -s --argjson p "$code" --argjson pp "$BASHPID" '
		[.[] | select(.pid == $p)] | length == 1 and (.[0] |
		.comm == "sh" and .tid == $p and .ppid == $pp and .exit_code == 7 and
		.signal == null and .core_dumped == false and (.cgroup_id | type) == "number" and
		(.time | test("^[0-9-]{10}T[0-9:]{8}\\.[0-9]{6}Z$")))' "$TOOL_OUT"
	[ "$status" -eq 0 ]
	run jq -e -s --argjson p "$killed" '
		[.[] | select(.pid == $p)] | length == 1 and
		(.[0] | .exit_code == null and .signal == "SIGKILL" and .core_dumped == false)' "$TOOL_OUT"
	[ "$status" -eq 0 ]
	# It slept 0.2 s before exiting: its age says so (and is not absurd).
	run jq -e -s --argjson p "$aged" '
		[.[] | select(.pid == $p)] | length == 1 and
		(.[0] | .exit_code == 0 and .age_ms >= 200 and .age_ms < 10000)' "$TOOL_OUT"
	[ "$status" -eq 0 ]
}

@test "-x shows failures only: a clean exit is hidden" {
	local clean failed
	tool_start exitsnoop -x
	start_exit clean sh -c 'exit 0'
	start_exit failed sh -c 'exit 3'
	# The clean exit happened first: had it been reported, it would be read first.
	wait_for_match "^sh +$failed +[0-9]+ +$failed .* code 3$"
	stop_ok
	assert_absent " $clean "
}

@test "-p excludes other processes" {
	local target other
	sleep 30 &
	target=$!
	sonde_track_pid "$target"
	tool_start exitsnoop -p "$target"
	start_exit other sh -c 'exit 4'
	kill -TERM "$target"
	wait "$target" || true
	wait_for_match "^sleep +$target .* SIGTERM$"
	stop_ok
	assert_absent " $other "
}

@test "-c excludes processes outside the cgroup; -C shows it" {
	local outside inside
	cgroup_create
	tool_start exitsnoop -c "$CGROUP_REL" -C
	start_exit outside sh -c 'exit 5'
	# In the background, run_in_cgroup's subshell is the parent of sh.
	start_exit inside run_in_cgroup "$CGROUP_DIR" sh -c 'exit 6'
	wait_for_match "^sh +[0-9]+ +$inside +[0-9]+ .* code 6 +$CGROUP_REL$"
	stop_ok
	assert_absent " $outside "
}

@test "--threads shows a thread's exit; without it only the process exit" {
	local out=$BATS_TEST_TMPDIR/threads pid tid
	# A process with a second thread that exits before the main one.
	local script='
import os, threading
ids = []
t = threading.Thread(target=lambda: ids.append(threading.get_native_id()))
t.start()
t.join()
print(os.getpid(), ids[0], flush=True)'
	require_cmd python3

	tool_start exitsnoop --threads
	python3 -c "$script" >"$out"
	read -r pid tid <"$out"
	[ "$pid" != "$tid" ]
	wait_for_match "^[^ ]+ +$pid +[0-9]+ +$tid +[0-9]+\.[0-9]{2} 0$"
	wait_for_match "^[^ ]+ +$pid +[0-9]+ +$pid +[0-9]+\.[0-9]{2} 0$"
	stop_ok

	tool_start exitsnoop
	python3 -c "$script" >"$out"
	read -r pid tid <"$out"
	wait_for_match "^[^ ]+ +$pid +[0-9]+ +$pid +[0-9]+\.[0-9]{2} 0$"
	stop_ok
	assert_absent " $tid "
}

@test "a process whose leader left first: one event, at the last thread's exit, with wait()'s status" {
	local out=$BATS_TEST_TMPDIR/leader pid tid rc=0
	require_cmd python3
	# The leader calls pthread_exit(); the other thread waits (bounded) until
	# the leader is a zombie, then ends the process with exit_group(9).
	local script='
import ctypes, os, threading, time
def worker():
    me = os.getpid()
    for _ in range(500):
        with open("/proc/%d/task/%d/stat" % (me, me)) as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                break
        time.sleep(0.01)
    print(me, threading.get_native_id(), flush=True)
    os._exit(9)
threading.Thread(target=worker).start()
ctypes.CDLL(None).pthread_exit(None)'
	tool_start exitsnoop -j -v
	python3 -c "$script" >"$out" || rc=$?
	read -r pid tid <"$out"
	wait_for_text "\"pid\":$pid,"
	stop_ok
	[ "$rc" -eq 9 ]
	run jq -e -s --argjson p "$pid" --argjson t "$tid" '
		[.[] | select(.pid == $p)] | length == 1 and
		(.[0] | .tid == $t and .exit_code == 9 and .signal == null)' "$TOOL_OUT"
	[ "$status" -eq 0 ]
}

@test "threads dying together in exit_group(): the process is reported once" {
	local out=$BATS_TEST_TMPDIR/many pids
	require_cmd python3
	# 32 threads blocked in the kernel, all killed at once by the main
	# thread's exit_group(3): several can see the group dead together.
	local script='
import os, threading
stop = threading.Event()
for _ in range(32):
    threading.Thread(target=stop.wait, daemon=True).start()
print(os.getpid(), flush=True)
os._exit(3)'
	tool_start exitsnoop -j -v
	for _ in 1 2 3 4 5; do
		python3 -c "$script" >>"$out" || true
	done
	mapfile -t pids <"$out"
	wait_for_text "\"pid\":${pids[4]},"
	stop_ok
	run jq -e -s --argjson ps "[$(IFS=,; echo "${pids[*]}")]" '
		[.[] | select(.pid as $p | $ps | index($p) != null)] |
		length == 5 and all(.exit_code == 3) and (map(.pid) | unique | length == 5)' "$TOOL_OUT"
	((status == 0)) || sonde_fail "not each of ${pids[*]} once with exit code 3:" \
		"$(grep -F -e "$(printf '"pid":%s,\n' "${pids[@]}")" "$TOOL_OUT")" "$(cat "$TOOL_ERR")"
}

@test "bad values exit 2 and name the option" {
	assert_usage_error exitsnoop "invalid value 'abc' for -p/--pid" -p abc
	assert_usage_error exitsnoop "invalid value '0' for -d/--duration" -d 0
	assert_usage_error exitsnoop "'--threads'" --threads=2
	assert_usage_error exitsnoop "'z'" -z
}

@test "-d ends it with status 0; nothing is left attached after SIGINT" {
	tool_run_bounded 10 exitsnoop -d 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	tool_start exitsnoop -x --threads
	stop_ok
	assert_detached handle_exit
}

@test "exitsnoop -j | head -n1 exits 0 with nothing on stderr" {
	assert_head_ends_storm exitsnoop bash -c 'while :; do /bin/true; done'
}
