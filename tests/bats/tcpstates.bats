#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# tcpstates against the real kernel, as root: a client in one network
# namespace connects to a server (socat) in another, over a veth pair the
# test creates (tests/bats/net_helpers.bash), stays connected 0.3 s and
# closes; every state change of both ends is reported, with the time spent
# in the state left.
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/tcpstates.bats

load helpers
load net_helpers

setup() {
	net_setup tcpstates
}

teardown() {
	net_teardown
}

# connect_hold ADDR: a client (bash, CLI_PID) connects to ADDR:PORT, sends a
# line, keeps the connection 0.3 s after its connect() returned and closes.
connect_hold() {
	# shellcheck disable=SC2016 # expanded by the client's bash
	cli_run bash -c 'exec 3<>"/dev/tcp/$0/$1" && echo hello >&3 && sleep 0.3 && exec 3>&-' \
		"$1" "$PORT"
}

# The JSON events of one socket, by its cookie, in the order they came.
json_cookie() {
	jq -c --argjson c "$1" 'select(.cookie == $c)' "$TOOL_OUT"
}

# The kernel reports some "changes" to the state a socket is in already
# (FIN_WAIT1 -> FIN_WAIT1 while it closes, now and then): the tool shows
# them as they come; the sequences below leave them out.
MOVES='map(select(.oldstate != .newstate))'

# assert_sequence COOKIE STATES...: the socket's changes go through STATES
# in this order, the first change's time in its old state is not known,
# and the others' durations add up to the time from its first change to its
# last (each duration is rounded down to a microsecond, the times too).
assert_sequence() {
	local cookie=$1 evs want
	shift
	evs=$(json_cookie "$cookie" | jq -sc .)
	want=$(printf '%s\n' "$@" | jq -Rsc 'split("\n")[:-1]')
	assert_jq "$evs" "$MOVES"' | ([.[0].oldstate] + map(.newstate)) == $w' --argjson w "$want"
	assert_jq "$evs" '.[0].dur_us == null and (.[1:] | all(.dur_us >= 0))'
	assert_jq "$evs" 'def us: sub("Z$"; "") | split(".") |
			(.[0] + "Z" | fromdateiso8601) * 1000000 + (.[1] | tonumber);
		((.[-1].time | us) - (.[0].time | us)) as $life |
		([.[1:][].dur_us] | add) as $sum |
		$sum <= $life + 1 and $sum >= $life - length'
}

@test "JSON: a connect and close go through every state, with durations that add up to the life" {
	# Started first, it sees the listener's owner: the server's end belongs
	# to it until accepted.
	tool_start tcpstates -j -v
	serve "$PORT"
	connect_hold "$SRV4"
	wait_for_match "\"rport\":$PORT,.*\"newstate\":\"CLOSE\""
	wait_for_match "\"lport\":$PORT,\"raddr\":\"$CLI4\".*\"newstate\":\"CLOSE\""
	stop_ok
	assert_json_lines

	# The client's socket: an active open, and the active close.
	one_event '.rport == $p and .newstate == "SYN_SENT"' "client connects" --argjson p "$PORT"
	local cookie
	cookie=$(jq .cookie <<<"$EV")
	assert_jq "$EV" '.pid == $p and .comm == "bash" and .owner_from == "connect"' \
		--argjson p "$CLI_PID"
	assert_sequence "$cookie" CLOSE SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 CLOSE
	# ESTABLISHED lasted the client's 0.3 s sleep, and its fork and exec.
	assert_jq "$(json_cookie "$cookie" | jq -sc .)" \
		'(.[] | select(.oldstate == "ESTABLISHED") | .dur_us) as $d | $d >= 300000 and $d < 5000000'
	assert_jq "$(json_cookie "$cookie" | jq -sc .)" \
		'all(.pid == $p and .laddr == $c and .raddr == $s) and all(.[1:][]; .lport > 0)' \
		--argjson p "$CLI_PID" --arg c "$CLI4" --arg s "$SRV4"

	# The server's end: born from the listener, then a passive close.
	one_event '.lport == $p and .newstate == "SYN_RECV"' "server connections" --argjson p "$PORT"
	cookie=$(jq .cookie <<<"$EV")
	assert_jq "$EV" '.pid == $p and .comm == "socat" and .raddr == $c' \
		--argjson p "$SRV_PID" --arg c "$CLI4"
	assert_sequence "$cookie" LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSE
}

# ss -e names a socket by its cookie (sk:HEX): the same socket as the tool's.
@test "the cookie is the socket's, as ss -e shows it" {
	serve "$PORT"
	tool_start tcpstates -j -v
	cli_sender "$SRV4" "$PORT"
	wait_established "$NS_CLI" "$PORT"
	local ss_cookie
	ss_cookie=$(ip netns exec "$NS_CLI" ss -Htne state established "dport = :$PORT" |
		grep -o ' sk:[0-9a-f]*' | cut -d: -f2)
	[[ -n $ss_cookie ]] || sonde_fail "ss -e shows no sk: cookie"
	wait_for_match "\"rport\":$PORT,.*\"newstate\":\"ESTABLISHED\""
	stop_ok
	one_event '.rport == $p and .newstate == "ESTABLISHED"' "client changes to ESTABLISHED" \
		--argjson p "$PORT"
	assert_jq "$EV" '.cookie == $c and .pid == $p' --argjson c "$((16#$ss_cookie))" \
		--argjson p "$CLI_PID"
}

@test "text: the states by name and the milliseconds in the old one" {
	serve "$PORT"
	tool_start tcpstates
	connect_hold "$SRV4"
	wait_for_match " $PORT +FIN_WAIT2 +CLOSE +[0-9.]+\$"
	stop_ok
	assert_header '^PID +COMM +LADDR +LPORT +RADDR +RPORT +OLDSTATE +NEWSTATE +MS$'
	local line pid comm laddr lport raddr rport old new ms
	line=$(grep -E "^$CLI_PID .* ESTABLISHED +FIN_WAIT1 " "$TOOL_OUT")
	assert_one_line "$line" "client lines leaving ESTABLISHED"
	read -r pid comm laddr lport raddr rport old new ms <<<"$line"
	assert_eq "$comm $laddr $raddr $rport" "bash $CLI4 $SRV4 $PORT" "client COMM and addresses"
	assert_match "$ms" '^[0-9]+\.[0-9]{3}$' "MS"
	assert_jq "$ms" '. >= 300 and . < 5000'
	line=$(grep -E "^$CLI_PID .* CLOSE +SYN_SENT " "$TOOL_OUT")
	assert_match "$line" ' -$' "the first change's MS"
}

@test "IPv6: -6 -w shows an IPv6 connection's changes; -4 leaves them out" {
	serve "$PORT" TCP6-LISTEN
	tool_start tcpstates -6 -w
	connect_hold "$SRV6"
	wait_for_match "^$CLI_PID +bash +6 +$CLI6 .* FIN_WAIT2 +CLOSE "
	stop_ok
	assert_header '^PID +COMM +IP +LADDR +LPORT +RADDR +RPORT +OLDSTATE +NEWSTATE +MS$'
	assert_eq "$(grep -E "^$CLI_PID +bash +6 +$CLI6 +[0-9]+ +$SRV6 +$PORT " "$TOOL_OUT" |
		awk '$8 != $9' | wc -l)" 5 "client changes"

	tool_start tcpstates -4 -j -v
	connect_hold "$SRV6"
	tool_stop
	assert_eq "$(json_rport "$PORT")$(json_lport "$PORT")" "" "IPv6 changes with -4"
}

@test "-L keeps the server's sockets, -D the client's" {
	serve "$PORT"
	tool_start tcpstates -L "$PORT" -j -v
	connect_hold "$SRV4"
	wait_for_match "\"lport\":$PORT,\"raddr\":\"$CLI4\".*\"newstate\":\"CLOSE\""
	tool_stop
	assert_eq "$(json_rport "$PORT")" "" "client changes with -L"
	assert_eq "$(json_lport "$PORT" | jq -sr "$MOVES"'[].newstate' | tr '\n' ' ')" \
		"SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSE " "server changes"

	tool_start tcpstates -D "$PORT,1" -j -v
	connect_hold "$SRV4"
	wait_for_match "\"rport\":$PORT,.*\"newstate\":\"CLOSE\""
	tool_stop
	assert_eq "$(json_lport "$PORT")" "" "server changes with -D"
	assert_eq "$(json_rport "$PORT" | jq -sr "$MOVES"'[].newstate' | tr '\n' ' ')" \
		"SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 CLOSE " "client changes"
}

@test "-c keeps the sockets owned inside the cgroup (the client's), not the server's" {
	serve "$PORT"
	cgroup_create
	tool_start tcpstates -c "$CGROUP_ID" -j -v
	run_in_cgroup "$CGROUP_DIR" ip netns exec "$NS_CLI" socat -u OPEN:/dev/null \
		"TCP:$SRV4:$PORT,connect-timeout=5"
	wait_for_match "\"rport\":$PORT,.*\"newstate\":\"CLOSE\""
	tool_stop
	assert_eq "$(json_lport "$PORT")" "" "server changes"
	assert_jq "$(json_rport "$PORT" | jq -sc .)" \
		"$MOVES"' | length == 5 and all(.cgroup_id == $id and .comm == "socat")' --argjson id "$CGROUP_ID"
}

# The server is started after tcpstates, which has to know its listener's
# owner for -p to pass its connections (target_start: its PID is known
# before it runs).
@test "-p keeps the changes of the sockets the process owns: the server's" {
	target_start ip netns exec "$NS_SRV" socat -u "TCP-LISTEN:$PORT,reuseaddr" OPEN:/dev/null
	tool_start tcpstates -p "$TARGET" -j -v
	echo go >&"$TARGET_FD"
	wait_listening "$NS_SRV" "$PORT"
	connect_hold "$SRV4"
	wait_for_match "\"lport\":$PORT,\"raddr\":\"$CLI4\".*\"newstate\":\"CLOSE\""
	tool_stop
	assert_eq "$(json_rport "$PORT")" "" "client changes"
	assert_eq "$(json_lport "$PORT" | jq -sr --arg c "$CLI4" "$MOVES"'[] | select(.raddr == $c) | .newstate' |
		tr '\n' ' ')" "SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSE " "server changes"
	assert_jq "$(json_lport "$PORT" | jq -sc .)" 'all(.pid == $p)' --argjson p "$TARGET"
}

@test "bad values exit 2 with one line naming the option" {
	local v
	for v in 0 65536 x 1,,2; do
		assert_bad_value tcpstates -L/--localport "$v" -L "$v"
		assert_bad_value tcpstates -D/--remoteport "$v" -D "$v"
	done
	assert_usage_error tcpstates "" -6 -4
}

@test "nothing is left attached after SIGINT" {
	tool_start tcpstates
	stop_ok
	assert_detached handle_set_sta handle_owner_ac
}

@test "tcpstates -j | head -n1 exits 0 with nothing on stderr" {
	serve "$PORT"
	assert_head_ends tcpstates -L "$PORT" -- cli_connect "$SRV4" "$PORT"
	assert_jq "$HEAD_LINE" '.lport == $p' --argjson p "$PORT"
}
