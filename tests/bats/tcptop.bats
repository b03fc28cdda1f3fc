#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# tcptop against the real kernel, as root: iperf3 (a real client and server,
# which count their own bytes) sends a fixed byte count from one network
# namespace to another, over a veth pair the test creates
# (tests/bats/net_helpers.bash); tcptop's bytes for the data flow are set
# against iperf3's own report, on each end's PID and cgroup.
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/tcptop.bats

load helpers
load net_helpers

# Bytes the client sends.
NBYTES=$((20 * 1024 * 1024))

setup() {
	net_setup tcptop iperf3
	SRV_JSON=$BATS_TEST_TMPDIR/server.json
	CLI_JSON=$BATS_TEST_TMPDIR/client.json
}

teardown() {
	net_teardown
}

# iperf_server ADDR: an iperf3 server in NS_SRV bound to ADDR:PORT for one
# test (SRV_PID), its JSON report in SRV_JSON when it ends.
iperf_server() {
	ip netns exec "$NS_SRV" iperf3 -s -1 -B "$1" -p "$PORT" -J >"$SRV_JSON" 2>&1 3>&- &
	SRV_PID=$!
	sonde_track_pid "$SRV_PID"
	wait_listening "$NS_SRV" "$PORT"
}

# iperf_client ADDR: an iperf3 client in NS_CLI (CLI_PID), inside the
# cgroup CGROUP_DIR, sends NBYTES to ADDR:PORT; returns when both ends are
# done. DATA_PORT is the client's port of its data connection.
iperf_client() {
	(
		echo "$BASHPID" >"$CGROUP_DIR/cgroup.procs"
		exec ip netns exec "$NS_CLI" iperf3 -c "$1" -p "$PORT" -n "$NBYTES" -J
	) >"$CLI_JSON" 2>&1 3>&- &
	CLI_PID=$!
	sonde_track_pid "$CLI_PID"
	wait "$CLI_PID" || sonde_fail "iperf3 -c failed:" "$(<"$CLI_JSON")"
	wait "$SRV_PID" || sonde_fail "iperf3 -s failed:" "$(<"$SRV_JSON")"
	DATA_PORT=$(jq '.start.connected[0].local_port' "$CLI_JSON")
}

# flow_sum PID LPORT RPORT KEY: KEY (tx_bytes, rx_bytes) of a flow summed
# over every interval, and the flow's cgroups and names, as one object.
flow_sum() {
	jq -sc --argjson pid "$1" --argjson l "$2" --argjson r "$3" --arg k "$4" '
		map(select(.pid == $pid and .lport == $l and .rport == $r)) |
		{bytes: (map(.[$k]) | add), cgroups: (map(.cgroup_id) | unique),
		 comms: (map(.comm) | unique), families: (map(.family) | unique)}' "$TOOL_OUT"
}

# assert_iperf_flows FAMILY: the client's sent bytes and the server's
# received bytes, each within 1 % of what iperf3 reports, on the right PID
# and cgroup.
assert_iperf_flows() {
	local sent recv ev
	sent=$(jq '.end.sum_sent.bytes' "$CLI_JSON")
	recv=$(jq '.end.sum_received.bytes' "$SRV_JSON")
	ev=$(flow_sum "$CLI_PID" "$DATA_PORT" "$PORT" tx_bytes)
	assert_jq "$ev" '.bytes >= $n * 0.99 and .bytes <= $n * 1.01' --argjson n "$sent"
	assert_jq "$ev" '.cgroups == [$cg] and .comms == ["iperf3"] and .families == [$f]' \
		--argjson cg "$CGROUP_ID" --argjson f "$1"
	ev=$(flow_sum "$SRV_PID" "$PORT" "$DATA_PORT" rx_bytes)
	assert_jq "$ev" '.bytes >= $n * 0.99 and .bytes <= $n * 1.01' --argjson n "$recv"
	assert_jq "$ev" '.cgroups != [$cg] and .comms == ["iperf3"] and .families == [$f]' \
		--argjson cg "$CGROUP_ID" --argjson f "$1"
}

@test "JSON: iperf3's bytes, within 1 %, on the sender's and the receiver's PID and cgroup" {
	cgroup_create
	iperf_server "$SRV4"
	tool_start tcptop -j -v
	iperf_client "$SRV4"
	stop_ok
	assert_json_lines
	assert_iperf_flows 4
	# Nothing this test sent was counted twice: the data flow's reverse
	# direction carried no data.
	assert_jq "$(flow_sum "$CLI_PID" "$DATA_PORT" "$PORT" rx_bytes)" '.bytes == 0'
}

@test "IPv6: iperf3's bytes, within 1 %, on the right PID and cgroup" {
	cgroup_create
	iperf_server "$SRV6"
	tool_start tcptop -6 -j -v
	iperf_client "$SRV6"
	stop_ok
	assert_iperf_flows 6
	assert_jq "$(jq -sc . "$TOOL_OUT")" 'all(.family == 6)'
}

@test "text: the busiest flow first, addresses with their ports, kilobytes each way" {
	cgroup_create
	iperf_server "$SRV4"
	tool_start tcptop -v -C 1
	iperf_client "$SRV4"
	stop_ok
	assert_match "$(sed -n 1p "$TOOL_OUT")" '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "time line"
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^PID +COMM +LADDR +RADDR +RX_KB +TX_KB +CGROUP$' "header"
	local pid comm laddr raddr rx tx cg total=0
	while read -r pid comm laddr raddr rx tx cg; do
		assert_eq "$comm $laddr $raddr $rx" "iperf3 $CLI4:$DATA_PORT $SRV4:$PORT 0" "client flow"
		assert_eq "$cg" "$CGROUP_REL" "client's cgroup"
		total=$((total + tx))
	done < <(grep -E "^$CLI_PID .*:$DATA_PORT " "$TOOL_OUT")
	# Kilobytes rounded down, per interval, of what iperf3 says it sent
	# (-n is a floor: its last block of 128 KiB may pass it).
	assert_jq "$total" '. <= $n / 1024 and . >= $n / 1024 * 0.98' \
		--argjson n "$(jq '.end.sum_sent.bytes' "$CLI_JSON")"
}

@test "-c keeps the flows of processes inside the cgroup: the client's" {
	cgroup_create
	iperf_server "$SRV4"
	tool_start tcptop -c "$CGROUP_ID" -j -v
	iperf_client "$SRV4"
	stop_ok
	assert_jq "$(jq -sc . "$TOOL_OUT")" 'length > 0 and all(.pid == $p and .cgroup_id == $cg)' \
		--argjson p "$CLI_PID" --argjson cg "$CGROUP_ID"
}

@test "-p keeps the process's flows: the server's; -r 1 shows one flow an interval" {
	cgroup_create
	iperf_server "$SRV4"
	tool_start tcptop -p "$SRV_PID" -r 1 -j -v
	iperf_client "$SRV4"
	stop_ok
	assert_jq "$(jq -sc . "$TOOL_OUT")" 'length > 0 and all(.pid == $p)' --argjson p "$SRV_PID"
	assert_jq "$(jq -sc 'group_by(.time) | map(length) | max' "$TOOL_OUT")" '. == 1'
}

@test "interval and count: two reports, then exit 0 by itself" {
	tool_run_bounded 20 tcptop -j -p $$ 1 2
	assert_eq "$status" 0 "exit status"
	assert_eq "$stderr" "" "stderr"
}

@test "tcptop -j | head -n1 exits 0 with nothing on stderr" {
	serve "$PORT"
	assert_head_ends tcptop -- cli_run socat -u "SYSTEM:echo hello" "TCP:$SRV4:$PORT,connect-timeout=5"
	assert_jq "$HEAD_LINE" '.tx_bytes > 0 or .rx_bytes > 0'
}

@test "bad values exit 2 naming the option and the value" {
	local v
	for v in 0 x -1; do
		assert_bad_value tcptop -r/--rows "$v" -r "$v"
	done
	assert_bad_value tcptop interval 0 0
	assert_usage_error tcptop "" -6 -4
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help tcptop -r --noclear --nosummary
	assert_unprivileged_exit tcptop
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start tcptop -v
	stop_ok INT
	assert_detached handle_send handle_recv
}
