# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Helpers for the tests of the syscall counting tools (syscount,
# cgsyscount), loaded after helpers:
#
#	load helpers
#	load count_helpers
#	setup()    { require_tool syscount; require_sysloop; }
#	teardown() { sonde_teardown; }
#
# The workload is tests/helpers/sysloop (built with the tests), which makes
# exactly N calls of one syscall: the ground truth the counts are held to,
# together with what perf counts on the syscall's tracepoint.

SONDE_BUILD=${SONDE_BUILD:-$BATS_TEST_DIRNAME/../../build}
SYSLOOP=$SONDE_BUILD/tests/sysloop

# require_sysloop: the workload helper is built (same policy as require_tool).
require_sysloop() {
	[[ -x $SYSLOOP ]] || _sonde_cannot_run "$SYSLOOP is not built (set SONDE_BUILD)"
}

# perf_sysloop DIR OUT SYSCALL N: in cgroup DIR, sysloop makes N calls of
# SYSCALL under `perf stat`, counting the tracepoint syscalls:sys_enter_SYSCALL;
# the count goes to the file OUT.
perf_sysloop() {
	local dir=$1 out=$2 sc=$3 n=$4
	run_in_cgroup "$dir" perf stat -x, -e "syscalls:sys_enter_$sc" -o "$out.perf" -- \
		"$SYSLOOP" "$sc" "$n"
	# CSV: count,unit,event,...
	awk -F, -v ev="syscalls:sys_enter_$sc" '$3 == ev { print $1 }' "$out.perf" >"$out"
	assert_match "$(<"$out")" '^[0-9]+$' "perf's count of $sc"
}

# in_cgroup_bg DIR CMD [ARGS...]: like run_in_cgroup, in the background,
# with CMD's PID in $BG_PID (tracked for teardown).
in_cgroup_bg() {
	local dir=$1
	shift
	(
		echo "$BASHPID" >"$dir/cgroup.procs" || exit 126
		exec "$@"
	) &
	BG_PID=$!
	sonde_track_pid "$BG_PID"
}

# stop_read: stop the tool (SIGINT), require exit status 0, and read its
# stdout into $OUT.
stop_read() {
	stop_ok
	OUT=$(<"$TOOL_OUT")
}

# block_count FILTER: from the tool's JSON output (one object per interval),
# the sum over all intervals of the numbers FILTER yields from each object
# (0 when none).
block_count() {
	jq -s "[.[] | $1] | add // 0" "$TOOL_OUT"
}
