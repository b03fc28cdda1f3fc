#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# tcpdrop against the real kernel, as root: a client in one network namespace
# talks to a server (socat) in another, over a veth pair the test creates
# (tests/bats/net_helpers.bash). The kernel drops a SYN to a port nothing
# listens on (NO_SOCKET), and nft rules inside a namespace drop data
# (NETFILTER_DROP).
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/tcpdrop.bats

load helpers
load net_helpers

setup() {
	net_setup tcpdrop nft setpriv
}

teardown() {
	net_teardown
}

# closed ADDR: a connect from NS_CLI to ADDR:PORT, where nothing listens.
closed() {
	cli_connect "$1" "$PORT" 2>/dev/null || :
}

# drop_data NS: NS drops the data segments to PORT (packets longer than 200
# bytes, in and out; the handshake and ACKs pass).
drop_data() {
	nft_drop "$1" "tcp dport $PORT meta length > 200"
}

@test "text: a SYN to a closed port, NO_SOCKET, with no socket and no owner" {
	tool_start tcpdrop
	closed "$SRV4"
	wait_for_match " > $SRV4:$PORT "
	stop_ok

	assert_header '^PID +COMM +IP +SADDR:SPORT +> +DADDR:DPORT +STATE +FLAGS +REASON$'
	one_line_with " > $SRV4:$PORT " "drop lines"
	assert_match "$LINE" "^- +- +4 +$CLI4:[0-9]+ +> $SRV4:$PORT +- +SYN +NO_SOCKET\$" "drop line"
}

@test "JSON: the documented keys; IPv6; the kernel function with the location" {
	tool_start tcpdrop -j -v
	closed "$SRV6"
	wait_for_text "\"dport\":$PORT,"
	stop_ok
	assert_json_lines
	json_one dport "$PORT" "drop events"
	assert_jq "$EV" '.pid == null and .comm == null and .uid == null and .cgroup_id == null and .owner_from == null'
	assert_jq "$EV" '.family == 6 and .saddr == $c and .daddr == $s and .sport > 0' --arg c "$CLI6" --arg s "$SRV6"
	assert_jq "$EV" '.state == null and .flags == "SYN" and .reason == "NO_SOCKET"'
	assert_jq "$EV" '.location | test("^[a-z_0-9.]+\\+0x[0-9a-f]+$")'
	assert_jq "$EV" 'keys_unsorted == ["time","uid","pid","comm","family","saddr","sport","daddr","dport","state","flags","reason","location","owner_from","cgroup_id"]'
}

@test "-K: the kernel stack that dropped the SYN, from tcp_v4_rcv down; text: the KSTACK column" {
	tool_start tcpdrop -j -v -K
	closed "$SRV4"
	wait_for_text "\"dport\":$PORT,"
	stop_ok
	json_one dport "$PORT" "drop events"
	assert_jq "$EV" '(keys_unsorted | last) == "kernel_stack" and
		([.kernel_stack[].sym] | index("tcp_v4_rcv") != null) and
		all(.kernel_stack[]; .module == "[kernel]")'
	PORT=$((PORT + 1))
	tool_start tcpdrop -v -K
	closed "$SRV4"
	wait_for_match " > $SRV4:$PORT .*NO_SOCKET +.*tcp_v4_rcv"
	stop_ok
	assert_header '^PID +COMM +IP +SADDR:SPORT +> +DADDR:DPORT +STATE +FLAGS +REASON +KSTACK$'
}

@test "an nft drop on input is the receiving socket's (the server that accepted)" {
	serve "$PORT"
	drop_data "$NS_SRV"
	tool_start tcpdrop -j -v -r NETFILTER_DROP
	cli_sender "$SRV4" "$PORT"
	# The first drop may come before the server accepted: no owner yet.
	wait_for_text "\"pid\":$SRV_PID,"
	stop_ok
	json_first dport "$PORT" '.pid == $p' --argjson p "$SRV_PID"
	assert_jq "$EV" '.pid == $p and .comm == "socat" and .state == "ESTABLISHED" and .owner_from == "accept"' \
		--argjson p "$SRV_PID"
	assert_jq "$EV" '.saddr == $c and .daddr == $s and .reason == "NETFILTER_DROP" and (.flags | test("ACK"))' \
		--arg c "$CLI4" --arg s "$SRV4"
}

@test "an nft drop on output is the sending socket's (the client), shown with -l" {
	serve "$PORT"
	drop_data "$NS_CLI"
	tool_start tcpdrop -r netfilter_drop,SKB_DROP_REASON_NO_SOCKET -l
	cli_sender "$SRV4" "$PORT"
	wait_for_match " > $SRV4:$PORT "
	stop_ok
	assert_header ' REASON +LOCATION$'
	assert_match "$(lines_with " > $SRV4:$PORT " | head -n 1)" \
		"^$CLI_PID +bash +4 +$CLI4:[0-9]+ +> $SRV4:$PORT +ESTABLISHED +[A-Z|]+ +NETFILTER_DROP +[a-z_0-9.]+\\+0x[0-9a-f]+\$" \
		"drop line"
}

@test "-r keeps the listed reasons, -4 and -6 the family" {
	tool_start tcpdrop -r NETFILTER_DROP -j -v
	serve "$PORT"
	drop_data "$NS_SRV"
	PORT=$((PORT + 1)) closed "$SRV4"
	cli_sender "$SRV4" "$PORT"
	wait_for_text "\"dport\":$PORT,"
	tool_stop
	assert_eq "$(json_dport $((PORT + 1)))" "" "NO_SOCKET drops with -r NETFILTER_DROP"

	tool_start tcpdrop -6 -j -v
	closed "$SRV4"
	closed "$SRV6"
	wait_for_text "\"daddr\":\"$SRV6\",\"dport\":$PORT,"
	tool_stop
	assert_eq "$(jq -c 'select(.family != 6)' "$TOOL_OUT")" "" "IPv4 drops with -6"

	tool_start tcpdrop -4 -j -v
	closed "$SRV6"
	closed "$SRV4"
	wait_for_text "\"daddr\":\"$SRV4\",\"dport\":$PORT,"
	tool_stop
	assert_eq "$(jq -c 'select(.family != 4)' "$TOOL_OUT")" "" "IPv6 drops with -4"
}

@test "-p keeps the drops of the process's sockets, not others' nor those without one" {
	local other=$((PORT + 1)) pid_other
	nft_drop "$NS_SRV" "tcp dport { $PORT, $other } meta length > 200"
	serve "$other"
	pid_other=$SRV_PID
	serve "$PORT"
	tool_start tcpdrop -p "$SRV_PID" -j -v
	PORT=$((PORT + 2)) closed "$SRV4"
	cli_sender "$SRV4" "$other"
	# Some drops of the other server's socket came after it accepted.
	wait_nft_drops "$NS_SRV" 4
	cli_sender "$SRV4" "$PORT"
	wait_for_text "\"dport\":$PORT,"
	stop_ok
	assert_eq "$(jq -c --argjson p "$SRV_PID" 'select(.pid != $p)' "$TOOL_OUT")" "" \
		"other drops (the other server is $pid_other)"
}

@test "-c keeps the drops of sockets owned inside the cgroup, -u those of the user" {
	serve "$PORT"
	drop_data "$NS_CLI"
	cgroup_create
	tool_start tcpdrop -c "$CGROUP_DIR" -j -v
	cli_sender "$SRV4" "$PORT"
	wait_nft_drops "$NS_CLI" 2
	CLIENT_CGROUP=$CGROUP_DIR cli_sender "$SRV4" "$PORT"
	wait_for_text "\"dport\":$PORT,"
	tool_stop
	assert_eq "$(jq -c --argjson id "$CGROUP_ID" 'select(.cgroup_id != $id)' "$TOOL_OUT")" "" \
		"drops outside the cgroup"
	assert_jq "$(head -n 1 "$TOOL_OUT")" '.pid == $p and .saddr == $c' --argjson p "$CLI_PID" --arg c "$CLI4"

	# A new port and rule: the clients above are no longer dropped.
	nft_undrop "$NS_CLI"
	PORT=$((PORT + 1))
	serve "$PORT"
	drop_data "$NS_CLI"
	tool_start tcpdrop -u 65534 -j -v
	cli_sender "$SRV4" "$PORT"
	wait_nft_drops "$NS_CLI" 2
	cli_sender "$SRV4" "$PORT" setpriv --reuid=65534 --regid=65534 --clear-groups
	wait_for_text '"uid":65534,'
	tool_stop
	assert_eq "$(jq -c 'select(.uid != 65534)' "$TOOL_OUT")" "" "drops of other users"
}

@test "--count: drops by reason" {
	tool_start tcpdrop --count
	closed "$SRV4"
	closed "$SRV6"
	closed "$SRV4"
	stop_ok
	assert_header '^REASON +DROPS$'
	assert_match "$(lines_with "NO_SOCKET ")" '^NO_SOCKET +([3-9]|[1-9][0-9]+)$' "NO_SOCKET line"
}

@test "--count -j: one object per reason" {
	tool_start tcpdrop --count -r NO_SOCKET -j -v
	closed "$SRV4"
	closed "$SRV4"
	stop_ok
	assert_json_lines
	assert_jq "$(<"$TOOL_OUT")" '.reason == "NO_SOCKET" and .drops >= 2 and keys_unsorted == ["reason","drops"]'
}

@test "--list-reasons lists this kernel's reason names, which -r takes" {
	tool_run_bounded 10 tcpdrop --list-reasons
	assert_eq "$status" 0 "exit status"
	assert_match "$output" $'(^|\n)NO_SOCKET\n' "NO_SOCKET listed"
	assert_match "$output" $'(^|\n)NETFILTER_DROP\n' "NETFILTER_DROP listed"
	tool_run_bounded 10 tcpdrop -r "$(head -n 16 <<<"$output" | paste -sd,)" -d 1
	assert_eq "$status $stderr" "0 " "exit status and stderr with 16 listed reasons"
}

@test "--list-reasons -j: one object per reason, the reasons of the text" {
	tool_run_bounded 10 tcpdrop --list-reasons
	assert_eq "$status" 0 "exit status"
	local text=$output
	tool_run_bounded 10 tcpdrop --list-reasons -j
	assert_eq "$status $stderr" "0 " "exit status and stderr with -j"
	assert_json_lines "$BATS_TEST_TMPDIR/run.out"
	assert_eq "$(jq -r '.reason' <<<"$output")" "$text" "the reasons, in order"
	assert_jq "$(jq -s . <<<"$output")" 'all(keys_unsorted == ["reason","value"] and
		(.value | type) == "number") and (map(.value) | length == (unique | length))'
}

@test "bad values exit 2 with one line naming the option" {
	local v
	for v in NOPE "" NO_SOCKET, ,NO_SOCKET "NO_SOCKET NOPE" 2; do
		tool_run_bounded 10 tcpdrop -r "$v"
		assert_eq "$status" 2 "exit status of -r '$v'"
		assert_match "$stderr" "^tcpdrop: .*-r/--reason" "message for -r '$v'"
	done
	tool_run_bounded 10 tcpdrop -4 -6
	assert_eq "$status" 2 "exit status of -4 -6"
}

@test "nothing is left attached after SIGINT" {
	tool_start tcpdrop
	stop_ok
	assert_detached handle_kfree_sk handle_owner_st handle_owner_ac
}

@test "tcpdrop -j | head -n1 exits 0 with nothing on stderr" {
	assert_head_ends tcpdrop -r NO_SOCKET -- closed "$SRV4"
	assert_jq "$HEAD_LINE" '.reason == "NO_SOCKET"'
}
