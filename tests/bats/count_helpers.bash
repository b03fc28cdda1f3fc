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

# assert_bad_value TOOL OPTION VALUE ARGS...: TOOL ARGS exits 2, prints
# nothing on stdout and one line on stderr naming OPTION and 'VALUE'.
assert_bad_value() {
	local tool=$1 opt=$2 val=$3
	shift 3
	tool_run_bounded 10 "$tool" "$@"
	assert_eq "$status" 2 "exit status of $tool $*"
	assert_eq "$output" "" "stdout of $tool $*"
	assert_one_line "$stderr" "stderr of $tool $*"
	[[ $stderr == "$tool: "* && $stderr == *"$opt"* && $stderr == *"'$val'"* ]] ||
		sonde_fail "stderr does not name $opt and '$val': $stderr"
}

# assert_head_ends TOOL ARGS...: `TOOL ARGS | head -n 1` ends (bounded) with
# both exit statuses 0, one line through head and nothing on TOOL's stderr.
assert_head_ends() {
	local tool=$1 out=$BATS_TEST_TMPDIR/head.out err=$BATS_TEST_TMPDIR/head.err
	local st=$BATS_TEST_TMPDIR/head.status tool_rc head_rc
	shift
	require_bpf "$tool"
	(
		timeout -s KILL 20 "$SONDE_BIN/$tool" "$@" 2>"$err" | head -n 1 >"$out"
		echo "${PIPESTATUS[*]}" >"$st"
	) 3>&-
	read -r tool_rc head_rc <"$st"
	assert_eq "$tool_rc" 0 "$tool's exit status"
	assert_eq "$head_rc" 0 "head's exit status"
	assert_eq "$(<"$err")" "" "$tool's stderr"
	assert_eq "$(wc -l <"$out")" 1 "lines head printed"
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
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"
	OUT=$(<"$TOOL_OUT")
}

# block_count FILTER: from the tool's JSON output (one object per interval),
# the sum over all intervals of the numbers FILTER yields from each object
# (0 when none).
block_count() {
	jq -s "[.[] | $1] | add // 0" "$TOOL_OUT"
}
