#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# oomkill against the real kernel. Making an OOM kill needs a cgroup with a
# memory limit, and cgroup v2 here may have no memory controller: these tests
# prove that oomkill loads, attaches, prints its header, stops cleanly and
# refuses bad values. A real OOM kill is made and checked by check_oomkill in
# scripts/vmtest.d/checks.sh (the 6.1 VM, where cgroup v2 has one).

load helpers

setup() {
	require_bpf oomkill
}

teardown() {
	sonde_teardown
}

@test "attaches, prints its header, exits 0 on SIGINT and leaves nothing attached" {
	tool_start oomkill
	stop_ok
	assert_header '^TRIGGER_PID TRIGGER_COMM     VICTIM_PID VICTIM_COMM          RSS_KB$'
	assert_detached handle_mark_vic handle_signal
}

@test "-T, -t and -C add their columns" {
	tool_start oomkill -T -C
	stop_ok
	assert_header '^TIME +TRIGGER_PID TRIGGER_COMM +VICTIM_PID VICTIM_COMM +CGROUP +RSS_KB$'
	tool_start oomkill -t
	stop_ok
	assert_header '^TIME\(s\) +TRIGGER_PID'
}

@test "-d ends it with status 0; -j prints no header; filters load" {
	tool_run_bounded 10 oomkill -d 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ $output == TRIGGER_PID* ]]
	tool_run_bounded 10 oomkill -j -d 1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	cgroup_create
	tool_run_bounded 10 oomkill -j -v -d 1 -p 1 -c "$CGROUP_REL"
	[ "$status" -eq 0 ]
	[[ $stderr == *"tracing; Ctrl-C to stop"* ]]
}

@test "bad values exit 2 and name the option; an unknown cgroup exits 3" {
	assert_usage_error oomkill "invalid value 'abc' for -p/--pid" -p abc
	assert_usage_error oomkill "invalid value '0' for -d/--duration" -d 0
	assert_usage_error oomkill "'x'" -x
	assert_usage_error oomkill "" extra
	assert_cgroup_not_found oomkill /sonde-no-such-cgroup
}
