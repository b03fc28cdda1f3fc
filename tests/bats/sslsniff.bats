#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# sslsniff against the real kernel, as root: openssl s_server and s_client
# (a self-signed certificate the test makes) on 127.0.0.1, and curl, send
# known lines over TLS; the plaintext each side sent appears once, in
# order, on the right PIDs.
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/sslsniff.bats

load helpers
load workloads

setup() {
	require_tool sslsniff
	require_cmd jq openssl curl
	MARK=sonde-ssl-$$-$BATS_TEST_NUMBER
	D=$BATS_TEST_TMPDIR
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/key.pem" -out "$D/cert.pem" \
		-subj /CN=localhost -days 1 2>/dev/null
	PORT=$(free_port)
}

teardown() {
	sonde_teardown
}

# server: openssl s_server on 127.0.0.1:PORT for one connection (SRV_PID),
# which sends what is written to fd SRV_IN and prints what it reads to
# $D/server.out. Waits (bounded) until it listens.
server() {
	local i
	mkfifo "$D/server.in"
	openssl s_server -accept "127.0.0.1:$PORT" -cert "$D/cert.pem" -key "$D/key.pem" \
		-naccept 1 -quiet <"$D/server.in" >"$D/server.out" 2>&1 3>&- &
	SRV_PID=$!
	sonde_track_pid "$SRV_PID"
	exec {SRV_IN}>"$D/server.in"
	for ((i = 0; i < 500; i++)); do
		loopback_listens "$PORT" && return 0
		sonde_nap 0.01
	done
	sonde_fail "openssl s_server does not listen on $PORT"
}

# client: openssl s_client to it (CLI_PID), sending what is written to fd
# CLI_IN, printing what it reads to $D/client.out; it ends when CLI_IN closes.
client() {
	mkfifo "$D/client.in"
	openssl s_client -connect "127.0.0.1:$PORT" -quiet -no_ign_eof <"$D/client.in" \
		>"$D/client.out" 2>/dev/null 3>&- &
	CLI_PID=$!
	sonde_track_pid "$CLI_PID"
	exec {CLI_IN}>"$D/client.in"
}

# wait_file TEXT FILE: FILE has a line with TEXT. Bounded.
wait_file() {
	local start=$EPOCHREALTIME
	until grep -qF -- "$1" "$2" 2>/dev/null; do
		_sonde_deadline_passed "$start" "$SONDE_WAIT_S" && sonde_fail "'$1' never in $2"
		sonde_nap
	done
}

# exchange: the client sends two lines, the server answers one, the client
# closes.
exchange() {
	printf '%s\n' "client-$MARK-1" >&"$CLI_IN"
	wait_file "client-$MARK-1" "$D/server.out"
	printf '%s\n' "server-$MARK" >&"$SRV_IN"
	wait_file "server-$MARK" "$D/client.out"
	printf '%s\n' "client-$MARK-2" >&"$CLI_IN"
	wait_file "client-$MARK-2" "$D/server.out"
	exec {CLI_IN}>&-
	wait "$CLI_PID" || :
	exec {SRV_IN}>&-
	wait "$SRV_PID" || :
}

# The events that carry TEXT in their data.
with_data() {
	jq -c --arg t "$1" 'select(.data | contains($t))' "$TOOL_OUT"
}

@test "s_server started before, s_client after: each line once, in order, on the sender's and the reader's PIDs" {
	server
	tool_start sslsniff -j -v
	client
	exchange
	wait_for_text "client-$MARK-2"
	stop_ok
	assert_json_lines
	local w r
	# Each line is written once by its sender and read once by the other.
	w=$(with_data "client-$MARK-1" | jq -sc 'map(select(.rw == "W"))')
	r=$(with_data "client-$MARK-1" | jq -sc 'map(select(.rw == "R"))')
	assert_jq "$w" 'length == 1 and .[0].pid == $p and .[0].data == $d and .[0].len == ($d | length)' \
		--argjson p "$CLI_PID" --arg d "client-$MARK-1"$'\n'
	assert_jq "$r" 'length == 1 and .[0].pid == $p and .[0].data == $d' \
		--argjson p "$SRV_PID" --arg d "client-$MARK-1"$'\n'
	w=$(with_data "server-$MARK" | jq -sc 'map(select(.rw == "W"))')
	r=$(with_data "server-$MARK" | jq -sc 'map(select(.rw == "R"))')
	assert_jq "$w" 'length == 1 and .[0].pid == $p' --argjson p "$SRV_PID"
	assert_jq "$r" 'length == 1 and .[0].pid == $p' --argjson p "$CLI_PID"
	# In order: the client's writes as it made them.
	assert_eq "$(jq -r --argjson p "$CLI_PID" 'select(.pid == $p and .rw == "W") | .data' "$TOOL_OUT" |
		grep -c "$MARK")" 2 "client writes"
	assert_eq "$(jq -r --argjson p "$CLI_PID" 'select(.pid == $p and .rw == "W") | .data' "$TOOL_OUT" |
		grep "$MARK" | tr '\n' ' ')" "client-$MARK-1 client-$MARK-2 " "client writes in order"
	assert_jq "$(with_data "client-$MARK-1" | head -n 1)" \
		'.func | IN("SSL_write", "SSL_write_ex", "SSL_read", "SSL_read_ex")'
}

@test "curl -k https://127.0.0.1:PORT/: its request once, on its PID" {
	openssl s_server -accept "127.0.0.1:$PORT" -cert "$D/cert.pem" -key "$D/key.pem" \
		-naccept 1 -www -quiet </dev/null >/dev/null 2>&1 3>&- &
	sonde_track_pid "$!"
	local i
	for ((i = 0; i < 500; i++)); do
		loopback_listens "$PORT" && break
		sonde_nap 0.01
	done
	tool_start sslsniff -j -v
	curl -sk -A "$MARK" "https://127.0.0.1:$PORT/" >/dev/null 3>&- &
	local curl_pid=$!
	wait "$curl_pid"
	wait_for_text "User-Agent: $MARK"
	stop_ok
	one_event '.rw == "W" and (.data | contains("User-Agent: " + $m))' "curl's requests" --arg m "$MARK"
	assert_jq "$EV" '.pid == $p and .comm == "curl" and (.data | startswith("GET / HTTP/1.1\r\n"))' \
		--argjson p "$curl_pid"
}

@test "text escapes every byte; --hexdump and --raw show them exactly; --no-data none" {
	server
	tool_start sslsniff -v
	client
	printf 'a\033[31mb\001\n' >&"$CLI_IN"
	wait_file "b" "$D/server.out"
	printf '%s\n' "server-$MARK" >&"$SRV_IN"
	wait_file "server-$MARK" "$D/client.out"
	wait_for_text "server-$MARK"
	stop_ok
	assert_header '^PID +COMM +FUNC +RW +LEN +LAT\(ms\) +DATA$'
	assert_absent $'\e'
	assert_match "$(grep -F 'a\x1b[31mb\x01\x0a' "$TOOL_OUT" | head -n 1)" \
		"^$CLI_PID +openssl +SSL_write(_ex)? +W +9 +[0-9.]+ a" "client's write"
	exec {CLI_IN}>&- {SRV_IN}>&-

	rm -f "$D/server.in" "$D/client.in"
	PORT=$(free_port)
	server
	tool_start sslsniff -j -v --hexdump --max-bytes 3
	client
	printf 'xyz-%s\n' "$MARK" >&"$CLI_IN"
	wait_file "xyz-$MARK" "$D/server.out"
	wait_for_text '"data":"78797a"'
	stop_ok
	assert_jq "$(jq -sc --argjson p "$CLI_PID" 'map(select(.pid == $p and .rw == "W"))[0]' "$TOOL_OUT")" \
		'.data == "78797a" and .truncated == true and .len > 3'
	exec {CLI_IN}>&- {SRV_IN}>&-

	rm -f "$D/server.in" "$D/client.in"
	PORT=$(free_port)
	server
	tool_start sslsniff -j -v --raw --comm openssl
	client
	printf 'xyz\n' >&"$CLI_IN"
	wait_file "xyz" "$D/server.out"
	wait_for_text '"data":"eHl6Cg=="'
	stop_ok
	exec {CLI_IN}>&- {SRV_IN}>&-

	rm -f "$D/server.in" "$D/client.in"
	PORT=$(free_port)
	server
	tool_start sslsniff -j -v --no-data -p "$SRV_PID"
	client
	printf 'xyz\n' >&"$CLI_IN"
	wait_file "xyz" "$D/server.out"
	wait_for_text '"len":4,'
	stop_ok
	assert_jq "$(jq -sc . "$TOOL_OUT")" 'all(.pid == $p and .data == null and .truncated == null)' --argjson p "$SRV_PID"
}

@test "it refuses to run without CAP_SYS_ADMIN, and says so in --help" {
	assert_help sslsniff --comm --hexdump --raw --max-bytes --no-data
	tool_run_bounded 10 sslsniff --help
	[[ $output == *"refuses to run without root or CAP_SYS_ADMIN"* ]] || sonde_fail "--help: $output"
	assert_unprivileged_exit sslsniff
	local st
	st=$(timeout 10 setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin "$SONDE_BIN/sslsniff" -d 1 2>&1 >/dev/null) &&
		sonde_fail "ran without CAP_SYS_ADMIN"
	[[ $st == "sslsniff: not permitted to load BPF programs: this process lacks CAP_SYS_ADMIN"* ]] ||
		sonde_fail "stderr without CAP_SYS_ADMIN: $st"
}

@test "bad values exit 2 naming the option and the value" {
	assert_bad_value sslsniff --max-bytes 0 --max-bytes 0
	assert_bad_value sslsniff --max-bytes 513 --max-bytes 513
	assert_usage_error sslsniff "exclude each other" --hexdump --raw
}

@test "nothing is left attached after SIGINT" {
	tool_start sslsniff -v
	stop_ok
	assert_detached handle_ssl_re handle_return
}
