#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# hardirqs against the real kernel, as root. The workload is disk reads
# that bypass the page cache (O_DIRECT), each completed by an interrupt of
# the disk's queue; the oracle is the kernel's own count of each interrupt
# line, /proc/interrupts.
#
#	SONDE_BIN=$PWD/build/bin SONDE_BUILD=$PWD/build bats tests/bats/hardirqs.bats

load helpers
load irq_helpers

# Names of hardirqs' BPF programs, cut to the 15 characters bpftool may show.
HARDIRQS_PROGS=(handle_irq_entr handle_irq_exit)

setup() {
	require_tool hardirqs
	require_cmd jq dd
}

teardown() {
	sonde_teardown
}

# irq_counts: "NAME CALLS" for each numbered line of /proc/interrupts with
# one handler (a shared line lists its handlers with commas), its CPUs'
# counts added; names the tool would cut (31 bytes and more) left out.
irq_counts() {
	awk 'NR == 1 { ncpu = NF; next }
	     $1 ~ /^[0-9]+:$/ && !/,/ && length($NF) < 32 {
		n = 0; for (i = 2; i <= ncpu + 1; i++) n += $i; print $NF, n }' /proc/interrupts
}

# disk_irqs: 512 reads of 4 KiB that bypass the page cache, each one a
# request the disk completes with an interrupt (512 here, on virtio1-req.0).
disk_irqs() {
	local f
	f=$(mktemp /var/tmp/sonde-hardirqs.XXXXXX)
	SONDE_PATHS+=("$f")
	dd if=/dev/urandom of="$f" bs=1M count=2 conv=fsync status=none
	dd if="$f" of=/dev/null bs=4k iflag=direct status=none
}

# disk_irqs_small: 16 direct reads of 4 KiB, each an interrupt of the disk
# (the file on the disk disk_irqs uses, made before: this runs in the
# background).
disk_irqs_small() {
	dd if="$SMALL_FILE" of=/dev/null bs=4k iflag=direct status=none
}

@test "--count: each handler's calls are /proc/interrupts' for its line over the run" {
	irq_window irq_counts disk_irqs hardirqs --count
	assert_json_lines
	irq_check hardirq 400
	assert_jq "$(jq -s . "$TOOL_OUT")" 'all(.[]; .count > 0 and .total_us >= 0)'
}

@test "-D -N: a histogram per handler, its buckets adding up to its calls, in nanoseconds" {
	irq_window irq_counts disk_irqs hardirqs -D -N
	irq_check hardirq 400
	assert_jq "$(jq -s . "$TOOL_OUT")" \
		'all(.[]; .unit == "ns" and ([.buckets[].count] | add) == .count and .max_ns >= .p99_ns)'
	# A handler that completes a disk request runs for microseconds, not
	# for nothing nor for a scheduler tick.
	assert_jq "$(jq -s . "$TOOL_OUT")" 'any(.[]; .count >= 400 and .avg_ns > 100 and .avg_ns < 1000000)'
}

@test "text: the time per handler by default, the calls with --count" {
	tool_start hardirqs -v
	disk_irqs
	stop_ok
	assert_match "$(sed -n 1p "$TOOL_OUT")" '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "block time"
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^HARDIRQ +TOTAL\(us\)$' "header"
	assert_match "$(sed -n 3p "$TOOL_OUT")" '^[^ ]+ +[0-9]+$' "row"

	tool_start hardirqs -v --count
	disk_irqs
	stop_ok
	assert_match "$(sed -n 2p "$TOOL_OUT")" '^HARDIRQ +COUNT$' "header"
	# The busiest first: the disk's 512 completions.
	assert_match "$(sed -n 3p "$TOOL_OUT")" '^[^ ]+ +([5-9][0-9][0-9]|[0-9]{4,})$' "row"
}

@test "-i 1 -d 2: a report each second, the rest of the last one at the end" {
	SMALL_FILE=$(mktemp /var/tmp/sonde-hardirqs.XXXXXX)
	SONDE_PATHS+=("$SMALL_FILE")
	dd if=/dev/urandom of="$SMALL_FILE" bs=64k count=1 conv=fsync status=none
	irq_reports_each_second hardirqs disk_irqs_small
}

@test "bad values exit 2 naming the option and the value" {
	assert_usage_error hardirqs "give -D too" --fine
	assert_usage_error hardirqs "exclude each other" -N -m
	assert_bad_value hardirqs -i/--interval x -i x
	assert_bad_value hardirqs interval 0 0
	assert_bad_value hardirqs count 0 1 0
	assert_bad_value hardirqs "expected [interval [count]]" 3 1 2 3
	assert_bad_value hardirqs -p/--pid 0 -p 0
}

@test "-h ends with the examples; -V; unprivileged it exits 3" {
	assert_help hardirqs --count -D -N --fine
	assert_unprivileged_exit hardirqs
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start hardirqs -v 1
	stop_ok INT
	assert_detached "${HARDIRQS_PROGS[@]}"
}
