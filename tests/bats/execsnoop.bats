#!/usr/bin/env bats
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# execsnoop against the real kernel, as root: every test makes its own exec
# workload with a unique marker and checks the text or the JSON (with jq).
#
#	SONDE_BIN=$PWD/build/bin bats tests/bats/execsnoop.bats
#
# Each test: start the tool (waits for its header or its -v "tracing" line),
# make the workload, wait for the expected line, stop the tool, assert on the
# data.

load helpers

# Names of execsnoop's BPF programs, cut to the 15 characters bpftool may show.
EXECSNOOP_PROGS=(handle_exit_exe handle_enter_ex)

setup() {
	# Option errors and --help need only the binary; tool_start,
	# cgroup_create and the tests that run the tool otherwise require root
	# and BPF themselves.
	require_tool execsnoop
	require_cmd jq bpftool setpriv timeout
	MARK=sonde-marker-$$-$BATS_TEST_NUMBER-$RANDOM
}

teardown() {
	sonde_teardown
}

# The columns of a text line without -T/-t/-U/-C.
read_event() {
	read -r EV_COMM EV_PID EV_PPID EV_RET EV_ARGS <<<"$1"
}

# marker_event: every line the stopped tool printed is one JSON object, and
# exactly one event has $MARK as its second argument: that one goes to EV.
marker_event() {
	assert_json_lines
	EV=$(jq -c --arg m "$MARK" 'select(.args[1] == $m)' "$TOOL_OUT")
	assert_one_line "$EV" "marker events"
}

# The cgroup v2 ID of process $1 (the inode of its cgroup directory).
cgroup_id_of_pid() {
	local mnt rel line
	mnt=$(cgroup2_mount)
	while IFS= read -r line; do
		[[ $line == 0::* ]] && rel=${line#0::}
	done <"/proc/$1/cgroup"
	stat -c %i "$mnt${rel%/}"
}

# --- the header means tracing ------------------------------------------------

@test "ready means tracing: an exec made right after the header (or the -v line) is reported" {
	# Notice the ready line within a millisecond, as a script would.
	SONDE_POLL_S=0.001
	tool_start execsnoop -x
	/bin/true "$MARK-text"
	wait_for_text " /bin/true $MARK-text"
	stop_ok

	tool_start execsnoop -x -j -v
	/bin/true "$MARK-json"
	wait_for_text "\"$MARK-json\""
	stop_ok
}

# --- 1. events in text and JSON ---------------------------------------------

@test "text: a marker command appears with PCOMM true, its PID, PPID, RET 0 and its arguments" {
	tool_start execsnoop
	/bin/true "$MARK" arg2 &
	local pid=$!
	wait "$pid"
	wait_for_text " /bin/true $MARK arg2"
	stop_ok

	assert_header '^PCOMM +PID +PPID +RET ARGS$'
	one_line_ending " /bin/true $MARK arg2" "marker lines"
	read_event "$LINE"
	assert_eq "$EV_COMM" true "PCOMM"
	assert_eq "$EV_PID" "$pid" "PID"
	assert_eq "$EV_PPID" "$BASHPID" "PPID"
	assert_eq "$EV_RET" 0 "RET"
	assert_eq "$EV_ARGS" "/bin/true $MARK arg2" "ARGS"
}

@test "JSON: the marker event has the documented keys and values, and every line parses" {
	tool_start execsnoop -j -v
	/bin/true "$MARK" arg2 &
	local pid=$!
	wait "$pid"
	wait_for_text "\"$MARK\""
	stop_ok

	marker_event
	assert_jq "$EV" 'keys_unsorted == ["time","uid","comm","pid","ppid","ret","cgroup_id","exe","args","args_from","truncated"]'
	assert_jq "$EV" '.comm == "true"'
	assert_jq "$EV" '.args == ["/bin/true", $m, "arg2"] and .args_from == "kernel"' --arg m "$MARK"
	assert_jq "$EV" '.exe == $e' --arg e "$(readlink -f /bin/true)"
	assert_jq "$EV" '.ret == 0'
	assert_jq "$EV" '(.pid | type) == "number" and .pid > 0 and .pid == $p' --argjson p "$pid"
	assert_jq "$EV" '(.ppid | type) == "number" and .ppid == $p' --argjson p "$BASHPID"
	assert_jq "$EV" '.uid == 0'
	assert_jq "$EV" '(.cgroup_id | type) == "number" and .cgroup_id == $id' \
		--argjson id "$(cgroup_id_of_pid "$BASHPID")"
	assert_jq "$EV" '.truncated == false'
	assert_jq "$EV" '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z$")'
	# The time is now (UTC), not some other clock.
	assert_jq "$EV" '(.time | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) - now | fabs < 60'
	# No -C: no cgroup path key.
	assert_jq "$EV" 'has("cgroup") | not'
}

# --- 2. failed execs ----------------------------------------------------------

@test "-x shows a failed exec with RET ENOENT (-2 in JSON) and the path it tried" {
	local path=/nonexistent-$MARK
	tool_start execsnoop -x
	sh -c "$path 2>/dev/null" || true
	wait_for_match " ENOENT $path\$"
	stop_ok

	one_line_ending " $path" "failed exec lines"
	read_event "$LINE"
	assert_eq "$EV_COMM" sh "PCOMM"
	assert_eq "$EV_RET" ENOENT "RET"
	assert_eq "$EV_ARGS" "$path" "ARGS"
}

@test "without -x a failed exec does not appear" {
	local path=/nonexistent-$MARK
	tool_start execsnoop
	sh -c "$path 2>/dev/null" || true
	/bin/true "$MARK-after"
	wait_for_text " /bin/true $MARK-after"
	stop_ok

	# The shell's own (successful) exec names the path inside its -c
	# argument; no event is the failed exec of the path itself.
	assert_eq "$(lines_ending " $path")" "" "events of the failed exec"
	# No failed exec of any process: every RET is >= 0.
	assert_eq "$(awk 'NR > 1 && $4 !~ /^[0-9]+$/' "$TOOL_OUT")" "" "events with a negative RET"
}

@test "-x -j: a failed exec has the arguments its argv held at entry, and no exe" {
	local path=/nonexistent-$MARK
	tool_start execsnoop -x -j -v
	sh -c "$path a b 2>/dev/null" || true
	wait_for_text "\"$path\""
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"
	local ev
	ev=$(jq -c --arg p "$path" 'select(.args[0] == $p)' "$TOOL_OUT")
	assert_one_line "$ev" "failed exec events"
	assert_jq "$ev" '.ret == -2 and .comm == "sh" and .args == [$p, "a", "b"]' --arg p "$path"
	assert_jq "$ev" '.args_from == "entry" and .exe == null and .truncated == false'
}

# --- 2b. the file executed -------------------------------------------------------

@test "exec -a through a symlink hides neither the file run: exe is /proc/PID/exe's" {
	local link=$BATS_TEST_TMPDIR/$MARK-link pid exe comm ev
	ln -s "$(command -v sleep)" "$link"
	tool_start execsnoop -j -v
	(exec -a "fake-$MARK" "$link" 30) 3>&- &
	pid=$!
	sonde_track_pid "$pid"
	wait_for_text "\"fake-$MARK\""
	exe=$(readlink "/proc/$pid/exe")
	kill "$pid"
	wait "$pid" || true
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"
	comm=${link##*/}
	ev=$(jq -c --arg a "fake-$MARK" 'select(.args[0] == $a)' "$TOOL_OUT")
	assert_one_line "$ev" "events of the exec"
	assert_jq "$ev" '.pid == $p and .comm == $c and .args == [$a, "30"]' \
		--argjson p "$pid" --arg c "${comm:0:15}" --arg a "fake-$MARK"
	assert_jq "$ev" '.exe == $e and .args_from == "kernel"' --arg e "$exe"
	assert_match "$exe" '/sleep$' "/proc/PID/exe"
}

@test "-E shows the EXE column; a script's is its interpreter, as /proc/PID/exe says" {
	local script=$BATS_TEST_TMPDIR/$MARK-script line interp
	printf '#!/bin/sh\nexit 0\n' >"$script"
	chmod +x "$script"
	interp=$(readlink -f /bin/sh)
	tool_start execsnoop -E
	"$script" arg
	wait_for_text " $script arg"
	tool_stop
	assert_eq "$TOOL_RC" 0 "exit status"
	assert_match "$(head -n 1 "$TOOL_OUT")" '^PCOMM +PID +PPID +RET +EXE +ARGS$' "header"
	line=$(lines_ending " $script arg")
	assert_one_line "$line" "lines of the script"
	local comm pid ppid ret exe args
	read -r comm pid ppid ret exe args <<<"$line"
	assert_eq "$exe" "$interp" "EXE"
	assert_eq "$args" "/bin/sh $script arg" "ARGS (the kernel's, with the interpreter)"
}

# --- 3. -c: cgroup filter -----------------------------------------------------

# check_cgroup_filter CG [RUN_DIR]: with -c CG, an exec in RUN_DIR (default
# $CGROUP_DIR) appears, execs outside it (before and after) do not.
check_cgroup_filter() {
	local cg=$1 run_dir=${2:-$CGROUP_DIR}
	tool_start execsnoop -c "$cg"
	/bin/true "$MARK-outside-before"
	run_in_cgroup "$run_dir" /bin/true "$MARK-inside"
	/bin/true "$MARK-outside-after"
	wait_for_text " /bin/true $MARK-inside"
	stop_ok

	one_line_ending " /bin/true $MARK-inside" "inside marker lines"
	read_event "$LINE"
	assert_eq "$EV_COMM" true "PCOMM"
	assert_eq "$EV_RET" 0 "RET"
	# The exec after the inside one ended before the tool was stopped, and
	# the tool drains its buffer on exit: it would be here if not filtered.
	assert_absent "$MARK-outside"
}

@test "-c with an absolute cgroup path traces only that cgroup" {
	cgroup_create
	check_cgroup_filter "$CGROUP_DIR"
}

@test "-c with a path relative to the cgroup2 mount traces only that cgroup" {
	cgroup_create leaf
	check_cgroup_filter "${CGROUP_REL#/}"
}

@test "-c with a numeric cgroup ID traces only that cgroup" {
	cgroup_create
	assert_match "$CGROUP_ID" '^[0-9]+$' "cgroup ID"
	check_cgroup_filter "$CGROUP_ID"
}

@test "-c with a container ID (12 hex digits of docker-<64 hex>.scope) traces only that container" {
	local hex
	hex=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
	assert_match "$hex" '^[0-9a-f]{64}$' "container ID"
	cgroup_create "docker-$hex.scope"
	check_cgroup_filter "${hex:0:12}"
}

@test "-c covers the whole subtree: an exec in a child cgroup appears" {
	cgroup_create
	local parent=$CGROUP_DIR
	cgroup_create child
	check_cgroup_filter "$parent" "$CGROUP_DIR"
}

# --- 4. -C: cgroup column and key ---------------------------------------------

@test "-C shows the CGROUP column with the path relative to the cgroup2 mount" {
	cgroup_create leaf
	tool_start execsnoop -C
	run_in_cgroup "$CGROUP_DIR" /bin/true "$MARK"
	wait_for_text " /bin/true $MARK"
	stop_ok

	assert_header '^PCOMM +PID +PPID +RET +CGROUP +ARGS$'
	local comm pid ppid ret cg args
	one_line_ending " /bin/true $MARK" "marker lines"
	read -r comm pid ppid ret cg args <<<"$LINE"
	assert_eq "$comm" true "PCOMM"
	assert_eq "$cg" "$CGROUP_REL" "CGROUP"
	assert_eq "$args" "/bin/true $MARK" "ARGS"
}

@test "-C -j gives .cgroup (path relative to the mount) and .cgroup_id (the directory's inode)" {
	cgroup_create leaf
	tool_start execsnoop -C -j -v
	run_in_cgroup "$CGROUP_DIR" /bin/true "$MARK"
	wait_for_text "\"$MARK\""
	stop_ok

	marker_event
	assert_jq "$EV" '.cgroup == $p' --arg p "$CGROUP_REL"
	assert_jq "$EV" '.cgroup_id == $id' --argjson id "$CGROUP_ID"
	assert_jq "$EV" '.container_id == null and .container_runtime == null'
}

@test "-C: a container's cgroup is its runtime and short ID in text; JSON has its ID, runtime and path" {
	local hex
	hex=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
	assert_match "$hex" '^[0-9a-f]{64}$' "container ID"
	# As podman makes it, with the container's processes one level down.
	cgroup_create "libpod-$hex.scope/container"
	tool_start execsnoop -C
	run_in_cgroup "$CGROUP_DIR" /bin/true "$MARK"
	wait_for_text " /bin/true $MARK"
	stop_ok
	local comm pid ppid ret cg args
	one_line_ending " /bin/true $MARK" "marker lines"
	read -r comm pid ppid ret cg args <<<"$LINE"
	assert_eq "$cg" "podman:${hex:0:12}/container" "CGROUP"

	tool_start execsnoop -C -j -v
	run_in_cgroup "$CGROUP_DIR" /bin/true "$MARK"
	wait_for_text "\"$MARK\""
	stop_ok
	marker_event
	assert_jq "$EV" '.cgroup == $p and .container_id == $h and .container_runtime == "podman"' \
		--arg p "$CGROUP_REL" --arg h "$hex"
}

@test "--label KEY=VALUE: a column in text, the first keys of every JSON object; a bad one is refused" {
	tool_start execsnoop --label node=worker-1 --label zone=b
	/bin/true "$MARK"
	wait_for_text " /bin/true $MARK"
	stop_ok
	assert_header '^NODE +ZONE PCOMM +PID +PPID +RET ARGS$'
	one_line_ending " /bin/true $MARK" "marker lines"
	assert_match "$LINE" '^worker-1 b    true ' "row"

	tool_start execsnoop -j -v --label node=worker-1
	/bin/true "$MARK"
	wait_for_text "\"$MARK\""
	stop_ok
	marker_event
	assert_jq "$EV" '(keys_unsorted | .[0]) == "node" and .node == "worker-1"'
	assert_bad_value execsnoop --label Node=x --label Node=x
	assert_bad_value execsnoop --label node --label node
}

# --- 5. -u / -U ---------------------------------------------------------------

@test "-u 65534 shows only that user's execs; -U shows the UID column" {
	tool_start execsnoop -u 65534 -U
	/bin/true "$MARK-root"
	as_nobody /bin/true "$MARK-nobody"
	wait_for_text " /bin/true $MARK-nobody"
	stop_ok

	assert_header '^UID +PCOMM +PID +PPID +RET ARGS$'
	local uid comm pid ppid ret args
	# setpriv's own exec (as root) names the marker too: it must be filtered.
	assert_eq "$(count_lines_with "$MARK-nobody")" 1 "lines with the uid 65534 marker"
	one_line_ending " /bin/true $MARK-nobody" "uid 65534 marker lines"
	read -r uid comm pid ppid ret args <<<"$LINE"
	assert_eq "$uid" 65534 "UID"
	assert_eq "$comm" true "PCOMM"
	assert_absent "$MARK-root"
	assert_eq "$(awk 'NR > 1 && $1 != 65534' "$TOOL_OUT")" "" "events of other users"
}

# --- 6. -n / -l ---------------------------------------------------------------

@test "-n NAME shows only commands whose name contains NAME" {
	tool_start execsnoop -n rue
	/bin/echo "$MARK-echo" >/dev/null
	/bin/true "$MARK-true"
	wait_for_text " /bin/true $MARK-true"
	stop_ok

	one_line_ending " /bin/true $MARK-true" "true marker lines"
	assert_absent "$MARK-echo"
	assert_eq "$(awk 'NR > 1 && index($1, "rue") == 0' "$TOOL_OUT")" "" "events of other names"
}

@test "-l LINE shows only commands with an argument containing LINE" {
	local line=$MARK-line
	tool_start execsnoop -l "$line"
	/bin/true "$MARK-other"
	/bin/echo "before-$line-after" >/dev/null
	wait_for_text " /bin/echo before-$line-after"
	stop_ok

	local ev
	ev=$(lines_ending " /bin/echo before-$line-after")
	assert_one_line "$ev" "matching lines"
	read_event "$ev"
	assert_eq "$EV_COMM" echo "PCOMM"
	assert_absent "$MARK-other"
	assert_eq "$(awk -v l="$line" 'NR > 1 && index($0, l) == 0' "$TOOL_OUT")" "" \
		"events without LINE in their arguments"
}

# --- 7. -p --------------------------------------------------------------------

@test "-p PID shows only that process's execs" {
	# The target becomes the marker (an exec keeps the PID).
	target_start /bin/true "$MARK-target"
	tool_start execsnoop -p "$TARGET"
	/bin/true "$MARK-other"
	target_go
	/bin/true "$MARK-other-after"
	wait_for_text " /bin/true $MARK-target"
	stop_ok

	one_line_ending " /bin/true $MARK-target" "target marker lines"
	read_event "$LINE"
	assert_eq "$EV_PID" "$TARGET" "PID"
	assert_eq "$EV_COMM" true "PCOMM"
	assert_absent "$MARK-other"
	assert_eq "$(awk -v p="$TARGET" 'NR > 1 && $2 != p' "$TOOL_OUT")" "" "events of other processes"
}

# --- 8. hostile arguments -----------------------------------------------------

# Newline, CSI and OSC escape sequences, carriage return, double quotes,
# backslash, valid UTF-8 (é) and invalid UTF-8.
HOSTILE=($'nl\nx' $'\e[31mred' $'\e]0;title\a' $'cr\rx' 'say "hi"' 'back\slash' $'h\xc3\xa9llo' $'\xff\xfe')
HOSTILE_TEXT='nl\x0ax \x1b[31mred \x1b]0;title\x07 cr\x0dx say "hi" back\\slash h\xc3\xa9llo \xff\xfe'

@test "text: hostile arguments stay on one line, escaped as \\xNN and \\\\" {
	tool_start execsnoop
	/bin/true "$MARK" "${HOSTILE[@]}"
	wait_for_text " /bin/true $MARK nl"
	stop_ok

	assert_eq "$(count_lines_with "$MARK")" 1 "lines with the marker"
	one_line_ending " /bin/true $MARK $HOSTILE_TEXT" "escaped marker lines"
	# Whatever the events, stdout is printable ASCII only.
	assert_eq "$(LC_ALL=C grep -n '[^ -~]' "$TOOL_OUT")" "" "lines with raw control or 8-bit bytes"
}

@test "JSON: hostile arguments give one parsable line with the original strings" {
	tool_start execsnoop -j -v
	/bin/true "$MARK" "${HOSTILE[@]}"
	wait_for_text "\"$MARK\""
	stop_ok

	assert_eq "$(count_lines_with "$MARK")" 1 "lines with the marker"
	marker_event
	assert_jq "$EV" '.args | length == 10'
	# Valid UTF-8 comes back as it was (jq decodes \u001b, \n, \" ...).
	assert_jq "$EV" '.args[2:9] == $ARGS.positional' --args "${HOSTILE[@]:0:7}"
	# Invalid UTF-8: each raw byte as \u00XX.
	assert_jq "$EV" '.args[9] == "\u00ff\u00fe"'
	assert_eq "$(LC_ALL=C grep -n '[[:cntrl:]]' "$TOOL_OUT")" "" "lines with raw control bytes"
}

# --- 9. truncation ------------------------------------------------------------

@test "--max-args 2: the text line ends with ' ...'" {
	tool_start execsnoop --max-args 2
	/bin/true "$MARK" a b c
	wait_for_text " /bin/true $MARK"
	stop_ok
	one_line_ending " /bin/true $MARK ..." "cut marker lines"
	assert_absent "$MARK a"
}

@test "--max-args 2 -j: .args has 2 items and .truncated is true" {
	tool_start execsnoop --max-args 2 -j -v
	/bin/true "$MARK" a b c
	wait_for_text "\"$MARK\""
	stop_ok

	marker_event
	assert_jq "$EV" '.args == ["/bin/true", $m]' --arg m "$MARK"
	assert_jq "$EV" '.truncated == true'
}

@test "-x --max-args loads over its whole range (1, 42, 47, 128 tried) and reports up to 128 arguments, failed or not" {
	local n path=/nonexistent-$MARK ev
	local -a many
	mapfile -t many < <(seq 1 127)
	for n in 1 42 47 128; do
		tool_start execsnoop -x --max-args "$n" -j -v
		sh -c "$path-$n a b 2>/dev/null" || true
		wait_for_text "\"$path-$n\""
		tool_stop
		assert_eq "$TOOL_RC" 0 "exit status with --max-args $n"
		ev=$(jq -c --arg p "$path-$n" 'select(.args[0] == $p)' "$TOOL_OUT")
		assert_one_line "$ev" "failed exec events with --max-args $n"
		assert_jq "$ev" '.ret == -2 and (.args | length) == ([$n, 3] | min) and .truncated == ($n < 3)' \
			--argjson n "$n"
	done

	tool_start execsnoop -x --max-args 128 -j -v
	/bin/true "$MARK" "${many[@]:0:126}"
	(exec "$path" "$MARK" "${many[@]:0:126}") 2>/dev/null || true
	(exec "$path" "$MARK-more" "${many[@]}") 2>/dev/null || true
	wait_for_text "\"$MARK-more\""
	tool_stop
	ev=$(jq -c --arg m "$MARK" 'select(.args[1] == $m)' "$TOOL_OUT")
	assert_eq "$(jq -r '"\(.ret) \(.args | length) \(.truncated)"' <<<"$ev" | paste -sd,)" \
		"0 128 false,-2 128 false" "exec and failed exec of 128 arguments"
	ev=$(jq -c --arg m "$MARK-more" 'select(.args[1] == $m)' "$TOOL_OUT")
	assert_one_line "$ev" "events of the failed exec of 129 arguments"
	assert_jq "$ev" '(.args | length) == 128 and .args[127] == "126" and .truncated == true'
}

@test "more than 4096 bytes of arguments are cut and marked truncated" {
	local pad i
	local -a long=()
	printf -v pad '%*s' 200 ''
	pad=${pad// /x}
	for ((i = 0; i < 40; i++)); do
		long+=("$i$pad")
	done
	tool_start execsnoop --max-args 128 -j -v
	/bin/true "$MARK" "${long[@]}"
	wait_for_text "\"$MARK\""
	stop_ok

	marker_event
	assert_jq "$EV" '.truncated == true'
	assert_jq "$EV" '.args | length < 42 and length > 10'
	assert_jq "$EV" '[.args[] | utf8bytelength + 1] | add <= 4097'
	assert_jq "$EV" '.args[2] == $a' --arg a "${long[0]}"
}

# --- 10. a closed pipe --------------------------------------------------------

@test "execsnoop -j | head -n1 exits 0 with nothing on stderr" {
	# Exec until the pipeline has ended (head got its line, execsnoop
	# noticed the closed pipe).
	assert_head_ends execsnoop -- /bin/true "$MARK"
}

# --- 11. bad values -----------------------------------------------------------

@test "-p abc exits 2 naming the option and the value" {
	assert_bad_value execsnoop -p abc -p abc
}

@test "-p 0 exits 2 naming the option and the value" {
	assert_bad_value execsnoop -p 0 -p 0
}

@test "-p 99999999999 exits 2 naming the option and the value" {
	assert_bad_value execsnoop -p 99999999999 -p 99999999999
}

@test "-d -1 exits 2 naming the option and the value" {
	assert_bad_value execsnoop -d -1 -d -1
}

@test "-d 0 exits 2 naming the option and the value" {
	assert_bad_value execsnoop -d 0 -d 0
}

@test "--max-args 0 exits 2 naming the option and the value" {
	assert_bad_value execsnoop --max-args 0 --max-args 0
}

@test "--max-args 1000 exits 2 naming the option and the value" {
	assert_bad_value execsnoop --max-args 1000 --max-args 1000
}

@test "-u -5 exits 2 naming the option and the value" {
	assert_bad_value execsnoop -u -5 -u -5
}

@test "an unknown option --bogus exits 2 naming it" {
	assert_usage_error execsnoop --bogus --bogus
}

@test "an extra positional argument exits 2" {
	assert_usage_error execsnoop "" extra-argument
}

# --- 12. unknown cgroup -------------------------------------------------------

@test "-c /no-such-cgroup-sonde exits 3 naming the cgroup" {
	assert_cgroup_not_found execsnoop /no-such-cgroup-sonde
}

@test "-c 999999999 (no such cgroup ID) exits 3 naming it" {
	assert_cgroup_not_found execsnoop 999999999
}

# --- 13. unprivileged ---------------------------------------------------------

@test "an unprivileged run exits 3 with one line about root / CAP_BPF" {
	assert_unprivileged_exit execsnoop
}

# --- 14. ending -------------------------------------------------------------

@test "SIGTERM ends with exit 0 and nothing left attached" {
	tool_start execsnoop -x
	stop_ok TERM
	assert_eq "$(<"$TOOL_ERR")" "" "stderr"
	assert_detached "${EXECSNOOP_PROGS[@]}"
}

@test "SIGINT ends with exit 0 and nothing left attached" {
	tool_start execsnoop -j -v
	stop_ok INT
	assert_detached "${EXECSNOOP_PROGS[@]}"
}

@test "-d 1 ends by itself within 5 s with exit 0 and nothing left attached" {
	local start=$EPOCHREALTIME
	tool_start execsnoop -d 1
	tool_record_bpf
	tool_wait_exit 5
	assert_eq "$TOOL_RC" 0 "exit status"
	assert_eq "$(<"$TOOL_ERR")" "" "stderr"
	_sonde_deadline_passed "$start" 1 || sonde_fail "-d 1 ended before one second had passed"
	assert_detached "${EXECSNOOP_PROGS[@]}"
}

# --- 15. help and version -----------------------------------------------------

@test "-h exits 0 and prints the help on stdout" {
	tool_run_bounded 10 execsnoop -h
	assert_eq "$status" 0 "exit status"
	assert_eq "$stderr" "" "stderr"
	assert_match "$output" '^Usage: execsnoop ' "stdout"
	[[ $output == *--max-args* && $output == *--cgroup* ]] || sonde_fail "help lacks options:" "$output"
}

@test "--help ends with the EXAMPLES" {
	tool_run_bounded 10 execsnoop --help
	assert_eq "$status" 0 "exit status"
	assert_eq "$stderr" "" "stderr"
	local after
	after=$(sed -n '/^EXAMPLES:$/,$p' <<<"$output" | tail -n +2)
	[[ -n $after ]] || sonde_fail "no EXAMPLES section at the end of --help:" "$output"
	assert_eq "$(grep -v '^  execsnoop' <<<"$after")" "" "lines after EXAMPLES: that are not examples"
}

@test "-V exits 0 and prints the version on stdout" {
	tool_run_bounded 10 execsnoop -V
	assert_eq "$status" 0 "exit status"
	assert_eq "$stderr" "" "stderr"
	assert_match "$output" '^execsnoop \(sonde\) [0-9]+\.[0-9]+' "stdout"
}

# --- 16. time columns ---------------------------------------------------------

@test "-T shows a HH:MM:SS clock column" {
	tool_start execsnoop -T
	/bin/true "$MARK"
	wait_for_text " /bin/true $MARK"
	tool_stop
	local now
	now=$(date +%H:%M:%S)
	assert_eq "$TOOL_RC" 0 "exit status"

	assert_header '^TIME +PCOMM +PID +PPID +RET ARGS$'
	local t comm rest
	one_line_ending " /bin/true $MARK" "marker lines"
	read -r t comm rest <<<"$LINE"
	assert_match "$t" '^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$' "TIME"
	assert_eq "$comm" true "PCOMM"
	# Local time, as `date` shows it, a few seconds ago at most.
	local a b h m s
	IFS=: read -r h m s <<<"$t"
	a=$((10#$h * 3600 + 10#$m * 60 + 10#$s))
	IFS=: read -r h m s <<<"$now"
	b=$((10#$h * 3600 + 10#$m * 60 + 10#$s))
	(((b - a + 86400) % 86400 <= 10)) || sonde_fail "TIME $t is not the local time ($now)"
}

@test "-t shows a TIME(s) column of seconds since the start" {
	local start=$EPOCHREALTIME
	tool_start execsnoop -t
	/bin/true "$MARK"
	wait_for_text " /bin/true $MARK"
	stop_ok

	assert_header '^TIME\(s\) +PCOMM +PID +PPID +RET ARGS$'
	local t comm rest
	one_line_ending " /bin/true $MARK" "marker lines"
	read -r t comm rest <<<"$LINE"
	assert_match "$t" '^[0-9]+\.[0-9]{3}$' "TIME(s)"
	assert_eq "$comm" true "PCOMM"
	# Not more than the time since we started it.
	local elapsed_ms=$(((${EPOCHREALTIME/[.,]/} - ${start/[.,]/}) / 1000)) t_ms=$((10#${t/./}))
	((t_ms <= elapsed_ms)) || sonde_fail "TIME(s) $t is more than the ${elapsed_ms} ms since start"
}
