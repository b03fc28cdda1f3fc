#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# capable against the real kernel, as root. The workloads are capability
# checks the kernel must make: binding a TCP socket to port 80 as root
# (CAP_NET_BIND_SERVICE, allowed) and chown of a root-owned file by uid 65534
# (CAP_CHOWN, denied).
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/capable.bats
#
# Every process makes capability checks (each mmap of writable memory asks
# for CAP_SYS_ADMIN), so most tests run their workload in a cgroup of their
# own and trace only that (-c), or look for their own process's lines.

load helpers

# Names of capable's BPF programs, cut to the 15 characters bpftool may show.
CAPABLE_PROGS=(handle_cap_tp handle_cap_fexi handle_cap_kpro handle_cap_kret)

setup() {
	require_tool capable
	require_cmd jq bpftool setpriv timeout python3
	MARK=sonde-marker-$$-$BATS_TEST_NUMBER-$RANDOM
}

teardown() {
	sonde_teardown
}

# bind_port80 [N]: one python3 process binds N (default 1) TCP sockets to
# 127.0.0.1:80, each bind asking for CAP_NET_BIND_SERVICE (a bind that finds
# the port taken fails after the check). Runs in the foreground; the
# process's PID goes to $BIND_PID.
bind_port80() {
	python3 -c '
import socket, sys
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", 80))
    except OSError:
        pass
' "${1:-1}" &
	BIND_PID=$!
	wait "$BIND_PID"
}

# bind_in_cgroup [N]: bind_port80 N inside the test's cgroup (CGROUP_DIR); the
# python3 process's PID goes to $BIND_PID.
bind_in_cgroup() {
	run_in_cgroup "$CGROUP_DIR" bash -c \
		"$(declare -f bind_port80); bind_port80 ${1:-1}; echo \$BIND_PID >$BATS_TEST_TMPDIR/pid"
	BIND_PID=$(<"$BATS_TEST_TMPDIR/pid")
}

# A file owned by root that others can reach: chown 0 of it by uid 65534
# needs CAP_CHOWN, which that user lacks. Sets ROOT_FILE.
make_root_file() {
	sonde_tmpdir_public
	ROOT_FILE=$SONDE_PUBLIC_DIR/$MARK
	: >"$ROOT_FILE"
}

# chown_as_nobody: the denied CAP_CHOWN check, in the foreground; the chown
# process's PID goes to $CHOWN_PID.
chown_as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups chown 0 "$ROOT_FILE" 2>/dev/null &
	CHOWN_PID=$!
	wait "$CHOWN_PID" || true
}

# The text lines of process $1 checking capability number $2.
lines_of() {
	awk -v p="$1" -v c="$2" 'NR > 1 && $2 == p && $4 == c' "$TOOL_OUT"
}

# cap_event PID CAP WHAT: the one JSON event of process PID checking
# capability number CAP, in EV (WHAT names such events).
cap_event() {
	one_event '.pid == $p and .cap == $c' "$3" --argjson p "$1" --argjson c "$2"
}

# --- 1. events in text and JSON ---------------------------------------------

@test "text: a bind to port 80 as root shows CAP_NET_BIND_SERVICE allowed, with UID, PID and COMM" {
	tool_start capable
	bind_port80
	wait_for_match "^0 +$BIND_PID +python3[^ ]* +10 CAP_NET_BIND_SERVICE +[-01] allow$"
	stop_ok

	assert_header '^UID +PID +COMM +CAP NAME +AUDIT VERDICT$'
	local line uid pid comm cap name audit verdict
	line=$(lines_of "$BIND_PID" 10)
	assert_one_line "$line" "CAP_NET_BIND_SERVICE lines of the bind"
	read -r uid pid comm cap name audit verdict <<<"$line"
	assert_eq "$uid" 0 "UID"
	assert_eq "$name" CAP_NET_BIND_SERVICE "NAME"
	assert_eq "$verdict" allow "VERDICT"
}

@test "JSON: the bind has the documented keys and values, and every line parses" {
	cgroup_create
	tool_start capable -j -v -c "$CGROUP_DIR"
	bind_in_cgroup
	wait_for_match "\"pid\":$BIND_PID,.*\"cap\":10,"
	stop_ok

	assert_json_lines
	cap_event "$BIND_PID" 10 "CAP_NET_BIND_SERVICE events of the bind"
	assert_jq "$EV" 'keys_unsorted == ["time","uid","pid","tid","comm","cap","cap_name","audit","verdict","insetid","cgroup_id"]'
	assert_jq "$EV" '.uid == 0 and .tid == .pid and (.comm | startswith("python3"))'
	assert_jq "$EV" '.cap_name == "CAP_NET_BIND_SERVICE" and .verdict == "allow"'
	# The tracepoint (6.13+) does not tell audit and insetid; fentry and kprobe do.
	assert_jq "$EV" '(.audit == null or .audit == 0 or .audit == 1) and (.insetid == null or .insetid == 0 or .insetid == 1)'
	assert_jq "$EV" '.cgroup_id == $id' --argjson id "$CGROUP_ID"
	assert_jq "$EV" '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$")'
	assert_jq "$EV" '(.time | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) - now | fabs < 60'
	# Nothing from outside the cgroup.
	assert_eq "$(jq -c --argjson id "$CGROUP_ID" 'select(.cgroup_id != $id)' "$TOOL_OUT")" "" "events of other cgroups"
}

@test "-K: the kernel stack that made the check, innermost first: the bind's path through ns_capable" {
	cgroup_create
	tool_start capable -j -v -K -c "$CGROUP_DIR"
	bind_in_cgroup
	wait_for_match "\"pid\":$BIND_PID,.*\"cap\":10,"
	stop_ok
	assert_json_lines
	cap_event "$BIND_PID" 10 "CAP_NET_BIND_SERVICE events of the bind"
	assert_jq "$EV" '(keys_unsorted | last) == "kernel_stack" and
		(.kernel_stack | length > 3 and all(.[]; .module == "[kernel]" and (.off | type == "number"))) and
		([.kernel_stack[].sym] | index("ns_capable") < index("__sys_bind"))'
	# Text: the functions joined by ';', the last column.
	tool_start capable -v -K -c "$CGROUP_DIR"
	bind_in_cgroup
	wait_for_match "^0 +$BIND_PID .* allow +.*ns_capable;.*__sys_bind"
	stop_ok
	assert_header '^UID +PID +COMM +CAP NAME +AUDIT VERDICT +KSTACK$'
}

# --- 2. denied checks and -x --------------------------------------------------

@test "a chown of a root-owned file by uid 65534 shows CAP_CHOWN denied" {
	make_root_file
	tool_start capable -u 65534
	chown_as_nobody
	wait_for_match "^65534 +$CHOWN_PID +chown +0 CAP_CHOWN +[-01] deny$"
	stop_ok
	assert_one_line "$(lines_of "$CHOWN_PID" 0)" "CAP_CHOWN lines of the chown"
}

@test "-x shows the denied CAP_CHOWN and no allowed check" {
	make_root_file
	tool_start capable -x
	bind_port80
	local bind=$BIND_PID
	chown_as_nobody
	wait_for_match "^65534 +$CHOWN_PID +chown +0 CAP_CHOWN +[-01] deny$"
	stop_ok

	assert_eq "$(lines_of "$bind" 10)" "" "lines of the allowed bind"
	assert_eq "$(awk 'NR > 1 && $NF != "deny"' "$TOOL_OUT")" "" "lines that are not denials"
}

@test "-x -j: every event has verdict deny" {
	make_root_file
	tool_start capable -x -j -v
	chown_as_nobody
	wait_for_match "\"pid\":$CHOWN_PID,.*\"cap\":0,"
	stop_ok

	assert_json_lines
	cap_event "$CHOWN_PID" 0 "CAP_CHOWN events of the chown"
	assert_jq "$EV" '.uid == 65534 and .comm == "chown" and .cap_name == "CAP_CHOWN" and .verdict == "deny"'
	assert_eq "$(jq -c 'select(.verdict != "deny")' "$TOOL_OUT")" "" "events that are not denials"
}

# --- 3. --unique --------------------------------------------------------------

@test "without --unique three binds by one process give three lines" {
	cgroup_create
	tool_start capable -c "$CGROUP_DIR"
	bind_in_cgroup 3
	wait_for_match "^0 +$BIND_PID +python3"
	stop_ok
	assert_eq "$(lines_of "$BIND_PID" 10 | wc -l)" 3 "CAP_NET_BIND_SERVICE lines of the process"
}

@test "--unique: three binds by one process give one line; a second process gets its own" {
	cgroup_create
	tool_start capable --unique -c "$CGROUP_DIR"
	bind_in_cgroup 3
	local pid1=$BIND_PID
	bind_in_cgroup 3
	local pid2=$BIND_PID
	wait_for_match "^0 +$pid2 +python3[^ ]* +10 "
	stop_ok

	assert_one_line "$(lines_of "$pid1" 10)" "CAP_NET_BIND_SERVICE lines of the first process"
	assert_one_line "$(lines_of "$pid2" 10)" "CAP_NET_BIND_SERVICE lines of the second process"
	# No (process, capability) pair twice.
	assert_eq "$(awk 'NR > 1 { print $2, $4 }' "$TOOL_OUT" | sort | uniq -d)" "" "repeated pairs"
}

# --- 4. filters ---------------------------------------------------------------

@test "-p PID shows only that process's checks" {
	# The target becomes python3 and binds.
	target_start python3 -c '
import socket
try:
    socket.socket().bind(("127.0.0.1", 80))
except OSError:
    pass
'
	tool_start capable -p "$TARGET"
	bind_port80
	local other=$BIND_PID
	target_go
	wait_for_match "^0 +$TARGET +python3[^ ]* +10 CAP_NET_BIND_SERVICE"
	stop_ok

	assert_eq "$(lines_of "$other" 10)" "" "lines of the other process"
	assert_eq "$(awk -v p="$TARGET" 'NR > 1 && $2 != p' "$TOOL_OUT")" "" "lines of other processes"
}

@test "-c CG shows only checks made in that cgroup" {
	cgroup_create
	tool_start capable -c "$CGROUP_DIR"
	bind_port80
	local before=$BIND_PID
	bind_in_cgroup
	local inside=$BIND_PID
	bind_port80
	local after=$BIND_PID
	wait_for_match "^0 +$inside +python3[^ ]* +10 CAP_NET_BIND_SERVICE"
	stop_ok
	assert_eq "$(lines_of "$before" 10)$(lines_of "$after" 10)" "" "lines of binds outside the cgroup"
}

@test "-u 65534 shows only that user's checks" {
	make_root_file
	tool_start capable -u 65534
	bind_port80
	local bind=$BIND_PID
	chown_as_nobody
	wait_for_match "^65534 +$CHOWN_PID +chown +0 CAP_CHOWN"
	stop_ok
	assert_eq "$(lines_of "$bind" 10)" "" "lines of root's bind"
	assert_eq "$(awk 'NR > 1 && $1 != 65534' "$TOOL_OUT")" "" "lines of other users"
}

@test "the tool's own checks are not shown" {
	tool_start capable -j -v
	bind_port80
	wait_for_match "\"pid\":$BIND_PID,"
	stop_ok
	assert_eq "$(jq -c --argjson p "$TOOL_PID" 'select(.pid == $p)' "$TOOL_OUT")" "" "events of capable itself"
}

# --- 5. columns -----------------------------------------------------------------

@test "-T -C: a clock column first and the CGROUP column after VERDICT" {
	cgroup_create leaf
	tool_start capable -T -C -c "$CGROUP_DIR"
	bind_in_cgroup
	local pid=$BIND_PID
	wait_for_match " $pid +python3[^ ]* +10 CAP_NET_BIND_SERVICE"
	stop_ok

	assert_header '^TIME +UID +PID +COMM +CAP NAME +AUDIT VERDICT +CGROUP$'
	local t uid p comm cap name audit verdict cg
	read -r t uid p comm cap name audit verdict cg < <(awk -v p="$pid" '$3 == p && $5 == 10' "$TOOL_OUT")
	assert_match "$t" '^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$' "TIME"
	assert_eq "$verdict" allow "VERDICT"
	assert_eq "$cg" "$CGROUP_REL" "CGROUP"
}

@test "-t shows a TIME(s) column; -U is accepted (UID is always shown)" {
	tool_start capable -t -U
	bind_port80
	wait_for_match " $BIND_PID +python3[^ ]* +10 CAP_NET_BIND_SERVICE"
	stop_ok
	assert_header '^TIME\(s\) +UID +PID +COMM +CAP NAME +AUDIT VERDICT$'
	local t rest
	read -r t rest < <(awk -v p="$BIND_PID" '$3 == p && $5 == 10' "$TOOL_OUT")
	assert_match "$t" '^[0-9]+\.[0-9]{3}$' "TIME(s)"
}

# --- 6. a closed pipe -----------------------------------------------------------

@test "capable -j | head -n1 exits 0 with nothing on stderr" {
	# Capability checks until the pipeline has ended.
	assert_head_ends capable -- bind_port80
}

# --- 7. bad values and environment ------------------------------------------------

@test "bad values exit 2 naming the option and the value: -p, -u, -d, --hook" {
	assert_bad_value capable -p abc -p abc
	assert_bad_value capable -p 0 -p 0
	assert_bad_value capable -u -5 -u -5
	assert_bad_value capable -d 0 -d 0
	assert_bad_value capable --hook bogus --hook bogus
	assert_bad_value capable --hook fentry2 --hook=fentry2
}

# This kernel may lack kprobes and BPF trampolines (fentry): a hook it lacks
# is said to be missing, not a privilege (the kernel answers EPERM for
# fentry without trampolines).
@test "--hook of a kind this kernel lacks: exit 3, one line saying it is not available" {
	local h
	mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
	for h in fentry kprobe; do
		tool_run_bounded 10 capable --hook "$h" -d 1
		# kprobe_events is where the kernel's kprobes are (CONFIG_KPROBE_EVENTS).
		if [[ $h == kprobe && ! -e /sys/kernel/tracing/kprobe_events ]]; then
			assert_eq "$status" 3 "exit status of --hook kprobe without kprobes"
		fi
		[[ $status == 0 ]] && continue
		assert_eq "$status" 3 "exit status of --hook $h"
		assert_eq "$stderr" "capable: hook '$h' (--hook) is not available on this kernel" "stderr of --hook $h"
	done
}

@test "an unknown option or an extra argument exits 2" {
	assert_usage_error capable --bogus --bogus
	assert_usage_error capable "" extra-argument
}

@test "-c /no-such-cgroup-sonde exits 3 naming the cgroup" {
	assert_cgroup_not_found capable /no-such-cgroup-sonde
}

@test "an unprivileged run exits 3 with one line about root / CAP_BPF" {
	assert_unprivileged_exit capable
}

# --- 8. ending ----------------------------------------------------------------------

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start capable -j -v
	stop_ok INT
	assert_detached "${CAPABLE_PROGS[@]}"
}

@test "SIGTERM with --unique -x ends with exit 0 and nothing left attached" {
	tool_start capable --unique -x
	stop_ok TERM
	assert_eq "$(<"$TOOL_ERR")" "" "stderr"
	assert_detached "${CAPABLE_PROGS[@]}"
}

@test "-d 1 ends by itself with exit 0 and nothing left attached" {
	tool_start capable -d 1 -c /
	tool_record_bpf
	tool_wait_exit 5
	assert_eq "$TOOL_RC" 0 "exit status"
	assert_eq "$(<"$TOOL_ERR")" "" "stderr"
	assert_detached "${CAPABLE_PROGS[@]}"
}

# --- 9. help --------------------------------------------------------------------------

@test "--help lists the options and ends with the EXAMPLES; -V prints the version" {
	assert_help capable --unique --denied --hook --kernel-stack
}
