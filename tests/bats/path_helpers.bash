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

# target_start CMD [ARGS...]: a shell of ours that waits for target_go, then
# becomes CMD (an exec keeps the PID); its PID in TARGET, for -p.
target_start() {
	local fifo=$BATS_TEST_TMPDIR/go
	mkfifo "$fifo"
	# Read-write: opening never blocks, and the line waits in the pipe.
	exec {TARGET_FD}<>"$fifo"
	(
		read -r _ <"$fifo"
		exec "$@"
	) >/dev/null 2>&1 3>&- &
	TARGET=$!
	sonde_track_pid "$TARGET"
}

# target_go: let the target run CMD, and wait for it to end.
target_go() {
	echo go >&"$TARGET_FD"
	wait "$TARGET" || true
	exec {TARGET_FD}>&-
}

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
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

# assert_bad_value TOOL OPTION VALUE ARGS...: TOOL ARGS exits 2, prints
# nothing on stdout and one line on stderr naming OPTION and 'VALUE'.
assert_bad_value() {
	local tool=$1 opt=$2 val=$3
	shift 3
	tool_run_bounded 10 "$tool" "$@"
	assert_eq "$status" 2 "exit status of $tool $*"
	assert_eq "$output" "" "stdout"
	assert_one_line "$stderr" "stderr"
	assert_match "$stderr" "^$tool: " "stderr"
	[[ $stderr == *"$opt"* ]] || sonde_fail "stderr does not name $opt: $stderr"
	[[ $stderr == *"'$val'"* ]] || sonde_fail "stderr does not name '$val': $stderr"
}

# assert_head_ends TOOL CMD...: `TOOL -j | head -n 1` ends, the tool with
# exit 0 and nothing on stderr, while CMD (a loop making events, run in the
# background and stopped afterwards) floods it.
assert_head_ends() {
	local tool=$1
	shift
	require_bpf "$tool"
	local out=$BATS_TEST_TMPDIR/head.out err=$BATS_TEST_TMPDIR/tool.err
	local st=$BATS_TEST_TMPDIR/pipestatus pidf=$BATS_TEST_TMPDIR/timeout.pid storm start
	"$@" 3>&- &
	storm=$!
	sonde_track_pid "$storm"
	(
		(
			echo "$BASHPID" >"$pidf"
			exec timeout 20 "$SONDE_BIN/$tool" -j 2>"$err"
		) | head -n 1 >"$out"
		echo "${PIPESTATUS[*]}" >"$st"
	) 3>&- &
	sonde_track_pid "$!"
	start=$EPOCHREALTIME
	until [[ -s $st ]] || _sonde_deadline_passed "$start" "$SONDE_WAIT_S"; do
		[[ -s $pidf ]] && sonde_track_pid "$(<"$pidf")"
		sonde_nap
	done
	kill "$storm" 2>/dev/null || true
	[[ -s $st ]] || sonde_fail "the pipeline did not end within ${SONDE_WAIT_S}s" \
		"--- stderr:" "$(<"$err")"

	local tool_rc head_rc
	read -r tool_rc head_rc <"$st"
	assert_eq "$tool_rc" 0 "$tool's exit status"
	assert_eq "$head_rc" 0 "head's exit status"
	assert_eq "$(<"$err")" "" "$tool's stderr"
	assert_eq "$(wc -l <"$out")" 1 "lines head printed"
	assert_json_lines "$out"
}

# assert_help TOOL OPTION...: --help exits 0, names the options and ends
# with the EXAMPLES; -V prints the version.
assert_help() {
	local tool=$1 o
	shift
	tool_run_bounded 10 "$tool" --help
	assert_eq "$status" 0 "exit status"
	assert_eq "$stderr" "" "stderr"
	assert_match "$output" "^Usage: $tool " "stdout"
	for o; do
		[[ $output == *"$o"* ]] || sonde_fail "help lacks $o:" "$output"
	done
	local after
	after=$(sed -n '/^EXAMPLES:$/,$p' <<<"$output" | tail -n +2)
	[[ -n $after ]] || sonde_fail "no EXAMPLES section at the end of --help:" "$output"
	assert_eq "$(grep -v "^  $tool" <<<"$after")" "" "lines after EXAMPLES: that are not examples"

	tool_run_bounded 10 "$tool" -V
	assert_eq "$status" 0 "exit status of -V"
	assert_match "$output" "^$tool \\(sonde\\) [0-9]+\\.[0-9]+" "stdout of -V"
}

# assert_unprivileged_exit TOOL: run by nobody without capabilities, TOOL
# exits 3 with one line about root and CAP_BPF.
assert_unprivileged_exit() {
	local tool=$1
	require_bpf "$tool"
	sonde_tmpdir_public
	cp "$SONDE_BIN/$tool" "$SONDE_PUBLIC_DIR/$tool"
	chmod 755 "$SONDE_PUBLIC_DIR/$tool"
	local out=$BATS_TEST_TMPDIR/unpriv.out err=$BATS_TEST_TMPDIR/unpriv.err
	status=0
	(cd / && timeout -s KILL 10 setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$SONDE_PUBLIC_DIR/$tool" -d 1) \
		>"$out" 2>"$err" 3>&- || status=$?
	assert_eq "$status" 3 "exit status"
	assert_eq "$(<"$out")" "" "stdout"
	local msg
	msg=$(<"$err")
	assert_one_line "$msg" "stderr"
	assert_match "$msg" "^$tool: .*root.*CAP_BPF" "stderr"
}
