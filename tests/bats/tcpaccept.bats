#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# tcpaccept against the real kernel, as root: a server (socat) in one network
# namespace accepts a client from another, over a veth pair the test creates
# (tests/bats/net_helpers.bash).
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/tcpaccept.bats

load helpers
load net_helpers

setup() {
	net_setup tcpaccept
}

teardown() {
	net_teardown
}

@test "text: the server's accept shows the server's PID, COMM and both ends" {
	serve "$PORT"
	tool_start tcpaccept
	cli_connect "$SRV4" "$PORT"
	wait_for_match " $PORT\$"
	stop_ok

	assert_header '^PID +COMM +IP +RADDR +RPORT +LADDR +LPORT$'
	local pid comm ip raddr rport laddr lport
	one_line_ending " $PORT" "accept lines"
	read -r pid comm ip raddr rport laddr lport <<<"$LINE"
	assert_eq "$pid" "$SRV_PID" "PID"
	assert_eq "$comm" socat "COMM"
	assert_eq "$ip $raddr $laddr" "4 $CLI4 $SRV4" "IP RADDR LADDR"
	assert_match "$rport" '^[1-9][0-9]*$' "RPORT"
}

@test "JSON: the accept has the documented keys and values" {
	serve "$PORT"
	tool_start tcpaccept -j -v
	cli_connect "$SRV4" "$PORT"
	wait_for_text "\"lport\":$PORT,"
	stop_ok
	assert_json_lines
	json_one lport "$PORT" "accept events"
	assert_jq "$EV" '.pid == $p and .comm == "socat" and .uid == 0 and .family == 4' --argjson p "$SRV_PID"
	assert_jq "$EV" '.raddr == $c and .laddr == $s and .rport > 0' --arg c "$CLI4" --arg s "$SRV4"
	assert_jq "$EV" '(.cgroup_id | type) == "number" and (.time | type) == "string"'
	assert_jq "$EV" 'keys_unsorted == ["time","uid","pid","comm","family","raddr","rport","laddr","lport","cgroup_id"]'
}

@test "IPv6: -6 shows the IPv6 accept with its addresses" {
	serve "$PORT" TCP6-LISTEN
	tool_start tcpaccept -6 -j -v
	cli_connect "$SRV6" "$PORT"
	wait_for_text "\"lport\":$PORT,"
	tool_stop
	json_one lport "$PORT" "accept events"
	assert_jq "$EV" '.family == 6 and .raddr == $c and .laddr == $s and .pid == $p' \
		--arg c "$CLI6" --arg s "$SRV6" --argjson p "$SRV_PID"
}

@test "-4 leaves out IPv6 accepts" {
	local other=$((PORT + 1))
	serve "$other" TCP6-LISTEN
	serve "$PORT"
	tool_start tcpaccept -4 -j -v
	cli_connect "$SRV6" "$other"
	cli_connect "$SRV4" "$PORT"
	wait_for_text "\"lport\":$PORT,"
	tool_stop
	assert_eq "$(json_lport "$other")" "" "IPv6 accepts"
}

@test "-P and -p keep only the listed ports and that process" {
	local other=$((PORT + 1)) pid_port pid_other
	serve "$PORT"
	pid_port=$SRV_PID
	serve "$other"
	pid_other=$SRV_PID
	tool_start tcpaccept -P "$PORT" -j -v
	cli_connect "$SRV4" "$other"
	cli_connect "$SRV4" "$PORT"
	wait_for_text "\"lport\":$PORT,"
	tool_stop
	assert_one_line "$(json_lport "$PORT")" "accepts on the listed port"
	assert_eq "$(json_lport "$other")" "" "accepts on the other port"

	tool_start tcpaccept -p "$pid_other" -j -v
	cli_connect "$SRV4" "$PORT"
	cli_connect "$SRV4" "$other"
	wait_for_text "\"lport\":$other,"
	tool_stop
	assert_eq "$(json_lport "$PORT")" "" "accepts of the other process"
	assert_jq "$(json_lport "$other")" '.pid == $p' --argjson p "$pid_other"
}

@test "-c keeps only accepts by processes inside the cgroup" {
	local other=$((PORT + 1))
	cgroup_create
	serve "$other"
	# A server inside the cgroup: a subshell moves itself, then execs.
	(
		echo "$BASHPID" >"$CGROUP_DIR/cgroup.procs"
		exec ip netns exec "$NS_SRV" socat -u "TCP-LISTEN:$PORT,reuseaddr,fork" OPEN:/dev/null
	) 3>&- &
	sonde_track_pid "$!"
	wait_listening "$NS_SRV" "$PORT"
	tool_start tcpaccept -c "$CGROUP_DIR" -j -v
	cli_connect "$SRV4" "$other"
	cli_connect "$SRV4" "$PORT"
	wait_for_text "\"lport\":$PORT,"
	tool_stop
	assert_jq "$(json_lport "$PORT")" '.cgroup_id == $id' --argjson id "$CGROUP_ID"
	assert_eq "$(json_lport "$other")" "" "accepts outside the cgroup"
}

@test "bad values exit 2 with one line naming the option" {
	local v
	for v in 0 65536 80,,81 a ""; do
		tool_run_bounded 10 tcpaccept -P "$v"
		assert_eq "$status" 2 "exit status of -P '$v'"
		assert_match "$stderr" "^tcpaccept: .*-P/--port" "message for -P '$v'"
	done
	tool_run_bounded 10 tcpaccept -4 -6
	assert_eq "$status" 2 "exit status of -4 -6"
}

@test "nothing is left attached after SIGINT" {
	tool_start tcpaccept
	stop_ok
	assert_detached handle_exit_acc
}

@test "tcpaccept -j | head -n1 exits 0 with nothing on stderr" {
	serve "$PORT"
	assert_head_ends tcpaccept -P "$PORT" -- cli_connect "$SRV4" "$PORT"
	assert_jq "$HEAD_LINE" '.lport == $p' --argjson p "$PORT"
}
