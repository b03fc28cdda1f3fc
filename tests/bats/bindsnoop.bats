#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# bindsnoop against the real kernel, as root: socat binds marker ports inside
# network namespaces the test creates (tests/bats/net_helpers.bash).
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/bindsnoop.bats

load helpers
load net_helpers

setup() {
	net_setup bindsnoop setpriv
}

teardown() {
	net_teardown
}

# listen PORT [ADDRESS-OPTIONS]: a TCP listener in NS_SRV (SRV_PID).
listen() {
	srv_start "$1" socat -u "TCP-LISTEN:$1${2:+,$2}" OPEN:/dev/null
}

# udp_bind ADDR PORT [CMD-PREFIX...]: from NS_CLI, a UDP socket bound to
# ADDR:PORT (IPv4 or IPv6) sends one datagram to the server's discard port;
# CLI_PID is the binding process.
udp_bind() {
	local addr=$1 port=$2 to=$SRV4:9 type=UDP-SENDTO
	shift 2
	if [[ $addr == *:* ]]; then
		addr="[$addr]" to="[$SRV6]:9" type=UDP6-SENDTO
	fi
	cli_run "$@" socat -u OPEN:/dev/null "$type:$to,bind=$addr:$port"
}

@test "text: a listener's bind shows PID, COMM, PROT, ADDR, PORT, OPTS, IF and RET" {
	tool_start bindsnoop
	listen "$PORT" "reuseaddr,bind=$SRV4"
	wait_for_match " $PORT +"
	stop_ok

	assert_header '^PID +COMM +PROT +LADDR +LPORT +OPTS +IF +RET$'
	local line
	line=$(grep -E " $PORT " "$TOOL_OUT")
	assert_one_line "$line" "bind lines"
	assert_match "$line" "^$SRV_PID +socat +TCP +$SRV4 +$PORT +\\.\\.\\.R\\. +0 +0\$" "bind line"
}

@test "JSON: a UDP IPv6 bind has the documented keys and values" {
	tool_start bindsnoop -j -v
	udp_bind "$CLI6" "$PORT"
	wait_for_text "\"lport\":$PORT,"
	stop_ok
	assert_json_lines
	json_one lport "$PORT" "bind events"
	assert_jq "$EV" '.pid == $p and .comm == "socat" and .uid == 0' --argjson p "$CLI_PID"
	assert_jq "$EV" '.protocol == "UDP" and .family == 6 and .laddr == $a' --arg a "$CLI6"
	assert_jq "$EV" '.opts == "....." and .ifindex == 0 and .ret == 0 and .error == null'
	assert_jq "$EV" '.addr_from == "kernel"'
	assert_jq "$EV" 'keys_unsorted == ["time","uid","pid","comm","family","protocol","laddr","lport","addr_from","opts","ifindex","ret","error","cgroup_id"]'
}

@test "-x shows a failed bind (EADDRINUSE), not the successful one" {
	tool_start bindsnoop -x -j -v
	listen "$PORT"
	local first=$SRV_PID
	ip netns exec "$NS_SRV" socat -u "TCP-LISTEN:$PORT" OPEN:/dev/null 2>/dev/null 3>&- &
	local second=$!
	sonde_track_pid "$second"
	wait "$second" || :
	wait_for_text "\"lport\":$PORT,"
	stop_ok
	json_one lport "$PORT" "bind events"
	assert_jq "$EV" '.pid == $p and .ret == -98 and .error == "EADDRINUSE"' --argjson p "$second"
	assert_jq "$EV" '.pid != $f and .addr_from == "entry"' --argjson f "$first"
}

@test "a bind to port 0 shows the port the kernel chose, as getsockname() does" {
	tool_start bindsnoop -j -v
	# shellcheck disable=SC2016 # a python program
	cli_run python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0))
open(sys.argv[2], "w").write("%d\n" % s.getsockname()[1])' "$CLI4" "$BATS_TEST_TMPDIR/port"
	wait "$CLI_PID"
	local port
	port=$(<"$BATS_TEST_TMPDIR/port")
	wait_for_text "\"lport\":$port,"
	stop_ok
	json_one lport "$port" "bind events"
	assert_jq "$EV" '.pid == $p and .laddr == $a and .addr_from == "kernel" and .ret == 0' \
		--argjson p "$CLI_PID" --arg a "$CLI4"
}

@test "racing a thread that rewrites the sockaddr: a bind is reported with the port bound, or the one asked at entry" {
	require_toctou
	local good=$PORT bad=$((PORT + 1)) out ngood nbad ok failed nok nfailed
	tool_start bindsnoop -P "$good,$bad,$((PORT + 2))" -j -v
	out=$(ip netns exec "$NS_CLI" "$TOCTOU" bind 2000 "$good" "$bad")
	read -r _ ngood _ nbad <<<"$out"
	udp_bind "$CLI4" $((PORT + 2))
	wait_for_text "\"lport\":$((PORT + 2)),"
	stop_ok
	# All but the first: the bind of the socket that holds the port.
	ok=$(jq -c 'select(.comm == "toctou" and .laddr == "127.0.0.1" and .ret == 0)' "$TOOL_OUT" | tail -n +2)
	failed=$(jq -c 'select(.comm == "toctou" and .laddr == "127.0.0.1" and .ret < 0)' "$TOOL_OUT")
	assert_eq "$(jq -c --argjson g "$good" 'select(.lport != $g or .addr_from != "kernel")' <<<"$ok")" "" \
		"successful binds reported with the port another socket holds, or not from the socket"
	assert_eq "$(jq -c 'select(.addr_from != "entry")' <<<"$failed")" "" \
		"failed binds reported with another sockaddr than the one given at entry"
	# Both kinds were seen (the helper's counts bound them: the kernel
	# may skip a tracepoint while other tools attach theirs).
	((ngood > 0 && nbad > 0)) || sonde_fail "the race made no success or no failure: $out"
	nok=$(grep -c . <<<"$ok" || true)
	nfailed=$(grep -c . <<<"$failed" || true)
	((nok > 0 && nok <= ngood && nfailed > 0 && nfailed <= nbad)) ||
		sonde_fail "events: $nok successes, $nfailed failures; the helper: $out"
}

@test "-P and -p keep only the listed ports and that process" {
	local other=$((PORT + 1))
	tool_start bindsnoop -P "$PORT" -j -v
	listen "$other"
	listen "$PORT"
	wait_for_text "\"lport\":$PORT,"
	tool_stop
	assert_one_line "$(json_lport "$PORT")" "binds of the listed port"
	assert_eq "$(json_lport "$other")" "" "binds of the other port"

	local fifo=$BATS_TEST_TMPDIR/go cmd target
	mkfifo "$fifo"
	exec {cmd}<>"$fifo"
	# A shell that waits for a line, then becomes the binding socat.
	(
		read -r _ <"$fifo"
		exec ip netns exec "$NS_SRV" socat -u OPEN:/dev/null "UDP-SENDTO:$SRV4:9,bind=$SRV4:$((PORT + 2))"
	) 3>&- &
	target=$!
	sonde_track_pid "$target"
	tool_start bindsnoop -p "$target" -j -v
	udp_bind "$CLI4" $((PORT + 3))
	echo go >&"$cmd"
	wait "$target"
	exec {cmd}>&-
	wait_for_text "\"lport\":$((PORT + 2)),"
	tool_stop
	assert_jq "$(json_lport $((PORT + 2)))" '.pid == $p' --argjson p "$target"
	assert_eq "$(json_lport $((PORT + 3)))" "" "binds of other processes"
}

@test "-6 keeps IPv6 binds, -4 IPv4 ones" {
	tool_start bindsnoop -6 -j -v
	udp_bind "$CLI4" "$PORT"
	udp_bind "$CLI6" $((PORT + 1))
	wait_for_text "\"lport\":$((PORT + 1)),"
	tool_stop
	assert_eq "$(json_lport "$PORT")" "" "IPv4 binds with -6"

	tool_start bindsnoop -4 -j -v
	udp_bind "$CLI6" $((PORT + 2))
	udp_bind "$CLI4" $((PORT + 3))
	wait_for_text "\"lport\":$((PORT + 3)),"
	tool_stop
	assert_eq "$(json_lport $((PORT + 2)))" "" "IPv6 binds with -4"
	assert_jq "$(json_lport $((PORT + 3)))" '.family == 4 and .laddr == $a' --arg a "$CLI4"
}

@test "-u keeps that user's binds, -c those inside the cgroup" {
	tool_start bindsnoop -u 65534 -U
	udp_bind "$CLI4" "$PORT"
	udp_bind "$CLI4" $((PORT + 1)) setpriv --reuid=65534 --regid=65534 --clear-groups
	wait_for_match " $((PORT + 1)) +"
	tool_stop
	assert_eq "$(lines_with " $PORT ")" "" "binds of root with -u 65534"
	assert_match "$(lines_with " $((PORT + 1)) ")" "^65534 +$CLI_PID +socat +UDP " "UID PID COMM PROT"

	cgroup_create
	tool_start bindsnoop -c "$CGROUP_DIR" -j -v
	udp_bind "$CLI4" $((PORT + 2))
	run_in_cgroup "$CGROUP_DIR" ip netns exec "$NS_CLI" socat -u OPEN:/dev/null \
		"UDP-SENDTO:$SRV4:9,bind=$CLI4:$((PORT + 3))"
	wait_for_text "\"lport\":$((PORT + 3)),"
	tool_stop
	assert_eq "$(json_lport $((PORT + 2)))" "" "binds outside the cgroup"
	assert_jq "$(json_lport $((PORT + 3)))" '.cgroup_id == $id' --argjson id "$CGROUP_ID"
}

@test "bad values exit 2 with one line naming the option" {
	local v
	for v in 65536 -1 80, x ""; do
		tool_run_bounded 10 bindsnoop -P "$v"
		assert_eq "$status" 2 "exit status of -P '$v'"
		assert_match "$stderr" "^bindsnoop: .*-P/--port" "message for -P '$v'"
	done
	tool_run_bounded 10 bindsnoop -4 -6
	assert_eq "$status" 2 "exit status of -4 -6"
}

@test "nothing is left attached after SIGINT" {
	tool_start bindsnoop
	stop_ok
	assert_detached handle_exit_bin handle_enter_bi
}

@test "bindsnoop -j | head -n1 exits 0 with nothing on stderr" {
	assert_head_ends bindsnoop -P "$PORT" -- udp_bind "$CLI4" "$PORT"
	assert_jq "$HEAD_LINE" '.lport == $p' --argjson p "$PORT"
}
