#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# softirqs against the real kernel, as root. The workload is 500 UDP
# datagrams sent over the loopback of a network namespace of the test's
# own, each received in a run of the NET_RX softirq; the oracle is the
# kernel's own count of each vector's runs, /proc/softirqs.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/softirqs.bats

load helpers
load irq_helpers

# Names of softirqs' BPF programs, cut to the 15 characters bpftool may show.
SOFTIRQS_PROGS=(handle_softirq_ handle_softirq_)

setup() {
	require_tool softirqs
	require_cmd jq unshare ip
}

teardown() {
	sonde_teardown
}

# softirq_counts: "NAME RUNS" for each vector of /proc/softirqs, its CPUs'
# counts added, its name in lower case as softirqs writes it.
softirq_counts() {
	awk 'NR > 1 { n = 0; for (i = 2; i <= NF; i++) n += $i; sub(":", "", $1); print tolower($1), n }' \
		/proc/softirqs
}

# net_rx: 500 datagrams to the discard port of a new namespace's loopback
# (the namespace goes with its last process), each received in NET_RX.
net_rx() {
	unshare -n bash -c 'ip link set lo up && for ((i = 0; i < 500; i++)); do echo x >/dev/udp/127.0.0.1/9; done' 3>&-
}

@test "--count: each vector's runs are /proc/softirqs' over the run, NET_RX moved by the datagrams" {
	irq_window softirq_counts net_rx softirqs --count
	assert_json_lines
	irq_check softirq 500 net_rx
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.[]; .count > 0 and .total_us >= 0)'
}

@test "-D -N: a histogram per vector, its buckets adding up to its runs, in nanoseconds" {
	irq_window softirq_counts net_rx softirqs -D -N
	irq_check softirq 500 net_rx
	assert_jq "$(jq -s . "$TOOL_OUT")" \
		'all(.[]; .unit == "ns" and ([.buckets[].count] | add) == .count and .max_ns >= .p99_ns)'
	# Receiving a datagram takes microseconds, not nothing nor a tick.
	assert_jq "$(jq -s . "$TOOL_OUT")" \
		'any(.[]; .softirq == "net_rx" and .count >= 500 and .avg_ns > 100 and .avg_ns < 1000000)'
}

@test "text: the time per vector by default, the runs with --count" {
	tool_start softirqs -v
	net_rx
	stop_ok
	assert_match "$(sed -n 1p "$TOOL_OUT")" '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "block time"
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^SOFTIRQ +TOTAL\(us\)$' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" '^[a-z_]+ +[0-9]+$' "row"

	tool_start softirqs -v --count
	net_rx
	stop_ok
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^SOFTIRQ +COUNT$' "header"
	assert_match "$(grep '^net_rx ' "$TOOL_OUT")" '^net_rx +([5-9][0-9][0-9]|[0-9]{4,})$' "net_rx row"
}

@test "-i 1 -d 2: a report each second, the rest of the last one at the end" {
	irq_reports_each_second softirqs
}

@test "bad values exit 2 naming the option and the value" {
	assert_usage_error softirqs "give -D too" --fine
	assert_usage_error softirqs "exclude each other" -N -m
	assert_bad_value softirqs -i/--interval x -i x
	assert_bad_value softirqs "expected [interval [count]]" 3 1 2 3
	assert_bad_value softirqs -p/--pid 0 -p 0
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help softirqs --count -D -N --fine
	assert_unprivileged_exit softirqs
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start softirqs -v 1
	stop_ok INT
	assert_detached "${SOFTIRQS_PROGS[@]}"
}
