# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Helpers shared by the tests of the tools that trace syscalls naming a path
# (opensnoop.bats, statsnoop.bats). Load after helpers:
#
#	load helpers
#	load path_helpers

# A file name with a newline, a CSI escape sequence and a byte of invalid
# UTF-8, and how each output writes it.
HOSTILE_NAME=$'-nl\nx-\e[31mred-\xff'
HOSTILE_TEXT='-nl\x0ax-\x1b[31mred-\xff'
HOSTILE_JSON=$'-nl\nx-\e[31mred-\xc3\xbf'

# path_setup TOOL: what every test starts from: the tool is built, the
# commands the tests use are there, and a marker file MFILE (named MARK) in
# the test's own directory DIR, whose physical path is DIR too.
path_setup() {
	require_tool "$1"
	require_cmd jq bpftool setpriv timeout python3
	MARK=sonde-marker-$$-$BATS_TEST_NUMBER-$RANDOM
	DIR=$(cd "$BATS_TEST_TMPDIR" && pwd -P)
	MFILE=$DIR/$MARK
	: >"$MFILE"
}

# json_events_path PATH: the tool's JSON events whose path is PATH.
json_events_path() {
	jq -c --arg p "$1" 'select(.path == $p)' "$TOOL_OUT"
}

# path_event PATH WHAT: the one JSON event whose path is PATH, in EV (WHAT
# names such events); fails unless there is exactly one.
path_event() {
	one_event '.path == $p' "$2" --arg p "$1"
}

# long_path LEN: a path of LEN bytes under DIR, in components of at most 200
# bytes (so that only its length can make the kernel refuse it).
long_path() {
	local p=$DIR/$MARK-long seg
	printf -v seg '%*s' 199 ''
	seg=/${seg// /y}
	while ((${#p} + ${#seg} <= $1)); do
		p+=$seg
	done
	printf -v seg '%*s' $(($1 - ${#p} - 1)) ''
	printf '%s\n' "$p/${seg// /z}"
}

# The filters, each run the same way: CMD is the tool's workload, a command
# (cat, stat) that makes the traced call on the path it is given. Each stops
# the tool (exit status 0) and checks that no line of another process, name
# or user is left.

# check_name_filter TOOL NAME CMD OTHER: TOOL -n NAME shows CMD's call on
# $MFILE-CMD (CMD's name contains NAME) and not OTHER's on $MFILE-OTHER.
check_name_filter() {
	local tool=$1 name=$2 cmd=$3 other=$4
	tool_start "$tool" -n "$name"
	"$other" "$MFILE-$other" >/dev/null 2>&1 || true
	"$cmd" "$MFILE-$cmd" >/dev/null 2>&1 || true
	wait_for_text " $MFILE-$cmd"
	stop_ok
	assert_absent "$MFILE-$other"
	assert_eq "$(awk -v n="$name" 'NR > 1 && index($2, n) == 0' "$TOOL_OUT")" "" \
		"lines of other names"
}

# check_pid_filter TOOL CMD: TOOL -p PID shows the call on $MFILE-target of
# CMD run as the process PID, and not those of CMD run by other processes
# on $MFILE-other and $MFILE-other-after.
check_pid_filter() {
	local tool=$1 cmd=$2
	target_start "$cmd" "$MFILE-target"
	tool_start "$tool" -p "$TARGET"
	"$cmd" "$MFILE-other" >/dev/null 2>&1 || true
	target_go || true
	"$cmd" "$MFILE-other-after" >/dev/null 2>&1 || true
	wait_for_text " $MFILE-target"
	stop_ok
	assert_absent "$MFILE-other"
	assert_eq "$(awk -v p="$TARGET" 'NR > 1 && $1 != p' "$TOOL_OUT")" "" "lines of other processes"
}

# check_uid_filter TOOL CMD HEADER: TOOL -u 65534 -U shows CMD's call on
# $MFILE-nobody run by uid 65534, and not CMD's on $MFILE-root run by root;
# the header (with the UID column) matches HEADER, and the first line of the
# call by uid 65534 goes to LINE.
check_uid_filter() {
	local tool=$1 cmd=$2 header=$3
	tool_start "$tool" -u 65534 -U
	"$cmd" "$MFILE-root" >/dev/null 2>&1 || true
	# The test's directory is root's only: uid 65534's call fails (EACCES).
	as_nobody "$cmd" "$MFILE-nobody" >/dev/null 2>&1 || true
	wait_for_text " $MFILE-nobody"
	stop_ok
	assert_header "$header"
	LINE=$(lines_ending " $MFILE-nobody" | head -n 1)
	assert_absent "$MFILE-root"
	assert_eq "$(awk 'NR > 1 && $1 != 65534' "$TOOL_OUT")" "" "lines of other users"
}
