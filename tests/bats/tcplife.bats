#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# tcplife against the real kernel, as root: a client in one network namespace
# sends a known number of bytes to a server (socat) in another, over a veth
# pair the test creates (tests/bats/net_helpers.bash); both ends of the
# session are reported when they close.
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/tcplife.bats

load helpers
load net_helpers

# Bytes the client sends.
NBYTES=100000

setup() {
	net_setup tcplife setpriv
}

teardown() {
	net_teardown
}

# serve4 / serve6: a server for one connection that discards what it reads.
serve4() {
	srv_start "$PORT" socat -u "TCP-LISTEN:$PORT,reuseaddr" OPEN:/dev/null
}

serve6() {
	srv_start "$PORT" socat -u "TCP6-LISTEN:$PORT,reuseaddr" OPEN:/dev/null
}

# send ADDR: the client waits 0.3 s after connecting, sends NBYTES and closes.
send() {
	local addr=$1
	[[ $addr == *:* ]] && addr="[$addr]"
	cli_run socat -u "SYSTEM:sleep 0.3; head -c $NBYTES /dev/zero" "TCP:$addr:$PORT,connect-timeout=5"
}

# The JSON events of this test's sessions, by which end has PORT.
json_local() {
	json_lport "$PORT"
}

json_remote() {
	json_rport "$PORT"
}

@test "text: both ends of a session, with their PIDs, bytes in KB and duration" {
	serve4
	tool_start tcplife
	send "$SRV4"
	wait_for_match "^$SRV_PID "
	wait_for_match " $PORT +[0-9]+ +[0-9]+ +[0-9.]+\$"
	stop_ok

	assert_header '^PID +COMM +LADDR +LPORT +RADDR +RPORT +TX_KB +RX_KB +MS$'
	local line pid comm laddr lport raddr rport tx rx ms
	line=$(grep -E "^$CLI_PID " "$TOOL_OUT")
	assert_one_line "$line" "client lines"
	read -r pid comm laddr lport raddr rport tx rx ms <<<"$line"
	assert_eq "$pid" "$CLI_PID" "client PID"
	assert_eq "$comm" socat "client COMM"
	assert_eq "$laddr $raddr $rport" "$CLI4 $SRV4 $PORT" "client addresses"
	assert_eq "$tx $rx" "97 0" "client TX_KB RX_KB"
	assert_match "$ms" '^[0-9]+\.[0-9]{2}$' "MS"
	line=$(grep -E "^$SRV_PID " "$TOOL_OUT")
	assert_one_line "$line" "server lines"
	read -r pid comm laddr lport raddr rport tx rx ms <<<"$line"
	assert_eq "$laddr $lport $raddr" "$SRV4 $PORT $CLI4" "server addresses"
	assert_eq "$tx $rx" "0 97" "server TX_KB RX_KB"
}

@test "JSON: bytes within a few percent of what was sent, the duration, and who owns each end" {
	serve4
	tool_start tcplife -j -v
	send "$SRV4"
	wait_for_text "\"lport\":$PORT,"
	wait_for_text "\"rport\":$PORT,"
	stop_ok

	assert_json_lines
	json_one rport "$PORT" "client sessions"
	assert_jq "$EV" '.pid == $p and .comm == "socat" and .family == 4' --argjson p "$CLI_PID"
	assert_jq "$EV" '.laddr == $c and .raddr == $s and .lport > 0' --arg c "$CLI4" --arg s "$SRV4"
	# The kernel's counters cover sequence space: SYN and FIN count a byte.
	assert_jq "$EV" '.tx_bytes >= $n * 0.97 and .tx_bytes <= $n * 1.03 and .rx_bytes <= 2' --argjson n "$NBYTES"
	# The client's 0.3 s sleep starts as socat forks it, just before the
	# connect: the session lasts a little less, or more.
	assert_jq "$EV" '.dur_us >= 250000 and .dur_us < 10000000'
	assert_jq "$EV" '(.cgroup_id | type) == "number" and (.uid == 0)'
	# Its owner connected; the server's accepted.
	assert_jq "$EV" '.owner_from == "connect" and (keys_unsorted | .[-2:]) == ["owner_from", "cgroup_id"]'
	json_one lport "$PORT" "server sessions"
	assert_jq "$EV" '.pid == $p and .rx_bytes >= $n * 0.97 and .rx_bytes <= $n * 1.03 and .tx_bytes <= 2' \
		--argjson p "$SRV_PID" --argjson n "$NBYTES"
	assert_jq "$EV" '.owner_from == "accept"'
}

# A listener that never accepts (sockflood, in a process of its own, as
# user 65534); a client connects and resets the connection (SO_LINGER 0):
# the session closes before anyone accepted it, and belongs to the
# listener's owner, whose PID ss names.
@test "a session closed before anyone accepted it is the listener's owner's (owner_from listener)" {
	local listener
	tool_start tcplife -j -v
	flood "$NS_SRV" listen 1
	listener=$(ip netns exec "$NS_SRV" ss -Hltnp "sport = :$FLOOD_PORT")
	[[ $listener =~ \"sockflood\",pid=([0-9]+), ]] || sonde_fail "ss shows no listener:" "$listener"
	listener=${BASH_REMATCH[1]}
	ip netns exec "$NS_SRV" socat -u OPEN:/dev/null "TCP:127.0.0.1:$FLOOD_PORT,linger=0"
	wait_for_text "\"lport\":$FLOOD_PORT,"
	stop_ok
	flood_release
	json_one lport "$FLOOD_PORT" "sessions of the listener"
	assert_jq "$EV" '.pid == $p and .uid == 65534 and .comm == "sockflood" and .owner_from == "listener"' \
		--argjson p "$listener"
	json_one rport "$FLOOD_PORT" "client sessions"
	assert_jq "$EV" '.owner_from == "connect" and .comm == "socat"'
}

@test "IPv6: -6 -w shows an IPv6 session with its addresses" {
	serve6
	tool_start tcplife -6 -w
	send "$SRV6"
	wait_for_match "^$SRV_PID "
	wait_for_match "^$CLI_PID "
	tool_stop
	assert_header '^PID +COMM +IP +LADDR +LPORT +RADDR +RPORT +TX_KB +RX_KB +MS$'
	local pid comm ip laddr lport raddr rport tx rx ms
	read -r pid comm ip laddr lport raddr rport tx rx ms < <(grep -E "^$CLI_PID " "$TOOL_OUT")
	assert_eq "$ip $laddr $raddr $rport $tx" "6 $CLI6 $SRV6 $PORT 97" "client IP LADDR RADDR RPORT TX_KB"
	read -r pid comm ip laddr lport raddr rport tx rx ms < <(grep -E "^$SRV_PID " "$TOOL_OUT")
	assert_eq "$ip $laddr $lport $raddr $rx" "6 $SRV6 $PORT $CLI6 97" "server IP LADDR LPORT RADDR RX_KB"
}

@test "-4 leaves out IPv6 sessions" {
	serve6
	tool_start tcplife -4 -j -v
	send "$SRV6"
	wait_listening_gone
	tool_stop
	assert_eq "$(json_remote)$(json_local)" "" "IPv6 sessions"
}

# The server has exited (its session closed): no more events to wait for
# from it. Bounded.
wait_listening_gone() {
	local start=$EPOCHREALTIME
	while sonde_pid_alive "$SRV_PID"; do
		_sonde_deadline_passed "$start" "$SONDE_WAIT_S" && return 1
		sonde_nap
	done
}

@test "-L keeps the server's end, -D the client's" {
	serve4
	tool_start tcplife -L "$PORT" -j -v
	send "$SRV4"
	wait_for_text "\"lport\":$PORT,"
	tool_stop
	assert_one_line "$(json_local)" "server sessions"
	assert_eq "$(json_remote)" "" "client sessions with -L"

	serve4
	tool_start tcplife -D "$PORT,1" -j -v
	send "$SRV4"
	wait_for_text "\"rport\":$PORT,"
	wait_listening_gone
	tool_stop
	assert_one_line "$(json_remote)" "client sessions"
	assert_eq "$(json_local)" "" "server sessions with -D"
}

@test "-c keeps the sessions owned inside the cgroup (the client's), not the server's" {
	serve4
	cgroup_create
	tool_start tcplife -c "$CGROUP_ID" -j -v
	run_in_cgroup "$CGROUP_DIR" ip netns exec "$NS_CLI" socat -u \
		"SYSTEM:head -c $NBYTES /dev/zero" "TCP:$SRV4:$PORT,connect-timeout=5"
	wait_for_text "\"rport\":$PORT,"
	wait_listening_gone
	tool_stop
	json_one rport "$PORT" "client sessions"
	assert_jq "$EV" '.cgroup_id == $id and .comm == "socat"' --argjson id "$CGROUP_ID"
	assert_eq "$(json_local)" "" "server sessions"
}

@test "-p keeps the sessions the process owns: the server's accepted one" {
	serve4
	tool_start tcplife -p "$SRV_PID" -j -v
	send "$SRV4"
	wait_for_text "\"lport\":$PORT,"
	tool_stop
	json_one lport "$PORT" "server sessions"
	assert_jq "$EV" '.pid == $p' --argjson p "$SRV_PID"
	assert_eq "$(json_remote)" "" "client sessions"
}

# One process of an unprivileged user opens more listeners than a table of
# socket owners holds, while a session is open; the session then closes.
@test "17000 listeners of an unprivileged user do not take away an open session's owner" {
	serve "$PORT"
	tool_start tcplife -j -v
	cli_sender "$SRV4" "$PORT"
	wait_established "$NS_CLI" "$PORT"
	flood "$NS_SRV" listen 17000
	kill "$CLI_PID"
	wait_for_text "\"rport\":$PORT,"
	wait_for_text "\"lport\":$PORT,"
	stop_ok
	flood_release
	json_one rport "$PORT" "client sessions"
	assert_jq "$EV" '.pid == $p and .comm == "bash"' --argjson p "$CLI_PID"
	json_one lport "$PORT" "server sessions"
	assert_jq "$EV" '.pid != null and .comm == "socat"'
	assert_eq "$(grep -c 'no known owner' "$TOOL_ERR")" 0 "lines about sessions without an owner"
}

# The same user floods, and is the one -u follows: its session is still shown.
@test "-u: a user's own 17000 listeners do not hide its session" {
	serve "$PORT"
	tool_start tcplife -u 65534 -j -v
	cli_sender "$SRV4" "$PORT" "${AS_NOBODY[@]}"
	wait_established "$NS_CLI" "$PORT"
	flood "$NS_SRV" listen 17000
	kill "$CLI_PID"
	wait_for_text "\"rport\":$PORT,"
	stop_ok
	flood_release
	json_one rport "$PORT" "client sessions"
	assert_jq "$EV" '.pid == $p and .uid == 65534' --argjson p "$CLI_PID"
	assert_eq "$(json_local)" "" "server sessions (root's)"
}

# json_peer PORT: the tool's one JSON event whose remote port is PORT, in EV.
json_peer() {
	json_one rport "$1" "sessions with remote port $1"
}

# More connections accepted at once than the table of accepting processes
# holds, by an unprivileged user: a session accepted before keeps its owner;
# one accepted after carries its listener's owner (socat accepts in the
# process that listens, so both are the server's), and stderr says so.
@test "17000 connections accepted by an unprivileged user: sessions accepted before and after keep an owner" {
	local first first_port second_port
	tool_start tcplife -j -v
	serve "$PORT"
	cli_sender "$SRV4" "$PORT"
	first=$CLI_PID
	wait_established "$NS_CLI" "$PORT"
	flood "$NS_SRV" accept 17000
	cli_connect "$SRV4" "$PORT"
	kill "$first"
	wait_for_match "\"pid\":$first,.*\"rport\":$PORT,"
	wait_for_match "\"pid\":$CLI_PID,.*\"rport\":$PORT,"
	first_port=$(json_rport "$PORT" | jq -r --argjson p "$first" 'select(.pid == $p) | .lport')
	second_port=$(json_rport "$PORT" | jq -r --argjson p "$CLI_PID" 'select(.pid == $p) | .lport')
	wait_for_text "\"rport\":$first_port,"
	wait_for_text "\"rport\":$second_port,"
	stop_ok
	flood_release
	# The server's ends, accepted before and after the flood: the first
	# says who accepted it, the second is its listener's owner's.
	json_peer "$first_port"
	assert_jq "$EV" '.pid == $srv and .comm == "socat" and .owner_from == "accept"' \
		--argjson srv "$SRV_PID"
	json_peer "$second_port"
	assert_jq "$EV" '.pid == $srv and .comm == "socat" and .owner_from == "listener"' \
		--argjson srv "$SRV_PID"
	grep -Eq "^tcplife: [0-9]+ connections accepted while the table of accepting processes was full carry their listener's owner\$" "$TOOL_ERR" ||
		sonde_fail "no line about connections carrying their listener's owner:" "$(<"$TOOL_ERR")"
}

# A listener made before tcplife started, which never accepts: the session a
# client opens with it has no known owner. It closes with its listener.
@test "a session with no known owner is shown without one, and counted on stderr" {
	flood "$NS_SRV" listen 1
	tool_start tcplife -j -v
	ip netns exec "$NS_SRV" socat -u OPEN:/dev/null "TCP:127.0.0.1:$FLOOD_PORT"
	flood_release
	wait_for_text "\"lport\":$FLOOD_PORT,"
	stop_ok
	json_one lport "$FLOOD_PORT" "sessions of the listener"
	assert_jq "$EV" '.pid == null and .comm == null and .uid == null and .owner_from == null'
	assert_eq "$(grep -c '^tcplife: 1 sessions had no known owner$' "$TOOL_ERR")" 1 \
		"lines about sessions without an owner"
}

@test "-u: a session with no known owner is not shown, and stderr says so" {
	flood "$NS_SRV" listen 1
	tool_start tcplife -u 65534 -j -v
	ip netns exec "$NS_SRV" "${AS_NOBODY[@]}" socat -u OPEN:/dev/null "TCP:127.0.0.1:$FLOOD_PORT"
	# The client's own end is the user's: it shows that the session closed.
	wait_for_text "\"rport\":$FLOOD_PORT,"
	flood_release
	stop_ok
	assert_eq "$(json_lport "$FLOOD_PORT")" "" "sessions of the listener"
	assert_eq "$(grep -c '^tcplife: 1 sessions had no known owner and were not shown: -p, -u and -c select by owner$' "$TOOL_ERR")" \
		1 "lines about sessions without an owner"
}

@test "bad values exit 2 with one line naming the option" {
	local v
	for v in 0 65536 x 1,,2; do
		tool_run_bounded 10 tcplife -L "$v"
		assert_eq "$status" 2 "exit status of -L '$v'"
		assert_match "$stderr" "^tcplife: .*-L/--localport" "message for -L '$v'"
		tool_run_bounded 10 tcplife -D "$v"
		assert_eq "$status" 2 "exit status of -D '$v'"
		assert_match "$stderr" "^tcplife: .*-D/--remoteport" "message for -D '$v'"
	done
	tool_run_bounded 10 tcplife -6 -4
	assert_eq "$status" 2 "exit status of -6 -4"
}

@test "nothing is left attached after SIGINT" {
	tool_start tcplife
	stop_ok
	assert_detached handle_set_sta handle_owner_ac
}

@test "tcplife -j | head -n1 exits 0 with nothing on stderr" {
	serve "$PORT"
	assert_head_ends tcplife -L "$PORT" -- cli_connect "$SRV4" "$PORT"
	assert_jq "$HEAD_LINE" '.lport == $p' --argjson p "$PORT"
}
