#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# tcprtt against the real kernel, as root, between two network namespaces
# of the test's own (tests/bats/net_helpers.bash): over their veth pair, and
# over a link with a known delay where the kernel has no netem (tundelay.py:
# a tun device in each namespace, 20 ms one way). The oracle is ss -ti's
# rtt: for the same socket, and the delay itself.
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/tcprtt.bats

load helpers
load net_helpers

# The delayed link's ends (TEST-NET-2, only between the two namespaces).
TUN_SRV=198.51.100.1
TUN_CLI=198.51.100.2

setup() {
	net_setup tcprtt python3
}

teardown() {
	net_teardown
}

# delay_link MS: the delayed link between NS_CLI and NS_SRV, MS milliseconds
# from the client to the server. Waits (bounded) until it is up.
delay_link() {
	local out=$BATS_TEST_TMPDIR/tundelay.out start=$EPOCHREALTIME pid
	: >"$out"
	"$BATS_TEST_DIRNAME/tundelay.py" "$NS_CLI" "$TUN_CLI" "$NS_SRV" "$TUN_SRV" "$1" \
		>"$out" 2>&1 3>&- &
	pid=$!
	sonde_track_pid "$pid"
	until [[ $(<"$out") == ready* ]]; do
		if ! sonde_pid_alive "$pid" || _sonde_deadline_passed "$start" "$SONDE_WAIT_S"; then
			sonde_fail "the delayed link did not come up:" "$(<"$out")"
			return 1
		fi
		sonde_nap
	done
}

# rtt_client ADDR N: in the background (CLI_PID), a client in NS_CLI that
# connects to ADDR:PORT, sends N lines 50 ms apart, writes "sent" to
# $BATS_TEST_TMPDIR/sent and keeps the connection for up to 20 s (until
# teardown), inside CLIENT_CGROUP when that is set.
rtt_client() {
	: >"$BATS_TEST_TMPDIR/sent"
	(
		[[ -z ${CLIENT_CGROUP:-} ]] || echo "$BASHPID" >"$CLIENT_CGROUP/cgroup.procs"
		# shellcheck disable=SC2016 # expanded by the client's bash
		exec ip netns exec "$NS_CLI" bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1
			for ((i = 0; i < $2; i++)); do echo line $i >&3; sleep 0.05; done
			echo sent >"$3"; read -r -t 20 _ <&3' "$1" "$PORT" "$2" "$BATS_TEST_TMPDIR/sent"
	) 3>&- &
	CLI_PID=$!
	sonde_track_pid "$CLI_PID"
}

# ss_rtt_us: ss -ti's smoothed RTT of the client's connection to PORT, in µs.
ss_rtt_us() {
	local ms
	ms=$(ip netns exec "$NS_CLI" ss -Htin state established "dport = :$PORT" |
		grep -oE '(^| )rtt:[0-9.]+' | head -n 1 | cut -d: -f2)
	[[ -n $ms ]] || sonde_fail "ss -ti shows no rtt for the connection to port $PORT"
	jq -n --argjson ms "$ms" '$ms * 1000 | round'
}

@test "JSON: the RTT of a flow over a 20 ms link agrees with ss -ti's (within 10 %) and with the delay" {
	delay_link 20
	serve "$PORT"
	tool_start tcprtt -A -r "$PORT" -j -v
	rtt_client "$TUN_SRV" 40
	wait_for_text sent "$BATS_TEST_TMPDIR/sent"
	local ss_us
	ss_us=$(ss_rtt_us)
	stop_ok
	assert_json_lines
	one_event '.raddr == $s' "histograms of the server's address" --arg s "$TUN_SRV"
	assert_jq "$EV" '.count >= 20 and .unit == "us" and (.buckets | length) >= 1'
	# srtt over the link: the 20 ms delay, plus the relay's own time (a
	# Python process: 0.2 to 3.2 ms measured here, more when the machine
	# is busy).
	assert_jq "$EV" '.avg_us >= 20000 and .avg_us <= 25000'
	assert_jq "$EV" '(.avg_us - $ss | fabs) <= $ss * 0.1' --argjson ss "$ss_us"
	# The median is a bucket's middle: within 12.5 % (docs/tcprtt.md).
	assert_jq "$EV" '(.p50_us - .avg_us | fabs) <= .avg_us * 0.125'
	assert_eq "$(jq -s 'length' "$TOOL_OUT")" 1 "histograms with -r (the server's end has another)"
}

@test "text: -a -l: a histogram of the server's local address, in milliseconds" {
	delay_link 20
	serve "$PORT"
	tool_start tcprtt -v -a -l "$PORT" -m
	rtt_client "$TUN_SRV" 20
	wait_for_text sent "$BATS_TEST_TMPDIR/sent"
	stop_ok
	assert_match "$(sed -n 1p "$TOOL_OUT")" '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "time line"
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^LADDR +COUNT +AVG +P50 +P90 +P99 +MAX +UNIT$' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" "^$TUN_SRV +[0-9]+ +2[0-9]\\.[0-9] .* ms\$" "row"
	assert_match "$(sed -n 4p "$TOOL_OUT")" '^ +RANGE +COUNT DISTRIBUTION$' "buckets' header"
	assert_eq "$(grep -cE '^[0-9]' "$TOOL_OUT")" 1 "rows with -l (the client's end has another)"
}

@test "IPv6 over the veth pair: -6 -A keys by the IPv6 address; -4 leaves it out" {
	serve "$PORT" TCP6-LISTEN
	tool_start tcprtt -6 -A -r "$PORT" -j -v
	rtt_client "$SRV6" 10
	wait_for_text sent "$BATS_TEST_TMPDIR/sent"
	stop_ok
	one_event '.raddr == $s' "histograms of the server's address" --arg s "$SRV6"
	assert_jq "$EV" '.count >= 5 and .avg_us > 0'

	tool_start tcprtt -4 -A -r "$PORT" -j -v
	rtt_client "$SRV6" 5
	wait_for_text sent "$BATS_TEST_TMPDIR/sent"
	stop_ok
	assert_eq "$(jq -c 'select(.count > 0)' "$TOOL_OUT")" "" "histograms with -4"
}

@test "--by-cgroup: the client's socket is counted under the cgroup it was made in" {
	serve "$PORT"
	cgroup_create
	CLIENT_CGROUP=$CGROUP_DIR
	tool_start tcprtt --by-cgroup -r "$PORT" -j -v
	rtt_client "$SRV4" 10
	wait_for_text sent "$BATS_TEST_TMPDIR/sent"
	stop_ok
	one_event '.cgroup_id == $id' "histograms of the cgroup" --argjson id "$CGROUP_ID"
	assert_jq "$EV" '.count >= 5 and .cgroup == $rel' --arg rel "$CGROUP_REL"
	assert_eq "$(jq -s 'length' "$TOOL_OUT")" 1 "histograms with -r"
}

# The client's PID is known before it runs (target_start), so that its
# socket's owner is seen when it connects.
@test "-p: only the sockets the process owns (the client's, not the server's)" {
	serve "$PORT"
	target_start ip netns exec "$NS_CLI" bash -c \
		'exec 3<>"/dev/tcp/$0/$1" && for i in 1 2 3 4 5 6; do echo x >&3; sleep 0.05; done' \
		"$SRV4" "$PORT"
	tool_start tcprtt -p "$TARGET" -A -j -v
	target_go
	stop_ok
	assert_jq "$(jq -sc . "$TOOL_OUT")" 'length == 1 and .[0].raddr == $s and .[0].count >= 3' \
		--arg s "$SRV4"
}

@test "interval and count: a histogram each second, empty ones too, then exit 0 by itself" {
	assert_reports 2 2 tcprtt -l 1 1 2
	assert_jq "$(tail -n 1 <<<"$output")" '.count == 0 and .buckets == [] and .unit == "us"'
}

@test "tcprtt -j 1 | head -n1 exits 0 with nothing on stderr" {
	assert_head_ends tcprtt 1 --
}

@test "bad values exit 2 naming the option and the value" {
	local v
	for v in 0 65536 x 1,,2; do
		assert_bad_value tcprtt -l/--lport "$v" -l "$v"
		assert_bad_value tcprtt -r/--rport "$v" -r "$v"
	done
	assert_usage_error tcprtt "exclude each other" -a -A
	assert_usage_error tcprtt "exclude each other" -A --by-cgroup
	assert_bad_value tcprtt -i/--interval 0 -i 0
	assert_usage_error tcprtt "" -6 -4
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help tcprtt -a -A -l -r -m --by-cgroup --fine
	assert_unprivileged_exit tcprtt
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start tcprtt -v -p $$ 1
	stop_ok INT
	assert_detached handle_probe handle_owner_st handle_owner_ac
}
