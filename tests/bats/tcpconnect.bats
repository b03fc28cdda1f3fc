#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# tcpconnect against the real kernel, as root: a client in one network
# namespace connects to a server (socat) in another, over a veth pair the test
# creates (tests/bats/net_helpers.bash); the tool traces from the root
# namespace.
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/tcpconnect.bats

load helpers
load net_helpers

setup() {
	net_setup tcpconnect setpriv
	require_sockflood
}

teardown() {
	net_teardown
}

# serve46 PORT: a server for IPv4 and IPv6 clients.
serve46() {
	serve "$1" TCP6-LISTEN ipv6only=0
}

@test "text: the client's connect shows its PID, COMM, IP, addresses and ports (-s)" {
	serve46 "$PORT"
	tool_start tcpconnect -s
	cli_connect "$SRV4" "$PORT"
	wait_for_match " $PORT\$"
	stop_ok

	assert_header '^PID +COMM +IP +LADDR +RADDR +LPORT +RPORT$'
	local pid comm ip saddr daddr sport dport
	one_line_ending " $PORT" "connect lines"
	read -r pid comm ip saddr daddr sport dport <<<"$LINE"
	assert_eq "$pid" "$CLI_PID" "PID"
	assert_eq "$comm" socat "COMM"
	assert_eq "$ip" 4 "IP"
	assert_eq "$saddr" "$CLI4" "LADDR"
	assert_eq "$daddr" "$SRV4" "RADDR"
	assert_match "$sport" '^[1-9][0-9]*$' "LPORT"
}

@test "JSON: the connect has the documented keys and values" {
	serve46 "$PORT"
	tool_start tcpconnect -j -v
	cli_connect "$SRV4" "$PORT"
	wait_for_text "\"rport\":$PORT,"
	stop_ok

	assert_json_lines
	json_one rport "$PORT" "connect events"
	assert_jq "$EV" '.pid == $p and .comm == "socat" and .uid == 0' --argjson p "$CLI_PID"
	assert_jq "$EV" '.family == 4 and .laddr == $s and .raddr == $d' --arg s "$CLI4" --arg d "$SRV4"
	# socat connects without blocking: connect() returns EINPROGRESS.
	assert_jq "$EV" '(.lport | type) == "number" and .lport > 0 and (.ret == 0 or .ret == -115)'
	assert_jq "$EV" '(.cgroup_id | type) == "number"'
	assert_jq "$EV" '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}Z$")'
	assert_jq "$EV" 'has("lat_us") or has("result") | not'
}

@test "IPv6: -6 shows the IPv6 connect with its addresses, not the IPv4 one" {
	serve46 "$PORT"
	tool_start tcpconnect -6 -j -v
	cli_connect "$SRV4" "$PORT"
	cli_connect "$SRV6" "$PORT"
	local pid6=$CLI_PID
	wait_for_text "\"rport\":$PORT,"
	stop_ok

	json_one rport "$PORT" "connect events"
	assert_jq "$EV" '.family == 6 and .laddr == $s and .raddr == $d and .pid == $p' \
		--arg s "$CLI6" --arg d "$SRV6" --argjson p "$pid6"
}

@test "-4 leaves out IPv6 connects" {
	serve46 "$PORT"
	tool_start tcpconnect -4 -j -v
	cli_connect "$SRV6" "$PORT"
	cli_connect "$SRV4" "$PORT"
	local pid4=$CLI_PID
	wait_for_text "\"rport\":$PORT,"
	tool_stop
	json_one rport "$PORT" "connect events"
	assert_jq "$EV" '.family == 4 and .pid == $p' --argjson p "$pid4"
}

@test "-P shows only connects to the listed ports" {
	local other=$((PORT + 1))
	serve46 "$PORT"
	serve46 "$other"
	tool_start tcpconnect -P "$PORT,9"
	cli_connect "$SRV4" "$other"
	cli_connect "$SRV4" "$PORT"
	wait_for_match " $PORT\$"
	stop_ok
	one_line_ending " $PORT" "lines of the listed port"
	assert_eq "$(lines_ending " $other")" "" "lines of the other port"
}

@test "-c shows only connects from inside the cgroup" {
	serve46 "$PORT"
	cgroup_create
	tool_start tcpconnect -c "$CGROUP_DIR" -j -v
	cli_connect "$SRV4" "$PORT"
	local outside=$CLI_PID
	run_in_cgroup "$CGROUP_DIR" ip netns exec "$NS_CLI" socat -u OPEN:/dev/null \
		"TCP:$SRV4:$PORT,connect-timeout=5"
	wait_for_text "\"rport\":$PORT,"
	stop_ok
	json_one rport "$PORT" "connect events"
	assert_jq "$EV" '.cgroup_id == $id and .pid != $o' --argjson id "$CGROUP_ID" --argjson o "$outside"
}

@test "-u shows only that user's connects" {
	serve46 "$PORT"
	tool_start tcpconnect -u 65534 -U
	cli_connect "$SRV4" "$PORT"
	cli_run setpriv --reuid=65534 --regid=65534 --clear-groups \
		socat -u OPEN:/dev/null "TCP:$SRV4:$PORT,connect-timeout=5"
	wait_for_match " $PORT\$"
	tool_stop
	one_line_ending " $PORT" "connect lines"
	assert_match "$LINE" "^65534 +$CLI_PID +socat " "UID PID COMM"
}

@test "--count counts 5 connects of one process to one destination as 5" {
	serve46 "$PORT"
	tool_start tcpconnect --count
	# bash connects from its own process through /dev/tcp.
	cli_run bash -c 'for i in 1 2 3 4 5; do exec 3<>"/dev/tcp/$1/$2" && exec 3>&-; done' \
		_ "$SRV4" "$PORT"
	local pid=$CLI_PID
	stop_ok
	assert_header '^PID +COMM +IP +RADDR +RPORT +CONNECTS$'
	one_line_with " $PORT " "count lines"
	assert_match "$LINE" "^$pid +bash +4 +$SRV4 +$PORT +5\$" "count line"
}

@test "--count -j: one object per destination with .connects" {
	serve46 "$PORT"
	tool_start tcpconnect --count -j -v
	cli_run bash -c 'for i in 1 2 3; do exec 3<>"/dev/tcp/$1/$2" && exec 3>&-; done' \
		_ "$SRV6" "$PORT"
	tool_stop
	assert_json_lines
	json_one rport "$PORT" "count objects"
	assert_jq "$EV" '.connects == 3 and .pid == $p and .comm == "bash" and .family == 6 and .raddr == $d' \
		--argjson p "$CLI_PID" --arg d "$SRV6"
}

@test "-L: established for an open port, refused for a closed one, with latency" {
	local closed=$((PORT + 1))
	serve46 "$PORT"
	tool_start tcpconnect -L -j -v
	cli_connect "$SRV4" "$PORT"
	local ok=$CLI_PID
	cli_connect "$SRV4" "$closed" 2>/dev/null || true
	local refused=$CLI_PID
	wait_for_text "\"rport\":$closed,"
	wait_for_text "\"rport\":$PORT,"
	stop_ok
	assert_json_lines
	json_one rport "$PORT" "open port events"
	assert_jq "$EV" '.result == "established" and .error == null and .pid == $p' --argjson p "$ok"
	assert_jq "$EV" '(.lat_us | type) == "number" and .lat_us < 5000000 and .lport > 0'
	json_one rport "$closed" "closed port events"
	assert_jq "$EV" '.result == "refused" and .error == "ECONNREFUSED" and .pid == $p and .lport > 0' --argjson p "$refused"
}

@test "-L text: LAT(ms) and RESULT columns" {
	tool_start tcpconnect -L
	cli_connect "$SRV4" "$PORT" 2>/dev/null || true
	wait_for_match " refused\$"
	tool_stop
	assert_header '^PID +COMM +IP +LADDR +RADDR +RPORT +LAT\(ms\) RESULT$'
	assert_match "$(lines_ending " refused")" "^$CLI_PID +socat +4 +$CLI4 +$SRV4 +$PORT +[0-9]+\\.[0-9]{3} refused\$" "line"
}

# traced_connect ADDR PORT [PREFIX...]: bash in NS_CLI connects to ADDR:PORT
# under strace, the oracle, and the connect fails: the caller's PID, the
# errno's name and what strace decoded of the sockaddr are appended to
# TRACED (one line each: "PID PORT ERRNO ADDR"). PREFIX is a command that
# ends by exec'ing the rest, run before `ip netns exec` (which mounts a /sys
# of its own, without the cgroup2 mount). CLI_PID is PREFIX's, or ip's.
TRACED=()
traced_connect() {
	local addr=$1 port=$2 out=$BATS_TEST_TMPDIR/strace.out re line
	shift 2
	rm -f "$out"
	# shellcheck disable=SC2016 # expanded by the traced bash
	"$@" ip netns exec "$NS_CLI" strace -f -qq -e trace=connect -o "$out" \
		bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$addr" "$port" 2>/dev/null 3>&- &
	CLI_PID=$!
	sonde_track_pid "$CLI_PID"
	wait "$CLI_PID" || true
	line=$(grep -m 1 ' connect(' "$out" 2>/dev/null)
	re='^([0-9]+) +connect\(.*htons\(([0-9]+)\).*(inet_addr\("|AF_INET6, ")([^"]+)".* = -1 ([A-Z]+) '
	[[ $line =~ $re ]] || {
		sonde_fail "no failed connect() in strace's output:" "$(<"$out")"
		return 1
	}
	TRACED+=("${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[5]} ${BASH_REMATCH[4]}")
}

# unsent_connects: connects that fail before any SYN is sent, each to a port
# of its own: no route (IPv4 and IPv6), a broadcast address (TCP refuses it
# with ENETUNREACH; EACCES is UDP's answer without SO_BROADCAST), a
# cgroup/connect4 program returning 0 (EPERM), Landlock (EACCES), and no
# source port left (EADDRNOTAVAIL: the kernel moved the socket to SYN_SENT
# and back on its way). PORT+6 has a server and one connection held open.
unsent_connects() {
	require_denyconnect
	cgroup_create
	traced_connect 198.51.100.1 $((PORT + 1))
	traced_connect fd00:99::1 $((PORT + 2))
	traced_connect 192.0.2.255 $((PORT + 3))
	traced_connect "$SRV4" $((PORT + 4)) "$DENYCONNECT" cgroup "$CGROUP_DIR"
	traced_connect "$SRV4" $((PORT + 5)) "$DENYCONNECT" landlock
	ip netns exec "$NS_CLI" sysctl -qw net.ipv4.ip_local_port_range="40000 40000"
	cli_sender "$SRV4" $((PORT + 6))
	wait_established "$NS_CLI" $((PORT + 6))
	traced_connect "$SRV4" $((PORT + 6))
}

# The errno numbers of the names strace prints (Linux's, on every
# architecture sonde builds for).
declare -gA ERRNO=([EPERM]=1 [EACCES]=13 [EADDRNOTAVAIL]=99 [ENETUNREACH]=101)

# assert_traced FILTER: each connect in TRACED has one event of its PID and
# port, for which the jq FILTER is true; FILTER knows what strace saw: $a,
# the address, $e, the errno's name, and $n, its number.
assert_traced() {
	local t pid port err addr
	assert_eq "$(printf '%s\n' "${TRACED[@]}" | awk '{ print $3 }' | xargs)" \
		"ENETUNREACH ENETUNREACH ENETUNREACH EPERM EACCES EADDRNOTAVAIL" "errors strace saw"
	for t in "${TRACED[@]}"; do
		read -r pid port err addr <<<"$t"
		one_event '.pid == $p and .rport == $port' "events of $t" \
			--argjson p "$pid" --argjson port "$port"
		assert_jq "$EV" "$1" --arg a "$addr" --arg e "$err" --argjson n "${ERRNO[$err]}"
	done
}

@test "connects that fail before a SYN are shown at connect()'s return: errno and address as strace saw them" {
	serve46 $((PORT + 6))
	tool_start tcpconnect -j -v
	unsent_connects
	wait_for_text "\"rport\":$((PORT + 6)),\"addr_from\":\"kernel\",\"ret\":-99"
	stop_ok
	assert_json_lines
	# The kernel held the address only for the connect that reached
	# SYN_SENT; the others are the caller's sockaddr read at entry.
	assert_traced '.raddr == $a and .ret == -$n and .comm == "bash" and
		.addr_from == (if $e == "EADDRNOTAVAIL" then "kernel" else "entry" end)'
	one_event '.rport == $port and .ret == -99' "EADDRNOTAVAIL events" --argjson port $((PORT + 6))
	assert_jq "$EV" '.laddr == $c and .family == 4' --arg c "$CLI4"
	one_event '.rport == $port' "IPv6 events" --argjson port $((PORT + 2))
	assert_jq "$EV" '.family == 6 and .laddr == "::" and .lport == 0'
	# The held connection sent its SYN: one event, not a failure.
	one_event '.rport == $port and .ret != -99' "held connection events" --argjson port $((PORT + 6))
	assert_jq "$EV" '.ret == 0 and .addr_from == "kernel" and .lport == 40000'
}

@test "-L: connects that fail before a SYN are failed, with the error strace saw" {
	serve46 $((PORT + 6))
	tool_start tcpconnect -L -j -v
	unsent_connects
	wait_for_text "\"error\":\"EADDRNOTAVAIL\""
	stop_ok
	assert_json_lines
	assert_traced '.raddr == $a and .result == "failed" and .error == $e and
		(.lat_us | type) == "number" and .lat_us < 5000000 and (has("ret") | not)'
	one_event '.rport == $port and .result != "failed"' "held connection events" \
		--argjson port $((PORT + 6))
	assert_jq "$EV" '.result == "established"'
}

@test "-L text: a connect that failed before its SYN is failed" {
	tool_start tcpconnect -L
	traced_connect 198.51.100.1 "$PORT"
	wait_for_match " failed\$"
	tool_stop
	assert_match "$(lines_ending " failed")" \
		"^${TRACED[0]%% *} +bash +4 +0\.0\.0\.0 +198\.51\.100\.1 +$PORT +[0-9]+\.[0-9]{3} failed\$" "line"
}

# TCP Fast Open connects (sendto() with MSG_FASTOPEN) never return through
# connect(); 10300 of them, each from a thread of its own, by an
# unprivileged user.
@test "10300 TCP Fast Open connects of an unprivileged user: they and the connects after them are all shown" {
	local closed=$((PORT + 1)) i
	local -a pids=()
	serve46 "$PORT"
	tool_start tcpconnect -j -v
	cli_run "${AS_NOBODY[@]}" "$SOCKFLOOD" tfo "$SRV4" "$closed" 10300
	for i in 1 2 3 4 5; do
		cli_connect "$SRV4" "$PORT"
		pids+=("$CLI_PID")
	done
	wait_for_text "\"pid\":${pids[4]},"
	stop_ok
	assert_eq "$(json_rport "$PORT" | jq -s -c 'map(.pid)')" \
		"$(printf '%s\n' "${pids[@]}" | jq -s -c .)" "PIDs of the connects to port $PORT"
	# Each Fast Open connect is shown when its handshake ends: refused
	# (ECONNREFUSED), or closed by the flood first (ECONNABORTED).
	assert_eq "$(json_rport "$closed" |
		jq -s 'map(select(.uid == 65534 and (.ret == -111 or .ret == -103))) | length')" \
		10300 "Fast Open connects shown"
	assert_eq "$(grep -c lost "$TOOL_ERR")" 0 "lines about lost events"
}

# io_uring's IORING_OP_CONNECT runs the connect in io_uring_enter(), or in an
# io_uring worker thread of the process (IOSQE_ASYNC): never in connect().
@test "io_uring: connects submitted through io_uring are shown, with their process and result" {
	local closed=$((PORT + 1)) inline async refused
	require_uring
	serve46 "$PORT"
	tool_start tcpconnect -j -v
	cli_run "$URING" connect "$SRV4" "$PORT"
	inline=$CLI_PID
	cli_run "$URING" connect "$SRV4" "$PORT" async
	async=$CLI_PID
	cli_run "${AS_NOBODY[@]}" "$URING" connect "$SRV4" "$closed"
	refused=$CLI_PID
	wait_for_text "\"rport\":$closed,"
	stop_ok
	json_first rport "$PORT" '.pid == $p' --argjson p "$inline"
	assert_jq "$EV" '.ret == 0 and .laddr == $c and .raddr == $s and .lport > 0 and .comm == "uring"' \
		--arg c "$CLI4" --arg s "$SRV4"
	json_first rport "$PORT" '.pid == $p' --argjson p "$async"
	# The worker thread's name is the kernel's: iou-wrk-<pid>.
	assert_jq "$EV" '.ret == 0 and (.comm | startswith("iou-wrk-"))'
	json_one rport "$closed" "refused connects"
	assert_jq "$EV" '.pid == $p and .uid == 65534 and .ret == -111' --argjson p "$refused"
}

@test "bad values exit 2 with one line naming the option" {
	local v
	for v in 0 70000 80, ,80 8o "" "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17"; do
		tool_run_bounded 10 tcpconnect -P "$v"
		assert_eq "$status" 2 "exit status of -P '$v'"
		assert_match "$stderr" "^tcpconnect: .*-P/--port" "message for -P '$v'"
	done
	tool_run_bounded 10 tcpconnect -4 -6
	assert_eq "$status" 2 "exit status of -4 -6"
	tool_run_bounded 10 tcpconnect --count -L
	assert_eq "$status" 2 "exit status of --count -L"
}

@test "nothing is left attached after SIGINT" {
	tool_start tcpconnect -L
	stop_ok
	assert_detached handle_set_sta handle_exit_con
}

@test "tcpconnect -j | head -n1 exits 0 with nothing on stderr" {
	serve46 "$PORT"
	assert_head_ends tcpconnect -P "$PORT" -- cli_connect "$SRV4" "$PORT"
	assert_jq "$HEAD_LINE" '.rport == $p' --argjson p "$PORT"
}
