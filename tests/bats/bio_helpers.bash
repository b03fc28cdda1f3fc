# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Block devices of a test's own for the block I/O tools, loaded after
# helpers: loop devices over files in the test's directory, detached in
# the test's teardown (loop_teardown) even when it fails.

LOOPS=()
LOOP_SCHEDS=()

# loop_create [SCHEDULER]: a new loop device of LOOP_SIZE (16M), its name (loopN)
# appended to LOOPS; with SCHEDULER (mq-deadline), its I/O scheduler, so
# that requests are inserted into a queue before their issue (with none,
# the default, a loop device issues them directly).
loop_create() {
	local file dev sched=${1:-}
	file=$(mktemp "$BATS_TEST_TMPDIR/disk.XXXXXX")
	truncate -s "${LOOP_SIZE:-16M}" "$file"
	dev=$(losetup -f --show "$file") || {
		sonde_fail "losetup: no loop device for $file"
		return 1
	}
	LOOPS+=("${dev#/dev/}")
	if [[ -z $sched ]]; then
		LOOP_SCHEDS+=("")
		return 0
	fi
	LOOP_SCHEDS+=("$(sed -n 's/.*\[\(.*\)\].*/\1/p' "/sys/block/${dev#/dev/}/queue/scheduler")")
	echo "$sched" >"/sys/block/${dev#/dev/}/queue/scheduler"
}

# loop_teardown: detach the test's loop devices, their schedulers as they
# were (a loop device's outlives its file).
loop_teardown() {
	local i
	for ((i = 0; i < ${#LOOPS[@]}; i++)); do
		[[ -z ${LOOP_SCHEDS[i]:-} ]] ||
			echo "${LOOP_SCHEDS[i]}" >"/sys/block/${LOOPS[i]}/queue/scheduler" || true
		losetup -d "/dev/${LOOPS[i]}" 2>/dev/null || true
	done
	LOOPS=()
	LOOP_SCHEDS=()
}

# loop_stat DEV FIELD: field FIELD (1-based) of /sys/block/DEV/stat: 1 reads
# completed, 5 writes, 12 discards, 16 flushes.
loop_stat() {
	local -a f
	read -r -a f <"/sys/block/$1/stat"
	echo "${f[$2 - 1]:-0}"
}

# loop_done DEV: the requests DEV completed, as the kernel counts them.
loop_done() {
	echo $(($(loop_stat "$1" 1) + $(loop_stat "$1" 5) + $(loop_stat "$1" 12) + $(loop_stat "$1" 16)))
}

# loop_io DEV WRITES READS: WRITES direct writes of 4 KiB to DEV, then READS
# direct reads of 4 KiB: one request each.
loop_io() {
	local dev=/dev/$1
	(($2)) && dd if=/dev/zero of="$dev" bs=4k count="$2" oflag=direct status=none
	(($3)) && dd if="$dev" of=/dev/null bs=4k count="$3" iflag=direct status=none
	return 0
}
