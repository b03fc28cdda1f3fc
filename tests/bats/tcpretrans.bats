#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# tcpretrans against the real kernel, as root: a client in one network
# namespace talks to a server (socat) in another, over a veth pair the test
# creates (tests/bats/net_helpers.bash), while an nft rule inside a namespace
# drops some of their packets, so that the kernel retransmits them.
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/tcpretrans.bats

load helpers
load net_helpers

setup() {
	net_setup tcpretrans nft nstat
}

teardown() {
	net_teardown
}

# drop_data: the server's namespace drops the client's data segments (any
# packet to PORT longer than 200 bytes; the handshake and ACKs pass).
drop_data() {
	nft_drop "$NS_SRV" "tcp dport $PORT meta length > 200"
}

# drop_synack: the client's namespace drops the server's SYN-ACKs, so the
# client sends its SYN again and the server its SYN-ACK.
drop_synack() {
	nft_drop "$NS_CLI" "tcp sport $PORT tcp flags & (syn | ack) == syn | ack"
}

# client ADDR [CMD-PREFIX...]: a client that sends data (cli_sender).
client() {
	cli_sender "$1" "$PORT" "${@:2}"
}

# client_held ADDR: the same, but it connects only at client_go, so that its
# PID (CLI_PID) is known before (for -p).
client_held() {
	local fifo=$BATS_TEST_TMPDIR/go
	mkfifo "$fifo"
	exec {GO_FD}<>"$fifo"
	# shellcheck disable=SC2016 # expanded by the client's bash
	client "$1" bash -c 'read -r _ <"$0" && exec "$@"' "$fifo"
}

client_go() {
	echo go >&"$GO_FD"
	exec {GO_FD}>&-
}

# wait_retransmits PORT N: NS_CLI's socket to PORT has retransmitted N
# segments in all (ss -ti). Bounded.
wait_retransmits() {
	local start=$EPOCHREALTIME info
	while :; do
		info=$(ip netns exec "$NS_CLI" ss -Htin "dport = :$1")
		[[ $info =~ retrans:[0-9]+/([0-9]+) ]] && ((BASH_REMATCH[1] >= $2)) && return 0
		if _sonde_deadline_passed "$start" "$SONDE_WAIT_S"; then
			sonde_fail "the client to port $1 did not retransmit $2 times:" "$info"
			return 1
		fi
		sonde_nap 0.05
	done
}

@test "text: the client's retransmitted data, with its PID, both ends, state and type" {
	serve "$PORT"
	drop_data
	tool_start tcpretrans
	client "$SRV4"
	wait_for_match " $SRV4:$PORT +ESTABLISHED +rto +-\$"
	stop_ok

	assert_header '^PID +COMM +IP +LADDR:LPORT +T> +RADDR:RPORT +STATE +TYPE +ERROR$'
	local line pid comm ip laddr t raddr state type error
	line=$(grep -E " $SRV4:$PORT +ESTABLISHED +rto +-\$" "$TOOL_OUT" | head -n 1)
	read -r pid comm ip laddr t raddr state type error <<<"$line"
	assert_eq "$pid $comm $ip" "$CLI_PID bash 4" "PID COMM IP"
	assert_match "$laddr" "^$CLI4:[1-9][0-9]*\$" "LADDR:LPORT"
	assert_eq "$t $raddr $state $error" "R> $SRV4:$PORT ESTABLISHED -" "T> RADDR:RPORT STATE ERROR"
}

@test "JSON: the documented keys; a timeout's retransmission is rto" {
	serve "$PORT"
	drop_data
	tool_start tcpretrans -j -v
	client "$SRV4"
	wait_for_text "\"rport\":$PORT,\"state\":\"ESTABLISHED\",\"type\":\"rto\",\"error\":null,\"err\":0,"
	stop_ok
	assert_json_lines
	json_first rport "$PORT" '.type == "rto"'
	assert_jq "$EV" '.pid == $p and .comm == "bash" and .uid == 0 and .family == 4 and .owner_from == "connect"' \
		--argjson p "$CLI_PID"
	assert_jq "$EV" '.laddr == $c and .raddr == $s and .rport == $port and .lport > 0 and .state == "ESTABLISHED"' \
		--arg c "$CLI4" --arg s "$SRV4" --argjson port "$PORT"
	assert_jq "$EV" 'keys_unsorted == ["time","uid","pid","comm","family","laddr","lport","raddr","rport","state","type","error","err","owner_from","cgroup_id"]'
	# Every retransmission of this flow has a known kind.
	jq -e -s --argjson p "$PORT" 'map(select(.rport == $p)) | all(.type | IN("rto", "fast", "tlp"))' \
		"$TOOL_OUT" >/dev/null
}

# wait_acked PORT BYTES: NS_CLI's socket to PORT has BYTES acknowledged (ss
# -ti): its data got through. Bounded.
wait_acked() {
	local start=$EPOCHREALTIME info
	while :; do
		info=$(ip netns exec "$NS_CLI" ss -Htin "dport = :$1")
		[[ $info =~ bytes_acked:([0-9]+) ]] && ((BASH_REMATCH[1] >= $2)) && return 0
		if _sonde_deadline_passed "$start" "$SONDE_WAIT_S"; then
			sonde_fail "the client to port $1 has not $2 bytes acknowledged:" "$info"
			return 1
		fi
		sonde_nap 0.05
	done
}

# The client's data is in flight (the server drops it, the client
# retransmits); then the client's own namespace drops what it sends, so
# that its retransmissions fail (netfilter: EPERM) until both rules go.
# Oracle: the kernel's count of failed retransmissions (nstat
# TcpExtTCPRetransFail, in the client's namespace of this test only).
@test "a retransmission that failed to go out carries its error (EPERM), as many as the kernel counted" {
	local failed
	serve "$PORT"
	drop_data
	tool_start tcpretrans -j -v
	client "$SRV4"
	wait_retransmits "$PORT" 1
	nft_drop "$NS_CLI" "tcp dport $PORT meta length > 200"
	wait_for_text '"error":"EPERM","err":1,'
	nft_undrop "$NS_CLI"
	nft_undrop "$NS_SRV"
	# 3000 bytes and the SYN.
	wait_acked "$PORT" 3001
	failed=$(ip netns exec "$NS_CLI" nstat -asz TcpExtTCPRetransFail | awk '$1 == "TcpExtTCPRetransFail" { print $2 }')
	stop_ok
	json_first rport "$PORT" '.err != 0'
	assert_jq "$EV" '.error == "EPERM" and .err == 1 and .pid == $p and .state == "ESTABLISHED"' \
		--argjson p "$CLI_PID"
	assert_eq "$(json_rport "$PORT" | jq -s 'map(select(.err != 0)) | length')" "$failed" \
		"failed retransmissions (nstat TcpExtTCPRetransFail: $failed)"
	# The one that got through, after the rules went, was sent.
	assert_jq "$(json_rport "$PORT" | tail -n 1)" '.err == 0 and .error == null'
}

@test "a SYN-ACK sent again is the server's (synack), the SYN the client's (rto, SYN_SENT)" {
	drop_synack
	tool_start tcpretrans -j -v
	serve "$PORT"
	client "$SRV4"
	wait_for_match "\"lport\":$PORT,.*\"type\":\"synack\""
	wait_for_text "\"rport\":$PORT,\"state\":\"SYN_SENT\""
	stop_ok
	json_first lport "$PORT" '.type == "synack"'
	assert_jq "$EV" '.pid == $p and .laddr == $s and .lport == $port and .state == "SYN_RECV" and .owner_from == "listener"' \
		--argjson p "$SRV_PID" --arg s "$SRV4" --argjson port "$PORT"
	json_first rport "$PORT" '.state == "SYN_SENT"'
	assert_jq "$EV" '.pid == $p and .type == "rto" and .rport == $port' \
		--argjson p "$CLI_PID" --argjson port "$PORT"
}

@test "-6 keeps IPv6 flows only" {
	serve "$PORT" TCP6-LISTEN ipv6only=0
	drop_data
	tool_start tcpretrans -6 -j -v
	client "$SRV4"
	client "$SRV6"
	wait_for_text "\"rport\":$PORT,\"state\":\"ESTABLISHED\",\"type\":\"rto\""
	stop_ok
	json_first rport "$PORT" '.type == "rto"'
	assert_jq "$EV" \
		'.family == 6 and .laddr == $c and .raddr == $s and .pid == $p' \
		--arg c "$CLI6" --arg s "$SRV6" --argjson p "$CLI_PID"
	assert_eq "$(jq -c 'select(.family != 6)' "$TOOL_OUT")" "" "IPv4 events with -6"
}

@test "-p keeps the retransmissions of that process's sockets" {
	serve "$PORT"
	drop_data
	client_held "$SRV4"
	local target=$CLI_PID
	tool_start tcpretrans -p "$target" -j -v
	client "$SRV4"
	local other=$CLI_PID
	wait_retransmits "$PORT" 2
	client_go
	wait_for_text "\"rport\":$PORT,\"state\":\"ESTABLISHED\",\"type\":\"rto\""
	stop_ok
	assert_jq "$(head -n 1 "$TOOL_OUT")" '.pid == $p' --argjson p "$target"
	assert_eq "$(jq -c --argjson p "$target" 'select(.pid != $p)' "$TOOL_OUT")" "" \
		"events of other processes (the other client is $other)"
}

@test "-c keeps the sockets owned inside the cgroup, -u those of the user" {
	serve "$PORT"
	drop_data
	cgroup_create
	tool_start tcpretrans -c "$CGROUP_DIR" -j -v
	client "$SRV4"
	wait_retransmits "$PORT" 2
	CLIENT_CGROUP=$CGROUP_DIR client "$SRV4"
	local inside=$CLI_PID
	wait_for_text "\"rport\":$PORT,\"state\":\"ESTABLISHED\",\"type\":\"rto\""
	tool_stop
	assert_eq "$(jq -c --argjson id "$CGROUP_ID" 'select(.cgroup_id != $id)' "$TOOL_OUT")" "" \
		"events outside the cgroup"
	assert_jq "$(head -n 1 "$TOOL_OUT")" '.pid == $p' --argjson p "$inside"

	PORT=$((PORT + 1))
	serve "$PORT"
	drop_data
	tool_start tcpretrans -u 65534 -j -v
	client "$SRV4"
	wait_retransmits "$PORT" 2
	client "$SRV4" setpriv --reuid=65534 --regid=65534 --clear-groups
	wait_for_text "\"rport\":$PORT,\"state\":\"ESTABLISHED\",\"type\":\"rto\""
	tool_stop
	assert_eq "$(jq -c 'select(.uid != 65534)' "$TOOL_OUT")" "" "events of other users"
}

@test "--count: retransmissions per flow, with the owner" {
	serve "$PORT"
	drop_data
	tool_start tcpretrans --count
	client "$SRV4"
	# One more than asserted: the kernel's total counts segments, the
	# tool retransmitted packets, which may carry more than one.
	wait_retransmits "$PORT" 4
	stop_ok
	assert_header '^PID +COMM +IP +LADDR:LPORT +RADDR:RPORT +RETRANSMITS$'
	one_line_with " $SRV4:$PORT " "count lines"
	assert_match "$LINE" "^$CLI_PID +bash +4 +$CLI4:[0-9]+ +$SRV4:$PORT +([3-9]|[1-9][0-9]+)\$" "count line"
}

@test "--count -j: one object per flow with .retransmits" {
	serve "$PORT"
	drop_data
	tool_start tcpretrans --count -j -v
	client "$SRV4"
	wait_retransmits "$PORT" 3
	stop_ok
	assert_json_lines
	json_one rport "$PORT" "count objects"
	assert_jq "$EV" '.retransmits >= 2 and .pid == $p and .laddr == $c and .raddr == $s' \
		--argjson p "$CLI_PID" --arg c "$CLI4" --arg s "$SRV4"
	assert_jq "$EV" 'keys_unsorted == ["uid","pid","comm","family","laddr","lport","raddr","rport","retransmits","cgroup_id"]'
}

@test "bad values exit 2 with one line naming the option" {
	tool_run_bounded 10 tcpretrans -4 -6
	assert_eq "$status" 2 "exit status of -4 -6"
	assert_match "$stderr" "^tcpretrans: .*-4/--ipv4" "message for -4 -6"
	tool_run_bounded 10 tcpretrans -p 12x
	assert_eq "$status" 2 "exit status of -p 12x"
	assert_match "$stderr" "^tcpretrans: .*-p/--pid" "message for -p 12x"
	tool_run_bounded 10 tcpretrans --count 5
	assert_eq "$status" 2 "exit status of a stray argument"
}

@test "nothing is left attached after SIGINT" {
	tool_start tcpretrans
	stop_ok
	assert_detached handle_retransm handle_owner_st handle_owner_ac
}

@test "tcpretrans -j | head -n1 exits 0 with nothing on stderr" {
	serve "$PORT"
	drop_data
	assert_head_ends tcpretrans -- client "$SRV4"
	# Perhaps a retransmission of another test's flow: any will do.
	assert_jq "$HEAD_LINE" '(.rport | type) == "number" and (.type | type) == "string"'
}
